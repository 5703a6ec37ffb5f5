// JSON values as structured-merge-diff sees them: a total order over values, the
// human-readable form used in field paths (conflict messages), and the byte-exact JSON
// that Go's encoder (HTML-safe, sorted map keys) writes inside FieldsV1 path elements.
import { isPlainObject } from '../object.js';

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

const HEX = '0123456789abcdef';

/** A JSON string literal the way Go's standard-library-compatible encoders write it. */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      if (c === 0x22) esc = '\\"';
      else if (c === 0x5c) esc = '\\\\';
      else if (c === 0x0a) esc = '\\n';
      else if (c === 0x0d) esc = '\\r';
      else if (c === 0x09) esc = '\\t';
      else esc = '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
    } else if (c === 0x2028 || c === 0x2029) {
      esc = c === 0x2028 ? '\\u2028' : '\\u2029';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd'; // a lone surrogate is invalid UTF-8 to Go
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Go's encoding of a number: integers in full, others like encoding/json (which JS matches). */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  return String(n);
}

/** Compares strings by Unicode code point (Go compares UTF-8 bytes, which orders the same). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1; // surrogates encode code points above every BMP char
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Byte-exact Go JSON of a value: compact, HTML-escaped strings, object keys sorted. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  if (isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(compareStrings);
    return '{' + keys.map((k) => goJsonString(k) + ':' + goJson(v[k])).join(',') + '}';
  }
  return 'null';
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
function isFloat(v: unknown): v is number {
  return typeof v === 'number' && !Number.isInteger(v);
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Total order over values, as structured-merge-diff defines it:
 * float < int < string < bool < list < map < null (floats and ints compare numerically).
 */
export function compareValues(a: unknown, b: unknown): number {
  const an = a ?? null;
  const bn = b ?? null;
  if (isFloat(an)) {
    if (typeof bn === 'number') return cmpNum(an, bn);
    return -1;
  } else if (isFloat(bn)) {
    return isInt(an) ? cmpNum(an, bn) : 1;
  }
  if (isInt(an)) return isInt(bn) ? cmpNum(an, bn) : -1;
  if (isInt(bn)) return 1;
  if (typeof an === 'string') return typeof bn === 'string' ? compareStrings(an, bn) : -1;
  if (typeof bn === 'string') return 1;
  if (typeof an === 'boolean') return typeof bn === 'boolean' ? (an === bn ? 0 : an ? 1 : -1) : -1;
  if (typeof bn === 'boolean') return 1;
  if (Array.isArray(an)) {
    if (!Array.isArray(bn)) return -1;
    for (let i = 0; i < an.length && i < bn.length; i++) {
      const c = compareValues(an[i], bn[i]);
      if (c !== 0) return c;
    }
    return cmpNum(an.length, bn.length);
  }
  if (Array.isArray(bn)) return 1;
  if (isPlainObject(an)) {
    if (!isPlainObject(bn)) return -1;
    const ak = Object.keys(an).sort(compareStrings);
    const bk = Object.keys(bn).sort(compareStrings);
    for (let i = 0; i < ak.length && i < bk.length; i++) {
      const c = compareStrings(ak[i], bk[i]) || compareValues(an[ak[i]], bn[bk[i]]);
      if (c !== 0) return c;
    }
    return cmpNum(ak.length, bk.length);
  }
  if (isPlainObject(bn)) return 1;
  return 0; // both null
}

/** Go's %q of a string (strconv.Quote), used for string values in printed field paths. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (c) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + HEX[c >> 4] + HEX[c & 0xf];
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go's %v of a float64 (strconv 'g' with the shortest representation). */
function goFloat(n: number): string {
  if (n === 0) return '0';
  const exp = Number(n.toExponential().split('e')[1]);
  if (exp < -4 || exp >= 6) {
    const [mant, e] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '');
    return `${mant}e${sign}${digits.padStart(2, '0')}`;
  }
  return String(n);
}

/** The human-readable form of a value in field paths (value.ToString). */
export function valueToString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(valueToString).join(',') + ']';
  if (isPlainObject(v)) {
    return Object.keys(v)
      .map((k) => `${k}=${valueToString(v[k])}`)
      .join('');
  }
  return '{{undefined}}';
}
