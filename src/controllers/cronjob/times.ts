// Which scheduled time a CronJob should act on now (after Kubernetes' cronjob utils): the most
// recent unmet schedule since the last one (or since creation), bounded by startingDeadlineSeconds,
// with the count of missed schedules; and the names and schedule strings the controller derives.
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { parseTime } from '../job/controllerutil.js';
import { isValidTimeZone, type Schedule } from '../../api/cron.js';

export interface MostRecent {
  /** the last schedule time or the creation time (possibly moved up to the starting deadline) */
  earliest: number;
  /** the most recent activation at or before now, if any */
  mostRecent?: number;
  missed: number;
}

export class InvalidScheduleError extends Error {}

export function mostRecentScheduleTime(cj: CronJob, now: number, sched: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = parseTime(cj.metadata?.creationTimestamp);
  const last = parseTime(cj.status?.lastScheduleTime);
  if (Number.isFinite(last)) earliest = last;
  if (!Number.isFinite(earliest)) earliest = now;
  const sds = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && sds !== undefined && sds !== null) {
    const deadline = now - sds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = sched.next(earliest);
  if (t1 === 0 || now < t1) return { earliest, missed: 0 };
  const t2 = sched.next(t1);
  if (t2 === 0 || now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new InvalidScheduleError('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now - t1) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  // jump close to now, then walk the schedule to the last activation not after now
  let t = t1 + (missed - 2) * between * 1000;
  if (t < t1) t = t1 - 1000;
  let mostRecent = 0;
  for (let x = sched.next(t); x !== 0 && x <= now; x = sched.next(x)) mostRecent = x;
  if (mostRecent === 0) {
    // the estimate overshot (irregular schedules): walk from t1
    for (let x = t1; x !== 0 && x <= now; x = sched.next(x)) mostRecent = x;
  }
  return { earliest, mostRecent, missed };
}

/** The unmet schedule time to start a Job for now, if any. */
export function nextScheduleTime(cj: CronJob, now: number, sched: Schedule): { time?: number; missed: number } {
  const r = mostRecentScheduleTime(cj, now, sched, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { missed: r.missed };
  return { time: r.mostRecent, missed: r.missed };
}

/** How long until the next activation after the most recent one (plus 100 ms, as Kubernetes waits). */
export function nextScheduleDelayMs(cj: CronJob, now: number, sched: Schedule): number | undefined {
  let base = now;
  try {
    const r = mostRecentScheduleTime(cj, now, sched, false);
    base = r.mostRecent ?? now;
  } catch {
    base = now;
  }
  const n = sched.next(base);
  if (n === 0) return undefined;
  return Math.max(0, n + 100 - now);
}

/** Job names: `<cronjob>-<scheduled time in minutes since the epoch>`. */
export function jobNameFor(cjName: string, scheduled: number): string {
  return `${cjName}-${Math.floor(scheduled / 60_000)}`;
}

/**
 * The schedule string to parse: spec.timeZone becomes a `TZ=` prefix; a schedule carrying its own
 * TZ/CRON_TZ is used as written (Kubernetes warns that it is unsupported).
 */
export function formatSchedule(cj: CronJob): { schedule: string; warnTZ: boolean } {
  const s = cj.spec?.schedule ?? '';
  if (s.includes('TZ')) return { schedule: s, warnTZ: true };
  const tz = cj.spec?.timeZone;
  if (tz !== undefined && tz !== null && isValidTimeZone(tz)) return { schedule: `TZ=${tz} ${s}`, warnTZ: false };
  return { schedule: s, warnTZ: false };
}
