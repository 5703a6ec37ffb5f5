// The API server: HTTPS, bearer-token authentication, discovery, OpenAPI, and the REST handler over
// the store and its watch cache. The only door to cluster state.
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Store } from '../storage/interface.js';
import { ResourceRegistry } from '../api/registry.js';
import { errors, StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { WatchCache, type CacheEvent } from './watchcache.js';
import { RestHandler, encodeStored, type User } from './rest.js';
import { sendJson, sendError } from './http.js';
import { parseResourcePath } from './request.js';
import { ServiceAllocator, DEFAULT_SERVICE_NETWORK, type ServiceNetwork } from './services.js';
import { CrdController, establishedStatus } from './crd.js';
import { NodeProxy } from './nodeproxy.js';
import type { Duplex } from 'node:stream';
import { handleDiscovery } from './discovery/index.js';
import { handleOpenAPI } from './openapi/index.js';

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.4+timonel', gitCommit: 'timonel', gitTreeState: 'clean', buildDate: '2026-11-24T00:00:00Z', goVersion: 'go1.23.0', compiler: 'gc', platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}` };

export interface TokenEntry {
  token: string;
  user: User;
}

export interface ApiServerOptions {
  store: Store;
  tls: { certPem: string; keyPem: string };
  tokens: TokenEntry[];
  host?: string;
  port?: number;
  serviceNetwork?: ServiceNetwork;
  /** watch cache event history */
  watchHistory?: number;
  /** bearer token the API server presents to kubelets (logs, exec, port-forward) */
  kubeletClientToken?: string;
  /** DefaultTolerationSeconds admission: how long pods tolerate a not-ready / unreachable node (300) */
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
}

/** openapi_v2.Document{swagger: "2.0", info: {title: "Kubernetes", version: <gitVersion>}, paths: {}} */
const OPENAPI_V2_EMPTY_PROTOBUF = (() => {
  const str = (field: number, v: string) => { const b = Buffer.from(v); return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]); };
  const info = Buffer.concat([str(1, 'Kubernetes'), str(2, KUBE_VERSION.gitVersion)]);
  return Buffer.concat([str(1, '2.0'), Buffer.from([(2 << 3) | 2, info.length]), info, Buffer.from([(8 << 3) | 2, 0])]);
})();

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz']);

export class ApiServer {
  readonly registry = new ResourceRegistry();
  readonly cache: WatchCache;
  private rest: RestHandler;
  private server: Server | undefined;
  private services: ServiceAllocator;
  private crds: CrdController;
  private tokens: Map<string, User>;
  private unsubscribeCrds: (() => void) | undefined;
  private sockets = new Set<Duplex>();
  private nodes: NodeProxy;

  constructor(private readonly opts: ApiServerOptions) {
    this.cache = new WatchCache(opts.store, opts.watchHistory);
    this.services = new ServiceAllocator(this.cache, opts.serviceNetwork ?? DEFAULT_SERVICE_NETWORK);
    this.crds = new CrdController(this.registry);
    this.nodes = new NodeProxy(this.cache, opts.kubeletClientToken);
    this.tokens = new Map(opts.tokens.map((t) => [t.token, t.user]));
    this.rest = new RestHandler(opts.store, this.cache, this.registry, {
      beforeCreate: (info, obj) => {
        if (info.group === '' && info.resource === 'services') this.services.allocate(obj);
        if (info.group === '' && info.resource === 'pods') this.defaultTolerations(obj);
        if (info.group === 'apiextensions.k8s.io' && info.resource === 'customresourcedefinitions') {
          obj.status = establishedStatus(obj, new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
        }
      },
      beforeUpdate: (info, obj, old) => {
        if (info.group === '' && info.resource === 'services') this.services.allocate(obj, old);
        if (info.group === 'apiextensions.k8s.io' && info.resource === 'customresourcedefinitions' && obj.spec) {
          obj.status = { ...(obj.status as object), ...establishedStatus(obj, (old.status as { conditions?: Array<{ lastTransitionTime?: string }> } | undefined)?.conditions?.[0]?.lastTransitionTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')) };
        }
      },
    });
  }

  /** DefaultTolerationSeconds admission: pods tolerate an unready or unreachable node for a while. */
  private defaultTolerations(pod: KubeObject): void {
    const spec = (pod.spec ??= {}) as { tolerations?: Array<{ key?: string; operator?: string; effect?: string; tolerationSeconds?: number }> };
    const tolerations = (spec.tolerations ??= []);
    const defaults: Array<[string, number]> = [
      ['node.kubernetes.io/not-ready', this.opts.defaultNotReadyTolerationSeconds ?? 300],
      ['node.kubernetes.io/unreachable', this.opts.defaultUnreachableTolerationSeconds ?? 300],
    ];
    for (const [key, seconds] of defaults) {
      const tolerated = tolerations.some((t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
      if (!tolerated) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
    }
  }

  async start(): Promise<void> {
    await this.cache.start();
    // CRDs: register what is stored, then follow changes.
    const prefix = '/registry/apiextensions.k8s.io/customresourcedefinitions/';
    for (const e of this.cache.list(prefix)) this.crds.upsert(e.obj);
    this.unsubscribeCrds = this.cache.watch(prefix, this.cache.revision, (evs) => this.onCrdEvents(evs));
    await this.bootstrap();
    this.server = createHttpsServer({ cert: this.opts.tls.certPem, key: this.opts.tls.keyPem, keepAliveTimeout: 65_000 }, (req, res) => {
      void this.dispatch(req, res);
    });
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.headersTimeout = 60_000;
    this.server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 6443, this.opts.host ?? '127.0.0.1', () => resolve());
    });
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.unsubscribeCrds?.();
    this.cache.stop();
    if (this.server) {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
      await closed;
    }
  }

  private onCrdEvents(evs: CacheEvent[]): void {
    for (const ev of evs) {
      if (ev.type === 'DELETED') {
        this.crds.remove(ev.obj.metadata?.name ?? '');
        void this.dropCustomResources(ev.obj);
      } else {
        this.crds.upsert(ev.obj);
      }
    }
  }

  /** A deleted CRD takes its custom resources with it. */
  private async dropCustomResources(crd: KubeObject): Promise<void> {
    const spec = crd.spec as { group?: string; names?: { plural?: string } } | undefined;
    if (!spec?.group || !spec.names?.plural) return;
    const prefix = `/registry/${spec.group}/${spec.names.plural}/`;
    for (const e of [...this.cache.list(prefix)]) {
      await this.opts.store.delete(e.key).catch(() => undefined);
    }
  }

  /** Objects every cluster has: the system namespaces and the `kubernetes` service. */
  private async bootstrap(): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ensure = async (key: string, obj: KubeObject) => {
      if (this.cache.get(key)) return;
      try {
        await this.opts.store.create(key, encodeStored(obj));
      } catch { /* created concurrently */ }
    };
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await ensure(`/registry/core/namespaces/${ns}`, {
        apiVersion: 'v1', kind: 'Namespace',
        metadata: { name: ns, uid: crypto.randomUUID(), creationTimestamp: now, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
      });
    }
    const ip = this.services.apiServiceIP;
    await ensure('/registry/core/services/default/kubernetes', {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', uid: crypto.randomUUID(), creationTimestamp: now, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: this.opts.port ?? 6443 }], sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' },
      status: { loadBalancer: {} },
    });
    await this.cache.waitFor(await this.opts.store.currentRevision());
  }

  private authenticate(req: IncomingMessage): User | undefined {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) return undefined;
    const token = h.slice(7).trim();
    for (const [t, user] of this.tokens) {
      if (t.length === token.length && timingSafeEqual(Buffer.from(t), Buffer.from(token))) return user;
    }
    return undefined;
  }

  addToken(entry: TokenEntry): void {
    this.tokens.set(entry.token, entry.user);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (PUBLIC_PATHS.has(path)) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      }
      const user = this.authenticate(req);
      if (!user) throw errors.unauthorized();
      await this.route(req, res, path, url.searchParams, user);
    } catch (err) {
      if (!res.headersSent) sendError(res, err);
      else res.end();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, user: User): Promise<void> {
    if (path === '/version') return sendJson(res, 200, KUBE_VERSION);
    if (path === '/openapi/v2' && /protobuf/.test(String(req.headers.accept ?? '')) && !/application\/json/.test(String(req.headers.accept ?? ''))) {
      // kubectl asks for the v2 document in its protobuf form only when it validates a kind the v3
      // documents do not have: an empty document lets it go on to report the kind as unknown.
      const body = OPENAPI_V2_EMPTY_PROTOBUF;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
      return;
    }
    if (path.startsWith('/openapi/')) {
      const reply = handleOpenAPI(this.registry, { path, hash: query.get('hash') ?? undefined, accept: req.headers.accept, ifNoneMatch: req.headers['if-none-match'] });
      if (!reply) throw errors.notFoundPath();
      return this.sendReply(res, reply);
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const reply = handleDiscovery(this.registry, { path, accept: req.headers.accept, ifNoneMatch: req.headers['if-none-match'] }, { serverAddress: `${req.socket.localAddress}:${req.socket.localPort}` });
      if (reply) return this.sendReply(res, reply);
    }
    const ri = parseResourcePath(path, this.registry);
    if (ri === undefined || ri === 'unknown') throw errors.notFoundPath();
    if (ri.info.group === '' && ri.info.resource === 'pods' && ri.subresource === 'log' && ri.name && ri.namespace) {
      if (req.method !== 'GET') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      return this.nodes.logs(req, res, ri.namespace, ri.name, query);
    }
    await this.rest.handle(req, res, ri, query, user);
  }

  /** exec, attach and port-forward arrive as connection upgrades (WebSocket or SPDY). */
  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const fail = (err: unknown) => {
      const se = err instanceof StatusError ? err : errors.internal(String(err));
      const body = JSON.stringify(se.toStatus());
      socket.end(`HTTP/1.1 ${se.code} ${se.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      const user = this.authenticate(req);
      if (!user) throw errors.unauthorized();
      const url = new URL(req.url ?? '/', 'https://localhost');
      const ri = parseResourcePath(url.pathname, this.registry);
      if (!ri || ri === 'unknown' || ri.info.group !== '' || ri.info.resource !== 'pods' || !ri.name || !ri.namespace || !['exec', 'attach', 'portforward'].includes(ri.subresource ?? '')) {
        throw errors.badRequest('only the exec, attach and portforward subresources of pods accept a connection upgrade');
      }
      this.nodes.upgrade(req, socket, head, ri.namespace, ri.name, ri.subresource!, url.searchParams);
    } catch (err) {
      fail(err);
    }
  }

  private sendReply(res: ServerResponse, reply: { status: number; headers: Record<string, string>; body?: string }): void {
    res.writeHead(reply.status, { ...reply.headers, ...(reply.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(reply.body)) } : {}) });
    res.end(reply.body);
  }
}

export { StatusError };
