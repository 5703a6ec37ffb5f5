// A SPDY/3.1 client of the CRI streaming server (what client-go's remotecommand speaks to it, and
// what containerd's stream server was built for): an HTTP upgrade to `SPDY/3.1` negotiating
// `v4.channel.k8s.io`, then one client-opened stream per channel (error, stdin, stdout, stderr,
// resize; header `streamtype`). Unlike v4 over WebSocket, stdin can be closed alone (a FIN on its
// stream), so `kubectl exec -i ... < file` and `kubectl cp` see end of input.
//
// The frame and header-block codecs are the kubelet's SPDY server ones (src/kubelet/spdy.ts).
import http from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { FLAG_FIN, FrameParser, HeaderReader, HeaderWriter, TYPE, controlFrame, dataFrame, type Frame } from '../kubelet/spdy.js';
import { EXEC_SUBPROTOCOL, exitCodeOfStatus, type StreamOptions, type StreamSession } from './streaming.js';

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

interface ClientStream {
  id: number;
  type: StreamType;
  replied: boolean;
  remoteFin: boolean;
  onData(d: Buffer): void;
  onEnd(): void;
}

function synStream(id: number, headerBlock: Buffer): Buffer {
  const p = Buffer.alloc(10);
  p.writeUInt32BE(id & 0x7fffffff, 0);
  p.writeUInt32BE(0, 4); // associated-to stream
  p.writeUInt16BE(0, 8); // priority 0, slot 0
  return controlFrame(TYPE.SYN_STREAM, 0, Buffer.concat([p, headerBlock]));
}

/** upgrades `url` to SPDY/3.1 with the v4 channel protocol; resolves with the raw socket */
function upgrade(url: string, timeoutMs: number): Promise<{ socket: Socket; head: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      method: 'POST',
      host: u.hostname,
      port: u.port || 80,
      path: u.pathname + u.search,
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': EXEC_SUBPROTOCOL },
      timeout: timeoutMs,
    });
    req.once('upgrade', (res, socket, head) => {
      const proto = res.headers['x-stream-protocol-version'];
      if (proto !== EXEC_SUBPROTOCOL) {
        socket.destroy();
        return reject(new Error(`stream ${url}: server chose protocol ${JSON.stringify(proto)}`));
      }
      resolve({ socket, head });
    });
    req.once('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => reject(new Error(`stream ${url}: HTTP ${res.statusCode}: ${body.trim()}`)));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (err) => reject(new Error(`stream ${url}: ${err.message}`)));
    req.end();
  });
}

/** connects to a CRI exec/attach URL over SPDY; resolves once the server has accepted every stream */
export async function connectSpdyStream(url: string, o: StreamOptions, timeoutMs = 30_000): Promise<StreamSession> {
  const { socket, head } = await upgrade(url, timeoutMs);
  socket.setNoDelay(true);
  const writer = new HeaderWriter();
  const reader = new HeaderReader();
  const parser = new FrameParser();
  const streams = new Map<number, ClientStream>();
  let nextId = 1;
  let closed = false;
  let statusText = '';
  let chain: Promise<void> = Promise.resolve();

  const send = (b: Buffer) => {
    if (!closed && !socket.destroyed) socket.write(b);
  };
  const stdout = o.stdout ? new PassThrough() : undefined;
  const stderr = o.stderr && !o.tty ? new PassThrough() : undefined;

  const open = (type: StreamType, onData: (d: Buffer) => void = () => {}, onEnd: () => void = () => {}): ClientStream => {
    const s: ClientStream = { id: nextId, type, replied: false, remoteFin: false, onData, onEnd };
    nextId += 2;
    streams.set(s.id, s);
    send(synStream(s.id, writer.block({ streamtype: type })));
    return s;
  };

  let replyWaiter: (() => void) | undefined;
  const handle = async (f: Frame): Promise<void> => {
    if (!f.control) {
      const s = streams.get(f.streamId);
      if (!s) return;
      if (f.data.length) s.onData(f.data);
      if (f.flags & FLAG_FIN && !s.remoteFin) {
        s.remoteFin = true;
        s.onEnd();
      }
      return;
    }
    switch (f.type) {
      case TYPE.SYN_REPLY: {
        const id = f.data.readUInt32BE(0) & 0x7fffffff;
        await reader.read(f.data.subarray(4));
        const s = streams.get(id);
        if (s) {
          s.replied = true;
          if (f.flags & FLAG_FIN && !s.remoteFin) {
            s.remoteFin = true;
            s.onEnd();
          }
        }
        replyWaiter?.();
        return;
      }
      case TYPE.HEADERS:
        await reader.read(f.data.subarray(4));
        return;
      case TYPE.SYN_STREAM: {
        // the server opens no streams here: keep the header state, refuse it
        await reader.read(f.data.subarray(10));
        const rst = Buffer.alloc(8);
        rst.writeUInt32BE(f.data.readUInt32BE(0) & 0x7fffffff, 0);
        rst.writeUInt32BE(3, 4); // REFUSED_STREAM
        send(controlFrame(TYPE.RST_STREAM, 0, rst));
        return;
      }
      case TYPE.RST_STREAM: {
        const s = streams.get(f.data.readUInt32BE(0) & 0x7fffffff);
        if (s && !s.remoteFin) {
          s.remoteFin = true;
          s.onEnd();
        }
        return;
      }
      case TYPE.PING: {
        // the server's pings have even ids: echo them
        if (f.data.readUInt32BE(0) % 2 === 0) send(controlFrame(TYPE.PING, 0, f.data.subarray(0, 4)));
        return;
      }
      case TYPE.GOAWAY:
        socket.end();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE
    }
  };
  const receive = (chunk: Buffer) => {
    let frames: Frame[];
    try { frames = parser.push(chunk); } catch { socket.destroy(); return; }
    for (const f of frames) chain = chain.then(() => handle(f)).catch(() => { socket.destroy(); });
  };

  const exit = new Promise<number>((resolve) => {
    socket.once('close', () => {
      void chain.then(() => {
        closed = true;
        reader.close();
        for (const s of streams.values()) if (!s.remoteFin) { s.remoteFin = true; s.onEnd(); }
        const res = statusText === '' ? { code: 0, message: '' } : exitCodeOfStatus(statusText);
        if (res.code === undefined) {
          stderr?.end(res.message.endsWith('\n') ? res.message : res.message + '\n');
          resolve(126);
        } else {
          stderr?.end();
          resolve(res.code);
        }
      });
    });
  });
  socket.on('data', receive);
  socket.on('error', () => { /* 'close' follows */ });
  if (head.length) receive(head);

  // the streams, in the order client-go opens them
  open('error', (d) => { statusText += d.toString('utf8'); });
  const stdinStream = o.stdin ? open('stdin') : undefined;
  if (stdout) open('stdout', (d) => stdout.write(d), () => stdout.end());
  // stderr stays open until the status is known: a failure that is no exit code is written to it
  if (stderr) open('stderr', (d) => stderr.write(d));
  const resizeStream = o.tty ? open('resize') : undefined;

  // wait until the server has replied to every stream (it starts the command only then)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stream ${url}: no reply to stream creation`)), timeoutMs);
    const check = () => {
      if ([...streams.values()].every((s) => s.replied)) {
        clearTimeout(timer);
        replyWaiter = undefined;
        resolve();
      }
    };
    replyWaiter = check;
    socket.once('close', () => {
      clearTimeout(timer);
      if (![...streams.values()].every((s) => s.replied)) reject(new Error(`stream ${url}: connection closed during setup`));
    });
    check();
  });

  let stdin: Writable | undefined;
  if (stdinStream) {
    stdin = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (let off = 0; off < chunk.length; off += 0xffffff) send(dataFrame(stdinStream.id, 0, chunk.subarray(off, Math.min(chunk.length, off + 0xffffff))));
        if (socket.writableNeedDrain) socket.once('drain', () => cb());
        else cb();
      },
      final(cb) {
        send(dataFrame(stdinStream.id, FLAG_FIN, Buffer.alloc(0)));
        cb();
      },
    });
  }
  return {
    stdin, stdout, stderr, exit,
    resize(width: number, height: number) {
      if (resizeStream) send(dataFrame(resizeStream.id, 0, Buffer.from(JSON.stringify({ Width: width, Height: height }) + '\n')));
    },
    kill() {
      if (!socket.destroyed) {
        send(controlFrame(TYPE.GOAWAY, 0, Buffer.alloc(8)));
        socket.destroy();
      }
    },
  };
}
