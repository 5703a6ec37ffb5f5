// Starts a real `timonel up` as a child process (its own event loop, as in production) and waits
// until its API answers an authenticated request. The child is watched: if it dies while a
// scenario runs, the scenario fails with the child's last output.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { HttpTarget, type Endpoint } from './http.js';
import { sampleProcess, type ProcSample } from './procstat.js';
import { PROBE_MODULE, TIMONEL_BIN } from './paths.js';
import { PROBE_MESSAGE, type ProbeReply, type ProbeRequest } from './probe.js';

export interface StartServerOptions {
  /** state directory; a fresh temporary one (removed on stop) when absent */
  dataDir?: string;
  /** extra arguments to `timonel up` */
  args?: string[];
  /** load bench/lib/probe into the child (event loop delay, utilization, heap over IPC) */
  probe?: boolean;
  env?: Record<string, string>;
  /** give up waiting for the API after this long; default 60 s */
  readyTimeoutMs?: number;
  /** poll interval for the kubeconfig file and the first request; default 5 ms */
  pollMs?: number;
}

export interface StartTimings {
  /** spawn -> kubeconfig written (timonel up writes it once the API server listens) */
  kubeconfigMs: number;
  /** spawn -> first authenticated GET answered 200 */
  apiReadyMs: number;
}

export interface ServerHandle extends Endpoint {
  dataDir: string;
  kubeconfig: string;
  pid: number;
  timings: StartTimings;
  /** a load-generation client for this server */
  client(opts?: { maxSockets?: number; keepAlive?: boolean }): HttpTarget;
  /** CPU time and memory of the server process, from /proc */
  sample(): ProcSample;
  /** the in-process probe's window (only with `probe: true`); `reset` starts a new window */
  probe(reset?: boolean): Promise<ProbeReply>;
  /** the child's last output (stdout and stderr interleaved) */
  logs(): string;
  /** throws if the child has exited */
  assertAlive(): void;
  /** SIGTERM, wait, and fail if it did not exit cleanly; removes a temporary data dir */
  stop(): Promise<void>;
}

const LOG_LIMIT = 256 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Servers must not outlive the benchmark, whatever way it ends. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => { for (const c of live) { try { c.kill('SIGKILL'); } catch { /* gone */ } } });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ServerExited extends Error {
  constructor(code: number | null, signal: string | null, logs: string) {
    super(`timonel up exited (code ${code}, signal ${signal}); last output:\n${logs.slice(-4000)}`);
    this.name = 'ServerExited';
  }
}

export async function startServer(opts: StartServerOptions = {}): Promise<ServerHandle> {
  installExitHook();
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'timonel-bench-'));
  const kubeconfig = join(dataDir, 'kubeconfig');
  rmSync(kubeconfig, { force: true });
  const nodeArgs = opts.probe ? ['--import', PROBE_MODULE] : [];
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, TIMONEL_BIN, 'up', '--data-dir', dataDir, '--port', '0', ...(opts.args ?? [])], {
    stdio: opts.probe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  live.add(child);
  let out = '';
  const append = (d: Buffer) => { out += d.toString('utf8'); if (out.length > LOG_LIMIT) out = out.slice(-LOG_LIMIT / 2); };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let exit: { code: number | null; signal: string | null } | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => { exit = { code, signal }; live.delete(child); resolve(); }));
  const fail = (msg: string): never => {
    if (!exit) child.kill('SIGKILL');
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${msg}; last output:\n${out.slice(-4000)}`);
  };

  const pollMs = opts.pollMs ?? 5;
  const deadline = t0 + (opts.readyTimeoutMs ?? 60_000);
  while (!existsSync(kubeconfig)) {
    if (exit) fail(`timonel up exited (code ${exit.code}, signal ${exit.signal}) before writing its kubeconfig`);
    if (performance.now() > deadline) fail('timonel up did not write its kubeconfig in time');
    await sleep(pollMs);
  }
  const kubeconfigMs = performance.now() - t0;
  const kc = YAML.parse(readFileSync(kubeconfig, 'utf8')) as {
    clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
    users: Array<{ user: { token: string } }>;
  };
  const endpoint: Endpoint = {
    url: kc.clusters[0].cluster.server,
    token: kc.users[0].user.token,
    ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8'),
  };
  // Ready = an authenticated read of a bootstrap object answers 200 (on a fresh connection each try).
  let apiReadyMs = NaN;
  for (;;) {
    if (exit) fail(`timonel up exited (code ${exit.code}, signal ${exit.signal}) before its API answered`);
    if (performance.now() > deadline) fail('the API did not answer in time');
    const probeClient = new HttpTarget(endpoint, { keepAlive: false, maxSockets: 1 });
    try {
      await probeClient.request('GET', '/api/v1/namespaces/default', { timeoutMs: 5000 });
      apiReadyMs = performance.now() - t0;
      break;
    } catch {
      await sleep(pollMs);
    } finally {
      probeClient.close();
    }
  }

  let probeSeq = 0;
  const probeWaiters = new Map<number, (r: ProbeReply) => void>();
  if (opts.probe) {
    child.on('message', (m: unknown) => {
      const r = m as ProbeReply;
      if (r && r.type === PROBE_MESSAGE) { probeWaiters.get(r.id)?.(r); probeWaiters.delete(r.id); }
    });
  }

  const handle: ServerHandle = {
    ...endpoint,
    dataDir,
    kubeconfig,
    pid: child.pid!,
    timings: { kubeconfigMs, apiReadyMs },
    client: (o) => new HttpTarget(endpoint, o),
    sample: () => {
      handle.assertAlive();
      return sampleProcess(child.pid!);
    },
    probe: (reset = false) => {
      if (!opts.probe) return Promise.reject(new Error('server started without the probe'));
      handle.assertAlive();
      const id = ++probeSeq;
      return new Promise<ProbeReply>((resolve, reject) => {
        const timer = setTimeout(() => { probeWaiters.delete(id); reject(new Error('the server probe did not answer in 30 s')); }, 30_000);
        probeWaiters.set(id, (r) => { clearTimeout(timer); resolve(r); });
        const req: ProbeRequest = { type: PROBE_MESSAGE, id, reset };
        child.send(req);
      });
    },
    logs: () => out,
    assertAlive: () => {
      if (exit) throw new ServerExited(exit.code, exit.signal, out);
    },
    stop: async () => {
      if (exit) {
        if (temporary) rmSync(dataDir, { recursive: true, force: true });
        throw new ServerExited(exit.code, exit.signal, out);
      }
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => { timer = setTimeout(() => r(true), 15_000); })]);
      clearTimeout(timer);
      if (killed) { child.kill('SIGKILL'); await exited; }
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
      if (killed) throw new Error(`timonel up did not stop within 15 s of SIGTERM; last output:\n${out.slice(-2000)}`);
      if (exit!.code !== 0) throw new Error(`timonel up exited with code ${exit!.code} (signal ${exit!.signal}) on SIGTERM; last output:\n${out.slice(-2000)}`);
    },
  };
  return handle;
}
