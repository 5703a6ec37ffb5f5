// The Job controller (after Kubernetes' pkg/controller/job): runs pods until `completions` of them
// succeed, at most `parallelism` at a time; counts failures against backoffLimit; enforces
// activeDeadlineSeconds; suspends and resumes; Indexed jobs give each pod a completion index.
//
// Pods are tracked with the `batch.kubernetes.io/job-tracking` finalizer, as Kubernetes does: a
// finished pod is first recorded in .status.uncountedTerminatedPods, then its finalizer is removed,
// then it moves into .status.succeeded/.failed — so a pod is counted exactly once even if it is
// deleted right after finishing. A Job finishes in two steps, as 1.32 does: the interim
// SuccessCriteriaMet / FailureTarget condition, then Complete / Failed once no pod is left terminating.
//
// Deviation: the pod failure backoff (10 s doubling, capped) is derived from the finished pods the
// Job still has rather than from an in-memory record; the delays are the same.
import type { Pod, Container } from 'kubernetes-types/core/v1.js';
import type { Job, JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { KubeObject, ObjectMeta } from '../../api/object.js';
import { deepClone } from '../../api/object.js';
import { matchLabels, type LabelSelector } from '../../api/selectors.js';
import type { InformerFactory } from '../../client/factory.js';
import { R } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import { keyOf, splitKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import {
  claimObjects, controllerOf, controllerRef, ignoreNotFound, isNotFound, isPodActive, isPodReady, logError,
  OwnerIndex, parseTime, realClock, rfc3339, selectorOf, compareActivePodsForDeletion, type Clock,
} from './controllerutil.js';
import { Expectations, UidExpectations } from './expectations.js';
import {
  COMPLETION_INDEX_ENV, COMPLETION_INDEX_KEY, CONTROLLER_UID_LABEL, JOB_NAME_LABEL, JOB_TRACKING_FINALIZER,
  LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL, MAX_POD_CREATE_DELETE_PER_SYNC, MAX_UNCOUNTED_PODS,
  completionIndex, completionIndexEnv, firstPendingIndexes, formatIntervals, hasTrackingFinalizer,
  indexedGenerateName, indexedPodsToRemove, intervalsHas, intervalsTotal, isComplete, isIndexed, isPodFailed,
  isSuspended, isTerminating, onlyReplaceFailedPods, parseIntervals, pastActiveDeadline,
  pastBackoffLimitOnFailure, podCreationBackoffMs, wantActive, withIndexes, type Interval,
} from './logic.js';

export { TTLAfterFinishedController, type TTLAfterFinishedOptions } from './ttl.js';
export * as jobLogic from './logic.js';

export interface JobControllerOptions {
  clock?: Clock;
  workers?: number;
  /** first delay before replacing a failed pod (Kubernetes: 10 s); doubles per consecutive failure */
  podFailureBackoffMs?: number;
  /** cap of that delay (Kubernetes: 10 min) */
  maxPodFailureBackoffMs?: number;
  recorder?: EventRecorder;
}

const MANAGED_BY_SELF = 'kubernetes.io/job-controller';

type MutableJob = Job & KubeObject & { metadata: ObjectMeta; status: JobStatus };

interface SyncCtx {
  job: MutableJob;
  key: string;
  pods: Pod[];
  activePods: Pod[];
  expectedRm: Set<string>;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  succeeded: number;
  failed: number;
  ready: number;
  terminating: number;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  finished?: JobCondition;
  requeueMs?: number;
}

function jobFinishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function isJobFinished(job: Job): boolean {
  return !!jobFinishedCondition(job);
}

export class JobController {
  private readonly jobs: Informer<Job & KubeObject>;
  private readonly pods: Informer<Pod & KubeObject>;
  private readonly podIndex = new OwnerIndex<Pod & KubeObject>();
  private readonly queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 30_000 });
  private readonly expectations: Expectations;
  private readonly rmFinalizers = new UidExpectations();
  private readonly staleRvs = new Map<string, Set<string>>();
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  private readonly backoff: { baseMs: number; maxMs: number };

  constructor(private readonly factory: InformerFactory, private readonly opts: JobControllerOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.expectations = new Expectations(5 * 60_000, () => Date.now());
    this.recorder = opts.recorder ?? new EventRecorder(factory.client, 'job-controller');
    this.backoff = { baseMs: opts.podFailureBackoffMs ?? 10_000, maxMs: opts.maxPodFailureBackoffMs ?? 10 * 60_000 };
    this.jobs = factory.informer<Job & KubeObject>(R.jobs);
    this.pods = factory.informer<Pod & KubeObject>(R.pods);
  }

  async start(): Promise<void> {
    this.jobs.on({
      add: (j) => this.queue.add(keyOf(j)),
      update: (j) => this.queue.add(keyOf(j)),
      delete: (j) => {
        const k = keyOf(j);
        this.expectations.forget(k);
        this.rmFinalizers.forget(k);
        this.staleRvs.delete(k);
        for (const p of this.podIndex.owned(j.metadata?.uid ?? '')) this.maybeOrphan(p);
      },
    });
    this.pods.on({
      add: (p) => this.onPod(p, undefined),
      update: (p, old) => this.onPod(p, old),
      delete: (p) => this.onPodDeleted(p),
    });
    this.factory.start();
    await Promise.all([this.jobs.waitForSync(), this.pods.waitForSync()]);
    this.queue.run(this.opts.workers ?? 4, (key) => this.reconcile(key), logError('job-controller'));
  }

  stop(): void {
    this.queue.shutdown();
  }

  // ---- event handlers

  private jobKeyOfPod(p: Pod): string | undefined {
    const ref = controllerOf(p as KubeObject);
    if (!ref || ref.kind !== 'Job') return undefined;
    return `${p.metadata?.namespace}/${ref.name}`;
  }

  private onPod(p: Pod & KubeObject, old: (Pod & KubeObject) | undefined): void {
    this.podIndex.upsert(p);
    const key = this.jobKeyOfPod(p);
    const oldKey = old ? this.jobKeyOfPod(old) : undefined;
    if (key) {
      if (!old) this.expectations.creationObserved(key);
      if (p.metadata?.deletionTimestamp && !old?.metadata?.deletionTimestamp) this.expectations.deletionObserved(key);
      if (!hasTrackingFinalizer(p)) this.rmFinalizers.observed(key, p.metadata!.uid!);
      this.queue.add(key);
    } else if (!old || !controllerOf(p)) {
      // an orphan: jobs whose selector matches may adopt it
      for (const k of this.matchingJobs(p)) this.queue.add(k);
    }
    if (oldKey && oldKey !== key) this.queue.add(oldKey);
    this.maybeOrphan(p);
  }

  private onPodDeleted(p: Pod & KubeObject): void {
    this.podIndex.remove(p);
    const key = this.jobKeyOfPod(p);
    if (!key) return;
    if (!p.metadata?.deletionTimestamp) this.expectations.deletionObserved(key);
    this.rmFinalizers.observed(key, p.metadata!.uid!);
    this.queue.add(key);
  }

  private matchingJobs(p: Pod): string[] {
    const out: string[] = [];
    if (!p.metadata?.labels) return out;
    for (const j of this.jobs.list()) {
      if (j.metadata?.namespace !== p.metadata.namespace) continue;
      if (matchLabels(this.selector(j), p.metadata.labels)) out.push(keyOf(j));
    }
    return out;
  }

  /** A pod still carrying the tracking finalizer whose Job is gone (or done) needs it removed. */
  private maybeOrphan(p: Pod & KubeObject): void {
    if (!hasTrackingFinalizer(p)) return;
    const key = this.jobKeyOfPod(p);
    const job = key ? this.jobs.get(key) : undefined;
    if (job && job.metadata?.uid === controllerOf(p)?.uid && !isJobFinished(job)) return;
    this.queue.add(`pod:${keyOf(p)}`);
  }

  // ---- reconcile

  /** The Job's selector: spec.selector, or the one Kubernetes generates from the Job's UID. */
  private selector(job: Job): LabelSelector {
    if (job.spec?.selector) return selectorOf(job.spec.selector);
    return selectorOf({ matchLabels: { [CONTROLLER_UID_LABEL]: job.metadata?.uid ?? '' } });
  }

  async reconcile(key: string): Promise<void | { requeueAfterMs?: number }> {
    if (key.startsWith('pod:')) return this.reconcileOrphanPod(key.slice(4));
    const cached = this.jobs.get(key);
    if (!cached) {
      this.expectations.forget(key);
      this.rmFinalizers.forget(key);
      return;
    }
    const stale = this.staleRvs.get(key);
    if (stale) {
      // our own status write has not reached the cache yet: its watch event will bring us back
      if (stale.has(cached.metadata?.resourceVersion ?? '')) return { requeueAfterMs: 1000 };
      this.staleRvs.delete(key);
    }
    if (cached.spec?.managedBy && cached.spec.managedBy !== MANAGED_BY_SELF) return;
    if (isJobFinished(cached)) {
      // pods that kept their finalizer past the end (e.g. removal failed) are released
      for (const p of this.podIndex.owned(cached.metadata!.uid!)) this.maybeOrphan(p);
      return;
    }
    const job = { ...deepClone(cached), apiVersion: 'batch/v1', kind: 'Job' } as MutableJob;
    job.status ??= {};
    job.status.uncountedTerminatedPods ??= {};
    const now = this.clock.now();
    const satisfied = this.expectations.satisfied(key);
    const ns = job.metadata.namespace!;
    const candidates = [...this.podIndex.owned(job.metadata.uid!), ...this.podIndex.orphansIn(ns)];
    const pods = await claimObjects(this.factory.client, R.pods, job, this.selector(job), candidates as KubeObject[], {
      canAdopt: !job.metadata.deletionTimestamp,
    }) as Pod[];
    const expectedRm = this.rmFinalizers.get(key);
    const unc = job.status.uncountedTerminatedPods;
    const ctx: SyncCtx = {
      job, key, pods,
      activePods: pods.filter(isPodActive),
      expectedRm,
      uncountedSucceeded: new Set(unc.succeeded ?? []),
      uncountedFailed: new Set(unc.failed ?? []),
      succeeded: 0, failed: 0, ready: 0,
      terminating: pods.filter(isTerminating).length,
      prevSucceededIndexes: [], succeededIndexes: [],
    };
    ctx.ready = ctx.activePods.filter(isPodReady).length;
    let active = ctx.activePods.length;
    const { succeededPods, failedPods } = this.newFinishedPods(ctx);
    ctx.succeeded = (job.status.succeeded ?? 0) + succeededPods.length + ctx.uncountedSucceeded.size;
    ctx.failed = (job.status.failed ?? 0) + failedPods.length + ctx.uncountedFailed.size;

    if (!job.status.startTime && !isSuspended(job)) job.status.startTime = rfc3339(now);

    const backoffLimit = job.spec?.backoffLimit ?? 6;
    ctx.finished = job.status.conditions?.find((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
    if (!ctx.finished) {
      const ft = job.status.conditions?.find((c) => c.type === 'FailureTarget' && c.status === 'True');
      if (ft) ctx.finished = this.condition('Failed', ft.reason ?? '', ft.message ?? '', now);
    }
    if (!ctx.finished) {
      if (ctx.failed > backoffLimit || pastBackoffLimitOnFailure(job, pods)) {
        ctx.finished = this.condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
      } else if (pastActiveDeadline(job, now)) {
        ctx.finished = this.condition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
      } else if (job.spec?.activeDeadlineSeconds !== undefined && job.spec.activeDeadlineSeconds !== null && !isSuspended(job)) {
        const left = job.spec.activeDeadlineSeconds * 1000 - (now - parseTime(job.status.startTime));
        this.requeueIn(ctx, Math.max(0, left));
      }
    }
    if (isIndexed(job)) {
      const completions = job.spec?.completions ?? 0;
      ctx.prevSucceededIndexes = parseIntervals(job.status.completedIndexes, completions);
      const fresh = pods.filter((p) => p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p)).map(completionIndex).filter((ix) => ix >= 0 && ix < completions);
      ctx.succeededIndexes = withIndexes(ctx.prevSucceededIndexes, fresh);
      ctx.succeeded = intervalsTotal(ctx.succeededIndexes);
    }

    let suspendChanged = false;
    let manageErr: unknown;
    if (ctx.finished) {
      const deleted = await this.deleteActivePods(job, ctx.activePods);
      if (deleted.count !== active || !satisfied) ctx.finished = undefined;
      active -= deleted.count;
      ctx.terminating += deleted.count;
      ctx.ready -= deleted.ready;
      manageErr = deleted.error;
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        try {
          active = await this.manageJob(ctx, now);
        } catch (err) {
          manageErr = err;
        }
        managed = true;
      }
      if (isComplete(job, ctx.succeeded, active)) {
        ctx.finished = this.condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
      } else if (managed) {
        const conds = (job.status.conditions ??= []) as JobCondition[];
        if (isSuspended(job)) {
          if (ensureCondition(conds, this.condition('Suspended', 'JobSuspended', 'Job suspended', now))) {
            suspendChanged = true;
            void this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(conds, { ...this.condition('Suspended', 'JobResumed', 'Job resumed', now), status: 'False' })) {
          suspendChanged = true;
          void this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          job.status.startTime = rfc3339(now);
        }
      }
    }
    const needsUpdate = suspendChanged || active !== (job.status.active ?? 0) || ctx.ready !== job.status.ready || ctx.terminating !== job.status.terminating;
    job.status.active = active;
    job.status.ready = ctx.ready;
    job.status.terminating = ctx.terminating;
    await this.trackStatusAndRemoveFinalizers(ctx, needsUpdate, now);
    if (manageErr) throw manageErr;
    return ctx.requeueMs !== undefined ? { requeueAfterMs: ctx.requeueMs } : undefined;
  }

  private requeueIn(ctx: SyncCtx, ms: number): void {
    ctx.requeueMs = ctx.requeueMs === undefined ? ms : Math.min(ctx.requeueMs, ms);
  }

  private condition(type: string, reason: string, message: string, now: number): JobCondition {
    const t = rfc3339(now);
    return { type, status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t };
  }

  private newFinishedPods(ctx: SyncCtx): { succeededPods: Pod[]; failedPods: Pod[] } {
    const succeededPods: Pod[] = [];
    const failedPods: Pod[] = [];
    const indexed = isIndexed(ctx.job);
    const completions = ctx.job.spec?.completions ?? 0;
    for (const p of ctx.pods) {
      const uid = p.metadata!.uid!;
      if (!hasTrackingFinalizer(p) || ctx.expectedRm.has(uid)) continue;
      if (indexed) {
        const ix = completionIndex(p);
        if (ix < 0 || ix >= completions) continue;
      }
      if (p.status?.phase === 'Succeeded') { if (!ctx.uncountedSucceeded.has(uid)) succeededPods.push(p); }
      else if (isPodFailed(p, ctx.job) && !ctx.uncountedFailed.has(uid)) failedPods.push(p);
    }
    return { succeededPods, failedPods };
  }

  /** Creates or deletes pods to reach the wanted number of active ones; returns the new active count. */
  private async manageJob(ctx: SyncCtx, now: number): Promise<number> {
    const job = ctx.job;
    let active = ctx.activePods.length;
    if (isSuspended(job)) {
      const r = await this.deletePods(ctx, [...ctx.activePods].sort(compareActivePodsForDeletion));
      ctx.terminating += r.count;
      ctx.ready -= r.ready;
      if (r.error) throw r.error;
      return active - r.count;
    }
    const want = wantActive(job, active, ctx.succeeded);
    const rmAtLeast = Math.max(0, active - want);
    let toDelete: Pod[] = [];
    if (isIndexed(job)) toDelete = indexedPodsToRemove(ctx.activePods, job.spec?.completions ?? 0);
    if (toDelete.length < rmAtLeast) {
      const left = ctx.activePods.filter((p) => !toDelete.includes(p)).sort(compareActivePodsForDeletion);
      toDelete.push(...left.slice(0, rmAtLeast - toDelete.length));
    }
    toDelete = toDelete.slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (toDelete.length) {
      const r = await this.deletePods(ctx, toDelete);
      ctx.terminating += r.count;
      ctx.ready -= r.ready;
      if (r.error) throw r.error;
      return active - r.count;
    }
    const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
    let diff = want - terminating - active;
    if (diff <= 0) return active;
    const wait = podCreationBackoffMs(job, ctx.pods, now, this.backoff);
    if (wait > 0) {
      this.requeueIn(ctx, wait);
      return active;
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    let indexes: number[] = [];
    if (isIndexed(job)) {
      const busy = new Set(ctx.activePods.map(completionIndex));
      if (onlyReplaceFailedPods(job)) for (const p of ctx.pods.filter(isTerminating)) busy.add(completionIndex(p));
      indexes = firstPendingIndexes(ctx.succeededIndexes, busy, diff, job.spec?.completions ?? 0);
      diff = indexes.length;
    }
    if (diff <= 0) return active;
    this.expectations.expect(ctx.key, diff, 0);
    const template = this.podTemplate(job);
    // slow start: batches of 1, 2, 4, ... stop at the first failure
    let created = 0;
    let batch = 1;
    let firstErr: unknown;
    let remaining = diff;
    while (remaining > 0 && !firstErr) {
      const n = Math.min(batch, remaining);
      const results = await Promise.allSettled(Array.from({ length: n }, () => {
        const ix = indexes.length ? indexes.shift()! : -1;
        return this.createPod(job, template, ix);
      }));
      for (const r of results) {
        if (r.status === 'fulfilled') created++;
        else {
          this.expectations.creationObserved(ctx.key);
          firstErr ??= r.reason;
        }
      }
      remaining -= n;
      batch *= 2;
    }
    // creations never attempted will not be observed
    for (let i = 0; i < remaining; i++) this.expectations.creationObserved(ctx.key);
    if (firstErr) throw firstErr;
    return active + created;
  }

  private podTemplate(job: MutableJob): Pod {
    const t = deepClone(job.spec?.template ?? {});
    const md = { ...(t.metadata ?? {}) } as NonNullable<Pod['metadata']> & Record<string, unknown>;
    const labels: Record<string, string> = { ...(md.labels ?? {}) };
    if (!job.spec?.manualSelector) {
      const uid = job.metadata!.uid!;
      labels[CONTROLLER_UID_LABEL] ??= uid;
      labels[JOB_NAME_LABEL] ??= job.metadata!.name!;
      labels[LEGACY_CONTROLLER_UID_LABEL] ??= uid;
      labels[LEGACY_JOB_NAME_LABEL] ??= job.metadata!.name!;
    }
    const finalizers = [...(md.finalizers ?? [])];
    if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
    const spec = deepClone(t.spec ?? { containers: [] }) as NonNullable<Pod['spec']>;
    if (isIndexed(job)) {
      const addEnv = (cs: readonly Container[] | undefined) => (cs ?? []).map((c) => (c.env ?? []).some((e) => e.name === COMPLETION_INDEX_ENV) ? c : { ...c, env: [...(c.env ?? []), completionIndexEnv()] });
      (spec as { containers: Container[] }).containers = addEnv(spec.containers);
      if (spec.initContainers) (spec as { initContainers: Container[] }).initContainers = addEnv(spec.initContainers);
    }
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        ...(md.annotations ? { annotations: { ...md.annotations } } : {}),
        labels,
        finalizers,
        namespace: job.metadata!.namespace,
        ownerReferences: [controllerRef(job)],
      },
      spec,
    };
  }

  private async createPod(job: MutableJob, template: Pod, index: number): Promise<void> {
    const pod = deepClone(template) as Pod & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    const md = pod.metadata as { generateName?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
    if (index >= 0) {
      md.annotations = { ...(md.annotations ?? {}), [COMPLETION_INDEX_KEY]: String(index) };
      md.labels = { ...(md.labels ?? {}), [COMPLETION_INDEX_KEY]: String(index) };
      pod.spec.hostname = `${job.metadata!.name}-${index}`;
      md.generateName = indexedGenerateName(job.metadata!.name!, index);
    } else {
      md.generateName = `${job.metadata!.name}-`;
    }
    try {
      const created = await this.factory.client.create<Pod>(R.pods, job.metadata!.namespace, pod);
      void this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    } catch (err) {
      void this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Scale-down and suspension: drop the tracking finalizer (these pods are not failures), then delete. */
  private async deletePods(ctx: SyncCtx, pods: Pod[]): Promise<{ count: number; ready: number; error?: unknown }> {
    this.expectations.expect(ctx.key, 0, pods.length);
    let count = 0;
    let ready = 0;
    let error: unknown;
    await Promise.all(pods.map(async (p) => {
      try {
        if (hasTrackingFinalizer(p)) await this.removeFinalizer(p);
        await this.factory.client.delete(R.pods, p.metadata!.namespace, p.metadata!.name!, { preconditions: { uid: p.metadata!.uid } });
        void this.recorder.event(ctx.job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
        count++;
        if (isPodReady(p)) ready++;
      } catch (err) {
        this.expectations.deletionObserved(ctx.key);
        if (isNotFound(err)) { count++; return; }
        void this.recorder.event(ctx.job, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
        error ??= err;
      }
    }));
    return { count, ready, error };
  }

  /** A finishing Job's active pods are deleted keeping their finalizers: they are counted as failed. */
  private async deleteActivePods(job: MutableJob, pods: Pod[]): Promise<{ count: number; ready: number; error?: unknown }> {
    let count = 0;
    let ready = 0;
    let error: unknown;
    await Promise.all(pods.map(async (p) => {
      try {
        await this.factory.client.delete(R.pods, p.metadata!.namespace, p.metadata!.name!, { preconditions: { uid: p.metadata!.uid } });
        void this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
        count++;
      } catch (err) {
        if (isNotFound(err)) { count++; return; }
        error ??= err;
      }
      if (isPodReady(p)) ready++;
    }));
    return { count, ready, error };
  }

  private async removeFinalizer(p: Pod): Promise<void> {
    const fins = p.metadata?.finalizers ?? [];
    const i = fins.indexOf(JOB_TRACKING_FINALIZER);
    if (i < 0) return;
    await this.factory.client.patch(R.pods, p.metadata!.namespace, p.metadata!.name!, 'json', [
      { op: 'test', path: '/metadata/uid', value: p.metadata!.uid },
      { op: 'test', path: `/metadata/finalizers/${i}`, value: JOB_TRACKING_FINALIZER },
      { op: 'remove', path: `/metadata/finalizers/${i}` },
    ]);
  }

  private async writeStatus(ctx: SyncCtx): Promise<void> {
    const job = ctx.job;
    const before = job.metadata.resourceVersion ?? '';
    const updated = await this.factory.client.update<Job>(R.jobs, job.metadata.namespace, job.metadata.name!, job, 'status');
    let s = this.staleRvs.get(ctx.key);
    if (!s) this.staleRvs.set(ctx.key, (s = new Set()));
    s.add(before);
    ctx.job = updated as MutableJob;
    ctx.job.status ??= {};
    ctx.job.status.uncountedTerminatedPods ??= {};
  }

  /**
   * Records finished pods in uncountedTerminatedPods, removes their finalizers, moves them into the
   * counters, and finally sets the terminal condition once nothing is left uncounted or terminating.
   */
  private async trackStatusAndRemoveFinalizers(ctx: SyncCtx, needsFlushIn: boolean, now: number): Promise<void> {
    let needsFlush = needsFlushIn;
    const job = ctx.job;
    const indexed = isIndexed(job);
    const completions = job.spec?.completions ?? 0;
    const pods = indexed ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : ctx.pods;
    const withFinalizer = new Set<string>();
    for (const p of pods) if (hasTrackingFinalizer(p) && !ctx.expectedRm.has(p.metadata!.uid!)) withFinalizer.add(p.metadata!.uid!);
    if (cleanUncounted(job, withFinalizer)) needsFlush = true;
    const uncounted = job.status.uncountedTerminatedPods!;
    const uSucceeded = [...(uncounted.succeeded ?? [])];
    const uFailed = [...(uncounted.failed ?? [])];
    const toRemove: Pod[] = [];
    const newIndexes: number[] = [];
    let reachedMax = false;
    const terminalFailure = ctx.finished && ctx.finished.type !== 'SuccessCriteriaMet';
    for (const p of pods) {
      const uid = p.metadata!.uid!;
      if (!hasTrackingFinalizer(p) || ctx.expectedRm.has(uid)) continue;
      const failed = isPodFailed(p, job);
      const canRemove = !!job.metadata.deletionTimestamp || !!ctx.finished || p.status?.phase === 'Succeeded' || failed;
      if (!canRemove) continue;
      toRemove.push(p);
      if (p.status?.phase === 'Succeeded' && !ctx.uncountedFailed.has(uid)) {
        if (indexed) {
          const ix = completionIndex(p);
          if (ix >= 0 && ix < completions && !intervalsHas(ctx.prevSucceededIndexes, ix)) { newIndexes.push(ix); needsFlush = true; }
        } else if (!ctx.uncountedSucceeded.has(uid)) {
          uSucceeded.push(uid);
          needsFlush = true;
        }
      } else if (failed || terminalFailure) {
        const ix = completionIndex(p);
        if (!ctx.uncountedFailed.has(uid) && (!indexed || (ix >= 0 && ix < completions))) {
          uFailed.push(uid);
          needsFlush = true;
        }
      }
      if (newIndexes.length + uSucceeded.length + uFailed.length >= MAX_UNCOUNTED_PODS) { reachedMax = true; break; }
    }
    job.status.uncountedTerminatedPods = { ...(uSucceeded.length ? { succeeded: uSucceeded } : {}), ...(uFailed.length ? { failed: uFailed } : {}) };
    if (indexed) {
      ctx.succeededIndexes = withIndexes(ctx.succeededIndexes, newIndexes);
      const s = formatIntervals(ctx.succeededIndexes);
      if (s !== (job.status.completedIndexes ?? '')) needsFlush = true;
      job.status.succeeded = intervalsTotal(ctx.succeededIndexes);
      job.status.completedIndexes = s;
    }
    const conds = (job.status.conditions ??= []) as JobCondition[];
    if (ctx.finished?.type === 'FailureTarget') {
      conds.push(ctx.finished);
      needsFlush = true;
      ctx.finished = this.condition('Failed', ctx.finished.reason ?? '', ctx.finished.message ?? '', now);
    }
    if (ctx.finished?.type === 'SuccessCriteriaMet') {
      if (!conds.some((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True')) {
        conds.push(ctx.finished);
        needsFlush = true;
      }
      ctx.finished = this.condition('Complete', ctx.finished.reason ?? '', ctx.finished.message ?? '', now);
    }

    // flush the uncounted UIDs before the finalizers go, so no finished pod is ever lost
    if (needsFlush) {
      await this.writeStatus(ctx);
      needsFlush = false;
    }
    if (toRemove.length) {
      const uids = toRemove.map((p) => p.metadata!.uid!);
      this.rmFinalizers.expect(ctx.key, uids);
      let firstErr: unknown;
      await Promise.all(toRemove.map(async (p) => {
        try {
          await this.removeFinalizer(p);
          withFinalizer.delete(p.metadata!.uid!);
        } catch (err) {
          this.rmFinalizers.observed(ctx.key, p.metadata!.uid!);
          if (isNotFound(err)) { withFinalizer.delete(p.metadata!.uid!); return; }
          firstErr ??= err;
        }
      }));
      if (cleanUncounted(ctx.job, withFinalizer)) needsFlush = true;
      if (firstErr) {
        if (needsFlush) await this.writeStatus(ctx);
        throw firstErr;
      }
    } else if (cleanUncounted(ctx.job, withFinalizer)) needsFlush = true;

    let finishedNow = false;
    if (!reachedMax && ctx.finished) {
      const u = ctx.job.status.uncountedTerminatedPods ?? {};
      const pending = (u.succeeded?.length ?? 0) + (u.failed?.length ?? 0);
      if (pending === 0 && ctx.terminating === 0) {
        ensureCondition((ctx.job.status.conditions ??= []) as JobCondition[], ctx.finished);
        if (ctx.finished.type === 'Complete') ctx.job.status.completionTime = ctx.finished.lastTransitionTime;
        finishedNow = true;
        needsFlush = true;
      } else if (ctx.terminating > 0) {
        this.requeueIn(ctx, 1000);
      }
    }
    if (needsFlush) {
      await this.writeStatus(ctx);
      if (finishedNow) {
        const c = ctx.finished!;
        if (c.type === 'Complete') void this.recorder.event(ctx.job, 'Normal', 'Completed', 'Job completed');
        else void this.recorder.event(ctx.job, 'Warning', c.reason ?? 'Failed', c.message ?? '');
      }
    }
  }

  /** A pod with the tracking finalizer whose Job is gone or finished: release it. */
  private async reconcileOrphanPod(podKey: string): Promise<void> {
    const pod = this.pods.get(podKey);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerOf(pod);
    const { namespace } = splitKey(podKey);
    if (ref && ref.kind === 'Job') {
      const job = this.jobs.get(`${namespace}/${ref.name}`);
      if (job && job.metadata?.uid === ref.uid && !isJobFinished(job)) return;
      if (!job) {
        // confirm with the API server before acting on an absence
        try {
          const live = await this.factory.client.get<Job>(R.jobs, namespace, ref.name);
          if (live.metadata?.uid === ref.uid && !isJobFinished(live)) return;
        } catch (err) {
          ignoreNotFound(err);
        }
      }
    } else if (!ref && this.matchingJobs(pod).length) {
      return; // a Job may adopt it
    }
    await this.removeFinalizer(pod).catch((err) => { if (!isNotFound(err) && (err as { code?: number }).code !== 422) throw err; });
  }
}

/** Moves uncounted UIDs whose pods no longer hold the finalizer into the counters. */
function cleanUncounted(job: MutableJob, withFinalizer: Set<string>): boolean {
  const u = job.status.uncountedTerminatedPods ?? {};
  let changed = false;
  const s = (u.succeeded ?? []).filter((x) => withFinalizer.has(x));
  if (s.length !== (u.succeeded?.length ?? 0)) {
    changed = true;
    job.status.succeeded = (job.status.succeeded ?? 0) + (u.succeeded!.length - s.length);
  }
  const f = (u.failed ?? []).filter((x) => withFinalizer.has(x));
  if (f.length !== (u.failed?.length ?? 0)) {
    changed = true;
    job.status.failed = (job.status.failed ?? 0) + (u.failed!.length - f.length);
  }
  if (changed) job.status.uncountedTerminatedPods = { ...(s.length ? { succeeded: s } : {}), ...(f.length ? { failed: f } : {}) };
  return changed;
}

/**
 * Kubernetes' ensureJobConditionStatus: updates a condition of that type whose status, reason or
 * message differ; appends a new one only when its status is not False.
 */
export function ensureCondition(conds: JobCondition[], c: JobCondition): boolean {
  const i = conds.findIndex((x) => x.type === c.type);
  if (i >= 0) {
    const cur = conds[i];
    if (cur.status !== c.status || cur.reason !== c.reason || cur.message !== c.message) { conds[i] = c; return true; }
    return false;
  }
  if (c.status !== 'False') { conds.push(c); return true; }
  return false;
}
