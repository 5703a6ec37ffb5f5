// The `process` runtime: every container is a host process (no images, no namespaces).
//
// - A sandbox is an address: each pod gets its own IP from the node's pod range on the loopback
//   network (127.x.y.z needs no root), given to every container of the pod as POD_IP. Processes
//   must listen on $POD_IP (not 0.0.0.0) for two pods to use the same port.
// - A container runs its argv (command+args, or the image's basename as entrypoint when command is
//   empty: `image: node` + args runs `node <args>`), with no shell added, in its own process group;
//   stdout/stderr go to a CRI-format log file.
// - Volumes: a host process cannot see mounts, so a mount's containerPath is rewritten to the
//   volume's host directory wherever it appears as a path in command, args, env values and
//   workingDir (`/data/x` -> `<dataDir>/pods/<uid>/volumes/.../x`), and each mount is also given
//   as env `TIMONEL_MOUNT_<PATH>` (e.g. /shared/data -> TIMONEL_MOUNT_SHARED_DATA). Containers
//   without a workingDir run in a private directory of their own.
// - Stop: SIGTERM to the process group, SIGKILL after the timeout. When the main process exits
//   the rest of its group is killed (as a container's PID namespace would be).
// - Exit codes as containers have them: a signal N gives 128+N (SIGKILL 137, SIGTERM 143). A
//   memory limit is enforced by polling /proc: a container over it is killed as OOMKilled.
// - Exec runs a process with the container's environment; with a tty it runs under util-linux
//   `script` (a pty without native modules); resize goes through `stty -F <pty>`.
// - Leftovers of a previous agent run (recorded pid + start time) are killed at start.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { constants as osConstants } from 'node:os';
import { dirname, isAbsolute, join, delimiter } from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import { CriLogWriter } from '../crilog.js';
import {
  RuntimeError, labelsMatch,
  type Container, type ContainerConfig, type ContainerEvent, type ContainerFilter, type ContainerStats, type ContainerStatus,
  type ExecRequest, type ExecSession, type ExecSyncResponse, type Image, type ImageService, type ImageSpec, type PodSandbox,
  type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus, type Runtime, type RuntimeService, type VersionInfo,
} from '../runtime.js';

export interface ProcessRuntimeOptions {
  /** where the runtime keeps its state (container work dirs, pid records) */
  stateDir: string;
  /** the node's pod range; pod IPs are allocated from it (default 127.1.0.0/16) */
  podCidr?: string;
  /** the node's address, for hostNetwork pods */
  nodeIP?: string;
  /** how often memory limits are checked (ms, default 1000) */
  oomCheckMs?: number;
}

interface SandboxRec {
  id: string;
  config: PodSandboxConfig;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: number;
  ip: string;
  allocated: boolean;
}

interface ContainerRec {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  sandbox: PodSandboxConfig;
  state: ContainerStatus['state'];
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  logPath: string;
  workDir: string;
  child?: ChildProcess;
  pid?: number;
  writer?: CriLogWriter;
  exited?: Promise<void>;
  oomKilled?: boolean;
  memoryLimit?: number;
  execs: Set<ChildProcess>;
}

/** A CIDR as a range of IPv4 addresses (network and the first host address are kept back). */
export class IpRange {
  readonly base: number;
  readonly size: number;
  private used = new Set<number>();
  private next = 2;

  constructor(cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new Error(`invalid pod CIDR ${cidr}`);
    const bits = Number(m[5]);
    if (bits < 8 || bits > 30) throw new Error(`pod CIDR ${cidr}: prefix must be /8../30`);
    const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
    this.size = 2 ** (32 - bits);
    this.base = ip - (ip % this.size);
  }

  static format(n: number): string {
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }

  /** the next free address, round robin (a freed address is not handed out again at once) */
  allocate(): string {
    for (let tries = 0; tries < this.size; tries++) {
      const off = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1;
      if (!this.used.has(off)) {
        this.used.add(off);
        return IpRange.format(this.base + off);
      }
    }
    throw new RuntimeError('Internal', 'no pod IP left in the node range');
  }

  release(ip: string): void {
    const p = ip.split('.').map(Number);
    const n = ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
    this.used.delete(n - this.base);
  }

  get inUse(): number {
    return this.used.size;
  }
}

/** Replaces `from` where it appears as a whole path prefix in `s` (not inside a longer path). */
export function rewritePath(s: string, from: string, to: string): string {
  if (!from || from === '/' || !s.includes(from)) return s;
  const trimmed = from.replace(/\/+$/, '');
  let out = '';
  let i = 0;
  for (;;) {
    const j = s.indexOf(trimmed, i);
    if (j < 0) break;
    const before = j === 0 ? '' : s[j - 1]!;
    const after = s[j + trimmed.length] ?? '';
    const okBefore = before === '' || !/[A-Za-z0-9._\-/~]/.test(before);
    const okAfter = after === '' || after === '/' || !/[A-Za-z0-9._\-]/.test(after);
    if (okBefore && okAfter) {
      out += s.slice(i, j) + to;
    } else {
      out += s.slice(i, j + trimmed.length);
    }
    i = j + trimmed.length;
  }
  return out + s.slice(i);
}

export function applyMounts(s: string, mounts: ContainerConfig['mounts']): string {
  // longest container paths first, so /data/sub wins over /data
  const sorted = [...mounts].sort((a, b) => b.containerPath.length - a.containerPath.length);
  for (const m of sorted) s = rewritePath(s, m.containerPath, m.hostPath);
  return s;
}

export function mountEnvName(containerPath: string): string {
  return 'TIMONEL_MOUNT_' + containerPath.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** The entrypoint of an "image" for host processes: its last path element, without tag or digest. */
export function imageEntrypoint(image: string): string {
  const noDigest = image.split('@')[0]!;
  const last = noDigest.split('/').pop()!;
  return last.replace(/:[^:]*$/, '');
}

export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_\-./=:,@%+]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

interface ProcStat { pgrp: number; ticks: number; starttime: number; rssPages: number }

export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15, starttime 22, rss 24
  const n = (i: number) => Number(f[i - 3]);
  return { pgrp: n(5), ticks: n(14) + n(15), starttime: n(22), rssPages: n(24) };
}

function readStat(pid: number): ProcStat | undefined {
  try { return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return undefined; }
}

/** cpu ticks and resident pages per process group, from one scan of /proc */
function scanGroups(): Map<number, { ticks: number; rssPages: number }> {
  const out = new Map<number, { ticks: number; rssPages: number }>();
  let names: string[];
  try { names = readdirSync('/proc'); } catch { return out; }
  for (const n of names) {
    if (n.charCodeAt(0) < 48 || n.charCodeAt(0) > 57) continue;
    const st = readStat(Number(n));
    if (!st) continue;
    const g = out.get(st.pgrp) ?? { ticks: 0, rssPages: 0 };
    g.ticks += st.ticks;
    g.rssPages += st.rssPages;
    out.set(st.pgrp, g);
  }
  return out;
}

const PAGE = 4096;
const TICK_NS = 10_000_000; // USER_HZ 100

function signalNumber(sig: NodeJS.Signals | null): number {
  return sig ? (osConstants.signals as Record<string, number>)[sig] ?? 0 : 0;
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try { process.kill(-pid, sig); } catch { /* gone */ }
}

const newId = () => randomBytes(32).toString('hex');

export class ProcessRuntime implements RuntimeService, ImageService {
  private sandboxes = new Map<string, SandboxRec>();
  private containers = new Map<string, ContainerRec>();
  private listeners: Array<(e: ContainerEvent) => void> = [];
  private ips: IpRange;
  private nodeIP: string;
  private oomTimer: NodeJS.Timeout | undefined;
  private pidDir: string;
  private basePath: string;

  constructor(private readonly opts: ProcessRuntimeOptions) {
    this.ips = new IpRange(opts.podCidr ?? '127.1.0.0/16');
    this.nodeIP = opts.nodeIP ?? '127.0.0.1';
    this.pidDir = join(opts.stateDir, 'pids');
    mkdirSync(this.pidDir, { recursive: true });
    mkdirSync(join(opts.stateDir, 'containers'), { recursive: true });
    this.killLeftovers();
    const nodeDir = dirname(process.execPath);
    const path = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
    this.basePath = path.split(delimiter).includes(nodeDir) ? path : `${path}${delimiter}${nodeDir}`;
  }

  /** The runtime as the kubelet takes it. */
  asRuntime(): Runtime {
    return { name: 'process', runtime: this, images: this, hollow: false };
  }

  private killLeftovers(): void {
    for (const f of readdirSync(this.pidDir)) {
      try {
        const [pid, start] = readFileSync(join(this.pidDir, f), 'utf8').trim().split(' ').map(Number);
        const st = pid ? readStat(pid) : undefined;
        if (st && st.starttime === start) killGroup(pid, 'SIGKILL');
      } catch { /* unreadable record */ }
      try { unlinkSync(join(this.pidDir, f)); } catch { /* gone */ }
    }
  }

  private emit(c: ContainerRec, type: ContainerEvent['type']): void {
    const e: ContainerEvent = { containerId: c.id, podSandboxId: c.sandboxId, type, createdAt: Date.now() };
    for (const l of this.listeners) {
      try { l(e); } catch { /* listener bug */ }
    }
  }

  onContainerEvent(listener: (e: ContainerEvent) => void): void {
    this.listeners.push(listener);
  }

  async version(): Promise<VersionInfo> {
    return { runtimeName: 'process', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  // --- sandboxes ---

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = newId();
    const ip = config.hostNetwork ? this.nodeIP : this.ips.allocate();
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt: Date.now(), ip, allocated: !config.hostNetwork });
    mkdirSync(config.logDirectory, { recursive: true });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    const running = [...this.containers.values()].filter((c) => c.sandboxId === id && c.state === 'CONTAINER_RUNNING');
    await Promise.all(running.map((c) => this.stopContainer(c.id, 0)));
    if (sb.state === 'SANDBOX_READY' && sb.allocated) this.ips.release(sb.ip);
    sb.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    await this.stopPodSandbox(id);
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) await this.removeContainer(c.id);
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const sb = this.sandboxes.get(id);
    if (!sb) return undefined;
    return {
      id, metadata: { ...sb.config.metadata }, state: sb.state, createdAt: sb.createdAt,
      network: { ip: sb.ip, additionalIps: [] }, labels: { ...sb.config.labels }, annotations: { ...sb.config.annotations },
    };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const out: PodSandbox[] = [];
    for (const sb of this.sandboxes.values()) {
      if (filter?.id && filter.id !== sb.id) continue;
      if (filter?.state && filter.state !== sb.state) continue;
      if (!labelsMatch(sb.config.labels, filter?.labelSelector)) continue;
      out.push({ id: sb.id, metadata: { ...sb.config.metadata }, state: sb.state, createdAt: sb.createdAt, labels: { ...sb.config.labels } });
    }
    return out;
  }

  // --- containers ---

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new RuntimeError('NotFound', `pod sandbox ${sandboxId} not found`);
    if (sb.state !== 'SANDBOX_READY') throw new RuntimeError('FailedPrecondition', `pod sandbox ${sandboxId} is not ready`);
    const id = newId();
    const workDir = join(this.opts.stateDir, 'containers', id);
    mkdirSync(workDir, { recursive: true });
    const logPath = join(sandboxConfig.logDirectory, config.logPath);
    mkdirSync(dirname(logPath), { recursive: true });
    const rec: ContainerRec = {
      id, sandboxId, config, sandbox: sandboxConfig, state: 'CONTAINER_CREATED', createdAt: Date.now(), startedAt: 0, finishedAt: 0,
      exitCode: 0, reason: '', message: '', logPath, workDir, execs: new Set(),
      memoryLimit: config.linux?.resources?.memoryLimitInBytes || undefined,
    };
    this.containers.set(id, rec);
    this.emit(rec, 'CONTAINER_CREATED_EVENT');
    return id;
  }

  /** argv, cwd and environment of a container's process (or of an exec in it). */
  private processSpec(c: ContainerRec, argvOverride?: string[]): { argv: string[]; cwd: string; env: Record<string, string> } {
    const mounts = c.config.mounts;
    const sb = this.sandboxes.get(c.sandboxId);
    const env: Record<string, string> = {
      PATH: this.basePath,
      HOSTNAME: c.sandbox.hostname,
      HOME: c.workDir,
    };
    if (sb) env.POD_IP = sb.ip;
    for (const m of mounts) env[mountEnvName(m.containerPath)] = m.hostPath;
    for (const kv of c.config.envs) env[kv.key] = applyMounts(kv.value, mounts);
    let argv: string[];
    if (argvOverride) argv = argvOverride;
    else {
      const cmd = c.config.command.length ? c.config.command : [imageEntrypoint(c.config.image.image)];
      argv = [...cmd, ...c.config.args];
    }
    argv = argv.map((a) => applyMounts(a, mounts));
    let cwd = c.workDir;
    if (c.config.workingDir) {
      const wd = applyMounts(c.config.workingDir, mounts);
      if (wd !== c.config.workingDir || existsSync(wd)) cwd = wd;
      else {
        // a working directory that does not exist on the host is made inside the container's own dir
        cwd = join(c.workDir, c.config.workingDir);
        mkdirSync(cwd, { recursive: true });
      }
    }
    return { argv, cwd, env };
  }

  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    if (c.state !== 'CONTAINER_CREATED') throw new RuntimeError('FailedPrecondition', `container ${id} is not in created state`);
    const spec = this.processSpec(c);
    c.writer = new CriLogWriter(c.logPath);
    const fail = (message: string) => {
      c.state = 'CONTAINER_EXITED';
      c.exitCode = 128;
      c.reason = 'StartError';
      c.message = message;
      c.finishedAt = Date.now();
      c.writer?.close();
      c.writer = undefined;
      this.emit(c, 'CONTAINER_STOPPED_EVENT');
      return new RuntimeError('Internal', message);
    };
    if (!spec.argv.length || !spec.argv[0]) throw fail('failed to start container: no command specified');
    let child: ChildProcess;
    try {
      child = spawn(spec.argv[0], spec.argv.slice(1), { cwd: spec.cwd, env: spec.env, detached: true, stdio: [c.config.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw fail(`failed to start container: ${(err as Error).message}`);
    }
    const started = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (err) => resolve(err));
    });
    if (started) {
      const code = (started as NodeJS.ErrnoException).code;
      const msg = code === 'ENOENT'
        ? (isAbsolute(spec.argv[0]) || spec.argv[0].includes('/') ? `exec: "${spec.argv[0]}": stat ${spec.argv[0]}: no such file or directory` : `exec: "${spec.argv[0]}": executable file not found in $PATH`)
        : code === 'EACCES' ? `exec: "${spec.argv[0]}": permission denied` : started.message;
      throw fail(`failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${msg}: unknown`);
    }
    c.child = child;
    c.pid = child.pid;
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = Date.now();
    const st = c.pid ? readStat(c.pid) : undefined;
    try { writeFileSync(join(this.pidDir, id), `${c.pid} ${st?.starttime ?? 0}\n`); } catch { /* best effort */ }
    const writer = c.writer;
    child.stdout!.on('data', (d: Buffer) => writer.write('stdout', d));
    child.stderr!.on('data', (d: Buffer) => writer.write('stderr', d));
    child.on('error', () => { /* reported through exit */ });
    c.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        // the container's other processes go with its main process
        killGroup(c.pid, 'SIGKILL');
        for (const e of c.execs) killGroup(e.pid, 'SIGKILL');
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          writer.end('stdout');
          writer.end('stderr');
          writer.close();
          c.writer = undefined;
          c.state = 'CONTAINER_EXITED';
          c.finishedAt = Date.now();
          c.exitCode = code ?? 128 + signalNumber(signal);
          c.reason = c.oomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error';
          c.child = undefined;
          try { unlinkSync(join(this.pidDir, id)); } catch { /* gone */ }
          this.emit(c, 'CONTAINER_STOPPED_EVENT');
          resolve();
        };
        // wait for the output pipes to drain, but not for ever (a stray process may hold them)
        const t = setTimeout(() => { child.stdout?.destroy(); child.stderr?.destroy(); finish(); }, 2000);
        child.once('close', () => { clearTimeout(t); finish(); });
      });
    });
    if (c.memoryLimit) this.ensureOomWatch();
    this.emit(c, 'CONTAINER_STARTED_EVENT');
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    if (c.state === 'CONTAINER_CREATED') {
      c.state = 'CONTAINER_EXITED';
      c.finishedAt = Date.now();
      c.exitCode = 0;
      c.reason = 'Completed';
      this.emit(c, 'CONTAINER_STOPPED_EVENT');
      return;
    }
    if (c.state !== 'CONTAINER_RUNNING' || !c.exited) return;
    if (timeoutSeconds > 0) {
      killGroup(c.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        c.exited.then(() => false),
        new Promise<boolean>((r) => { timer = setTimeout(() => r(true), timeoutSeconds * 1000); }),
      ]);
      clearTimeout(timer);
      if (!timedOut) return;
    }
    killGroup(c.pid, 'SIGKILL');
    await c.exited;
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.state === 'CONTAINER_RUNNING') await this.stopContainer(id, 0);
    this.containers.delete(id);
    try { rmSync(c.workDir, { recursive: true, force: true }); } catch { /* best effort */ }
    try { rmSync(c.logPath, { force: true }); } catch { /* best effort */ }
    this.emit(c, 'CONTAINER_DELETED_EVENT');
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    return c ? this.statusOf(c) : undefined;
  }

  private statusOf(c: ContainerRec): ContainerStatus {
    return {
      id: c.id, metadata: { ...c.config.metadata }, state: c.state, createdAt: c.createdAt, startedAt: c.startedAt, finishedAt: c.finishedAt,
      exitCode: c.exitCode, image: { image: c.config.image.image }, imageRef: imageRef(c.config.image.image), reason: c.reason, message: c.message,
      labels: { ...c.config.labels }, annotations: { ...c.config.annotations }, mounts: c.config.mounts.map((m) => ({ ...m })), logPath: c.logPath,
    };
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const out: Container[] = [];
    for (const c of this.containers.values()) {
      if (filter?.id && filter.id !== c.id) continue;
      if (filter?.podSandboxId && filter.podSandboxId !== c.sandboxId) continue;
      if (filter?.state && filter.state !== c.state) continue;
      if (!labelsMatch(c.config.labels, filter?.labelSelector)) continue;
      out.push({
        id: c.id, podSandboxId: c.sandboxId, metadata: { ...c.config.metadata }, image: { image: c.config.image.image },
        imageRef: imageRef(c.config.image.image), state: c.state, createdAt: c.createdAt, labels: { ...c.config.labels }, annotations: { ...c.config.annotations },
      });
    }
    return out;
  }

  /** Full statuses of a sandbox's containers (one call instead of list + status each). */
  async sandboxContainerStatuses(sandboxId: string): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const c of this.containers.values()) if (c.sandboxId === sandboxId) out.push(this.statusOf(c));
    return out;
  }

  // --- exec, port forward, logs, stats ---

  private running(id: string): ContainerRec {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('FailedPrecondition', `container ${id} is not running`);
    return c;
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    const c = this.running(id);
    const spec = this.processSpec(c, cmd);
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        return reject(new RuntimeError('Internal', (err as Error).message));
      }
      c.execs.add(child);
      const out: Buffer[] = [];
      const errb: Buffer[] = [];
      child.stdout!.on('data', (d: Buffer) => out.push(d));
      child.stderr!.on('data', (d: Buffer) => errb.push(d));
      let timedOut = false;
      const timer = timeoutSeconds > 0 ? setTimeout(() => { timedOut = true; killGroup(child.pid, 'SIGKILL'); }, timeoutSeconds * 1000) : undefined;
      child.once('error', (err) => {
        clearTimeout(timer);
        c.execs.delete(child);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') resolve({ stdout: Buffer.alloc(0), stderr: Buffer.from(`exec: "${spec.argv[0]}": executable file not found in $PATH`), exitCode: 126 });
        else reject(new RuntimeError('Internal', err.message));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        c.execs.delete(child);
        if (timedOut) return reject(new RuntimeError('Internal', `command ${JSON.stringify(cmd.join(' '))} timed out`));
        resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(errb), exitCode: code ?? 128 + signalNumber(signal) });
      });
    });
  }

  async exec(id: string, req: ExecRequest): Promise<ExecSession> {
    const c = this.running(id);
    const spec = this.processSpec(c, req.cmd);
    if (!spec.argv.length) throw new RuntimeError('InvalidArgument', 'no command specified');
    let child: ChildProcess;
    if (req.tty) {
      const env = { ...spec.env, SHELL: '/bin/sh', TERM: spec.env.TERM ?? 'xterm' };
      child = spawn('script', ['-q', '-e', '-c', shellQuote(spec.argv), '/dev/null'], { cwd: spec.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    } else {
      child = spawn(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env: spec.env, detached: true, stdio: [req.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    }
    const spawnErr = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (err) => resolve(err));
    });
    c.execs.add(child);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    if (spawnErr) {
      c.execs.delete(child);
      const code = (spawnErr as NodeJS.ErrnoException).code;
      const msg = code === 'ENOENT' ? `exec: "${spec.argv[0]}": executable file not found in $PATH` : spawnErr.message;
      // as runc reports it: the message on the error stream, exit code 126/127
      const target = req.tty ? stdout : stderr;
      target.end(`OCI runtime exec failed: exec failed: unable to start container process: ${msg}: unknown\r\n`);
      if (target !== stdout) stdout.end(); else stderr.end();
      return { stdout: req.stdout || req.tty ? stdout : undefined, stderr: req.stderr && !req.tty ? stderr : undefined, resize: () => {}, exit: Promise.resolve(code === 'ENOENT' ? 127 : 126), kill: () => {} };
    }
    child.stdout!.pipe(stdout);
    if (req.tty) child.stderr!.pipe(stdout, { end: false }); else child.stderr!.pipe(stderr);
    child.on('error', () => { /* reported through exit */ });
    const exit = new Promise<number>((resolve) => {
      child.once('close', (code, signal) => {
        c.execs.delete(child);
        if (req.tty) stdout.end();
        resolve(code ?? 128 + signalNumber(signal));
      });
    });
    let pending: { w: number; h: number } | undefined;
    let resizing = false;
    const resize = (w: number, h: number) => {
      if (!req.tty || !child.pid) return;
      pending = { w, h };
      if (resizing) return;
      resizing = true;
      void (async () => {
        for (let attempt = 0; attempt < 20 && pending; attempt++) {
          const pts = ptyOf(child.pid!);
          if (!pts) { await new Promise((r) => setTimeout(r, 50)); continue; }
          const { w: cols, h: rows } = pending;
          pending = undefined;
          await new Promise<void>((r) => execFile('stty', ['-F', pts, 'rows', String(rows), 'cols', String(cols)], () => r()));
          attempt = -1;
        }
        resizing = false;
      })();
    };
    const stdin = req.stdin || req.tty ? child.stdin ?? undefined : undefined;
    stdin?.on('error', () => { /* the process went away */ });
    return {
      stdin,
      stdout: req.stdout || req.tty ? stdout : (stdout.resume(), undefined),
      stderr: req.stderr && !req.tty ? stderr : (stderr.resume(), undefined),
      resize,
      exit,
      kill: () => killGroup(child.pid, 'SIGKILL'),
    };
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new RuntimeError('NotFound', `pod sandbox ${sandboxId} not found`);
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: sb.ip, port });
      sock.once('connect', () => { sock.removeAllListeners('error'); resolve(sock); });
      sock.once('error', (err) => reject(new RuntimeError('Internal', `failed to connect to localhost:${port} inside namespace "${sandboxId}", IPv4: dial tcp4 ${sb.ip}:${port}: ${(err as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message}`)));
    });
  }

  async reopenContainerLog(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('FailedPrecondition', `container ${id} is not running`);
    c.writer?.reopen();
  }

  async containerStats(id: string): Promise<ContainerStats | undefined> {
    const c = this.containers.get(id);
    if (!c) return undefined;
    const now = Date.now();
    const g = c.state === 'CONTAINER_RUNNING' && c.pid ? scanGroups().get(c.pid) : undefined;
    return {
      attributes: { id, metadata: { ...c.config.metadata }, labels: { ...c.config.labels } },
      cpu: { timestamp: now, usageCoreNanoSeconds: (g?.ticks ?? 0) * TICK_NS },
      memory: { timestamp: now, workingSetBytes: (g?.rssPages ?? 0) * PAGE, rssBytes: (g?.rssPages ?? 0) * PAGE },
    };
  }

  private ensureOomWatch(): void {
    if (this.oomTimer) return;
    this.oomTimer = setInterval(() => {
      const limited = [...this.containers.values()].filter((c) => c.state === 'CONTAINER_RUNNING' && c.memoryLimit && c.pid);
      if (!limited.length) { clearInterval(this.oomTimer); this.oomTimer = undefined; return; }
      const groups = scanGroups();
      for (const c of limited) {
        const rss = (groups.get(c.pid!)?.rssPages ?? 0) * PAGE;
        if (rss > c.memoryLimit!) {
          c.oomKilled = true;
          killGroup(c.pid, 'SIGKILL');
        }
      }
    }, this.opts.oomCheckMs ?? 1000);
    this.oomTimer.unref();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.oomTimer);
    const running = [...this.containers.values()].filter((c) => c.state === 'CONTAINER_RUNNING');
    await Promise.all(running.map((c) => this.stopContainer(c.id, 2).catch(() => {})));
    for (const c of this.containers.values()) for (const e of c.execs) killGroup(e.pid, 'SIGKILL');
  }

  // --- images: nothing to pull; the image name is recorded ---

  async pullImage(image: ImageSpec): Promise<string> {
    return imageRef(image.image);
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    return { id: imageRef(image.image), repoTags: [image.image], repoDigests: [], size: 0 };
  }

  async listImages(): Promise<Image[]> {
    const seen = new Set<string>();
    for (const c of this.containers.values()) seen.add(c.config.image.image);
    return [...seen].map((i) => ({ id: imageRef(i), repoTags: [i], repoDigests: [], size: 0 }));
  }

  async removeImage(): Promise<void> {
    /* nothing stored */
  }

  /** counts, for tests and diagnostics */
  get stats(): { sandboxes: number; containers: number; ipsInUse: number } {
    return { sandboxes: this.sandboxes.size, containers: this.containers.size, ipsInUse: this.ips.inUse };
  }
}

export function imageRef(image: string): string {
  return 'sha256:' + createHash('sha256').update(image).digest('hex');
}

/** the pty of a `script`-wrapped exec: the slave its child has as stdin */
function ptyOf(scriptPid: number): string | undefined {
  try {
    const kids = readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const k of kids) {
      const p = readlinkSync(`/proc/${k}/fd/0`);
      if (p.startsWith('/dev/pts/')) return p;
    }
  } catch { /* not yet */ }
  return undefined;
}
