// JSON Patch (RFC 6902) as the API server applies it, errors included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { applyJsonPatch } from './index.js';

const doc = () => ({
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'a/b': 'slash', 'x~y': 'tilde' } },
  spec: { replicas: 1, containers: [{ name: 'a', args: ['1', '2'] }, { name: 'b' }] },
});

/** Asserts a 422 whose cause carries exactly upstream's error text. */
function fails422(patch: unknown, detail: string, target: unknown = doc()): void {
  assert.throws(() => applyJsonPatch(target, patch), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, 'the server rejected our request due to an error in our request');
    assert.deepEqual(e.details?.causes, [{ reason: 'UnexpectedServerResponse', message: detail }]);
    return true;
  });
}

test('add: object member, nested member, replacing an existing member', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'add', path: '/metadata/labels/tier', value: 'frontend' },
    { op: 'add', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/spec/paused', value: { deep: [1] } },
  ]) as ReturnType<typeof doc> & { spec: { paused: unknown } };
  assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'frontend' });
  assert.equal(out.spec.replicas, 3);
  assert.deepEqual(out.spec.paused, { deep: [1] });
});

test('add: array insert at index, at the end with "-" and at length', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'add', path: '/spec/containers/0/args/0', value: '0' },
    { op: 'add', path: '/spec/containers/0/args/-', value: '3' },
    { op: 'add', path: '/spec/containers/0/args/4', value: '4' },
  ]) as ReturnType<typeof doc>;
  assert.deepEqual(out.spec.containers[0]!.args, ['0', '1', '2', '3', '4']);
});

test('add: negative index counts from the end (upstream extension)', () => {
  const out = applyJsonPatch(doc(), [{ op: 'add', path: '/spec/containers/0/args/-1', value: 'x' }]) as ReturnType<typeof doc>;
  assert.deepEqual(out.spec.containers[0]!.args, ['1', '2', 'x']);
});

test('remove: object member and array element (also negative)', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'remove', path: '/metadata/labels/app' },
    { op: 'remove', path: '/spec/containers/0' },
    { op: 'remove', path: '/spec/containers/-1' },
  ]) as ReturnType<typeof doc>;
  assert.deepEqual(out.metadata.labels, {});
  assert.deepEqual(out.spec.containers, []);
});

test('replace: member and array element; replacing a missing object member adds it', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'replace', path: '/spec/replicas', value: 5 },
    { op: 'replace', path: '/spec/containers/1', value: { name: 'c' } },
    { op: 'replace', path: '/metadata/labels/new', value: 'v' },
  ]) as ReturnType<typeof doc>;
  assert.equal(out.spec.replicas, 5);
  assert.deepEqual(out.spec.containers[1], { name: 'c' });
  assert.equal((out.metadata.labels as Record<string, string>).new, 'v');
});

test('replace of the whole document with an object; with a scalar it is ignored', () => {
  assert.deepEqual(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: { a: 1 } }]), { a: 1 });
  assert.deepEqual(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: 3 }]), doc());
});

test('move and copy', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' },
    { op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' },
    { op: 'move', from: '/spec/containers/0', path: '/spec/containers/1' },
  ]) as ReturnType<typeof doc>;
  assert.deepEqual(out.metadata.labels, { name: 'web' });
  assert.deepEqual(out.spec.containers.map((c) => c.name), ['b', 'a', 'a']);
  // The copy is independent of its source.
  (out.spec.containers[1]!.args as string[]).push('z');
  assert.deepEqual(out.spec.containers[2]!.args, ['1', '2']);
});

test('copy from a missing object member copies null (upstream behaviour)', () => {
  const out = applyJsonPatch(doc(), [{ op: 'copy', from: '/metadata/nothing', path: '/metadata/copied' }]) as { metadata: Record<string, unknown> };
  assert.equal(out.metadata.copied, null);
});

test('test: passes on equal values, deep equality, and null against a missing member', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'test', path: '/spec/replicas', value: 1 },
    { op: 'test', path: '/spec/containers/0', value: { args: ['1', '2'], name: 'a' } },
    { op: 'test', path: '/metadata/missing', value: null },
    { op: 'test', path: '', value: doc() },
    { op: 'replace', path: '/spec/replicas', value: 2 },
  ]) as ReturnType<typeof doc>;
  assert.equal(out.spec.replicas, 2);
});

test('JSON pointer escaping: ~1 is "/", ~0 is "~"', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'replace', path: '/metadata/annotations/a~1b', value: 'S' },
    { op: 'remove', path: '/metadata/annotations/x~0y' },
    { op: 'add', path: '/metadata/annotations/~01', value: 'tilde-one' },
  ]) as ReturnType<typeof doc>;
  assert.deepEqual(out.metadata.annotations, { 'a/b': 'S', '~1': 'tilde-one' });
});

test('the input document and patch are not modified', () => {
  const d = doc();
  const patch = [{ op: 'add', path: '/spec/containers/0/args/-', value: { x: 1 } }];
  const out = applyJsonPatch(d, patch) as ReturnType<typeof doc>;
  assert.deepEqual(d, doc());
  (out.spec.containers[0]!.args as unknown as Array<{ x: number }>)[2]!.x = 2;
  assert.deepEqual(patch[0]!.value, { x: 1 });
});

test('a failing operation aborts the whole patch', () => {
  const d = doc();
  fails422(
    [{ op: 'replace', path: '/spec/replicas', value: 9 }, { op: 'test', path: '/spec/replicas', value: 1 }],
    'testing value /spec/replicas failed: test failed',
    d,
  );
  assert.equal(d.spec.replicas, 1);
});

test('errors: test failure and missing paths (422 with upstream text)', () => {
  fails422([{ op: 'test', path: '/metadata/name', value: 'other' }], 'testing value /metadata/name failed: test failed');
  fails422([{ op: 'test', path: '/metadata/name' }], 'testing value /metadata/name failed: test failed');
  fails422([{ op: 'add', path: '/status/phase', value: 'x' }], 'add operation does not apply: doc is missing path: "/status/phase": missing value');
  fails422([{ op: 'remove', path: '/spec/nothing' }], "error in remove for path: '/spec/nothing': Unable to remove nonexistent key: nothing: missing value");
  fails422([{ op: 'replace', path: '/status/phase', value: 1 }], 'replace operation does not apply: doc is missing path: /status/phase: missing value');
  fails422([{ op: 'test', path: '/status/phase', value: 1 }], 'test operation does not apply: is missing path: /status/phase: missing value');
  fails422([{ op: 'move', from: '/nope/x', path: '/a' }], 'move operation does not apply: doc is missing from path: /nope/x: missing value');
  fails422([{ op: 'copy', from: '/spec', path: '/nope/x' }], 'copy operation does not apply: doc is missing destination path: /nope/x: missing value');
  fails422([{ op: 'add', path: '', value: {} }], 'add operation does not apply: doc is missing path: "": missing value');
});

test('errors: array indices out of range or not numbers', () => {
  fails422([{ op: 'add', path: '/spec/containers/5', value: {} }], "error in add for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced");
  fails422([{ op: 'remove', path: '/spec/containers/2' }], "error in remove for path: '/spec/containers/2': Unable to access invalid index: 2: invalid index referenced");
  fails422([{ op: 'remove', path: '/spec/containers/-3' }], "error in remove for path: '/spec/containers/-3': Unable to access invalid index: -3: invalid index referenced");
  fails422([{ op: 'replace', path: '/spec/containers/7', value: {} }], 'replace operation does not apply: doc is missing key: /spec/containers/7: missing value');
  fails422([{ op: 'replace', path: '/spec/containers/-', value: {} }], 'replace operation does not apply: doc is missing key: /spec/containers/-: missing value');
  fails422(
    [{ op: 'add', path: '/spec/containers/x', value: {} }],
    `error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
  );
  fails422([{ op: 'add', path: '/spec/containers/x/name', value: 'n' }], 'add operation does not apply: doc is missing path: "/spec/containers/x/name": missing value');
  fails422([{ op: 'add', path: '/spec/replicas/x', value: 1 }], 'add operation does not apply: doc is missing path: "/spec/replicas/x": missing value');
});

test('errors: malformed operations', () => {
  fails422([{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate');
  fails422([{ path: '/a' }], 'Unexpected kind: unknown');
  fails422([null], 'Unexpected kind: unknown');
  fails422([{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value');
  fails422([{ op: 'replace', value: 1 }], 'replace operation failed to decode path: operation missing path field: missing value');
  fails422([{ op: 'move', path: '/a' }], 'move operation failed to decode from: operation, missing from field: missing value');
  fails422([{ op: 'test', path: 7 }], 'test operation failed to decode path: json: cannot unmarshal number into Go value of type string');
});

test('an undecodable patch is 400 BadRequest', () => {
  for (const [patch, text] of [
    [{ op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['[]', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    [['x'], 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
  ] as const) {
    assert.throws(() => applyJsonPatch(doc(), patch), (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.message === text);
  }
  assert.deepEqual(applyJsonPatch(doc(), null), doc());
});

test('more than 10000 operations is 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 }));
  assert.throws(() => applyJsonPatch(doc(), ops), (e: unknown) => e instanceof StatusError && e.code === 413 && /maximum operations in a JSON patch is 10000, got 10001/.test(e.message));
  assert.doesNotThrow(() => applyJsonPatch(doc(), ops.slice(0, 10000)));
});

test('copies may add at most 3 MiB in total', () => {
  const big = { blob: 'x'.repeat(1024 * 1024) };
  const ops = Array.from({ length: 3 }, (_, i) => ({ op: 'copy', from: '/big', path: `/c${i}` }));
  assert.doesNotThrow(() => applyJsonPatch(big, ops.slice(0, 2).map((o) => ({ ...o, from: '/blob' }))));
  assert.throws(
    () => applyJsonPatch(big, [...ops, { op: 'copy', from: '/blob', path: '/c3' }].map((o) => ({ ...o, from: '/blob' }))),
    (e: unknown) => e instanceof StatusError && e.code === 422 && /Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728/.test(e.details?.causes?.[0]?.message ?? ''),
  );
});
