// Protobuf message -> the JSON object Go's encoding/json would produce for the same Go value.
//
// Presence follows the Go structs behind the messages: a non-pointer field always exists in Go (absent on
// the wire means its zero value) and `omitempty` drops zero scalars, empty slices and maps and nil
// pointers, but never a struct; a nil slice or map without omitempty is `null`.
import { messageSpec, type FieldSpec, type ScalarCode, type SpecialCode, type ValueType } from './tables.js';
import { ProtobufWireError, Reader, utf8Text, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire.js';

/** A body that is well-formed protobuf but cannot become JSON, or a wire error with its location. */
export class ProtobufDecodeError extends Error {
  constructor(message: string, readonly path = '') {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

export const MAX_DEPTH = 100;

/** Decodes a nested `k8s\0`-prefixed runtime.Unknown (RawExtension contents); set by index.ts. */
export type UnknownDecoder = (buf: Uint8Array, depth: number) => Record<string, unknown>;
let nestedUnknown: UnknownDecoder | undefined;
export function setNestedUnknownDecoder(d: UnknownDecoder): void {
  nestedUnknown = d;
}

const EMPTY = new Uint8Array(0);
const TWO32 = 0x1_0000_0000;

function wireName(wt: number): string {
  return ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'][wt] ?? `wire type ${wt}`;
}

function integerOf(r: Reader, code: ScalarCode): number | boolean {
  const { lo, hi } = r;
  switch (code) {
    case 'i': return lo | 0;
    case 'u': return lo >>> 0;
    case 'I': return (hi | 0) * TWO32 + lo;
    case 'U': return hi * TWO32 + lo;
    case 'z': return (lo >>> 1) ^ -(lo & 1);
    case 'Z': {
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      return Number((v >> 1n) ^ -(v & 1n));
    }
    case 'b': return (lo | hi) !== 0;
    default: throw new ProtobufDecodeError(`bad integer type ${code}`);
  }
}

/** Reads one scalar of the given type from a field of wire type wt. */
function readScalar(r: Reader, wt: number, code: ScalarCode): string | number | boolean {
  switch (code) {
    case 's': case 'B': {
      if (wt !== WIRE_LEN) throw new ProtobufDecodeError(`expected length-delimited, got ${wireName(wt)}`);
      const [s, e] = r.lengthDelimited();
      return code === 's' ? utf8Text(r.buf, s, e) : Buffer.from(r.buf.buffer, r.buf.byteOffset + s, e - s).toString('base64');
    }
    case 'd':
      if (wt !== WIRE_FIXED64) throw new ProtobufDecodeError(`expected fixed64, got ${wireName(wt)}`);
      r.fixed64();
      return r.float64At(r.pos - 8);
    case 'f':
      if (wt !== WIRE_FIXED32) throw new ProtobufDecodeError(`expected fixed32, got ${wireName(wt)}`);
      r.fixed32();
      return r.float32At(r.pos - 4);
    default:
      // integers: accept the varint encoding and the fixed-width ones
      if (wt === WIRE_VARINT) r.varint();
      else if (wt === WIRE_FIXED32) r.fixed32();
      else if (wt === WIRE_FIXED64) r.fixed64();
      else throw new ProtobufDecodeError(`expected varint, got ${wireName(wt)}`);
      return integerOf(r, code);
  }
}

/** A packed repeated scalar: the payload of one length-delimited field. */
function readPacked(r: Reader, code: ScalarCode, out: unknown[]): void {
  const [s, e] = r.lengthDelimited();
  const sub = new Reader(r.buf, s, e);
  const wt = code === 'd' ? WIRE_FIXED64 : code === 'f' ? WIRE_FIXED32 : WIRE_VARINT;
  while (!sub.done()) out.push(readScalar(sub, wt, code));
}

function scalarZero(code: ScalarCode): string | number | boolean {
  return code === 's' || code === 'B' ? '' : code === 'b' ? false : 0;
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

// ---- messages with a JSON form of their own ----

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** metav1.Time (RFC 3339, seconds) and metav1.MicroTime (microseconds), in UTC. */
function timestamp(buf: Uint8Array, start: number, end: number, micro: boolean): string | null {
  if (end === start) return null; // a zero time is marshalled as no bytes
  let seconds = 0, nanos = 0;
  const r = new Reader(buf, start, end);
  while (!r.done()) {
    const [n, wt] = r.tag();
    if (n === 1 && wt === WIRE_VARINT) { r.varint(); seconds = integerOf(r, 'I') as number; }
    else if (n === 2 && wt === WIRE_VARINT) { r.varint(); nanos = integerOf(r, 'i') as number; }
    else r.skip(wt, n);
  }
  seconds += Math.floor(nanos / 1e9);
  nanos = ((nanos % 1e9) + 1e9) % 1e9;
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 0 || year > 9999) throw new ProtobufDecodeError(`time out of range: ${seconds}s`);
  const base = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

function fraction(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = v / scale;
  const frac = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** Go's time.Duration.String(). */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  let s: string;
  if (u < 1000n) s = `${u}ns`;
  else if (u < 1_000_000n) s = `${fraction(u, 3)}µs`;
  else if (u < 1_000_000_000n) s = `${fraction(u, 6)}ms`;
  else {
    s = `${fraction(u % 60_000_000_000n, 9)}s`;
    if (u >= 60_000_000_000n) s = `${(u / 60_000_000_000n) % 60n}m${s}`;
    if (u >= 3_600_000_000_000n) s = `${u / 3_600_000_000_000n}h${s}`;
  }
  return neg ? `-${s}` : s;
}

function duration(buf: Uint8Array, start: number, end: number): string {
  let ns = 0n;
  const r = new Reader(buf, start, end);
  while (!r.done()) {
    const [n, wt] = r.tag();
    if (n === 1 && wt === WIRE_VARINT) { r.varint(); ns = BigInt.asIntN(64, (BigInt(r.hi) << 32n) | BigInt(r.lo)); }
    else r.skip(wt, n);
  }
  return goDuration(ns);
}

/** Field 1 of a message as a string or raw bytes; undefined when absent. */
function field1Bytes(buf: Uint8Array, start: number, end: number): [number, number] | undefined {
  let found: [number, number] | undefined;
  const r = new Reader(buf, start, end);
  while (!r.done()) {
    const [n, wt] = r.tag();
    if (n === 1 && wt === WIRE_LEN) found = r.lengthDelimited();
    else if (n === 1) throw new ProtobufDecodeError(`expected length-delimited, got ${wireName(wt)}`);
    else r.skip(wt, n);
  }
  return found;
}

function intOrString(buf: Uint8Array, start: number, end: number): number | string {
  let type = 0, intVal = 0, strVal = '';
  const r = new Reader(buf, start, end);
  while (!r.done()) {
    const [n, wt] = r.tag();
    if (n === 1) type = readScalar(r, wt, 'I') as number;
    else if (n === 2) intVal = readScalar(r, wt, 'i') as number;
    else if (n === 3) strVal = readScalar(r, wt, 's') as string;
    else r.skip(wt, n);
  }
  return type === 1 ? strVal : intVal;
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** Raw bytes holding JSON (RawExtension, FieldsV1), or a nested protobuf object. */
function rawJson(buf: Uint8Array, start: number, end: number, depth: number, what: string): unknown {
  const raw = field1Bytes(buf, start, end);
  if (!raw || raw[0] === raw[1]) return null;
  const bytes = buf.subarray(raw[0], raw[1]);
  if (bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b)) {
    if (!nestedUnknown) throw new ProtobufDecodeError(`nested protobuf object in ${what}`);
    return nestedUnknown(bytes, depth + 1);
  }
  try {
    return JSON.parse(utf8Text(buf, raw[0], raw[1]));
  } catch {
    throw new ProtobufDecodeError(`${what} does not hold valid JSON`);
  }
}

function special(code: SpecialCode, buf: Uint8Array, start: number, end: number, depth: number): unknown {
  switch (code) {
    case 'T': return timestamp(buf, start, end, false);
    case 'M': return timestamp(buf, start, end, true);
    case 'D': return duration(buf, start, end);
    case 'Q': {
      const s = field1Bytes(buf, start, end);
      return s && s[1] > s[0] ? utf8Text(buf, s[0], s[1]) : '0';
    }
    case 'N': return intOrString(buf, start, end);
    case 'R': return rawJson(buf, start, end, depth, 'a RawExtension');
    case 'F': return rawJson(buf, start, end, depth, 'fieldsV1');
  }
}

function wrapped(code: ScalarCode, buf: Uint8Array, start: number, end: number): unknown[] | null {
  const out: unknown[] = [];
  const r = new Reader(buf, start, end);
  while (!r.done()) {
    const [n, wt] = r.tag();
    if (n !== 1) { r.skip(wt, n); continue; }
    if (wt === WIRE_LEN && code !== 's' && code !== 'B') readPacked(r, code, out);
    else out.push(readScalar(r, wt, code));
  }
  return out.length ? out : null;
}

/** The JSON of one message-typed (or special) value held in buf[start, end). */
function valueOf(t: ValueType, buf: Uint8Array, start: number, end: number, depth: number, path: string): unknown {
  switch (t.t) {
    case 'message': return decodeMessage(t.key, buf, start, end, depth + 1, path);
    case 'special': return special(t.code, buf, start, end, depth);
    case 'wrapped': return wrapped(t.code, buf, start, end);
    case 'scalar': throw new ProtobufDecodeError('scalar read as a message');
  }
}

function mapEntry(f: FieldSpec, buf: Uint8Array, start: number, end: number, depth: number, path: string, into: Record<string, unknown>): void {
  const keyCode = f.mapKey ?? 's';
  let key: unknown = scalarZero(keyCode);
  let value: unknown;
  let valueRange: [number, number] | undefined;
  const r = new Reader(buf, start, end);
  while (!r.done()) {
    const [n, wt] = r.tag();
    if (n === 1) key = readScalar(r, wt, keyCode);
    else if (n === 2) {
      if (f.value.t === 'scalar') value = readScalar(r, wt, f.value.code);
      else {
        if (wt !== WIRE_LEN) throw new ProtobufDecodeError(`map value: expected length-delimited, got ${wireName(wt)}`);
        valueRange = r.lengthDelimited();
      }
    } else r.skip(wt, n);
  }
  const k = String(key);
  if (f.value.t === 'scalar') value ??= scalarZero(f.value.code);
  else value = valueRange ? valueOf(f.value, buf, valueRange[0], valueRange[1], depth, `${path}[${k}]`) : valueOf(f.value, EMPTY, 0, 0, depth, `${path}[${k}]`);
  into[k] = value;
}

function concat(buf: Uint8Array, chunks: Array<[number, number]>): Uint8Array {
  let len = 0;
  for (const [s, e] of chunks) len += e - s;
  const out = new Uint8Array(len);
  let p = 0;
  for (const [s, e] of chunks) { out.set(buf.subarray(s, e), p); p += e - s; }
  return out;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Decodes the message `key` held in buf[start, end) into its JSON object. */
export function decodeMessage(key: string, buf: Uint8Array, start: number, end: number, depth: number, path = ''): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new ProtobufDecodeError('objects nested too deeply', path);
  const spec = messageSpec(key);
  const r = new Reader(buf, start, end);
  const scalars = new Map<number, unknown>();
  const lists = new Map<number, unknown[]>();
  const maps = new Map<number, Record<string, unknown>>();
  const chunks = new Map<number, Array<[number, number]>>();
  while (!r.done()) {
    const [num, wt] = r.tag();
    const f = spec.byNumber.get(num);
    if (!f) { r.skip(wt, num); continue; }
    const fpath = join(path, f.json || `#${num}`);
    try {
      if (f.isMap) {
        if (wt !== WIRE_LEN) throw new ProtobufDecodeError(`expected a map entry, got ${wireName(wt)}`);
        const [s, e] = r.lengthDelimited();
        let m = maps.get(num);
        if (!m) { m = {}; maps.set(num, m); }
        mapEntry(f, buf, s, e, depth, fpath, m);
      } else if (f.value.t === 'scalar') {
        if (f.repeated) {
          let l = lists.get(num);
          if (!l) { l = []; lists.set(num, l); }
          if (wt === WIRE_LEN && f.value.code !== 's' && f.value.code !== 'B') readPacked(r, f.value.code, l);
          else l.push(readScalar(r, wt, f.value.code));
        } else scalars.set(num, readScalar(r, wt, f.value.code));
      } else {
        if (wt !== WIRE_LEN) throw new ProtobufDecodeError(`expected an embedded message, got ${wireName(wt)}`);
        const [s, e] = r.lengthDelimited();
        if (f.repeated) {
          let l = lists.get(num);
          if (!l) { l = []; lists.set(num, l); }
          l.push(valueOf(f.value, buf, s, e, depth, `${fpath}[${l.length}]`));
        } else {
          let c = chunks.get(num);
          if (!c) { c = []; chunks.set(num, c); }
          c.push([s, e]);
        }
      }
    } catch (err) {
      throw located(err, fpath);
    }
  }

  const out: Record<string, unknown> = {};
  let inlined: Array<Record<string, unknown>> | undefined;
  for (const f of spec.fields) {
    let v: unknown;
    if (f.isMap || f.repeated) {
      const got = f.isMap ? maps.get(f.num) : lists.get(f.num);
      if (got) v = got;
      else if (f.omitempty) continue;
      else v = null;
    } else if (f.value.t === 'scalar') {
      if (scalars.has(f.num)) {
        v = scalars.get(f.num);
        if (!f.pointer && f.omitempty && isZero(v)) continue;
      } else if (f.pointer || f.value.code === 'B') {
        // a nil pointer, or a nil []byte
        if (f.omitempty) continue;
        v = null;
      } else {
        if (f.omitempty) continue;
        v = scalarZero(f.value.code);
      }
    } else {
      const c = chunks.get(f.num);
      const fpath = join(path, f.json || `#${f.num}`);
      if (c) {
        try {
          v = c.length === 1 ? valueOf(f.value, buf, c[0]![0], c[0]![1], depth, fpath) : (() => {
            const merged = concat(buf, c);
            return valueOf(f.value, merged, 0, merged.length, depth, fpath);
          })();
        } catch (err) {
          throw located(err, fpath);
        }
      } else if (f.pointer) {
        if (f.omitempty || f.inline) continue;
        v = null;
      } else v = valueOf(f.value, EMPTY, 0, 0, depth, fpath); // the zero struct
      if (f.inline) {
        if (v && typeof v === 'object' && !Array.isArray(v)) (inlined ??= []).push(v as Record<string, unknown>);
        continue;
      }
    }
    out[f.json] = v;
  }
  // Go promotes the fields of embedded structs unless the outer struct has a field of the same name
  if (inlined) for (const o of inlined) for (const [k, v] of Object.entries(o)) if (!Object.hasOwn(out, k)) out[k] = v;
  return out;
}

function located(err: unknown, path: string): Error {
  if (err instanceof ProtobufDecodeError) return err.path ? err : new ProtobufDecodeError(err.message, path);
  if (err instanceof ProtobufWireError) return new ProtobufDecodeError(err.message, path);
  return err instanceof Error ? err : new Error(String(err));
}
