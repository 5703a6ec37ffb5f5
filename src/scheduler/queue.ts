// The scheduling queue (kube-scheduler's PriorityQueue, simplified): an active heap ordered by pod
// priority then by time queued (PrioritySort), a backoff heap for pods waiting out their per-pod
// exponential backoff, and a pool of unschedulable pods that cluster events move back — only the
// pods rejected by a plugin that cares about the event (coarse queueing hints), so a stream of
// events does not rescan every parked pod. Pods parked longer than `maxUnschedulableMs` are retried
// regardless. Keys are namespace/name.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../api/object.js';
import type { ClusterEvent } from './types.js';

export interface QueuedPod {
  readonly key: string;
  pod: Pod;
  /** Scheduling attempts so far (drives the backoff). */
  attempts: number;
  /** When the pod was queued or last parked. */
  timestamp: number;
  /** When the last attempt started. */
  lastAttempt: number;
  unschedulablePlugins: ReadonlySet<string>;
  where: 'active' | 'backoff' | 'unschedulable' | 'inflight';
  /** Identifies the pod's current heap entry (older entries are skipped). */
  seq: number;
}

class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (!a.length) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

interface Entry {
  qp: QueuedPod;
  seq: number;
  at: number;
}

export interface SchedulingQueueOptions {
  /** podInitialBackoffSeconds (default 1 s). */
  initialBackoffMs?: number;
  /** podMaxBackoffSeconds (default 10 s). */
  maxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration (default 5 min). */
  maxUnschedulableMs?: number;
  /** Which events each plugin wants (plugins absent or with undefined events want every event). */
  pluginEvents?: ReadonlyMap<string, readonly ClusterEvent[] | undefined>;
  /** Called when pods become ready to pop. */
  onReady?: () => void;
  now?: () => number;
}

const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;

/** What isPodUpdated ignores: resourceVersion, generation, managedFields, finalizers and status. */
function schedulingRelevant(p: Pod): unknown {
  const { resourceVersion: _rv, generation: _g, managedFields: _m, finalizers: _f, ...metadata } = p.metadata ?? {};
  return { metadata, spec: p.spec };
}

export class SchedulingQueue {
  private readonly pods = new Map<string, QueuedPod>();
  private readonly active = new Heap<Entry>((a, b) => {
    const pa = priorityOf(a.qp.pod);
    const pb = priorityOf(b.qp.pod);
    if (pa !== pb) return pa > pb;
    return a.at !== b.at ? a.at < b.at : a.seq < b.seq;
  });
  private readonly backoff = new Heap<Entry>((a, b) => (a.at !== b.at ? a.at < b.at : a.seq < b.seq));
  private readonly parkedByPlugin = new Map<string, Set<QueuedPod>>();
  /** Parked pods rejected without a plugin to blame: any event moves them. */
  private readonly parkedAny = new Set<QueuedPod>();
  private activeCount = 0;
  private seq = 0;
  private backoffTimer: NodeJS.Timeout | undefined;
  private backoffTimerAt = Infinity;
  private readonly leftoverTimer: NodeJS.Timeout;
  private closed = false;
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;

  constructor(private readonly opts: SchedulingQueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.leftoverTimer = setInterval(() => this.flushUnschedulableLeftover(), Math.min(30_000, Math.max(10, this.maxUnschedulableMs / 2)));
    this.leftoverTimer.unref();
  }

  /** Pods ready to pop. */
  get activeLength(): number {
    return this.activeCount;
  }

  /** Pods known to the queue in any state, in flight included. */
  get size(): number {
    return this.pods.size;
  }

  get(key: string): QueuedPod | undefined {
    return this.pods.get(key);
  }

  /** True while `qp` is still the queue's entry for its pod (not deleted or replaced). */
  isCurrent(qp: QueuedPod): boolean {
    return this.pods.get(qp.key) === qp;
  }

  /** A pod to schedule (new), or a newer version of a queued one. */
  add(pod: Pod): void {
    const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
    const qp = this.pods.get(key);
    if (qp) return this.update(qp, pod);
    const now = this.now();
    const fresh: QueuedPod = { key, pod, attempts: 0, timestamp: now, lastAttempt: 0, unschedulablePlugins: new Set(), where: 'active', seq: 0 };
    this.pods.set(key, fresh);
    this.pushActive(fresh);
  }

  private update(qp: QueuedPod, pod: Pod): void {
    const changed = !deepEqual(schedulingRelevant(qp.pod), schedulingRelevant(pod));
    const priorityChanged = priorityOf(qp.pod) !== priorityOf(pod);
    qp.pod = pod;
    if (!changed) return;
    if (qp.where === 'unschedulable') this.move(qp);
    else if (qp.where === 'active' && priorityChanged) {
      this.activeCount--;
      this.pushActive(qp);
    }
  }

  delete(key: string): void {
    const qp = this.pods.get(key);
    if (!qp) return;
    this.pods.delete(key);
    this.detach(qp);
  }

  private detach(qp: QueuedPod): void {
    if (qp.where === 'active') this.activeCount--;
    else if (qp.where === 'unschedulable') this.unpark(qp);
    qp.seq = -1;
  }

  /** The highest-priority ready pod, now in flight; undefined when none is ready. */
  pop(): QueuedPod | undefined {
    for (let e = this.active.pop(); e; e = this.active.pop()) {
      const qp = e.qp;
      if (qp.seq !== e.seq || qp.where !== 'active') continue;
      this.activeCount--;
      qp.where = 'inflight';
      qp.attempts++;
      qp.lastAttempt = this.now();
      return qp;
    }
    return undefined;
  }

  /** The cycle found no node: park the pod until an event that may help (or the timeout). */
  addUnschedulable(qp: QueuedPod, plugins: ReadonlySet<string>): void {
    if (!this.isCurrent(qp)) return;
    qp.unschedulablePlugins = plugins;
    qp.timestamp = this.now();
    qp.where = 'unschedulable';
    qp.seq = ++this.seq;
    if (plugins.size === 0) this.parkedAny.add(qp);
    for (const p of plugins) {
      let set = this.parkedByPlugin.get(p);
      if (!set) this.parkedByPlugin.set(p, (set = new Set()));
      set.add(qp);
    }
  }

  /** The attempt failed for another reason (an error, a failed binding): retry after the backoff. */
  addBackoff(qp: QueuedPod): void {
    if (!this.isCurrent(qp)) return;
    this.pushBackoff(qp, this.backoffExpiry(qp));
  }

  /** The pod is bound: forget it. */
  done(qp: QueuedPod): void {
    if (this.isCurrent(qp)) this.pods.delete(qp.key);
  }

  /** Moves the parked pods that a plugin rejecting them wants to retry after `event`. */
  moveOnEvent(event: ClusterEvent): void {
    const movers = new Set(this.parkedAny);
    for (const [plugin, set] of this.parkedByPlugin) {
      const wanted = this.opts.pluginEvents?.get(plugin);
      if (wanted === undefined || wanted.includes(event)) for (const qp of set) movers.add(qp);
    }
    for (const qp of movers) this.move(qp);
  }

  /** Moves every parked pod (e.g. after the scheduler's own view changed in an unknown way). */
  moveAll(): void {
    const movers = new Set(this.parkedAny);
    for (const set of this.parkedByPlugin.values()) for (const qp of set) movers.add(qp);
    for (const qp of movers) this.move(qp);
  }

  /** kube-scheduler's backoff: initial * 2^(attempts-1), capped. */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoffMs - d) return this.maxBackoffMs;
      d += d;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(qp: QueuedPod): number {
    return qp.lastAttempt + this.backoffDuration(qp.attempts);
  }

  private move(qp: QueuedPod): void {
    this.unpark(qp);
    const at = this.backoffExpiry(qp);
    if (at > this.now()) this.pushBackoff(qp, at);
    else this.pushActive(qp);
  }

  private unpark(qp: QueuedPod): void {
    this.parkedAny.delete(qp);
    for (const p of qp.unschedulablePlugins) this.parkedByPlugin.get(p)?.delete(qp);
  }

  private pushActive(qp: QueuedPod): void {
    qp.where = 'active';
    qp.seq = ++this.seq;
    this.active.push({ qp, seq: qp.seq, at: qp.timestamp });
    this.activeCount++;
    if (!this.closed) this.opts.onReady?.();
  }

  private pushBackoff(qp: QueuedPod, at: number): void {
    qp.where = 'backoff';
    qp.seq = ++this.seq;
    this.backoff.push({ qp, seq: qp.seq, at });
    this.armBackoffTimer();
  }

  private armBackoffTimer(): void {
    const top = this.backoff.peek();
    if (!top || this.closed || top.at >= this.backoffTimerAt) return;
    clearTimeout(this.backoffTimer);
    this.backoffTimerAt = top.at;
    this.backoffTimer = setTimeout(() => {
      this.backoffTimerAt = Infinity;
      this.flushBackoff();
    }, Math.max(0, top.at - this.now()));
  }

  private flushBackoff(): void {
    const now = this.now();
    for (let top = this.backoff.peek(); top && top.at <= now; top = this.backoff.peek()) {
      this.backoff.pop();
      if (top.qp.seq === top.seq && top.qp.where === 'backoff') this.pushActive(top.qp);
    }
    this.armBackoffTimer();
  }

  private flushUnschedulableLeftover(): void {
    const cutoff = this.now() - this.maxUnschedulableMs;
    const movers: QueuedPod[] = [];
    for (const qp of this.pods.values()) if (qp.where === 'unschedulable' && qp.timestamp <= cutoff) movers.push(qp);
    for (const qp of movers) this.move(qp);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.backoffTimer);
    clearInterval(this.leftoverTimer);
  }
}
