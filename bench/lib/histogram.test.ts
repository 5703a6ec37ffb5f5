import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from './histogram.js';

test('histogram: nearest-rank percentiles of 1..100 in any order', () => {
  const h = new Histogram(4);
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  for (let i = values.length - 1; i > 0; i--) { const j = (i * 7919) % (i + 1); [values[i], values[j]] = [values[j], values[i]]; }
  for (const v of values) h.record(v);
  assert.equal(h.count, 100);
  assert.equal(h.percentile(50), 50);
  assert.equal(h.percentile(90), 90);
  assert.equal(h.percentile(99), 99);
  assert.equal(h.percentile(100), 100);
  assert.equal(h.min, 1);
  assert.equal(h.max, 100);
  assert.equal(h.mean, 50.5);
});

test('histogram: small sample counts round the rank up', () => {
  const h = new Histogram();
  for (const v of [10, 30, 20]) h.record(v);
  assert.equal(h.percentile(50), 20);
  assert.equal(h.percentile(99), 30);
  assert.equal(h.percentile(1), 10);
  const s = h.summary();
  assert.deepEqual([s.count, s.p50, s.p90, s.max], [3, 20, 30, 30]);
});

test('histogram: recording after reading keeps results right (re-sorts)', () => {
  const h = new Histogram();
  h.record(5); h.record(1);
  assert.equal(h.max, 5);
  h.record(0.5);
  assert.equal(h.min, 0.5);
  assert.equal(h.percentile(50), 1);
});

test('histogram: empty summary is NaN, bad input is rejected, merge adds samples', () => {
  const h = new Histogram();
  assert.ok(Number.isNaN(h.percentile(50)));
  assert.ok(Number.isNaN(h.summary().max));
  assert.throws(() => h.record(NaN), RangeError);
  assert.throws(() => h.record(Infinity), RangeError);
  assert.throws(() => h.percentile(0), RangeError);
  assert.throws(() => h.percentile(101), RangeError);
  const a = new Histogram(), b = new Histogram();
  for (let i = 0; i < 5000; i++) { a.record(i); b.record(-i - 1); }
  a.merge(b);
  assert.equal(a.count, 10000);
  assert.equal(a.min, -5000);
  assert.equal(a.max, 4999);
  assert.equal(a.percentile(50), -1);
  assert.equal(a.percentile(50.01), 0);
});
