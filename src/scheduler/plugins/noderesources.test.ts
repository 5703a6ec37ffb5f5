import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runFilter, runScore } from '../testutil.js';
import { balancedResourceScore, NodeResourcesBalancedAllocation } from './balancedallocation.js';
import { leastRequestedScore, mostRequestedScore, nodeResourcesFit, NodeResourcesFit } from './noderesources.js';

test('Fit compares requests with allocatable minus what is already requested', () => {
  const s = Snapshot.from([makeNode('n', { cpu: '2', memory: '4Gi', pods: '3', ephemeralStorage: '10Gi', extra: { 'example.com/gpu': '1' } })], [
    makePod('used', { nodeName: 'n', cpu: '1500m', memory: '3Gi' }),
  ]);
  assert.equal(runFilter(NodeResourcesFit, makePod('p', { cpu: '500m', memory: '1Gi' }), 'n', s), undefined);
  const st = runFilter(NodeResourcesFit, makePod('p', { cpu: '501m', memory: '1025Mi' }), 'n', s);
  assert.equal(st?.code, 'Unschedulable');
  assert.deepEqual(st?.reasons, ['Insufficient cpu', 'Insufficient memory']);
  const eph = makePod('p', { containers: [{ name: 'c', image: 'x', resources: { requests: { 'ephemeral-storage': '11Gi', 'example.com/gpu': '2' } } }] });
  assert.deepEqual(runFilter(NodeResourcesFit, eph, 'n', s)?.reasons, ['Insufficient ephemeral-storage', 'Insufficient example.com/gpu']);
  const noGpuNode = Snapshot.from([makeNode('m')]);
  assert.deepEqual(runFilter(NodeResourcesFit, makePod('p', { containers: [{ name: 'c', image: 'x', resources: { requests: { 'example.com/gpu': '1' } } }] }), 'm', noGpuNode)?.reasons, ['Insufficient example.com/gpu']);
});

test('Fit counts pods against the pods allocatable, even for pods requesting nothing', () => {
  const s = Snapshot.from([makeNode('n', { pods: '2' })], [makePod('a', { nodeName: 'n' }), makePod('b', { nodeName: 'n' })]);
  assert.deepEqual(runFilter(NodeResourcesFit, makePod('p'), 'n', s)?.reasons, ['Too many pods']);
  assert.deepEqual(runFilter(NodeResourcesFit, makePod('p', { cpu: '5' }), 'n', s)?.reasons, ['Too many pods', 'Insufficient cpu']);
  const noAllocatable = Snapshot.from([{ metadata: { name: 'bare' } }]);
  assert.deepEqual(runFilter(NodeResourcesFit, makePod('p'), 'bare', noAllocatable)?.reasons, ['Too many pods']);
});

test('Fit: a pod without requests fits an over-committed node', () => {
  const s = Snapshot.from([makeNode('n', { cpu: '1' })], [makePod('a', { nodeName: 'n', cpu: '2' })]);
  assert.equal(runFilter(NodeResourcesFit, makePod('p', { memory: '1Mi' }), 'n', s), undefined);
});

test('least/most requested per-resource scores', () => {
  assert.equal(leastRequestedScore(0, 4000), 100);
  assert.equal(leastRequestedScore(3000, 4000), 25);
  assert.equal(leastRequestedScore(1, 3), 66);
  assert.equal(leastRequestedScore(5000, 4000), 0);
  assert.equal(leastRequestedScore(1, 0), 0);
  assert.equal(mostRequestedScore(3000, 4000), 75);
  assert.equal(mostRequestedScore(5000, 4000), 100);
});

test('LeastAllocated uses non-zero requests and averages cpu and memory', () => {
  const s = Snapshot.from([
    makeNode('empty', { cpu: '4', memory: '8Gi' }),
    makeNode('busy', { cpu: '4', memory: '8Gi' }),
  ], [makePod('x', { nodeName: 'busy', cpu: '2', memory: '4Gi' })]);
  // Pod: 1 cpu, 2Gi. empty: cpu (4-1)/4 -> 75, mem (8-2)/8 -> 75. busy: cpu 25, mem 25.
  assert.deepEqual(runScore(NodeResourcesFit, makePod('p', { cpu: '1', memory: '2Gi' }), s), [75, 25]);
  // A pod without requests counts as 100m / 200Mi.
  const [e] = runScore(NodeResourcesFit, makePod('p'), s)!;
  assert.equal(e, Math.trunc((Math.trunc((3900 * 100) / 4000) + Math.trunc(((8 * 1024 - 200) * 100) / (8 * 1024))) / 2));
  const most = nodeResourcesFit({ scoringStrategy: 'MostAllocated', resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] });
  assert.deepEqual(runScore(most, makePod('p', { cpu: '1', memory: '4Gi' }), s), [Math.trunc((25 * 3 + 50) / 4), Math.trunc((75 * 3 + 100) / 4)]);
});

test('BalancedAllocation prefers nodes whose cpu and memory fractions are close', () => {
  assert.equal(balancedResourceScore([2000, 4 * 1024], [4000, 8 * 1024]), 100);
  assert.equal(balancedResourceScore([1000, 6 * 1024], [4000, 8 * 1024]), 75);
  assert.equal(balancedResourceScore([5000, 0], [4000, 8]), 50);
  assert.equal(balancedResourceScore([3, 1, 1], [3, 3, 3]), Math.trunc((1 - Math.sqrt(((1 - 5 / 9) ** 2 + 2 * (1 / 3 - 5 / 9) ** 2) / 3)) * 100));
  assert.equal(balancedResourceScore([1, 0], [2, 0]), 100);
  const s = Snapshot.from([
    makeNode('cpuheavy', { cpu: '4', memory: '8Gi' }),
    makeNode('balanced', { cpu: '4', memory: '8Gi' }),
  ], [makePod('x', { nodeName: 'cpuheavy', cpu: '3' }), makePod('y', { nodeName: 'balanced', cpu: '1', memory: '2Gi' })]);
  // Pod 1 cpu / 2Gi. cpuheavy: 4/4 vs 2/8 -> std .375 -> 62; balanced: 2/4 vs 4/8 -> 100.
  assert.deepEqual(runScore(NodeResourcesBalancedAllocation, makePod('p', { cpu: '1', memory: '2Gi' }), s), [62, 100]);
});
