// merge / mergeOverwrite follow mergo v1 (what Sprig 3.3 uses) for map[string]interface{} values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sprigFuncs } from './index.js';

const F = sprigFuncs();
type M = Record<string, unknown>;
const merge = (...ds: (M | null)[]): M => F.merge!(...ds) as M;
const mergeOverwrite = (...ds: (M | null)[]): M => F.mergeOverwrite!(...ds) as M;

test('merge: dst wins, missing keys come from src, nested maps merge deeply', () => {
  const dst = { a: 1n, b: { x: 1n, deep: { k: 'dst' } } };
  const out = merge(dst, { a: 2n, b: { y: 2n, deep: { k: 'src', j: 'src' } }, c: 3n });
  assert.equal(out, dst, 'merge returns (and modifies) dst');
  assert.deepEqual(out, { a: 1n, b: { x: 1n, y: 2n, deep: { k: 'dst', j: 'src' } }, c: 3n });
});

test('merge: empty dst values (nil, "", 0, false, empty list/map) are filled from src', () => {
  const out = merge({ a: '', b: 0n, c: false, d: null, e: [], f: {}, g: 0.0 }, { a: 'x', b: 5n, c: true, d: 'd', e: [1n], f: { k: 1n }, g: 1.5 });
  assert.deepEqual(out, { a: 'x', b: 5n, c: true, d: 'd', e: [1n], f: { k: 1n }, g: 1.5 });
});

test('merge: nil values in src are skipped, even for keys dst lacks', () => {
  assert.deepEqual(merge({}, { a: null, b: 1n }), { b: 1n });
});

test('merge: lists are not merged element-wise; a non-empty dst list wins', () => {
  assert.deepEqual(merge({ l: [1n] }, { l: [2n, 3n] }), { l: [1n] });
  assert.deepEqual(merge({ l: [] }, { l: [2n] }), { l: [2n] });
});

test('merge: a src map never replaces a non-empty dst scalar', () => {
  assert.deepEqual(merge({ a: 'x' }, { a: { b: 1n } }), { a: 'x' });
  assert.deepEqual(merge({ a: { b: 1n } }, { a: 'x' }), { a: { b: 1n } });
});

test('merge: several sources, the earliest non-empty value wins', () => {
  assert.deepEqual(merge({}, { a: 1n }, { a: 2n, b: 2n }, { b: 3n, c: 3n }), { a: 1n, b: 2n, c: 3n });
});

test('merge: values are shared, not copied (why charts use deepCopy)', () => {
  const src = { nested: { k: 1n } };
  const out = merge({}, src);
  assert.equal(out.nested, src.nested);
  const copied = merge({}, F.deepCopy!(src) as M);
  assert.notEqual(copied.nested, src.nested);
  assert.deepEqual(copied, src);
});

test('merge: nil dst yields a new map; nil srcs are ignored', () => {
  assert.deepEqual(merge(null, { a: 1n }, null), { a: 1n });
});

test('mergeOverwrite: src wins at every depth, including empty values and nil', () => {
  const dst = { a: 1n, b: { x: 1n, z: 1n, deep: { k: 'dst', keep: true } }, s: 'x', t: true };
  const out = mergeOverwrite(dst, { a: 2n, b: { y: 2n, z: null, deep: { k: 'src' } }, s: '', t: false });
  assert.equal(out, dst);
  assert.deepEqual(out, { a: 2n, b: { x: 1n, y: 2n, z: null, deep: { k: 'src', keep: true } }, s: '', t: false });
});

test('mergeOverwrite: lists replace lists, maps replace scalars and scalars replace maps', () => {
  assert.deepEqual(mergeOverwrite({ l: [1n, 2n] }, { l: [3n] }), { l: [3n] });
  assert.deepEqual(mergeOverwrite({ a: 'x' }, { a: { b: 1n } }), { a: { b: 1n } });
  assert.deepEqual(mergeOverwrite({ a: { b: 1n } }, { a: 'x' }), { a: 'x' });
});

test('mergeOverwrite: several sources, the last one wins', () => {
  assert.deepEqual(mergeOverwrite({ a: 0n }, { a: 1n, b: 1n }, { a: 2n }), { a: 2n, b: 1n });
});

test('mustMerge and mustMergeOverwrite behave like merge and mergeOverwrite', () => {
  assert.deepEqual(F.mustMerge!({ a: 1n }, { a: 2n, b: 2n }), { a: 1n, b: 2n });
  assert.deepEqual(F.mustMergeOverwrite!({ a: 1n }, { a: 2n, b: 2n }), { a: 2n, b: 2n });
});

test('deepCopy copies lists and maps recursively and keeps scalars', () => {
  const v = { a: [1n, { b: 'c' }], d: 1.5, e: null };
  const c = F.deepCopy!(v) as M;
  assert.deepEqual(c, v);
  assert.notEqual(c.a, v.a);
  assert.notEqual((c.a as unknown[])[1], v.a[1]);
  assert.equal(F.mustDeepCopy!(null), null);
});

test('keys named __proto__ are ordinary entries in merge, deepCopy, pick and omit', () => {
  const src = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as M;
  const out = merge({}, src);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'a']);
  assert.equal(({} as M).polluted, undefined);
  const copy = F.deepCopy!(src) as M;
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.deepEqual(Object.keys(copy).sort(), ['__proto__', 'a']);
  assert.deepEqual(Object.keys(F.pick!(src, '__proto__') as M), ['__proto__']);
  assert.deepEqual(Object.keys(F.omit!(src, 'a') as M), ['__proto__']);
});
