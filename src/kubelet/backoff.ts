// CrashLoopBackOff, after the kubelet's per-container back-off (client-go flowcontrol.Backoff):
// the first restart is immediate; a container that exits again within the current back-off waits
// until `finishedAt + backoff`, and the back-off doubles up to the maximum. An entry that has not
// been renewed for `resetMs` (by default twice the maximum: 10 minutes of running) starts over.
import { realClock, type Clock } from './clock.js';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  resetMs?: number;
}

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly resetMs: number;
  private entries = new Map<string, Entry>();

  constructor(opts: BackoffOptions = {}, private readonly clock: Clock = realClock) {
    this.initialMs = opts.initialMs ?? 10_000;
    this.maxMs = opts.maxMs ?? 300_000;
    this.resetMs = opts.resetMs ?? 2 * this.maxMs;
  }

  /** The current back-off of a key (0 if none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /**
   * How long a container that finished at `finishedAt` must still wait before its restart
   * (0: restart now).
   */
  remaining(key: string, finishedAt: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (finishedAt - e.lastUpdate > this.resetMs) return 0;
    const left = finishedAt + e.backoffMs - this.clock.now();
    return left > 0 ? left : 0;
  }

  /** Records a restart (granted now) of a container that finished at `finishedAt`. */
  next(key: string, finishedAt: number): void {
    const e = this.entries.get(key);
    if (!e || finishedAt - e.lastUpdate > this.resetMs) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = this.clock.now();
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key with the prefix (a pod's containers when the pod goes away). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  /** Drops entries idle for longer than the reset period. */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (now - e.lastUpdate > this.resetMs) this.entries.delete(k);
  }
}

/** "10s", "1m20s", "5m0s" as Go's time.Duration prints whole seconds. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return `${h}h${m % 60}m${s % 60}s`;
  return `${m}m${s % 60}s`;
}
