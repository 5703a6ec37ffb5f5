// The kubelet's streaming server, which the API server proxies `pods/log`, `pods/exec` and
// `pods/portforward` to. HTTPS with a bearer token (the same token is given to the API server).
//
//   GET  /healthz
//   GET  /pods                                       the pods this node runs (PodList)
//   GET  /containerLogs/<ns>/<pod>/<container>?follow=&tailLines=&timestamps=&sinceSeconds=&sinceTime=&previous=&limitBytes=
//        raw log bytes (chunked while following); errors are text/plain with 400/404
//   GET  /exec/<ns>/<pod>[/<uid>]/<container>?command=a&command=b&stdin=&stdout=&stderr=&tty=
//        (input/output/error=1 are accepted too, as the API server's proxy spells them)
//        WebSocket, subprotocols v5.channel.k8s.io, v4.channel.k8s.io, v3/v2, channel.k8s.io and
//        base64.channel.k8s.io: frames [channel][data]: 0 stdin, 1 stdout, 2 stderr, 3 status
//        (v4+: a metav1.Status JSON), 4 resize {"Width","Height"}, 255 close (v5: [255, channel]).
//   GET  /portForward/<ns>/<pod>[/<uid>]
//        WebSocket `SPDY/3.1+portforward.k8s.io`: SPDY tunnelled in binary messages (kubectl 1.30+);
//        HTTP upgrade `SPDY/3.1` with X-Stream-Protocol-Version portforward.k8s.io (older kubectl,
//        and kubectl's fallback): data/error stream pairs per connection, headers port and requestid;
//        WebSocket `v4.channel.k8s.io`/`portforward.k8s.io` (+ base64 variants) with ?ports=a,b:
//        channels 2i (data) and 2i+1 (error) per port, each channel's first frame is the port
//        as two little-endian bytes.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import { createCa, issueCert } from '../apiserver/pki.js';
import { readContainerLog, type LogOptions } from './crilog.js';
import type { StreamingBackend } from './kubelet.js';
import type { ExecSession, RuntimeService } from './runtime.js';
import type { SandboxLookup } from './kubelet.js';
import { SpdySession, type SpdyStream } from './spdy.js';

export interface KubeletServerOptions {
  kubelet: StreamingBackend;
  /** the bearer token requests must carry */
  token: string;
  /** serving certificate; a self-signed one (CA in `caPem`) when absent */
  tls?: { certPem: string; keyPem: string };
  host?: string;
  port?: number;
  /** names and addresses for the self-signed certificate */
  dnsNames?: string[];
  ips?: string[];
}

const SPDY_TUNNEL = 'SPDY/3.1+portforward.k8s.io';
const SPDY_TUNNEL_STANDIN = 'timonel.spdy-tunnel.portforward.k8s.io';
const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io'];
const PF_WS_PROTOCOLS = [SPDY_TUNNEL_STANDIN, 'v4.channel.k8s.io', 'portforward.k8s.io', 'channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io'];

function truthy(v: string | null): boolean {
  return v === '1' || v === 'true' || v === 'True';
}

function text(res: ServerResponse, code: number, msg: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(msg) });
  res.end(msg);
}

/** What an exec request asks for. */
export interface ExecParams { command: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

export function execParams(q: URLSearchParams): ExecParams {
  const get = (a: string, b: string) => truthy(q.get(a)) || truthy(q.get(b));
  return { command: q.getAll('command'), stdin: get('stdin', 'input'), stdout: get('stdout', 'output'), stderr: get('stderr', 'error'), tty: truthy(q.get('tty')) };
}

/** Parses /<verb>/<ns>/<pod>[/<uid>]/<container> and /<verb>/<ns>/<pod>[/<uid>] paths. */
export function parsePath(pathname: string): { verb: string; namespace?: string; pod?: string; container?: string } {
  const seg = pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const verb = seg[0] ?? '';
  if (verb === 'portForward') return { verb, namespace: seg[1], pod: seg[2] };
  if (verb === 'containerLogs') return { verb, namespace: seg[1], pod: seg[2], container: seg[3] };
  if (verb === 'exec' || verb === 'attach' || verb === 'run') {
    return { verb, namespace: seg[1], pod: seg[2], container: seg.length >= 5 ? seg[4] : seg[3] };
  }
  return { verb, namespace: seg[1], pod: seg[2], container: seg[3] };
}

/** Frames of the channel protocols: binary [channel][data], or base64 text "<digit><base64>". */
class ChannelConn {
  readonly base64: boolean;
  constructor(readonly ws: WebSocket, readonly protocol: string) {
    this.base64 = protocol.includes('base64');
  }

  send(channel: number, data: Buffer | string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.base64) this.ws.send(String.fromCharCode(48 + channel) + b.toString('base64'));
    else this.ws.send(Buffer.concat([Buffer.from([channel]), b]));
  }

  /** channel and payload of an incoming message */
  decode(msg: Buffer, isBinary: boolean): { channel: number; data: Buffer } | undefined {
    if (!msg.length) return undefined;
    if (this.base64 && !isBinary) {
      const s = msg.toString('utf8');
      return { channel: s.charCodeAt(0) - 48, data: Buffer.from(s.slice(1), 'base64') };
    }
    return { channel: msg[0]!, data: msg.subarray(1) };
  }
}

export class KubeletServer {
  private server: https.Server | undefined;
  private wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p, req) => this.pickProtocol(p, req) });
  private tokenBuf: Buffer;
  private sockets = new Set<Duplex>();
  /** the CA of the self-signed serving certificate (undefined when tls was given) */
  caPem: string | undefined;
  port = 0;

  constructor(private readonly opts: KubeletServerOptions) {
    this.tokenBuf = Buffer.from(opts.token);
    // `SPDY/3.1+portforward.k8s.io` is not a valid RFC 7230 token ('/'), which the ws package
    // refuses: the request carries a stand-in through the handshake and the reply gets the original.
    this.wss.on('headers', (headers: string[], req: IncomingMessage) => {
      if (!(req as IncomingMessage & { spdyTunnel?: boolean }).spdyTunnel) return;
      for (let i = 0; i < headers.length; i++) {
        if (/^sec-websocket-protocol:/i.test(headers[i]!)) headers[i] = `Sec-WebSocket-Protocol: ${SPDY_TUNNEL}`;
      }
    });
  }

  async start(): Promise<void> {
    let tls = this.opts.tls;
    if (!tls) {
      const ca = await createCa('timonel-kubelet-ca');
      const cert = await issueCert(ca, { commonName: 'kubelet', dnsNames: ['localhost', ...(this.opts.dnsNames ?? [])], ips: ['127.0.0.1', ...(this.opts.ips ?? [])], server: true });
      tls = cert;
      this.caPem = ca.certPem;
    }
    const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => void this.handle(req, res));
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m) return false;
    const b = Buffer.from(m[1]!.trim());
    return b.length === this.tokenBuf.length && timingSafeEqual(b, this.tokenBuf);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://kubelet');
      if (url.pathname === '/healthz') return text(res, 200, 'ok');
      if (!this.authorized(req)) return text(res, 401, 'Unauthorized');
      const p = parsePath(url.pathname);
      if (p.verb === 'pods' && req.method === 'GET') {
        const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.opts.kubelet.pods?.() ?? [] });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(body);
        return;
      }
      if (p.verb === 'containerLogs' && req.method === 'GET') return await this.logs(req, res, url, p);
      if (p.verb === 'exec' || p.verb === 'portForward' || p.verb === 'attach') {
        return text(res, 400, 'Upgrade request required');
      }
      text(res, 404, `404 page not found`);
    } catch (err) {
      if (!res.headersSent) text(res, 500, (err as Error).message);
      else res.destroy();
    }
  }

  private async logs(req: IncomingMessage, res: ServerResponse, url: URL, p: ReturnType<typeof parsePath>): Promise<void> {
    if (!p.namespace || !p.pod) return text(res, 400, 'missing pod');
    const q = url.searchParams;
    const previous = truthy(q.get('previous'));
    const found = await this.opts.kubelet.lookupContainer(p.namespace, p.pod, p.container, previous);
    if (!found.ok) return text(res, found.code, found.message);
    const opts: LogOptions = { follow: truthy(q.get('follow')) && !previous, timestamps: truthy(q.get('timestamps')) };
    const num = (k: string) => { const v = q.get(k); if (v === null || v === '') return undefined; const n = Number(v); if (!Number.isInteger(n) || n < 0) throw new Error(`invalid ${k}`); return n; };
    try {
      opts.tailLines = num('tailLines');
      opts.limitBytes = num('limitBytes');
      const since = num('sinceSeconds');
      if (since !== undefined) opts.sinceMs = Date.now() - since * 1000;
      const st = q.get('sinceTime');
      if (st) { const t = Date.parse(st); if (Number.isNaN(t)) throw new Error('invalid sinceTime'); opts.sinceMs = t; }
    } catch (err) {
      return text(res, 400, (err as Error).message);
    }
    if (opts.limitBytes === 0) opts.limitBytes = undefined;
    const id = found.status.id;
    const rt = found.runtime;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.flushHeaders();
    const ac = new AbortController();
    req.on('close', () => ac.abort());
    res.on('close', () => ac.abort());
    await readContainerLog(found.status.logPath, opts, res, async () => (await rt.containerStatus(id))?.state === 'CONTAINER_RUNNING', ac.signal);
    res.end();
  }

  private pickProtocol(offered: Set<string>, req: IncomingMessage): string | false {
    const p = parsePath(new URL(req.url ?? '/', 'https://kubelet').pathname);
    const supported = p.verb === 'portForward' ? PF_WS_PROTOCOLS : EXEC_PROTOCOLS;
    for (const o of offered) if (supported.includes(o)) return o;
    return false;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (code: number, msg: string) => {
      socket.end(`HTTP/1.1 ${code} ${code === 401 ? 'Unauthorized' : code === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(msg)}\r\nConnection: close\r\n\r\n${msg}`);
    };
    socket.on('error', () => socket.destroy());
    if (!this.authorized(req)) return reject(401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const p = parsePath(url.pathname);
    const upgradeTo = String(req.headers.upgrade ?? '').toLowerCase();
    void (async () => {
      if (p.verb === 'portForward') {
        if (!p.namespace || !p.pod) return reject(400, 'missing pod');
        const sandbox = this.opts.kubelet.lookupSandbox(p.namespace, p.pod);
        if (!sandbox) return reject(404, `pod "${p.pod}" not found`);
        if (upgradeTo === 'websocket') {
          const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((x) => x.trim());
          if (offered.includes(SPDY_TUNNEL)) {
            (req as IncomingMessage & { spdyTunnel?: boolean }).spdyTunnel = true;
            req.headers['sec-websocket-protocol'] = SPDY_TUNNEL_STANDIN;
          }
          this.wss.handleUpgrade(req, socket, head, (ws) => this.portForwardWs(ws, sandbox, url.searchParams, !!(req as IncomingMessage & { spdyTunnel?: boolean }).spdyTunnel));
          return;
        }
        if (upgradeTo.startsWith('spdy/3.1')) return this.portForwardSpdyUpgrade(req, socket, head, sandbox);
        return reject(400, `unsupported upgrade ${upgradeTo}`);
      }
      if (p.verb === 'exec') {
        if (!p.namespace || !p.pod) return reject(400, 'missing pod');
        const found = await this.opts.kubelet.lookupContainer(p.namespace, p.pod, p.container);
        if (!found.ok) return reject(found.code, found.message);
        if (found.status.state !== 'CONTAINER_RUNNING') return reject(400, `container not found ("${found.container}")`);
        const params = execParams(url.searchParams);
        if (!params.command.length) return reject(400, 'you must specify at least one command for the container');
        if (upgradeTo !== 'websocket') return reject(400, 'exec needs a WebSocket upgrade (v5.channel.k8s.io)');
        this.wss.handleUpgrade(req, socket, head, (ws) => void this.execWs(ws, found.runtime, found.status.id, params));
        return;
      }
      reject(404, '404 page not found');
    })().catch((err) => reject(500, (err as Error).message));
  }

  // ---------------------------------------------------------------- exec

  private async execWs(ws: WebSocket, rt: RuntimeService, containerId: string, params: ExecParams): Promise<void> {
    const proto = ws.protocol || 'channel.k8s.io';
    const conn = new ChannelConn(ws, proto);
    const v4 = proto.startsWith('v4.') || proto.startsWith('v5.');
    const v5 = proto.startsWith('v5.');
    // tell the client the connection is established: an empty frame on the lowest writable channel
    conn.send(params.stdout ? 1 : params.stderr ? 2 : 3, Buffer.alloc(0));
    // stdin, its close and resizes may arrive while the runtime sets the session up (a CRI exec
    // takes a round trip to the runtime's streaming server): they are kept until it is there
    let session: ExecSession | undefined;
    let closed = false;
    const early: Array<{ channel: number; data: Buffer }> = [];
    const handle = (s: ExecSession, m: { channel: number; data: Buffer }) => {
      if (m.channel === 0) { if (m.data.length) s.stdin?.write(m.data); }
      else if (m.channel === 4) {
        try { const r = JSON.parse(m.data.toString('utf8')) as { Width?: number; Height?: number }; if (r.Width && r.Height) s.resize(r.Width, r.Height); } catch { /* bad resize */ }
      } else if (m.channel === 255 && v5) {
        if (m.data[0] === 0) s.stdin?.end();
      }
    };
    ws.on('message', (msg: Buffer, isBinary: boolean) => {
      const m = conn.decode(msg, isBinary);
      if (!m) return;
      if (session) handle(session, m);
      else early.push(m);
    });
    ws.on('close', () => {
      closed = true;
      session?.stdin?.end();
      session?.kill();
    });
    try {
      session = await rt.exec(containerId, { cmd: params.command, tty: params.tty, stdin: params.stdin, stdout: params.stdout, stderr: params.stderr });
    } catch (err) {
      const msg = (err as Error).message;
      if (v4) conn.send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: msg, reason: 'InternalError', details: { causes: [{ message: msg }] }, code: 500 }));
      else conn.send(3, msg);
      ws.close(1000);
      return;
    }
    for (const m of early.splice(0)) handle(session, m);
    if (closed) {
      session.stdin?.end();
      session.kill();
    }
    const pipe = (r: NodeJS.ReadableStream | undefined, channel: number) => new Promise<void>((resolve) => {
      if (!r) return resolve();
      r.on('data', (d: Buffer) => conn.send(channel, d));
      r.on('end', () => resolve());
      r.on('error', () => resolve());
      r.on('close', () => resolve());
    });
    const [code] = await Promise.all([session.exit, pipe(session.stdout, 1), pipe(session.stderr, 2)]);
    if (closed) return;
    if (code === 0) {
      if (v4) conn.send(3, JSON.stringify({ metadata: {}, status: 'Success' }));
    } else {
      const message = `command terminated with non-zero exit code: error executing command [${params.command.join(' ')}], exit code ${code}`;
      if (v4) conn.send(3, JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } }));
      else conn.send(3, message);
    }
    ws.close(1000);
  }

  // ---------------------------------------------------------------- port-forward

  private portForwardWs(ws: WebSocket, sandbox: SandboxLookup, q: URLSearchParams, spdy: boolean): void {
    if (spdy) {
      const session = new SpdySession({
        write: (b) => { if (ws.readyState === WebSocket.OPEN) ws.send(b); },
        close: () => { if (ws.readyState === WebSocket.OPEN) ws.close(1000); },
      }, (s) => this.onForwardStream(session, s, sandbox));
      ws.on('message', (m: Buffer) => session.receive(m));
      ws.on('close', () => session.close());
      ws.on('error', () => session.close());
      return;
    }
    // the channel protocol: ports from the query, one connection per port
    const ports = (q.getAll('ports').join(',')).split(',').filter(Boolean).map(Number);
    const conn = new ChannelConn(ws, ws.protocol || 'channel.k8s.io');
    if (!ports.length || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
      conn.send(1, 'query parameter "port" is required');
      ws.close(1000);
      return;
    }
    const socks: Array<Duplex | undefined> = [];
    const portBytes = (p: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(p); return b; };
    ports.forEach((port, i) => {
      conn.send(2 * i, portBytes(port));
      conn.send(2 * i + 1, portBytes(port));
      void sandbox.runtime.portForward(sandbox.sandboxId, port).then((sock) => {
        socks[i] = sock;
        sock.on('data', (d: Buffer) => conn.send(2 * i, d));
        sock.on('error', (err) => conn.send(2 * i + 1, err.message));
        sock.on('close', () => { socks[i] = undefined; });
      }, (err: Error) => conn.send(2 * i + 1, err.message));
    });
    const firstSeen = new Set<number>();
    ws.on('message', (msg: Buffer, isBinary: boolean) => {
      const m = conn.decode(msg, isBinary);
      if (!m || m.channel % 2 !== 0) return;
      const i = m.channel / 2;
      let data = m.data;
      // the client's first frame on a channel may carry the port prefix too
      if (!firstSeen.has(i)) { firstSeen.add(i); if (data.length >= 2 && data.readUInt16LE(0) === ports[i]) data = data.subarray(2); }
      if (data.length) socks[i]?.write(data);
    });
    ws.on('close', () => { for (const s of socks) s?.destroy(); });
  }

  private portForwardSpdyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, sandbox: SandboxLookup): void {
    const versions = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (versions.length && !versions.includes('portforward.k8s.io')) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
    const session = new SpdySession({ write: (b) => socket.write(b), close: () => socket.destroy() }, (s) => this.onForwardStream(session, s, sandbox));
    if (head.length) session.receive(head);
    socket.on('data', (d: Buffer) => session.receive(d));
    socket.on('close', () => session.close());
  }

  private onForwardStream(session: SpdySession, s: SpdyStream, sandbox: SandboxLookup): void {
    const pairs = (session as SpdySession & { pairs?: Map<string, { data?: SpdyStream; error?: SpdyStream; timer?: NodeJS.Timeout }> }).pairs ??= new Map();
    s.reply();
    const type = s.headers.streamtype;
    const reqId = s.headers.requestid ?? s.headers.port ?? '';
    if (type !== 'data' && type !== 'error') { s.reset(); return; }
    const pair = pairs.get(reqId) ?? {};
    pairs.set(reqId, pair);
    pair[type] = s;
    if (!pair.timer) {
      pair.timer = setTimeout(() => {
        pairs.delete(reqId);
        if (!pair.data || !pair.error) { pair.error?.end(`timed out waiting for the data and error streams of request ${reqId}`); pair.data?.reset(); }
      }, 30_000);
      pair.timer.unref();
    }
    if (!pair.data || !pair.error) return;
    clearTimeout(pair.timer);
    pairs.delete(reqId);
    const data = pair.data;
    const error = pair.error;
    error.resume();
    const port = Number(data.headers.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      error.end(`invalid port "${data.headers.port}"`);
      data.end();
      return;
    }
    void sandbox.runtime.portForward(sandbox.sandboxId, port).then((sock) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        data.end();
        error.end();
        sock.destroy();
      };
      sock.on('data', (d: Buffer) => data.write(d));
      sock.on('end', finish);
      sock.on('close', finish);
      sock.on('error', (err) => { if (!done) error.write(`error forwarding port ${port} to pod: ${err.message}`); finish(); });
      data.on('data', (d: Buffer) => sock.write(d));
      data.on('end', () => sock.end());
      data.on('close', finish);
      data.on('error', () => finish());
    }, (err: Error) => {
      error.end(`error forwarding port ${port} to pod ${sandbox.sandboxId}: ${err.message}`);
      data.end();
    });
  }
}
