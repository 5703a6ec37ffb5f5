import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runScore } from '../testutil.js';
import { zoneKey } from '../nodeinfo.js';
import { SelectorSpread } from './selectorspread.js';

test('fewer pods of the same controller on a node scores higher', () => {
  const s = Snapshot.from([makeNode('a'), makeNode('b'), makeNode('c')], [
    makePod('r1', { nodeName: 'a', owner: 'rs' }),
    makePod('r2', { nodeName: 'a', owner: 'rs' }),
    makePod('r3', { nodeName: 'b', owner: 'rs' }),
    makePod('o1', { nodeName: 'c', owner: 'other' }),
  ]);
  assert.deepEqual(runScore(SelectorSpread, makePod('new', { owner: 'rs' }), s, false), [2, 1, 0]);
  assert.deepEqual(runScore(SelectorSpread, makePod('new', { owner: 'rs' }), s), [0, 50, 100]);
  assert.deepEqual(runScore(SelectorSpread, makePod('new', { owner: 'fresh' }), s), [100, 100, 100]);
  assert.equal(runScore(SelectorSpread, makePod('bare'), s), undefined);
});

test('zones weigh two thirds when nodes have zone labels', () => {
  const z = (zone: string) => ({ labels: { 'topology.kubernetes.io/zone': zone } });
  const s = Snapshot.from([makeNode('a1', z('a')), makeNode('a2', z('a')), makeNode('b1', z('b'))], [
    makePod('r1', { nodeName: 'a1', owner: 'rs' }),
    makePod('r2', { nodeName: 'b1', owner: 'rs' }),
  ]);
  // Nodes come zone by zone: a1, b1, a2.
  assert.deepEqual(s.nodes.map((n) => n.name), ['a1', 'b1', 'a2']);
  // Node counts [1, 1, 0] -> node scores [0, 0, 100]; zone counts a=1, b=1 -> zone scores 0.
  assert.deepEqual(runScore(SelectorSpread, makePod('new', { owner: 'rs' }), s), [0, 0, Math.trunc(100 * (1 - 2 / 3))]);
  s.addPod(makePod('r3', { nodeName: 'b1', owner: 'rs' }));
  // Node counts [1, 2, 0]; zones a=1, b=2 -> zone scores a 50, b 0.
  // Go's float arithmetic, in its order: fScore*(1-w) + w*zoneScore.
  const w = 2 / 3;
  const expectA1 = Math.trunc(100 * (1 / 2) * (1 - w) + w * 50);
  const expectA2 = Math.trunc(100 * (1 - w) + w * 50);
  assert.equal(expectA1, 50);
  assert.deepEqual(runScore(SelectorSpread, makePod('new', { owner: 'rs' }), s), [expectA1, 0, expectA2]);
  assert.equal(zoneKey({}), '');
  assert.equal(zoneKey({ 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' }), 'r:\0:z');
});
