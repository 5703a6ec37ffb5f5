import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { numFeasibleNodesToFind, schedulePod, selectHost, type ScheduleResult } from './framework.js';
import { defaultProfile } from './profile.js';
import { Snapshot } from './snapshot.js';
import { makeNode, makePod, seededRandom } from './testutil.js';
import { NodeResourcesFit } from './plugins/noderesources.js';
import { TaintToleration } from './plugins/tainttoleration.js';
import type { Plugin, Profile } from './types.js';

const CP: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const profile = defaultProfile();

function nodeOf(r: ScheduleResult): string {
  if ('fitError' in r) throw new Error(`unexpected fit error: ${r.fitError.message}`);
  return r.node;
}

function messageOf(r: ScheduleResult): string {
  if (!('fitError' in r)) throw new Error(`unexpectedly scheduled on ${r.node}`);
  return r.fitError.message;
}

test('filters then scores: the pod goes to the feasible node with the most room', () => {
  const s = Snapshot.from([makeNode('cp', { taints: [CP] }), makeNode('full', { cpu: '1' }), makeNode('busy'), makeNode('idle')], [
    makePod('x', { nodeName: 'full', cpu: '800m' }),
    makePod('y', { nodeName: 'busy', cpu: '3', memory: '6Gi' }),
  ]);
  assert.equal(nodeOf(schedulePod(makePod('p', { cpu: '500m', memory: '1Gi' }), s, profile)), 'idle');
  const tolerant = makePod('p', { cpu: '500m', memory: '1Gi', tolerations: [{ operator: 'Exists' }], nodeSelector: { 'kubernetes.io/hostname': 'cp' } });
  assert.equal(nodeOf(schedulePod(tolerant, s, profile)), 'cp');
});

test("the failure message, in Kubernetes' words", () => {
  const s = Snapshot.from([makeNode('cp', { taints: [CP] }), makeNode('w1', { cpu: '2' }), makeNode('w2', { cpu: '2' })], [
    makePod('a', { nodeName: 'w1', cpu: '1500m' }),
    makePod('b', { nodeName: 'w2', cpu: '1500m' }),
  ]);
  const r = schedulePod(makePod('p', { cpu: '1' }), s, profile);
  assert.equal(messageOf(r),
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
    'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
  assert.ok('fitError' in r);
  assert.deepEqual([...r.fitError.diagnosis.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
  // When every node is rejected as unresolvable, preemption cannot help anywhere.
  const sel = schedulePod(makePod('p', { nodeSelector: { disk: 'ssd' } }), s, profile);
  assert.equal(messageOf(sel),
    "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. " +
    'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
});

test('preemption reporting: eligibility, victims that would not suffice, a node where preemption helps', () => {
  const s = Snapshot.from([makeNode('w1', { cpu: '2' }), makeNode('w2', { cpu: '2' })], [
    makePod('low', { nodeName: 'w1', cpu: '1500m', priority: -10 }),
    makePod('high', { nodeName: 'w2', cpu: '1500m', priority: 100 }),
  ]);
  const never = schedulePod(makePod('p', { cpu: '1', preemptionPolicy: 'Never' }), s, profile);
  assert.equal(messageOf(never), '0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  // Evicting "low" frees w1: reported as a nominated node, with no preemption text.
  const helps = schedulePod(makePod('p', { cpu: '1' }), s, profile);
  assert.equal(messageOf(helps), '0/2 nodes are available: 2 Insufficient cpu.');
  assert.equal('fitError' in helps && helps.nominatedNodeName, 'w1');
  // Even without "low", 3 cpus do not fit on w1.
  const big = schedulePod(makePod('p', { cpu: '3' }), s, profile);
  assert.equal(messageOf(big), '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod.');
});

test('no nodes at all', () => {
  assert.equal(messageOf(schedulePod(makePod('p'), new Snapshot(), profile)), 'no nodes available to schedule pods');
});

test('a PreFilter that narrows the nodes: the others count as not satisfying it', () => {
  const s = Snapshot.from([makeNode('a'), makeNode('b', { cpu: '1' }), makeNode('c')]);
  const pin = (name: string) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }] }] } } });
  const r = schedulePod(makePod('p', { affinity: pin('b') }), s, profile);
  assert.equal(nodeOf(r), 'b');
  assert.equal('node' in r && r.evaluatedNodes, 1);
  assert.equal(messageOf(schedulePod(makePod('p', { cpu: '2', affinity: pin('b') }), s, profile)),
    "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
    'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.');
  const conflict = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } };
  assert.equal(messageOf(schedulePod(makePod('p', { affinity: conflict }), s, profile)),
    '0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
});

test('ties between the best nodes are broken at random (reservoir sampling)', () => {
  assert.equal(selectHost([1, 5, 3], () => 0), 1);
  assert.equal(selectHost([5, 5, 5], () => 0.999), 0);
  assert.equal(selectHost([5, 5, 5], () => 0), 2);
  const counts = [0, 0, 0, 0];
  const rnd = seededRandom(42);
  for (let i = 0; i < 4000; i++) counts[selectHost([7, 7, 7, 7], rnd)]++;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `uneven tie-breaking: ${counts}`);
  // The same seed gives the same choices.
  const s = () => Snapshot.from(Array.from({ length: 5 }, (_, i) => makeNode(`n${i}`)));
  const run = () => { const snap = s(); return Array.from({ length: 10 }, (_, i) => nodeOf(schedulePod(makePod(`p${i}`), snap, profile, { random: seededRandom(7) }))); };
  assert.deepEqual(run(), run());
});

test('only a share of a large cluster is evaluated, starting where the last cycle stopped', () => {
  assert.equal(numFeasibleNodesToFind(undefined, 50), 50);
  assert.equal(numFeasibleNodesToFind(undefined, 100), 100);
  assert.equal(numFeasibleNodesToFind(undefined, 1000), 420);
  assert.equal(numFeasibleNodesToFind(undefined, 5000), 500);
  assert.equal(numFeasibleNodesToFind(undefined, 20000), 1000);
  assert.equal(numFeasibleNodesToFind(100, 5000), 5000);
  assert.equal(numFeasibleNodesToFind(10, 500), 100);
  const s = Snapshot.from(Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`)));
  const r = schedulePod(makePod('p'), s, profile);
  assert.equal('node' in r && r.evaluatedNodes, 420);
  assert.equal(s.nextStartNodeIndex, 420);
  schedulePod(makePod('q'), s, profile);
  assert.equal(s.nextStartNodeIndex, 840);
  schedulePod(makePod('r'), s, profile);
  assert.equal(s.nextStartNodeIndex, 260);
  const all = schedulePod(makePod('p'), s, defaultProfile({ percentageOfNodesToScore: 100 }));
  assert.equal('node' in all && all.evaluatedNodes, 1000);
});

test('profiles choose plugins and weights; one feasible node skips scoring; scores are checked', () => {
  const s = Snapshot.from([makeNode('soft', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), makeNode('busy', { cpu: '4' })], [makePod('b', { nodeName: 'busy', cpu: '3' })]);
  const pod = makePod('p', { cpu: '500m' });
  const taintsWin: Profile = { schedulerName: 's', plugins: [{ plugin: NodeResourcesFit, weight: 1 }, { plugin: TaintToleration, weight: 3 }] };
  const roomWins: Profile = { schedulerName: 's', plugins: [{ plugin: NodeResourcesFit, weight: 5 }, { plugin: TaintToleration, weight: 1 }] };
  assert.equal(nodeOf(schedulePod(pod, s, taintsWin)), 'busy');
  assert.equal(nodeOf(schedulePod(pod, s, roomWins)), 'soft');
  const throws: Plugin = { name: 'Throws', score: () => { throw new Error('scored'); } };
  const only: Profile = { schedulerName: 's', plugins: [{ plugin: NodeResourcesFit }, { plugin: throws }] };
  assert.equal(nodeOf(schedulePod(makePod('p', { cpu: '3500m' }), s, only)), 'soft');
  const bad: Profile = { schedulerName: 's', plugins: [{ plugin: { name: 'Bad', score: () => 101 } }] };
  assert.throws(() => schedulePod(pod, s, bad), /plugin Bad returns an invalid score 101/);
});
