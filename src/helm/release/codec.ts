// The release record codec of Helm 3's storage drivers (pkg/storage/driver/util.go): the release
// is marshalled to JSON (Go's encoding/json, struct field order), gzipped at BestCompression and
// base64-encoded (StdEncoding). The Secrets driver stores that base64 text as the bytes of the
// Secret's data["release"], and the API carries Secret data base64-encoded once more, so the
// value seen on the wire is base64(base64(gzip(json))).
import { gzipSync, gunzipSync, constants as zconst } from 'node:zlib';
import { goJson, goJsonString, goStruct, RawJson, type GoStruct } from './gojson.js';
import type {
  ChartDependency, ChartFile, ChartLock, ChartMaintainer, ChartMetadata, Hook, HookExecution, HookPhase, Info, Release,
  ReleaseChart, ReleaseStatus,
} from './types.js';

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** helm.sh/helm/v3/pkg/time.Time: "" for the zero time, else RFC 3339. */
function helmTime(s: string): RawJson {
  return new RawJson(goJsonString(s ?? ''));
}

function fileStruct(f: ChartFile): GoStruct {
  return goStruct([['name', f.name], ['data', new RawJson(f.data ? goJsonString(f.data) : 'null')]]);
}

function maintainerStruct(m: ChartMaintainer): GoStruct {
  return goStruct([['name', m.name, true], ['email', m.email, true], ['url', m.url, true]]);
}

function dependencyStruct(d: ChartDependency): GoStruct {
  return goStruct([
    ['name', d.name ?? ''],
    ['version', d.version, true],
    ['repository', d.repository ?? ''],
    ['condition', d.condition, true],
    ['tags', d.tags, true],
    ['enabled', d.enabled, true],
    ['import-values', d['import-values'], true],
    ['alias', d.alias, true],
  ]);
}

function metadataStruct(m: ChartMetadata): GoStruct {
  return goStruct([
    ['name', m.name, true],
    ['home', m.home, true],
    ['sources', m.sources, true],
    ['version', m.version, true],
    ['description', m.description, true],
    ['keywords', m.keywords, true],
    ['maintainers', m.maintainers?.map(maintainerStruct), true],
    ['icon', m.icon, true],
    ['apiVersion', m.apiVersion, true],
    ['condition', m.condition, true],
    ['tags', m.tags, true],
    ['appVersion', m.appVersion, true],
    ['deprecated', m.deprecated, true],
    ['annotations', m.annotations, true],
    ['kubeVersion', m.kubeVersion, true],
    ['dependencies', m.dependencies?.map(dependencyStruct), true],
    ['type', m.type, true],
  ]);
}

function lockStruct(l: ChartLock): GoStruct {
  // Lock.Generated is a plain time.Time: never "", the zero time prints as year 1.
  return goStruct([
    ['generated', l.generated || '0001-01-01T00:00:00Z'],
    ['digest', l.digest ?? ''],
    ['dependencies', l.dependencies ? l.dependencies.map(dependencyStruct) : null],
  ]);
}

function chartStruct(c: ReleaseChart): GoStruct {
  return goStruct([
    ['metadata', c.metadata ? metadataStruct(c.metadata) : null],
    ['lock', c.lock ? lockStruct(c.lock) : null],
    ['templates', c.templates ? c.templates.map(fileStruct) : null],
    ['values', c.values],
    ['schema', c.schema ? new RawJson(goJsonString(c.schema)) : null],
    ['files', c.files ? c.files.map(fileStruct) : null],
  ]);
}

function infoStruct(i: Info): GoStruct {
  return goStruct([
    ['first_deployed', helmTime(i.firstDeployed)],
    ['last_deployed', helmTime(i.lastDeployed)],
    ['deleted', helmTime(i.deleted)],
    ['description', i.description, true],
    ['status', i.status, true],
    ['notes', i.notes, true],
  ]);
}

function hookStruct(h: Hook): GoStruct {
  return goStruct([
    ['name', h.name, true],
    ['kind', h.kind, true],
    ['path', h.path, true],
    ['manifest', h.manifest, true],
    ['events', h.events, true],
    ['last_run', goStruct([
      ['started_at', helmTime(h.lastRun.startedAt)],
      ['completed_at', helmTime(h.lastRun.completedAt)],
      ['phase', h.lastRun.phase],
    ])],
    ['weight', h.weight, true],
    ['delete_policies', h.deletePolicies, true],
    ['output_log_policies', h.outputLogPolicies, true],
  ]);
}

/** The release as Go's json.Marshal(*release.Release) writes it. */
export function releaseJson(r: Release): string {
  return goJson(goStruct([
    ['name', r.name, true],
    ['info', r.info ? infoStruct(r.info) : null, true],
    ['chart', r.chart ? chartStruct(r.chart) : null, true],
    ['config', r.config, true],
    ['manifest', r.manifest, true],
    ['hooks', r.hooks?.length ? r.hooks.map(hookStruct) : undefined, true],
    ['version', r.version, true],
    ['namespace', r.namespace, true],
  ]));
}

/** base64(gzip(json)) as Helm's encodeRelease produces it. */
export function encodeRelease(r: Release): string {
  const gz = gzipSync(Buffer.from(releaseJson(r), 'utf8'), { level: zconst.Z_BEST_COMPRESSION });
  gz[9] = 0xff; // OS byte: Go's gzip writer writes "unknown"
  return gz.toString('base64');
}

export class ReleaseDecodeError extends Error {}

/** Helm's decodeRelease: base64, gunzip when the gzip magic is present, then JSON. */
export function decodeRelease(data: string): Release {
  let b: Buffer;
  try {
    b = Buffer.from(data, 'base64');
  } catch (err) {
    throw new ReleaseDecodeError(`illegal base64 data: ${(err as Error).message}`);
  }
  if (b.length >= 3 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1] && b[2] === GZIP_MAGIC[2]) {
    try {
      b = gunzipSync(b);
    } catch (err) {
      throw new ReleaseDecodeError(`gzip: ${(err as Error).message}`);
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(b.toString('utf8'));
  } catch (err) {
    throw new ReleaseDecodeError((err as Error).message);
  }
  return releaseFromJson(raw);
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function filesFromJson(v: unknown): ChartFile[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((f) => ({ name: str(obj(f).name), data: str(obj(f).data) }));
}

function chartFromJson(v: unknown): ReleaseChart | null {
  if (!v || typeof v !== 'object') return null;
  const c = v as J;
  const md = c.metadata && typeof c.metadata === 'object' ? (c.metadata as ChartMetadata) : null;
  let lock: ChartLock | null = null;
  if (c.lock && typeof c.lock === 'object') {
    const l = c.lock as J;
    lock = { generated: str(l.generated), digest: str(l.digest), dependencies: Array.isArray(l.dependencies) ? (l.dependencies as ChartDependency[]) : null };
  }
  return {
    metadata: md,
    lock,
    templates: filesFromJson(c.templates),
    values: c.values && typeof c.values === 'object' ? (c.values as Record<string, unknown>) : null,
    schema: typeof c.schema === 'string' ? c.schema : null,
    files: filesFromJson(c.files),
  };
}

function hookFromJson(v: unknown): Hook {
  const h = obj(v);
  const lr = obj(h.last_run);
  const lastRun: HookExecution = { startedAt: str(lr.started_at), completedAt: str(lr.completed_at), phase: str(lr.phase) as HookPhase };
  const out: Hook = {
    name: str(h.name),
    kind: str(h.kind),
    path: str(h.path),
    manifest: str(h.manifest),
    events: strs(h.events),
    lastRun,
    weight: num(h.weight),
    deletePolicies: strs(h.delete_policies),
  };
  if (Array.isArray(h.output_log_policies)) out.outputLogPolicies = strs(h.output_log_policies);
  return out;
}

/** A release from its decoded JSON (unknown keys are ignored, missing ones take Go's zero values). */
export function releaseFromJson(raw: unknown): Release {
  const r = obj(raw);
  const i = obj(r.info);
  // Helm <3.1 wrote the zero time as "0001-01-01T00:00:00Z"; treat it as zero.
  const t = (v: unknown) => { const s = str(v); return s.startsWith('0001-01-01T00:00:00') ? '' : s; };
  const info: Info = {
    firstDeployed: t(i.first_deployed),
    lastDeployed: t(i.last_deployed),
    deleted: t(i.deleted),
    // Helm 3.0 wrote "Description" (capitalised); later versions "description".
    description: str(i.description ?? i.Description),
    status: (str(i.status) || 'unknown') as ReleaseStatus,
    notes: str(i.notes),
  };
  return {
    name: str(r.name),
    namespace: str(r.namespace),
    version: num(r.version),
    info,
    chart: chartFromJson(r.chart),
    config: r.config && typeof r.config === 'object' && !Array.isArray(r.config) ? (r.config as Record<string, unknown>) : null,
    manifest: str(r.manifest),
    hooks: Array.isArray(r.hooks) ? r.hooks.map(hookFromJson) : [],
  };
}

// ---------------------------------------------------------------------------------------------
// The Secret that holds a release (pkg/storage/driver/secrets.go)

export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';
/** Labels the driver owns; user labels with these names are refused. */
export const SYSTEM_LABELS = ['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'];

export function releaseKey(name: string, version: number): string {
  return `sh.helm.release.v1.${name}.v${version}`;
}

export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace?: string; labels: Record<string, string>; resourceVersion?: string };
  type: string;
  data: { release: string };
}

/**
 * The Secret for a release. `data.release` is given as the API expects Secret data, i.e.
 * base64 of the stored bytes, and the stored bytes are Helm's base64(gzip(json)) text.
 */
export function releaseSecret(r: Release, op: 'create' | 'update', now: Date = new Date()): SecretObject {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.labels ?? {})) if (!SYSTEM_LABELS.includes(k)) labels[k] = v;
  labels[op === 'create' ? 'createdAt' : 'modifiedAt'] = String(Math.floor(now.getTime() / 1000));
  labels.name = r.name;
  labels.owner = 'helm';
  labels.status = r.info.status;
  labels.version = String(r.version);
  const stored = encodeRelease(r);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: releaseKey(r.name, r.version), namespace: r.namespace || undefined, labels },
    type: RELEASE_SECRET_TYPE,
    data: { release: Buffer.from(stored, 'utf8').toString('base64') },
  };
}

/** The release in a Secret read from the API (data.release is base64 of Helm's stored text). */
export function releaseFromSecret(secret: { metadata?: { labels?: Record<string, string> }; data?: Record<string, string> }): Release {
  const wire = secret.data?.release;
  if (typeof wire !== 'string') throw new ReleaseDecodeError('secret has no release data');
  const stored = Buffer.from(wire, 'base64').toString('utf8');
  const r = decodeRelease(stored);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.metadata?.labels ?? {})) if (!SYSTEM_LABELS.includes(k)) labels[k] = v;
  r.labels = labels;
  return r;
}
