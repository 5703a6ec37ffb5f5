// A small Kubernetes REST client over HTTPS (bearer token, cluster CA, keep-alive), used by
// timonel's controllers, node agent and CLI. Errors come back as the server's Status (StatusError).
import https from 'node:https';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { StatusError, type Status } from '../api/errors.js';
import type { KubeObject, KubeList } from '../api/object.js';

export interface ClientConfig {
  server: string;
  token?: string;
  ca?: string;
  userAgent?: string;
}

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';
const PATCH_CT: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface WatchEvent<T = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export function loadKubeconfig(path: string): ClientConfig {
  const kc = YAML.parse(readFileSync(path, 'utf8')) as {
    'current-context'?: string;
    contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
    clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
    users: Array<{ name: string; user: { token?: string } }>;
  };
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context'])?.context;
  const cluster = (ctx ? kc.clusters.find((c) => c.name === ctx.cluster) : kc.clusters[0])!.cluster;
  const user = (ctx ? kc.users.find((u) => u.name === ctx.user) : kc.users[0])?.user;
  return {
    server: cluster.server,
    ca: cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString() : undefined,
    token: user?.token,
  };
}

export function resourcePath(r: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export class KubeClient {
  private agent: http.Agent;
  private url: URL;

  constructor(readonly config: ClientConfig) {
    this.url = new URL(config.server);
    this.agent = this.url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 64, ca: config.ca })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  close(): void {
    this.agent.destroy();
  }

  private open(method: string, path: string, headers: Record<string, string>): http.ClientRequest {
    const mod = this.url.protocol === 'https:' ? https : http;
    return mod.request({
      method, hostname: this.url.hostname, port: this.url.port, path, agent: this.agent,
      headers: {
        Accept: 'application/json',
        'User-Agent': this.config.userAgent ?? 'timonel',
        ...(this.config.token ? { Authorization: `Bearer ${this.config.token}` } : {}),
        ...headers,
      },
    });
  }

  /** One request; JSON in, JSON out; a non-2xx reply throws StatusError. */
  request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = this.open(method, path, data !== undefined ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(data)) } : {});
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          let parsed: unknown;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = text; }
          if (code >= 200 && code < 300) return resolve(parsed as T);
          const st = parsed as Partial<Status> | undefined;
          reject(new StatusError(code, (st?.reason ?? 'InternalError') as never, st?.message ?? `HTTP ${code}: ${String(text).slice(0, 200)}`, st?.details));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  get<T = KubeObject>(r: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>('GET', resourcePath(r, namespace, name));
  }

  list<T = KubeObject>(r: ResourceRef, namespace?: string, query: Record<string, string> = {}): Promise<KubeList<T & KubeObject>> {
    const qs = new URLSearchParams(query).toString();
    return this.request('GET', resourcePath(r, namespace) + (qs ? `?${qs}` : ''));
  }

  create<T = KubeObject>(r: ResourceRef, namespace: string | undefined, obj: unknown): Promise<T> {
    return this.request<T>('POST', resourcePath(r, namespace), obj);
  }

  update<T = KubeObject>(r: ResourceRef, namespace: string | undefined, name: string, obj: unknown, subresource?: string): Promise<T> {
    return this.request<T>('PUT', resourcePath(r, namespace, name, subresource), obj);
  }

  patch<T = KubeObject>(r: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: { subresource?: string; fieldManager?: string; force?: boolean } = {}): Promise<T> {
    const q = new URLSearchParams();
    if (opts.fieldManager) q.set('fieldManager', opts.fieldManager);
    if (opts.force) q.set('force', 'true');
    const qs = q.toString();
    return this.request<T>('PATCH', resourcePath(r, namespace, name, opts.subresource) + (qs ? `?${qs}` : ''), patch, PATCH_CT[type]);
  }

  delete(r: ResourceRef, namespace: string | undefined, name: string, opts: { propagationPolicy?: string; gracePeriodSeconds?: number; preconditions?: { uid?: string } } = {}): Promise<unknown> {
    return this.request('DELETE', resourcePath(r, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
  }

  /**
   * Streams watch events; `onClose` is called once when the stream ends for any reason (with the
   * error, if any). Returns a function that stops the watch.
   */
  watch<T = KubeObject>(r: ResourceRef, namespace: string | undefined, query: Record<string, string>, onEvent: (e: WatchEvent<T>) => void, onClose: (err?: Error) => void): () => void {
    const qs = new URLSearchParams({ ...query, watch: 'true' }).toString();
    const req = this.open('GET', `${resourcePath(r, namespace)}?${qs}`, {});
    let done = false;
    const finish = (err?: Error) => { if (!done) { done = true; onClose(err); } };
    req.on('response', (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let st: Partial<Status> = {};
          try { st = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* not JSON */ }
          finish(new StatusError(res.statusCode ?? 500, (st.reason ?? 'InternalError') as never, st.message ?? `watch failed: HTTP ${res.statusCode}`));
        });
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.trim()) continue;
          try { onEvent(JSON.parse(line) as WatchEvent<T>); } catch (err) { req.destroy(); finish(err as Error); return; }
        }
      });
      res.on('end', () => finish());
      res.on('error', (err) => finish(err));
      res.on('close', () => finish());
    });
    req.on('error', (err) => finish(err));
    req.end();
    return () => { done = true; req.destroy(); };
  }

  /** The served resources, from aggregated discovery. */
  async discover(): Promise<Array<ResourceRef & { kind: string; verbs: string[] }>> {
    const out: Array<ResourceRef & { kind: string; verbs: string[] }> = [];
    for (const path of ['/api', '/apis']) {
      const doc = await this.requestWithAccept(path, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList') as {
        items: Array<{ metadata: { name?: string }; versions: Array<{ version: string; resources: Array<{ resource: string; scope: string; verbs: string[]; responseKind: { kind: string } }> }> }>;
      };
      for (const g of doc.items) {
        const v = g.versions[0];
        if (!v) continue;
        for (const r of v.resources) out.push({ group: g.metadata.name ?? '', version: v.version, resource: r.resource, namespaced: r.scope === 'Namespaced', kind: r.responseKind.kind, verbs: r.verbs });
      }
    }
    return out;
  }

  private requestWithAccept(path: string, accept: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = this.open('GET', path, { Accept: accept });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (err) { reject(err); }
        });
      });
      req.on('error', reject);
      req.end();
    });
  }
}
