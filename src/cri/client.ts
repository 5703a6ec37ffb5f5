// A CRI v1 client (runtime.v1.RuntimeService + runtime.v1.ImageService) over gRPC on a unix socket,
// as the kubelet is to containerd. Each method is one RPC; requests and replies are the shapes of
// ./types.ts. gRPC failures become CriError values carrying the gRPC status code name.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type {
  CriAttachRequest, CriAuthConfig, CriContainer, CriContainerConfig, CriContainerEvent, CriContainerFilter,
  CriContainerStats, CriContainerStatsFilter, CriContainerStatus, CriExecRequest, CriExecSyncResponse,
  CriFilesystemUsage, CriImage, CriImageSpec, CriLinuxContainerResources, CriPodSandbox, CriPodSandboxConfig,
  CriPodSandboxFilter, CriPodSandboxStatus, CriRuntimeCondition, CriVersion,
} from './types.js';

/** gRPC status code names, as CRI runtimes return them */
export type CriErrorCode =
  | 'OK' | 'CANCELLED' | 'UNKNOWN' | 'INVALID_ARGUMENT' | 'DEADLINE_EXCEEDED' | 'NOT_FOUND' | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED' | 'FAILED_PRECONDITION' | 'ABORTED' | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED' | 'INTERNAL' | 'UNAVAILABLE' | 'DATA_LOSS' | 'UNAUTHENTICATED';

export class CriError extends Error {
  constructor(readonly code: CriErrorCode, readonly rpc: string, readonly details: string) {
    super(`${rpc}: ${code}: ${details}`);
    this.name = 'CriError';
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof CriError && e.code === 'NOT_FOUND';
}

/** CRI API version string the kubelet sends in Version */
export const CRI_API_VERSION = 'v1';

export interface CriClientOptions {
  /** default deadline of an RPC in ms (default 120 s) */
  timeoutMs?: number;
  /** deadline of PullImage in ms (default 10 min) */
  pullTimeoutMs?: number;
}

/** Where api.proto is: beside this module (copied) or in the source tree (`dist/src/cri` -> `src/cri`). */
export function protoPath(): string {
  const candidates = [
    fileURLToPath(new URL('./proto/api.proto', import.meta.url)),
    fileURLToPath(new URL('../../../src/cri/proto/api.proto', import.meta.url)),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`CRI api.proto not found (looked in ${candidates.join(', ')})`);
}

let cachedPackage: grpc.GrpcObject | undefined;

function loadPackage(): grpc.GrpcObject {
  if (!cachedPackage) {
    const def = protoLoader.loadSync(protoPath(), {
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
      arrays: true,
      objects: false,
      oneofs: false,
    });
    cachedPackage = grpc.loadPackageDefinition(def);
  }
  return cachedPackage;
}

type Unary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => grpc.ClientUnaryCall;
type ServerStream = (req: unknown, opts?: grpc.CallOptions) => grpc.ClientReadableStream<unknown>;

interface ServiceClient extends grpc.Client {
  [method: string]: unknown;
}

function serviceCtor(name: 'RuntimeService' | 'ImageService'): grpc.ServiceClientConstructor {
  const pkg = loadPackage();
  const runtime = pkg['runtime'] as grpc.GrpcObject;
  const v1 = runtime['v1'] as grpc.GrpcObject;
  return v1[name] as grpc.ServiceClientConstructor;
}

function codeName(code: number): CriErrorCode {
  return (grpc.status[code] as CriErrorCode | undefined) ?? 'UNKNOWN';
}

/** `unix:///abs/path` for a socket path; other targets (`unix:`, `dns:`) are passed through */
export function grpcTarget(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return 'unix:' + endpoint.slice('unix://'.length);
  if (endpoint.startsWith('/')) return 'unix:' + endpoint;
  return endpoint;
}

export class CriClient {
  private readonly rt: ServiceClient;
  private readonly img: ServiceClient;
  private readonly timeoutMs: number;
  private readonly pullTimeoutMs: number;
  private readonly streams = new Set<grpc.ClientReadableStream<unknown>>();

  constructor(readonly endpoint: string, opts: CriClientOptions = {}) {
    const target = grpcTarget(endpoint);
    const channelOpts: grpc.ChannelOptions = {
      // ExecSync may carry 16 MiB of stdout and as much stderr
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 16 * 1024 * 1024,
    };
    const creds = grpc.credentials.createInsecure();
    this.rt = new (serviceCtor('RuntimeService'))(target, creds, channelOpts) as unknown as ServiceClient;
    this.img = new (serviceCtor('ImageService'))(target, creds, channelOpts) as unknown as ServiceClient;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 600_000;
  }

  private call<T>(svc: ServiceClient, method: string, req: object, timeoutMs = this.timeoutMs): Promise<T> {
    const fn = svc[method] as Unary | undefined;
    if (typeof fn !== 'function') return Promise.reject(new CriError('UNIMPLEMENTED', method, 'not in api.proto'));
    return new Promise<T>((resolve, reject) => {
      fn.call(svc, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(new CriError(codeName(err.code), method, err.details || err.message));
        else resolve(res as T);
      });
    });
  }

  /** waits until the socket answers (gRPC channel ready), or rejects after `timeoutMs` */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.rt.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): void {
    for (const s of this.streams) s.cancel();
    this.streams.clear();
    this.rt.close();
    this.img.close();
  }

  // ---- RuntimeService ----

  version(): Promise<CriVersion> {
    return this.call<CriVersion>(this.rt, 'Version', { version: CRI_API_VERSION });
  }

  async status(verbose = false): Promise<{ conditions: CriRuntimeCondition[]; info: Record<string, string> }> {
    const r = await this.call<{ status: { conditions: CriRuntimeCondition[] } | null; info: Record<string, string> }>(this.rt, 'Status', { verbose });
    return { conditions: r.status?.conditions ?? [], info: r.info };
  }

  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.call(this.rt, 'UpdateRuntimeConfig', { runtimeConfig: { networkConfig: { podCidr } } });
  }

  async runPodSandbox(config: CriPodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const r = await this.call<{ podSandboxId: string }>(this.rt, 'RunPodSandbox', { config, runtimeHandler });
    return r.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.rt, 'StopPodSandbox', { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.rt, 'RemovePodSandbox', { podSandboxId });
  }

  async podSandboxStatus(podSandboxId: string, verbose = false): Promise<{ status: CriPodSandboxStatus; info: Record<string, string> }> {
    const r = await this.call<{ status: CriPodSandboxStatus | null; info: Record<string, string> }>(this.rt, 'PodSandboxStatus', { podSandboxId, verbose });
    if (!r.status) throw new CriError('NOT_FOUND', 'PodSandboxStatus', `sandbox ${podSandboxId}: no status`);
    return { status: r.status, info: r.info };
  }

  async listPodSandbox(filter?: CriPodSandboxFilter): Promise<CriPodSandbox[]> {
    const r = await this.call<{ items: CriPodSandbox[] }>(this.rt, 'ListPodSandbox', filter ? { filter } : {});
    return r.items;
  }

  async createContainer(podSandboxId: string, config: CriContainerConfig, sandboxConfig: CriPodSandboxConfig): Promise<string> {
    const r = await this.call<{ containerId: string }>(this.rt, 'CreateContainer', { podSandboxId, config, sandboxConfig });
    return r.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(this.rt, 'StartContainer', { containerId });
  }

  /** `timeoutSeconds` of grace before SIGKILL; the RPC deadline allows for it */
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.call(this.rt, 'StopContainer', { containerId, timeout: timeoutSeconds }, this.timeoutMs + timeoutSeconds * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(this.rt, 'RemoveContainer', { containerId });
  }

  async listContainers(filter?: CriContainerFilter): Promise<CriContainer[]> {
    const r = await this.call<{ containers: CriContainer[] }>(this.rt, 'ListContainers', filter ? { filter } : {});
    return r.containers;
  }

  async containerStatus(containerId: string, verbose = false): Promise<{ status: CriContainerStatus; info: Record<string, string> }> {
    const r = await this.call<{ status: CriContainerStatus | null; info: Record<string, string> }>(this.rt, 'ContainerStatus', { containerId, verbose });
    if (!r.status) throw new CriError('NOT_FOUND', 'ContainerStatus', `container ${containerId}: no status`);
    return { status: r.status, info: r.info };
  }

  async updateContainerResources(containerId: string, linux: CriLinuxContainerResources): Promise<void> {
    await this.call(this.rt, 'UpdateContainerResources', { containerId, linux });
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call(this.rt, 'ReopenContainerLog', { containerId });
  }

  /** `timeoutSeconds` 0 runs without a time limit (the RPC deadline still applies) */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<CriExecSyncResponse> {
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + 10_000 : this.timeoutMs;
    return this.call<CriExecSyncResponse>(this.rt, 'ExecSync', { containerId, cmd, timeout: timeoutSeconds }, deadline);
  }

  /** the URL of the runtime's streaming server for this exec (one use, short-lived) */
  async exec(req: CriExecRequest): Promise<string> {
    const r = await this.call<{ url: string }>(this.rt, 'Exec', req);
    return r.url;
  }

  async attach(req: CriAttachRequest): Promise<string> {
    const r = await this.call<{ url: string }>(this.rt, 'Attach', req);
    return r.url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    const r = await this.call<{ url: string }>(this.rt, 'PortForward', { podSandboxId, port: ports });
    return r.url;
  }

  async containerStats(containerId: string): Promise<CriContainerStats> {
    const r = await this.call<{ stats: CriContainerStats | null }>(this.rt, 'ContainerStats', { containerId });
    if (!r.stats) throw new CriError('NOT_FOUND', 'ContainerStats', `container ${containerId}: no stats`);
    return r.stats;
  }

  async listContainerStats(filter?: CriContainerStatsFilter): Promise<CriContainerStats[]> {
    const r = await this.call<{ stats: CriContainerStats[] }>(this.rt, 'ListContainerStats', filter ? { filter } : {});
    return r.stats;
  }

  /**
   * Subscribes to GetContainerEvents. `onEnd` is called once when the stream ends or fails (e.g.
   * UNIMPLEMENTED on containerd 1.6, which has no event stream). Returns a cancel function.
   */
  containerEvents(onEvent: (e: CriContainerEvent) => void, onEnd: (err?: CriError) => void): () => void {
    const fn = this.rt['GetContainerEvents'] as ServerStream;
    const stream = fn.call(this.rt, {});
    this.streams.add(stream);
    let ended = false;
    const end = (err?: CriError) => {
      if (ended) return;
      ended = true;
      this.streams.delete(stream);
      onEnd(err);
    };
    stream.on('data', (d: unknown) => onEvent(d as CriContainerEvent));
    stream.on('error', (err: grpc.ServiceError) => end(err.code === grpc.status.CANCELLED ? undefined : new CriError(codeName(err.code), 'GetContainerEvents', err.details || err.message)));
    stream.on('end', () => end());
    return () => {
      stream.cancel();
      end();
    };
  }

  // ---- ImageService ----

  async listImages(filter?: CriImageSpec): Promise<CriImage[]> {
    const r = await this.call<{ images: CriImage[] }>(this.img, 'ListImages', filter ? { filter: { image: filter } } : {});
    return r.images;
  }

  /** undefined when the image is not present */
  async imageStatus(image: CriImageSpec): Promise<CriImage | undefined> {
    const r = await this.call<{ image: CriImage | null }>(this.img, 'ImageStatus', { image });
    return r.image ?? undefined;
  }

  /** the image reference (containerd: the image ID, `sha256:...`) */
  async pullImage(image: CriImageSpec, auth?: CriAuthConfig, sandboxConfig?: CriPodSandboxConfig): Promise<string> {
    const req: Record<string, unknown> = { image };
    if (auth) req['auth'] = auth;
    if (sandboxConfig) req['sandboxConfig'] = sandboxConfig;
    const r = await this.call<{ imageRef: string }>(this.img, 'PullImage', req, this.pullTimeoutMs);
    return r.imageRef;
  }

  async removeImage(image: CriImageSpec): Promise<void> {
    await this.call(this.img, 'RemoveImage', { image });
  }

  async imageFsInfo(): Promise<CriFilesystemUsage[]> {
    const r = await this.call<{ imageFilesystems: CriFilesystemUsage[] }>(this.img, 'ImageFsInfo', {});
    return r.imageFilesystems;
  }
}
