// Truncated, mutated and random bodies must give a StatusError (or decode), never another exception or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { decodeProtobufObject } from './index.js';
import { loadFixtures } from './testing/fixtures.js';
import { concat, envelope, len, tag, varint } from './testing/encode.js';

const fixtures = loadFixtures();

/** A small seeded PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function check(body: Uint8Array, what: string): 'ok' | number {
  try {
    const obj = decodeProtobufObject(body);
    assert.equal(typeof obj, 'object', what);
    JSON.stringify(obj); // must be plain JSON
    return 'ok';
  } catch (err) {
    if (!(err instanceof StatusError)) assert.fail(`${what}: threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.ok(err.code === 400 || err.code === 415, `${what}: status ${err.code}`);
    assert.ok(err.message.length > 0);
    return err.code;
  }
}

test('every truncation of every fixture', () => {
  let errors = 0;
  for (const f of fixtures) {
    for (let n = 0; n < f.body.length; n++) if (check(f.body.subarray(0, n), `${f.name}[0:${n}]`) !== 'ok') errors++;
  }
  assert.ok(errors > 0);
});

test('random byte mutations of the fixtures', () => {
  const rand = rng(0x5eed);
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < 20_000 && Date.now() < deadline; i++) {
    const f = fixtures[Math.floor(rand() * fixtures.length)]!;
    const b = Uint8Array.from(f.body);
    const edits = 1 + Math.floor(rand() * 4);
    let body: Uint8Array = b;
    for (let e = 0; e < edits; e++) {
      const at = 4 + Math.floor(rand() * (body.length - 4));
      const op = rand();
      if (op < 0.6) body[at] = Math.floor(rand() * 256);
      else if (op < 0.8) body = concat(body.subarray(0, at), body.subarray(at + 1));
      else body = concat(body.subarray(0, at), [Math.floor(rand() * 256)], body.subarray(at));
    }
    check(body, `${f.name} mutation #${i}`);
  }
});

test('random garbage after the magic, and without it', () => {
  const rand = rng(42);
  for (let i = 0; i < 5000; i++) {
    const n = Math.floor(rand() * 64);
    const junk = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    check(concat([0x6b, 0x38, 0x73, 0x00], junk), `garbage #${i}`);
    check(junk, `no magic #${i}`);
    // garbage as the object of a known kind
    check(envelope('apps/v1', 'Deployment', junk), `deployment garbage #${i}`);
  }
});

test('hostile lengths and varints', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['huge length', concat([0x6b, 0x38, 0x73, 0x00], tag(2, 2), varint(2n ** 62n))],
    ['11-byte varint', concat([0x6b, 0x38, 0x73, 0x00], tag(7, 0), Array(10).fill(0xff), [1])],
    ['field number 0', concat([0x6b, 0x38, 0x73, 0x00], [0x02, 0x00])],
    ['wire type 7', concat([0x6b, 0x38, 0x73, 0x00], [0x0f])],
    ['unterminated group', envelope('v1', 'ConfigMap', concat(tag(9, 3), tag(1, 0), [1]))],
    ['mismatched group end', envelope('v1', 'ConfigMap', concat(tag(9, 3), tag(8, 4)))],
    ['group nested deeply', envelope('v1', 'ConfigMap', concat(...Array.from({ length: 100 }, (_, i) => tag(100 + i, 3))))],
    ['stray end group', envelope('v1', 'ConfigMap', concat(tag(9, 4)))],
    ['typeMeta not a message', concat([0x6b, 0x38, 0x73, 0x00], tag(1, 0), [1])],
    ['time out of range', envelope('v1', 'ConfigMap', len(1, len(8, concat(tag(1, 0), varint(2n ** 60n)))))],
    ['invalid utf-8 string', envelope('v1', 'ConfigMap', len(1, len(1, [0xff, 0xfe])))],
  ];
  for (const [what, body] of cases) check(body, what);
  // invalid UTF-8 becomes U+FFFD, as Go's encoding/json writes it
  const meta = decodeProtobufObject(envelope('v1', 'ConfigMap', len(1, len(1, [0x61, 0xff])))).metadata as Record<string, unknown>;
  assert.equal(meta.name, 'a\ufffd');
});
