// Leader election on a coordination.k8s.io/v1 Lease, after client-go's tools/leaderelection:
// candidates race to write their identity into one Lease; the holder renews it every retry period
// and steps down when it cannot renew within the renew deadline; the others take over once they have
// seen the same record unchanged for a whole lease duration (measured on their own clock, so clock
// skew between candidates does not matter). Writes use the Lease's resourceVersion, so two
// candidates can never both believe they won.
import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { StatusError } from '../../api/errors.js';
import type { KubeClient, ResourceRef } from '../client.js';

const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };

/** client-go's JitterFactor: acquisition retries wait retryPeriod * (1 + random * 1.2). */
export const JITTER_FACTOR = 1.2;

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  /** this candidate's identity, written to spec.holderIdentity (unique per process) */
  identity: string;
  /** how long others wait before taking over a lease that is not renewed (default 15) */
  leaseDurationSeconds?: number;
  /** how long the leader keeps retrying a failing renewal before it steps down (default 10) */
  renewDeadlineSeconds?: number;
  /** the interval between acquire/renew attempts (default 2) */
  retryPeriodSeconds?: number;
  /** give the lease up on stop() so another candidate can take over at once (default true) */
  releaseOnCancel?: boolean;
  onStartedLeading(): void;
  /** called once when a candidate that was leading stops leading (lost the lease or stop()) */
  onStoppedLeading(): void;
  /** called whenever the observed holder changes (also with this candidate's own identity) */
  onNewLeader?(identity: string): void;
  /** clock, for tests (ms since epoch) */
  now?: () => number;
}

/** The election state kept in a Lease spec (client-go's LeaderElectionRecord). */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** metav1.MicroTime as it is serialized: `2006-01-02T15:04:05.000000Z` (UTC, microseconds). */
export function formatMicroTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  return iso.slice(0, 23) + '000Z';
}

export function recordFromLease(lease: Lease): LeaderElectionRecord {
  const s = lease.spec ?? {};
  return {
    holderIdentity: s.holderIdentity ?? '',
    leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
    acquireTime: s.acquireTime ?? '',
    renewTime: s.renewTime ?? '',
    leaseTransitions: s.leaseTransitions ?? 0,
  };
}

export function leaseSpecFromRecord(r: LeaderElectionRecord): LeaseSpec {
  const spec: LeaseSpec = {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    leaseTransitions: r.leaseTransitions,
  };
  if (r.acquireTime) spec.acquireTime = r.acquireTime;
  if (r.renewTime) spec.renewTime = r.renewTime;
  return spec;
}

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly now: () => number;
  /** the last record seen or written, and when (local clock) it was first seen */
  private observed: LeaderElectionRecord | undefined;
  private observedRaw = '';
  private observedTime = 0;
  /** the Lease object last read or written (its resourceVersion guards the next write) */
  private lease: Lease | undefined;
  private reportedLeader = '';
  private stopped = false;
  private running: Promise<void> | undefined;
  private wakeups = new Set<() => void>();

  constructor(private readonly client: KubeClient, private readonly opts: LeaderElectorOptions) {
    const lease = opts.leaseDurationSeconds ?? 15;
    const renew = opts.renewDeadlineSeconds ?? 10;
    const retry = opts.retryPeriodSeconds ?? 2;
    if (!opts.identity) throw new Error('leader election: identity must not be empty');
    if (!opts.name || !opts.namespace) throw new Error('leader election: lease namespace and name are required');
    if (!Number.isInteger(lease) || lease < 1) throw new Error('leader election: leaseDurationSeconds must be a whole number of seconds, at least 1');
    if (lease <= renew) throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    if (renew <= JITTER_FACTOR * retry) throw new Error('leader election: renewDeadline must be greater than retryPeriod*JitterFactor');
    if (retry <= 0) throw new Error('leader election: retryPeriod must be greater than zero');
    this.leaseDurationMs = lease * 1000;
    this.renewDeadlineMs = renew * 1000;
    this.retryPeriodMs = retry * 1000;
    this.now = opts.now ?? Date.now;
  }

  /** The identity of the last observed holder ('' if none yet). */
  getLeader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /** Whether the last observed holder is this candidate. */
  isLeader(): boolean {
    return this.observed?.holderIdentity === this.opts.identity;
  }

  /**
   * Campaigns for the lease, leads while it can renew, and resolves when it stopped leading (lost
   * the lease, or stop() was called; after releasing the lease when `releaseOnCancel`). A stopped
   * elector is not restarted: create a new one to campaign again.
   */
  run(): Promise<void> {
    if (!this.running) this.running = this.loop();
    return this.running;
  }

  /** Stops campaigning or leading; run() resolves once the lease is released. */
  stop(): void {
    this.stopped = true;
    for (const w of [...this.wakeups]) w();
  }

  private async loop(): Promise<void> {
    if (!(await this.acquire())) return;
    this.callback(() => this.opts.onStartedLeading());
    await this.renew();
    if (this.opts.releaseOnCancel ?? true) await this.release();
    this.callback(() => this.opts.onStoppedLeading());
  }

  /** Retries tryAcquireOrRenew every retry period (with jitter) until it succeeds or stop(). */
  private async acquire(): Promise<boolean> {
    while (!this.stopped) {
      const ok = await this.tryAcquireOrRenew();
      this.maybeReportTransition();
      if (ok) return !this.stopped || (await this.releaseIfStopped());
      await this.sleep(this.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR));
    }
    return false;
  }

  /** stop() raced with a successful acquisition: lead nothing, but give the lease back. */
  private async releaseIfStopped(): Promise<boolean> {
    if (this.opts.releaseOnCancel ?? true) await this.release();
    return false;
  }

  /** Renews every retry period; returns when a renewal did not succeed within the renew deadline. */
  private async renew(): Promise<void> {
    while (!this.stopped) {
      const deadline = this.now() + this.renewDeadlineMs;
      let ok = false;
      while (!this.stopped) {
        const remaining = deadline - this.now();
        if (remaining <= 0) break;
        ok = await this.withTimeout(this.tryAcquireOrRenew(), remaining);
        if (ok) break;
        const left = deadline - this.now();
        if (left <= 0) break;
        await this.sleep(Math.min(this.retryPeriodMs, left));
      }
      this.maybeReportTransition();
      if (!ok || this.stopped) return;
      await this.sleep(this.retryPeriodMs);
    }
  }

  /** Gives the lease up: empty holder and a 1 s duration, so a waiting candidate takes it over soon. */
  private async release(): Promise<boolean> {
    if (!this.isLeader() || !this.lease) return true;
    const now = formatMicroTime(this.now());
    const record: LeaderElectionRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: this.observed?.leaseTransitions ?? 0,
    };
    try {
      await this.withTimeoutOrThrow(this.updateLease(record), this.renewDeadlineMs);
    } catch {
      return false;
    }
    this.setObserved(record);
    return true;
  }

  /** One attempt to acquire the lease (or renew it when held). True on success. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const nowMs = this.now();
    const now = formatMicroTime(nowMs);
    const desired: LeaderElectionRecord = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: this.leaseDurationMs / 1000,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };

    // 1. Fast path: the leader updates optimistically on the Lease it wrote last.
    if (this.isLeader() && this.isLeaseValid(nowMs) && this.lease) {
      desired.acquireTime = this.observed!.acquireTime;
      desired.leaseTransitions = this.observed!.leaseTransitions;
      try {
        await this.updateLease(desired);
        this.setObserved(desired);
        return true;
      } catch {
        // fall back to the slow path
      }
    }

    // 2. Read (or create) the record.
    let lease: Lease;
    try {
      lease = await this.client.get<Lease>(LEASES, this.opts.namespace, this.opts.name);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) return false;
      try {
        this.lease = await this.client.create<Lease>(LEASES, this.opts.namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.opts.name, namespace: this.opts.namespace },
          spec: leaseSpecFromRecord(desired),
        });
      } catch {
        return false;
      }
      this.setObserved(desired);
      return true;
    }
    this.lease = lease;

    // 3. Someone else's valid lease: wait. The record counts as renewed when it changes.
    const record = recordFromLease(lease);
    const raw = JSON.stringify(record);
    if (raw !== this.observedRaw) {
      this.setObserved(record);
      this.observedRaw = raw;
    }
    if (record.holderIdentity && this.isLeaseValid(nowMs) && !this.isLeader()) return false;

    // 4. Take it over (or renew it through the slow path).
    if (this.isLeader()) {
      desired.acquireTime = record.acquireTime;
      desired.leaseTransitions = record.leaseTransitions;
    } else {
      desired.leaseTransitions = record.leaseTransitions + 1;
    }
    try {
      await this.updateLease(desired);
    } catch {
      return false;
    }
    this.setObserved(desired);
    return true;
  }

  private async updateLease(record: LeaderElectionRecord): Promise<void> {
    if (!this.lease) throw new Error('lease not initialized');
    const next: Lease = { ...this.lease, spec: leaseSpecFromRecord(record) };
    this.lease = await this.client.update<Lease>(LEASES, this.opts.namespace, this.opts.name, next);
  }

  private isLeaseValid(nowMs: number): boolean {
    return this.observedTime + (this.observed?.leaseDurationSeconds ?? 0) * 1000 > nowMs;
  }

  private setObserved(record: LeaderElectionRecord): void {
    this.observed = record;
    this.observedTime = this.now();
  }

  private maybeReportTransition(): void {
    const holder = this.observed?.holderIdentity ?? '';
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    const cb = this.opts.onNewLeader;
    if (cb) this.callback(() => cb(holder));
  }

  private callback(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      console.error(`leader election ${this.opts.namespace}/${this.opts.name}: callback failed:`, err);
    }
  }

  /** Sleeps `ms`, or less if stop() is called. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => { clearTimeout(t); this.wakeups.delete(wake); resolve(); };
      const t = setTimeout(wake, ms);
      this.wakeups.add(wake);
    });
  }

  /** The attempt's result, or false when it takes longer than `ms` (the request keeps going). */
  private withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      p.then((v) => { clearTimeout(t); resolve(v); }, () => { clearTimeout(t); resolve(false); });
    });
  }

  private withTimeoutOrThrow(p: Promise<void>, ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out')), ms);
      p.then(() => { clearTimeout(t); resolve(); }, (err) => { clearTimeout(t); reject(err); });
    });
  }
}
