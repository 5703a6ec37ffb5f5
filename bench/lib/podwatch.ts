// Follows pods through one watch and timestamps, per pod, when the benchmark first saw it bound to
// a node and when it first saw every container running: the "seen by a watch" ends of the
// Kubernetes pod startup SLI. A watch that ends or errors, or a pod whose containers fail to start,
// is a failure of the system under test: waiters reject with the reason.
import { performance } from 'node:perf_hooks';
import type { ClientRequest } from 'node:http';
import type { HttpTarget } from './http.js';

export interface PodTimes {
  namespace: string;
  name: string;
  /** performance.now() when the create request was sent / its reply read (markCreated) */
  createSent?: number;
  createAcked?: number;
  /** first event with spec.nodeName set */
  bound?: number;
  node?: string;
  /** first event with phase Running and every container running */
  running?: number;
  deleted?: number;
}

/** What one watch event says about a pod. */
export interface PodEventInfo {
  type: string;
  namespace: string;
  name: string;
  node?: string;
  running: boolean;
  /** why the pod will not start, when it says so (failed phase, a container that cannot start) */
  failure?: string;
}

/** Waiting reasons that mean a container will not start by itself. */
const FATAL_WAITING = new Set(['CrashLoopBackOff', 'CreateContainerError', 'CreateContainerConfigError', 'RunContainerError', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

interface WatchPod {
  metadata?: { name?: string; namespace?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string; containers?: unknown[]; restartPolicy?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    containerStatuses?: Array<{ name?: string; state?: { running?: unknown; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } } }>;
  };
}

/** Reads one watch line (`{"type":..,"object":{pod}}`). */
export function parsePodEvent(line: string): PodEventInfo {
  const e = JSON.parse(line) as { type?: string; object?: WatchPod & { message?: string } };
  const type = e.type ?? '';
  const p = e.object ?? {};
  if (type === 'ERROR') return { type, namespace: '', name: '', running: false, failure: `watch error: ${p.message ?? line.slice(0, 300)}` };
  const namespace = p.metadata?.namespace ?? '';
  const name = p.metadata?.name ?? '';
  const statuses = p.status?.containerStatuses ?? [];
  const want = p.spec?.containers?.length ?? 0;
  const running = p.status?.phase === 'Running' && want > 0 && statuses.length === want && statuses.every((c) => !!c.state?.running);
  let failure: string | undefined;
  // A pod being deleted stops its containers: that is no failure.
  if (p.metadata?.deletionTimestamp) return { type, namespace, name, node: p.spec?.nodeName || undefined, running, failure };
  if (p.status?.phase === 'Failed') failure = `pod failed: ${p.status.reason ?? ''} ${p.status.message ?? ''}`.trim();
  for (const c of statuses) {
    const w = c.state?.waiting;
    if (w?.reason && FATAL_WAITING.has(w.reason)) failure = `container ${c.name}: ${w.reason}: ${w.message ?? ''}`.trim();
    const t = c.state?.terminated;
    if (t && !failure && (p.spec?.restartPolicy ?? 'Always') === 'Always') failure = `container ${c.name} terminated: ${t.reason ?? ''} (exit code ${t.exitCode})`;
  }
  return { type, namespace, name, node: p.spec?.nodeName || undefined, running, failure };
}

/** Splits a stream of chunks into lines (the last, unfinished line is kept for the next chunk). */
export class LineSplitter {
  private rest = '';
  push(chunk: string, onLine: (line: string) => void): void {
    const last = chunk.lastIndexOf('\n');
    if (last < 0) { this.rest += chunk; return; }
    const text = this.rest + chunk.slice(0, last);
    this.rest = chunk.slice(last + 1);
    let start = 0;
    for (;;) {
      const i = text.indexOf('\n', start);
      const line = i < 0 ? text.slice(start) : text.slice(start, i);
      if (line) onLine(line);
      if (i < 0) break;
      start = i + 1;
    }
  }
}

export interface PodWatchOptions {
  /** only pods whose names start with this are tracked (others are ignored) */
  namePrefix?: string;
  log?: (m: string) => void;
}

export class PodWatch {
  readonly pods = new Map<string, PodTimes>();
  boundCount = 0;
  runningCount = 0;
  deletedCount = 0;
  events = 0;
  /** the time of the last bound or running transition seen */
  lastProgress = performance.now();
  private req: ClientRequest | undefined;
  private failure: Error | undefined;
  private stopping = false;
  private waiters = new Set<() => void>();
  private readonly onBoundHooks: Array<(p: PodTimes) => void> = [];

  /** `path` is a pod collection (a namespace's, or all namespaces' with a label selector). */
  constructor(private readonly target: HttpTarget, private readonly path: string, private readonly opts: PodWatchOptions = {}) {}

  /** Opens the watch; resolves once the server answered 200. Pods that exist already arrive as ADDED. */
  start(): Promise<void> {
    const sep = this.path.includes('?') ? '&' : '?';
    return new Promise((resolve, reject) => {
      const req = this.target.open('GET', `${this.path}${sep}watch=true&timeoutSeconds=3600`);
      this.req = req;
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (d: Buffer) => { body += d; });
          res.on('end', () => reject(new Error(`watch ${this.path}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
          return;
        }
        res.setEncoding('utf8');
        const lines = new LineSplitter();
        res.on('data', (chunk: string) => {
          const at = performance.now();
          lines.push(chunk, (line) => this.onLine(line, at));
        });
        const ended = (how: string) => () => {
          if (!this.stopping) this.fail(new Error(`the pod watch ${this.path} ended (${how}) while the benchmark was still watching, after ${this.events} events`));
        };
        res.on('end', ended('end'));
        res.on('close', ended('close'));
        resolve();
      });
      req.on('error', (err) => {
        if (this.stopping) return;
        reject(err);
        this.fail(new Error(`pod watch connection: ${err.message}`));
      });
      req.end();
    });
  }

  /** Records when the benchmark sent a pod's create request and read its reply. */
  markCreated(namespace: string, name: string, sent: number, acked: number): void {
    const p = this.entry(namespace, name);
    p.createSent = sent;
    p.createAcked = acked;
  }

  /** Called once per pod when it is first seen bound. */
  onBound(hook: (p: PodTimes) => void): void {
    this.onBoundHooks.push(hook);
  }

  private entry(namespace: string, name: string): PodTimes {
    const key = `${namespace}/${name}`;
    let p = this.pods.get(key);
    if (!p) { p = { namespace, name }; this.pods.set(key, p); }
    return p;
  }

  private onLine(line: string, at: number): void {
    this.events++;
    let e: PodEventInfo;
    try {
      e = parsePodEvent(line);
    } catch (err) {
      this.fail(new Error(`pod watch: unreadable event (${(err as Error).message}): ${line.slice(0, 200)}`));
      return;
    }
    if (e.failure && e.type === 'ERROR') { this.fail(new Error(e.failure)); return; }
    if (this.opts.namePrefix && !e.name.startsWith(this.opts.namePrefix)) return;
    const p = this.entry(e.namespace, e.name);
    if (e.type === 'DELETED') {
      if (p.deleted === undefined) { p.deleted = at; this.deletedCount++; this.lastProgress = at; }
      this.wake();
      return;
    }
    if (e.failure) { this.fail(new Error(`pod ${e.namespace}/${e.name} will not run: ${e.failure}`)); return; }
    if (e.node && p.bound === undefined) {
      p.bound = at;
      p.node = e.node;
      this.boundCount++;
      this.lastProgress = at;
      for (const h of this.onBoundHooks) h(p);
    }
    if (e.running && p.running === undefined) {
      p.running = at;
      this.runningCount++;
      this.lastProgress = at;
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.opts.log?.(err.message);
    this.wake();
  }

  /** Throws the watch's failure, if there was one. */
  assertHealthy(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Resolves when `done()` holds. Rejects on a watch failure, when `check` throws (e.g. a dead
   * server), when nothing progressed (no pod newly bound or running) for `stallMs`, or after `timeoutMs`.
   */
  waitFor(what: string, done: () => boolean, o: { timeoutMs: number; stallMs?: number; check?: () => void }): Promise<void> {
    const t0 = performance.now();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (err?: Error) => {
        this.waiters.delete(test);
        clearInterval(timer);
        if (err) reject(err); else resolve();
      };
      const test = () => {
        try {
          if (this.failure) return finish(this.failure);
          if (done()) return finish();
          o.check?.();
          const now = performance.now();
          if (now - t0 > o.timeoutMs) return finish(new Error(`${what}: not done after ${(o.timeoutMs / 1000).toFixed(0)} s (${this.boundCount} pods bound, ${this.runningCount} running)`));
          if (o.stallMs && now - Math.max(t0, this.lastProgress) > o.stallMs) return finish(new Error(`${what}: no pod was newly bound, started or deleted for ${(o.stallMs / 1000).toFixed(0)} s (${this.boundCount} pods bound, ${this.runningCount} running)`));
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      };
      this.waiters.add(test);
      timer = setInterval(test, 250);
      test();
    });
  }

  stop(): void {
    this.stopping = true;
    this.req?.destroy();
    for (const w of this.waiters) w();
  }
}
