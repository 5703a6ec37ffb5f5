import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { planNewReplicaSet, planOldReplicaSets, planRecreateScaleDown, planScale, type ScaleStep } from './plan.js';

const T0 = Date.parse('2025-01-01T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function dep(replicas: number, surge: number | string, unavailable: number | string, type = 'RollingUpdate'): Deployment {
  return {
    metadata: { name: 'web', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, strategy: type === 'RollingUpdate' ? { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } : { type }, template: {} },
  };
}
function rs(name: string, replicas: number, available = replicas, o: { created?: number; maxReplicas?: number; desired?: number } = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.maxReplicas !== undefined) annotations['deployment.kubernetes.io/max-replicas'] = String(o.maxReplicas);
  if (o.desired !== undefined) annotations['deployment.kubernetes.io/desired-replicas'] = String(o.desired);
  return { metadata: { name, uid: name, creationTimestamp: at(o.created ?? 0), annotations }, spec: { replicas, selector: {} }, status: { replicas, availableReplicas: available } };
}
const show = (steps: ScaleStep[]) => steps.map((s) => `${s.rs.metadata?.name}:${s.to}`);

test('scale up the new ReplicaSet within maxSurge', () => {
  const d = dep(10, 3, 2);
  assert.equal(planNewReplicaSet(d, [rs('old', 10), rs('new', 0)], rs('new', 0)), 3);
  assert.equal(planNewReplicaSet(d, [rs('old', 10), rs('new', 3)], rs('new', 3)), undefined, 'at 13 pods: wait');
  assert.equal(planNewReplicaSet(d, [rs('new', 12)], rs('new', 12)), 10, 'too big: back to replicas');
  assert.equal(planNewReplicaSet(d, [rs('new', 10)], rs('new', 10)), undefined);
});

test('scale down old ReplicaSets: unhealthy first, then keep replicas - maxUnavailable available', () => {
  const d = dep(10, 3, 2);
  // new RS has 3 pods not yet available: 13 - 8 - 3 = 2 may go, all available, min 8 -> 10 - 8 = 2
  assert.deepEqual(show(planOldReplicaSets(d, [rs('old', 10), rs('new', 3, 0)], [rs('old', 10)], rs('new', 3, 0))), ['old:8']);
  // the new pods crash: nothing more may go
  assert.deepEqual(show(planOldReplicaSets(d, [rs('old', 8), rs('new', 5, 0)], [rs('old', 8)], rs('new', 5, 0))), []);
  // an old RS with 3 unavailable pods loses those first (they cost no availability)
  assert.deepEqual(show(planOldReplicaSets(d, [rs('old', 10, 7), rs('new', 3, 3)], [rs('old', 10, 7)], rs('new', 3, 3))), ['old:7', 'old:5']);
  // oldest first across several old ReplicaSets
  const a = rs('a', 2, 2, { created: 1 });
  const b = rs('b', 5, 5, { created: 2 });
  const n = rs('n', 6, 6, { created: 3 });
  assert.deepEqual(show(planOldReplicaSets(dep(10, 3, 2), [a, b, n], [b, a], n)), ['a:0', 'b:2']);
});

test('maxUnavailable 0 never lets availability drop, even from a status that lags a scale-down', () => {
  const d = dep(3, 1, 0);
  assert.deepEqual(show(planOldReplicaSets(d, [rs('old', 3), rs('new', 1, 1)], [rs('old', 3)], rs('new', 1, 1))), ['old:2']);
  // the old ReplicaSet was just scaled to 2 but its status still says 3 available
  const stale = { ...rs('old', 2), status: { replicas: 3, availableReplicas: 3 } };
  assert.deepEqual(show(planOldReplicaSets(d, [stale, rs('new', 2, 1)], [stale], rs('new', 2, 1))), []);
  assert.deepEqual(show(planOldReplicaSets(d, [stale, rs('new', 2, 2)], [stale], rs('new', 2, 2))), ['old:1']);
});

test('Recreate scales every active old ReplicaSet to 0', () => {
  assert.deepEqual(show(planRecreateScaleDown([rs('a', 2), rs('b', 0), rs('c', 1)])), ['a:0', 'c:0']);
});

test('a scaling event with one active ReplicaSet gives it everything', () => {
  assert.deepEqual(show(planScale(dep(5, 1, 1), rs('new', 3), [rs('old', 0)])), ['new:5']);
  assert.deepEqual(show(planScale(dep(3, 1, 1), rs('new', 3), [])), []);
  // a saturated new ReplicaSet: old ones go to 0
  assert.deepEqual(show(planScale(dep(3, 1, 1), rs('new', 3, 3, { desired: 3 }), [rs('old', 1)])), ['old:0']);
});

test('proportional scaling during a rollout (the Deployments page example)', () => {
  // 10 replicas, maxSurge 3, maxUnavailable 2: mid-rollout old has 8, new has 5 (13 = 10 + 3),
  // then the Deployment is scaled to 15 (allowed 15 + 3 = 18): 5 more, 3 to the old ReplicaSet
  // and 2 to the new one, as the Deployments page describes.
  const d = dep(15, 3, 2);
  const old = rs('old', 8, 8, { created: 1, maxReplicas: 13 });
  const fresh = rs('new', 5, 0, { created: 2, maxReplicas: 13 });
  const steps = planScale(d, fresh, [old]);
  const sizes = Object.fromEntries(steps.map((s) => [s.rs.metadata?.name, s.to]));
  // fractions: old round(8*18/13)=11 (+3), new round(5*18/13)=7 (+2)
  assert.deepEqual(sizes, { old: 11, new: 7 });
  assert.equal(steps.reduce((n, s) => n + s.to, 0), 18);
  assert.ok(steps.every((s) => s.operation === 'up'));

  // scaling down to 5 (allowed 5 + 3 = 8): 5 fewer; old round(8*8/13)=5 (-3), new round(5*8/13)=3 (-2)
  const down = planScale(dep(5, 3, 2), fresh, [old]);
  assert.deepEqual(Object.fromEntries(down.map((s) => [s.rs.metadata?.name, s.to])), { old: 5, new: 3 });
  assert.ok(down.every((s) => s.operation === 'down'));

  // leftovers go to the first (largest) ReplicaSet
  const odd = planScale(dep(4, 1, 0), rs('n', 2, 2, { created: 2, maxReplicas: 4 }), [rs('o', 2, 2, { created: 1, maxReplicas: 4 })]);
  // allowed 5, have 4: +1; fractions round(2*5/4)-2 = 1 each, bounded: newer first gets it
  assert.deepEqual(Object.fromEntries(odd.map((s) => [s.rs.metadata?.name, s.to])), { n: 3, o: 2 });
});

test('Recreate Deployments do not scale proportionally', () => {
  assert.deepEqual(planScale(dep(5, 0, 0, 'Recreate'), rs('new', 2), [rs('old', 2)]), []);
});
