// A small SPDY/3.1 server session: what kubectl's port-forward (and client-go's SPDY executor)
// speak, either over a raw upgraded HTTP connection (`Upgrade: SPDY/3.1`) or tunnelled inside
// WebSocket binary messages (subprotocol `SPDY/3.1+portforward.k8s.io`, kubectl >= 1.30).
//
// Frames: control frames [1|version 15|type 16][flags 8|length 24][payload] and data frames
// [0|stream id 31][flags 8|length 24][data]. Header blocks are zlib streams that continue across
// frames; the peer's use the SPDY/3 dictionary. Ours are written as stored (uncompressed) deflate
// blocks, which any zlib reader accepts, so writing needs no compression state.
// Flow control (WINDOW_UPDATE) is not enforced by the Go implementation and is ignored here.
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';

const NAMES = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
  'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
  'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
  'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive',
  'origin',
];
const TAIL = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505'
  + '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized'
  + '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable'
  + 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT'
  + 'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,'
  + 'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** The SPDY/3 header compression dictionary (as Go's implementation has it: no trailing NUL). */
export const SPDY_DICTIONARY: Buffer = (() => {
  const parts: Buffer[] = [];
  for (const n of NAMES) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(n.length);
    parts.push(len, Buffer.from(n, 'latin1'));
  }
  parts.push(Buffer.from(TAIL, 'latin1'));
  return Buffer.concat(parts);
})();

export const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;

export type Headers = Record<string, string>;

/** Encodes a name/value block (SPDY/3: 32-bit counts and lengths; names lowercased). */
export function encodeHeaderBlock(h: Headers): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  const entries = Object.entries(h);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [k, v] of entries) {
    for (const s of [k.toLowerCase(), v]) {
      const b = Buffer.from(s, 'utf8');
      const l = Buffer.alloc(4);
      l.writeUInt32BE(b.length);
      parts.push(l, b);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(b: Buffer): Headers {
  const out: Headers = {};
  let p = 0;
  const u32 = () => { if (p + 4 > b.length) throw new Error('truncated header block'); const v = b.readUInt32BE(p); p += 4; return v; };
  const str = () => { const n = u32(); if (p + n > b.length) throw new Error('truncated header block'); const s = b.toString('utf8', p, p + n); p += n; return s; };
  const n = u32();
  for (let i = 0; i < n; i++) {
    const k = str().toLowerCase();
    const v = str();
    // several values are NUL-separated; the first is what the protocols here use
    out[k] = v.split('\0')[0]!;
  }
  return out;
}

/**
 * Writes header blocks as one zlib stream of stored deflate blocks. Each block ends with an empty
 * stored block (what a zlib sync flush writes): Go's inflater hands out a stored block's bytes only
 * when it reads the next block header, so the header block must carry that next block itself.
 */
export class HeaderWriter {
  private started = false;

  block(h: Headers): Buffer {
    const raw = encodeHeaderBlock(h);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      parts.push(Buffer.from([0x78, 0x01]));
    }
    for (let off = 0; off < raw.length; off += 0xffff) {
      const chunk = raw.subarray(off, Math.min(raw.length, off + 0xffff));
      const hdr = Buffer.alloc(5);
      hdr[0] = 0x00; // BFINAL 0, BTYPE 00 (stored), padded to the byte
      hdr.writeUInt16LE(chunk.length, 1);
      hdr.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(hdr, chunk);
    }
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/** Reads the peer's header blocks: one inflate stream with the SPDY dictionary. */
export class HeaderReader {
  private inflate = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  private chain: Promise<unknown> = Promise.resolve();

  constructor() {
    this.inflate.on('error', () => { /* reported to the pending read */ });
  }

  read(compressed: Buffer): Promise<Headers> {
    const p = this.chain.then(() => new Promise<Headers>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (d: Buffer) => chunks.push(d);
      const onError = (err: Error) => { this.inflate.off('data', onData); reject(err); };
      this.inflate.on('data', onData);
      this.inflate.once('error', onError);
      this.inflate.write(compressed);
      this.inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.inflate.off('data', onData);
        this.inflate.off('error', onError);
        try { resolve(decodeHeaderBlock(Buffer.concat(chunks))); } catch (err) { reject(err); }
      });
    }));
    this.chain = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.inflate.destroy();
  }
}

export interface Frame {
  control: boolean;
  type: number;
  flags: number;
  streamId: number;
  data: Buffer;
}

/** Splits a byte stream into frames. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + len) break;
      const w0 = this.buf.readUInt32BE(0);
      const flags = this.buf[4]!;
      const data = this.buf.subarray(8, 8 + len);
      if (w0 & 0x80000000) out.push({ control: true, type: w0 & 0xffff, flags, streamId: 0, data });
      else out.push({ control: false, type: 0, flags, streamId: w0 & 0x7fffffff, data });
      this.buf = this.buf.subarray(8 + len);
    }
    return out;
  }
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE((((0x8000 | 3) << 16) | type) >>> 0, 0);
  h.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([h, payload]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h.writeUInt32BE(((flags & 0xff) << 24 | data.length) >>> 0, 4);
  return Buffer.concat([h, data]);
}

export interface Transport {
  write(b: Buffer): void;
  close(): void;
}

/** One SPDY stream the peer opened: a Duplex of its data frames. */
export class SpdyStream extends Duplex {
  private replied = false;
  private localFin = false;
  remoteFin = false;
  private reset_ = false;

  constructor(readonly id: number, readonly headers: Headers, private readonly session: SpdySession) {
    super({ allowHalfOpen: true });
  }

  reply(headers: Headers = {}, fin = false): void {
    if (this.replied || this.reset_) return;
    this.replied = true;
    const id = Buffer.alloc(4);
    id.writeUInt32BE(this.id);
    this.session.send(controlFrame(TYPE.SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([id, this.session.headerWriter.block(headers)])));
    if (fin) this.localFin = true;
  }

  reset(status: number = RST.CANCEL): void {
    if (this.reset_) return;
    this.reset_ = true;
    const b = Buffer.alloc(8);
    b.writeUInt32BE(this.id, 0);
    b.writeUInt32BE(status, 4);
    this.session.send(controlFrame(TYPE.RST_STREAM, 0, b));
    this.session.forget(this.id);
    this.destroy();
  }

  /** data from the peer */
  onData(data: Buffer, fin: boolean): void {
    if (data.length) this.push(data);
    if (fin && !this.remoteFin) {
      this.remoteFin = true;
      this.push(null);
    }
  }

  onReset(): void {
    this.reset_ = true;
    this.remoteFin = true;
    this.push(null);
    this.destroy();
  }

  override _read(): void { /* data is pushed as it arrives */ }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.reset_ || this.localFin) return cb();
    if (!this.replied) this.reply();
    for (let off = 0; off < chunk.length; off += 0xffffff) {
      this.session.send(dataFrame(this.id, 0, chunk.subarray(off, Math.min(chunk.length, off + 0xffffff))));
    }
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.reset_ && !this.localFin) {
      if (!this.replied) this.reply();
      this.localFin = true;
      this.session.send(dataFrame(this.id, FLAG_FIN, Buffer.alloc(0)));
    }
    cb();
  }

  get closedBothWays(): boolean {
    return this.reset_ || (this.localFin && this.remoteFin);
  }
}

/** The server end of a SPDY connection: the peer opens streams, we reply to them. */
export class SpdySession {
  readonly headerWriter = new HeaderWriter();
  private headerReader = new HeaderReader();
  private parser = new FrameParser();
  private streams = new Map<number, SpdyStream>();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private closeListeners: Array<() => void> = [];

  constructor(private readonly transport: Transport, private readonly onStream: (s: SpdyStream) => void) {}

  send(b: Buffer): void {
    if (!this.closed) this.transport.write(b);
  }

  forget(id: number): void {
    this.streams.delete(id);
  }

  onClose(fn: () => void): void {
    if (this.closed) fn(); else this.closeListeners.push(fn);
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** bytes from the transport */
  receive(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch {
      return this.close();
    }
    for (const f of frames) this.chain = this.chain.then(() => this.handle(f)).catch(() => this.close());
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      s.onData(f.data, (f.flags & FLAG_FIN) !== 0);
      if (s.closedBothWays) this.streams.delete(s.id);
      return;
    }
    switch (f.type) {
      case TYPE.SYN_STREAM: {
        const id = f.data.readUInt32BE(0) & 0x7fffffff;
        const headers = await this.headerReader.read(f.data.subarray(10));
        const s = new SpdyStream(id, headers, this);
        this.streams.set(id, s);
        if (f.flags & (FLAG_FIN | FLAG_UNIDIRECTIONAL)) s.onData(Buffer.alloc(0), true);
        this.onStream(s);
        return;
      }
      case TYPE.SYN_REPLY:
      case TYPE.HEADERS:
        // keep the decompression state in step
        await this.headerReader.read(f.data.subarray(4));
        return;
      case TYPE.RST_STREAM: {
        const id = f.data.readUInt32BE(0) & 0x7fffffff;
        const s = this.streams.get(id);
        this.streams.delete(id);
        s?.onReset();
        return;
      }
      case TYPE.PING: {
        const id = f.data.readUInt32BE(0);
        // the client's pings have odd ids: echo them
        if (id % 2 === 1) this.send(controlFrame(TYPE.PING, 0, f.data.subarray(0, 4)));
        return;
      }
      case TYPE.GOAWAY:
        this.close();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.onReset();
    this.streams.clear();
    this.headerReader.close();
    try { this.transport.close(); } catch { /* already closed */ }
    for (const l of this.closeListeners.splice(0)) l();
  }

  /** sends GOAWAY and closes */
  goAway(): void {
    if (this.closed) return;
    const b = Buffer.alloc(8);
    this.send(controlFrame(TYPE.GOAWAY, 0, b));
    this.close();
  }
}
