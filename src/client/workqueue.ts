// A rate-limited work queue (after client-go's): keys are deduplicated while waiting, a key is never
// processed by two workers at once, and failures are retried with per-key exponential backoff.

export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class WorkQueue {
  private queue: string[] = [];
  private queued = new Set<string>();
  private processing = new Set<string>();
  private dirty = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Map<string, NodeJS.Timeout>();
  private waiters: Array<() => void> = [];
  private shut = false;

  constructor(private readonly opts: WorkQueueOptions = {}) {}

  add(key: string): void {
    if (this.shut) return;
    if (this.processing.has(key)) { this.dirty.add(key); return; }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  addAfter(key: string, ms: number): void {
    if (this.shut) return;
    if (ms <= 0) return this.add(key);
    if (this.timers.has(key)) return;
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); this.add(key); }, ms));
  }

  /** Re-adds a key after its backoff (5 ms doubling, capped). */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = Math.min((this.opts.baseDelayMs ?? 5) * 2 ** n, this.opts.maxDelayMs ?? 60_000);
    this.addAfter(key, delay);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.queue.length;
  }

  private async get(): Promise<string | undefined> {
    while (!this.queue.length) {
      if (this.shut) return undefined;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    const key = this.queue.shift()!;
    this.queued.delete(key);
    this.processing.add(key);
    return key;
  }

  private done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Runs `workers` loops calling `reconcile(key)`; a thrown error requeues the key with backoff. */
  run(workers: number, reconcile: (key: string) => Promise<void | { requeueAfterMs?: number }>, onError?: (key: string, err: unknown) => void): void {
    for (let i = 0; i < workers; i++) {
      void (async () => {
        for (;;) {
          const key = await this.get();
          if (key === undefined) return;
          try {
            const r = await reconcile(key);
            this.forget(key);
            if (r && r.requeueAfterMs !== undefined) this.addAfter(key, r.requeueAfterMs);
          } catch (err) {
            onError?.(key, err);
            this.addRateLimited(key);
          } finally {
            this.done(key);
          }
        }
      })();
    }
  }

  shutdown(): void {
    this.shut = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w();
  }
}
