import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { SPDY_DICTIONARY, HeaderWriter, HeaderReader, FrameParser, SpdySession, TYPE, FLAG_FIN, controlFrame, dataFrame, encodeHeaderBlock, decodeHeaderBlock, type SpdyStream } from './spdy.js';

function adler32(b: Buffer): number {
  let a = 1; let s = 0;
  for (const x of b) { a = (a + x) % 65521; s = (s + a) % 65521; }
  return ((s << 16) | a) >>> 0;
}

test('the SPDY/3 dictionary matches Go\'s (length and Adler-32)', () => {
  assert.equal(SPDY_DICTIONARY.length, 1423);
  assert.equal(adler32(SPDY_DICTIONARY), 0xe3c6a7c2);
});

// A SYN_STREAM as Go's spdystream writes it (stream 1, headers {streamtype: stdout}).
const GO_SYN_STREAM = Buffer.from('800300010000002b0000000100000000000078f9e3c6a7c262606060' + '04a7b392a2d4c45c6851c2565c92925f5a02000000ffff', 'hex');

test('a SYN_STREAM from Go decodes (dictionary-compressed header block)', async () => {
  const frames = new FrameParser().push(GO_SYN_STREAM);
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.control, true);
  assert.equal(frames[0]!.type, TYPE.SYN_STREAM);
  const h = await new HeaderReader().read(frames[0]!.data.subarray(10));
  assert.deepEqual(h, { streamtype: 'stdout' });
});

test('our header blocks are a valid zlib stream across frames', () => {
  const w = new HeaderWriter();
  const a = w.block({ port: '8080', StreamType: 'data' });
  const b = w.block({});
  assert.deepEqual([...a.subarray(-5)], [0, 0, 0, 0xff, 0xff], 'each block ends as a sync flush does');
  const inflate = zlib.inflateSync(Buffer.concat([a, b, Buffer.from([0x03, 0x00])]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const first = encodeHeaderBlock({ port: '8080', streamtype: 'data' });
  assert.deepEqual(decodeHeaderBlock(inflate.subarray(0, first.length)), { port: '8080', streamtype: 'data' });
  assert.deepEqual(decodeHeaderBlock(inflate.subarray(first.length)), {});
});

test('a session accepts streams, replies, carries data both ways and echoes pings', async () => {
  const sent: Buffer[] = [];
  const streams: SpdyStream[] = [];
  const session = new SpdySession({ write: (b) => sent.push(b), close: () => {} }, (s) => { s.reply(); streams.push(s); });
  // client side: compress headers with the dictionary as Go does
  const deflate = zlib.createDeflate({ dictionary: SPDY_DICTIONARY });
  const block = (h: Record<string, string>) => new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    const on = (d: Buffer) => chunks.push(d);
    deflate.on('data', on);
    deflate.write(encodeHeaderBlock(h));
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => { deflate.off('data', on); resolve(Buffer.concat(chunks)); });
  });
  const syn = async (id: number, h: Record<string, string>) => {
    const p = Buffer.alloc(10);
    p.writeUInt32BE(id, 0);
    return controlFrame(TYPE.SYN_STREAM, 0, Buffer.concat([p, await block(h)]));
  };
  session.receive(await syn(1, { streamtype: 'error', port: '80', requestid: '0' }));
  const s3 = await syn(3, { streamtype: 'data', port: '80', requestid: '0' });
  // split a frame across two reads
  session.receive(s3.subarray(0, 7));
  session.receive(Buffer.concat([s3.subarray(7), dataFrame(3, 0, Buffer.from('hello')), dataFrame(3, FLAG_FIN, Buffer.alloc(0))]));
  const ping = Buffer.alloc(4); ping.writeUInt32BE(1);
  session.receive(controlFrame(TYPE.PING, 0, ping));
  for (let i = 0; i < 50 && streams.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(streams.map((s) => [s.id, s.headers.streamtype]), [[1, 'error'], [3, 'data']]);
  const got: Buffer[] = [];
  streams[1]!.on('data', (d: Buffer) => got.push(d));
  await new Promise((r) => streams[1]!.once('end', r));
  assert.equal(Buffer.concat(got).toString(), 'hello');
  streams[1]!.end('world');
  await new Promise((r) => setTimeout(r, 10));
  const out = new FrameParser().push(Buffer.concat(sent));
  const replies = out.filter((f) => f.control && f.type === TYPE.SYN_REPLY).map((f) => f.data.readUInt32BE(0));
  assert.deepEqual(replies, [1, 3]);
  assert.ok(out.some((f) => f.control && f.type === TYPE.PING && f.data.readUInt32BE(0) === 1));
  const data = out.filter((f) => !f.control && f.streamId === 3);
  assert.equal(Buffer.concat(data.map((f) => f.data)).toString(), 'world');
  assert.equal(data[data.length - 1]!.flags & FLAG_FIN, FLAG_FIN);
  session.close();
});
