// Integration tests: a real API server in-process, the Job and TTL controllers, and the test itself
// standing in for the node agent (it sets pod phases through the status subresource).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import { R } from '../../client/factory.js';
import { JobController, TTLAfterFinishedController } from './index.js';
import { startTestCluster, eventually, setPodPhase, type TestCluster } from './testcluster.js';
import { COMPLETION_INDEX_KEY, CONTROLLER_UID_LABEL, JOB_TRACKING_FINALIZER } from './logic.js';

let c: TestCluster;
let jc: JobController;
let ttl: TTLAfterFinishedController;

before(async () => {
  c = await startTestCluster();
  jc = new JobController(c.factory, { podFailureBackoffMs: 50, maxPodFailureBackoffMs: 200 });
  ttl = new TTLAfterFinishedController(c.factory);
  await jc.start();
  await ttl.start();
});

after(async () => {
  jc.stop();
  ttl.stop();
  await c.stop();
});

function jobSpec(name: string, spec: Record<string, unknown>, command = ['true']): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command }] } }, ...spec },
  };
}

async function jobPods(job: Job): Promise<Pod[]> {
  const list = await c.client.list<Pod>(R.pods, 'default', { labelSelector: `${CONTROLLER_UID_LABEL}=${job.metadata!.uid}` });
  return list.items;
}

const getJob = (name: string) => c.client.get<Job>(R.jobs, 'default', name);
const cond = (j: Job, type: string) => j.status?.conditions?.find((x) => x.type === type && x.status === 'True');
const isActive = (p: Pod) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

test('completions 3, parallelism 2: completes with never more than 2 active pods', async () => {
  const job = await c.client.create<Job>(R.jobs, 'default', jobSpec('three', { completions: 3, parallelism: 2 }));
  let maxActive = 0;
  let finished = 0;
  await eventually(async () => {
    const pods = await jobPods(job);
    const active = pods.filter(isActive);
    maxActive = Math.max(maxActive, active.length);
    // NODE AGENT STAND-IN: run each active pod to success
    for (const p of active) {
      await setPodPhase(c.client, p, 'Succeeded');
      finished++;
    }
    const j = await getJob('three');
    return cond(j, 'Complete') ? j : undefined;
  }, 'job three to complete');
  const j = await getJob('three');
  assert.ok(maxActive <= 2, `at most 2 active, saw ${maxActive}`);
  assert.equal(j.status?.succeeded, 3);
  assert.equal(j.status?.active ?? 0, 0);
  assert.equal(finished, 3, 'exactly 3 pods were created and run');
  assert.ok(j.status?.startTime && j.status.completionTime);
  assert.equal(cond(j, 'SuccessCriteriaMet')?.reason, 'CompletionsReached');
  assert.equal(cond(j, 'Complete')?.reason, 'CompletionsReached');
  assert.deepEqual(j.status?.uncountedTerminatedPods, {});
  const pods = await jobPods(job);
  assert.equal(pods.length, 3);
  for (const p of pods) {
    assert.ok(!(p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER), 'finalizer removed');
    assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-name'], 'three');
    assert.equal(p.metadata?.labels?.['job-name'], 'three');
    assert.equal(p.metadata?.labels?.['controller-uid'], job.metadata?.uid);
    const ref = p.metadata?.ownerReferences?.[0];
    assert.equal(ref?.uid, job.metadata?.uid);
    assert.equal(ref?.controller, true);
    assert.equal(ref?.blockOwnerDeletion, true);
  }
});

test('a failing Job stops at backoffLimit with BackoffLimitExceeded', async () => {
  const job = await c.client.create<Job>(R.jobs, 'default', jobSpec('failing', { backoffLimit: 2 }, ['false']));
  let created = 0;
  const seen = new Set<string>();
  await eventually(async () => {
    for (const p of (await jobPods(job)).filter(isActive)) {
      if (!seen.has(p.metadata!.uid!)) { seen.add(p.metadata!.uid!); created++; }
      await setPodPhase(c.client, p, 'Failed'); // NODE AGENT STAND-IN: the container exits 1
    }
    const j = await getJob('failing');
    return cond(j, 'Failed') ? j : undefined;
  }, 'job to fail');
  const j = await getJob('failing');
  assert.equal(j.status?.failed, 3, 'backoffLimit 2 allows 3 failures');
  assert.equal(created, 3);
  assert.equal(cond(j, 'Failed')?.reason, 'BackoffLimitExceeded');
  assert.equal(cond(j, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
  assert.equal(cond(j, 'Complete'), undefined);
  // no more pods afterwards
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await jobPods(job)).length, 3);
  const events = await c.client.list(R.events, 'default');
  assert.ok(events.items.some((e) => (e as { reason?: string; involvedObject?: { name?: string } }).reason === 'BackoffLimitExceeded' && (e as { involvedObject?: { name?: string } }).involvedObject?.name === 'failing'));
});

test('Indexed: each index once, annotation, label, hostname and env', async () => {
  const job = await c.client.create<Job>(R.jobs, 'default', jobSpec('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
  const pods = await eventually(async () => { const ps = await jobPods(job); return ps.length === 3 ? ps : undefined; }, '3 indexed pods');
  const indexes = pods.map((p) => p.metadata?.annotations?.[COMPLETION_INDEX_KEY]).sort();
  assert.deepEqual(indexes, ['0', '1', '2']);
  for (const p of pods) {
    const ix = p.metadata!.annotations![COMPLETION_INDEX_KEY];
    assert.equal(p.metadata?.labels?.[COMPLETION_INDEX_KEY], ix);
    assert.equal(p.spec?.hostname, `idx-${ix}`);
    assert.ok(p.metadata?.name?.startsWith(`idx-${ix}-`));
    const env = p.spec?.containers[0].env?.find((e) => e.name === 'JOB_COMPLETION_INDEX');
    assert.equal(env?.valueFrom?.fieldRef?.fieldPath, `metadata.annotations['${COMPLETION_INDEX_KEY}']`);
  }
  // index 1 fails once and is recreated with the same index
  const p1 = pods.find((p) => p.metadata!.annotations![COMPLETION_INDEX_KEY] === '1')!;
  await setPodPhase(c.client, p1, 'Failed');
  const again = await eventually(async () => (await jobPods(job)).find((p) => p.metadata!.annotations![COMPLETION_INDEX_KEY] === '1' && isActive(p)), 'index 1 recreated');
  for (const p of [...pods.filter((p) => p !== p1), again]) await setPodPhase(c.client, p, 'Succeeded');
  const j = await eventually(async () => { const x = await getJob('idx'); return cond(x, 'Complete') ? x : undefined; }, 'indexed job complete');
  assert.equal(j.status?.completedIndexes, '0-2');
  assert.equal(j.status?.succeeded, 3);
  assert.equal(j.status?.failed, 1);
});

test('suspend: no pods while suspended; resuming creates them and sets the Suspended condition False', async () => {
  const job = await c.client.create<Job>(R.jobs, 'default', jobSpec('susp', { suspend: true, parallelism: 2, completions: 2 }));
  const j1 = await eventually(async () => { const x = await getJob('susp'); return cond(x, 'Suspended') ? x : undefined; }, 'suspended condition');
  assert.equal(cond(j1, 'Suspended')?.reason, 'JobSuspended');
  assert.equal(j1.status?.startTime, undefined);
  assert.equal((await jobPods(job)).length, 0);
  await c.client.patch(R.jobs, 'default', 'susp', 'merge', { spec: { suspend: false } });
  await eventually(async () => (await jobPods(job)).length === 2, 'pods after resume');
  const j2 = await getJob('susp');
  const s = j2.status?.conditions?.find((x) => x.type === 'Suspended');
  assert.equal(s?.status, 'False');
  assert.equal(s?.reason, 'JobResumed');
  assert.ok(j2.status?.startTime);
  // suspending again deletes the active pods without counting them as failures
  await c.client.patch(R.jobs, 'default', 'susp', 'merge', { spec: { suspend: true } });
  await eventually(async () => (await jobPods(job)).length === 0, 'pods deleted on suspend');
  const j3 = await eventually(async () => { const x = await getJob('susp'); return x.status?.active === 0 ? x : undefined; }, 'active 0');
  assert.equal(j3.status?.failed ?? 0, 0);
});

test('activeDeadlineSeconds: the Job fails with DeadlineExceeded and its pods are deleted', async () => {
  const job = await c.client.create<Job>(R.jobs, 'default', jobSpec('deadline', { activeDeadlineSeconds: 1, parallelism: 1 }, ['sleep', '100']));
  const j = await eventually(async () => { const x = await getJob('deadline'); return cond(x, 'Failed') ? x : undefined; }, 'deadline exceeded', 10_000);
  assert.equal(cond(j, 'Failed')?.reason, 'DeadlineExceeded');
  assert.equal(j.status?.active ?? 0, 0);
  await eventually(async () => (await jobPods(job)).length === 0, 'pods gone');
});

test('ttlSecondsAfterFinished: the finished Job is deleted (foreground)', async () => {
  const job = await c.client.create<Job>(R.jobs, 'default', jobSpec('ttl', { ttlSecondsAfterFinished: 0 }));
  const [p] = await eventually(async () => { const ps = await jobPods(job); return ps.length ? ps : undefined; }, 'pod');
  await setPodPhase(c.client, p, 'Succeeded');
  // no garbage collector runs here: a foreground deletion leaves the Job marked for deletion
  await eventually(async () => {
    try {
      const j = await getJob('ttl');
      return !!j.metadata?.deletionTimestamp && !!j.metadata.finalizers?.includes('foregroundDeletion');
    } catch (err) { return (err as { code?: number }).code === 404; }
  }, 'job deleted by TTL');
});

test('podReplacementPolicy Failed: a terminating pod is not replaced until it has failed', async () => {
  const job = await c.client.create<Job>(R.jobs, 'default', jobSpec('prp', { podReplacementPolicy: 'Failed', backoffLimit: 5 }));
  const [p] = await eventually(async () => { const ps = await jobPods(job); return ps.length ? ps : undefined; }, 'pod');
  // the tracking finalizer keeps the deleted pod around, terminating, until it is counted
  await c.client.delete(R.pods, 'default', p.metadata!.name!);
  const j = await eventually(async () => { const x = await getJob('prp'); return x.status?.terminating === 1 ? x : undefined; }, 'terminating 1');
  assert.equal(j.status?.active, 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await jobPods(job)).length, 1, 'no replacement while terminating');
  // NODE AGENT STAND-IN: the container is killed; the pod ends Failed
  await setPodPhase(c.client, p, 'Failed');
  await eventually(async () => (await jobPods(job)).filter(isActive).length === 1, 'replacement after failure');
  await eventually(async () => (await getJob('prp')).status?.failed === 1, 'failure counted');
});
