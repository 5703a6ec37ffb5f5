import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_MESSAGE_LIMIT, FitError, fitErrorMessage, newDiagnosis, NO_NODES_AVAILABLE, truncateEventMessage } from './fiterror.js';
import { PodInfo } from './podinfo.js';
import { makePod } from './testutil.js';
import { unresolvable, unschedulable } from './types.js';

test('the message counts reasons over nodes, sorted as strings', () => {
  const d = newDiagnosis();
  d.nodeToStatus.set('a', unschedulable('Insufficient cpu'));
  d.nodeToStatus.set('b', unschedulable('Insufficient cpu'));
  d.nodeToStatus.set('c', unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'));
  d.postFilterMsg = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
  assert.equal(fitErrorMessage(3, d),
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
    'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
});

test('a node with several reasons counts each; counts sort as text ("10" before "2")', () => {
  const d = newDiagnosis();
  for (let i = 0; i < 10; i++) d.nodeToStatus.set(`x${i}`, unresolvable("node(s) didn't match Pod's node affinity/selector"));
  d.nodeToStatus.set('y1', unschedulable('Insufficient cpu', 'Insufficient memory'));
  d.nodeToStatus.set('y2', unschedulable('Insufficient memory'));
  assert.equal(fitErrorMessage(12, d), "0/12 nodes are available: 1 Insufficient cpu, 10 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory.");
});

test('nodes not evaluated count with the absent status', () => {
  const d = newDiagnosis();
  d.nodeToStatus.absent = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
  d.nodeToStatus.set('a', unschedulable('Too many pods'));
  assert.equal(fitErrorMessage(5, d), "0/5 nodes are available: 1 Too many pods, 4 node(s) didn't satisfy plugin(s) [NodeAffinity].");
});

test('a PreFilter rejection replaces the per-node histogram', () => {
  const d = newDiagnosis();
  d.nodeToStatus.absent = unresolvable('pod affinity terms conflict');
  d.preFilterMsg = 'pod affinity terms conflict';
  d.postFilterMsg = 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
  assert.equal(fitErrorMessage(2, d), '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
});

test('no nodes at all', () => {
  assert.equal(new FitError(new PodInfo(makePod('p')), 0, newDiagnosis()).message, NO_NODES_AVAILABLE);
  assert.equal(NO_NODES_AVAILABLE, 'no nodes available to schedule pods');
});

test('event messages are cut at the note limit', () => {
  const long = 'x'.repeat(2000);
  const t = truncateEventMessage(long);
  assert.equal(t.length, EVENT_MESSAGE_LIMIT);
  assert.ok(t.endsWith(' ...'));
  assert.equal(truncateEventMessage('short'), 'short');
});
