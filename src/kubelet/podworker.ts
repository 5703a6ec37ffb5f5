// One pod's worker (after the kubelet's pod workers): a serialized, level-triggered sync that
// compares the pod's spec with what the runtime runs and acts — sandbox, volumes, init containers
// in order, native sidecars, app containers, restarts with CrashLoopBackOff, probes, hooks — then
// writes the pod's status if it changed. A pod with a deletionTimestamp (or gone from the API) is
// torn down gracefully and, if still there, deleted with gracePeriodSeconds 0.
import type { Container, LifecycleHandler, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../api/object.js';
import { StatusError } from '../api/errors.js';
import type { KubeClient } from '../client/client.js';
import { R } from '../client/factory.js';
import type { Backoff } from './backoff.js';
import { formatDuration } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import { ContainerConfigError, containerEnv, expandCommand, type EnvObjects } from './env.js';
import { ProbeWorker, httpProbe, runProbe, type ProbeKind } from './probes.js';
import type { AuthConfig, ContainerConfig, ContainerStatus, PodSandboxConfig, Runtime } from './runtime.js';
import { LABEL } from './runtime.js';
import { computePodStatus, rfc3339, type ContainerRole, type ContainerView } from './status.js';
import { ANNOTATION_RESTART_POLICY } from './runtimes/simulated.js';
import { containerMounts, setupVolumes, teardownVolumes, VolumeError } from './volumes.js';
import { credentialsForImage } from '../cri/auth.js';
import { imageReferenceError, imageTag } from './imageref.js';
import { linuxResources, podQosClass } from '../cri/resources.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export interface Recorder {
  event(obj: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface WorkerContext {
  nodeName: string;
  runtime: Runtime;
  client: KubeClient;
  recorder: Recorder;
  clock: Clock;
  backoff: Backoff;
  objects: EnvObjects;
  dataDir: string;
  hostIPs: () => string[];
  allocatable: () => { cpu: number; memory: number; 'ephemeral-storage': number };
  resyncMs: number;
  /** the sandbox of a worker changed (for routing runtime events) */
  sandboxChanged(worker: PodWorker, oldId: string | undefined, newId: string | undefined): void;
  /** the worker is finished (pod gone and cleaned up) */
  done(worker: PodWorker): void;
  log(msg: string): void;
}

interface Probes {
  containerId: string;
  liveness?: ProbeWorker;
  readiness?: ProbeWorker;
  startup?: ProbeWorker;
}

interface NameStatus {
  latest?: ContainerStatus;
  previous?: ContainerStatus;
  all: ContainerStatus[];
}

const isSidecar = (c: Container) => c.restartPolicy === 'Always';

export function podLogDir(dataDir: string, pod: Pod): string {
  const md = pod.metadata ?? {};
  return join(dataDir, 'logs', 'pods', `${md.namespace}_${md.name}_${md.uid}`);
}

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  sandboxId: string | undefined;
  podIPs: string[] = [];
  private sandboxAttempt = -1;
  private sandboxConfig: PodSandboxConfig | undefined;
  private volumes: Map<string, string> | undefined;
  private volumeError: string | undefined;
  private probes = new Map<string, Probes>();
  private kill = new Map<string, string>();
  private waiting = new Map<string, { reason: string; message?: string }>();
  private backoffEvents = new Map<string, number>();
  private everStarted = new Set<string>();
  /** image -> when its last pull failed (image pull back-off) */
  private pullFailedAt = new Map<string, number>();
  private startTime: string | undefined;
  private deleted = false;
  private sandboxStopped = false;
  private terminatingSince: number | undefined;
  private finished = false;
  private syncing = false;
  private dirty = false;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private idle: Promise<void> = Promise.resolve();
  private idleResolve: (() => void) | undefined;

  constructor(pod: Pod, private readonly ctx: WorkerContext) {
    this.pod = pod;
    this.uid = pod.metadata!.uid!;
    this.startTime = pod.status?.startTime;
  }

  get key(): string {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  update(pod: Pod): void {
    this.pod = pod;
    this.requestSync();
  }

  /** the pod is gone from the API (deleted or force-deleted) */
  podDeleted(last?: Pod): void {
    if (last) this.pod = last;
    this.deleted = true;
    this.requestSync();
  }

  /** resolves when no sync is running or pending (tests) */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  requestSync(): void {
    if (this.finished) return;
    if (this.syncing) { this.dirty = true; return; }
    this.syncing = true;
    if (!this.idleResolve) this.idle = new Promise((r) => { this.idleResolve = r; });
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.dirty = false;
        try {
          await this.sync();
        } catch (err) {
          this.ctx.log(`pod ${this.key}: sync failed: ${(err as Error).message}`);
          this.requeue(2000);
        }
      } while (this.dirty && !this.finished);
    } finally {
      this.syncing = false;
      const r = this.idleResolve;
      this.idleResolve = undefined;
      r?.();
    }
  }

  private requeue(ms: number): void {
    if (this.finished) return;
    const at = this.ctx.clock.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.ctx.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.requestSync();
    }, ms);
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.ctx.recorder.event(this.pod, type, reason, message);
  }

  private get podRef(): string {
    const md = this.pod.metadata ?? {};
    return `${md.name}_${md.namespace}(${md.uid})`;
  }

  // ---------------------------------------------------------------- sync

  private async sync(): Promise<void> {
    if (this.finished) return;
    const pod = this.pod;
    if (this.deleted || pod.metadata?.deletionTimestamp) return this.terminate();
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      await this.stopEverything(2);
      return;
    }
    this.startTime ??= rfc3339(this.ctx.clock.now());

    // the sandbox: one per pod; a new one if it is gone or not ready (containers then start over)
    if (!(await this.ensureSandbox())) return;

    // volumes, once per sandbox
    if (!this.volumes) {
      try {
        this.volumes = await setupVolumes(pod, {
          podDir: join(this.ctx.dataDir, 'pods', this.uid), dataDir: this.ctx.dataDir, objects: this.ctx.objects,
          podIPs: this.podIPs, hostIPs: this.ctx.hostIPs(), nodeName: this.ctx.nodeName, allocatable: this.ctx.allocatable(),
        });
        this.volumeError = undefined;
      } catch (err) {
        const msg = err instanceof VolumeError ? err.message : `MountVolume.SetUp failed: ${(err as Error).message}`;
        if (msg !== this.volumeError) this.event('Warning', 'FailedMount', msg);
        this.volumeError = msg;
        await this.writeStatus(await this.views(), false, false, false);
        this.requeue(5000);
        return;
      }
    }

    let statuses = await this.containerStatuses();
    this.pruneProbes(statuses);
    // kills asked for by probes
    if (this.kill.size) {
      for (const [id, why] of [...this.kill]) {
        this.kill.delete(id);
        const st = [...statuses.values()].find((s) => s.latest?.id === id)?.latest;
        if (st?.state !== 'CONTAINER_RUNNING') continue;
        this.event('Normal', 'Killing', why);
        await this.ctx.runtime.runtime.stopContainer(id, this.graceSeconds());
      }
      statuses = await this.containerStatuses();
      this.pruneProbes(statuses);
    }

    const policy = pod.spec?.restartPolicy ?? 'Always';
    let initialized = true;
    let initFailed = false;
    for (const c of pod.spec?.initContainers ?? []) {
      const st = statuses.get(c.name);
      const l = st?.latest;
      if (isSidecar(c)) {
        if (!l) { await this.startContainer(c, 'sidecar', st); initialized = false; break; }
        if (l.state === 'CONTAINER_RUNNING') {
          this.everStarted.add(c.name);
          if (!this.isStarted(l.id)) { initialized = false; break; }
          continue;
        }
        if (l.state === 'CONTAINER_CREATED') { initialized = false; break; }
        await this.restart(c, 'sidecar', st!);
        if (!this.everStarted.has(c.name)) { initialized = false; break; }
        continue;
      }
      if (!l) { await this.startContainer(c, 'init', st); initialized = false; break; }
      if (l.state === 'CONTAINER_RUNNING' || l.state === 'CONTAINER_CREATED') { initialized = false; break; }
      if (l.exitCode === 0 && l.state === 'CONTAINER_EXITED') continue;
      initialized = false;
      if (policy === 'Never') { initFailed = true; break; }
      await this.restart(c, 'init', st!);
      break;
    }

    if (initialized && !initFailed) {
      for (const c of pod.spec?.containers ?? []) {
        const st = statuses.get(c.name);
        const l = st?.latest;
        if (!l) { await this.startContainer(c, 'app', st); continue; }
        if (l.state === 'CONTAINER_CREATED') {
          try { await this.ctx.runtime.runtime.startContainer(l.id); } catch { /* seen as exited next time */ }
          continue;
        }
        if (l.state === 'CONTAINER_RUNNING') { this.waiting.delete(c.name); continue; }
        if (policy === 'Always' || (policy === 'OnFailure' && l.exitCode !== 0)) await this.restart(c, 'app', st!);
        else this.waiting.delete(c.name);
      }
    }

    statuses = await this.containerStatuses();
    const views = await this.views(statuses);
    const status = computePodStatus(this.statusInput(views, initialized, initFailed, false));
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      // the pod is done: stop what still runs (sidecars) and the sandbox
      await this.stopEverything(this.graceSeconds());
      const after = await this.views(await this.containerStatuses());
      await this.writeStatus(after, initialized, initFailed, false, status.phase);
      return;
    }
    await this.writeStatus(views, initialized, initFailed, false);
    this.requeue(this.ctx.resyncMs);
  }

  private graceSeconds(): number {
    const g = this.pod.spec?.terminationGracePeriodSeconds;
    return g === undefined || g === null ? 30 : Math.max(g, 0);
  }

  private async ensureSandbox(): Promise<boolean> {
    const rt = this.ctx.runtime.runtime;
    if (this.sandboxId) {
      const st = await rt.podSandboxStatus(this.sandboxId);
      if (st && st.state === 'SANDBOX_READY') return true;
      // gone or broken: start over with a new sandbox
      this.stopAllProbes();
      try { await rt.removePodSandbox(this.sandboxId); } catch { /* already gone */ }
      this.ctx.sandboxChanged(this, this.sandboxId, undefined);
      this.sandboxId = undefined;
      this.volumes = undefined;
      this.everStarted.clear();
    }
    const md = this.pod.metadata!;
    const spec = this.pod.spec ?? { containers: [] };
    this.sandboxAttempt++;
    const annotations: Record<string, string> = { ...(md.annotations ?? {}), [ANNOTATION_RESTART_POLICY]: spec.restartPolicy ?? 'Always' };
    this.sandboxConfig = {
      metadata: { name: md.name!, namespace: md.namespace ?? 'default', uid: md.uid!, attempt: this.sandboxAttempt },
      hostname: (spec.hostname ?? md.name ?? '').slice(0, 63),
      logDirectory: podLogDir(this.ctx.dataDir, this.pod),
      labels: { ...(md.labels ?? {}), [LABEL.podName]: md.name!, [LABEL.podNamespace]: md.namespace ?? 'default', [LABEL.podUid]: md.uid! },
      annotations,
      portMappings: (spec.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({ protocol: (p.protocol ?? 'TCP') as 'TCP', containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIP }))),
      hostNetwork: !!spec.hostNetwork,
    };
    try {
      const id = await rt.runPodSandbox(this.sandboxConfig);
      this.sandboxId = id;
      this.sandboxStopped = false;
      this.ctx.sandboxChanged(this, undefined, id);
      const st = await rt.podSandboxStatus(id);
      this.podIPs = st ? [st.network.ip, ...st.network.additionalIps].filter(Boolean) : [];
      return true;
    } catch (err) {
      this.event('Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
      this.requeue(5000);
      return false;
    }
  }

  private async containerStatuses(): Promise<Map<string, NameStatus>> {
    const out = new Map<string, NameStatus>();
    if (!this.sandboxId) return out;
    const rt = this.ctx.runtime.runtime as Runtime['runtime'] & { sandboxContainerStatuses?: (id: string) => Promise<ContainerStatus[]> };
    let all: ContainerStatus[];
    if (rt.sandboxContainerStatuses) all = await rt.sandboxContainerStatuses(this.sandboxId);
    else {
      const list = await rt.listContainers({ podSandboxId: this.sandboxId });
      all = (await Promise.all(list.map((c) => rt.containerStatus(c.id)))).filter((s): s is ContainerStatus => !!s);
    }
    for (const s of all) {
      const e = out.get(s.metadata.name) ?? { all: [] };
      e.all.push(s);
      out.set(s.metadata.name, e);
    }
    for (const e of out.values()) {
      e.all.sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
      e.latest = e.all[0];
      e.previous = e.all[1];
    }
    return out;
  }

  /** The restart count the API last showed (a new kubelet continues from it). */
  private apiRestartBase(name: string): number {
    const all = [...(this.pod.status?.initContainerStatuses ?? []), ...(this.pod.status?.containerStatuses ?? [])];
    const s = all.find((x) => x.name === name);
    if (!s || !s.containerID) return 0;
    return s.restartCount + 1;
  }

  private async restart(c: Container, role: ContainerRole, st: NameStatus): Promise<void> {
    const l = st.latest!;
    const key = `${this.uid}/${c.name}`;
    const finishedAt = l.finishedAt || this.ctx.clock.now();
    const left = this.ctx.backoff.remaining(key, finishedAt);
    if (left > 0) {
      this.waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${formatDuration(this.ctx.backoff.get(key))} restarting failed container=${c.name} pod=${this.podRef}` });
      if (this.backoffEvents.get(c.name) !== finishedAt) {
        this.backoffEvents.set(c.name, finishedAt);
        this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.podRef}`);
      }
      this.requeue(left);
      return;
    }
    this.ctx.backoff.next(key, finishedAt);
    await this.startContainer(c, role, st);
  }

  private async startContainer(c: Container, role: ContainerRole, st: NameStatus | undefined): Promise<void> {
    const rt = this.ctx.runtime;
    const pod = this.pod;
    const attempt = st?.latest ? st.latest.metadata.attempt + 1 : this.apiRestartBase(c.name);
    const image = c.image ?? '';
    if (!(await this.ensureImage(c, image))) return;
    // environment and command line
    let env;
    try {
      env = await containerEnv(pod, c, { podIPs: this.podIPs, hostIPs: this.ctx.hostIPs(), nodeName: this.ctx.nodeName, allocatable: this.ctx.allocatable(), objects: this.ctx.objects });
    } catch (err) {
      if (!(err instanceof ContainerConfigError) && !(err instanceof StatusError)) throw err;
      const msg = (err as Error).message;
      const prev = this.waiting.get(c.name);
      if (prev?.reason !== 'CreateContainerConfigError' || prev.message !== msg) this.event('Warning', 'Failed', `Error: ${msg}`);
      this.waiting.set(c.name, { reason: 'CreateContainerConfigError', message: msg });
      this.requeue(10_000);
      return;
    }
    const { command, args } = expandCommand(c, env);
    const config: ContainerConfig = {
      metadata: { name: c.name, attempt },
      image: { image },
      command, args,
      workingDir: c.workingDir,
      envs: env,
      mounts: containerMounts(c, this.volumes ?? new Map()),
      labels: { [LABEL.containerName]: c.name, [LABEL.podName]: pod.metadata!.name!, [LABEL.podNamespace]: pod.metadata!.namespace ?? 'default', [LABEL.podUid]: this.uid },
      annotations: {
        'io.kubernetes.container.restartCount': String(attempt),
        'io.kubernetes.pod.terminationGracePeriod': String(this.graceSeconds()),
        [ANNOTATION_RESTART_POLICY]: role === 'sidecar' ? 'Always' : role === 'init' ? 'Never' : (pod.spec?.restartPolicy ?? 'Always'),
      },
      logPath: `${c.name}/${attempt}.log`,
      stdin: !!c.stdin, stdinOnce: !!c.stdinOnce, tty: !!c.tty,
      linux: { resources: this.resources(c) },
    };
    let id: string;
    try {
      id = await rt.runtime.createContainer(this.sandboxId!, config, this.sandboxConfig!);
    } catch (err) {
      this.waiting.set(c.name, { reason: 'CreateContainerError', message: (err as Error).message });
      this.event('Warning', 'Failed', `Error: ${(err as Error).message}`);
      this.requeue(10_000);
      return;
    }
    this.waiting.delete(c.name);
    if (!rt.hollow) this.event('Normal', 'Created', `Created container ${c.name}`);
    try {
      await rt.runtime.startContainer(id);
    } catch (err) {
      this.event('Warning', 'Failed', `Error: ${(err as Error).message}`);
      await this.gcContainers(c.name);
      return;
    }
    if (!rt.hollow) this.event('Normal', 'Started', `Started container ${c.name}`);
    const started = await rt.runtime.containerStatus(id);
    if (started?.state === 'CONTAINER_RUNNING') {
      if (role === 'sidecar' || role === 'app') this.startProbes(c, id, started.startedAt);
      if (c.lifecycle?.postStart && !rt.hollow) {
        const err = await this.runHook(c, id, c.lifecycle.postStart, this.graceSeconds());
        if (err) {
          this.event('Warning', 'FailedPostStartHook', err);
          this.event('Normal', 'Killing', `FailedPostStartHook`);
          await rt.runtime.stopContainer(id, this.graceSeconds());
        }
      }
    }
    await this.gcContainers(c.name);
  }

  /** requests and limits as cgroup settings (cpu shares/quota, memory limit, oom_score_adj by QoS) */
  private resources(c: Container): NonNullable<ContainerConfig['linux']>['resources'] {
    const r = linuxResources(c, podQosClass(this.pod), this.ctx.allocatable().memory);
    return {
      cpuShares: r.cpuShares, oomScoreAdj: r.oomScoreAdj,
      ...(r.cpuQuota !== undefined ? { cpuQuota: r.cpuQuota, cpuPeriod: r.cpuPeriod } : {}),
      ...(r.memoryLimitInBytes !== undefined ? { memoryLimitInBytes: r.memoryLimitInBytes } : {}),
    };
  }

  /**
   * The image manager's part (pkg/kubelet/images): the container's image by its pull policy, with
   * the pod's pull secrets, a per-image back-off after failed pulls, and Kubernetes' waiting
   * reasons (ErrImageNeverPull, ErrImagePull, ImagePullBackOff) and events. False: not yet.
   */
  private async ensureImage(c: Container, image: string): Promise<boolean> {
    const rt = this.ctx.runtime;
    const invalid = imageReferenceError(image);
    if (invalid) {
      const msg = `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": ${invalid}`;
      this.event('Warning', 'InspectFailed', msg);
      this.event('Warning', 'Failed', 'Error: InvalidImageName');
      this.waiting.set(c.name, { reason: 'InvalidImageName', message: msg });
      this.requeue(this.ctx.resyncMs);
      return false;
    }
    const policy = c.imagePullPolicy ?? (imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent');
    let present: boolean;
    try {
      present = !!(await rt.images.imageStatus({ image }));
    } catch (err) {
      const msg = `Failed to inspect image "${image}": ${(err as Error).message}`;
      this.event('Warning', 'InspectFailed', msg);
      this.waiting.set(c.name, { reason: 'ImageInspectError', message: msg });
      this.requeue(10_000);
      return false;
    }
    if (policy === 'Never' || (policy !== 'Always' && present)) {
      if (present) {
        if (!rt.hollow) this.event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return true;
      }
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      this.event('Warning', 'ErrImageNeverPull', msg);
      this.event('Warning', 'Failed', 'Error: ErrImageNeverPull');
      this.waiting.set(c.name, { reason: 'ErrImageNeverPull', message: msg });
      this.requeue(this.ctx.resyncMs);
      return false;
    }
    const key = `${this.uid}/image:${image}`;
    const failedAt = this.pullFailedAt.get(image);
    const left = failedAt === undefined ? 0 : this.ctx.backoff.remaining(key, failedAt);
    if (left > 0) {
      const msg = `Back-off pulling image "${image}"`;
      this.event('Normal', 'BackOff', msg);
      this.event('Warning', 'Failed', 'Error: ImagePullBackOff');
      this.waiting.set(c.name, { reason: 'ImagePullBackOff', message: msg });
      this.requeue(left);
      return false;
    }
    this.event('Normal', 'Pulling', `Pulling image "${image}"`);
    const t0 = this.ctx.clock.now();
    try {
      await rt.images.pullImage({ image }, this.sandboxConfig, await this.pullCredentials(image));
    } catch (err) {
      const now = this.ctx.clock.now();
      const message = (err as Error).message;
      this.event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      this.event('Warning', 'Failed', 'Error: ErrImagePull');
      this.ctx.backoff.next(key, now);
      this.pullFailedAt.set(image, now);
      this.waiting.set(c.name, { reason: 'ErrImagePull', message });
      this.requeue(Math.max(this.ctx.backoff.remaining(key, now), 1000));
      return false;
    }
    this.pullFailedAt.delete(image);
    const took = goDuration(this.ctx.clock.now() - t0);
    let size = '';
    if (!rt.hollow) {
      try {
        const st = await rt.images.imageStatus({ image });
        if (st) size = ` Image size: ${st.size} bytes.`;
      } catch { /* the size is only informative */ }
    }
    this.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting).${size}`);
    return true;
  }

  /** credentials for `image` from the pod's imagePullSecrets (.dockerconfigjson / .dockercfg) */
  private async pullCredentials(image: string): Promise<AuthConfig[]> {
    const refs = this.pod.spec?.imagePullSecrets ?? [];
    if (!refs.length) return [];
    const ns = this.pod.metadata?.namespace ?? 'default';
    const texts: string[] = [];
    const missing: string[] = [];
    for (const r of refs) {
      if (!r.name) continue;
      const s = await this.ctx.objects.secret(ns, r.name).catch(() => undefined);
      if (!s) { missing.push(`"${r.name}"`); continue; }
      for (const key of ['.dockerconfigjson', '.dockercfg']) {
        const b64 = s.data?.[key];
        const text = b64 !== undefined ? Buffer.from(b64, 'base64').toString('utf8') : s.stringData?.[key];
        if (text) texts.push(text);
      }
    }
    if (missing.length) {
      this.event('Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`);
    }
    return credentialsForImage(image, texts);
  }

  /** keeps the newest two attempts of a container (the previous one serves `logs --previous`) */
  private async gcContainers(name: string): Promise<void> {
    const st = (await this.containerStatuses()).get(name);
    for (const old of st?.all.slice(2) ?? []) {
      try { await this.ctx.runtime.runtime.removeContainer(old.id); } catch { /* gone */ }
    }
  }

  private async runHook(c: Container, containerId: string, h: LifecycleHandler, timeoutSeconds: number): Promise<string | undefined> {
    const rt = this.ctx.runtime.runtime;
    try {
      if (h.exec) {
        const r = await rt.execSync(containerId, h.exec.command ?? [], timeoutSeconds);
        if (r.exitCode !== 0) return `Exec lifecycle hook (${(h.exec.command ?? []).join(' ')}) for Container "${c.name}" in Pod "${this.podRef}" failed - error: command '${(h.exec.command ?? []).join(' ')}' exited with ${r.exitCode}: ${Buffer.concat([r.stdout, r.stderr]).toString('utf8')}, message: "${Buffer.concat([r.stdout, r.stderr]).toString('utf8')}"`;
        return undefined;
      }
      if (h.httpGet) {
        const g = h.httpGet;
        const port = typeof g.port === 'number' ? g.port : Number(g.port) || c.ports?.find((p) => p.name === g.port)?.containerPort || 80;
        const r = await httpProbe({ scheme: (g.scheme ?? 'HTTP').toUpperCase(), host: g.host || this.podIPs[0] || '127.0.0.1', port, path: g.path || '/', headers: g.httpHeaders ?? [] }, timeoutSeconds * 1000);
        if (!r.ok) return `HTTP lifecycle hook (${g.path ?? '/'}) for Container "${c.name}" in Pod "${this.podRef}" failed - error: ${r.output}`;
        return undefined;
      }
      if (h.sleep) {
        await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds, timeoutSeconds) * 1000));
        return undefined;
      }
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- probes

  private startProbes(c: Container, id: string, startedAt: number): void {
    if (this.ctx.runtime.hollow) return;
    const p: Probes = { containerId: id };
    const mk = (kind: ProbeKind, spec: NonNullable<Container['livenessProbe']>) => {
      const label = kind === 'liveness' ? 'Liveness' : kind === 'readiness' ? 'Readiness' : 'Startup';
      const w = new ProbeWorker(kind, spec, this.ctx.clock, {
        startedAt,
        run: (timeoutMs) => runProbe(spec, {
          podIP: this.podIPs[0] ?? '127.0.0.1', container: c,
          execSync: (cmd, t) => this.ctx.runtime.runtime.execSync(id, cmd, t),
        }, timeoutMs),
        gate: kind === 'startup' ? undefined : () => !p.startup || p.startup.result === 'success',
        onFailure: (output) => this.event('Warning', 'Unhealthy', `${label} probe failed: ${output}`.trim()),
        onResult: (result) => {
          if (result === 'failure' && (kind === 'liveness' || kind === 'startup')) {
            this.kill.set(id, `Container ${c.name} failed ${kind} probe, will be restarted`);
          }
          this.requestSync();
        },
      });
      w.start();
      return w;
    };
    if (c.startupProbe) p.startup = mk('startup', c.startupProbe);
    if (c.livenessProbe) p.liveness = mk('liveness', c.livenessProbe);
    if (c.readinessProbe) p.readiness = mk('readiness', c.readinessProbe);
    if (p.startup || p.liveness || p.readiness) this.probes.set(id, p);
  }

  private isStarted(id: string): boolean {
    const p = this.probes.get(id);
    return !p?.startup || p.startup.result === 'success';
  }

  private isReady(id: string): boolean {
    const p = this.probes.get(id);
    if (!this.isStarted(id)) return false;
    return !p?.readiness || p.readiness.result === 'success';
  }

  private pruneProbes(statuses: Map<string, NameStatus>): void {
    const running = new Set<string>();
    for (const s of statuses.values()) if (s.latest?.state === 'CONTAINER_RUNNING') running.add(s.latest.id);
    for (const [id, p] of this.probes) {
      if (running.has(id)) continue;
      p.liveness?.stop(); p.readiness?.stop(); p.startup?.stop();
      this.probes.delete(id);
    }
  }

  private stopAllProbes(): void {
    for (const p of this.probes.values()) { p.liveness?.stop(); p.readiness?.stop(); p.startup?.stop(); }
    this.probes.clear();
  }

  // ---------------------------------------------------------------- status

  private async views(statuses?: Map<string, NameStatus>): Promise<{ init: ContainerView[]; app: ContainerView[] }> {
    statuses ??= await this.containerStatuses();
    const view = (c: Container, role: ContainerRole): ContainerView => {
      const st = statuses!.get(c.name);
      const l = st?.latest;
      const running = l?.state === 'CONTAINER_RUNNING';
      let waiting = this.waiting.get(c.name);
      if (!waiting && !l && this.volumeError) waiting = { reason: 'ContainerCreating' };
      return {
        spec: c, role, latest: l, previous: st?.previous,
        restartCount: l ? l.metadata.attempt : 0,
        waiting: l && l.state === 'CONTAINER_RUNNING' ? undefined : waiting,
        ready: running && this.isReady(l!.id),
        started: running && this.isStarted(l!.id),
      };
    };
    return {
      init: (this.pod.spec?.initContainers ?? []).map((c) => view(c, isSidecar(c) ? 'sidecar' : 'init')),
      app: (this.pod.spec?.containers ?? []).map((c) => view(c, 'app')),
    };
  }

  private statusInput(v: { init: ContainerView[]; app: ContainerView[] }, initialized: boolean, initFailed: boolean, terminating: boolean) {
    return {
      pod: this.pod, init: v.init, app: v.app, initialized, initFailed, terminating,
      sandboxReady: !!this.sandboxId && !this.sandboxStopped && !terminating, podIPs: this.podIPs, hostIPs: this.ctx.hostIPs(),
      startTime: this.startTime, runtimeName: this.ctx.runtime.name, now: this.ctx.clock.now(),
    };
  }

  private async writeStatus(v: { init: ContainerView[]; app: ContainerView[] }, initialized: boolean, initFailed: boolean, terminating: boolean, phase?: PodStatus['phase']): Promise<void> {
    const status = computePodStatus(this.statusInput(v, initialized, initFailed, terminating));
    if (!status.qosClass) status.qosClass = podQosClass(this.pod);
    if (phase && status.phase !== 'Succeeded' && status.phase !== 'Failed') status.phase = phase;
    if (deepEqual(status as never, (this.pod.status ?? {}) as never)) return;
    const md = this.pod.metadata!;
    try {
      const updated = await this.ctx.client.patch<Pod>(R.pods, md.namespace, md.name!, 'merge', { status }, { subresource: 'status' });
      if (updated.metadata?.uid === this.uid) this.pod = updated;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return;
      throw err;
    }
  }

  // ---------------------------------------------------------------- termination

  /** stops every container (sidecars last) and the sandbox; the pod keeps its status */
  private async stopEverything(graceSeconds: number): Promise<void> {
    const rt = this.ctx.runtime.runtime;
    if (!this.sandboxId || this.sandboxStopped) return;
    this.stopAllProbes();
    const statuses = await this.containerStatuses();
    const running = (names: string[]) => names.map((n) => statuses.get(n)?.latest).filter((l): l is ContainerStatus => l?.state === 'CONTAINER_RUNNING');
    await Promise.all(running((this.pod.spec?.containers ?? []).map((c) => c.name)).map((l) => rt.stopContainer(l.id, Math.max(graceSeconds, 2))));
    for (const l of running((this.pod.spec?.initContainers ?? []).map((c) => c.name)).reverse()) await rt.stopContainer(l.id, Math.max(graceSeconds, 2));
    await rt.stopPodSandbox(this.sandboxId);
    this.sandboxStopped = true;
  }

  private async terminate(): Promise<void> {
    const rt = this.ctx.runtime.runtime;
    const now = this.ctx.clock.now();
    this.terminatingSince ??= now;
    this.timer?.cancel();
    this.timer = undefined;
    this.stopAllProbes();
    const md = this.pod.metadata!;
    const grace = md.deletionGracePeriodSeconds ?? (this.deleted ? 1 : this.graceSeconds());
    const deadline = this.terminatingSince + grace * 1000;
    const remaining = () => Math.max(0, Math.ceil((deadline - this.ctx.clock.now()) / 1000));
    if (this.sandboxId) {
      const statuses = await this.containerStatuses();
      const kill = async (c: Container) => {
        const l = statuses.get(c.name)?.latest;
        if (l?.state !== 'CONTAINER_RUNNING') {
          if (l?.state === 'CONTAINER_CREATED') await rt.stopContainer(l.id, 0).catch(() => {});
          return;
        }
        if (c.lifecycle?.preStop && !this.ctx.runtime.hollow && remaining() > 0) {
          const err = await Promise.race([
            this.runHook(c, l.id, c.lifecycle.preStop, remaining()),
            new Promise<string>((r) => setTimeout(() => r(`PreStopHook timed out`), remaining() * 1000).unref()),
          ]);
          if (err) this.event('Warning', 'FailedPreStopHook', err);
        }
        if (!this.ctx.runtime.hollow) this.event('Normal', 'Killing', `Stopping container ${c.name}`);
        await rt.stopContainer(l.id, Math.max(remaining(), this.deleted ? 1 : 2)).catch(() => {});
      };
      await Promise.all((this.pod.spec?.containers ?? []).map(kill));
      const sidecars = (this.pod.spec?.initContainers ?? []).slice().reverse();
      for (const c of sidecars) await kill(c);
      await rt.stopPodSandbox(this.sandboxId).catch(() => {});
      this.sandboxStopped = true;
      if (!this.deleted) {
        const v = await this.views();
        await this.writeStatus(v, true, false, true).catch(() => {});
      }
    }
    if (!this.deleted) {
      try {
        await this.ctx.client.delete(R.pods, md.namespace, md.name!, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
      } catch (err) {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    await this.cleanup();
  }

  private async cleanup(): Promise<void> {
    if (this.sandboxId) {
      const id = this.sandboxId;
      try { await this.ctx.runtime.runtime.removePodSandbox(id); } catch { /* gone */ }
      this.ctx.sandboxChanged(this, id, undefined);
      this.sandboxId = undefined;
    }
    try { await teardownVolumes(join(this.ctx.dataDir, 'pods', this.uid)); } catch (err) { this.ctx.log(`pod ${this.key}: unmounting volumes: ${(err as Error).message}`); }
    try { rmSync(join(this.ctx.dataDir, 'pods', this.uid), { recursive: true, force: true }); } catch { /* best effort */ }
    try { rmSync(podLogDir(this.ctx.dataDir, this.pod), { recursive: true, force: true }); } catch { /* best effort */ }
    this.ctx.backoff.resetPrefix(`${this.uid}/`);
    this.finished = true;
    this.timer?.cancel();
    this.ctx.done(this);
  }

  /** agent shutdown: stop timers and probes (the runtime stops the containers) */
  stop(): void {
    this.finished = true;
    this.timer?.cancel();
    this.stopAllProbes();
  }

  // ---------------------------------------------------------------- lookups for the streaming server

  async findContainer(name: string, previous: boolean): Promise<{ status?: ContainerStatus; waitingReason?: string }> {
    const st = (await this.containerStatuses()).get(name);
    const s = previous ? st?.previous : st?.latest;
    if (s) return { status: s };
    const all = [...(this.pod.status?.initContainerStatuses ?? []), ...(this.pod.status?.containerStatuses ?? [])];
    const api = all.find((x) => x.name === name);
    return { waitingReason: this.waiting.get(name)?.reason ?? api?.state?.waiting?.reason ?? 'ContainerCreating' };
  }
}

/** a duration as Go prints a time.Duration truncated to milliseconds (`734ms`, `1.2s`, `1m3.5s`) */
export function goDuration(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  if (t === 0) return '0s';
  if (t < 1000) return `${t}ms`;
  const secs = (n: number) => `${(n / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const rest = t % 60_000;
  if (h > 0) return `${h}h${m}m${secs(rest)}`;
  if (m > 0) return `${m}m${secs(rest)}`;
  return secs(t);
}
