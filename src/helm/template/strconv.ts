// Go's strconv behaviour needed by fmt and the template parser: float formatting (shortest and
// fixed precision, round-half-even on the exact binary value), string/rune quoting, and parsing of
// Go number, string and character literals. Strings are handled as UTF-8 where Go counts bytes.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** The UTF-8 bytes of a string (lone surrogates become U+FFFD). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD as Go's string conversion of runes does. */
export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Number of runes (code points) in s, as utf8.RuneCountInString. */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Go's string ordering (byte-wise on UTF-8, i.e. code point order). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code point in UTF-8 order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// Unicode classes

const printRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const letterRe = /^\p{L}$/u;
const digitRe = /^\p{Nd}$/u;

/** strconv.IsPrint / unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return printRe.test(String.fromCodePoint(r));
}

export function isLetter(r: number): boolean {
  if (r < 0x80) return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  return letterRe.test(String.fromCodePoint(r));
}

export function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  return digitRe.test(String.fromCodePoint(r));
}

// ---------------------------------------------------------------------------------------------
// Quoting

const lowerhex = '0123456789abcdef';

function hexPad(n: number, width: number): string {
  let s = n.toString(16);
  while (s.length < width) s = '0' + s;
  return s;
}

function escapeRune(r: number, quote: number, asciiOnly: boolean, graphicOnly = false): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCharCode(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r) || (graphicOnly && r === 0xa0)) {
    return String.fromCodePoint(r);
  }
  switch (r) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + lowerhex[r >> 4] + lowerhex[r & 0xf];
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  if (r < 0x10000) return '\\u' + hexPad(r, 4);
  return '\\U' + hexPad(r, 8);
}

function quoteWith(s: string, quote: number, asciiOnly: boolean): string {
  let out = String.fromCharCode(quote);
  for (let i = 0; i < s.length; i++) {
    let r = s.charCodeAt(i);
    if (r >= 0xd800 && r <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        r = 0x10000 + ((r - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (r >= 0xd800 && r <= 0xdfff) {
      // A lone surrogate has no UTF-8 encoding; Go would see the replacement rune's bytes.
      out += asciiOnly ? '\\ufffd' : '\ufffd';
      continue;
    }
    out += escapeRune(r, quote, asciiOnly);
  }
  return out + String.fromCharCode(quote);
}

/** strconv.Quote. */
export function quote(s: string): string {
  return quoteWith(s, 0x22, false);
}

/** strconv.QuoteToASCII. */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true);
}

/** strconv.Quote of a byte slice holding possibly invalid UTF-8 (invalid bytes print as \xNN). */
export function quoteBytes(b: Uint8Array, asciiOnly: boolean): string {
  let out = '"';
  let i = 0;
  while (i < b.length) {
    const [r, size] = decodeRune(b, i);
    if (size === 1 && r === 0xfffd) {
      out += '\\x' + lowerhex[b[i]! >> 4] + lowerhex[b[i]! & 0xf];
      i++;
      continue;
    }
    out += escapeRune(r, 0x22, asciiOnly);
    i += size;
  }
  return out + '"';
}

/** Decodes one UTF-8 rune at b[i]: [rune, size]; invalid input gives [0xFFFD, 1]. */
export function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i]!;
  if (c0 < 0x80) return [c0, 1];
  const bad: [number, number] = [0xfffd, 1];
  const cont = (k: number): number => {
    const c = b[i + k];
    return c !== undefined && (c & 0xc0) === 0x80 ? c & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 < 0) return bad;
    return [((c0 & 0x1f) << 6) | c1, 2];
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return bad;
    const r = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (r < 0x800 || (r >= 0xd800 && r <= 0xdfff)) return bad;
    return [r, 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return bad;
    const r = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (r < 0x10000 || r > 0x10ffff) return bad;
    return [r, 4];
  }
  return bad;
}

/** strconv.QuoteRune (asciiOnly: QuoteRuneToASCII). Invalid runes quote as '\ufffd'-equivalent. */
export function quoteRune(r: number, asciiOnly = false): string {
  if (r > 0x10ffff || r < 0 || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  return "'" + escapeRune(r, 0x27, asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r >= 0xd800 && r <= 0xdfff) return false;
    if (r === 0xfeff) return false;
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Float formatting (strconv.FormatFloat for bitSize 64)

/** Decimal digits of a non-negative float: value = 0.d1d2d3... × 10^dp. No trailing zeros; zero is d=''. */
interface Decimal {
  d: string;
  dp: number;
}

const f64 = new DataView(new ArrayBuffer(8));

/** Mantissa and binary exponent of |x| (finite): |x| = mant × 2^exp, mant including the implicit bit. */
function decompose(x: number): { mant: bigint; exp: number; biasedZero: boolean } {
  f64.setFloat64(0, x);
  const hi = f64.getUint32(0);
  const lo = f64.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (e === 0) {
    exp = 1 - 1023 - 52;
  } else {
    mant |= 1n << 52n;
    exp = e - 1023 - 52;
  }
  return { mant, exp, biasedZero: e === 0 };
}

function trimZeros(d: string): string {
  let n = d.length;
  while (n > 0 && d.charCodeAt(n - 1) === 0x30) n--;
  return n === d.length ? d : d.slice(0, n);
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const s = x.toExponential();
  const e = s.indexOf('e');
  const digits = trimZeros(s.slice(0, e).replace('.', ''));
  return { d: digits, dp: parseInt(s.slice(e + 1), 10) + 1 };
}

const pow5Cache = new Map<number, bigint>();
function pow5(n: number): bigint {
  let v = pow5Cache.get(n);
  if (v === undefined) {
    v = 5n ** BigInt(n);
    if (pow5Cache.size < 64) pow5Cache.set(n, v);
  }
  return v;
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const { mant, exp } = decompose(x);
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString();
    return { d: trimZeros(s), dp: s.length };
  }
  const s = (mant * pow5(-exp)).toString();
  return { d: trimZeros(s), dp: s.length + exp };
}

/** Rounds to nd digits, half to even on the exact value (Go's decimal.Round). */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  let up: boolean;
  const c = a.d.charCodeAt(nd);
  if (c === 0x35 && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 0x30) % 2 === 1;
  } else {
    up = c >= 0x35;
  }
  if (!up) return { d: trimZeros(a.d.slice(0, nd)), dp: a.dp };
  let i = nd - 1;
  while (i >= 0 && a.d.charCodeAt(i) === 0x39) i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let s = neg ? '-' : '';
  s += d.d.length === 0 ? '0' : d.d[0];
  if (prec > 0) {
    s += '.';
    const frac = d.d.slice(1, 1 + prec);
    s += frac + '0'.repeat(prec - frac.length);
  }
  s += fmt;
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else {
    s += '+';
  }
  s += exp < 10 ? '0' + exp : String(exp);
  return s;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp);
    s += d.d.slice(0, m) + '0'.repeat(d.dp - m);
  } else {
    s += '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      s += j >= 0 && j < d.d.length ? d.d[j] : '0';
    }
  }
  return s;
}

function fmtB(neg: boolean, x: number): string {
  if (x === 0) return (neg ? '-' : '') + '0p-1074';
  const { mant, exp } = decompose(x);
  return (neg ? '-' : '') + mant.toString() + 'p' + (exp >= 0 ? '+' : '') + exp;
}

function fmtX(neg: boolean, x: number, prec: number, fmt: string): string {
  let mant: bigint;
  let exp: number;
  if (x === 0) {
    mant = 0n;
    exp = 0;
  } else {
    const dc = decompose(x);
    mant = dc.mant;
    exp = dc.exp + 52;
  }
  const one60 = 1n << 60n;
  const mask60 = one60 - 1n;
  mant <<= 8n;
  while (mant !== 0n && (mant & one60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & mask60;
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : lowerhex;
  let s = (neg ? '-' : '') + '0' + fmt + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    s += '.';
    while (mant !== 0n) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  s += fmt === 'X' ? 'P' : 'p';
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else {
    s += '+';
  }
  s += exp < 10 ? '0' + exp : String(exp);
  return s;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G' | 'b' | 'x' | 'X';

/** strconv.FormatFloat(x, fmt, prec, 64); prec < 0 means the shortest representation. */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  if (fmt === 'b') return fmtB(neg, ax);
  if (fmt === 'x' || fmt === 'X') return fmtX(neg, ax, prec, fmt);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(ax);
    switch (fmt) {
      case 'e': case 'E': prec = Math.max(d.d.length - 1, 0); break;
      case 'f': prec = Math.max(d.d.length - d.dp, 0); break;
      case 'g': case 'G': prec = d.d.length; break;
    }
  } else {
    d = exactDecimal(ax);
    switch (fmt) {
      case 'e': case 'E': d = roundDecimal(d, prec + 1); break;
      case 'f': d = roundDecimal(d, d.dp + prec); break;
      case 'g': case 'G':
        if (prec === 0) prec = 1;
        d = roundDecimal(d, prec);
        break;
    }
  }
  switch (fmt) {
    case 'e': case 'E':
      return fmtE(neg, d, shortest && d.d.length === 0 ? -1 : prec, fmt);
    case 'f':
      return fmtF(neg, d, prec);
    default: {
      let eprec = prec;
      if (eprec > d.d.length && d.d.length >= d.dp) eprec = d.d.length;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > d.d.length) prec = d.d.length;
        return fmtE(neg, d, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > d.dp) prec = d.d.length;
      return fmtF(neg, d, Math.max(prec - d.dp, 0));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing of Go literals

/** strconv's underscoreOK: underscores only between digits or after a base prefix. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
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

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * strconv.ParseInt(s, 0, 64) (signed) or ParseUint(s, 0, 64): base prefixes 0x 0o 0b and a leading
 * 0 for octal, underscores per Go syntax. Returns null on syntax or range error.
 */
export function parseGoInt(s: string, signed: boolean): bigint | null {
  if (s.length === 0) return null;
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    if (!signed) return null;
    neg = s[0] === '-';
    body = s.slice(1);
  }
  let base = 10;
  let digits = body;
  if (body.length >= 2 && body[0] === '0') {
    const p = body[1]!.toLowerCase();
    if (p === 'x') { base = 16; digits = body.slice(2); }
    else if (p === 'o') { base = 8; digits = body.slice(2); }
    else if (p === 'b') { base = 2; digits = body.slice(2); }
    else { base = 8; digits = body.slice(1); }
  }
  let underscores = false;
  let v = 0n;
  let any = false;
  const b = BigInt(base);
  for (const c of digits) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const dv = parseInt(c, 36);
    if (Number.isNaN(dv) || dv >= base) return null;
    v = v * b + BigInt(dv);
    any = true;
  }
  if (!any) return null;
  if (underscores && !underscoreOK(body)) return null;
  if (neg) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return null;
  return v;
}

/**
 * strconv.ParseFloat(s, 64) for Go literal syntax: decimal and hexadecimal (with p exponent)
 * floats, underscores per Go syntax. Returns null on syntax error or overflow.
 */
export function parseGoFloat(s: string): number | null {
  let body = s;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (body.includes('_')) {
    if (!underscoreOK(s)) return null;
    body = body.replace(/_/g, '');
  }
  let v: number;
  if (/^0[xX]/.test(body)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(body);
    if (!m || (m[1]!.length === 0 && (m[2] ?? '').length === 0)) return null;
    const frac = m[2] ?? '';
    const mant = BigInt('0x' + ((m[1] ?? '') + frac || '0'));
    const exp = parseInt(m[3]!, 10) - 4 * frac.length;
    v = scaleByPow2(mant, exp);
  } else {
    if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(body)) return null;
    v = Number(body);
  }
  if (!Number.isFinite(v)) return null;
  return neg ? -v : v;
}

function scaleByPow2(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  // Keep 64 significant bits before converting so the final rounding happens once.
  const bits = mant.toString(2).length;
  if (bits > 64) {
    const drop = bits - 64;
    const sticky = (mant & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n;
    mant = (mant >> BigInt(drop)) | sticky;
    exp += drop;
  }
  let v = Number(mant);
  // Multiply in steps to avoid intermediate overflow/underflow of 2^exp.
  while (exp > 0) {
    const step = Math.min(exp, 1000);
    v *= 2 ** step;
    exp -= step;
  }
  while (exp < 0) {
    const step = Math.max(exp, -1000);
    v *= 2 ** step;
    exp -= step;
  }
  return v;
}

export class StrconvSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

function hexVal(c: string): number {
  const v = parseInt(c, 16);
  return Number.isNaN(v) || c.length !== 1 ? -1 : v;
}

/**
 * strconv.UnquoteChar: decodes the first character or escape of s. Returns the value, whether it
 * is a multibyte rune (false: a raw byte from \x or octal escapes), and the remaining string.
 */
export function unquoteChar(s: string, quote: string): { value: number; multibyte: boolean; tail: string } {
  const c = s[0];
  if (c === undefined) throw new StrconvSyntaxError();
  if (c === quote && (quote === "'" || quote === '"')) throw new StrconvSyntaxError();
  if (c !== '\\') {
    const r = s.codePointAt(0)!;
    const w = r > 0xffff ? 2 : 1;
    return { value: r, multibyte: r >= 0x80, tail: s.slice(w) };
  }
  if (s.length <= 1) throw new StrconvSyntaxError();
  const e = s[1]!;
  let tail = s.slice(2);
  switch (e) {
    case 'a': return { value: 7, multibyte: false, tail };
    case 'b': return { value: 8, multibyte: false, tail };
    case 'f': return { value: 12, multibyte: false, tail };
    case 'n': return { value: 10, multibyte: false, tail };
    case 'r': return { value: 13, multibyte: false, tail };
    case 't': return { value: 9, multibyte: false, tail };
    case 'v': return { value: 11, multibyte: false, tail };
    case 'x': case 'u': case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (tail.length < n) throw new StrconvSyntaxError();
      let v = 0;
      for (let j = 0; j < n; j++) {
        const x = hexVal(tail[j]!);
        if (x < 0) throw new StrconvSyntaxError();
        v = v * 16 + x;
      }
      tail = tail.slice(n);
      if (e === 'x') return { value: v, multibyte: false, tail };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new StrconvSyntaxError();
      return { value: v, multibyte: true, tail };
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      const t = s.slice(1);
      if (t.length < 3) throw new StrconvSyntaxError();
      let v = 0;
      for (let j = 0; j < 3; j++) {
        const x = t.charCodeAt(j) - 0x30;
        if (x < 0 || x > 7) throw new StrconvSyntaxError();
        v = v * 8 + x;
      }
      if (v > 255) throw new StrconvSyntaxError();
      return { value: v, multibyte: false, tail: t.slice(3) };
    }
    case '\\':
      return { value: 0x5c, multibyte: false, tail };
    case "'": case '"':
      if (e !== quote) throw new StrconvSyntaxError();
      return { value: e.charCodeAt(0), multibyte: false, tail };
    default:
      throw new StrconvSyntaxError();
  }
}

/** strconv.Unquote for "..." and `...` literals (the only forms the template lexer produces). */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new StrconvSyntaxError();
  const q = s[0]!;
  if (q !== s[n - 1]) throw new StrconvSyntaxError();
  const body = s.slice(1, n - 1);
  if (q === '`') {
    if (body.includes('`')) throw new StrconvSyntaxError();
    return body.includes('\r') ? body.replace(/\r/g, '') : body;
  }
  if (q !== '"') throw new StrconvSyntaxError();
  if (body.includes('\n')) throw new StrconvSyntaxError();
  if (!body.includes('\\') && !body.includes('"')) return body;
  // Escapes may produce raw bytes (\x, octal): build UTF-8 bytes and decode once.
  const bytes: number[] = [];
  let rest = body;
  while (rest.length > 0) {
    const { value, multibyte, tail } = unquoteChar(rest, q);
    rest = tail;
    if (!multibyte) {
      bytes.push(value);
    } else {
      for (const b of utf8Bytes(String.fromCodePoint(value))) bytes.push(b);
    }
  }
  return utf8Decode(Uint8Array.from(bytes));
}
