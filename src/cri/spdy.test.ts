// The SPDY exec client against a SPDY server session (the kubelet's) standing in for a CRI
// streaming server: stream types, stdin half-close, resize, status and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Socket } from 'node:net';
import { SpdySession, type SpdyStream } from '../kubelet/spdy.js';
import { connectSpdyStream } from './spdy.js';

function collect(r: NodeJS.ReadableStream | undefined): Promise<string> {
  return new Promise((resolve) => {
    if (!r) return resolve('');
    let s = '';
    r.on('data', (d: Buffer) => { s += d.toString(); });
    r.on('end', () => resolve(s));
  });
}

/** a stream server that upper-cases stdin to stdout until stdin ends, then reports exit code 3 */
async function fakeStreamServer(opts: { status?: string; protocol?: string } = {}) {
  const seen: { types: string[]; resize: string[]; method?: string } = { types: [], resize: [] };
  const server = http.createServer((_req, res) => { res.writeHead(400); res.end('not an upgrade'); });
  server.on('upgrade', (req, socket: Socket) => {
    seen.method = req.method;
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1',
      `X-Stream-Protocol-Version: ${opts.protocol ?? 'v4.channel.k8s.io'}`, '', ''].join('\r\n'));
    const byType = new Map<string, SpdyStream>();
    const session = new SpdySession({ write: (b) => socket.write(b), close: () => socket.destroy() }, (s) => {
      const type = s.headers['streamtype']!;
      seen.types.push(type);
      byType.set(type, s);
      s.reply();
      if (type === 'resize') s.on('data', (d: Buffer) => seen.resize.push(d.toString().trim()));
      if (type === 'stdin') {
        let input = '';
        s.on('data', (d: Buffer) => { input += d.toString(); });
        s.on('end', () => {
          byType.get('stdout')?.write(input.toUpperCase());
          byType.get('stderr')?.write('bye\n');
          byType.get('error')?.end(opts.status ?? JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }));
          setTimeout(() => session.goAway(), 20);
        });
      }
    });
    socket.on('data', (d: Buffer) => session.receive(d));
    socket.on('close', () => session.close());
    socket.on('end', () => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/exec/abc`, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test('SPDY exec: streams opened in client-go order, stdin closed alone, exit code from the status', async () => {
  const srv = await fakeStreamServer();
  try {
    const s = await connectSpdyStream(srv.url, { stdin: true, stdout: true, stderr: true, tty: false });
    assert.equal(srv.seen.method, 'POST');
    assert.deepEqual(srv.seen.types, ['error', 'stdin', 'stdout', 'stderr']);
    const out = collect(s.stdout);
    const err = collect(s.stderr);
    s.resize(10, 10); // no tty: nothing sent
    s.stdin!.write('hello ');
    s.stdin!.end('world\n');
    assert.equal(await s.exit, 3);
    assert.equal(await out, 'HELLO WORLD\n');
    assert.equal(await err, 'bye\n');
    assert.deepEqual(srv.seen.resize, []);
  } finally {
    await srv.close();
  }
});

test('SPDY exec: tty opens a resize stream; a failure without exit code is written to stderr', async () => {
  const srv = await fakeStreamServer({ status: JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'exec: "/nope": not found' }) });
  try {
    const s = await connectSpdyStream(srv.url, { stdin: true, stdout: true, stderr: false, tty: true });
    assert.deepEqual(srv.seen.types, ['error', 'stdin', 'stdout', 'resize']);
    assert.equal(s.stderr, undefined, 'a tty has no separate stderr');
    s.resize(120, 40);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(srv.seen.resize, ['{"Width":120,"Height":40}']);
    s.stdin!.end('x');
    assert.equal(await s.exit, 126);

    const t = await connectSpdyStream(srv.url, { stdin: true, stdout: false, stderr: true, tty: false });
    const err = collect(t.stderr);
    t.stdin!.end();
    assert.equal(await t.exit, 126);
    assert.match(await err, /^bye\nexec: "\/nope": not found\n$/);
  } finally {
    await srv.close();
  }
});

test('SPDY exec: a server that does not speak v4 is refused', async () => {
  const srv = await fakeStreamServer({ protocol: 'v2.channel.k8s.io' });
  try {
    await assert.rejects(connectSpdyStream(srv.url, { stdin: false, stdout: true, stderr: false, tty: false }), /protocol "v2\.channel\.k8s\.io"/);
    await assert.rejects(connectSpdyStream('http://127.0.0.1:1/exec/abc', { stdin: false, stdout: true, stderr: false, tty: false }, 2000), /stream/);
  } finally {
    await srv.close();
  }
});
