// The CronJob controller (after Kubernetes' cronjob_controllerv2): creates a Job for each scheduled
// time (named `<cronjob>-<minutes since epoch>`, so a time is never run twice), honouring
// startingDeadlineSeconds, concurrencyPolicy Allow/Forbid/Replace and suspend; keeps
// status.active/lastScheduleTime/lastSuccessfulTime; deletes finished Jobs beyond the history limits.
//
// Time comes from an injectable Clock. With a FakeClock, tests move time and call resync(); with
// `timeScale: N` the controller's clock runs N times faster than real time (starting now), and its
// timers shrink accordingly — a `*/1 * * * *` schedule then fires every 60/N real seconds.
import type { Job, CronJob } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { deepClone } from '../../api/object.js';
import type { InformerFactory } from '../../client/factory.js';
import { R } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import {
  controllerOf, controllerRef, isAlreadyExists, isNotFound, logError, OwnerIndex, parseTime, realClock, rfc3339, type Clock,
} from '../job/controllerutil.js';
import { CronParseError, formatRfc3339In, isValidTimeZone, parseSchedule } from '../../api/cron.js';
import { formatSchedule, InvalidScheduleError, jobNameFor, nextScheduleDelayMs, nextScheduleTime } from './times.js';

export { parseSchedule, CronParseError, type Schedule } from '../../api/cron.js';
export { mostRecentScheduleTime, nextScheduleTime, jobNameFor } from './times.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobControllerOptions {
  /** the controller's clock (default: real time) */
  clock?: Clock;
  /** run the controller's clock this many times faster than real time (tests, demos); ignored with `clock` */
  timeScale?: number;
  /**
   * zone of schedules without spec.timeZone or CRON_TZ (default: the process's local zone, as
   * Kubernetes' controller manager uses its own)
   */
  defaultTimeZone?: string;
  workers?: number;
  recorder?: EventRecorder;
}

/** A clock running `factor` times faster than real time from the moment it is made. */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  constructor(readonly factor: number, private readonly start = Date.now()) {}
  now(): number { return this.start + (Date.now() - this.realStart) * this.factor; }
}

type MutableCronJob = CronJob & KubeObject & { status: NonNullable<CronJob['status']> };

function finishedType(job: Job): 'Complete' | 'Failed' | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

export class CronJobController {
  private readonly cronjobs: Informer<CronJob & KubeObject>;
  private readonly jobs: Informer<Job & KubeObject>;
  private readonly jobIndex = new OwnerIndex<Job & KubeObject>();
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 60_000 });
  private readonly clock: Clock;
  private readonly scale: number;
  private readonly recorder: EventRecorder;

  constructor(private readonly factory: InformerFactory, private readonly opts: CronJobControllerOptions = {}) {
    this.scale = !opts.clock && opts.timeScale && opts.timeScale > 0 ? opts.timeScale : 1;
    this.clock = opts.clock ?? (this.scale !== 1 ? new ScaledClock(this.scale) : realClock);
    this.recorder = opts.recorder ?? new EventRecorder(factory.client, 'cronjob-controller');
    this.cronjobs = factory.informer<CronJob & KubeObject>(R.cronjobs);
    this.jobs = factory.informer<Job & KubeObject>(R.jobs);
  }

  async start(): Promise<void> {
    this.cronjobs.on({
      add: (cj) => this.queue.add(keyOf(cj)),
      update: (cj) => this.queue.add(keyOf(cj)),
    });
    const onJob = (j: Job & KubeObject) => {
      const ref = controllerOf(j);
      if (ref?.kind === 'CronJob') this.queue.add(`${j.metadata?.namespace}/${ref.name}`);
    };
    this.jobs.on({
      add: (j) => { this.jobIndex.upsert(j); onJob(j); },
      update: (j, old) => { this.jobIndex.upsert(j); onJob(j); if (controllerOf(old)?.uid !== controllerOf(j)?.uid) onJob(old); },
      delete: (j) => { this.jobIndex.remove(j); onJob(j); },
    });
    this.factory.start();
    await Promise.all([this.cronjobs.waitForSync(), this.jobs.waitForSync()]);
    this.queue.run(this.opts.workers ?? 2, (key) => this.reconcile(key), logError('cronjob-controller'));
  }

  stop(): void {
    this.queue.shutdown();
  }

  /** Looks at every CronJob again (after a fake clock moved). */
  resync(): void {
    for (const cj of this.cronjobs.list()) this.queue.add(keyOf(cj));
  }

  private realDelay(ms: number): number {
    return Math.min(Math.ceil(ms / this.scale), 2 ** 31 - 1);
  }

  async reconcile(key: string): Promise<void | { requeueAfterMs?: number }> {
    const cached = this.cronjobs.get(key);
    if (!cached) return;
    const cj = { ...deepClone(cached), apiVersion: 'batch/v1', kind: 'CronJob' } as MutableCronJob;
    cj.status ??= {};
    const jobs = this.jobIndex.owned(cj.metadata!.uid!);
    const cleaned = await this.cleanupFinishedJobs(cj, jobs);
    const { requeueMs, update } = await this.syncCronJob(cj, jobs);
    if (update || cleaned) {
      await this.factory.client.update(R.cronjobs, cj.metadata!.namespace, cj.metadata!.name!, cj, 'status');
    }
    if (requeueMs !== undefined) return { requeueAfterMs: this.realDelay(requeueMs) };
  }

  private async syncCronJob(cjIn: MutableCronJob, jobs: Job[]): Promise<{ requeueMs?: number; update: boolean }> {
    let cj = cjIn;
    const now = this.clock.now();
    let update = false;
    const children = new Set<string>();
    const active = () => (cj.status.active ??= []) as ObjectReference[];
    for (const j of jobs) {
      const uid = j.metadata!.uid!;
      children.add(uid);
      const inActive = active().some((r) => r.uid === uid);
      const finished = finishedType(j);
      if (!inActive && !finished) {
        // maybe our own status write has not reached the cache: check the live object
        const live = await this.factory.client.get<CronJob>(R.cronjobs, cj.metadata!.namespace, cj.metadata!.name!);
        if ((live.status?.active ?? []).some((r) => r.uid === uid)) {
          cj = Object.assign(cjIn, deepClone(live)) as MutableCronJob;
          cj.status ??= {};
          continue;
        }
        void this.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata!.name}`);
      } else if (inActive && finished) {
        cj.status.active = active().filter((r) => r.uid !== uid);
        void this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata!.name}, condition: ${finished}`);
        update = true;
      }
      if (finished === 'Complete' && j.status?.completionTime) {
        const last = parseTime(cj.status.lastSuccessfulTime);
        if (!Number.isFinite(last) || parseTime(j.status.completionTime) > last) {
          cj.status.lastSuccessfulTime = j.status.completionTime;
          update = true;
        }
      }
    }
    // Active jobs that are gone (after asking the API server, not just the cache) are dropped.
    for (const ref of [...active()]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.factory.client.get(R.jobs, ref.namespace ?? cj.metadata!.namespace, ref.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        void this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        cj.status.active = active().filter((r) => r.uid !== ref.uid);
        update = true;
      }
    }
    if (cj.metadata?.deletionTimestamp) return { update };
    const tz = cj.spec?.timeZone;
    if (tz !== undefined && tz !== null && !isValidTimeZone(tz)) {
      void this.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}`);
      return { update };
    }
    if (cj.spec?.suspend) return { update };
    const { schedule, warnTZ } = formatSchedule(cj);
    if (warnTZ) void this.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(cj.spec?.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    let sched;
    try {
      sched = parseSchedule(schedule, this.opts.defaultTimeZone);
    } catch (err) {
      if (!(err instanceof CronParseError)) throw err;
      void this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${err.message}`);
      return { update };
    }
    let next: { time?: number; missed: number };
    try {
      next = nextScheduleTime(cj, now, sched);
    } catch (err) {
      if (!(err instanceof InvalidScheduleError)) throw err;
      void this.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule} : ${err.message}`);
      return { update };
    }
    if (next.missed > 100) {
      void this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${next.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const requeue = () => nextScheduleDelayMs(cj, now, sched);
    if (next.time === undefined) return { requeueMs: requeue(), update };
    const scheduled = next.time;
    const sds = cj.spec?.startingDeadlineSeconds;
    if (sds !== undefined && sds !== null && scheduled + sds * 1000 < now) {
      void this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { requeueMs: requeue(), update };
    }
    const name = jobNameFor(cj.metadata!.name!, scheduled);
    if (active().some((r) => r.name === name) || parseTime(cj.status.lastScheduleTime) === scheduled) {
      return { requeueMs: requeue(), update };
    }
    if (cj.spec?.concurrencyPolicy === 'Forbid' && active().length > 0) {
      void this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { requeueMs: requeue(), update };
    }
    if (cj.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of [...active()]) {
        let job: Job;
        try {
          job = await this.factory.client.get<Job>(R.jobs, ref.namespace ?? cj.metadata!.namespace, ref.name!);
        } catch (err) {
          void this.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${(err as Error).message}`);
          throw err;
        }
        if (!(await this.deleteJob(cj, job))) throw new Error(`could not replace job ${job.metadata?.namespace}/${job.metadata?.name}`);
        update = true;
      }
    }
    const req = this.jobFromTemplate(cj, scheduled, name);
    let created: Job;
    try {
      created = await this.factory.client.create<Job>(R.jobs, cj.metadata!.namespace, req);
      void this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        void this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        throw err;
      }
      created = await this.factory.client.get<Job>(R.jobs, cj.metadata!.namespace, name);
      if (controllerOf(created as KubeObject)?.uid !== cj.metadata?.uid) return { update };
      if (active().some((r) => r.uid === created.metadata?.uid)) return { update };
    }
    cj.status.active = [...active(), {
      kind: 'Job', namespace: created.metadata!.namespace, name: created.metadata!.name, uid: created.metadata!.uid,
      apiVersion: 'batch/v1', resourceVersion: created.metadata!.resourceVersion,
    }];
    cj.status.lastScheduleTime = rfc3339(scheduled);
    return { requeueMs: requeue(), update: true };
  }

  private jobFromTemplate(cj: CronJob, scheduled: number, name: string): Job {
    const tmpl = cj.spec?.jobTemplate ?? {};
    const annotations: Record<string, string> = { ...(tmpl.metadata?.annotations ?? {}) };
    const tz = cj.spec?.timeZone ?? undefined;
    annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = formatRfc3339In(tz, scheduled);
    return {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata!.namespace,
        labels: { ...(tmpl.metadata?.labels ?? {}) },
        annotations,
        ownerReferences: [controllerRef(cj as KubeObject)],
      },
      spec: deepClone(tmpl.spec),
    } as Job;
  }

  /** Deletes a Job (background propagation) and drops it from status.active; false on failure. */
  private async deleteJob(cj: MutableCronJob, job: Job): Promise<boolean> {
    try {
      await this.factory.client.delete(R.jobs, job.metadata!.namespace, job.metadata!.name!, { propagationPolicy: 'Background' });
    } catch (err) {
      if (!isNotFound(err)) {
        void this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
        return false;
      }
    }
    cj.status.active = (cj.status.active ?? []).filter((r) => r.uid !== job.metadata?.uid);
    void this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata!.name}`);
    return true;
  }

  /** Keeps at most successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs (oldest go first). */
  private async cleanupFinishedJobs(cj: MutableCronJob, jobs: Job[]): Promise<boolean> {
    const succ = cj.spec?.successfulJobsHistoryLimit;
    const fail = cj.spec?.failedJobsHistoryLimit;
    if ((succ === undefined || succ === null) && (fail === undefined || fail === null)) return false;
    const ok = jobs.filter((j) => finishedType(j) === 'Complete' && !j.metadata?.deletionTimestamp);
    const bad = jobs.filter((j) => finishedType(j) === 'Failed' && !j.metadata?.deletionTimestamp);
    let changed = false;
    const prune = async (list: Job[], limit: number | undefined | null) => {
      if (limit === undefined || limit === null) return;
      const n = list.length - limit;
      if (n <= 0) return;
      list.sort(byStartTime);
      for (const j of list.slice(0, n)) if (await this.deleteJob(cj, j)) changed = true;
    };
    await prune(ok, succ);
    await prune(bad, fail);
    return changed;
  }
}

/** Oldest first by status.startTime (Jobs without one last), then by name. */
function byStartTime(a: Job, b: Job): number {
  const ta = parseTime(a.status?.startTime);
  const tb = parseTime(b.status?.startTime);
  const fa = Number.isFinite(ta);
  const fb = Number.isFinite(tb);
  if (fa && fb && ta !== tb) return ta - tb;
  if (fa !== fb) return fa ? -1 : 1;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(t: number): string {
  return new Date(t).toUTCString().replace('GMT', '+0000');
}

