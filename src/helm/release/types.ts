// The shapes of a Helm 3 release record (helm.sh/helm/v3 pkg/release and pkg/chart), as they are
// serialized into the release Secret. Field names in comments are the JSON keys Helm writes.
//
// Times are kept as the strings Helm stores (RFC 3339 with nanoseconds, or "" for Go's zero time),
// so a record read from the cluster is written back unchanged.

export type ReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

export const RELEASE_STATUSES: readonly ReleaseStatus[] = [
  'unknown', 'deployed', 'uninstalled', 'superseded', 'failed', 'uninstalling', 'pending-install', 'pending-upgrade', 'pending-rollback',
];

export function isPending(s: ReleaseStatus): boolean {
  return s === 'pending-install' || s === 'pending-upgrade' || s === 'pending-rollback';
}

export type HookEvent =
  | 'pre-install' | 'post-install' | 'pre-delete' | 'post-delete' | 'pre-upgrade' | 'post-upgrade'
  | 'pre-rollback' | 'post-rollback' | 'test' | 'crd-install';

export type HookDeletePolicy = 'hook-succeeded' | 'hook-failed' | 'before-hook-creation';
export type HookPhase = '' | 'Unknown' | 'Running' | 'Succeeded' | 'Failed';

/** release.HookExecution: {started_at, completed_at, phase}. */
export interface HookExecution {
  startedAt: string;
  completedAt: string;
  phase: HookPhase;
}

/** release.Hook: {name, kind, path, manifest, events, last_run, weight, delete_policies, output_log_policies}. */
export interface Hook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: string[];
  lastRun: HookExecution;
  weight: number;
  deletePolicies: string[];
  outputLogPolicies?: string[];
}

/** release.Info: {first_deployed, last_deployed, deleted, description, status, notes}. */
export interface Info {
  firstDeployed: string;
  lastDeployed: string;
  deleted: string;
  description: string;
  status: ReleaseStatus;
  notes: string;
}

/** chart.File: {name, data} with data as base64 (Go's []byte in JSON). */
export interface ChartFile {
  name: string;
  data: string;
}

/** chart.Maintainer. */
export interface ChartMaintainer {
  name?: string;
  email?: string;
  url?: string;
}

/** chart.Dependency (as it appears in Chart.yaml and Chart.lock). */
export interface ChartDependency {
  name: string;
  version?: string;
  repository: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: unknown[];
  alias?: string;
}

/** chart.Metadata (the Chart.yaml file). */
export interface ChartMetadata {
  name?: string;
  home?: string;
  sources?: string[];
  version?: string;
  description?: string;
  keywords?: string[];
  maintainers?: ChartMaintainer[];
  icon?: string;
  apiVersion?: string;
  condition?: string;
  tags?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  kubeVersion?: string;
  dependencies?: ChartDependency[];
  type?: string;
}

/** chart.Lock (Chart.lock). */
export interface ChartLock {
  generated: string;
  digest: string;
  dependencies: ChartDependency[] | null;
}

/** chart.Chart as stored in a release: {metadata, lock, templates, values, schema, files}. Subcharts are not stored. */
export interface ReleaseChart {
  metadata: ChartMetadata | null;
  lock: ChartLock | null;
  templates: ChartFile[] | null;
  values: Record<string, unknown> | null;
  /** base64 of values.schema.json, or null */
  schema: string | null;
  files: ChartFile[] | null;
}

/** release.Release: {name, info, chart, config, manifest, hooks, version, namespace}. */
export interface Release {
  name: string;
  namespace: string;
  version: number;
  info: Info;
  chart: ReleaseChart | null;
  /** the user-supplied values */
  config: Record<string, unknown> | null;
  manifest: string;
  hooks: Hook[];
  /** custom labels (stored on the Secret, not in the JSON) */
  labels?: Record<string, string>;
}

export function emptyHookExecution(): HookExecution {
  return { startedAt: '', completedAt: '', phase: '' };
}

export function chartName(c: ReleaseChart | null): string {
  return c?.metadata?.name ?? '';
}

/** "name-version" as helm list/history print it; MISSING without chart metadata. */
export function formatChartName(c: ReleaseChart | null): string {
  if (!c || !c.metadata) return 'MISSING';
  return `${c.metadata.name ?? ''}-${c.metadata.version ?? ''}`;
}

export function formatAppVersion(c: ReleaseChart | null): string {
  if (!c || !c.metadata) return 'MISSING';
  return c.metadata.appVersion ?? '';
}

/** Go's time.Time.MarshalJSON format (RFC 3339 with trimmed nanoseconds, local offset). */
export function formatHelmTime(d: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const ms = d.getMilliseconds();
  let frac = '';
  if (ms) frac = '.' + pad(ms, 3).replace(/0+$/, '');
  const tz = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${frac}${tz}`;
}

/** Parses a stored Helm time; undefined for Go's zero time (""). */
export function parseHelmTime(s: string): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
