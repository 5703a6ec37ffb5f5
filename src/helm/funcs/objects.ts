// The objects Helm passes to templates: .Chart (chart.Metadata plus IsRoot), .Files,
// .Capabilities (KubeVersion, APIVersions, HelmVersion), as struct-like values of the template
// engine's value model (fields are properties, methods are prototype functions).

import { goFunc } from '../template/index.js';
import { GO_NAMED_MAP } from '../template/values.js';
import type { ChartDependency, ChartFile, ChartMetadata, Maintainer } from '../chart/types.js';
import { toYaml } from '../values/yaml.js';
import { marshal } from '../sprig/json.js';

function omitEmptyJson(o: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[k] = v;
  }
  return marshal(out, { escapeHTML: true });
}

export class MaintainerView {
  Name: string;
  Email: string;
  URL: string;
  constructor(m: Maintainer) {
    this.Name = m.name ?? '';
    this.Email = m.email ?? '';
    this.URL = m.url ?? '';
  }
  MarshalJSON(): string {
    return omitEmptyJson({ name: this.Name, email: this.Email, url: this.URL });
  }
}
Object.defineProperty(MaintainerView.prototype, 'goType', { value: '*chart.Maintainer' });

export class DependencyView {
  Name: string;
  Version: string;
  Repository: string;
  Condition: string;
  Tags: string[] | null;
  Enabled: boolean;
  ImportValues: unknown[] | null;
  Alias: string;
  constructor(d: ChartDependency) {
    this.Name = d.name ?? '';
    this.Version = d.version ?? '';
    this.Repository = d.repository ?? '';
    this.Condition = d.condition ?? '';
    this.Tags = d.tags ?? null;
    this.Enabled = d.enabled ?? false;
    this.ImportValues = d['import-values'] ?? null;
    this.Alias = d.alias ?? '';
  }
  MarshalJSON(): string {
    const o: Record<string, unknown> = { name: this.Name };
    const rest = {
      version: this.Version, repository: this.Repository, condition: this.Condition, tags: this.Tags, enabled: this.Enabled,
      'import-values': this.ImportValues, alias: this.Alias,
    };
    const s = omitEmptyJson(rest);
    const merged = { ...o, ...(JSON.parse(s) as Record<string, unknown>) };
    merged.repository = this.Repository;
    return marshal(merged, { escapeHTML: true });
  }
}
Object.defineProperty(DependencyView.prototype, 'goType', { value: '*chart.Dependency' });

/** .Chart: chart.Metadata's exported fields (Go names) and IsRoot. */
export class ChartView {
  Name: string;
  Home: string;
  Sources: string[] | null;
  Version: string;
  Description: string;
  Keywords: string[] | null;
  Maintainers: MaintainerView[] | null;
  Icon: string;
  APIVersion: string;
  Condition: string;
  Tags: string;
  AppVersion: string;
  Deprecated: boolean;
  Annotations: Record<string, string> | null;
  KubeVersion: string;
  Dependencies: DependencyView[] | null;
  Type: string;
  IsRoot: boolean;
  constructor(md: ChartMetadata, isRoot: boolean) {
    this.Name = md.name ?? '';
    this.Home = md.home ?? '';
    this.Sources = md.sources ?? null;
    this.Version = md.version ?? '';
    this.Description = md.description ?? '';
    this.Keywords = md.keywords ?? null;
    this.Maintainers = md.maintainers ? md.maintainers.map((m) => new MaintainerView(m ?? {})) : null;
    this.Icon = md.icon ?? '';
    this.APIVersion = md.apiVersion ?? '';
    this.Condition = md.condition ?? '';
    this.Tags = md.tags ?? '';
    this.AppVersion = md.appVersion ?? '';
    this.Deprecated = md.deprecated ?? false;
    this.Annotations = md.annotations ?? null;
    this.KubeVersion = md.kubeVersion ?? '';
    this.Dependencies = md.dependencies ? md.dependencies.map((d) => new DependencyView(d)) : null;
    this.Type = md.type ?? '';
    this.IsRoot = isRoot;
  }
  MarshalJSON(): string {
    const o = omitEmptyJson({
      name: this.Name, home: this.Home, sources: this.Sources, version: this.Version, description: this.Description,
      keywords: this.Keywords, icon: this.Icon, apiVersion: this.APIVersion, condition: this.Condition,
      tags: this.Tags, appVersion: this.AppVersion, deprecated: this.Deprecated, annotations: this.Annotations,
      kubeVersion: this.KubeVersion, type: this.Type,
    });
    const obj = JSON.parse(o) as Record<string, unknown>;
    const parts = Object.keys(obj).map((k) => `${JSON.stringify(k)}:${JSON.stringify(obj[k])}`);
    if (this.Maintainers && this.Maintainers.length) parts.push(`"maintainers":[${this.Maintainers.map((m) => m.MarshalJSON()).join(',')}]`);
    if (this.Dependencies && this.Dependencies.length) parts.push(`"dependencies":[${this.Dependencies.map((d) => d.MarshalJSON()).join(',')}]`);
    parts.push(`"IsRoot":${this.IsRoot}`);
    return '{' + parts.join(',') + '}';
  }
}
Object.defineProperty(ChartView.prototype, 'goType', { value: 'struct { chart.Metadata; IsRoot bool }' });

/** gobwas/glob with '/' as separator: `*` and `?` stay within a segment, `**` crosses them. */
export function compileGlob(pattern: string): RegExp {
  let re = '^';
  let i = 0;
  const special = /[.+^$()|\\/]/;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i += 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error('unexpected end of input');
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) throw new Error('unexpected end of input');
      const alts = pattern.slice(i + 1, end).split(',').map((a) => compileGlob(a).source.slice(1, -1));
      re += `(?:${alts.join('|')})`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      i++;
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += special.test(c) ? '\\' + c : c;
    i++;
  }
  return new RegExp(re + '$', 's');
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * .Files: Helm's files type (map[string][]byte with methods). File paths are its own enumerable
 * properties ([]byte values), so it holds the same data as Go's map.
 */
export class Files {
  [path: string]: unknown;

  constructor(files: Iterable<ChartFile> | Map<string, Uint8Array>) {
    if (files instanceof Map) for (const [k, v] of files) this[k] = v;
    else for (const f of files) this[f.name] = new Uint8Array(f.data);
  }

  static entries(f: Files): [string, Uint8Array][] {
    return Object.keys(f).sort().map((k) => [k, f[k] as Uint8Array]);
  }
}

Object.defineProperty(Files.prototype, GO_NAMED_MAP, { value: true, enumerable: false });

function filesMethod<T>(name: string, spec: string[], fn: (this: Files, ...args: never[]) => T): void {
  Object.defineProperty(Files.prototype, name, { value: goFunc(spec as never, fn as never), enumerable: false });
}

Object.defineProperty(Files.prototype, 'goType', { value: 'engine.files', enumerable: false });
filesMethod('Get', ['string'], function (this: Files, name: string) {
  const d = Object.prototype.hasOwnProperty.call(this, name) ? (this[name] as Uint8Array) : undefined;
  return d ? Buffer.from(d).toString('utf8') : '';
});
filesMethod('GetBytes', ['string'], function (this: Files, name: string) {
  const d = Object.prototype.hasOwnProperty.call(this, name) ? (this[name] as Uint8Array) : undefined;
  return d ?? new Uint8Array(0);
});
filesMethod('Glob', ['string'], function (this: Files, pattern: string) {
  let re: RegExp;
  try {
    re = compileGlob(pattern);
  } catch {
    re = /^.*$/s;
  }
  const m = new Map<string, Uint8Array>();
  for (const [k, v] of Files.entries(this)) if (re.test(k)) m.set(k, v);
  return new Files(m);
});
filesMethod('AsConfig', [], function (this: Files) {
  const m: Record<string, string> = {};
  for (const [k, v] of Files.entries(this)) m[baseName(k)] = Buffer.from(v).toString('utf8');
  return toYaml(m);
});
filesMethod('AsSecrets', [], function (this: Files) {
  const m: Record<string, string> = {};
  for (const [k, v] of Files.entries(this)) m[baseName(k)] = Buffer.from(v).toString('base64');
  return toYaml(m);
});
filesMethod('Lines', ['string'], function (this: Files, path: string) {
  const d = Object.prototype.hasOwnProperty.call(this, path) ? (this[path] as Uint8Array) : undefined;
  if (!d) return [];
  let s = Buffer.from(d).toString('utf8');
  if (s.endsWith('\n')) s = s.slice(0, -1);
  return s.split('\n');
});

/** chartutil.KubeVersion. */
export class KubeVersion {
  constructor(readonly Version: string, readonly Major: string, readonly Minor: string) {}
  String(): string {
    return this.Version;
  }
  GitVersion(): string {
    return this.Version;
  }
}
Object.defineProperty(KubeVersion.prototype, 'goType', { value: 'chartutil.KubeVersion' });

/** chartutil.VersionSet: a []string with Has. */
export class VersionSet extends Array<string> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  static of2(items: string[]): VersionSet {
    const v = new VersionSet();
    for (const i of items) v.push(i);
    return v;
  }
  Has(apiVersion: string): boolean {
    return this.includes(apiVersion);
  }
}
Object.defineProperty(VersionSet.prototype, 'goType', { value: 'chartutil.VersionSet' });
Object.defineProperty(VersionSet.prototype, 'Has', { value: goFunc(['string'], function (this: VersionSet, v: string) { return this.includes(v); } as never), enumerable: false });

export class HelmBuildInfo {
  constructor(readonly Version: string, readonly GitCommit: string, readonly GitTreeState: string, readonly GoVersion: string) {}
}
Object.defineProperty(HelmBuildInfo.prototype, 'goType', { value: 'version.BuildInfo' });

export class Capabilities {
  constructor(readonly KubeVersion: KubeVersion, readonly APIVersions: VersionSet, readonly HelmVersion: HelmBuildInfo) {}
}
Object.defineProperty(Capabilities.prototype, 'goType', { value: '*chartutil.Capabilities' });

export const HELM_VERSION = 'v3.21.0';
export const DEFAULT_KUBE_VERSION = 'v1.35.0';

/** The group/versions client-go's scheme knows (Helm's DefaultVersionSet for `helm template`). */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1', 'admissionregistration.k8s.io/v1alpha1',
  'internal.apiserver.k8s.io/v1alpha1', 'apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1', 'authentication.k8s.io/v1beta1', 'authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1',
  'autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2', 'batch/v1', 'batch/v1beta1',
  'certificates.k8s.io/v1', 'certificates.k8s.io/v1beta1', 'certificates.k8s.io/v1alpha1', 'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1', 'events.k8s.io/v1',
  'events.k8s.io/v1beta1', 'extensions/v1beta1', 'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3', 'networking.k8s.io/v1', 'networking.k8s.io/v1beta1',
  'networking.k8s.io/v1alpha1', 'node.k8s.io/v1', 'node.k8s.io/v1alpha1', 'node.k8s.io/v1beta1', 'policy/v1', 'policy/v1beta1',
  'rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1alpha1', 'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2', 'resource.k8s.io/v1beta1', 'resource.k8s.io/v1alpha3', 'scheduling.k8s.io/v1alpha1',
  'scheduling.k8s.io/v1beta1', 'scheduling.k8s.io/v1', 'storage.k8s.io/v1beta1', 'storage.k8s.io/v1', 'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1alpha1', 'apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1',
];

/** chartutil.ParseKubeVersion: "1.28" / "v1.28.3" -> KubeVersion; throws on invalid input. */
export function parseKubeVersion(v: string): KubeVersion {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) throw new Error('Invalid Semantic Version');
  const major = String(Number(m[1]));
  const minor = String(Number(m[2] ?? '0'));
  const patch = String(Number(m[3] ?? '0'));
  return new KubeVersion(`v${major}.${minor}.${patch}${m[4] ?? ''}${m[5] ?? ''}`, major, minor);
}

export function makeCapabilities(kubeVersion?: string, extraApiVersions: string[] = []): Capabilities {
  const kv = parseKubeVersion(kubeVersion ?? DEFAULT_KUBE_VERSION);
  const apis = VersionSet.of2([...DEFAULT_API_VERSIONS, ...extraApiVersions]);
  return new Capabilities(kv, apis, new HelmBuildInfo(HELM_VERSION, '', 'clean', 'go1.25.0'));
}
