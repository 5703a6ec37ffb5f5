// Starts a real `timonel up` (or `timonel server`: the control plane without a node) as a child
// process (its own event loop, as in production) and waits until its API answers an authenticated
// request. The child is watched: if it dies while a scenario runs, the scenario fails with the
// child's last output.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { HttpTarget, type Endpoint } from './http.js';
import type { ProcSample } from './procstat.js';
import type { ProbeReply } from './probe.js';
import { ChildExited, spawnTimonel } from './child.js';

export interface StartServerOptions {
  /** `up` (default: control plane and a node agent) or `server` (control plane only) */
  command?: 'up' | 'server';
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
  /** how long stop() waits after SIGTERM before it kills the server and fails (default 15 s) */
  stopGraceMs?: number;
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
  /** DATA_DIR/pki/node.token: what node agents join with */
  nodeTokenFile: string;
  pid: number;
  /** performance.now() when the child was spawned */
  spawnedAt: number;
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

/** Thrown when a watched child (server or agent) has died. */
export const ServerExited = ChildExited;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startServer(opts: StartServerOptions = {}): Promise<ServerHandle> {
  const command = opts.command ?? 'up';
  const label = `timonel ${command}`;
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'timonel-bench-'));
  const kubeconfig = join(dataDir, 'kubeconfig');
  rmSync(kubeconfig, { force: true });
  const t0 = performance.now();
  const child = spawnTimonel([command, '--data-dir', dataDir, '--port', '0', ...(opts.args ?? [])], {
    probe: opts.probe, env: opts.env, label,
    // the last line `timonel up` prints before it installs its SIGTERM handler
    startedLine: command === 'up' ? /more nodes: timonel agent .*\n/ : /timonel server: API server at .*\n/,
  });
  const fail = async (msg: string): Promise<never> => {
    await child.kill();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${msg}; last output:\n${child.logs().slice(-4000)}`);
  };

  const pollMs = opts.pollMs ?? 5;
  const deadline = t0 + (opts.readyTimeoutMs ?? 60_000);
  while (!existsSync(kubeconfig)) {
    const exit = child.exit();
    if (exit) await fail(`${label} exited (code ${exit.code}, signal ${exit.signal}) before writing its kubeconfig`);
    if (performance.now() > deadline) await fail(`${label} did not write its kubeconfig in time`);
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
    const exit = child.exit();
    if (exit) await fail(`${label} exited (code ${exit.code}, signal ${exit.signal}) before its API answered`);
    if (performance.now() > deadline) await fail('the API did not answer in time');
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

  return {
    ...endpoint,
    dataDir,
    kubeconfig,
    nodeTokenFile: join(dataDir, 'pki', 'node.token'),
    pid: child.pid,
    spawnedAt: t0,
    timings: { kubeconfigMs, apiReadyMs },
    client: (o) => new HttpTarget(endpoint, o),
    sample: () => child.sample(),
    probe: (reset) => child.probe(reset),
    logs: () => child.logs(),
    assertAlive: () => child.assertAlive(),
    stop: async () => {
      let stopError: unknown;
      try {
        await child.stop(opts.stopGraceMs);
      } catch (err) {
        stopError = err;
      }
      if (temporary) {
        try {
          rmSync(dataDir, { recursive: true, force: true });
        } catch (err) {
          // e.g. mounts a container runtime left behind: worth knowing, but not in place of why.
          const msg = `could not remove ${dataDir}: ${(err as Error).message}`;
          if (stopError instanceof Error) stopError.message += `\n(also ${msg})`;
          else stopError = new Error(`${label} stopped, but ${msg}`);
        }
      }
      if (stopError) throw stopError;
    },
  };
}
