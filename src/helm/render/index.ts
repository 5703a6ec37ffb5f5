// Rendering a chart as `helm install`/`helm template` do (pkg/action: renderResources): dependency
// processing, values (coalesce + schema), templates, NOTES, hooks split out and manifests sorted
// in install order.

import type { LoadedChart } from '../chart/types.js';
import { isCompatibleRange, processDependencies } from '../chart/dependencies.js';
import { makeCapabilities, type Capabilities } from '../funcs/index.js';
import { coalesceValues, isTable, type Values } from '../values/coalesce.js';
import { schemaErrorText } from '../values/schema.js';
import { renderTemplates } from './engine.js';
import { sortManifests } from './manifests.js';

export { renderTemplates, sortTemplates, RenderError } from './engine.js';
export { splitManifests, sortManifests, sortByKind, parseHead, INSTALL_ORDER, UNINSTALL_ORDER, type Hook, type Manifest } from './manifests.js';

export interface RenderOptions {
  releaseName: string;
  namespace: string;
  revision: number;
  isInstall: boolean;
  isUpgrade: boolean;
  kubeVersion?: string;
  /** Extra API versions (group/version or group/version/Kind), added to Helm's default set. */
  apiVersions?: string[];
  lookup?: (apiVersion: string, kind: string, namespace: string, name: string) => unknown;
  /** Lint mode: missing `required` values are not errors. */
  lintMode?: boolean;
  /** Include NOTES.txt of subcharts too (--render-subchart-notes). */
  subNotes?: boolean;
  /** Strict mode (missingkey=error), as `helm lint --strict`. */
  strict?: boolean;
  /** Messages Helm would log (warnings). */
  log?: (msg: string) => void;
}

export interface RenderedManifest {
  /** e.g. mychart/templates/deploy.yaml */
  name: string;
  content: string;
  kind?: string;
}

export interface RenderedHook {
  name: string;
  path: string;
  kind: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
  manifest: string;
}

export interface RenderResult {
  /** Sorted in install order, hooks excluded. */
  manifests: RenderedManifest[];
  hooks: RenderedHook[];
  notes: string;
  crds: RenderedManifest[];
  /** The computed values. */
  values: Record<string, unknown>;
  chart: LoadedChart;
}

const releaseNameRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** chartutil.ValidateReleaseName, with install's wrapping. */
export function validateReleaseName(name: string): void {
  if (name === '' || name.length > 53 || !releaseNameRe.test(name)) {
    throw new Error(`release name "${name}": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53`);
  }
}

/** chartutil.ValidateAgainstSchema over the chart tree; returns the accumulated text. */
function validateAgainstSchema(chart: LoadedChart, values: Values): string {
  let sb = '';
  if (chart.schema) {
    let err: string;
    try {
      err = schemaErrorText(chart.schema.toString('utf8'), values);
    } catch (e) {
      err = `- (root): ${(e as Error).message}\n`;
    }
    if (err) sb += `${chart.name()}:\n${err}`;
  }
  for (const sub of chart.dependencies()) {
    const sv = values[sub.name()];
    sb += validateAgainstSchema(sub, isTable(sv) ? sv : {});
  }
  return sb;
}

/** Chart types that can be installed (action.CheckIfInstallable). */
export function checkIfInstallable(chart: LoadedChart): void {
  const t = chart.metadata.type ?? '';
  if (t === '' || t === 'application') return;
  throw new Error(`${t} charts are not installable`);
}

/** The values templates see, after dependency processing, coalescing and schema validation. */
export function computeValues(chart: LoadedChart, userValues: Values): Values {
  const vals = coalesceValues(chart, userValues);
  const err = validateAgainstSchema(chart, vals);
  if (err) throw new Error(`values don't meet the specifications of the schema(s) in the following chart(s):\n${err}`);
  return vals;
}

export function capabilitiesFor(opts: Pick<RenderOptions, 'kubeVersion' | 'apiVersions'>): Capabilities {
  return makeCapabilities(opts.kubeVersion, opts.apiVersions ?? []);
}

/**
 * Renders a chart for a release. Throws Error with Helm's messages (parse/execution errors with
 * file and line, schema violations, YAML parse errors of rendered manifests).
 */
export function renderChart(chart: LoadedChart, userValues: Record<string, unknown>, opts: RenderOptions): RenderResult {
  const ch = chart.clone();
  const log = opts.log ?? (() => {});
  checkIfInstallable(ch);
  let caps: Capabilities;
  try {
    caps = capabilitiesFor(opts);
  } catch (e) {
    throw new Error(`invalid kube version '${opts.kubeVersion}': ${(e as Error).message}`);
  }
  processDependencies(ch, structuredClone(userValues), log);
  if (ch.metadata.kubeVersion && !isCompatibleRange(ch.metadata.kubeVersion, caps.KubeVersion.Version)) {
    throw new Error(`chart requires kubeVersion: ${ch.metadata.kubeVersion} which is incompatible with Kubernetes ${caps.KubeVersion.Version}`);
  }
  const values = computeValues(ch, userValues);
  const top: Record<string, unknown> = {
    Capabilities: caps,
    Release: {
      Name: opts.releaseName,
      Namespace: opts.namespace,
      IsUpgrade: opts.isUpgrade,
      IsInstall: opts.isInstall,
      Revision: BigInt(opts.revision),
      Service: 'Helm',
    },
    Values: values,
  };
  const files = renderTemplates(ch, top, { lintMode: opts.lintMode, lookup: opts.lookup, strict: opts.strict, log });
  const notesParts: string[] = [];
  const rootNotes = `${ch.name()}/templates/NOTES.txt`;
  for (const k of [...files.keys()].sort()) {
    if (!k.endsWith('NOTES.txt')) continue;
    if (opts.subNotes || k === rootNotes) notesParts.push(files.get(k)!);
    files.delete(k);
  }
  const { hooks, manifests } = sortManifests(files, log);
  return {
    manifests: manifests.map((m) => ({ name: m.name, content: m.content, kind: m.head.kind })),
    hooks: hooks.map((h) => ({ ...h })),
    notes: notesParts.join('\n'),
    crds: ch.crdObjects().map((c) => ({ name: c.filename, content: c.file.data.toString('utf8'), kind: 'CustomResourceDefinition' })),
    values,
    chart: ch,
  };
}

/** The release manifest: `---\n# Source: NAME\nCONTENT\n` per manifest, as Helm stores it. */
export function manifestString(r: RenderResult, opts: { includeCrds?: boolean } = {}): string {
  let b = '';
  if (opts.includeCrds) for (const c of r.crds) b += `---\n# Source: ${c.name}\n${c.content}\n`;
  for (const m of r.manifests) b += `---\n# Source: ${m.name}\n${m.content}\n`;
  return b;
}

/** `helm template`'s output: the manifest trimmed, then hooks (unless disabled / tests skipped). */
export function templateOutput(r: RenderResult, opts: { includeCrds?: boolean; skipTests?: boolean; noHooks?: boolean } = {}): string {
  let out = manifestString(r, { includeCrds: opts.includeCrds }).trim() + '\n';
  if (!opts.noHooks) {
    for (const h of r.hooks) {
      if (opts.skipTests && h.events.includes('test')) continue;
      out += `---\n# Source: ${h.path}\n${h.manifest}\n`;
    }
  }
  return out;
}
