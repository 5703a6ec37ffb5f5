import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deleteBefore, logarithmicRankDiff, podsToDelete, sortForDeletion, colocationRanks } from './ranking.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Opts { node?: string; phase?: string; ready?: boolean; readySince?: number; created?: number; restarts?: number; cost?: string; uid?: string }
function pod(name: string, o: Opts = {}): Pod {
  return {
    metadata: { name, uid: o.uid ?? name, creationTimestamp: ago(o.created ?? 1000), annotations: o.cost !== undefined ? { 'controller.kubernetes.io/pod-deletion-cost': o.cost } : undefined },
    spec: { containers: [], nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready === false ? [{ type: 'Ready', status: 'False' }] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince ?? 900) }],
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

const first = (a: Pod, b: Pod, exact = false) => sortForDeletion([b, a], [], exact ? undefined : NOW)[0].metadata?.name;

test('unscheduled pods are deleted before scheduled ones', () => {
  assert.equal(first(pod('u', { node: undefined, phase: 'Running' }), pod('s', { node: 'n1' })), 'u');
  assert.equal(deleteBefore(pod('s', { node: 'n1' }), 0, pod('u'), 0), false);
});

test('Pending before Unknown before Running', () => {
  assert.equal(first(pod('p', { node: 'n', phase: 'Pending' }), pod('r', { node: 'n', phase: 'Running' })), 'p');
  assert.equal(first(pod('k', { node: 'n', phase: 'Unknown' }), pod('r', { node: 'n', phase: 'Running' })), 'k');
  assert.equal(first(pod('p', { node: 'n', phase: 'Pending' }), pod('k', { node: 'n', phase: 'Unknown' })), 'p');
});

test('not ready before ready, then lower deletion cost first', () => {
  assert.equal(first(pod('nr', { node: 'n', ready: false }), pod('r', { node: 'n' })), 'nr');
  assert.equal(first(pod('cheap', { node: 'n', cost: '-5' }), pod('dear', { node: 'n', cost: '10' })), 'cheap');
  // an invalid cost counts as 0
  assert.equal(first(pod('bad', { node: 'n', cost: 'x' }), pod('one', { node: 'n', cost: '1' })), 'bad');
});

test('pods doubled up on a node go first', () => {
  const a = pod('a', { node: 'busy' });
  const b = pod('b', { node: 'quiet' });
  const related = [a, pod('a2', { node: 'busy' }), pod('a3', { node: 'busy' }), b];
  assert.deepEqual(colocationRanks([a, b], related), [3, 1]);
  assert.equal(sortForDeletion([b, a], related, NOW)[0].metadata?.name, 'a');
});

test('ready for less time first; log scale groups close times and breaks ties by uid', () => {
  // 10 s vs 10 000 s: different log2 buckets
  assert.equal(first(pod('young', { node: 'n', readySince: 10 }), pod('old', { node: 'n', readySince: 10_000 })), 'young');
  // 1000 s vs 1001 s: same bucket, so the smaller uid goes first regardless of the time
  assert.equal(first(pod('zz', { node: 'n', readySince: 1000, uid: 'b' }), pod('aa', { node: 'n', readySince: 1001, uid: 'a' })), 'aa');
  // without a reference time the comparison is exact
  assert.equal(first(pod('zz', { node: 'n', readySince: 1000, uid: 'b' }), pod('aa', { node: 'n', readySince: 1001, uid: 'a' }), true), 'zz');
});

test('more restarts first, then newer first', () => {
  assert.equal(first(pod('crashy', { node: 'n', restarts: 5 }), pod('calm', { node: 'n', restarts: 0 })), 'crashy');
  const newer = pod('newer', { node: 'n', created: 5 });
  const older = pod('older', { node: 'n', created: 50_000 });
  assert.equal(first(newer, older), 'newer');
});

test('log rank difference', () => {
  assert.equal(logarithmicRankDiff(NOW - 1000, NOW - 1000, NOW), 0);
  assert.ok(logarithmicRankDiff(NOW - 1000, NOW - 100_000, NOW) < 0);
  assert.ok(logarithmicRankDiff(NOW + 10, NOW - 1, NOW) < 0); // a future time ranks -1
});

test('podsToDelete picks the worst pods and everything when asked for all', () => {
  const pods = [pod('r1', { node: 'n' }), pod('pending', { node: 'n', phase: 'Pending', ready: false }), pod('unsched', { ready: false, phase: 'Pending' }), pod('r2', { node: 'n' })];
  assert.deepEqual(podsToDelete(pods, pods, 2, NOW).map((p) => p.metadata?.name), ['unsched', 'pending']);
  assert.equal(podsToDelete(pods, pods, 10, NOW).length, 4);
});
