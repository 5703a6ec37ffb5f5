import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, formatDuration } from './backoff.js';
import { FakeClock } from './clock.js';

test('first restart is immediate, then 10s doubling to the cap', async () => {
  const clock = new FakeClock();
  const b = new Backoff({ initialMs: 10_000, maxMs: 40_000 }, clock);
  const k = 'uid/c';
  // crash 1: restart at once
  assert.equal(b.remaining(k, clock.now()), 0);
  b.next(k, clock.now());
  assert.equal(b.get(k), 10_000);
  // crash 2 right away: wait 10s
  await clock.advance(1000);
  let finished = clock.now();
  assert.equal(b.remaining(k, finished), 10_000);
  await clock.advance(4000);
  assert.equal(b.remaining(k, finished), 6000);
  await clock.advance(6000);
  assert.equal(b.remaining(k, finished), 0);
  b.next(k, finished);
  assert.equal(b.get(k), 20_000);
  await clock.advance(500);
  finished = clock.now();
  assert.equal(b.remaining(k, finished), 20_000);
  await clock.advance(20_000);
  b.next(k, finished);
  assert.equal(b.get(k), 40_000);
  await clock.advance(40_000);
  b.next(k, clock.now());
  assert.equal(b.get(k), 40_000, 'capped');
});

test('a container that ran longer than the reset period starts over', async () => {
  const clock = new FakeClock();
  const b = new Backoff({ initialMs: 10_000, maxMs: 300_000 }, clock);
  b.next('k', clock.now());
  await clock.advance(1000);
  b.next('k', clock.now());
  assert.equal(b.get('k'), 20_000);
  await clock.advance(10 * 60_000 + 1);
  assert.equal(b.remaining('k', clock.now()), 0);
  b.next('k', clock.now());
  assert.equal(b.get('k'), 10_000);
  b.resetPrefix('k');
  assert.equal(b.get('k'), 0);
});

test('formatDuration prints Go-like durations', () => {
  assert.equal(formatDuration(10_000), '10s');
  assert.equal(formatDuration(80_000), '1m20s');
  assert.equal(formatDuration(300_000), '5m0s');
});
