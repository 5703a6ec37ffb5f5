// A thin HTTPS client for load generation: one keep-alive agent per target with as many sockets as
// there are concurrent clients, bodies as strings, and no retries: a failed request is a failure.
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface Endpoint {
  url: string;
  token: string;
  ca: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class UnexpectedStatus extends Error {
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly body: string) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'UnexpectedStatus';
  }
}

export interface RequestOptions {
  body?: string;
  contentType?: string;
  /** status codes that count as success; default any 2xx */
  expect?: readonly number[];
  timeoutMs?: number;
}

export const CT = {
  json: 'application/json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  jsonPatch: 'application/json-patch+json',
} as const;

export class HttpTarget {
  readonly agent: https.Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly auth: string;

  constructor(readonly endpoint: Endpoint, opts: { maxSockets?: number; keepAlive?: boolean } = {}) {
    const u = new URL(endpoint.url);
    if (u.protocol !== 'https:') throw new Error(`expected an https URL, got ${endpoint.url}`);
    this.host = u.hostname;
    this.port = Number(u.port || 443);
    this.auth = `Bearer ${endpoint.token}`;
    this.agent = new https.Agent({ keepAlive: opts.keepAlive ?? true, maxSockets: opts.maxSockets ?? 64, maxFreeSockets: opts.maxSockets ?? 64, ca: endpoint.ca });
  }

  /** Opens a request (for streaming responses such as watches). */
  open(method: string, path: string, headers: Record<string, string> = {}): import('node:http').ClientRequest {
    return https.request({
      method, host: this.host, port: this.port, path, agent: this.agent,
      headers: { Accept: 'application/json', Authorization: this.auth, 'User-Agent': 'timonel-bench', ...headers },
    });
  }

  /** One request; resolves with the whole body. Throws UnexpectedStatus unless the status is expected. */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (opts.body !== undefined) {
        headers['Content-Type'] = opts.contentType ?? CT.json;
        headers['Content-Length'] = String(Buffer.byteLength(opts.body));
      }
      const req = this.open(method, path, headers);
      const timeout = opts.timeoutMs ?? 120_000;
      req.setTimeout(timeout, () => req.destroy(new Error(`${method} ${path}: no response in ${timeout} ms`)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString('utf8');
          const ok = opts.expect ? opts.expect.includes(status) : status >= 200 && status < 300;
          if (!ok) reject(new UnexpectedStatus(method, path, status, body));
          else resolve({ status, headers: res.headers, body });
        });
      });
      req.on('error', (err) => reject(new Error(`${method} ${path}: ${err.message}`)));
      req.end(opts.body);
    });
  }

  /** A request whose reply is JSON: parsed. */
  async json<T = unknown>(method: string, path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    const res = await this.request(method, path, { ...opts, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new Error(`${method} ${path}: reply is not JSON: ${res.body.slice(0, 200)}`);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
