// Pod subresources served by the node agent: `log` (plain HTTP) and `exec`, `attach`, `portforward`
// (connection upgrades). The API server finds the pod's node, then relays the request to that node's
// kubelet (status.daemonEndpoints.kubeletEndpoint.Port on its InternalIP) byte for byte.
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../api/object.js';
import { errors, StatusError } from '../api/errors.js';
import type { WatchCache } from './watchcache.js';

export interface KubeletTarget {
  host: string;
  port: number;
}

type PodSpecLike = { nodeName?: string; containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };

export class NodeProxy {
  constructor(private readonly cache: WatchCache, private readonly kubeletToken: string | undefined) {}

  private pod(namespace: string, name: string): KubeObject {
    const e = this.cache.get(`/registry/core/pods/${namespace}/${name}`);
    if (!e) throw errors.notFound('pods', '', name);
    return e.obj;
  }

  private target(pod: KubeObject): KubeletTarget {
    const spec = (pod.spec ?? {}) as PodSpecLike;
    if (!spec.nodeName) throw errors.badRequest(`pod ${pod.metadata?.name} does not have a host assigned`);
    const node = this.cache.get(`/registry/core/nodes/${spec.nodeName}`)?.obj;
    if (!node) throw errors.notFound('nodes', '', spec.nodeName);
    const status = (node.status ?? {}) as { addresses?: Array<{ type: string; address: string }>; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
    const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
    const addr = status.addresses?.find((a) => a.type === 'InternalIP')?.address ?? status.addresses?.find((a) => a.type === 'Hostname')?.address;
    if (!port || !addr) throw new StatusError(503, 'ServiceUnavailable', `the node agent of node ${spec.nodeName} has not reported an endpoint`);
    return { host: addr, port };
  }

  /** The container a request means: the named one, the default-container annotation, or the only one. */
  private container(pod: KubeObject, requested: string | null): string {
    const spec = (pod.spec ?? {}) as PodSpecLike;
    const all = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
    if (requested) {
      if (!all.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${pod.metadata?.name}`);
      return requested;
    }
    const dflt = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
    if (dflt && all.includes(dflt)) return dflt;
    const app = (spec.containers ?? []).map((c) => c.name);
    if (app.length === 1) return app[0];
    throw errors.badRequest(`a container name must be specified for pod ${pod.metadata?.name}, choose one of: [${app.join(' ')}]`);
  }

  /** Path on the kubelet for a pod subresource. */
  kubeletPath(namespace: string, name: string, subresource: string, query: URLSearchParams): { pod: KubeObject; path: string } {
    const pod = this.pod(namespace, name);
    const q = new URLSearchParams(query);
    const ns = encodeURIComponent(namespace);
    const pn = encodeURIComponent(name);
    switch (subresource) {
      case 'log': {
        const c = this.container(pod, q.get('container'));
        q.delete('container');
        return { pod, path: `/containerLogs/${ns}/${pn}/${encodeURIComponent(c)}?${q}` };
      }
      case 'exec':
      case 'attach': {
        const c = this.container(pod, q.get('container'));
        q.delete('container');
        return { pod, path: `/${subresource}/${ns}/${pn}/${encodeURIComponent(c)}?${q}` };
      }
      case 'portforward':
        return { pod, path: `/portForward/${ns}/${pn}?${q}` };
      default:
        throw errors.notFoundPath();
    }
  }

  /** GET pods/<name>/log: streams the kubelet's reply. */
  async logs(req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: URLSearchParams): Promise<void> {
    const { pod, path } = this.kubeletPath(namespace, name, 'log', query);
    const t = this.target(pod);
    await new Promise<void>((resolve, reject) => {
      const up = https.request({ host: t.host, port: t.port, path, method: 'GET', rejectUnauthorized: false, headers: this.authHeaders() }, (kres) => {
        const code = kres.statusCode ?? 502;
        if (code >= 400) {
          const chunks: Buffer[] = [];
          kres.on('data', (c) => chunks.push(c));
          kres.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              const st = JSON.parse(text);
              if (st.kind === 'Status') { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(text); return resolve(); }
            } catch { /* plain text */ }
            reject(errors.badRequest(text.trim() || `the node agent answered ${code}`));
          });
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
        kres.pipe(res);
        kres.on('end', resolve);
        kres.on('error', resolve);
      });
      up.on('error', (err) => reject(new StatusError(503, 'ServiceUnavailable', `the node agent is not reachable: ${err.message}`)));
      req.on('close', () => up.destroy());
      up.end();
    });
  }

  /** exec / attach / portforward upgrades: relay the raw connection to the kubelet. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string, subresource: string, query: URLSearchParams): void {
    const { pod, path } = this.kubeletPath(namespace, name, subresource, query);
    const t = this.target(pod);
    const upstream = tls.connect({ host: t.host, port: t.port, rejectUnauthorized: false, servername: undefined }, () => {
      const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${t.host}:${t.port}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i];
        if (/^(host|authorization)$/i.test(k)) continue;
        lines.push(`${k}: ${req.rawHeaders[i + 1]}`);
      }
      for (const [k, v] of Object.entries(this.authHeaders())) lines.push(`${k}: ${v}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const close = () => { upstream.destroy(); socket.destroy(); };
    upstream.on('error', () => {
      if (socket.writable) socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' + JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the node agent is not reachable', reason: 'ServiceUnavailable', code: 503 }));
      close();
    });
    socket.on('error', close);
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  }

  private authHeaders(): Record<string, string> {
    return this.kubeletToken ? { Authorization: `Bearer ${this.kubeletToken}` } : {};
  }
}
