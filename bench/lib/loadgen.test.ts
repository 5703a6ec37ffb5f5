import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedLoop, fixedRate, LoadError } from './loadgen.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('closed loop: an iteration budget runs exactly that many iterations, each seq once', async () => {
  const seen = new Set<number>();
  const res = await closedLoop({ concurrency: 7, iterations: 100 }, async ({ seq, rec }) => {
    await rec.time('op', async () => { await sleep(1); });
    assert.ok(!seen.has(seq));
    seen.add(seq);
  });
  assert.equal(seen.size, 100);
  assert.deepEqual([...seen].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.equal(res.recorder.histogram('op').count, 100);
  assert.equal(res.iterations, 100);
});

test('closed loop: a time budget stops on time and concurrency is honoured', async () => {
  let inFlight = 0, peak = 0;
  const res = await closedLoop({ concurrency: 4, durationMs: 200 }, async ({ rec }) => {
    inFlight++; peak = Math.max(peak, inFlight);
    await rec.time('op', () => sleep(10));
    inFlight--;
  });
  assert.equal(peak, 4);
  assert.ok(res.elapsedMs >= 200 && res.elapsedMs < 400, `elapsed ${res.elapsedMs}`);
  const n = res.recorder.histogram('op').count;
  assert.ok(n >= 40 && n <= 100, `${n} ops`);
  assert.ok(res.recorder.histogram('op').percentile(50) >= 9);
});

test('closed loop: warm-up iterations are not recorded', async () => {
  let calls = 0;
  const res = await closedLoop({ concurrency: 1, durationMs: 100, warmupMs: 100 }, async ({ rec }) => {
    calls++;
    await rec.time('op', () => sleep(5));
  });
  const recorded = res.recorder.histogram('op').count;
  assert.ok(recorded < calls * 0.75, `recorded ${recorded} of ${calls}`);
  assert.ok(recorded > 0);
});

test('closed loop: the first error stops every client and fails the run', async () => {
  let after = 0;
  let failedAt = -1;
  await assert.rejects(closedLoop({ concurrency: 5, durationMs: 5000 }, async ({ seq }) => {
    if (failedAt >= 0) after++;
    await sleep(2);
    if (seq === 20) { failedAt = seq; throw new Error('HTTP 500'); }
  }), (err: unknown) => {
    assert.ok(err instanceof LoadError);
    assert.equal(err.errors, 1);
    assert.match(err.message, /HTTP 500/);
    return true;
  });
  assert.ok(after <= 5, `${after} iterations started after the failure`);
});

test('fixed rate: starts on schedule without waiting for earlier calls', async () => {
  const starts: number[] = [];
  const t0 = performance.now();
  const res = await fixedRate({ ratePerSec: 100, count: 20 }, async () => {
    starts.push(performance.now() - t0);
    await sleep(50); // slower than the interval: an open loop does not wait
  });
  assert.equal(res.fired, 20);
  assert.ok(starts[19] >= 180 && starts[19] < 400, `last start at ${starts[19]}`);
  assert.ok(res.elapsedMs >= 230 && res.elapsedMs < 600, `elapsed ${res.elapsedMs}`);
  assert.equal(res.slip.count, 20);
});

test('fixed rate: an error fails the run; bad options are refused', async () => {
  await assert.rejects(fixedRate({ ratePerSec: 200, count: 10 }, async (i) => { if (i === 3) throw new Error('boom'); }), LoadError);
  await assert.rejects(fixedRate({ ratePerSec: 0, count: 1 }, async () => {}), RangeError);
  await assert.rejects(fixedRate({ ratePerSec: 10, durationMs: 10 }, async () => {}), RangeError);
});
