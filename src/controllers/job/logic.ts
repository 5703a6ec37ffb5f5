// The Job controller's arithmetic, free of I/O: how many pods a Job wants active, which completion
// indexes are pending, completed-index intervals ("1,3-5"), pod failure accounting and the pod
// failure backoff — after Kubernetes' pkg/controller/job.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import { parseTime, podCondition } from './controllerutil.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** At most this many pods are created or deleted in one sync (Kubernetes' MaxPodCreateDeletePerSync). */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** At most this many UIDs wait in .status.uncountedTerminatedPods (Kubernetes' MaxUncountedPods). */
export const MAX_UNCOUNTED_PODS = 500;

export function isIndexed(job: Job): boolean {
  return job.spec?.completionMode === 'Indexed';
}

export function isSuspended(job: Job): boolean {
  return job.spec?.suspend === true;
}

/** podReplacementPolicy Failed (or a podFailurePolicy): a terminating pod is not replaced until it has failed. */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || !!job.spec?.podFailurePolicy;
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return (pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/** Failed phase; or, unless only failed pods are replaced, deleted before it succeeded. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** The completion index of a pod (annotation, else label); -1 when absent or malformed. */
export function completionIndex(pod: Pod): number {
  const v = pod.metadata?.annotations?.[COMPLETION_INDEX_KEY] ?? pod.metadata?.labels?.[COMPLETION_INDEX_KEY];
  if (v === undefined || !/^\d+$/.test(v)) return -1;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : -1;
}

/** How many pods should be active: bounded by parallelism and by the completions still missing. */
export function wantActive(job: Job, active: number, succeeded: number): number {
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(completions - succeeded, parallelism));
}

/** Whether a Job has all the successes it asked for (and nothing is still running). */
export function isComplete(job: Job, succeeded: number, active: number): boolean {
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) return succeeded > 0 && active === 0;
  return succeeded >= completions && active === 0;
}

// ---- completed indexes as ordered intervals

export type Interval = [number, number];

/** Parses "1,3-5,7" into ordered, merged intervals; entries at or past `completions` are dropped. */
export function parseIntervals(s: string | undefined, completions: number): Interval[] {
  const out: Interval[] = [];
  if (!s) return out;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    let b = m[2] === undefined ? a : Number(m[2]);
    if (a >= completions || b < a) continue;
    b = Math.min(b, completions - 1);
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function formatIntervals(iv: Interval[]): string {
  return iv.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

export function intervalsTotal(iv: Interval[]): number {
  return iv.reduce((n, [a, b]) => n + b - a + 1, 0);
}

export function intervalsHas(iv: Interval[], x: number): boolean {
  let lo = 0;
  let hi = iv.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (x < iv[mid][0]) hi = mid - 1;
    else if (x > iv[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Adds indexes (any order) to intervals, merging neighbours. */
export function withIndexes(iv: Interval[], xs: number[]): Interval[] {
  const all: Interval[] = [...iv.map(([a, b]) => [a, b] as Interval), ...xs.map((x) => [x, x] as Interval)].sort((p, q) => p[0] - q[0]);
  const out: Interval[] = [];
  for (const [a, b] of all) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The first `count` indexes below `completions` that neither succeeded nor have a live pod. */
export function firstPendingIndexes(succeeded: Interval[], busy: Set<number>, count: number, completions: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) {
    if (busy.has(i)) continue;
    if (intervalsHas(succeeded, i)) {
      // skip the rest of this interval at once
      const iv = succeeded.find(([a, b]) => i >= a && i <= b)!;
      i = iv[1];
      continue;
    }
    out.push(i);
  }
  return out;
}

/**
 * Active pods of an Indexed Job to remove first: those with no valid index (or one past completions)
 * and those duplicating another pod's index (one pod per index is kept).
 */
export function indexedPodsToRemove(active: Pod[], completions: number): Pod[] {
  const out: Pod[] = [];
  const seen = new Set<number>();
  // Prefer keeping the ready / older pod for a duplicated index.
  const sorted = [...active].sort((a, b) => {
    const ra = podCondition(a, 'Ready')?.status === 'True' ? 0 : 1;
    const rb = podCondition(b, 'Ready')?.status === 'True' ? 0 : 1;
    if (ra !== rb) return ra - rb;
    return (parseTime(a.metadata?.creationTimestamp) || 0) - (parseTime(b.metadata?.creationTimestamp) || 0);
  });
  for (const p of sorted) {
    const ix = completionIndex(p);
    if (ix < 0 || ix >= completions || seen.has(ix)) { out.push(p); continue; }
    seen.add(ix);
  }
  return out;
}

// ---- failures

/** For restartPolicy OnFailure: container restarts of running/pending pods reaching backoffLimit. */
export function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const c of p.status?.initContainerStatuses ?? []) restarts += c.restartCount ?? 0;
    for (const c of p.status?.containerStatuses ?? []) restarts += c.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export function pastActiveDeadline(job: Job, now: number): boolean {
  const ads = job.spec?.activeDeadlineSeconds;
  const start = parseTime(job.status?.startTime);
  if (ads === undefined || ads === null || !Number.isFinite(start) || isSuspended(job)) return false;
  return now - start >= ads * 1000;
}

/** When a pod finished: its containers' latest finishedAt, else Ready=False, else deletion, else creation. */
export function finishTime(pod: Pod): number {
  let t = NaN;
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const f = parseTime(c.state?.terminated?.finishedAt);
    if (Number.isFinite(f) && !(f <= t)) t = f;
  }
  if (Number.isFinite(t)) return t;
  const ready = podCondition(pod, 'Ready');
  if (ready && ready.status === 'False') {
    const r = parseTime(ready.lastTransitionTime);
    if (Number.isFinite(r)) return r;
  }
  const d = parseTime(pod.metadata?.deletionTimestamp);
  if (Number.isFinite(d)) return d;
  return parseTime(pod.metadata?.creationTimestamp) || 0;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * The delay before new pods may be created after failures: base * 2^(n-1), capped, counted from the
 * last failure, where n is the number of failures since the last success. Derived from the pods
 * themselves (finished pods stay until the Job is deleted), so it survives restarts.
 */
export function podCreationBackoffMs(job: Job, pods: Pod[], now: number, opts: BackoffOptions): number {
  let lastSuccess = -Infinity;
  for (const p of pods) if (p.status?.phase === 'Succeeded') lastSuccess = Math.max(lastSuccess, finishTime(p));
  let failures = 0;
  let lastFailure = -Infinity;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const t = finishTime(p);
    if (t <= lastSuccess) continue;
    failures++;
    lastFailure = Math.max(lastFailure, t);
  }
  if (failures === 0) return 0;
  const delay = Math.min(opts.baseMs * 2 ** Math.min(failures - 1, 30), opts.maxMs);
  const elapsed = now - lastFailure;
  return elapsed >= delay ? 0 : delay - elapsed;
}

/** The env var Indexed Jobs' containers get: the completion index from the pod's annotation. */
export function completionIndexEnv(): { name: string; valueFrom: { fieldRef: { fieldPath: string } } } {
  return { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_KEY}']` } } };
}

/** generateName for a pod of an Indexed Job: `<job>-<index>-`, the job name cut to fit. */
export function indexedGenerateName(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const max = 58 - suffix.length; // the API server keeps 58 characters of generateName
  return (jobName.length > max ? jobName.slice(0, max) : jobName) + suffix;
}
