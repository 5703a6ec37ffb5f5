import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runFilter } from '../testutil.js';
import { ERR_REASON_NODE_NAME, NodeName } from './nodename.js';

test('NodeName matches only the named node; pods without one pass everywhere', () => {
  const s = Snapshot.from([makeNode('a'), makeNode('b')]);
  assert.equal(runFilter(NodeName, makePod('p'), 'a', s), undefined);
  const named = makePod('p', { nodeName: 'b' });
  assert.equal(runFilter(NodeName, named, 'b', s), undefined);
  const st = runFilter(NodeName, named, 'a', s);
  assert.equal(st?.code, 'UnschedulableAndUnresolvable');
  assert.deepEqual(st?.reasons, ["node(s) didn't match the requested node name"]);
  assert.equal(st?.reasons[0], ERR_REASON_NODE_NAME);
});
