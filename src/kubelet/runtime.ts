// The node agent's container runtime boundary, shaped after the Kubernetes CRI (RuntimeService +
// ImageService): the kubelet knows pods; a runtime knows pod sandboxes, containers and images.
// Three runtimes implement it: `process` (host processes), `simulated` (hollow pods) and later `cri`
// (containerd over gRPC), which maps these calls one to one onto CRI's RPCs.
//
// Times are milliseconds since the epoch (CRI uses nanoseconds; the `cri` runtime converts).
import type { Duplex, Readable, Writable } from 'node:stream';

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodSandboxMetadata {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
}

export interface PortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  containerPort: number;
  hostPort?: number;
  hostIp?: string;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  /** directory where the runtime writes this pod's container logs (`<logDirectory>/<logPath>`) */
  logDirectory: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  portMappings: PortMapping[];
  /** host network: the pod uses the node's address instead of its own */
  hostNetwork?: boolean;
}

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: SandboxState;
  createdAt: number;
  network: { ip: string; additionalIps: string[] };
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: SandboxState;
  createdAt: number;
  labels: Record<string, string>;
}

export interface PodSandboxFilter {
  id?: string;
  state?: SandboxState;
  labelSelector?: Record<string, string>;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  /** the container's oom_score_adj (by QoS class; a runtime may raise it to its own floor) */
  oomScoreAdj?: number;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: { image: string };
  /** entrypoint (empty: the image's) */
  command: string[];
  /** arguments (empty: the image's) */
  args: string[];
  workingDir?: string;
  envs: KeyValue[];
  mounts: Mount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** path of the log file relative to the sandbox's logDirectory */
  logPath: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources };
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: number;
  /** 0 until started */
  startedAt: number;
  /** 0 until exited */
  finishedAt: number;
  exitCode: number;
  image: { image: string };
  imageRef: string;
  /** short CamelCase reason for the state (Completed, Error, OOMKilled, StartError, ...) */
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: Mount[];
  /** absolute path of the container's log file */
  logPath: string;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: { image: string };
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerFilter {
  id?: string;
  state?: ContainerState;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface ContainerStats {
  attributes: { id: string; metadata: ContainerMetadata; labels: Record<string, string> };
  cpu: { timestamp: number; usageCoreNanoSeconds: number };
  memory: { timestamp: number; workingSetBytes: number; rssBytes: number };
}

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface ExecRequest {
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** A running exec session: CRI's Exec stream endpoint, already connected. */
export interface ExecSession {
  /** present when stdin was requested; end() closes the command's stdin */
  stdin?: Writable;
  /** present when stdout was requested (with a tty, carries the terminal output) */
  stdout?: Readable;
  /** present when stderr was requested and there is no tty */
  stderr?: Readable;
  /** terminal size change (tty only) */
  resize(width: number, height: number): void;
  /** resolves with the exit code once the command has exited and its output has been drained */
  readonly exit: Promise<number>;
  /** ends the command (connection gone) */
  kill(): void;
}

/** A container lifecycle event (CRI's GetContainerEvents): the kubelet re-syncs the pod at once. */
export interface ContainerEvent {
  containerId: string;
  podSandboxId: string;
  type: 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';
  createdAt: number;
}

export interface VersionInfo {
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface RuntimeService {
  version(): Promise<VersionInfo>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus | undefined>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), then SIGKILL after `timeoutSeconds`; resolves once exited */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus | undefined>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;

  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;
  exec(containerId: string, req: ExecRequest): Promise<ExecSession>;
  /** a duplex byte stream to `port` inside the sandbox's network namespace */
  portForward(podSandboxId: string, port: number): Promise<Duplex>;

  reopenContainerLog(containerId: string): Promise<void>;
  containerStats(containerId: string): Promise<ContainerStats | undefined>;

  /** container lifecycle events, as CRI's GetContainerEvents stream */
  onContainerEvent(listener: (e: ContainerEvent) => void): void;

  /** stops every sandbox and container this runtime runs (agent shutdown; not a CRI call) */
  shutdown(): Promise<void>;
}

export interface ImageSpec {
  image: string;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

/** Registry credentials for a pull (CRI's AuthConfig), from the pod's imagePullSecrets. */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64 of `user:password` */
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface ImageService {
  /** `auth`: candidate credentials, tried in turn (none: an anonymous pull) */
  pullImage(image: ImageSpec, sandboxConfig?: PodSandboxConfig, auth?: AuthConfig[]): Promise<string>;
  imageStatus(image: ImageSpec): Promise<Image | undefined>;
  listImages(): Promise<Image[]>;
  removeImage(image: ImageSpec): Promise<void>;
}

/** What the kubelet is given: both services, plus a few facts about how pods run there. */
export interface Runtime {
  /** short name, also the containerID scheme: `process://<id>` */
  readonly name: string;
  readonly runtime: RuntimeService;
  readonly images: ImageService;
  /**
   * Hollow runtime: probes of its pods pass without running and hooks are not run (the
   * containers have no network or processes to reach).
   */
  readonly hollow: boolean;
}

export class RuntimeError extends Error {
  constructor(readonly code: 'NotFound' | 'InvalidArgument' | 'FailedPrecondition' | 'Internal', message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** matches a CRI label selector (all key=value pairs must be present) */
export function labelsMatch(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** Labels the kubelet puts on sandboxes and containers (as the real kubelet does). */
export const LABEL = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
} as const;
