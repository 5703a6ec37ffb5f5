// Strategic merge patch semantics, on a schema shaped like the one upstream's own tests use
// (pkg/util/strategicpatch MergeItem); expectations follow upstream's test table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../schema.js';
import { StatusError } from '../errors.js';
import { applyStrategicMergePatch } from './index.js';

const simpleMap: SchemaNode = { type: 'object', additionalProperties: { type: 'string' } };
const mergeItem: SchemaNode = { type: 'object', properties: {} };
const retainKeysItem: SchemaNode = { type: 'object', properties: {} };
Object.assign(mergeItem.properties!, {
  name: { type: 'string' },
  value: { type: 'string' },
  other: { type: 'string' },
  mergingList: { type: 'array', items: mergeItem, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
  nonMergingList: { type: 'array', items: mergeItem },
  mergingIntList: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-patch-strategy': 'merge' },
  nonMergingIntList: { type: 'array', items: { type: 'integer' } },
  simpleMap,
  replacingItem: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, 'x-kubernetes-patch-strategy': 'replace' },
  retainKeysMap: { ...retainKeysItem, 'x-kubernetes-patch-strategy': 'retainKeys' },
  retainKeysMergingList: {
    type: 'array', items: mergeItem, 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'name',
  },
  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
});
Object.assign(retainKeysItem.properties!, {
  name: { type: 'string' },
  value: { type: 'string' },
  other: { type: 'string' },
  simpleMap,
  mergingIntList: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-patch-strategy': 'merge' },
  mergingList: { type: 'array', items: mergeItem, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
  nonMergingList: { type: 'array', items: mergeItem },
});

function smp(original: unknown, patch: unknown): unknown {
  return applyStrategicMergePatch(original, patch, mergeItem);
}

function rejects(original: unknown, patch: unknown, code: number, message: RegExp): void {
  assert.throws(() => smp(original, patch), (e: unknown) => {
    assert.ok(e instanceof StatusError, 'a StatusError');
    assert.equal(e.code, code);
    const text = [e.message, ...(e.details?.causes ?? []).map((c) => c.message ?? '')].join('\n');
    assert.match(text, message);
    return true;
  });
}

const names = (list: unknown) => (list as Array<{ name: unknown }>).map((e) => e.name);

test('maps: add, change and delete fields; null for a missing field is ignored', () => {
  assert.deepEqual(smp({ name: '1', other: 'a' }, { value: '1', gone: null }), { name: '1', other: 'a', value: '1' });
  assert.deepEqual(smp({ name: '1', value: '1', other: 'a' }, { name: null, value: null }), { other: 'a' });
  assert.deepEqual(
    smp({ simpleMap: { key1: '1', key2: '1', other: 'a' } }, { simpleMap: { key2: null } }),
    { simpleMap: { key1: '1', other: 'a' } },
  );
});

test('nulls inside a newly added value are dropped', () => {
  assert.deepEqual(smp({}, { simpleMap: { a: 'x', b: null } }), { simpleMap: { a: 'x' } });
  assert.deepEqual(
    smp({}, { mergingList: [{ name: 'a', value: null, other: 'o' }] }),
    { mergingList: [{ name: 'a', other: 'o' }] },
  );
});

test('inputs are not mutated', () => {
  const original = { mergingList: [{ name: '1', value: 'a' }], simpleMap: { k: 'v' } };
  const patch = { $setElementOrder: undefined, mergingList: [{ name: '1', $patch: 'delete' }], simpleMap: { k: null } };
  delete (patch as Record<string, unknown>).$setElementOrder;
  const o = JSON.stringify(original);
  const p = JSON.stringify(patch);
  smp(original, patch);
  assert.equal(JSON.stringify(original), o);
  assert.equal(JSON.stringify(patch), p);
});

test('$patch: delete on a map empties it; $patch: replace replaces it', () => {
  assert.deepEqual(smp({ simpleMap: { key1: '1', key2: '1' } }, { simpleMap: { $patch: 'delete' } }), { simpleMap: {} });
  assert.deepEqual(smp({ name: '1', value: '1' }, { $patch: 'replace' }), {});
  assert.deepEqual(smp({ name: '1', value: '1' }, { other: 'a', $patch: 'replace' }), { other: 'a' });
  assert.deepEqual(
    smp({ simpleMap: { a: '1', b: '2' } }, { simpleMap: { $patch: 'replace', c: '3' } }),
    { simpleMap: { c: '3' } },
  );
});

test('$patch with another value on a map is an error, as upstream', () => {
  rejects({ simpleMap: { a: '1' } }, { simpleMap: { $patch: 'merge', b: '2' } }, 500, /unknown patch type: merge in map: map\[\$patch:merge b:2\]/);
});

test('a map field with patch strategy replace is replaced, not merged', () => {
  assert.deepEqual(smp({ replacingItem: { a: '1', b: '2' } }, { replacingItem: { a: '3' } }), { replacingItem: { a: '3' } });
});

test('merging list: elements merged by merge key, new ones added', () => {
  assert.deepEqual(
    smp(
      { mergingList: [{ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }] },
      { mergingList: [{ name: '1', value: '1' }] },
    ),
    { mergingList: [{ name: '1', other: 'a', value: '1' }, { name: '2', value: '2', other: 'b' }] },
  );
  assert.deepEqual(
    smp({ mergingList: [{ name: '1', value: '1', other: 'a' }] }, { mergingList: [{ name: '1', value: null }] }),
    { mergingList: [{ name: '1', other: 'a' }] },
  );
});

test('merging list: patch order wins for patched items, server-only items keep their place', () => {
  const original = { mergingList: [{ name: '1' }, { name: '2', value: 'b' }, { name: '3' }] };
  assert.deepEqual(
    smp(original, { mergingList: [{ name: '3', value: 'c' }, { name: '1', value: 'a' }, { name: '2', other: 'x' }] }),
    { mergingList: [{ name: '3', value: 'c' }, { name: '1', value: 'a' }, { name: '2', value: 'b', other: 'x' }] },
  );
  assert.deepEqual(
    smp(original, { mergingList: [{ name: '3', value: 'c' }, { name: '1', value: 'a' }] }),
    { mergingList: [{ name: '2', value: 'b' }, { name: '3', value: 'c' }, { name: '1', value: 'a' }] },
  );
});

test('merging list: $patch: delete removes every element with the key; missing ones are fine', () => {
  assert.deepEqual(
    smp(
      { mergingList: [{ name: '1' }, { name: '1' }, { name: '2', value: 'a' }, { name: '3' }, { name: '3' }] },
      { mergingList: [{ name: '1', $patch: 'delete' }, { name: '3', $patch: 'delete' }, { name: '9', $patch: 'delete' }] },
    ),
    { mergingList: [{ name: '2', value: 'a' }] },
  );
});

test('merging list: $patch: replace element replaces the whole list', () => {
  assert.deepEqual(smp({ mergingList: [{ name: '1' }, { name: '2' }] }, { mergingList: [{ $patch: 'replace' }] }), { mergingList: [] });
  assert.deepEqual(
    smp({ mergingList: [{ name: '1', value: 'x' }] }, { mergingList: [{ name: '1', other: 'y' }, { $patch: 'replace' }] }),
    { mergingList: [{ name: '1', other: 'y' }] },
  );
});

test('merging list: element errors (missing merge key, $patch: merge) as upstream', () => {
  rejects({ mergingList: [{ name: '1', value: 'a' }] }, { mergingList: [{ value: 'b' }] }, 500, /map: map\[value:b\] does not contain declared merge key: name/);
  rejects({ mergingList: [{ name: '1' }] }, { mergingList: [{ name: '1', $patch: 'merge' }] }, 500, /merging lists cannot yet be specified in the patch/);
  rejects({ mergingList: [{ name: '1' }] }, { mergingList: ['x'] }, 500, /list element types are not identical/);
  rejects({ mergingList: [[1]] }, { mergingList: [[2]] }, 422, /lists of lists are not supported/);
});

test('empty merging list in the patch leaves the list alone; new list is taken from the patch', () => {
  assert.deepEqual(smp({ mergingList: [{ name: '1' }] }, { mergingList: [] }), { mergingList: [{ name: '1' }] });
  assert.deepEqual(smp({ mergingList: [] }, { mergingList: [] }), { mergingList: [] });
  assert.deepEqual(
    smp({ name: 'hi' }, { mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] }),
    { name: 'hi', mergingList: [{ name: 'hello' }] },
  );
});

test('non-merging lists are replaced, nested in merging lists too', () => {
  assert.deepEqual(smp({ nonMergingIntList: [1, 2] }, { nonMergingIntList: [2, 3] }), { nonMergingIntList: [2, 3] });
  assert.deepEqual(
    smp(
      { mergingList: [{ name: '1', other: 'a', nonMergingList: [{ name: '1' }, { name: '2', value: '2' }] }, { name: '2', other: 'b' }] },
      { mergingList: [{ name: '1', nonMergingList: [{ name: '1', value: '1' }] }] },
    ),
    { mergingList: [{ name: '1', other: 'a', nonMergingList: [{ name: '1', value: '1' }] }, { name: '2', other: 'b' }] },
  );
});

test('merging primitive lists are merged as sets, patch order first', () => {
  assert.deepEqual(smp({ mergingIntList: [1, 2] }, { mergingIntList: [2, 3] }), { mergingIntList: [1, 2, 3] });
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1, 2] }), { mergingIntList: [3, 1, 2] });
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] }), { mergingIntList: [2, 3, 1] });
});

test('$deleteFromPrimitiveList removes values, whatever the list strategy', () => {
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/mergingIntList': [2] }), { mergingIntList: [1, 3] });
  assert.deepEqual(smp({ nonMergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/nonMergingIntList': [2] }), { nonMergingIntList: [1, 3] });
  assert.deepEqual(smp({ mergingIntList: [1, 2] }, { '$deleteFromPrimitiveList/mergingIntList': [3] }), { mergingIntList: [1, 2] });
  assert.deepEqual(smp({ foo: ['bar'] }, { '$deleteFromPrimitiveList/mergingIntList': [3] }), { foo: ['bar'] });
  assert.deepEqual(smp({ mergingIntList: null }, { '$deleteFromPrimitiveList/mergingIntList': [3] }), { mergingIntList: null });
  rejects({ mergingIntList: [1] }, { $deleteFromPrimitiveList: [1] }, 400, /^invalid patch format of primitive list$/);
});

test('$setElementOrder orders a merging list, server-only items stay near their neighbours', () => {
  assert.deepEqual(
    names((smp(
      { mergingList: [{ name: '1', other: 'a' }, { name: '3', value: '3' }, { name: '4', value: '4' }, { name: '2', value: '2' }, { name: '9' }] },
      { '$setElementOrder/mergingList': [{ name: '4' }, { name: '2' }, { name: '3' }, { name: '1' }] },
    ) as { mergingList: unknown }).mergingList),
    ['4', '2', '3', '1', '9'],
  );
  assert.deepEqual(
    names((smp(
      { mergingList: [{ name: '1' }, { name: '2' }, { name: '7' }, { name: '9' }, { name: '8' }, { name: '3' }, { name: '4' }] },
      { '$setElementOrder/mergingList': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }] },
    ) as { mergingList: unknown }).mergingList),
    ['2', '1', '7', '9', '8', '4', '3'],
  );
});

test('$setElementOrder with additions merges and orders them', () => {
  assert.deepEqual(
    smp(
      { mergingList: [{ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }] },
      {
        '$setElementOrder/mergingList': [{ name: '4' }, { name: '1' }, { name: '2' }, { name: '3' }],
        mergingList: [{ name: '4', value: '4' }, { name: '3', value: '3' }],
      },
    ),
    { mergingList: [{ name: '4', value: '4' }, { name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }, { name: '3', value: '3' }] },
  );
  // An entry of the order list that is in neither list is ignored.
  assert.deepEqual(
    smp(
      { mergingList: [{ name: '1' }, { name: '3' }] },
      { '$setElementOrder/mergingList': [{ name: '3' }, { name: '2' }, { name: '1' }], mergingList: [{ name: '3', value: '3' }, { name: '1', value: '1' }] },
    ),
    { mergingList: [{ name: '3', value: '3' }, { name: '1', value: '1' }] },
  );
});

test('$setElementOrder with an addition and a deletion places server-only items as upstream does', () => {
  assert.deepEqual(
    names((smp(
      { mergingList: [{ name: '1' }, { name: '2', other: 'b' }, { name: '4', other: 'c' }] },
      { '$setElementOrder/mergingList': [{ name: '2' }, { name: '3' }], mergingList: [{ name: '3' }, { name: '1', $patch: 'delete' }] },
    ) as { mergingList: unknown }).mergingList),
    ['2', '4', '3'],
  );
  assert.deepEqual(
    names((smp(
      { mergingList: [{ name: '1', other: 'a' }, { name: '4', other: 'c' }] },
      { '$setElementOrder/mergingList': [{ name: '2' }, { name: '3' }], mergingList: [{ name: '2' }, { name: '3' }, { name: '1', $patch: 'delete' }] },
    ) as { mergingList: unknown }).mergingList),
    ['4', '2', '3'],
  );
});

test('$setElementOrder on primitive lists, with additions, deletions and server-only values', () => {
  assert.deepEqual(smp({ mergingIntList: [1, 3] }, { '$setElementOrder/mergingIntList': [3, 2, 1] }), { mergingIntList: [3, 1] });
  assert.deepEqual(
    smp({ mergingIntList: [1, 2] }, { '$setElementOrder/mergingIntList': [1, 4, 2, 3], mergingIntList: [4, 3] }),
    { mergingIntList: [1, 4, 2, 3] },
  );
  assert.deepEqual(
    smp({ mergingIntList: [1, 2, 3] }, { '$setElementOrder/mergingIntList': [4, 2, 1], mergingIntList: [4], '$deleteFromPrimitiveList/mergingIntList': [3] }),
    { mergingIntList: [4, 2, 1] },
  );
  assert.deepEqual(
    smp({ mergingIntList: [1, 2, 3, 3, 4] }, { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] }),
    { mergingIntList: [1, 2, 4] },
  );
  assert.deepEqual(smp({ mergingIntList: [1, 2, 9, 3, 4] }, { '$setElementOrder/mergingIntList': [2, 1, 4, 3] }), { mergingIntList: [2, 1, 9, 4, 3] });
});

test('$setElementOrder keeps duplicates together', () => {
  assert.deepEqual(
    smp(
      { mergingList: [{ name: '1' }, { name: '2', value: 'dup1' }, { name: '3' }, { name: '2', value: 'dup2' }, { name: '4' }] },
      { '$setElementOrder/mergingList': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }, { name: '2' }] },
    ),
    { mergingList: [{ name: '2', value: 'dup1' }, { name: '2', value: 'dup2' }, { name: '1' }, { name: '4' }, { name: '3' }] },
  );
});

test('$setElementOrder errors: order mismatch, malformed directive', () => {
  rejects(
    { mergingList: [{ name: '1' }, { name: '3' }, { name: '2' }] },
    { '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }, { name: '3' }], mergingList: [{ name: '3', value: '3' }, { name: '1', value: '1' }] },
    500,
    /doesn't match \$setElementOrder list/,
  );
  rejects({ mergingIntList: [1, 3, 2] }, { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] }, 500, /doesn't match/);
  rejects({ mergingIntList: [1] }, { $setElementOrder: [1] }, 400, /^invalid patch format of setElementOrder list$/);
  rejects({ mergingIntList: [1] }, { '$setElementOrder/mergingIntList': 'x' }, 500, /expected a \[\]interface \{\}, but received a string/);
});

test('$retainKeys clears fields not listed and keeps the listed ones', () => {
  assert.deepEqual(smp({ retainKeysMap: { value: 'foo' } }, { retainKeysMap: { $retainKeys: ['other'], other: 'bar' } }), { retainKeysMap: { other: 'bar' } });
  assert.deepEqual(
    smp({ retainKeysMap: { name: 'type1', value: 'foo' } }, { retainKeysMap: { $retainKeys: ['name', 'other'], name: 'type2', other: 'bar' } }),
    { retainKeysMap: { name: 'type2', other: 'bar' } },
  );
  assert.deepEqual(
    smp({ retainKeysMap: { name: 'foo', value: 'bar', other: 'a' } }, { retainKeysMap: { $retainKeys: ['name'], value: null } }),
    { retainKeysMap: { name: 'foo' } },
  );
  assert.deepEqual(
    smp(
      { retainKeysMap: { name: 'foo', value: 'bar', simpleMap: { key1: 'a', key3: 'c' } } },
      { retainKeysMap: { $retainKeys: ['name', 'simpleMap', 'value'], simpleMap: { key2: 'b' } } },
    ),
    { retainKeysMap: { name: 'foo', value: 'bar', simpleMap: { key1: 'a', key3: 'c', key2: 'b' } } },
  );
  // Without the directive a retainKeys field merges like any map.
  assert.deepEqual(smp({ retainKeysMap: { name: 'foo' } }, { retainKeysMap: { value: 'bar' } }), { retainKeysMap: { name: 'foo', value: 'bar' } });
});

test('$retainKeys inside elements of a merging list', () => {
  assert.deepEqual(
    smp(
      { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a', other: 'x' }] },
      { retainKeysMergingList: [{ name: 'foo', $retainKeys: ['name', 'other'], other: 'y' }] },
    ),
    { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', other: 'y' }] },
  );
});

test('$retainKeys errors: not a list, or a patched field missing from it (400)', () => {
  rejects({ retainKeysMap: { name: 'a' } }, { retainKeysMap: { $retainKeys: 'name' } }, 400, /^invalid patch format of retainKeys$/);
  rejects({ retainKeysMap: { name: 'a' } }, { retainKeysMap: { $retainKeys: ['name'], value: 'v' } }, 400, /^invalid patch format of retainKeys$/);
});

test('fields the schema does not know are merged as a JSON merge patch', () => {
  assert.deepEqual(
    smp(
      { free: { a: { b: 1, c: [1, 2] }, keep: true }, unknown: { x: 1, y: 2 } },
      { free: { a: { b: null, c: [3], d: { e: null, f: 1 } } }, unknown: { y: null, z: [{ n: null, m: 1 }] } },
    ),
    { free: { a: { c: [3], d: { f: 1 } }, keep: true }, unknown: { x: 1, z: [{ m: 1 }] } },
  );
  // "$patch" means nothing there: it is kept as data.
  assert.deepEqual(smp({ free: { a: 1 } }, { free: { $patch: 'delete' } }), { free: { a: 1, $patch: 'delete' } });
});

test('a value of another type replaces the original; null patch and non-object patch', () => {
  assert.deepEqual(smp({ simpleMap: 'x' }, { simpleMap: { a: 'b', c: null } }), { simpleMap: { a: 'b' } });
  assert.deepEqual(smp({ mergingList: [{ name: 'a' }] }, { mergingList: { name: 'b' } }), { mergingList: { name: 'b' } });
  assert.deepEqual(smp({ name: 'a' }, null), { name: 'a' });
  rejects({}, [{ name: 'a' }], 400, /json: cannot unmarshal array into Go value of type map\[string\]interface \{\}/);
});

test('without a schema the patch is applied as a JSON merge patch', () => {
  assert.deepEqual(
    applyStrategicMergePatch({ a: [{ name: 'x', v: 1 }], b: 1 }, { a: [{ name: 'y' }], b: null }, undefined),
    { a: [{ name: 'y' }] },
  );
});
