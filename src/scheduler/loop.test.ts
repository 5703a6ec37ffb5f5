import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { SCHEDULING_GATED_MESSAGE, SchedulerLoop, nodeChanges, type SchedulerApi, type SchedulerEvent } from './loop.js';
import { makeNode, makePod, seededRandom } from './testutil.js';

class FakeApi implements SchedulerApi {
  readonly bindings = new Map<string, string>();
  readonly conditions = new Map<string, PodCondition>();
  readonly events: Array<SchedulerEvent & { pod: string }> = [];
  bindFailures = 0;
  bindCalls = 0;

  async bind(pod: Pod, nodeName: string): Promise<void> {
    this.bindCalls++;
    await new Promise((r) => setImmediate(r));
    if (this.bindFailures > 0) {
      this.bindFailures--;
      throw new Error('connection reset');
    }
    this.bindings.set(pod.metadata!.name!, nodeName);
  }

  async setPodCondition(pod: Pod, c: PodCondition): Promise<void> {
    this.conditions.set(pod.metadata!.name!, c);
  }

  async recordEvent(pod: Pod, e: SchedulerEvent): Promise<void> {
    this.events.push({ pod: pod.metadata!.name!, ...e });
  }
}

function setup(opts: ConstructorParameters<typeof SchedulerLoop>[1] = {}) {
  const api = new FakeApi();
  const loop = new SchedulerLoop(api, { podInitialBackoffMs: 5, podMaxBackoffMs: 20, random: seededRandom(3), now: () => new Date('2024-05-01T10:00:00.123Z'), ...opts });
  loop.start();
  return { api, loop };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const bound = (p: Pod, nodeName: string): Pod => ({ ...p, spec: { ...p.spec!, nodeName } });

test('a burst of pods spreads over the nodes because each placement is assumed at once', async () => {
  const { api, loop } = setup();
  for (const n of ['n1', 'n2', 'n3']) loop.onNodeAdd(makeNode(n, { cpu: '1' }));
  for (let i = 0; i < 6; i++) loop.onPodAdd(makePod(`p${i}`, { cpu: '500m' }));
  await loop.whenIdle();
  assert.equal(api.bindings.size, 6);
  const perNode = new Map<string, number>();
  for (const n of api.bindings.values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  assert.deepEqual([...perNode.values()], [2, 2, 2]);
  assert.equal(loop.stats.scheduled, 6);
  const ev = api.events.find((e) => e.pod === 'p0')!;
  assert.deepEqual(ev, { pod: 'p0', type: 'Normal', reason: 'Scheduled', message: `Successfully assigned default/p0 to ${api.bindings.get('p0')}` });
  // The informer then reports the pods bound: confirmed, not double-counted.
  for (let i = 0; i < 6; i++) loop.onPodUpdate(bound(makePod(`p${i}`, { cpu: '500m' }), api.bindings.get(`p${i}`)!), makePod(`p${i}`, { cpu: '500m' }));
  assert.equal(loop.snapshot.numPods, 6);
  for (const n of loop.snapshot.nodes) assert.equal(n.requested.milliCPU, 1000);
  loop.stop();
});

test('an unschedulable pod gets the condition and event, and is retried when a node is added', async () => {
  const { api, loop } = setup();
  loop.onNodeAdd(makeNode('small', { cpu: '1' }));
  loop.onPodAdd(makePod('big', { cpu: '2' }));
  await loop.whenIdle();
  const msg = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
  assert.deepEqual(api.conditions.get('big'), { type: 'PodScheduled', status: 'False', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'Unschedulable', message: msg });
  assert.deepEqual(api.events, [{ pod: 'big', type: 'Warning', reason: 'FailedScheduling', message: msg }]);
  assert.equal(loop.stats.unschedulable, 1);
  // Our own status write comes back through the informer: a status-only change retries nothing.
  const withStatus: Pod = { ...makePod('big', { cpu: '2' }), status: { conditions: [api.conditions.get('big')!] } };
  loop.onPodUpdate(withStatus, makePod('big', { cpu: '2' }));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(loop.stats.attempts, 1);
  // A node update that changes nothing relevant (a heartbeat) does not retry it either.
  const small = makeNode('small', { cpu: '1' });
  loop.onNodeUpdate({ ...small, status: { ...small.status, conditions: [{ type: 'Ready', status: 'True' }] } }, small);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(loop.stats.attempts, 1);
  loop.onNodeAdd(makeNode('large', { cpu: '4' }));
  await until(() => api.bindings.has('big'), 'the pod to be bound');
  assert.equal(api.bindings.get('big'), 'large');
  loop.stop();
});

test('the same failure is not written to the pod twice; a different one keeps the transition time', async () => {
  const { api, loop } = setup({ now: () => new Date('2024-05-01T11:00:00Z') });
  loop.onNodeAdd(makeNode('n', { cpu: '1', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }));
  const cond: PodCondition = { type: 'PodScheduled', status: 'False', lastTransitionTime: '2024-05-01T09:00:00Z', reason: 'Unschedulable', message: '0/1 nodes are available: 1 node(s) had untolerated taint {k: v}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' };
  loop.onPodAdd({ ...makePod('same'), status: { conditions: [cond] } });
  loop.onPodAdd({ ...makePod('other', { cpu: '2', tolerations: [{ operator: 'Exists' }] }), status: { conditions: [cond] } });
  await loop.whenIdle();
  assert.equal(api.conditions.has('same'), false);
  assert.equal(api.events.filter((e) => e.pod === 'same').length, 1);
  assert.equal(api.conditions.get('other')?.lastTransitionTime, '2024-05-01T09:00:00Z');
  assert.match(api.conditions.get('other')!.message!, /1 Insufficient cpu/);
  loop.stop();
});

test('a failed binding is forgotten, reported and retried after backoff', async () => {
  const { api, loop } = setup();
  api.bindFailures = 1;
  loop.onNodeAdd(makeNode('n', { cpu: '1' }));
  loop.onPodAdd(makePod('p', { cpu: '600m' }));
  await until(() => api.bindings.has('p'), 'the retried binding');
  assert.equal(api.bindCalls, 2);
  assert.equal(api.conditions.get('p')?.reason, 'SchedulerError');
  assert.equal(api.conditions.get('p')?.message, 'running Bind plugin "DefaultBinder": connection reset');
  assert.equal(api.events.find((e) => e.reason === 'FailedScheduling')?.message, 'running Bind plugin "DefaultBinder": connection reset');
  assert.equal(loop.snapshot.get('n')!.requested.milliCPU, 600);
  loop.stop();
});

test('pods that are not ours, already bound, terminating or gated are left alone', async () => {
  const { api, loop } = setup();
  loop.onNodeAdd(makeNode('n'));
  loop.onPodAdd(makePod('other-scheduler', { schedulerName: 'custom' }));
  loop.onPodAdd(makePod('bound', { nodeName: 'n', cpu: '1' }));
  const dying = makePod('dying');
  loop.onPodAdd({ ...dying, metadata: { ...dying.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } });
  const gated = makePod('gated');
  loop.onPodAdd({ ...gated, spec: { ...gated.spec!, schedulingGates: [{ name: 'example.com/wait' }] } });
  loop.onPodAdd(makePod('explicit-default', { schedulerName: 'default-scheduler' }));
  await loop.whenIdle();
  assert.deepEqual([...api.bindings.keys()], ['explicit-default']);
  assert.equal(loop.snapshot.get('n')!.requested.milliCPU, 1000);
  assert.deepEqual(api.conditions.get('gated'), { type: 'PodScheduled', status: 'False', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'SchedulingGated', message: SCHEDULING_GATED_MESSAGE });
  // Lifting the gate schedules it.
  loop.onPodUpdate(gated, gated);
  await loop.whenIdle();
  assert.equal(api.bindings.get('gated'), 'n');
  loop.stop();
});

test('deleting a bound pod frees its resources and retries parked pods', async () => {
  const { api, loop } = setup();
  loop.onNodeAdd(makeNode('n', { cpu: '1' }));
  const hog = makePod('hog', { nodeName: 'n', cpu: '800m' });
  loop.onPodAdd(hog);
  loop.onPodAdd(makePod('wait', { cpu: '500m' }));
  await loop.whenIdle();
  assert.equal(api.bindings.size, 0);
  loop.onPodDelete(hog);
  await until(() => api.bindings.has('wait'), 'the waiting pod to be bound');
  // A pod that finished frees its resources too.
  loop.onPodUpdate(bound(makePod('wait', { cpu: '500m' }), 'n'), makePod('wait'));
  assert.equal(loop.snapshot.get('n')!.requested.milliCPU, 500);
  const done = bound(makePod('wait', { cpu: '500m' }), 'n');
  loop.onPodUpdate({ ...done, status: { phase: 'Succeeded' } }, done);
  assert.equal(loop.snapshot.get('n')!.requested.milliCPU, 0);
  loop.stop();
});

test('a deleted pending pod is dropped', async () => {
  const { api, loop } = setup();
  loop.onPodAdd(makePod('p'));
  loop.onPodDelete(makePod('p'));
  loop.onNodeAdd(makeNode('n'));
  await loop.whenIdle();
  assert.equal(api.bindings.size, 0);
  assert.equal(loop.queue.size, 0);
  loop.stop();
});

test('node changes that matter to scheduling', () => {
  const n: Node = makeNode('n', { labels: { a: '1' } });
  assert.deepEqual(nodeChanges(n, { ...n, status: { ...n.status, conditions: [] } }), []);
  assert.deepEqual(nodeChanges(n, makeNode('n', { labels: { a: '2' }, cpu: '8', taints: [{ key: 'k', effect: 'NoSchedule' }], unschedulable: true })),
    ['NodeAllocatableChange', 'NodeLabelChange', 'NodeTaintChange', 'NodeSpecUnschedulableChange']);
});
