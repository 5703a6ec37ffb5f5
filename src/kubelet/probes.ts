// Liveness, readiness and startup probes, after the kubelet's prober workers: one worker per probe
// of a running container; a result only changes after `successThreshold` / `failureThreshold`
// consecutive outcomes; liveness and startup failures put the worker on hold (the container is
// restarted, and a new container gets new workers); a startup probe stops once it has succeeded,
// and liveness/readiness wait for it.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from './clock.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

export interface ProbeDefaults {
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  initialDelaySeconds: number;
}

export function probeSettings(p: Probe): ProbeDefaults {
  return {
    periodSeconds: p.periodSeconds && p.periodSeconds > 0 ? p.periodSeconds : 10,
    timeoutSeconds: p.timeoutSeconds && p.timeoutSeconds > 0 ? p.timeoutSeconds : 1,
    successThreshold: p.successThreshold && p.successThreshold > 0 ? p.successThreshold : 1,
    failureThreshold: p.failureThreshold && p.failureThreshold > 0 ? p.failureThreshold : 3,
    initialDelaySeconds: p.initialDelaySeconds && p.initialDelaySeconds > 0 ? p.initialDelaySeconds : 0,
  };
}

export interface ProbeWorkerDeps {
  /** when the container started (ms) */
  startedAt: number;
  /** runs the probe once */
  run: (timeoutMs: number) => Promise<ProbeOutcome>;
  /** false while liveness/readiness must wait (startup probe not yet passed) */
  gate?: () => boolean;
  /** the worker's result changed */
  onResult: (result: ProbeResult, output: string) => void;
  /** every failed run (for Unhealthy events), before thresholds apply */
  onFailure?: (output: string) => void;
}

export function initialResult(kind: ProbeKind): ProbeResult {
  return kind === 'liveness' ? 'success' : kind === 'readiness' ? 'failure' : 'unknown';
}

export class ProbeWorker {
  result: ProbeResult;
  private lastOk: boolean | undefined;
  private runLength = 0;
  private onHold = false;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private running = false;
  readonly settings: ProbeDefaults;

  constructor(readonly kind: ProbeKind, spec: Probe, private readonly clock: Clock, private readonly deps: ProbeWorkerDeps) {
    this.settings = probeSettings(spec);
    this.result = initialResult(kind);
  }

  start(): void {
    const first = this.deps.startedAt + this.settings.initialDelaySeconds * 1000;
    this.schedule(Math.max(0, first - this.clock.now()));
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  get done(): boolean {
    return this.stopped || this.onHold;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => void this.tick(), ms);
  }

  /** One probe period (exposed for tests). */
  async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    const period = this.settings.periodSeconds * 1000;
    if (this.onHold || (this.kind === 'startup' && this.result === 'success')) return;
    if (this.deps.gate && !this.deps.gate()) return this.schedule(period);
    this.running = true;
    let out: ProbeOutcome;
    try {
      out = await this.deps.run(this.settings.timeoutSeconds * 1000);
    } catch (err) {
      out = { ok: false, output: (err as Error).message };
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (!out.ok) this.deps.onFailure?.(out.output);
    if (this.lastOk === out.ok) this.runLength++;
    else { this.lastOk = out.ok; this.runLength = 1; }
    const threshold = out.ok ? this.settings.successThreshold : this.settings.failureThreshold;
    if (this.runLength >= threshold) {
      const next: ProbeResult = out.ok ? 'success' : 'failure';
      if (next !== this.result) {
        this.result = next;
        this.deps.onResult(next, out.output);
      }
      if (!out.ok && (this.kind === 'liveness' || this.kind === 'startup')) {
        // the container is restarted; this worker's job is over
        this.onHold = true;
        this.runLength = 0;
        return;
      }
      if (out.ok && this.kind === 'startup') return;
    }
    this.schedule(period);
  }
}

export interface ProbeTarget {
  podIP: string;
  container: Container;
  execSync: (cmd: string[], timeoutSeconds: number) => Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }>;
}

function resolvePort(port: number | string | undefined, c: Container): number {
  if (typeof port === 'number') return port;
  if (port === undefined) throw new Error('port is required');
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports?.find((x) => x.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${c.name}`);
  return p.containerPort;
}

/** Runs one probe handler (exec, httpGet, tcpSocket, grpc as a TCP check). */
export async function runProbe(p: Pick<Probe, 'exec' | 'httpGet' | 'tcpSocket' | 'grpc'>, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  if (p.exec) {
    const r = await t.execSync(p.exec.command ?? [], Math.max(1, Math.ceil(timeoutMs / 1000)));
    const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8').slice(0, 10 * 1024);
    return { ok: r.exitCode === 0, output };
  }
  if (p.httpGet) {
    const g = p.httpGet;
    const port = resolvePort(g.port, t.container);
    return httpProbe({ scheme: (g.scheme ?? 'HTTP').toUpperCase(), host: g.host || t.podIP, port, path: g.path || '/', headers: g.httpHeaders ?? [] }, timeoutMs);
  }
  if (p.tcpSocket) {
    return tcpProbe(p.tcpSocket.host || t.podIP, resolvePort(p.tcpSocket.port, t.container), timeoutMs);
  }
  if (p.grpc) {
    return tcpProbe(t.podIP, p.grpc.port, timeoutMs);
  }
  return { ok: false, output: 'missing probe handler' };
}

export function httpProbe(o: { scheme: string; host: string; port: number; path: string; headers: Array<{ name: string; value: string }> }, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const mod = o.scheme === 'HTTPS' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of o.headers) headers[h.name] = h.value;
    const path = o.path.startsWith('/') ? o.path : '/' + o.path;
    let settled = false;
    const done = (r: ProbeOutcome) => { if (!settled) { settled = true; resolve(r); } };
    const req = mod.request({ host: o.host, port: o.port, path, method: 'GET', headers, rejectUnauthorized: false, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => { if (size < 10 * 1024) { chunks.push(d); size += d.length; } });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 10 * 1024);
        if (code >= 200 && code < 400) done({ ok: true, output: body });
        else done({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (err) => done({ ok: false, output: err.message }));
    });
    const url = `${o.scheme.toLowerCase()}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}${path}`;
    req.on('timeout', () => { req.destroy(); done({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }); });
    req.on('error', (err) => done({ ok: false, output: `Get "${url}": ${describeNetError(err, o.host, o.port)}` }));
    req.end();
  });
}

function describeNetError(err: Error, host: string, port: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return `dial tcp ${host}:${port}: connect: connection refused`;
  return err.message;
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => { sock.destroy(); resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }); }, timeoutMs);
    sock.once('connect', () => { clearTimeout(timer); sock.destroy(); resolve({ ok: true, output: '' }); });
    sock.once('error', (err) => { clearTimeout(timer); resolve({ ok: false, output: describeNetError(err, host, port) }); });
  });
}
