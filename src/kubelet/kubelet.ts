// The node agent: registers its Node, renews its Lease in kube-node-lease, reports node status,
// and runs the pods bound to it (a PodWorker per pod) through a CRI-shaped runtime. The streaming
// server (server.ts) serves logs, exec and port-forward for its pods through the lookups here.
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deepEqual, type KubeObject } from '../api/object.js';
import { StatusError } from '../api/errors.js';
import type { KubeClient } from '../client/client.js';
import { EventRecorder } from '../client/events.js';
import { R } from '../client/factory.js';
import { Informer } from '../client/informer.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import { rotateIfNeeded } from './crilog.js';
import type { EnvObjects } from './env.js';
import { PodWorker, type WorkerContext } from './podworker.js';
import { parseQuantity } from './quantity.js';
import type { ContainerStatus, Runtime, RuntimeService } from './runtime.js';
import { LABEL } from './runtime.js';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface PodHandlers {
  add?: (pod: Pod) => void;
  update?: (pod: Pod, old: Pod) => void;
  delete?: (pod: Pod) => void;
}

/** Where a kubelet learns about the pods bound to its node. */
export interface PodSource {
  subscribe(nodeName: string, handlers: PodHandlers): void;
  unsubscribe(nodeName: string): void;
  start(): void;
  waitForSync(): Promise<void>;
  stop(): void;
}

/** One informer on pods with fieldSelector spec.nodeName=<node>. */
export class NodePodSource implements PodSource {
  private informer: Informer<Pod & KubeObject> | undefined;
  private handlers: PodHandlers | undefined;

  constructor(private readonly client: KubeClient, private readonly nodeName: string) {}

  subscribe(nodeName: string, handlers: PodHandlers): void {
    if (nodeName !== this.nodeName) throw new Error(`this pod source serves node ${this.nodeName}`);
    this.handlers = handlers;
  }

  unsubscribe(): void {
    this.handlers = undefined;
  }

  start(): void {
    this.informer = new Informer<Pod & KubeObject>(this.client, R.pods, { fieldSelector: `spec.nodeName=${this.nodeName}` });
    this.informer.on({
      add: (p) => this.handlers?.add?.(p),
      update: (p, o) => this.handlers?.update?.(p, o),
      delete: (p) => this.handlers?.delete?.(p),
    });
    this.informer.start();
  }

  waitForSync(): Promise<void> {
    return this.informer ? this.informer.waitForSync() : Promise.resolve();
  }

  stop(): void {
    this.informer?.stop();
  }
}

/** One informer on all bound pods, shared by many (hollow) kubelets of one process. */
export class SharedPodSource implements PodSource {
  private informer: Informer<Pod & KubeObject>;
  private subs = new Map<string, PodHandlers>();
  private started = false;

  constructor(client: KubeClient) {
    this.informer = new Informer<Pod & KubeObject>(client, R.pods, { fieldSelector: 'spec.nodeName!=' });
    const route = (p: Pod) => this.subs.get(p.spec?.nodeName ?? '');
    this.informer.on({
      add: (p) => route(p)?.add?.(p),
      update: (p, o) => route(p)?.update?.(p, o),
      delete: (p) => route(p)?.delete?.(p),
    });
  }

  subscribe(nodeName: string, handlers: PodHandlers): void {
    this.subs.set(nodeName, handlers);
    if (this.informer.hasSynced()) for (const p of this.informer.list()) if (p.spec?.nodeName === nodeName) handlers.add?.(p);
  }

  unsubscribe(nodeName: string): void {
    this.subs.delete(nodeName);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.informer.start();
  }

  waitForSync(): Promise<void> {
    return this.informer.waitForSync();
  }

  stop(): void {
    this.informer.stop();
  }
}

export interface KubeletOptions {
  client: KubeClient;
  nodeName: string;
  runtime: Runtime;
  /** the agent's data dir: pod volumes, container logs */
  dataDir: string;
  /** the node's InternalIP (default 127.0.0.1) */
  nodeIP?: string;
  /** the streaming server's port, reported as status.daemonEndpoints.kubeletEndpoint.Port */
  kubeletPort?: number;
  labels?: Record<string, string>;
  /** labels the node node-role.kubernetes.io/control-plane */
  controlPlane?: boolean;
  taints?: Taint[];
  /** capacity overrides (hollow nodes); by default read from the host */
  capacity?: Partial<Record<'cpu' | 'memory' | 'pods' | 'ephemeral-storage', string>>;
  /** the node's pod range, written to spec.podCIDR when the node is registered */
  podCidr?: string;
  backoff?: BackoffOptions;
  /** periodic re-sync of each pod (default 10s; hollow runtimes 60s) */
  resyncMs?: number;
  leaseDurationSeconds?: number;
  leaseRenewMs?: number;
  nodeStatusUpdateMs?: number;
  nodeStatusReportMs?: number;
  logMaxBytes?: number;
  logMaxFiles?: number;
  clock?: Clock;
  kubeletVersion?: string;
  podSource?: PodSource;
  log?: (msg: string) => void;
}

const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function goArch(): string {
  const a = os.arch();
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[a] ?? a;
}

function readTrim(path: string): string {
  try { return readFileSync(path, 'utf8').trim(); } catch { return ''; }
}

function osImage(): string {
  const text = readTrim('/etc/os-release');
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m?.[1] ?? 'Linux';
}

/** The first free pod range: /16 ranges 127.1-99.0.0 for real nodes, /24 ranges from 127.100.0.0 for hollow ones. */
export function choosePodCidr(used: Iterable<string>, prefix: 16 | 24 = 16): string {
  const taken = new Set(used);
  if (prefix === 16) {
    for (let a = 1; a < 100; a++) if (!taken.has(`127.${a}.0.0/16`)) return `127.${a}.0.0/16`;
  } else {
    for (let a = 100; a < 255; a++) for (let b = 0; b < 256; b++) if (!taken.has(`127.${a}.${b}.0/24`)) return `127.${a}.${b}.0/24`;
  }
  throw new Error('no free pod range on the loopback network');
}

/** The pod range a node should use: the one its Node object has, or a free one. */
export async function podCidrFor(client: KubeClient, nodeName: string, prefix: 16 | 24 = 16): Promise<string> {
  const list = await client.list<{ metadata: { name: string }; spec?: { podCIDR?: string } }>(R.nodes);
  const mine = list.items.find((n) => n.metadata.name === nodeName)?.spec?.podCIDR;
  if (mine) return mine;
  return choosePodCidr(list.items.map((n) => n.spec?.podCIDR).filter((c): c is string => !!c), prefix);
}

export type ContainerLookup =
  | { ok: true; container: string; status: ContainerStatus; runtime: RuntimeService }
  | { ok: false; code: number; message: string };

export interface SandboxLookup {
  sandboxId: string;
  runtime: RuntimeService;
}

/** What the streaming server needs from the node agent(s). */
export interface StreamingBackend {
  lookupContainer(namespace: string, podName: string, containerName: string | undefined, previous?: boolean): Promise<ContainerLookup>;
  lookupSandbox(namespace: string, podName: string): SandboxLookup | undefined;
  pods?(): unknown[];
}

type NodeStatusBody = Record<string, unknown> & { conditions: Array<Record<string, string>> };

export class Kubelet {
  readonly nodeName: string;
  readonly runtime: Runtime;
  private client: KubeClient;
  private clock: Clock;
  private recorder: EventRecorder;
  private backoff: Backoff;
  private workers = new Map<string, PodWorker>();
  private byName = new Map<string, PodWorker>();
  private bySandbox = new Map<string, PodWorker>();
  private podSource: PodSource;
  private ownSource: boolean;
  private timers = new Set<TimerHandle>();
  private nodeUid: string | undefined;
  private lease: KubeObject | undefined;
  private lastReported: NodeStatusBody | undefined;
  private lastReportAt = 0;
  private stopped = false;
  private nodeIP: string;
  private ctx: WorkerContext;
  private allocatableNumbers: { cpu: number; memory: number; 'ephemeral-storage': number };
  private transitions = new Map<string, { status: string; at: string }>();
  private log: (msg: string) => void;
  /** `<runtime name>://<version>` as the runtime reports it (CRI Version) */
  private runtimeVersion: string;

  constructor(private readonly opts: KubeletOptions) {
    this.nodeName = opts.nodeName;
    this.runtime = opts.runtime;
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.nodeIP = opts.nodeIP ?? '127.0.0.1';
    this.log = opts.log ?? ((m) => console.error(`kubelet ${this.nodeName}: ${m}`));
    this.runtimeVersion = `${opts.runtime.name}://0.1.0`;
    this.recorder = new EventRecorder(opts.client, 'kubelet', opts.nodeName);
    this.backoff = new Backoff(opts.backoff, this.clock);
    this.ownSource = !opts.podSource;
    this.podSource = opts.podSource ?? new NodePodSource(opts.client, opts.nodeName);
    const alloc = this.allocatable();
    this.allocatableNumbers = {
      cpu: parseQuantity(alloc.cpu!), memory: parseQuantity(alloc.memory!), 'ephemeral-storage': parseQuantity(alloc['ephemeral-storage']!),
    };
    const objects: EnvObjects = {
      configMap: (ns, name) => this.getOptional(R.configmaps, ns, name),
      secret: (ns, name) => this.getOptional(R.secrets, ns, name),
    };
    this.ctx = {
      nodeName: this.nodeName,
      runtime: this.runtime,
      client: this.client,
      recorder: { event: (obj, type, reason, message) => void this.recorder.event(obj as KubeObject, type, reason, message) },
      clock: this.clock,
      backoff: this.backoff,
      objects,
      dataDir: opts.dataDir,
      hostIPs: () => [this.nodeIP],
      allocatable: () => this.allocatableNumbers,
      resyncMs: opts.resyncMs ?? (this.runtime.hollow ? 60_000 : 10_000),
      sandboxChanged: (w, oldId, newId) => {
        if (oldId && this.bySandbox.get(oldId) === w) this.bySandbox.delete(oldId);
        if (newId) this.bySandbox.set(newId, w);
      },
      done: (w) => {
        if (this.workers.get(w.uid) === w) this.workers.delete(w.uid);
        if (this.byName.get(w.key) === w) this.byName.delete(w.key);
      },
      log: (m) => this.log(m),
    };
  }

  private async getOptional<T>(ref: typeof R.configmaps | typeof R.secrets, ns: string, name: string): Promise<T | undefined> {
    try {
      return await this.client.get<T>(ref, ns, name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    try {
      const v = await this.runtime.runtime.version();
      this.runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
    } catch (err) {
      this.log(`runtime version: ${(err as Error).message}`);
    }
    await this.retry('register node', () => this.registerNode());
    await this.retry('renew lease', () => this.renewLease());
    this.every(this.opts.leaseRenewMs ?? 10_000, () => this.renewLease());
    this.every(this.opts.nodeStatusUpdateMs ?? 10_000, () => this.updateNodeStatus(false));
    this.runtime.runtime.onContainerEvent((e) => this.bySandbox.get(e.podSandboxId)?.requestSync());
    this.podSource.subscribe(this.nodeName, {
      add: (p) => this.onPod(p),
      update: (p) => this.onPod(p),
      delete: (p) => this.onPodDeleted(p),
    });
    if (this.ownSource) this.podSource.start();
    if (!this.runtime.hollow) this.every(10_000, () => this.rotateLogs());
    this.every(60_000, async () => { this.backoff.gc(); await this.removeOrphans(); });
  }

  /** Stops the agent's loops; with killPods the runtime's containers are stopped too. */
  async stop(opts: { killPods?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    if (this.ownSource) this.podSource.stop();
    else this.podSource.unsubscribe(this.nodeName);
    for (const w of this.workers.values()) w.stop();
    if (opts.killPods) await this.runtime.runtime.shutdown();
  }

  /** Waits until the pod source has listed (tests). */
  waitForSync(): Promise<void> {
    return this.podSource.waitForSync();
  }

  private async retry(what: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await fn();
        return;
      } catch (err) {
        if (attempt % 10 === 0) this.log(`${what}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 2000)));
      }
    }
  }

  private every(ms: number, fn: () => Promise<void> | void): void {
    // one pending timer per loop: a fired timer leaves the set (it used to grow for ever)
    const schedule = () => {
      const h: TimerHandle = this.clock.setTimeout(() => { this.timers.delete(h); tick(); }, ms);
      this.timers.add(h);
    };
    const tick = () => {
      if (this.stopped) return;
      Promise.resolve().then(fn).catch((err) => this.log((err as Error).message)).finally(() => {
        if (!this.stopped) schedule();
      });
    };
    schedule();
  }

  // ---------------------------------------------------------------- pods

  private onPod(p: Pod): void {
    if (this.stopped) return;
    const uid = p.metadata?.uid;
    if (!uid) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = new PodWorker(p, this.ctx);
      this.workers.set(uid, w);
    }
    this.byName.set(w.key, w);
    w.update(p);
  }

  private onPodDeleted(p: Pod): void {
    const w = this.workers.get(p.metadata?.uid ?? '');
    w?.podDeleted(p);
  }

  /** the worker of a pod (tests, server) */
  worker(namespace: string, name: string): PodWorker | undefined {
    return this.byName.get(`${namespace}/${name}`);
  }

  get podCount(): number {
    return this.workers.size;
  }

  private async rotateLogs(): Promise<void> {
    const max = this.opts.logMaxBytes ?? 10 * 1024 * 1024;
    const files = this.opts.logMaxFiles ?? 5;
    const running = await this.runtime.runtime.listContainers({ state: 'CONTAINER_RUNNING' });
    for (const c of running) {
      const st = await this.runtime.runtime.containerStatus(c.id);
      if (!st?.logPath) continue;
      try {
        await rotateIfNeeded(st.logPath, max, files, () => this.runtime.runtime.reopenContainerLog(c.id));
      } catch (err) {
        this.log(`log rotation of ${st.logPath}: ${(err as Error).message}`);
      }
    }
  }

  /** sandboxes of pods this kubelet does not know (a pod gone while the agent was down) */
  private async removeOrphans(): Promise<void> {
    if (!this.podSource) return;
    const known = new Set([...this.workers.values()].map((w) => w.sandboxId).filter(Boolean));
    for (const sb of await this.runtime.runtime.listPodSandbox()) {
      if (known.has(sb.id) || this.bySandbox.has(sb.id)) continue;
      const uid = sb.labels[LABEL.podUid];
      if (uid && this.workers.has(uid)) continue;
      try { await this.runtime.runtime.removePodSandbox(sb.id); } catch { /* gone */ }
    }
  }

  // ---------------------------------------------------------------- node

  private capacity(): Record<string, string> {
    const o = this.opts.capacity ?? {};
    let storage = 0;
    try { const s = statfsSync(this.opts.dataDir); storage = s.blocks * s.bsize; } catch { /* unknown */ }
    return {
      cpu: o.cpu ?? String(typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
      'ephemeral-storage': o['ephemeral-storage'] ?? `${Math.floor(storage / 1024)}Ki`,
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: o.memory ?? `${Math.floor(os.totalmem() / 1024)}Ki`,
      pods: o.pods ?? '110',
    };
  }

  private allocatable(): Record<string, string> {
    const cap = this.capacity();
    if (this.opts.capacity) return cap;
    // the kubelet's default hard eviction thresholds: memory.available 100Mi, nodefs.available 10%
    const memKi = Math.max(0, Math.floor(parseQuantity(cap.memory!) / 1024) - 100 * 1024);
    const storage = Math.floor(parseQuantity(cap['ephemeral-storage']!) * 0.9);
    return { ...cap, memory: `${memKi}Ki`, 'ephemeral-storage': String(storage) };
  }

  private nodeLabels(): Record<string, string> {
    const arch = goArch();
    return {
      'beta.kubernetes.io/arch': arch,
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': arch,
      'kubernetes.io/hostname': this.nodeName,
      'kubernetes.io/os': 'linux',
      ...(this.opts.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      ...(this.opts.labels ?? {}),
    };
  }

  private nodeInfo(): Record<string, string> {
    const machineID = readTrim('/etc/machine-id') || this.nodeName;
    return {
      machineID,
      systemUUID: readTrim('/sys/class/dmi/id/product_uuid') || machineID,
      bootID: readTrim('/proc/sys/kernel/random/boot_id'),
      kernelVersion: os.release(),
      osImage: osImage(),
      containerRuntimeVersion: this.runtimeVersion,
      kubeletVersion: this.opts.kubeletVersion ?? 'v1.32.0',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: goArch(),
    };
  }

  private condition(type: string, status: string, reason: string, message: string, now: number): Record<string, string> {
    const prev = this.transitions.get(type);
    let at = prev?.at;
    if (!prev || prev.status !== status) {
      at = rfc3339(now);
      this.transitions.set(type, { status, at });
    }
    return { type, status, lastHeartbeatTime: rfc3339(now), lastTransitionTime: at!, reason, message };
  }

  private nodeStatus(now: number): NodeStatusBody {
    return {
      capacity: this.capacity(),
      allocatable: this.allocatable(),
      conditions: [
        this.condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now),
        this.condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
        this.condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now),
        this.condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now),
      ],
      addresses: [{ type: 'InternalIP', address: this.nodeIP }, { type: 'Hostname', address: this.nodeName }],
      daemonEndpoints: { kubeletEndpoint: { Port: this.opts.kubeletPort ?? 10250 } },
      nodeInfo: this.nodeInfo(),
    };
  }

  private async registerNode(): Promise<void> {
    const now = this.clock.now();
    const status = this.nodeStatus(now);
    const spec: Record<string, unknown> = {};
    if (this.opts.podCidr) { spec.podCIDR = this.opts.podCidr; spec.podCIDRs = [this.opts.podCidr]; }
    if (this.opts.taints?.length) spec.taints = this.opts.taints;
    const node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: this.nodeName, labels: this.nodeLabels(), annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
      spec, status,
    };
    let created: KubeObject;
    try {
      created = await this.client.create<KubeObject>(R.nodes, undefined, node);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
      // already registered (an agent restart): make sure labels and the pod range are ours
      const patch: Record<string, unknown> = { metadata: { labels: this.nodeLabels() } };
      const existing = await this.client.get<KubeObject>(R.nodes, undefined, this.nodeName);
      const es = (existing.spec ?? {}) as { podCIDR?: string };
      if (this.opts.podCidr && !es.podCIDR) patch.spec = { podCIDR: this.opts.podCidr, podCIDRs: [this.opts.podCidr] };
      created = await this.client.patch<KubeObject>(R.nodes, undefined, this.nodeName, 'merge', patch);
    }
    this.nodeUid = created.metadata?.uid;
    await this.client.patch(R.nodes, undefined, this.nodeName, 'merge', { status }, { subresource: 'status' });
    this.lastReported = status;
    this.lastReportAt = now;
  }

  private async updateNodeStatus(force: boolean): Promise<void> {
    // Compare with the API server's copy, as Kubernetes' kubelet does: the node lifecycle controller
    // sets our conditions to Unknown when it has not heard from us for its grace period, and only
    // the kubelet puts them back.
    let onServer: Array<{ type?: string; status?: string; lastTransitionTime?: string }> | undefined;
    try {
      onServer = (await this.client.get<{ status?: { conditions?: Array<{ type?: string; status?: string; lastTransitionTime?: string }> } }>(R.nodes, undefined, this.nodeName)).status?.conditions;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return this.registerNode();
      throw err;
    }
    for (const c of onServer ?? []) {
      const mine = c.type ? this.transitions.get(c.type) : undefined;
      if (mine && c.status && mine.status !== c.status) this.transitions.set(c.type!, { status: c.status, at: c.lastTransitionTime ?? mine.at });
    }
    const now = this.clock.now();
    const status = this.nodeStatus(now);
    const strip = (s: NodeStatusBody) => ({ ...s, conditions: s.conditions.map((c) => ({ ...c, lastHeartbeatTime: '' })) });
    const serverDiffers = status.conditions.some((c) => onServer?.find((s) => s.type === c.type)?.status !== c.status);
    const changed = serverDiffers || !this.lastReported || !deepEqual(strip(status) as never, strip(this.lastReported) as never);
    if (!force && !changed && now - this.lastReportAt < (this.opts.nodeStatusReportMs ?? 300_000)) return;
    try {
      await this.client.patch(R.nodes, undefined, this.nodeName, 'merge', { status }, { subresource: 'status' });
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return this.registerNode();
      throw err;
    }
    this.lastReported = status;
    this.lastReportAt = now;
  }

  private async renewLease(): Promise<void> {
    const now = this.clock.now();
    const ns = 'kube-node-lease';
    const spec = { holderIdentity: this.nodeName, leaseDurationSeconds: this.opts.leaseDurationSeconds ?? 40, renewTime: microTime(now) };
    if (this.lease) {
      try {
        this.lease = await this.client.update<KubeObject>(R.leases, ns, this.nodeName, { ...this.lease, spec: { ...(this.lease.spec as object), ...spec } });
        return;
      } catch (err) {
        if (!(err instanceof StatusError) || (err.code !== 409 && err.code !== 404)) throw err;
        this.lease = undefined;
      }
    }
    try {
      const cur = await this.client.get<KubeObject>(R.leases, ns, this.nodeName);
      this.lease = await this.client.update<KubeObject>(R.leases, ns, this.nodeName, { ...cur, spec: { ...(cur.spec as object), ...spec } });
      return;
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
    const lease = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: {
        name: this.nodeName, namespace: ns,
        ...(this.nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.nodeUid }] } : {}),
      },
      spec,
    };
    try {
      this.lease = await this.client.create<KubeObject>(R.leases, ns, lease);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) {
        // the namespace is missing: create it (the API server usually has it)
        try { await this.client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }); } catch (e) {
          if (!(e instanceof StatusError && e.code === 409)) throw e;
        }
        this.lease = await this.client.create<KubeObject>(R.leases, ns, lease);
        return;
      }
      throw err;
    }
  }

  // ---------------------------------------------------------------- lookups for the streaming server

  /**
   * The container a logs/exec/attach request names. Errors come back as an HTTP code and the
   * message the kubelet gives.
   */
  async lookupContainer(namespace: string, podName: string, containerName: string | undefined, previous = false): Promise<
    ContainerLookup
  > {
    const w = this.worker(namespace, podName);
    if (!w || w.isFinished) return { ok: false, code: 404, message: `pod "${podName}" not found` };
    const spec = w.pod.spec;
    const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...((spec?.ephemeralContainers ?? []) as Array<{ name: string }>)];
    let name = containerName;
    if (!name) {
      const def = w.pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
      name = def && all.some((c) => c.name === def) ? def : spec?.containers?.[0]?.name;
    }
    if (!name || !all.some((c) => c.name === name)) return { ok: false, code: 400, message: `container ${name ?? ''} is not valid for pod ${podName}` };
    const found = await w.findContainer(name, previous);
    if (!found.status) {
      if (previous) return { ok: false, code: 400, message: `previous terminated container "${name}" in pod "${podName}" not found` };
      return { ok: false, code: 400, message: `container "${name}" in pod "${podName}" is waiting to start: ${found.waitingReason}` };
    }
    return { ok: true, container: name, status: found.status, runtime: this.runtime.runtime };
  }

  /** The sandbox of a pod (port-forward). */
  lookupSandbox(namespace: string, podName: string): SandboxLookup | undefined {
    const w = this.worker(namespace, podName);
    return w && !w.isFinished && w.sandboxId ? { sandboxId: w.sandboxId, runtime: this.runtime.runtime } : undefined;
  }

  /** the pods this kubelet runs */
  pods(): Pod[] {
    return [...this.workers.values()].filter((w) => !w.isFinished).map((w) => w.pod);
  }
}
