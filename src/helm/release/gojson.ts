// JSON as Go's encoding/json writes it: map keys sorted (byte order), HTML-safe string escapes
// (<, >, & as \u003c \u003e \u0026; U+2028/U+2029 escaped), float64 in Go's shortest form,
// int64 (bigint) as integers, []byte (Uint8Array) as base64. Structs are written with
// `goStruct`, which keeps the declared field order and honours omitempty.

const HEX = '0123456789abcdef';

/** A JSON string literal as encoding/json writes it (with HTML escaping on). */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      switch (c) {
        case 0x22: esc = '\\"'; break;
        case 0x5c: esc = '\\\\'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        case 0x08: esc = '\\b'; break;
        case 0x0c: esc = '\\f'; break;
        default: esc = '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Lone surrogates are invalid UTF-8 in Go and become U+FFFD.
      const hi = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && hi >= 0xdc00 && hi <= 0xdfff) { i++; continue; }
      esc = '\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** float64 as strconv.FormatFloat(f, 'f' or 'e', -1, 64) the way encoding/json chooses. */
export function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${f}`);
  if (Object.is(f, -0)) return '-0';
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // JS prints "1e-7" / "1e+21"; Go cleans its "e-07" to "e-7", so the forms agree.
    return f.toExponential();
  }
  return String(f);
}

/** Byte-order comparison of strings (Go's sort.Strings on UTF-8). */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : 1;
}

const STRUCT: unique symbol = Symbol('goStruct');

/** A Go struct value: fields in order; `omitEmpty` drops zero values as encoding/json does. */
export interface GoStruct {
  [STRUCT]: Array<{ key: string; value: unknown; omitEmpty?: boolean }>;
}

export function goStruct(fields: Array<[key: string, value: unknown, omitEmpty?: boolean]>): GoStruct {
  return { [STRUCT]: fields.map(([key, value, omitEmpty]) => ({ key, value, omitEmpty })) };
}

/** A pre-encoded JSON fragment (e.g. a Go type with its own MarshalJSON). */
export class RawJson {
  constructor(readonly json: string) {}
}

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.length === 0;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'bigint') return v === 0n;
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  if (v instanceof RawJson) return false;
  if (typeof v === 'object' && !(STRUCT in (v as object))) return Object.keys(v as object).length === 0;
  return false;
}

/** Encodes a value in the Go value model as encoding/json.Marshal would. */
export function goJson(v: unknown): string {
  const parts: string[] = [];
  write(v, parts);
  return parts.join('');
}

function write(v: unknown, out: string[]): void {
  if (v === null || v === undefined) { out.push('null'); return; }
  switch (typeof v) {
    case 'string': out.push(goJsonString(v)); return;
    case 'number': out.push(goJsonFloat(v)); return;
    case 'bigint': out.push(v.toString()); return;
    case 'boolean': out.push(v ? 'true' : 'false'); return;
    case 'object': break;
    default: throw new Error(`json: unsupported type: ${typeof v}`);
  }
  if (v instanceof RawJson) { out.push(v.json); return; }
  if (v instanceof Uint8Array) { out.push('"' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') + '"'); return; }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i) out.push(',');
      write(v[i], out);
    }
    out.push(']');
    return;
  }
  if (STRUCT in (v as object)) {
    out.push('{');
    let first = true;
    for (const f of (v as GoStruct)[STRUCT]) {
      if (f.omitEmpty && isEmptyValue(f.value)) continue;
      if (!first) out.push(',');
      first = false;
      out.push(goJsonString(f.key), ':');
      write(f.value, out);
    }
    out.push('}');
    return;
  }
  if (v instanceof Date) { out.push(goJsonString(v.toISOString())); return; }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort(compareGoStrings);
  out.push('{');
  let first = true;
  for (const k of keys) {
    const val = obj[k];
    if (val === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(goJsonString(k), ':');
    write(val, out);
  }
  out.push('}');
}
