// A loaded chart (Helm's chart.Chart): metadata from Chart.yaml, default values, templates, other
// files, subcharts, as pkg/chart models it.

import type { Values } from '../values/coalesce.js';

export interface ChartFile {
  /** Path relative to the chart root, '/'-separated (e.g. templates/deploy.yaml). */
  name: string;
  data: Buffer;
}

export interface Maintainer {
  name?: string;
  email?: string;
  url?: string;
}

export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: unknown[];
  alias?: string;
}

export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  kubeVersion?: string;
  description?: string;
  type?: string;
  keywords?: string[];
  home?: string;
  sources?: string[];
  dependencies?: ChartDependency[];
  maintainers?: Maintainer[];
  icon?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  condition?: string;
  tags?: string;
}

export interface ChartLock {
  generated: string;
  digest: string;
  dependencies: { name: string; version: string; repository: string }[];
}

export class LoadedChart {
  metadata: ChartMetadata;
  lock?: ChartLock;
  /** templates/ files (name relative to the chart root). */
  templates: ChartFile[] = [];
  /** Default values from values.yaml. */
  values: Values = {};
  /** values.schema.json text, if any. */
  schema?: Buffer;
  /** Other files (available through .Files), including crds/. */
  files: ChartFile[] = [];
  /** Raw Chart.yaml / values.yaml / requirements files as read. */
  raw: ChartFile[] = [];
  parent?: LoadedChart;
  private deps: LoadedChart[] = [];

  constructor(metadata: ChartMetadata) {
    this.metadata = metadata;
  }

  name(): string {
    return this.metadata.name;
  }

  isRoot(): boolean {
    return this.parent === undefined;
  }

  root(): LoadedChart {
    return this.parent ? this.parent.root() : this;
  }

  dependencies(): LoadedChart[] {
    return this.deps;
  }

  setDependencies(charts: LoadedChart[]): void {
    this.deps = [];
    for (const c of charts) this.addDependency(c);
  }

  addDependency(c: LoadedChart): void {
    c.parent = this;
    this.deps.push(c);
  }

  /** Helm's ChartFullPath: mychart/charts/sub. */
  chartFullPath(): string {
    return this.parent ? `${this.parent.chartFullPath()}/charts/${this.name()}` : this.name();
  }

  /** Helm's ChartPath: mychart.sub. */
  chartPath(): string {
    return this.parent ? `${this.parent.chartPath()}.${this.name()}` : this.name();
  }

  isLibrary(): boolean {
    return this.metadata.type === 'library';
  }

  /** CRD files of this chart and its dependencies (Helm's CRDObjects). */
  crdObjects(): { name: string; filename: string; file: ChartFile }[] {
    const out: { name: string; filename: string; file: ChartFile }[] = [];
    for (const f of this.files) {
      if (f.name.startsWith('crds/') && /\.(ya?ml|json)$/.test(f.name)) {
        out.push({ name: f.name, filename: `${this.chartFullPath()}/${f.name}`, file: f });
      }
    }
    for (const d of this.deps) out.push(...d.crdObjects());
    return out;
  }

  /** A shallow copy with its own metadata object (used for aliases). */
  cloneWithName(name: string): LoadedChart {
    const c = new LoadedChart({ ...this.metadata, name });
    c.lock = this.lock;
    c.templates = this.templates;
    c.values = this.values;
    c.schema = this.schema;
    c.files = this.files;
    c.raw = this.raw;
    c.setDependencies(this.deps);
    return c;
  }

  /** A deep copy of the tree (metadata, dependency lists and values), sharing file data. */
  clone(): LoadedChart {
    const c = new LoadedChart(structuredClone(this.metadata));
    c.lock = this.lock;
    c.templates = this.templates;
    c.values = structuredClone(this.values);
    c.schema = this.schema;
    c.files = this.files;
    c.raw = this.raw;
    c.setDependencies(this.deps.map((d) => d.clone()));
    return c;
  }
}
