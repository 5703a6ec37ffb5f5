// Test harness: start a real `timonel up` process and drive it with the real kubectl.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import YAML from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../../..');
export const TIMONEL = join(REPO, 'bin', 'timonel.js');
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface Cluster {
  dataDir: string;
  kubeconfig: string;
  url: string;
  token: string;
  ca: string;
  proc: ChildProcess;
  logs: () => string;
  stop: () => Promise<void>;
  kill9: () => Promise<void>;
  /** start again on the same data dir */
  restart: () => Promise<void>;
  cleanup: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startCluster(opts: { dataDir?: string; args?: string[] } = {}): Promise<Cluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'timonel-e2e-'));
  const kubeconfig = join(dataDir, 'kubeconfig');
  let out = '';
  const c: Partial<Cluster> = { dataDir, kubeconfig };
  // Test files run side by side: give each cluster's process-runtime node its own loopback pod range,
  // so two clusters' pods never share an address (kept across restarts of the same cluster).
  const args = opts.args ?? [];
  const podCidrArgs = args.includes('--pod-cidr') || args.includes('cri') ? [] : ['--pod-cidr', `127.${2 + Math.floor(Math.random() * 250)}.0.0/16`];
  const launch = async () => {
    rmSync(kubeconfig, { force: true });
    const proc = spawn(process.execPath, [TIMONEL, 'up', '--data-dir', dataDir, '--port', '0', ...podCidrArgs, ...(opts.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d) => { out += d; });
    proc.stderr!.on('data', (d) => { out += d; });
    const deadline = Date.now() + 30_000;
    while (!existsSync(kubeconfig)) {
      if (proc.exitCode !== null) throw new Error(`timonel up exited with ${proc.exitCode}:\n${out}`);
      if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`timonel up did not write a kubeconfig in 30s:\n${out}`); }
      await sleep(50);
    }
    const kc = YAML.parse(readFileSync(kubeconfig, 'utf8'));
    c.url = kc.clusters[0].cluster.server;
    c.token = kc.users[0].user.token;
    c.ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    c.proc = proc;
  };
  await launch();
  const waitExit = (p: ChildProcess) => new Promise<void>((r) => { if (p.exitCode !== null || p.signalCode) r(); else p.once('exit', () => r()); });
  c.logs = () => out;
  c.stop = async () => { const p = c.proc!; p.kill('SIGTERM'); await waitExit(p); };
  c.kill9 = async () => { const p = c.proc!; p.kill('SIGKILL'); await waitExit(p); };
  c.restart = async () => { await launch(); };
  c.cleanup = async () => {
    const p = c.proc!;
    if (p.exitCode === null && !p.signalCode) { p.kill('SIGTERM'); await Promise.race([waitExit(p), sleep(5000)]); if (p.exitCode === null && !p.signalCode) p.kill('SIGKILL'); }
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return c as Cluster;
}

export interface RunResult { code: number; stdout: string; stderr: string }

export function kubectl(cluster: Cluster, args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(KUBECTL, ['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(cluster.dataDir, 'kubectl-cache'), ...args], {
      env: { ...process.env, ...opts.env, KUBECONFIG: cluster.kubeconfig },
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** kubectl that must succeed: returns stdout, throws with stderr otherwise. */
export async function kc(cluster: Cluster, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
  const r = await kubectl(cluster, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** A raw HTTPS request to the API server (for shapes kubectl cannot send). */
export function request(cluster: Cluster, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, auth = true): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(path, cluster.url);
  return new Promise((resolvePromise, reject) => {
    const req = https.request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, ca: cluster.ca, headers: { ...(auth ? { Authorization: `Bearer ${cluster.token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
    if (body !== undefined) req.end(body); else req.end();
  });
}

export function writeTemp(cluster: Cluster, name: string, content: string): string {
  const p = join(cluster.dataDir, name);
  writeFileSync(p, content);
  return p;
}

/** Polls until fn returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(fn: () => Promise<T | undefined | false | null>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(200);
  }
}
