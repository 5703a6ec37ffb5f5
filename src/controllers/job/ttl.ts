// The TTL-after-finished controller (after Kubernetes' pkg/controller/ttlafterfinished): a finished
// Job with spec.ttlSecondsAfterFinished is deleted (foreground propagation, so its pods go first)
// once that many seconds have passed since it finished.
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../api/object.js';
import type { InformerFactory } from '../../client/factory.js';
import { R } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import { keyOf, splitKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { ignoreNotFound, logError, parseTime, realClock, type Clock } from './controllerutil.js';

export interface TTLAfterFinishedOptions {
  clock?: Clock;
  workers?: number;
}

/** When the Job finished (Complete or Failed condition's transition time), or NaN if it has not. */
export function jobFinishTime(job: Job): number {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c) return NaN;
  const t = parseTime(c.lastTransitionTime);
  if (Number.isFinite(t)) return t;
  return parseTime(job.status?.completionTime);
}

/** Milliseconds until the Job expires (<= 0: expired); undefined when no TTL applies. */
export function timeLeftMs(job: Job, now: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata?.deletionTimestamp) return undefined;
  const finished = jobFinishTime(job);
  if (!Number.isFinite(finished)) return undefined;
  return finished + ttl * 1000 - now;
}

export class TTLAfterFinishedController {
  private readonly jobs: Informer<Job & KubeObject>;
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 30_000 });
  private readonly clock: Clock;

  constructor(private readonly factory: InformerFactory, private readonly opts: TTLAfterFinishedOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.jobs = factory.informer<Job & KubeObject>(R.jobs);
  }

  async start(): Promise<void> {
    const enqueue = (j: Job & KubeObject) => { if (timeLeftMs(j, this.clock.now()) !== undefined) this.queue.add(keyOf(j)); };
    this.jobs.on({ add: enqueue, update: enqueue });
    this.factory.start();
    await this.jobs.waitForSync();
    this.queue.run(this.opts.workers ?? 2, (key) => this.reconcile(key), logError('ttl-after-finished-controller'));
  }

  stop(): void {
    this.queue.shutdown();
  }

  async reconcile(key: string): Promise<void | { requeueAfterMs?: number }> {
    const cached = this.jobs.get(key);
    if (!cached) return;
    const left = timeLeftMs(cached, this.clock.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };
    // The cache may be stale (the TTL may have been changed): check the live object before deleting.
    const { namespace, name } = splitKey(key);
    let live: Job;
    try {
      live = await this.factory.client.get<Job>(R.jobs, namespace, name);
    } catch (err) {
      return ignoreNotFound(err);
    }
    const liveLeft = timeLeftMs(live, this.clock.now());
    if (liveLeft === undefined) return;
    if (liveLeft > 0) return { requeueAfterMs: liveLeft };
    await this.factory.client.delete(R.jobs, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: live.metadata?.uid } }).catch(ignoreNotFound);
  }
}
