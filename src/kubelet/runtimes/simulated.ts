// The `simulated` runtime: hollow pods for scale tests. Nothing runs: a started container is
// Running at once (or after a configured delay), exec answers with canned output and exit code 0,
// logs hold one canned line, probes pass (the kubelet does not run them for a hollow runtime), and
// a port-forward echoes what it is sent. A few small records per pod, no processes, no timers
// unless a delay or an exit is configured, so many hollow nodes fit in one process.
//
// Per-pod knobs (pod annotations, copied to the sandbox by the kubelet):
//   simulated.timonel.io/exit-after: "5s"   containers exit after this long (default: pods with
//                                           restartPolicy Never/OnFailure exit after 1s, others run)
//   simulated.timonel.io/exit-code: "1"     their exit code (default 0)
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import { formatNanos, formatRecord, nowNanos } from '../crilog.js';
import { IpRange, imageRef } from './process.js';
import {
  RuntimeError, labelsMatch,
  type Container, type ContainerConfig, type ContainerEvent, type ContainerFilter, type ContainerStats, type ContainerStatus,
  type ExecRequest, type ExecSession, type ExecSyncResponse, type Image, type ImageService, type ImageSpec, type PodSandbox,
  type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus, type Runtime, type RuntimeService, type VersionInfo,
} from '../runtime.js';

export interface SimulatedRuntimeOptions {
  /** the node's pod range (addresses are only reported, never used); default 127.2.0.0/16 */
  podCidr?: string;
  nodeIP?: string;
  /** a started container becomes Running after this long (default 0: at once) */
  startDelayMs?: number;
  /** default exit-after for pods whose restartPolicy is not Always (default 1000) */
  runToCompletionMs?: number;
  /** write the canned log line (default true) */
  writeLogs?: boolean;
}

export const ANNOTATION_EXIT_AFTER = 'simulated.timonel.io/exit-after';
export const ANNOTATION_EXIT_CODE = 'simulated.timonel.io/exit-code';
export const ANNOTATION_RESTART_POLICY = 'io.kubernetes.pod.restartPolicy';

interface Sandbox {
  id: string;
  config: PodSandboxConfig;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: number;
  ip: string;
  allocated: boolean;
}

interface Ctr {
  id: string;
  sandbox: Sandbox;
  config: ContainerConfig;
  state: ContainerStatus['state'];
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  logPath: string;
  timer?: NodeJS.Timeout;
  stopWaiters?: Array<() => void>;
}

function parseDuration(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

const newId = () => randomBytes(16).toString('hex');

export class SimulatedRuntime implements RuntimeService, ImageService {
  private sandboxes = new Map<string, Sandbox>();
  private containers = new Map<string, Ctr>();
  private listeners: Array<(e: ContainerEvent) => void> = [];
  private ips: IpRange;

  constructor(private readonly opts: SimulatedRuntimeOptions = {}) {
    this.ips = new IpRange(opts.podCidr ?? '127.2.0.0/16');
  }

  asRuntime(): Runtime {
    return { name: 'simulated', runtime: this, images: this, hollow: true };
  }

  private emit(c: Ctr, type: ContainerEvent['type']): void {
    if (!this.listeners.length) return;
    const e: ContainerEvent = { containerId: c.id, podSandboxId: c.sandbox.id, type, createdAt: Date.now() };
    for (const l of this.listeners) {
      try { l(e); } catch { /* listener bug */ }
    }
  }

  onContainerEvent(listener: (e: ContainerEvent) => void): void {
    this.listeners.push(listener);
  }

  async version(): Promise<VersionInfo> {
    return { runtimeName: 'simulated', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = newId();
    const ip = config.hostNetwork ? this.opts.nodeIP ?? '127.0.0.1' : this.ips.allocate();
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt: Date.now(), ip, allocated: !config.hostNetwork });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    for (const c of this.containers.values()) if (c.sandbox === sb && (c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED')) this.exit(c, 137, 'Error');
    if (sb.state === 'SANDBOX_READY' && sb.allocated) this.ips.release(sb.ip);
    sb.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    await this.stopPodSandbox(id);
    for (const c of [...this.containers.values()]) if (c.sandbox === sb) await this.removeContainer(c.id);
    this.sandboxes.delete(id);
    if (this.opts.writeLogs !== false) {
      try { rmSync(sb.config.logDirectory, { recursive: true, force: true }); } catch { /* best effort */ }
    }
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const sb = this.sandboxes.get(id);
    if (!sb) return undefined;
    return { id, metadata: sb.config.metadata, state: sb.state, createdAt: sb.createdAt, network: { ip: sb.ip, additionalIps: [] }, labels: sb.config.labels, annotations: sb.config.annotations };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const out: PodSandbox[] = [];
    for (const sb of this.sandboxes.values()) {
      if (filter?.id && filter.id !== sb.id) continue;
      if (filter?.state && filter.state !== sb.state) continue;
      if (!labelsMatch(sb.config.labels, filter?.labelSelector)) continue;
      out.push({ id: sb.id, metadata: sb.config.metadata, state: sb.state, createdAt: sb.createdAt, labels: sb.config.labels });
    }
    return out;
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new RuntimeError('NotFound', `pod sandbox ${sandboxId} not found`);
    if (sb.state !== 'SANDBOX_READY') throw new RuntimeError('FailedPrecondition', `pod sandbox ${sandboxId} is not ready`);
    const id = newId();
    const c: Ctr = { id, sandbox: sb, config, state: 'CONTAINER_CREATED', createdAt: Date.now(), startedAt: 0, finishedAt: 0, exitCode: 0, reason: '', logPath: join(sandboxConfig.logDirectory, config.logPath) };
    this.containers.set(id, c);
    this.emit(c, 'CONTAINER_CREATED_EVENT');
    return id;
  }

  private exitPlan(c: Ctr): { after: number; code: number } | undefined {
    const ann = c.sandbox.config.annotations;
    const code = Number(ann[ANNOTATION_EXIT_CODE] ?? 0) || 0;
    const explicit = parseDuration(ann[ANNOTATION_EXIT_AFTER]);
    if (explicit !== undefined) return { after: explicit, code };
    const policy = c.config.annotations[ANNOTATION_RESTART_POLICY] ?? ann[ANNOTATION_RESTART_POLICY];
    if (policy && policy !== 'Always') return { after: this.opts.runToCompletionMs ?? 1000, code };
    return undefined;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    if (c.state !== 'CONTAINER_CREATED') throw new RuntimeError('FailedPrecondition', `container ${id} is not in created state`);
    const run = () => {
      c.timer = undefined;
      if (c.state !== 'CONTAINER_CREATED') return;
      c.state = 'CONTAINER_RUNNING';
      c.startedAt = Date.now();
      if (this.opts.writeLogs !== false) {
        try {
          mkdirSync(dirname(c.logPath), { recursive: true });
          writeFileSync(c.logPath, formatRecord(formatNanos(nowNanos()), 'stdout', false, `simulated container ${c.config.metadata.name} started`));
        } catch { /* best effort */ }
      }
      this.emit(c, 'CONTAINER_STARTED_EVENT');
      const plan = this.exitPlan(c);
      if (plan) {
        c.timer = setTimeout(() => this.exit(c, plan.code, plan.code === 0 ? 'Completed' : 'Error'), plan.after);
        c.timer.unref();
      }
    };
    const delay = this.opts.startDelayMs ?? 0;
    if (delay > 0) {
      c.timer = setTimeout(run, delay);
      c.timer.unref();
    } else run();
  }

  private exit(c: Ctr, code: number, reason: string): void {
    if (c.state === 'CONTAINER_EXITED') return;
    clearTimeout(c.timer);
    c.timer = undefined;
    c.state = 'CONTAINER_EXITED';
    c.exitCode = code;
    c.reason = reason;
    c.finishedAt = Date.now();
    if (!c.startedAt) c.startedAt = c.finishedAt;
    for (const w of c.stopWaiters?.splice(0) ?? []) w();
    this.emit(c, 'CONTAINER_STOPPED_EVENT');
  }

  async stopContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    // a hollow process handles SIGTERM at once
    this.exit(c, c.state === 'CONTAINER_RUNNING' ? 143 : 0, c.state === 'CONTAINER_RUNNING' ? 'Error' : 'Completed');
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    clearTimeout(c.timer);
    this.containers.delete(id);
    this.emit(c, 'CONTAINER_DELETED_EVENT');
  }

  private statusOf(c: Ctr): ContainerStatus {
    return {
      id: c.id, metadata: c.config.metadata, state: c.state, createdAt: c.createdAt, startedAt: c.startedAt, finishedAt: c.finishedAt,
      exitCode: c.exitCode, image: c.config.image, imageRef: imageRef(c.config.image.image), reason: c.reason, message: '',
      labels: c.config.labels, annotations: c.config.annotations, mounts: c.config.mounts, logPath: c.logPath,
    };
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(id);
    return c ? this.statusOf(c) : undefined;
  }

  async sandboxContainerStatuses(sandboxId: string): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const c of this.containers.values()) if (c.sandbox.id === sandboxId) out.push(this.statusOf(c));
    return out;
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const out: Container[] = [];
    for (const c of this.containers.values()) {
      if (filter?.id && filter.id !== c.id) continue;
      if (filter?.podSandboxId && filter.podSandboxId !== c.sandbox.id) continue;
      if (filter?.state && filter.state !== c.state) continue;
      if (!labelsMatch(c.config.labels, filter?.labelSelector)) continue;
      out.push({ id: c.id, podSandboxId: c.sandbox.id, metadata: c.config.metadata, image: c.config.image, imageRef: imageRef(c.config.image.image), state: c.state, createdAt: c.createdAt, labels: c.config.labels, annotations: c.config.annotations });
    }
    return out;
  }

  private running(id: string): Ctr {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('FailedPrecondition', `container ${id} is not running`);
    return c;
  }

  async execSync(id: string): Promise<ExecSyncResponse> {
    this.running(id);
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 };
  }

  async exec(id: string, req: ExecRequest): Promise<ExecSession> {
    const c = this.running(id);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = req.stdin ? new PassThrough() : undefined;
    stdin?.resume();
    stdout.end(`simulated exec in ${c.config.metadata.name}: ${req.cmd.join(' ')}${req.tty ? '\r\n' : '\n'}`);
    stderr.end();
    return { stdin, stdout: req.stdout || req.tty ? stdout : undefined, stderr: req.stderr && !req.tty ? stderr : undefined, resize: () => {}, exit: Promise.resolve(0), kill: () => {} };
  }

  async portForward(id: string): Promise<Duplex> {
    if (!this.sandboxes.has(id)) throw new RuntimeError('NotFound', `pod sandbox ${id} not found`);
    return new PassThrough();
  }

  async reopenContainerLog(id: string): Promise<void> {
    this.running(id);
  }

  async containerStats(id: string): Promise<ContainerStats | undefined> {
    const c = this.containers.get(id);
    if (!c) return undefined;
    const now = Date.now();
    const running = c.state === 'CONTAINER_RUNNING';
    return {
      attributes: { id, metadata: c.config.metadata, labels: c.config.labels },
      cpu: { timestamp: now, usageCoreNanoSeconds: running ? (now - c.startedAt) * 1000 : 0 },
      memory: { timestamp: now, workingSetBytes: running ? 4 << 20 : 0, rssBytes: running ? 4 << 20 : 0 },
    };
  }

  async shutdown(): Promise<void> {
    for (const c of this.containers.values()) clearTimeout(c.timer);
  }

  async pullImage(image: ImageSpec): Promise<string> {
    return imageRef(image.image);
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    return { id: imageRef(image.image), repoTags: [image.image], repoDigests: [], size: 0 };
  }

  async listImages(): Promise<Image[]> {
    return [];
  }

  async removeImage(): Promise<void> {
    /* nothing stored */
  }

  get stats(): { sandboxes: number; containers: number } {
    return { sandboxes: this.sandboxes.size, containers: this.containers.size };
  }
}
