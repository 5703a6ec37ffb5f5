// Value conversions with the semantics of spf13/cast (ToInt64, ToFloat64), strconv, and
// Sprig's strval/strslice/empty helpers.

import { formatValue } from '../template/gofmt.js';
import { GoTime, isMap } from '../template/values.js';
import { utf8Decode } from './unicode.js';
import { goTimeString } from './time.js';

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

export function wrap64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Go's int64(f) conversion (amd64 behaviour for NaN and out-of-range values). */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 9223372036854775808 || f < -9223372036854775808) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

function lower(c: string): string {
  return c.toLowerCase();
}

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]!))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

export type ParseResult = { ok: true; value: bigint } | { ok: false; range: boolean; value: bigint };

/** strconv.ParseUint(s, base, 64) for base 0 or 2..36. */
export function parseUint(s: string, base: number): ParseResult {
  const fail = { ok: false as const, range: false, value: 0n };
  if (s === '') return fail;
  const base0 = base === 0;
  const s0 = s;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      if (s.length >= 3 && lower(s[1]!) === 'b') { base = 2; s = s.slice(2); }
      else if (s.length >= 3 && lower(s[1]!) === 'o') { base = 8; s = s.slice(2); }
      else if (s.length >= 3 && lower(s[1]!) === 'x') { base = 16; s = s.slice(2); }
      else { base = 8; s = s.slice(1); }
    }
  }
  let n = 0n;
  let underscores = false;
  const B = BigInt(base);
  for (const c of s) {
    let d: number;
    if (c === '_' && base0) { underscores = true; continue; }
    if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
    else if (lower(c) >= 'a' && lower(c) <= 'z') d = lower(c).charCodeAt(0) - 97 + 10;
    else return fail;
    if (d >= base) return fail;
    n = n * B + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return fail;
  if (n > (1n << 64n) - 1n) return { ok: false, range: true, value: (1n << 64n) - 1n };
  return { ok: true, value: n };
}

/** strconv.ParseInt(s, base, 64). */
export function parseInt64(s: string, base: number): ParseResult {
  if (s === '') return { ok: false, range: false, value: 0n };
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    body = s.slice(1);
  }
  const u = parseUint(body, base);
  if (!u.ok && !u.range) return { ok: false, range: false, value: 0n };
  const cutoff = 1n << 63n;
  if (!neg && u.value >= cutoff) return { ok: false, range: true, value: INT64_MAX };
  if (neg && u.value > cutoff) return { ok: false, range: true, value: INT64_MIN };
  if (!u.ok) return { ok: false, range: true, value: neg ? INT64_MIN : INT64_MAX };
  return { ok: true, value: neg ? -u.value : u.value };
}

/** strconv.Atoi: base 10; on a range error the clamped value, on a syntax error 0. */
export function atoi(s: string): bigint {
  const r = parseInt64(s, 10);
  return r.value;
}

/** strconv.ParseFloat(s, 64); undefined on a syntax or range error. */
export function parseFloat64(s: string): number | undefined {
  let t = s;
  let sign = 1;
  if (t[0] === '+' || t[0] === '-') {
    sign = t[0] === '-' ? -1 : 1;
    t = t.slice(1);
  }
  const lt = t.toLowerCase();
  if (lt === 'inf' || lt === 'infinity') return sign * Infinity;
  if (lt === 'nan') return NaN;
  if (t.includes('_')) {
    if (!underscoreOK(t)) return undefined;
    t = t.replace(/_/g, '');
  }
  let v: number;
  if (/^0[xX]/.test(t)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(t);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const mant = BigInt('0x' + ((m[1] ?? '') + (m[2] ?? '') || '0'));
    const exp = Number(m[3]) - 4 * (m[2] ?? '').length;
    v = Number(mant) * Math.pow(2, exp);
  } else {
    if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
    v = Number(t);
  }
  if (!Number.isFinite(v)) return undefined; // out of range: ParseFloat reports an error
  return sign * v;
}

/** cast's trimZeroDecimal: "12.00" -> "12". */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') {
      foundZero = true;
    } else {
      return s;
    }
  }
  return s;
}

/** cast.ToInt64 (errors yield 0). */
export function toInt64(v: unknown): bigint {
  switch (typeof v) {
    case 'bigint':
      return wrap64(v);
    case 'number':
      return floatToInt64(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'string': {
      const r = parseInt64(trimZeroDecimal(v), 0);
      return r.ok ? r.value : 0n;
    }
  }
  return 0n;
}

/** cast.ToFloat64 (errors yield 0). */
export function toFloat64(v: unknown): number {
  switch (typeof v) {
    case 'bigint':
      return Number(wrap64(v));
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      return parseFloat64(v) ?? 0;
  }
  return 0;
}

/** A value with a Go String() method (fmt.Stringer). */
export interface Stringer {
  String(): string;
}

export function isStringer(v: unknown): v is Stringer {
  return typeof v === 'object' && v !== null && typeof (v as { String?: unknown }).String === 'function';
}

/** Sprig's strval: string, []byte, error, fmt.Stringer, else fmt %v. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8Decode(v);
  if (v instanceof Error) return v.message;
  if (v instanceof GoTime) return goTimeString(v);
  if (isStringer(v)) return v.String();
  return formatValue(v === undefined ? null : v);
}

/** Sprig's strslice: a list's non-nil elements as strings; a scalar as a one-element list. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const e of v) if (e !== null && e !== undefined) out.push(strval(e));
    return out;
  }
  if (v instanceof Uint8Array) return Array.from(v, (b) => strval(BigInt(b)));
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** Sprig's empty: the zero value of its type (structs are never empty). */
export function empty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'boolean':
      return !v;
    case 'bigint':
      return v === 0n;
    case 'number':
      return v === 0;
    case 'function':
      return false;
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}
