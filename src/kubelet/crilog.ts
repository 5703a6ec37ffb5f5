// Container log files in the CRI format, as containerd writes them and the kubelet reads them:
//   <RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>\n
// F ends a line, P is a partial line (the line continues in the next record). The writer splits
// output into records; the reader serves `kubectl logs` options (tail, since, timestamps,
// limitBytes, follow) across rotated files (`<path>.<YYYYMMDD-HHMMSS>`, oldest first).
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export type LogStream = 'stdout' | 'stderr';

/** Longest content of one record; longer lines are split into P records (containerd: 16 KiB). */
export const MAX_RECORD = 16 * 1024;

const origin = BigInt(Math.round(performance.timeOrigin * 1e6));

/** Nanoseconds since the epoch, with the sub-millisecond precision the platform gives. */
export function nowNanos(): bigint {
  return origin + BigInt(Math.round(performance.now() * 1e6));
}

/** RFC3339 with nine fraction digits, UTC (the kubelet's RFC3339NanoFixed). */
export function formatNanos(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return new Date(ms).toISOString().slice(0, 19) + '.' + frac + 'Z';
}

export function formatRecord(ts: string, stream: LogStream, partial: boolean, content: string): string {
  return `${ts} ${stream} ${partial ? 'P' : 'F'} ${content}\n`;
}

export interface LogRecord {
  /** the timestamp as written */
  time: string;
  /** milliseconds since the epoch */
  timeMs: number;
  stream: LogStream;
  partial: boolean;
  content: string;
}

/** Parses one record (without its trailing newline); undefined if it is not CRI-formatted. */
export function parseRecord(line: string): LogRecord | undefined {
  const a = line.indexOf(' ');
  if (a <= 0) return undefined;
  const b = line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const time = line.slice(0, a);
  const timeMs = Date.parse(time);
  if (Number.isNaN(timeMs)) return undefined;
  // The tag may be absent in old files: `<ts> <stream> <content>` (then the line is full).
  const c = line.indexOf(' ', b + 1);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  if (tag === 'F' || tag === 'P') {
    return { time, timeMs, stream, partial: tag === 'P', content: c < 0 ? '' : line.slice(c + 1) };
  }
  return { time, timeMs, stream, partial: false, content: line.slice(b + 1) };
}

/**
 * Turns a process's output into CRI records. One writer per container log file; both streams
 * write through it so that records keep their order. `reopen()` starts a fresh file at the same
 * path (after the kubelet renamed the old one for rotation).
 */
export class CriLogWriter {
  private fd: number | undefined;
  private pending: Record<LogStream, string> = { stdout: '', stderr: '' };
  private decoders: Record<LogStream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(readonly path: string, private readonly clock: () => bigint = nowNanos) {
    this.fd = openSync(path, 'a', 0o640);
  }

  write(stream: LogStream, chunk: Buffer): void {
    let text = this.pending[stream] + this.decoders[stream].write(chunk);
    const ts = formatNanos(this.clock());
    let out = '';
    for (;;) {
      const nl = text.indexOf('\n');
      if (nl < 0) break;
      let line = text.slice(0, nl);
      text = text.slice(nl + 1);
      while (line.length > MAX_RECORD) {
        out += formatRecord(ts, stream, true, line.slice(0, MAX_RECORD));
        line = line.slice(MAX_RECORD);
      }
      out += formatRecord(ts, stream, false, line);
    }
    while (text.length > MAX_RECORD) {
      out += formatRecord(ts, stream, true, text.slice(0, MAX_RECORD));
      text = text.slice(MAX_RECORD);
    }
    this.pending[stream] = text;
    if (out) this.append(out);
  }

  /** the stream ended: what is left without a newline becomes a full record */
  end(stream: LogStream): void {
    const rest = this.pending[stream] + this.decoders[stream].end();
    this.pending[stream] = '';
    if (rest) this.append(formatRecord(formatNanos(this.clock()), stream, false, rest));
  }

  reopen(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.path, 'a', 0o640);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(s: string): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, s);
    } catch {
      /* disk full or file gone: the output is lost, as with a real runtime */
    }
  }
}

/** Rotated siblings of a log file, oldest first (`0.log.20240102-150405`). */
export function rotatedFiles(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path) + '.';
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  return names.filter((n) => n.startsWith(base) && /^\d{8}-\d{6}(\.\d+)?$/.test(n.slice(base.length))).sort().map((n) => join(dir, n));
}

export function rotationSuffix(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * Rotates `path` if it is larger than maxBytes: renames it with a timestamp suffix, asks the
 * runtime to reopen, and deletes the oldest rotated files beyond maxFiles (the current file counts).
 * Returns true if it rotated.
 */
export async function rotateIfNeeded(path: string, maxBytes: number, maxFiles: number, reopen: () => Promise<void>, now = new Date()): Promise<boolean> {
  let size: number;
  try { size = statSync(path).size; } catch { return false; }
  if (size <= maxBytes) return false;
  let target = `${path}.${rotationSuffix(now)}`;
  for (let i = 1; existsSync(target); i++) target = `${path}.${rotationSuffix(now)}.${i}`;
  renameSync(path, target);
  await reopen();
  const rotated = rotatedFiles(path);
  for (const old of rotated.slice(0, Math.max(0, rotated.length - Math.max(0, maxFiles - 1)))) {
    try { unlinkSync(old); } catch { /* already gone */ }
  }
  return true;
}

export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  /** only records at or after this time (ms since the epoch) */
  sinceMs?: number;
  limitBytes?: number;
}

/** A sink for log output; write returns false when the reader should wait for 'drain'. */
export type LogSink = Pick<Writable, 'write' | 'once' | 'writableEnded' | 'destroyed'>;

const CHUNK = 64 * 1024;

/** Reads records from an fd from `pos`; returns complete lines and the new position. */
function readLines(fd: number, pos: number, carry: string): { lines: string[]; pos: number; carry: string } {
  const buf = Buffer.allocUnsafe(CHUNK);
  let text = carry;
  const lines: string[] = [];
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, pos);
    if (n <= 0) break;
    pos += n;
    text += buf.toString('utf8', 0, n);
    let i: number;
    let start = 0;
    while ((i = text.indexOf('\n', start)) >= 0) {
      lines.push(text.slice(start, i));
      start = i + 1;
    }
    text = text.slice(start);
    if (lines.length > 4096) break;
  }
  return { lines, pos, carry: text };
}

/** Renders records as the kubelet does: F adds a newline, P does not; timestamps prefix each record. */
export class LogRenderer {
  private written = 0;
  private lineStart = true;
  done = false;

  constructor(private readonly opts: LogOptions, private readonly sink: LogSink) {}

  /** Returns false when the sink asked to wait. */
  record(r: LogRecord): boolean {
    if (this.done) return true;
    if (this.opts.sinceMs !== undefined && r.timeMs < this.opts.sinceMs) return true;
    let s = '';
    if (this.opts.timestamps && this.lineStart) s += r.time + ' ';
    s += r.content;
    if (!r.partial) s += '\n';
    this.lineStart = !r.partial;
    let buf = Buffer.from(s, 'utf8');
    if (this.opts.limitBytes !== undefined) {
      const room = this.opts.limitBytes - this.written;
      if (buf.length >= room) {
        buf = buf.subarray(0, Math.max(0, room));
        this.done = true;
      }
    }
    this.written += buf.length;
    if (buf.length === 0) return true;
    return this.sink.write(buf);
  }
}

/** Keeps the last `n` logical lines (a run of P records plus the F that ends it counts once). */
export function tailRecords(records: LogRecord[], n: number): LogRecord[] {
  if (n < 0) return records;
  let count = 0;
  let i = records.length;
  while (i > 0) {
    // a record ends a line if it is full, or if it is the unterminated last one
    if (!records[i - 1]!.partial || i === records.length) {
      if (count === n) break;
      count++;
    }
    i--;
  }
  return records.slice(i);
}

function readAllRecords(path: string): LogRecord[] {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return []; }
  try {
    const out: LogRecord[] = [];
    let pos = 0;
    let carry = '';
    for (;;) {
      const r = readLines(fd, pos, carry);
      for (const l of r.lines) { const rec = parseRecord(l); if (rec) out.push(rec); }
      if (r.pos === pos) break;
      pos = r.pos;
      carry = r.carry;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes a container's log to `sink` following the options. With follow, keeps reading until
 * `stillRunning()` turns false and the file is drained, or until `signal` aborts.
 */
export async function readContainerLog(path: string, opts: LogOptions, sink: LogSink, stillRunning: () => boolean | Promise<boolean>, signal?: AbortSignal): Promise<void> {
  const render = new LogRenderer(opts, sink);
  const waitDrain = () => new Promise<void>((r) => { if (sink.writableEnded || sink.destroyed) r(); else sink.once('drain', () => r()); });
  const files = [...rotatedFiles(path), path];
  let records: LogRecord[] = [];
  for (const f of files) records = records.concat(readAllRecords(f));
  // the position we reached in the current file, to continue from when following
  let pos = 0;
  try { pos = statSync(path).size; } catch { pos = 0; }
  if (opts.tailLines !== undefined && opts.tailLines >= 0) records = tailRecords(records, opts.tailLines);
  for (const r of records) {
    if (render.done || signal?.aborted || sink.destroyed) return;
    if (!render.record(r)) await waitDrain();
  }
  if (!opts.follow) return;
  // Follow: poll the current file; when it is replaced (rotation) finish the old one and reopen.
  let fd: number | undefined;
  let ino = -1;
  let carry = '';
  const open = (): boolean => {
    try {
      fd = openSync(path, 'r');
      ino = fstatSync(fd).ino;
      return true;
    } catch { fd = undefined; return false; }
  };
  if (open() && fd !== undefined) {
    // a rotation may have happened between the read above and this open
    if (fstatSync(fd).size < pos) pos = 0;
  }
  let idle = 0;
  try {
    while (!render.done && !signal?.aborted && !sink.destroyed && !sink.writableEnded) {
      if (fd === undefined) {
        if (!open()) {
          if (!(await stillRunning())) return;
          await sleep(200);
          continue;
        }
        pos = 0;
      }
      const r = readLines(fd!, pos, carry);
      const progressed = r.pos !== pos;
      pos = r.pos;
      carry = r.carry;
      for (const l of r.lines) {
        const rec = parseRecord(l);
        if (!rec) continue;
        if (!render.record(rec)) await waitDrain();
        if (render.done) return;
      }
      if (progressed) { idle = 0; continue; }
      // nothing new: rotated?
      let curIno = -1;
      try { curIno = statSync(path).ino; } catch { /* gone for now */ }
      if (curIno !== ino) {
        closeSync(fd!);
        fd = undefined;
        carry = '';
        continue;
      }
      idle++;
      if (idle % 5 === 0 && !(await stillRunning())) {
        // drain what the runtime wrote just before exiting
        const last = readLines(fd!, pos, carry);
        for (const l of last.lines) { const rec = parseRecord(l); if (rec) render.record(rec); }
        return;
      }
      await sleep(Math.min(50 * idle, 250));
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
