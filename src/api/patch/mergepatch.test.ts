// JSON Merge Patch (RFC 7386) as the API server applies it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { applyMergePatch } from './index.js';

test('RFC 7386 appendix A examples', () => {
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [doc, patch, expected] of cases) assert.deepEqual(applyMergePatch(doc, patch), expected, JSON.stringify([doc, patch]));
});

test('objects merge recursively, arrays are replaced (labels and containers)', () => {
  const deploy = {
    metadata: { labels: { app: 'web', tier: 'fe' } },
    spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } },
  };
  const out = applyMergePatch(deploy, {
    metadata: { labels: { tier: null, track: 'stable' } },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } },
  });
  assert.deepEqual(out, {
    metadata: { labels: { app: 'web', track: 'stable' } },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } },
  });
});

test('null object members inside new values are dropped, also inside arrays; null array elements stay', () => {
  assert.deepEqual(applyMergePatch({}, { a: { b: null, c: { d: null, e: 1 } } }), { a: { c: { e: 1 } } });
  assert.deepEqual(applyMergePatch({ a: 1 }, { a: [{ x: null, y: 1 }, null] }), { a: [{ y: 1 }, null] });
});

test('an array replacing an object keeps its content as sent (upstream)', () => {
  assert.deepEqual(applyMergePatch({ a: { b: 1 } }, { a: [{ x: null }] }), { a: [{ x: null }] });
});

test('$patch and other SMP directives are plain data in a merge patch', () => {
  assert.deepEqual(
    applyMergePatch({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }),
    { spec: { containers: [{ name: 'a', $patch: 'delete' }] } },
  );
});

test('inputs are not mutated', () => {
  const doc = { a: { b: 1, c: [1] } };
  const patch = { a: { b: null, d: { e: null } } };
  const out = applyMergePatch(doc, patch) as { a: Record<string, unknown> };
  assert.deepEqual(doc, { a: { b: 1, c: [1] } });
  assert.deepEqual(patch, { a: { b: null, d: { e: null } } });
  (out.a.c as number[]).push(2);
  assert.deepEqual(doc.a.c, [1]);
});

test('"__proto__" is an ordinary member', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
  const out = applyMergePatch({}, patch) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'a']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
});

test('a null or scalar patch is 400 "Invalid JSON Patch"', () => {
  for (const patch of [null, 1, 'x', true]) {
    assert.throws(() => applyMergePatch({ a: 1 }, patch), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'Invalid JSON Patch');
  }
});
