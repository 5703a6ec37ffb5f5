// Minimal ASN.1 DER encoding/decoding for building X.509 certificates and key structures.

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const len = content.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  const out = new Uint8Array(header.length + len);
  out.set(header);
  out.set(content, header.length);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, concat(parts));
export const set = (...parts: Uint8Array[]): Uint8Array => tlv(0x31, concat(parts));
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const nul = (): Uint8Array => new Uint8Array([0x05, 0x00]);
export const bool = (v: boolean): Uint8Array => new Uint8Array([0x01, 0x01, v ? 0xff : 0x00]);
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 + n, inner);

export function integer(v: bigint): Uint8Array {
  let hex = (v < 0n ? -v : v).toString(16);
  if (v < 0n) throw new Error('negative DER integers are not needed here');
  if (hex.length % 2) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, new Uint8Array(bytes));
}

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((x) => BigInt(x));
  const out: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const p of parts.slice(2)) {
    const b: number[] = [];
    let n = p;
    do {
      b.unshift(Number(n & 0x7fn));
      n >>= 7n;
    } while (n > 0n);
    for (let i = 0; i < b.length - 1; i++) b[i]! |= 0x80;
    out.push(...b);
  }
  return tlv(0x06, new Uint8Array(out));
}

/** BIT STRING with its unused-bit count. */
export function bitString(bytes: Uint8Array, unused = 0): Uint8Array {
  const c = new Uint8Array(bytes.length + 1);
  c[0] = unused;
  c.set(bytes, 1);
  return tlv(0x03, c);
}

export function printableOrUtf8(s: string): Uint8Array {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(s);
  return tlv(printable ? 0x13 : 0x0c, new Uint8Array(Buffer.from(s, 'utf8')));
}

export function time(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const body = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, new Uint8Array(Buffer.from(p2(y % 100) + body, 'latin1')));
  return tlv(0x18, new Uint8Array(Buffer.from(String(y).padStart(4, '0') + body, 'latin1')));
}

export interface Node {
  tag: number;
  start: number; // offset of the tag byte
  contentStart: number;
  end: number; // offset after the content
}

/** Reads one TLV at offset. */
export function read(b: Uint8Array, off: number): Node {
  const tag = b[off];
  if (tag === undefined) throw new Error('asn1: truncated data');
  let len = b[off + 1];
  if (len === undefined) throw new Error('asn1: truncated data');
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('asn1: invalid length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  if (p + len > b.length) throw new Error('asn1: truncated data');
  return { tag, start: off, contentStart: p, end: p + len };
}

/** The children of a constructed node. */
export function children(b: Uint8Array, n: Node): Node[] {
  const out: Node[] = [];
  for (let off = n.contentStart; off < n.end; ) {
    const c = read(b, off);
    out.push(c);
    off = c.end;
  }
  return out;
}

export function intValue(b: Uint8Array, n: Node): bigint {
  const hex = Buffer.from(b.subarray(n.contentStart, n.end)).toString('hex');
  return hex === '' ? 0n : BigInt('0x' + hex);
}
