// A client of the CRI streaming server (containerd's, at the URL Exec/Attach return), over
// WebSocket with the `v4.channel.k8s.io` subprotocol, which containerd 1.6's stream server accepts
// besides SPDY: each binary message is one channel byte (0 stdin, 1 stdout, 2 stderr, 3 error/status,
// 4 resize) followed by data; the status on channel 3 is a metav1.Status (Success, or Failure with
// reason NonZeroExitCode and the code in details.causes[reason=ExitCode]).
//
// Limitation of v4 over WebSocket: there is no way to close stdin alone (v5's close signal is
// newer than containerd 1.6), so ending `stdin` does not give the command EOF; the session ends
// when the command exits or is killed.
import { PassThrough, Writable, type Readable } from 'node:stream';
import WebSocket from 'ws';

export const EXEC_SUBPROTOCOL = 'v4.channel.k8s.io';

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface StreamSession {
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
  resize(width: number, height: number): void;
  /** exit code; a failure that is not an exit code (e.g. executable not found) gives 126 and its message on stderr */
  readonly exit: Promise<number>;
  kill(): void;
}

interface V4Status {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** exit code of a v4 status (0 Success; NonZeroExitCode's code; otherwise undefined + message) */
export function exitCodeOfStatus(text: string): { code: number | undefined; message: string } {
  let st: V4Status;
  try { st = JSON.parse(text) as V4Status; } catch { return { code: undefined, message: text }; }
  if (st.status === 'Success') return { code: 0, message: '' };
  if (st.reason === 'NonZeroExitCode') {
    const c = st.details?.causes?.find((x) => x.reason === 'ExitCode');
    const n = c?.message !== undefined ? Number(c.message) : NaN;
    if (Number.isInteger(n)) return { code: n, message: st.message ?? '' };
  }
  return { code: undefined, message: st.message ?? text };
}

/** connects to a CRI exec/attach URL; resolves once the stream server has accepted the connection */
export function connectStream(url: string, o: StreamOptions): Promise<StreamSession> {
  const wsUrl = url.replace(/^http/, 'ws');
  const ws = new WebSocket(wsUrl, [EXEC_SUBPROTOCOL], { perMessageDeflate: false, handshakeTimeout: 10_000 });
  const stdout = o.stdout ? new PassThrough() : undefined;
  const stderr = o.stderr && !o.tty ? new PassThrough() : undefined;
  let statusText: string | undefined;
  let stdin: Writable | undefined;
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  if (o.stdin) {
    stdin = new Writable({
      write(chunk: Buffer, _enc, cb) {
        // the stream server has no flow control of its own: hold back while ws buffers a lot
        send(0, chunk);
        if (ws.bufferedAmount > 1 << 20) {
          const wait = () => (ws.bufferedAmount > 1 << 18 && ws.readyState === WebSocket.OPEN ? setTimeout(wait, 5) : cb());
          setTimeout(wait, 5);
        } else cb();
      },
    });
  }
  const exit = new Promise<number>((resolve) => {
    ws.on('close', () => {
      stdout?.end();
      const res = statusText === undefined ? { code: 0, message: '' } : exitCodeOfStatus(statusText);
      if (res.code === undefined) {
        if (stderr && !stderr.writableEnded) stderr.write(res.message.endsWith('\n') ? res.message : res.message + '\n');
        stderr?.end();
        resolve(126);
      } else {
        stderr?.end();
        resolve(res.code);
      }
    });
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data);
    if (buf.length === 0) return;
    const channel = buf[0]!;
    const payload = buf.subarray(1);
    if (channel === 1) { if (payload.length) stdout?.write(payload); }
    else if (channel === 2) { if (payload.length) stderr?.write(payload); }
    else if (channel === 3) { if (payload.length) statusText = (statusText ?? '') + payload.toString('utf8'); }
  });
  return new Promise<StreamSession>((resolve, reject) => {
    ws.once('open', () => {
      resolve({
        stdin, stdout, stderr, exit,
        resize(width: number, height: number) {
          if (o.tty) send(4, Buffer.from(JSON.stringify({ Width: width, Height: height })));
        },
        kill() {
          if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
        },
      });
    });
    ws.once('error', (err) => {
      if (ws.readyState !== WebSocket.OPEN) reject(new Error(`stream ${url}: ${err.message}`));
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`stream ${url}: HTTP ${res.statusCode}`));
      ws.terminate();
    });
  });
}
