// The `cri` runtime: the kubelet's runtime interface mapped one to one onto CRI v1 RPCs of a
// containerd (started by timonel from its data dir, or an existing CRI socket), via src/cri.
//
// - Sandboxes: the pod's hostname, log directory, labels/annotations and hostPort mappings; its
//   network namespace is the node's (hostNetwork) or its own on the node's CNI bridge; the pod
//   cgroup is `<cgroupRoot>/pod<uid>`, removed with the sandbox. Containers get a PID namespace of
//   their own (Kubernetes' default) and share the pod's network and IPC namespaces.
// - Containers: image, command/args, env, workingDir, mounts (readOnly), tty/stdin, resources
//   (cpu shares/quota/period, memory limit) as CRI linux resources; logs in the CRI format at
//   `<logDirectory>/<logPath>`, written by containerd; OOM kills are reported with reason
//   OOMKilled (by containerd, or from the kernel log where containerd missed the OOM event).
// - Exec: ExecSync for probes and hooks; interactive exec through containerd's streaming server
//   over SPDY/3.1 (v4.channel.k8s.io), as client-go does, so stdin can be closed alone (WebSocket
//   v4 is there too, without that).
// - Port-forward: a TCP connection to the pod's IP from the host (every pod IP is reachable from
//   the node over the bridge; hostNetwork pods on 127.0.0.1).
// - Events: containerd 1.6 has no GetContainerEvents; container state changes are found by
//   listing containers every `eventPollMs` while someone listens.
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { criServerAddress } from '../../cri/auth.js';
import { removeCgroup } from '../../cri/cgroups.js';
import { CriClient, CriError, isNotFound } from '../../cri/client.js';
import { CriNode, type CriNodeOptions } from '../../cri/node.js';
import { KmsgOomWatcher } from '../../cri/oom.js';
import { connectSpdyStream } from '../../cri/spdy.js';
import { connectStream } from '../../cri/streaming.js';
import type {
  CriAuthConfig, CriContainer, CriContainerConfig, CriContainerStatus, CriImage, CriPodSandboxConfig, CriPodSandboxStatus,
} from '../../cri/types.js';
import {
  RuntimeError,
  type Container, type ContainerConfig, type ContainerEvent, type ContainerFilter, type ContainerStats, type ContainerStatus,
  type ExecRequest, type ExecSession, type ExecSyncResponse, type Image, type ImageService, type ImageSpec, type PodSandbox,
  type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus, type Runtime, type RuntimeService, type VersionInfo,
} from '../runtime.js';

export interface CriRuntimeOptions {
  client: CriClient;
  /** cgroup under which pod cgroups go (e.g. /timonel/<node>); none: containerd's default */
  cgroupRoot?: string;
  /** DNS of the pods (none: containerd copies the host's resolv.conf) */
  dns?: { servers: string[]; searches: string[]; options: string[] };
  /** the node owning containerd, stopped by shutdown() */
  node?: CriNode;
  /** interval of the container state poll that stands in for GetContainerEvents (ms, default 1000) */
  eventPollMs?: number;
  /** how exec talks to the streaming server (default spdy) */
  execTransport?: 'spdy' | 'websocket';
  /** OOM kills from the kernel log (default: a watcher of /dev/kmsg) */
  oom?: KmsgOomWatcher;
}

const ns = (t: number): number => (t > 0 ? Math.floor(t / 1e6) : 0);

/** how long after a SIGKILL exit an `Error` reason may still turn into `OOMKilled` (ms) */
const OOM_SETTLE_MS = 1000;

function toRuntimeError(e: unknown): Error {
  if (!(e instanceof CriError)) return e as Error;
  const code = e.code === 'NOT_FOUND' ? 'NotFound'
    : e.code === 'INVALID_ARGUMENT' ? 'InvalidArgument'
      : e.code === 'FAILED_PRECONDITION' ? 'FailedPrecondition' : 'Internal';
  return new RuntimeError(code, e.details);
}

/** grpc-go's name of a status code (`NOT_FOUND` -> `NotFound`, `CANCELLED` -> `Canceled`) */
function grpcCodeName(code: string): string {
  if (code === 'CANCELLED') return 'Canceled';
  return code.toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/**
 * A failed pull, worded as the kubelet shows CRI errors (`rpc error: code = NotFound desc = ...`):
 * that text is the waiting message and goes into the "Failed to pull image" event.
 */
function pullError(e: unknown): Error {
  if (!(e instanceof CriError)) return e as Error;
  const r = toRuntimeError(e);
  r.message = `rpc error: code = ${grpcCodeName(e.code)} desc = ${e.details}`;
  return r;
}

async function wrap<T>(p: Promise<T>): Promise<T> {
  try { return await p; } catch (e) { throw toRuntimeError(e); }
}

/** the CRI image reference of a container image name (containerd normalizes it itself) */
function imageName(image: string): string {
  return image.trim();
}

export class CriRuntime implements RuntimeService, ImageService {
  private readonly client: CriClient;
  private listeners: Array<(e: ContainerEvent) => void> = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private known = new Map<string, { sandbox: string; state: CriContainer['state'] }>();
  private polling = false;
  private closed = false;
  /** sandboxes this runtime made (what shutdown removes from a containerd it does not own) */
  private created = new Set<string>();

  private readonly oom: KmsgOomWatcher;

  constructor(private readonly opts: CriRuntimeOptions) {
    this.client = opts.client;
    this.oom = opts.oom ?? new KmsgOomWatcher();
  }

  /**
   * Starts a node's containerd (or connects to `endpoint`), its CNI config and pause image, and
   * returns the runtime over it. Throws with containerd's missing-binary message when it is not
   * installed (the agent then falls back to `process`).
   */
  static async start(o: CriNodeOptions & { dns?: CriRuntimeOptions['dns']; eventPollMs?: number }): Promise<CriRuntime> {
    const node = await CriNode.start(o);
    return new CriRuntime({ client: node.client, node, cgroupRoot: node.cgroupRoot, dns: o.dns, eventPollMs: o.eventPollMs });
  }

  asRuntime(): Runtime {
    return { name: 'containerd', runtime: this, images: this, hollow: false };
  }

  // ---- conversions ----

  private podCgroup(uid: string): string | undefined {
    return this.opts.cgroupRoot ? `${this.opts.cgroupRoot}/pod${uid}` : undefined;
  }

  /** the CRI PodSandboxConfig of a kubelet sandbox config (deterministic: sent again with CreateContainer) */
  sandboxConfig(c: PodSandboxConfig): CriPodSandboxConfig {
    const cgroupParent = this.podCgroup(c.metadata.uid);
    return {
      metadata: { name: c.metadata.name, uid: c.metadata.uid, namespace: c.metadata.namespace, attempt: c.metadata.attempt },
      hostname: c.hostname,
      logDirectory: c.logDirectory,
      dnsConfig: this.opts.dns && !c.hostNetwork ? this.opts.dns : null,
      portMappings: c.portMappings.map((p) => ({ protocol: p.protocol, containerPort: p.containerPort, hostPort: p.hostPort ?? 0, hostIp: p.hostIp ?? '' })),
      labels: c.labels,
      annotations: c.annotations,
      linux: {
        cgroupParent: cgroupParent ?? '',
        securityContext: { namespaceOptions: { network: c.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' } },
      },
    };
  }

  containerConfig(c: ContainerConfig, sandbox: PodSandboxConfig): CriContainerConfig {
    const r = c.linux?.resources;
    return {
      metadata: { name: c.metadata.name, attempt: c.metadata.attempt },
      image: { image: imageName(c.image.image) },
      command: c.command,
      args: c.args,
      workingDir: c.workingDir ?? '',
      envs: c.envs,
      mounts: c.mounts.map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, propagation: 'PROPAGATION_PRIVATE' })),
      labels: c.labels,
      annotations: c.annotations,
      logPath: c.logPath,
      stdin: !!c.stdin,
      stdinOnce: !!c.stdinOnce,
      tty: !!c.tty,
      linux: {
        resources: {
          cpuPeriod: r?.cpuPeriod ?? 0,
          cpuQuota: r?.cpuQuota ?? 0,
          // 2 (the kernel's minimum share) when nothing is requested, as the kubelet sends
          cpuShares: r?.cpuShares ?? 2,
          memoryLimitInBytes: r?.memoryLimitInBytes ?? 0,
          ...(r?.oomScoreAdj !== undefined ? { oomScoreAdj: r.oomScoreAdj } : {}),
        },
        securityContext: { namespaceOptions: { network: sandbox.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' } },
      },
    };
  }

  private static sandboxStatus(s: CriPodSandboxStatus): PodSandboxStatus {
    return {
      id: s.id,
      metadata: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace ?? '', uid: s.metadata?.uid ?? '', attempt: s.metadata?.attempt ?? 0 },
      state: s.state,
      createdAt: ns(s.createdAt),
      network: { ip: s.network?.ip ?? '', additionalIps: (s.network?.additionalIps ?? []).map((x) => x.ip) },
      labels: s.labels,
      annotations: s.annotations,
    };
  }

  private static containerStatus(s: CriContainerStatus): ContainerStatus {
    return {
      id: s.id,
      metadata: { name: s.metadata?.name ?? '', attempt: s.metadata?.attempt ?? 0 },
      state: s.state,
      createdAt: ns(s.createdAt),
      startedAt: ns(s.startedAt),
      finishedAt: ns(s.finishedAt),
      exitCode: s.exitCode,
      image: { image: s.image?.image ?? '' },
      imageRef: s.imageRef,
      reason: s.reason,
      message: s.message,
      labels: s.labels,
      annotations: s.annotations,
      mounts: s.mounts.map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: !!m.readonly })),
      logPath: s.logPath,
    };
  }

  private static container(c: CriContainer): Container {
    return {
      id: c.id,
      podSandboxId: c.podSandboxId,
      metadata: { name: c.metadata?.name ?? '', attempt: c.metadata?.attempt ?? 0 },
      image: { image: c.image?.image ?? '' },
      imageRef: c.imageRef,
      state: c.state,
      createdAt: ns(c.createdAt),
      labels: c.labels,
      annotations: c.annotations,
    };
  }

  private static image(i: CriImage): Image {
    return { id: i.id, repoTags: i.repoTags, repoDigests: i.repoDigests, size: i.size };
  }

  // ---- RuntimeService ----

  async version(): Promise<VersionInfo> {
    const v = await wrap(this.client.version());
    return { runtimeName: v.runtimeName, runtimeVersion: v.runtimeVersion, runtimeApiVersion: v.runtimeApiVersion };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    mkdirSync(config.logDirectory, { recursive: true });
    const id = await wrap(this.client.runPodSandbox(this.sandboxConfig(config)));
    this.created.add(id);
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    try {
      await this.client.stopPodSandbox(podSandboxId);
    } catch (e) {
      if (!isNotFound(e)) throw toRuntimeError(e);
    }
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    let uid: string | undefined;
    try {
      uid = (await this.client.podSandboxStatus(podSandboxId)).status.metadata?.uid;
    } catch (e) {
      if (isNotFound(e)) return;
    }
    try {
      await this.client.stopPodSandbox(podSandboxId);
      await this.client.removePodSandbox(podSandboxId);
    } catch (e) {
      if (!isNotFound(e)) throw toRuntimeError(e);
    }
    this.created.delete(podSandboxId);
    const cg = uid ? this.podCgroup(uid) : undefined;
    if (cg && uid && !(await this.hasSandboxOf(uid))) removeCgroup(cg);
  }

  private async hasSandboxOf(uid: string): Promise<boolean> {
    const all = await this.client.listPodSandbox();
    return all.some((s) => s.metadata?.uid === uid);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus | undefined> {
    try {
      return CriRuntime.sandboxStatus((await this.client.podSandboxStatus(podSandboxId)).status);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw toRuntimeError(e);
    }
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const items = await wrap(this.client.listPodSandbox(filter ? {
      id: filter.id ?? '',
      state: filter.state ? { state: filter.state } : null,
      labelSelector: filter.labelSelector ?? {},
    } : undefined));
    return items.map((s) => ({
      id: s.id,
      metadata: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace ?? '', uid: s.metadata?.uid ?? '', attempt: s.metadata?.attempt ?? 0 },
      state: s.state,
      createdAt: ns(s.createdAt),
      labels: s.labels,
    }));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    return wrap(this.client.createContainer(podSandboxId, this.containerConfig(config, sandboxConfig), this.sandboxConfig(sandboxConfig)));
  }

  async startContainer(containerId: string): Promise<void> {
    await wrap(this.client.startContainer(containerId));
    this.pollSoon();
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.client.stopContainer(containerId, Math.max(0, Math.floor(timeoutSeconds)));
    } catch (e) {
      if (!isNotFound(e)) throw toRuntimeError(e);
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    try {
      await this.client.removeContainer(containerId);
    } catch (e) {
      if (!isNotFound(e)) throw toRuntimeError(e);
    }
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    try {
      return CriRuntime.containerStatus(await this.settleOom((await this.client.containerStatus(containerId)).status));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw toRuntimeError(e);
    }
  }

  /**
   * containerd learns of an OOM kill from the shim's cgroup notification, registered only once the
   * container runs, and handled apart from the exit: a container OOM-killed early (or on a busy
   * node) may read `Error`. The kernel log says which container's task was killed (src/cri/oom.ts);
   * where it cannot be read, a fresh SIGKILL exit of a memory-limited container is re-read for up
   * to OOM_SETTLE_MS in case containerd's event is only late.
   */
  private async settleOom(s: CriContainerStatus): Promise<CriContainerStatus> {
    if (s.state !== 'CONTAINER_EXITED' || s.reason !== 'Error') return s;
    if (this.oom.wasOomKilled(s.id)) return { ...s, reason: 'OOMKilled' };
    const limited = (s.resources?.linux?.memoryLimitInBytes ?? 0) > 0;
    if (s.exitCode !== 137 || !limited || this.oom.available) return s;
    const finished = ns(s.finishedAt);
    while (Date.now() - finished < OOM_SETTLE_MS) {
      await new Promise((r) => setTimeout(r, 50));
      const again = (await this.client.containerStatus(s.id)).status;
      if (again.reason !== 'Error') return again;
      s = again;
    }
    return s;
  }

  /** every container status of a sandbox (the pod worker's fast path) */
  async sandboxContainerStatuses(podSandboxId: string): Promise<ContainerStatus[]> {
    const list = await wrap(this.client.listContainers({ podSandboxId }));
    const out = await Promise.all(list.map((c) => this.containerStatus(c.id)));
    return out.filter((s): s is ContainerStatus => s !== undefined);
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const items = await wrap(this.client.listContainers(filter ? {
      id: filter.id ?? '',
      state: filter.state ? { state: filter.state } : null,
      podSandboxId: filter.podSandboxId ?? '',
      labelSelector: filter.labelSelector ?? {},
    } : undefined));
    return items.map((c) => CriRuntime.container(c));
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    const r = await wrap(this.client.execSync(containerId, cmd, Math.max(0, Math.ceil(timeoutSeconds))));
    return { stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.stderr), exitCode: r.exitCode };
  }

  async exec(containerId: string, req: ExecRequest): Promise<ExecSession> {
    const url = await wrap(this.client.exec({
      containerId, cmd: req.cmd, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr && !req.tty,
    }));
    const o = { stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, tty: req.tty };
    return this.opts.execTransport === 'websocket' ? connectStream(url, o) : connectSpdyStream(url, o);
  }

  async portForward(podSandboxId: string, port: number): Promise<Duplex> {
    const st = await this.podSandboxStatus(podSandboxId);
    if (!st) throw new RuntimeError('NotFound', `pod sandbox ${podSandboxId} not found`);
    const host = st.network.ip || '127.0.0.1';
    return new Promise<Duplex>((resolve, reject) => {
      const sock = net.connect({ host, port });
      sock.once('connect', () => resolve(sock));
      sock.once('error', (err) => reject(new RuntimeError('Internal', `port-forward to ${host}:${port}: ${err.message}`)));
    });
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await wrap(this.client.reopenContainerLog(containerId));
  }

  async containerStats(containerId: string): Promise<ContainerStats | undefined> {
    let s;
    try {
      s = await this.client.containerStats(containerId);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw toRuntimeError(e);
    }
    return {
      attributes: {
        id: s.attributes?.id ?? containerId,
        metadata: { name: s.attributes?.metadata?.name ?? '', attempt: s.attributes?.metadata?.attempt ?? 0 },
        labels: s.attributes?.labels ?? {},
      },
      cpu: { timestamp: ns(s.cpu?.timestamp ?? 0), usageCoreNanoSeconds: s.cpu?.usageCoreNanoSeconds?.value ?? 0 },
      memory: {
        timestamp: ns(s.memory?.timestamp ?? 0),
        workingSetBytes: s.memory?.workingSetBytes?.value ?? 0,
        rssBytes: s.memory?.rssBytes?.value ?? 0,
      },
    };
  }

  onContainerEvent(listener: (e: ContainerEvent) => void): void {
    this.listeners.push(listener);
    this.schedulePoll();
  }

  private schedulePoll(delay = this.opts.eventPollMs ?? 1000): void {
    if (this.closed || this.listeners.length === 0 || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll().finally(() => this.schedulePoll());
    }, delay);
    this.pollTimer.unref();
  }

  private pollSoon(): void {
    if (this.pollTimer) {
      clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
    }
    this.schedulePoll(200);
  }

  /** diffs container states against the last poll and emits the changes as events */
  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      let list: CriContainer[];
      try { list = await this.client.listContainers(); } catch { return; }
      const now = Date.now();
      const seen = new Set<string>();
      const events: ContainerEvent[] = [];
      for (const c of list) {
        seen.add(c.id);
        const prev = this.known.get(c.id);
        if (!prev) {
          this.known.set(c.id, { sandbox: c.podSandboxId, state: c.state });
          // first sight of an already exited container is a stop the kubelet may not have seen
          if (c.state === 'CONTAINER_EXITED') events.push({ containerId: c.id, podSandboxId: c.podSandboxId, type: 'CONTAINER_STOPPED_EVENT', createdAt: now });
          continue;
        }
        if (prev.state === c.state) continue;
        prev.state = c.state;
        const type = c.state === 'CONTAINER_RUNNING' ? 'CONTAINER_STARTED_EVENT' : c.state === 'CONTAINER_EXITED' ? 'CONTAINER_STOPPED_EVENT' : 'CONTAINER_CREATED_EVENT';
        events.push({ containerId: c.id, podSandboxId: c.podSandboxId, type, createdAt: now });
      }
      for (const [id, k] of this.known) {
        if (seen.has(id)) continue;
        this.known.delete(id);
        events.push({ containerId: id, podSandboxId: k.sandbox, type: 'CONTAINER_DELETED_EVENT', createdAt: now });
      }
      for (const e of events) {
        for (const l of this.listeners) {
          try { l(e); } catch { /* listener bug */ }
        }
      }
    } finally {
      this.polling = false;
    }
  }

  /** stops and removes every pod sandbox; stops containerd when timonel started it */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.oom.close();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (this.opts.node?.managed) {
      await this.opts.node.stop();
      return;
    }
    // a containerd we do not own (or a client of tests): its other pods are none of our business
    const ids = this.opts.node ? [...this.created] : (await this.listPodSandbox()).map((s) => s.id);
    for (const id of ids) {
      try { await this.removePodSandbox(id); } catch { /* best effort */ }
    }
    if (this.opts.node) await this.opts.node.stop();
    else this.client.close();
  }

  // ---- ImageService ----

  /**
   * Pulls through containerd's registry client. `auth` (from imagePullSecrets, see
   * src/cri/auth.ts credentialsForImage) may hold several candidates: tried in turn, as the
   * kubelet tries each matching credential (none: an anonymous pull).
   */
  async pullImage(image: ImageSpec, sandboxConfig?: PodSandboxConfig, auth?: CriAuthConfig | CriAuthConfig[]): Promise<string> {
    const spec = { image: imageName(image.image) };
    const sb = sandboxConfig ? this.sandboxConfig(sandboxConfig) : undefined;
    // containerd 1.6 matches a credential's serverAddress as a URL against the registry host
    const list = (auth === undefined ? [] : Array.isArray(auth) ? auth : [auth])
      .map((a) => (a.serverAddress ? { ...a, serverAddress: criServerAddress(a.serverAddress) } : a));
    const candidates: (CriAuthConfig | undefined)[] = list.length ? list : [undefined];
    let lastErr: unknown;
    for (const a of candidates) {
      try {
        return await this.client.pullImage(spec, a, sb);
      } catch (e) {
        lastErr = e;
      }
    }
    throw pullError(lastErr);
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    const i = await wrap(this.client.imageStatus({ image: imageName(image.image) }));
    return i ? CriRuntime.image(i) : undefined;
  }

  async listImages(): Promise<Image[]> {
    return (await wrap(this.client.listImages())).map((i) => CriRuntime.image(i));
  }

  async removeImage(image: ImageSpec): Promise<void> {
    try {
      await this.client.removeImage({ image: imageName(image.image) });
    } catch (e) {
      if (!isNotFound(e)) throw toRuntimeError(e);
    }
  }
}
