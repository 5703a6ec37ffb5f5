// A minimal ustar reader and writer (with gzip through node:zlib) for chart archives.

import { gunzipSync, gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  data: Buffer;
  /** '0' regular file, '5' directory, others as in the header. */
  type: string;
  mode: number;
}

function readString(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end >= 0 && end < off + len ? end : off + len);
}

function readOctal(buf: Buffer, off: number, len: number): number {
  // base-256 (GNU) encoding for large sizes
  if (buf[off]! & 0x80) {
    let n = 0;
    for (let i = off + 1; i < off + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = readString(buf, off, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.toString('utf8', pos, sp), 10);
    if (!len) break;
    const rec = data.toString('utf8', sp + 1, pos + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Reads the entries of an uncompressed tar stream. */
export function readTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (pos + 512 <= buf.length) {
    const header = buf.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    let name = readString(header, 0, 100);
    const mode = readOctal(header, 100, 8);
    const size = readOctal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const magic = readString(header, 257, 6);
    if (magic.startsWith('ustar')) {
      const prefix = readString(header, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const dataStart = pos + 512;
    const data = buf.subarray(dataStart, dataStart + size);
    pos = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'x') {
      pax = parsePax(data);
      continue;
    }
    if (type === 'g') continue;
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (pax.path) name = pax.path;
    pax = {};
    out.push({ name, data: Buffer.from(data), type: type === '\0' ? '0' : type, mode });
  }
  return out;
}

function writeOctal(buf: Buffer, off: number, len: number, value: number): void {
  const s = value.toString(8).padStart(len - 1, '0');
  buf.write(s + '\0', off, len, 'ascii');
}

function header(name: string, size: number, mode: number, mtime: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const idx = name.lastIndexOf('/', 155);
    if (idx > 0 && Buffer.byteLength(name.slice(idx + 1)) <= 100) {
      prefix = name.slice(0, idx);
      base = name.slice(idx + 1);
    }
  }
  h.write(base, 0, 100, 'utf8');
  writeOctal(h, 100, 8, mode);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, Math.floor(mtime / 1000));
  h.fill(0x20, 148, 156);
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** Writes regular files as a tar stream (names longer than ustar allows use a GNU long name). */
export function writeTar(entries: { name: string; data: Buffer; mode?: number }[], mtime = Date.now()): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (Buffer.byteLength(e.name) > 100 && !(e.name.lastIndexOf('/', 155) > 0)) {
      const ln = Buffer.from(e.name + '\0');
      parts.push(header('././@LongLink', ln.length, 0o644, mtime, 'L'), ln, Buffer.alloc((512 - (ln.length % 512)) % 512));
    }
    parts.push(header(e.name, e.data.length, e.mode ?? 0o644, mtime, '0'), e.data, Buffer.alloc((512 - (e.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function gunzip(buf: Buffer): Buffer {
  return gunzipSync(buf);
}

export function gzip(buf: Buffer): Buffer {
  return gzipSync(buf);
}

/** Whether the bytes start with the gzip magic number. */
export function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}
