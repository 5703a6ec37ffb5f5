import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import {
  calculateStatus, computeHash, deploymentComplete, deploymentProgressing, deploymentTimedOut, equalIgnoreHash, findActiveOrLatest,
  findNewReplicaSet, findOldReplicaSets, fnv32a, isSaturated, lastRevision, maxRevision, maxSurge, maxUnavailable, newRSNewReplicas,
  proportion, replicaSetFraction, resolveFenceposts, roundHalfAwayFromZero, safeEncodeString, setCondition, setNewReplicaSetAnnotations,
  valueFromIntOrPercent, newCondition,
} from './util.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const at = (s: number) => new Date(NOW + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function dep(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', extra: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1, annotations: {} },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }, template: tpl('nginx:1'), progressDeadlineSeconds: 600, ...extra },
  };
}
function tpl(image: string, hash?: string): PodTemplateSpec {
  return { metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } }, spec: { containers: [{ name: 'c', image }] } };
}
function rs(name: string, replicas: number, o: { available?: number; created?: number; revision?: string; maxReplicas?: number; desired?: number; image?: string; uid?: string } = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision) annotations['deployment.kubernetes.io/revision'] = o.revision;
  if (o.maxReplicas !== undefined) annotations['deployment.kubernetes.io/max-replicas'] = String(o.maxReplicas);
  if (o.desired !== undefined) annotations['deployment.kubernetes.io/desired-replicas'] = String(o.desired);
  return {
    metadata: { name, uid: o.uid ?? name, creationTimestamp: at(o.created ?? 0), annotations },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: tpl(o.image ?? 'nginx:1', 'h') },
    status: { replicas, availableReplicas: o.available ?? replicas, readyReplicas: o.available ?? replicas },
  };
}

test('int-or-percent: surge rounds up, unavailable rounds down', () => {
  assert.equal(valueFromIntOrPercent('25%', 10, true), 3);
  assert.equal(valueFromIntOrPercent('25%', 10, false), 2);
  assert.equal(valueFromIntOrPercent(4, 10, false), 4);
  assert.throws(() => valueFromIntOrPercent('5', 10, true), /not a percentage/);
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  // both resolve to 0: unavailable becomes 1
  assert.deepEqual(resolveFenceposts(0, '1%', 2), { surge: 0, unavailable: 1 });
  assert.equal(maxUnavailable(dep(3, 1, 5)), 3, 'capped at replicas');
  assert.equal(maxUnavailable(dep(0, 1, 1)), 0);
  assert.equal(maxSurge(dep(10)), 3);
  assert.equal(maxSurge({ ...dep(10), spec: { ...dep(10).spec!, strategy: { type: 'Recreate' } } }), 0);
});

test('new ReplicaSet size in a rolling update', () => {
  const d = dep(10, 3, 2);
  const old = rs('old', 10);
  const fresh = rs('new', 0);
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 3); // up to 13 pods in total
  assert.equal(newRSNewReplicas(d, [rs('old', 8), rs('new', 5)], rs('new', 5)), 5); // at the limit
  assert.equal(newRSNewReplicas(d, [rs('old', 1), rs('new', 9)], rs('new', 9)), 10); // never beyond replicas
  const recreate = { ...d, spec: { ...d.spec!, strategy: { type: 'Recreate' } } };
  assert.equal(newRSNewReplicas(recreate, [old, fresh], fresh), 10);
});

test('proportional scaling fractions', () => {
  // Deployment 10 (+3 surge) scaled to 20 (+5 surge): an RS with 6 of 13 gets round(6*25/13)=12, i.e. +6
  const d = dep(20, 5, 0, {});
  const r = rs('a', 6, { maxReplicas: 13 });
  assert.equal(replicaSetFraction(r, d), 6);
  assert.equal(proportion(r, d, 12, 0), 6);
  assert.equal(proportion(r, d, 12, 10), 2, 'bounded by what is left to add');
  assert.equal(proportion(r, d, -3, 0), 6 > -3 ? 6 : -3);
  assert.equal(replicaSetFraction(r, { ...d, spec: { ...d.spec!, replicas: 0 } }), -6);
  assert.equal(roundHalfAwayFromZero(2.5), 3);
  assert.equal(roundHalfAwayFromZero(-2.5), -3);
  assert.equal(roundHalfAwayFromZero(2.49), 2);
});

test('revision numbers and the annotations of the new ReplicaSet', () => {
  const rss = [rs('a', 0, { revision: '3' }), rs('b', 0, { revision: '7' }), rs('c', 0, { revision: 'x' }), rs('d', 0)];
  assert.equal(maxRevision(rss), 7);
  assert.equal(lastRevision(rss), 3);
  const d = dep(4, 1, 1);
  d.metadata!.annotations = { 'kubernetes.io/change-cause': 'why', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  const fresh: Record<string, string> = {};
  assert.equal(setNewReplicaSetAnnotations(d, fresh, 8, false), true);
  assert.deepEqual(fresh, { 'kubernetes.io/change-cause': 'why', 'deployment.kubernetes.io/revision': '8', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' });
  // a rollback: the old ReplicaSet moves to the new revision and remembers its former ones
  const old: Record<string, string> = { 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/revision-history': '1' };
  assert.equal(setNewReplicaSetAnnotations({ ...d, metadata: {} }, old, 5, true), true);
  assert.equal(old['deployment.kubernetes.io/revision'], '5');
  assert.equal(old['deployment.kubernetes.io/revision-history'], '1,2');
  assert.equal(old['deployment.kubernetes.io/desired-replicas'], undefined, 'existing ReplicaSets keep their replica annotations');
  // already at (or above) the revision: nothing changes
  assert.equal(setNewReplicaSetAnnotations({ ...d, metadata: {} }, old, 5, true), false);
  // the history is bounded
  const long: Record<string, string> = { 'deployment.kubernetes.io/revision': '99', 'deployment.kubernetes.io/revision-history': '1,2,3,4' };
  setNewReplicaSetAnnotations({ ...d, metadata: {} }, long, 100, true, 8);
  assert.equal(long['deployment.kubernetes.io/revision-history'], '2,3,4,99'); // oldest dropped to fit 8 chars
});

test('the new ReplicaSet is the oldest one whose template matches, ignoring the hash label', () => {
  const d = dep(3);
  const a = rs('a', 1, { created: 10, image: 'nginx:1' });
  const b = rs('b', 1, { created: 5, image: 'nginx:1' });
  const c = rs('c', 1, { created: 1, image: 'nginx:2' });
  assert.equal(findNewReplicaSet(d, [a, b, c])?.metadata?.name, 'b');
  const { withReplicas, all } = findOldReplicaSets(d, [a, b, c, rs('z', 0, { image: 'x' })]);
  assert.deepEqual(all.map((r) => r.metadata?.name), ['a', 'c', 'z']);
  assert.deepEqual(withReplicas.map((r) => r.metadata?.name), ['a', 'c']);
  assert.equal(findNewReplicaSet(dep(3, 1, 1, { template: tpl('nginx:3') }), [a, b, c]), undefined);
});

test('template equality treats what a Go round trip drops as absent', () => {
  const t1: PodTemplateSpec = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: '' }] }] } };
  const t2 = { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'i', resources: {}, env: [{ name: 'A' }] }] } } as unknown as PodTemplateSpec;
  assert.equal(equalIgnoreHash(t1, t2), true);
  assert.equal(equalIgnoreHash(t1, { ...t2, spec: { containers: [{ name: 'c', image: 'j' }] } }), false);
  assert.equal(equalIgnoreHash(tpl('i'), { ...tpl('i'), spec: { ...tpl('i').spec!, automountServiceAccountToken: false } }), false, 'false is a value');
});

test('pod-template-hash: stable, key-order independent, changed by the template and collisionCount', () => {
  const a = computeHash(tpl('nginx:1'));
  assert.match(a, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  assert.equal(computeHash(tpl('nginx:1')), a);
  const reordered = { spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } } as PodTemplateSpec;
  assert.equal(computeHash(reordered), a);
  assert.notEqual(computeHash(tpl('nginx:2')), a);
  assert.notEqual(computeHash(tpl('nginx:1'), 0), a, 'a collisionCount of 0 is hashed too');
  assert.notEqual(computeHash(tpl('nginx:1'), 1), computeHash(tpl('nginx:1'), 0));
  // FNV-1a reference values and the safe encoding
  assert.equal(fnv32a(new Uint8Array()), 0x811c9dc5);
  assert.equal(fnv32a(new TextEncoder().encode('a')), 0xe40c292c);
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

test('saturation and the single active ReplicaSet', () => {
  const d = dep(3);
  assert.equal(isSaturated(d, rs('n', 3, { desired: 3 })), true);
  assert.equal(isSaturated(d, rs('n', 3, { desired: 3, available: 2 })), false);
  assert.equal(isSaturated(d, rs('n', 3)), false, 'no desired-replicas annotation');
  const oldA = rs('a', 0, { created: 1 });
  const oldB = rs('b', 0, { created: 2 });
  assert.equal(findActiveOrLatest(undefined, [oldA, oldB])?.metadata?.name, 'b', 'none active: the newest');
  assert.equal(findActiveOrLatest(rs('n', 0), [rs('a', 2)])?.metadata?.name, 'a');
  assert.equal(findActiveOrLatest(rs('n', 1), [rs('a', 2)]), undefined, 'several active: proportional');
});

test('status, Available and the Progressing predicates', () => {
  const d = dep(4, 1, 1);
  const s = calculateStatus([rs('old', 1, { available: 1 }), rs('new', 3, { available: 2 })], rs('new', 3, { available: 2 }), d, NOW);
  assert.equal(s.replicas, 4);
  assert.equal(s.updatedReplicas, 3);
  assert.equal(s.availableReplicas, 3);
  assert.equal(s.unavailableReplicas, 1);
  assert.equal(s.observedGeneration, 1);
  assert.equal(s.conditions?.find((c) => c.type === 'Available')?.reason, 'MinimumReplicasAvailable');
  const low = calculateStatus([rs('new', 4, { available: 2 })], rs('new', 4, { available: 2 }), d, NOW);
  assert.equal(low.conditions?.find((c) => c.type === 'Available')?.status, 'False');
  assert.equal(deploymentComplete(d, s), false);
  assert.equal(deploymentComplete(d, { observedGeneration: 1, replicas: 4, updatedReplicas: 4, availableReplicas: 4 }), true);
  assert.equal(deploymentProgressing({ ...d, status: { replicas: 4, updatedReplicas: 2 } }, { replicas: 4, updatedReplicas: 3 }), true);
  assert.equal(deploymentProgressing({ ...d, status: { replicas: 4, updatedReplicas: 3 } }, { replicas: 4, updatedReplicas: 3 }), false);
  const progressing = { conditions: [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'm', NOW)] };
  assert.equal(deploymentTimedOut(d, progressing, NOW + 600_000), false);
  assert.equal(deploymentTimedOut(d, progressing, NOW + 601_000), true);
  // setCondition keeps lastTransitionTime when only the reason changes, and ignores repeats
  const st = { conditions: [newCondition('Progressing', 'True', 'A', 'm', NOW)] };
  setCondition(st, newCondition('Progressing', 'True', 'B', 'm2', NOW + 5000));
  assert.equal(st.conditions[0].lastTransitionTime, at(0));
  assert.equal(st.conditions[0].lastUpdateTime, at(5));
  setCondition(st, newCondition('Progressing', 'True', 'B', 'm3', NOW + 9000));
  assert.equal(st.conditions[0].message, 'm2');
});
