import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { SchedulingQueue } from './queue.js';
import { makePod } from './testutil.js';
import type { ClusterEvent } from './types.js';

function queue(opts: ConstructorParameters<typeof SchedulingQueue>[0] = {}) {
  let now = 1000;
  const q = new SchedulingQueue({ initialBackoffMs: 1000, maxBackoffMs: 10_000, now: () => now, ...opts });
  return { q, tick: (ms: number) => { now += ms; }, close: () => q.close() };
}

const names = (q: SchedulingQueue): string[] => {
  const out: string[] = [];
  for (let p = q.pop(); p; p = q.pop()) out.push(p.pod.metadata!.name!);
  return out;
};

test('pops by priority, then by time queued', () => {
  const { q, tick, close } = queue();
  q.add(makePod('a'));
  tick(1);
  q.add(makePod('b', { priority: 10 }));
  tick(1);
  q.add(makePod('c'));
  tick(1);
  q.add(makePod('d', { priority: 10 }));
  assert.equal(q.activeLength, 4);
  assert.deepEqual(names(q), ['b', 'd', 'a', 'c']);
  assert.equal(q.activeLength, 0);
  close();
});

test('adding a queued pod again updates it; deleting removes it', () => {
  const { q, close } = queue();
  q.add(makePod('a'));
  q.add(makePod('b'));
  q.add(makePod('a', { priority: 5 }));
  q.delete('default/b');
  assert.equal(q.size, 1);
  const p = q.pop()!;
  assert.equal(p.pod.spec?.priority, 5);
  assert.equal(q.pop(), undefined);
  close();
});

test('backoff doubles per attempt up to the maximum', () => {
  const { q, close } = queue();
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  close();
});

test('parked pods move only on events a rejecting plugin cares about, respecting backoff', () => {
  const events = new Map<string, readonly ClusterEvent[] | undefined>([['NodeResourcesFit', ['NodeAdd', 'AssignedPodDelete']], ['TaintToleration', ['NodeAdd', 'NodeTaintChange']]]);
  const { q, tick, close } = queue({ pluginEvents: events });
  q.add(makePod('fit'));
  q.add(makePod('taint'));
  q.add(makePod('unknown'));
  const fit = q.pop()!;
  const taint = q.pop()!;
  const unknown = q.pop()!;
  q.addUnschedulable(fit, new Set(['NodeResourcesFit']));
  q.addUnschedulable(taint, new Set(['TaintToleration']));
  q.addUnschedulable(unknown, new Set(['SomethingElse']));
  tick(5000);
  // "unknown" names a plugin without declared events: any event moves it.
  q.moveOnEvent('AssignedPodAdd');
  assert.deepEqual(names(q), ['unknown']);
  q.moveOnEvent('NodeTaintChange');
  assert.deepEqual(names(q), ['taint']);
  q.addUnschedulable(q.get('default/taint')!, new Set(['TaintToleration']));
  q.moveOnEvent('AssignedPodDelete');
  assert.deepEqual(names(q), ['fit']);
  close();
});

test('a pod moved while still backing off waits in the backoff queue', async () => {
  let ready = 0;
  const q2 = new SchedulingQueue({ initialBackoffMs: 30, maxBackoffMs: 100, onReady: () => ready++ });
  q2.add(makePod('a'));
  const p = q2.pop()!;
  q2.addUnschedulable(p, new Set());
  ready = 0;
  q2.moveOnEvent('NodeAdd');
  assert.equal(q2.activeLength, 0);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(q2.activeLength, 1);
  assert.ok(ready >= 1);
  assert.equal(q2.pop()!.attempts, 2);
  q2.close();
});

test('errors retry after the backoff; binding done forgets the pod', async () => {
  const q = new SchedulingQueue({ initialBackoffMs: 20 });
  q.add(makePod('a'));
  const p = q.pop()!;
  q.addBackoff(p);
  assert.equal(q.activeLength, 0);
  await new Promise((r) => setTimeout(r, 50));
  const again = q.pop()!;
  assert.equal(again, p);
  q.done(again);
  assert.equal(q.size, 0);
  q.close();
});

test('a parked pod whose spec changes is retried; a status-only change is ignored', () => {
  const { q, tick, close } = queue();
  const pod = makePod('a');
  q.add(pod);
  q.addUnschedulable(q.pop()!, new Set(['NodeResourcesFit']));
  tick(2000);
  const statusOnly: Pod = { ...pod, metadata: { ...pod.metadata, resourceVersion: '9' }, status: { conditions: [{ type: 'PodScheduled', status: 'False' }] } };
  q.add(statusOnly);
  assert.equal(q.activeLength, 0);
  q.add({ ...pod, spec: { ...pod.spec!, tolerations: [{ operator: 'Exists' }] } });
  assert.equal(q.activeLength, 1);
  close();
});

test('pods parked longer than the maximum are retried anyway', async () => {
  const q = new SchedulingQueue({ initialBackoffMs: 1, maxUnschedulableMs: 20 });
  q.add(makePod('a'));
  q.addUnschedulable(q.pop()!, new Set(['NodeResourcesFit']));
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(q.activeLength, 1);
  q.close();
});
