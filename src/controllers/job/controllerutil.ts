// Helpers the workload controllers (Job, CronJob, StatefulSet, DaemonSet) share: clocks, controller
// references, claiming (adopting/releasing) dependents by selector, pod readiness and availability,
// status conditions, and Go-style timestamps.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { fromLabelSelectorObject, matchLabels, type LabelSelector } from '../../api/selectors.js';
import type { KubeClient, ResourceRef } from '../../client/client.js';

/** A clock controllers read time from; tests inject a fake one. */
export interface Clock {
  now(): number;
}

export const realClock: Clock = { now: () => Date.now() };

/** A settable clock for tests. */
export class FakeClock implements Clock {
  constructor(private t: number) {}
  now(): number { return this.t; }
  set(t: number): void { this.t = t; }
  step(ms: number): void { this.t += ms; }
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A metav1.Time string as epoch milliseconds (NaN when absent or malformed). */
export function parseTime(s: string | undefined | null): number {
  return s ? Date.parse(s) : NaN;
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof StatusError && err.code === 409;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof StatusError && err.code === 409 && err.reason === 'AlreadyExists';
}

export function ignoreNotFound(err: unknown): void {
  if (isNotFound(err)) return;
  throw err;
}

export function selectorOf(sel: Parameters<typeof fromLabelSelectorObject>[0]): LabelSelector {
  return fromLabelSelectorObject(sel);
}

/**
 * Kubernetes' ControllerRefManager: of the candidate objects in the owner's namespace, those controlled
 * by the owner and still matching the selector are kept; orphans that match are adopted (unless the
 * owner is being deleted); owned ones that no longer match are released. Returns the claimed objects.
 */
export async function claimObjects<T extends KubeObject>(
  client: KubeClient,
  ref: ResourceRef,
  owner: KubeObject,
  selector: LabelSelector,
  candidates: T[],
  opts: { canAdopt?: boolean; extraMatch?: (o: T) => boolean } = {},
): Promise<T[]> {
  const uid = owner.metadata!.uid!;
  const out: T[] = [];
  const match = (o: T) => !selector.empty && matchLabels(selector, o.metadata?.labels) && (opts.extraMatch?.(o) ?? true);
  for (const o of candidates) {
    const cref = controllerOf(o);
    if (cref) {
      if (cref.uid !== uid) continue;
      if (match(o)) { out.push(o); continue; }
      if (owner.metadata?.deletionTimestamp) continue;
      // release
      const refs = (o.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await client.patch(ref, o.metadata?.namespace, o.metadata!.name!, 'json', [
        { op: 'test', path: '/metadata/uid', value: o.metadata!.uid },
        { op: 'replace', path: '/metadata/ownerReferences', value: refs },
      ]).catch(ignoreGone);
      continue;
    }
    if (!match(o) || o.metadata?.deletionTimestamp || owner.metadata?.deletionTimestamp || opts.canAdopt === false) continue;
    try {
      const refs = [...(o.metadata?.ownerReferences ?? []), controllerRef(owner)];
      const adopted = await client.patch<T>(ref, o.metadata?.namespace, o.metadata!.name!, 'json', [
        { op: 'test', path: '/metadata/uid', value: o.metadata!.uid },
        { op: o.metadata?.ownerReferences ? 'replace' : 'add', path: '/metadata/ownerReferences', value: refs },
      ]);
      out.push(adopted);
    } catch (err) {
      ignoreGone(err);
    }
  }
  return out;
}

/** A JSON patch `test` failing (422/409) or the object being gone is not an error for claiming. */
function ignoreGone(err: unknown): void {
  if (err instanceof StatusError && (err.code === 404 || err.code === 409 || err.code === 422)) return;
  throw err;
}

// ---- pods

export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (as of `now`). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const t = parseTime(c.lastTransitionTime);
  return Number.isFinite(t) && t + minReadySeconds * 1000 <= now;
}

export function isPodTerminal(pod: Pod): boolean {
  const p = pod.status?.phase;
  return p === 'Succeeded' || p === 'Failed';
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

/** Pending, unscheduled pods sort before scheduled; then by phase, readiness, restarts, age (newest first). */
export function compareActivePodsForDeletion(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 1 : 0;
  const sb = b.spec?.nodeName ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const rank = (p: Pod) => (p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Unknown' ? 1 : p.status?.phase === 'Running' ? 2 : 3);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const restarts = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ta = parseTime(a.metadata?.creationTimestamp) || 0;
  const tb = parseTime(b.metadata?.creationTimestamp) || 0;
  return tb - ta;
}

// ---- conditions

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string;
  lastUpdateTime?: string;
}

/** Sets a condition, keeping lastTransitionTime when the status does not change. Returns whether anything changed. */
export function setCondition(conds: Condition[], next: Condition): boolean {
  const i = conds.findIndex((c) => c.type === next.type);
  if (i < 0) { conds.push(next); return true; }
  const cur = conds[i];
  if (cur.status === next.status && cur.reason === next.reason && cur.message === next.message) return false;
  conds[i] = { ...next, lastTransitionTime: cur.status === next.status ? cur.lastTransitionTime : next.lastTransitionTime };
  return true;
}

// ---- misc

/** An intOrString (`3` or `"25%"`) resolved against a total, rounding up or down as asked. */
export function intOrPercent(v: number | string | undefined, total: number, roundUp: boolean, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** Kubernetes' SafeEncodeString alphabet: no vowels, no confusable characters. */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE[s.charCodeAt(i) % SAFE.length];
  return out;
}

/** 32-bit FNV-1a. */
export function fnv32a(data: string, seed?: number): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(data, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  if (seed !== undefined) {
    // collisionCount is written little-endian as 4 bytes, as Kubernetes does
    for (let i = 0; i < 4; i++) {
      h ^= (seed >>> (8 * i)) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}

/** JSON with object keys sorted, for hashing and comparing templates. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Log a controller's reconcile failure (conflicts are expected and quiet). */
export function logError(component: string): (key: string, err: unknown) => void {
  return (key, err) => {
    if (isConflict(err) || isNotFound(err)) return;
    console.error(`${component}: ${key}: ${(err as Error)?.message ?? String(err)}`);
  };
}

/**
 * Dependents indexed by their controller's UID, and orphans by namespace, kept in step with an
 * informer: a controller finds its pods without scanning every pod of the cluster.
 */
export class OwnerIndex<T extends KubeObject> {
  private byOwner = new Map<string, Map<string, T>>();
  private orphans = new Map<string, Map<string, T>>();
  private where = new Map<string, { owner?: string; ns: string }>();

  private static key(o: KubeObject): string {
    return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  }

  upsert(o: T): void {
    this.remove(o);
    const k = OwnerIndex.key(o);
    const ns = o.metadata?.namespace ?? '';
    const owner = controllerOf(o)?.uid;
    const bucketMap = owner ? this.byOwner : this.orphans;
    const bucketKey = owner ?? ns;
    let b = bucketMap.get(bucketKey);
    if (!b) bucketMap.set(bucketKey, (b = new Map()));
    b.set(k, o);
    this.where.set(k, { owner, ns });
  }

  remove(o: KubeObject): void {
    const k = OwnerIndex.key(o);
    const w = this.where.get(k);
    if (!w) return;
    this.where.delete(k);
    const bucketMap = w.owner ? this.byOwner : this.orphans;
    const bucketKey = w.owner ?? w.ns;
    const b = bucketMap.get(bucketKey);
    b?.delete(k);
    if (b && !b.size) bucketMap.delete(bucketKey);
  }

  owned(uid: string): T[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  orphansIn(ns: string): T[] {
    return [...(this.orphans.get(ns)?.values() ?? [])];
  }
}
