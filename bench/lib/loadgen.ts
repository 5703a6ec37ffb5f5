// Load generation: a closed loop (N clients, each issuing its next request when the previous one
// answered) for a fixed time or a fixed number of iterations, and an open loop at a fixed rate.
// Latencies go into named histograms. The first error stops the run and fails it: no number is
// reported from a run in which the system under test failed.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Histogram, type Summary } from './histogram.js';
import { loopDelayMs, RESOLUTION_MS } from './loopdelay.js';

export class Recorder {
  readonly histograms = new Map<string, Histogram>();
  /** samples are dropped while false (warm-up) */
  enabled = true;

  histogram(name: string): Histogram {
    let h = this.histograms.get(name);
    if (!h) { h = new Histogram(); this.histograms.set(name, h); }
    return h;
  }

  record(name: string, ms: number): void {
    if (this.enabled) this.histogram(name).record(ms);
  }

  /** Times `fn` (milliseconds, from call to settlement) and records it under `name` if it succeeds. */
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const v = await fn();
    this.record(name, performance.now() - t0);
    return v;
  }
}

export class LoadError extends Error {
  constructor(readonly first: Error, readonly errors: number, readonly samples: string[]) {
    super(`${errors} request(s) failed; first: ${first.message}${samples.length > 1 ? `\n  also: ${samples.slice(1).join('\n  also: ')}` : ''}`);
    this.name = 'LoadError';
  }
}

export interface ClosedLoopOptions {
  concurrency: number;
  /** run for this long (after warm-up) ... */
  durationMs?: number;
  /** ... or until this many iterations were started, across all clients */
  iterations?: number;
  /** iterations run but are not recorded for this long first */
  warmupMs?: number;
}

export interface WorkerContext {
  /** client number, 0..concurrency-1 */
  worker: number;
  /** this client's iteration number */
  iteration: number;
  /** iteration number across all clients (unique) */
  seq: number;
  rec: Recorder;
}

export interface LoadResult {
  recorder: Recorder;
  /** the measured window: from the end of warm-up until the last client finished */
  elapsedMs: number;
  /** iterations completed in the measured window */
  iterations: number;
}

export function summarize(h: Histogram, elapsedMs: number): Summary & { perSec: number } {
  return { ...h.summary(), perSec: elapsedMs > 0 ? (h.count * 1000) / elapsedMs : NaN };
}

/** Runs `step` on `concurrency` clients until the time or iteration budget is spent. */
export async function closedLoop(opts: ClosedLoopOptions, step: (w: WorkerContext) => Promise<void>): Promise<LoadResult> {
  if (!(opts.concurrency >= 1)) throw new RangeError('concurrency must be >= 1');
  if (opts.durationMs === undefined && opts.iterations === undefined) throw new RangeError('give durationMs or iterations');
  const rec = new Recorder();
  const warmup = opts.warmupMs ?? 0;
  rec.enabled = warmup <= 0;
  let measureStart = performance.now();
  let deadline = opts.durationMs !== undefined ? measureStart + warmup + opts.durationMs : Infinity;
  let warmTimer: NodeJS.Timeout | undefined;
  let measuredIterations = 0;
  if (warmup > 0) {
    warmTimer = setTimeout(() => {
      rec.enabled = true;
      measureStart = performance.now();
      if (opts.durationMs !== undefined) deadline = measureStart + opts.durationMs;
    }, warmup);
  }
  let seq = 0;
  let stop = false;
  let errors = 0;
  let first: Error | undefined;
  const samples: string[] = [];
  const worker = async (w: number) => {
    for (let iteration = 0; !stop; iteration++) {
      if (performance.now() >= deadline) break;
      if (opts.iterations !== undefined && seq >= opts.iterations) break;
      const mySeq = seq++;
      const counted = rec.enabled;
      try {
        await step({ worker: w, iteration, seq: mySeq, rec });
        if (counted && rec.enabled) measuredIterations++;
      } catch (err) {
        errors++;
        const e = err instanceof Error ? err : new Error(String(err));
        if (!first) first = e;
        if (samples.length < 5) samples.push(e.message.split('\n')[0]);
        stop = true;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => worker(i)));
  clearTimeout(warmTimer);
  const elapsedMs = performance.now() - measureStart;
  if (first) throw new LoadError(first, errors, samples);
  if (!rec.enabled) throw new Error('the run ended before its warm-up did: give it more time or iterations');
  return { recorder: rec, elapsedMs, iterations: measuredIterations };
}

export interface FixedRateOptions {
  ratePerSec: number;
  count?: number;
  durationMs?: number;
}

export interface FixedRateResult {
  fired: number;
  /** from the first scheduled start to the last completion */
  elapsedMs: number;
  /** how late each start was against its schedule (the generator's own slip), ms */
  slip: Histogram;
}

/**
 * Starts `fire(i)` at t0 + i/rate without waiting for earlier calls (an open loop, as the
 * Kubernetes SLO tests create pods at a fixed rate). The first error stops it and fails it.
 */
export async function fixedRate(opts: FixedRateOptions, fire: (i: number) => Promise<void>): Promise<FixedRateResult> {
  if (!(opts.ratePerSec > 0)) throw new RangeError('ratePerSec must be > 0');
  const total = opts.count ?? Math.floor(((opts.durationMs ?? 0) / 1000) * opts.ratePerSec);
  if (!(total >= 1)) throw new RangeError('give count or a duration long enough for one start');
  const slip = new Histogram(total);
  const t0 = performance.now();
  const inflight: Array<Promise<void>> = [];
  let first: Error | undefined;
  let errors = 0;
  const samples: string[] = [];
  let fired = 0;
  for (let i = 0; i < total && !first; i++) {
    const due = t0 + (i * 1000) / opts.ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    slip.record(Math.max(0, performance.now() - due));
    fired++;
    inflight.push(fire(i).catch((err: unknown) => {
      errors++;
      const e = err instanceof Error ? err : new Error(String(err));
      if (!first) first = e;
      if (samples.length < 5) samples.push(e.message.split('\n')[0]);
    }));
  }
  await Promise.all(inflight);
  if (first) throw new LoadError(first, errors, samples);
  return { fired, elapsedMs: performance.now() - t0, slip };
}

export interface LoopStats {
  /** event loop utilization over the window, 0..1 */
  utilization: number;
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
}

/** Watches this process's own event loop (is the load generator itself the bottleneck?). */
export function loopMonitor(): { stop(): LoopStats } {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const base = performance.eventLoopUtilization();
  return {
    stop() {
      h.disable();
      const u = performance.eventLoopUtilization(base).utilization;
      return { utilization: u, delayP50Ms: loopDelayMs(h.percentile(50)), delayP99Ms: loopDelayMs(h.percentile(99)), delayMaxMs: loopDelayMs(h.max) };
    },
  };
}
