// Integration tests: a real API server in-process and the CronJob controller on a fake clock. Job
// outcomes are written by the test through the Job status subresource (a stand-in for the Job
// controller and the pods it would run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { R } from '../../client/factory.js';
import { FakeClock, rfc3339 } from '../job/controllerutil.js';
import { startTestCluster, eventually, type TestCluster } from '../job/testcluster.js';
import { CronJobController, SCHEDULED_TIMESTAMP_ANNOTATION, ScaledClock } from './index.js';

let c: TestCluster;
let clock: FakeClock;
let cjc: CronJobController;

before(async () => {
  c = await startTestCluster();
  clock = new FakeClock(Date.now());
  cjc = new CronJobController(c.factory, { clock, defaultTimeZone: 'UTC' });
  await cjc.start();
});

after(async () => {
  cjc.stop();
  await c.stop();
});

function cronJob(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

const ownedJobs = async (cj: CronJob) => (await c.client.list<Job>(R.jobs, 'default')).items
  .filter((j) => j.metadata?.ownerReferences?.some((r) => r.uid === cj.metadata?.uid))
  .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
const getCJ = (name: string) => c.client.get<CronJob>(R.cronjobs, 'default', name);

/** Moves the fake clock to `secs` seconds past the next minute boundary after `from`, and pokes the controller. */
function toNextMinute(from: number, secs = 1): number {
  const t = Math.floor(from / 60_000) * 60_000 + 60_000 + secs * 1000;
  clock.set(t);
  cjc.resync();
  return t;
}

/** JOB CONTROLLER STAND-IN: marks a Job finished. */
async function finishJob(j: Job, ok: boolean, at: number): Promise<void> {
  const t = rfc3339(at);
  const conds = ok
    ? [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t },
      { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t }]
    : [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: t, lastTransitionTime: t },
      { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: t, lastTransitionTime: t }];
  await c.client.patch(R.jobs, 'default', j.metadata!.name!, 'merge', {
    status: { startTime: t, conditions: conds, ...(ok ? { completionTime: t, succeeded: 1 } : { failed: 1 }), uncountedTerminatedPods: {} },
  }, { subresource: 'status' });
}

test('a CronJob creates a Job on schedule (fake clock), named by the scheduled minute', async () => {
  const cj = await c.client.create<CronJob>(R.cronjobs, 'default', cronJob('tick', { concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 1 }));
  const created = Date.parse(cj.metadata!.creationTimestamp!);
  clock.set(created + 500);
  cjc.resync();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await ownedJobs(cj)).length, 0, 'nothing before the first scheduled time');

  const t1 = toNextMinute(created);
  const scheduled1 = Math.floor(t1 / 60_000) * 60_000;
  const [job] = await eventually(async () => { const js = await ownedJobs(cj); return js.length ? js : undefined; }, 'first job');
  assert.equal(job.metadata?.name, `tick-${scheduled1 / 60_000}`);
  assert.equal(job.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], new Date(scheduled1).toISOString().replace('.000Z', 'Z'));
  assert.equal(job.metadata?.labels?.app, 'tick');
  const ref = job.metadata?.ownerReferences?.[0];
  assert.equal(ref?.kind, 'CronJob');
  assert.equal(ref?.controller, true);
  assert.equal(ref?.blockOwnerDeletion, true);
  const s1 = await eventually(async () => { const x = await getCJ('tick'); return x.status?.active?.length ? x : undefined; }, 'status.active');
  assert.equal(s1.status?.active?.[0].name, job.metadata?.name);
  assert.equal(s1.status?.lastScheduleTime, rfc3339(scheduled1));

  // Forbid: the next minute passes while the first Job still runs
  const t2 = toNextMinute(t1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await ownedJobs(cj)).length, 1, 'Forbid: no second job while one is active');

  // the Job completes: lastSuccessfulTime is recorded and the time Forbid held back runs now
  await finishJob(job, true, t2);
  const name2 = `tick-${Math.floor(t2 / 60_000)}`;
  const s2 = await eventually(async () => {
    const x = await getCJ('tick');
    return x.status?.lastSuccessfulTime === rfc3339(t2) && x.status.active?.length === 1 && x.status.active[0].name === name2 ? x : undefined;
  }, 'completion seen and the held-back time run');
  assert.equal(s2.status?.lastScheduleTime, rfc3339(Math.floor(t2 / 60_000) * 60_000));
  const second = (await ownedJobs(cj)).find((j) => j.metadata?.name === name2)!;
  assert.ok(second);
  // history limit 1: finishing the second one removes the first
  await finishJob(second, true, t2 + 1000);
  await eventually(async () => { const js = await ownedJobs(cj); return js.length === 1 && js[0].metadata?.name === name2; }, 'oldest successful job deleted');
  await eventually(async () => !(await getCJ('tick')).status?.active?.length, 'active emptied');
});

test('concurrencyPolicy Replace deletes the running Job; suspend stops scheduling', async () => {
  clock.set(Date.now());
  const cj = await c.client.create<CronJob>(R.cronjobs, 'default', cronJob('repl', { concurrencyPolicy: 'Replace' }));
  const created = Date.parse(cj.metadata!.creationTimestamp!);
  const t1 = toNextMinute(created);
  const [first] = await eventually(async () => { const js = await ownedJobs(cj); return js.length ? js : undefined; }, 'first job');
  await eventually(async () => ((await getCJ('repl')).status?.active?.length ?? 0) === 1, 'active 1');
  const t2 = toNextMinute(t1);
  const second = await eventually(async () => {
    const js = await ownedJobs(cj);
    return js.length === 1 && js[0].metadata?.name !== first.metadata?.name ? js[0] : undefined;
  }, 'replaced job');
  assert.equal(second.metadata?.name, `repl-${Math.floor(t2 / 60_000)}`);
  const st = await eventually(async () => { const x = await getCJ('repl'); return x.status?.active?.length === 1 && x.status.active[0].uid === second.metadata?.uid ? x : undefined; }, 'active is the new job');
  assert.equal(st.status?.active?.[0].name, second.metadata?.name);

  await c.client.patch(R.cronjobs, 'default', 'repl', 'merge', { spec: { suspend: true } });
  await eventually(async () => (await getCJ('repl')).spec?.suspend === true, 'suspended');
  toNextMinute(t2);
  await new Promise((r) => setTimeout(r, 300));
  const js = await ownedJobs(cj);
  assert.deepEqual(js.map((j) => j.metadata?.name), [second.metadata?.name], 'suspended: no new job');
});

test('startingDeadlineSeconds: a schedule missed by more than the deadline is skipped', async () => {
  clock.set(Date.now());
  const cj = await c.client.create<CronJob>(R.cronjobs, 'default', cronJob('late', { startingDeadlineSeconds: 10, schedule: '0 * * * *' }));
  const created = Date.parse(cj.metadata!.creationTimestamp!);
  // 30 minutes past the first hour after creation: that hour's run is 30 min late
  const hour = Math.floor(created / 3_600_000) * 3_600_000 + 3_600_000;
  clock.set(hour + 30 * 60_000);
  cjc.resync();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await ownedJobs(cj)).length, 0);
  // 5 s after the next hour: within the deadline
  clock.set(hour + 3_600_000 + 5_000);
  cjc.resync();
  const [j] = await eventually(async () => { const js = await ownedJobs(cj); return js.length ? js : undefined; }, 'job within the deadline');
  assert.equal(j.metadata?.name, `late-${(hour + 3_600_000) / 60_000}`);
});

test('spec.timeZone shows in the scheduled-timestamp annotation', async () => {
  clock.set(Date.now());
  const cj = await c.client.create<CronJob>(R.cronjobs, 'default', cronJob('tz', { timeZone: 'Asia/Kolkata' }));
  const created = Date.parse(cj.metadata!.creationTimestamp!);
  const t = toNextMinute(created);
  const [j] = await eventually(async () => { const js = await ownedJobs(cj); return js.length ? js : undefined; }, 'job');
  const sched = Math.floor(t / 60_000) * 60_000;
  const local = new Date(sched + 5.5 * 3_600_000).toISOString().replace('.000Z', '+05:30');
  assert.equal(j.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], local);
});

test('ScaledClock runs faster than real time', async () => {
  const s = new ScaledClock(60, 1_000_000);
  await new Promise((r) => setTimeout(r, 50));
  const elapsed = s.now() - 1_000_000;
  assert.ok(elapsed >= 2_900 && elapsed < 60_000, `elapsed ${elapsed}`);
});
