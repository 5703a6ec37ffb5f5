import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runFilter, runScore } from '../testutil.js';
import { toleratesTaint } from './helpers.js';
import { TaintToleration } from './tainttoleration.js';

const cp: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

test('toleration matching: Equal/Exists, empty key and effect as wildcards', () => {
  const t: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  assert.equal(toleratesTaint({ key: 'dedicated', value: 'gpu' }, t), true);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, t), true);
  assert.equal(toleratesTaint({ key: 'dedicated', value: 'cpu' }, t), false);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Exists' }, t), true);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, t), false);
  assert.equal(toleratesTaint({ operator: 'Exists' }, t), true);
  assert.equal(toleratesTaint({ key: 'other', operator: 'Exists' }, t), false);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Lt', value: 'gpu' }, t), false);
  assert.equal(toleratesTaint({ key: 'node-role.kubernetes.io/control-plane' }, cp), true);
});

test('TaintToleration filter names the first untolerated NoSchedule/NoExecute taint', () => {
  const s = Snapshot.from([
    makeNode('cp', { taints: [cp] }),
    makeNode('gpu', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'dedicated', value: 'gpu', effect: 'NoExecute' }, cp] }),
    makeNode('plain'),
  ]);
  const st = runFilter(TaintToleration, makePod('p'), 'cp', s);
  assert.equal(st?.code, 'UnschedulableAndUnresolvable');
  assert.deepEqual(st?.reasons, ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']);
  assert.deepEqual(runFilter(TaintToleration, makePod('p'), 'gpu', s)?.reasons, ['node(s) had untolerated taint {dedicated: gpu}']);
  assert.equal(runFilter(TaintToleration, makePod('p'), 'plain', s), undefined);
  const tolerant = makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
  assert.deepEqual(runFilter(TaintToleration, tolerant, 'gpu', s)?.reasons, ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']);
  assert.equal(runFilter(TaintToleration, makePod('p', { tolerations: [{ operator: 'Exists' }] }), 'gpu', s), undefined);
});

test('TaintToleration scores fewer untolerated PreferNoSchedule taints higher', () => {
  const soft = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' });
  const s = Snapshot.from([makeNode('none'), makeNode('one', { taints: [soft('a')] }), makeNode('two', { taints: [soft('a'), soft('b'), cp] })]);
  assert.deepEqual(runScore(TaintToleration, makePod('p'), s, false), [0, 1, 2]);
  assert.deepEqual(runScore(TaintToleration, makePod('p'), s), [100, 50, 0]);
  // A toleration without effect (or PreferNoSchedule) counts; a NoSchedule one does not.
  const tol = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.deepEqual(runScore(TaintToleration, tol, s), [100, 100, 0]);
  // No untolerated taints anywhere: every node gets the maximum.
  assert.deepEqual(runScore(TaintToleration, makePod('p', { tolerations: [{ operator: 'Exists' }] }), s), [100, 100, 100]);
});
