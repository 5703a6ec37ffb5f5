import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { parseSchedule, CronParseError, formatRfc3339In, dateIn } from '../../api/cron.js';
import { mostRecentScheduleTime, nextScheduleTime, jobNameFor, formatSchedule, nextScheduleDelayMs } from './times.js';

const T = (s: string) => Date.parse(s);
const iso = (t: number) => new Date(t).toISOString();
const next = (spec: string, from: string, tz = 'UTC') => iso(parseSchedule(spec, tz).next(T(from)));

test('five fields: steps, ranges, lists, names', () => {
  assert.equal(next('*/15 * * * *', '2024-01-01T00:07:30Z'), '2024-01-01T00:15:00.000Z');
  assert.equal(next('*/15 * * * *', '2024-01-01T00:15:00Z'), '2024-01-01T00:30:00.000Z');
  assert.equal(next('0 9 * * 1-5', '2024-01-05T10:00:00Z'), '2024-01-08T09:00:00.000Z', 'Friday 10:00 -> Monday 09:00');
  assert.equal(next('0 9 * * MON-fri', '2024-01-05T10:00:00Z'), '2024-01-08T09:00:00.000Z');
  assert.equal(next('5,10 3 * * *', '2024-01-01T03:07:00Z'), '2024-01-01T03:10:00.000Z');
  assert.equal(next('0 0 1 jan,jul *', '2024-02-01T00:00:00Z'), '2024-07-01T00:00:00.000Z');
  assert.equal(next('10/20 * * * *', '2024-01-01T00:31:00Z'), '2024-01-01T00:50:00.000Z', 'N/step means N-max/step');
  assert.equal(next('* * * * *', '2024-12-31T23:59:30Z'), '2025-01-01T00:00:00.000Z');
});

test('day of month OR day of week unless one is *', () => {
  // the 13th or any Friday: Friday 5 January comes first
  assert.equal(next('0 0 13 * 5', '2024-01-01T00:00:00Z'), '2024-01-05T00:00:00.000Z');
  assert.equal(next('0 0 13 * *', '2024-01-01T00:00:00Z'), '2024-01-13T00:00:00.000Z');
  assert.equal(next('0 0 * * 5', '2024-01-06T00:00:00Z'), '2024-01-12T00:00:00.000Z');
  // */2 in day-of-week is not a star: OR semantics with the day of month
  assert.equal(next('0 0 15 * */2', '2024-01-01T12:00:00Z'), '2024-01-02T00:00:00.000Z');
});

test('descriptors', () => {
  assert.equal(next('@hourly', '2024-01-01T10:30:00Z'), '2024-01-01T11:00:00.000Z');
  assert.equal(next('@daily', '2024-01-01T10:30:00Z'), '2024-01-02T00:00:00.000Z');
  assert.equal(next('@midnight', '2024-01-01T10:30:00Z'), '2024-01-02T00:00:00.000Z');
  assert.equal(next('@weekly', '2024-01-01T10:30:00Z'), '2024-01-07T00:00:00.000Z', 'Sunday');
  assert.equal(next('@monthly', '2024-01-15T00:00:00Z'), '2024-02-01T00:00:00.000Z');
  assert.equal(next('@yearly', '2024-01-15T00:00:00Z'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('@annually', '2024-01-15T00:00:00Z'), '2025-01-01T00:00:00.000Z');
  assert.equal(next('@every 90s', '2024-01-01T00:00:00.500Z'), '2024-01-01T00:01:30.000Z');
  assert.equal(next('@every 1h30m', '2024-01-01T00:00:00Z'), '2024-01-01T01:30:00.000Z');
});

test('a schedule that never fires returns 0', () => {
  assert.equal(parseSchedule('0 0 30 2 *', 'UTC').next(T('2024-01-01T00:00:00Z')), 0);
});

test('parse errors carry the parser texts', () => {
  const err = (s: string) => { try { parseSchedule(s, 'UTC'); return ''; } catch (e) { assert.ok(e instanceof CronParseError); return (e as Error).message; } };
  assert.equal(err('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
  assert.equal(err('60 * * * *'), 'end of range (60) above maximum (59): 60');
  assert.equal(err('* * * * 7'), 'end of range (7) above maximum (6): 7');
  assert.equal(err('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(err('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(err('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(err(''), 'empty spec string');
  assert.match(err('CRON_TZ=Mars/Olympus * * * * *'), /^provided bad location Mars\/Olympus/);
  assert.match(err('x * * * *'), /failed to parse int from x/);
});

test('time zones: TZ= / CRON_TZ= prefixes and the default zone', () => {
  // New York is UTC-5 in January, UTC-4 in July
  assert.equal(next('TZ=America/New_York 0 9 * * *', '2024-01-15T00:00:00Z'), '2024-01-15T14:00:00.000Z');
  assert.equal(next('CRON_TZ=America/New_York 0 9 * * *', '2024-07-15T00:00:00Z'), '2024-07-15T13:00:00.000Z');
  assert.equal(next('0 0 * * *', '2024-01-01T00:00:00Z', 'Asia/Tokyo'), '2024-01-01T15:00:00.000Z');
  assert.equal(next('0 0 * * *', '2024-01-01T00:00:00Z', 'Asia/Kolkata'), '2024-01-01T18:30:00.000Z', 'half-hour offset');
  assert.equal(parseSchedule('TZ=Europe/Paris @daily').timeZone, 'Europe/Paris');
});

test('DST sanity: spring-forward skips the missing time, fall-back repeats the doubled hour', () => {
  // 2024-03-10 02:00 EST -> 03:00 EDT in New York: 02:30 does not exist that day
  const s = parseSchedule('30 2 * * *', 'America/New_York');
  assert.equal(iso(s.next(T('2024-03-09T12:00:00Z'))), '2024-03-11T06:30:00.000Z');
  // before the jump it fires on the 9th at 02:30 EST
  assert.equal(iso(s.next(T('2024-03-09T00:00:00Z'))), '2024-03-09T07:30:00.000Z');
  // 2024-11-03 02:00 EDT -> 01:00 EST: 01:30 happens twice, and robfig fires both times
  const f = parseSchedule('30 1 * * *', 'America/New_York');
  const a = f.next(T('2024-11-03T04:00:00Z'));
  const b = f.next(a);
  const c = f.next(b);
  assert.deepEqual([iso(a), iso(b), iso(c)], ['2024-11-03T05:30:00.000Z', '2024-11-03T06:30:00.000Z', '2024-11-04T06:30:00.000Z']);
  // hourly stays hourly in absolute time across both transitions
  const h = parseSchedule('0 * * * *', 'America/New_York');
  let t = T('2024-03-10T04:30:00Z');
  for (let i = 0; i < 6; i++) { const n = h.next(t); assert.equal(n - t, i === 0 ? 30 * 60_000 : 3_600_000); t = n; }
  // Go's time.Date resolves a skipped wall time to the earlier offset's reading
  assert.equal(iso(dateIn('America/New_York', 2024, 3, 10, 2, 30, 0)), '2024-03-10T06:30:00.000Z');
  // daily at midnight where DST starts at midnight (Santiago, 2024-09-08 00:00 -04 -> 01:00 -03):
  // that day has no midnight, and robfig's hour-by-hour walk goes on to the next one
  const m = parseSchedule('0 0 * * *', 'America/Santiago');
  let x = T('2024-09-06T12:00:00Z');
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) { x = m.next(x); seen.push(iso(x)); }
  assert.deepEqual(seen, ['2024-09-07T04:00:00.000Z', '2024-09-09T03:00:00.000Z', '2024-09-10T03:00:00.000Z']);
});

test('RFC 3339 in a zone, as the scheduled-timestamp annotation shows it', () => {
  assert.equal(formatRfc3339In(undefined, T('2024-01-01T10:00:00Z')), '2024-01-01T10:00:00Z');
  assert.equal(formatRfc3339In('Europe/Berlin', T('2024-01-01T10:00:00Z')), '2024-01-01T11:00:00+01:00');
  assert.equal(formatRfc3339In('America/New_York', T('2024-07-01T10:00:00Z')), '2024-07-01T06:00:00-04:00');
  assert.equal(formatRfc3339In('Asia/Kolkata', T('2024-01-01T00:00:00Z')), '2024-01-01T05:30:00+05:30');
});

const cj = (o: { created: string; last?: string; sds?: number; schedule?: string; timeZone?: string }): CronJob => ({
  metadata: { name: 'c', creationTimestamp: o.created },
  spec: { schedule: o.schedule ?? '*/1 * * * *', jobTemplate: {}, ...(o.sds !== undefined ? { startingDeadlineSeconds: o.sds } : {}), ...(o.timeZone ? { timeZone: o.timeZone } : {}) },
  status: o.last ? { lastScheduleTime: o.last } : {},
});

test('most recent unmet schedule time, missed count and starting deadline', () => {
  const s = parseSchedule('*/1 * * * *', 'UTC');
  let r = mostRecentScheduleTime(cj({ created: '2024-01-01T10:00:30Z' }), T('2024-01-01T10:05:10Z'), s, true);
  assert.equal(iso(r.mostRecent!), '2024-01-01T10:05:00.000Z');
  assert.equal(r.missed, 5);
  r = mostRecentScheduleTime(cj({ created: '2024-01-01T10:00:30Z', sds: 30 }), T('2024-01-01T10:05:10Z'), s, true);
  assert.equal(iso(r.mostRecent!), '2024-01-01T10:05:00.000Z');
  assert.equal(r.missed, 1);
  r = mostRecentScheduleTime(cj({ created: '2024-01-01T10:00:30Z' }), T('2024-01-01T10:00:40Z'), s, true);
  assert.equal(r.mostRecent, undefined);
  assert.equal(nextScheduleTime(cj({ created: '2024-01-01T10:00:00Z', last: '2024-01-01T10:05:00Z' }), T('2024-01-01T10:05:30Z'), s).time, undefined);
  const h = parseSchedule('@hourly', 'UTC');
  r = mostRecentScheduleTime(cj({ created: '2024-01-01T00:30:00Z' }), T('2024-01-01T05:10:00Z'), h, true);
  assert.equal(iso(r.mostRecent!), '2024-01-01T05:00:00.000Z');
  assert.equal(r.missed, 5);
  // next wake-up: the following activation plus 100 ms
  assert.equal(nextScheduleDelayMs(cj({ created: '2024-01-01T10:00:00Z', last: '2024-01-01T10:05:00Z' }), T('2024-01-01T10:05:30Z'), s), 30_100);
});

test('job names and schedule formatting', () => {
  assert.equal(jobNameFor('hello', T('2024-01-01T00:00:00Z')), 'hello-28401120');
  assert.deepEqual(formatSchedule(cj({ created: '2024-01-01T00:00:00Z', timeZone: 'Europe/Paris' })), { schedule: 'TZ=Europe/Paris */1 * * * *', warnTZ: false });
  assert.deepEqual(formatSchedule(cj({ created: '2024-01-01T00:00:00Z', schedule: 'CRON_TZ=UTC 0 * * * *' })), { schedule: 'CRON_TZ=UTC 0 * * * *', warnTZ: true });
});
