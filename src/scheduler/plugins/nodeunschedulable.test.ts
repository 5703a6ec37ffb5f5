import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runFilter } from '../testutil.js';
import { ERR_REASON_UNSCHEDULABLE, NodeUnschedulable } from './nodeunschedulable.js';

test('NodeUnschedulable rejects cordoned nodes unless the pod tolerates the unschedulable taint', () => {
  const s = Snapshot.from([makeNode('ok'), makeNode('cordoned', { unschedulable: true })]);
  assert.equal(runFilter(NodeUnschedulable, makePod('p'), 'ok', s), undefined);
  const st = runFilter(NodeUnschedulable, makePod('p'), 'cordoned', s);
  assert.equal(st?.code, 'UnschedulableAndUnresolvable');
  assert.deepEqual(st?.reasons, [ERR_REASON_UNSCHEDULABLE]);
  assert.equal(ERR_REASON_UNSCHEDULABLE, 'node(s) were unschedulable');
  const tolerant = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.equal(runFilter(NodeUnschedulable, tolerant, 'cordoned', s), undefined);
  const wildcard = makePod('p', { tolerations: [{ operator: 'Exists' }] });
  assert.equal(runFilter(NodeUnschedulable, wildcard, 'cordoned', s), undefined);
  const wrongEffect = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] });
  assert.ok(runFilter(NodeUnschedulable, wrongEffect, 'cordoned', s));
});
