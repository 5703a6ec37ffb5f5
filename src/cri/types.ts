// The CRI v1 messages timonel uses, as plain TypeScript shapes (field names in lowerCamelCase, as
// @grpc/proto-loader presents proto3 snake_case fields). Enums are their value names, int64/uint64
// are numbers (nanosecond timestamps lose precision below ~256 ns, harmless for us), bytes are
// Buffers. Optional fields may be left out when sending; on receipt every scalar has its proto3
// default and an absent sub-message is null.

export type CriProtocol = 'TCP' | 'UDP' | 'SCTP';
export type CriNamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type CriMountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type CriPodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type CriContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type CriContainerEventType =
  | 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';

export interface CriVersion {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface CriRuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface CriDNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface CriPortMapping {
  protocol?: CriProtocol;
  containerPort: number;
  hostPort?: number;
  hostIp?: string;
}

export interface CriMount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: CriMountPropagation;
}

export interface CriNamespaceOption {
  network?: CriNamespaceMode;
  pid?: CriNamespaceMode;
  ipc?: CriNamespaceMode;
  targetId?: string;
}

export interface CriInt64Value {
  value: number;
}

export interface CriSecurityProfile {
  profileType?: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  localhostRef?: string;
}

export interface CriLinuxSandboxSecurityContext {
  namespaceOptions?: CriNamespaceOption;
  runAsUser?: CriInt64Value | null;
  runAsGroup?: CriInt64Value | null;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  privileged?: boolean;
  seccomp?: CriSecurityProfile | null;
}

export interface CriLinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  unified?: Record<string, string>;
  memorySwapLimitInBytes?: number;
}

export interface CriLinuxPodSandboxConfig {
  cgroupParent?: string;
  securityContext?: CriLinuxSandboxSecurityContext | null;
  sysctls?: Record<string, string>;
  overhead?: CriLinuxContainerResources | null;
  resources?: CriLinuxContainerResources | null;
}

export interface CriPodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface CriPodSandboxConfig {
  metadata: CriPodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: CriDNSConfig | null;
  portMappings?: CriPortMapping[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: CriLinuxPodSandboxConfig | null;
}

export interface CriPodSandboxNetworkStatus {
  ip: string;
  additionalIps: { ip: string }[];
}

export interface CriPodSandboxStatus {
  id: string;
  metadata: CriPodSandboxMetadata | null;
  state: CriPodSandboxState;
  /** nanoseconds */
  createdAt: number;
  network: CriPodSandboxNetworkStatus | null;
  linux: { namespaces: { options: CriNamespaceOption | null } | null } | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}

export interface CriPodSandboxFilter {
  id?: string;
  state?: { state: CriPodSandboxState } | null;
  labelSelector?: Record<string, string>;
}

export interface CriPodSandbox {
  id: string;
  metadata: CriPodSandboxMetadata | null;
  state: CriPodSandboxState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}

export interface CriImageSpec {
  image: string;
  annotations?: Record<string, string>;
  userSpecifiedImage?: string;
  runtimeHandler?: string;
}

export interface CriKeyValue {
  key: string;
  value: string;
}

export interface CriCapability {
  addCapabilities?: string[];
  dropCapabilities?: string[];
}

export interface CriLinuxContainerSecurityContext {
  capabilities?: CriCapability | null;
  privileged?: boolean;
  namespaceOptions?: CriNamespaceOption | null;
  runAsUser?: CriInt64Value | null;
  runAsUsername?: string;
  runAsGroup?: CriInt64Value | null;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: CriSecurityProfile | null;
}

export interface CriContainerMetadata {
  name: string;
  attempt: number;
}

export interface CriDevice {
  containerPath: string;
  hostPath: string;
  permissions: string;
}

export interface CriContainerConfig {
  metadata: CriContainerMetadata;
  image: CriImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: CriKeyValue[];
  mounts?: CriMount[];
  devices?: CriDevice[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: CriLinuxContainerResources | null; securityContext?: CriLinuxContainerSecurityContext | null } | null;
}

export interface CriContainerFilter {
  id?: string;
  state?: { state: CriContainerState } | null;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface CriContainer {
  id: string;
  podSandboxId: string;
  metadata: CriContainerMetadata | null;
  image: CriImageSpec | null;
  imageRef: string;
  state: CriContainerState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface CriContainerStatus {
  id: string;
  metadata: CriContainerMetadata | null;
  state: CriContainerState;
  /** nanoseconds; 0 when not set */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: CriImageSpec | null;
  imageRef: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: CriMount[];
  logPath: string;
  resources: { linux: CriLinuxContainerResources | null } | null;
}

export interface CriExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface CriExecRequest {
  containerId: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface CriAttachRequest {
  containerId: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface CriUInt64Value {
  value: number;
}

export interface CriContainerStats {
  attributes: { id: string; metadata: CriContainerMetadata | null; labels: Record<string, string>; annotations: Record<string, string> } | null;
  cpu: { timestamp: number; usageCoreNanoSeconds: CriUInt64Value | null; usageNanoCores: CriUInt64Value | null } | null;
  memory: {
    timestamp: number;
    workingSetBytes: CriUInt64Value | null;
    availableBytes: CriUInt64Value | null;
    usageBytes: CriUInt64Value | null;
    rssBytes: CriUInt64Value | null;
    pageFaults: CriUInt64Value | null;
    majorPageFaults: CriUInt64Value | null;
  } | null;
  writableLayer: CriFilesystemUsage | null;
}

export interface CriFilesystemUsage {
  timestamp: number;
  fsId: { mountpoint: string } | null;
  usedBytes: CriUInt64Value | null;
  inodesUsed: CriUInt64Value | null;
}

export interface CriContainerStatsFilter {
  id?: string;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface CriContainerEvent {
  containerId: string;
  containerEventType: CriContainerEventType;
  createdAt: number;
  podSandboxStatus: CriPodSandboxStatus | null;
  containersStatuses: CriContainerStatus[];
}

export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  uid: CriInt64Value | null;
  username: string;
  pinned: boolean;
}

/** Registry credentials for one pull (from an imagePullSecret's .dockerconfigjson entry). */
export interface CriAuthConfig {
  username?: string;
  password?: string;
  /** base64 of `user:password` */
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}
