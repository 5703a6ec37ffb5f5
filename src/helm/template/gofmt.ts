// Go's fmt package semantics for template output. OWNED BY the template-engine work:
// the signatures of formatValue / sprintf / sprint / sprintln are the contract Sprig relies on.
//
// Values follow the model of values.ts (int64 = bigint, float64 = number, map = plain object, slice =
// Array, []byte = Uint8Array, nil = null/undefined). Verbs: %v %+v %#v %T %t %d %b %o %O %x %X %c %q
// %U %e %E %f %F %g %G %s %%, flags '+' '-' '#' ' ' '0', width/precision (also '*' and [n] argument
// indexes), and Go's error forms %!d(string=x), %!d(MISSING), %!(EXTRA ...), %!(NOVERB), %!d(BADINDEX).
// Objects with a String() method (Go's Stringer) and Error instances (Go's error) print through it.

import { GoTime, isMap } from './values.js';
import {
  canBackquote, compareStrings, formatFloat, isPrint, quote, quoteBytes, quoteRune, quoteToASCII,
  runeCount, utf8Bytes, utf8Decode, type FloatFormat,
} from './strconv.js';

/** fmt.Sprint of one value (the %v verb): how `{{ .x }}` prints. */
export function formatValue(v: unknown): string {
  const p = new Printer();
  p.printArg(v, 0x76 /* v */);
  return p.buf;
}

/** fmt.Sprintf with Go's verbs and flags. */
export function sprintf(format: string, args: unknown[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/** fmt.Sprint(args...): spaces only between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  const p = new Printer();
  let prevString = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 0x76);
    prevString = isString;
  }
  return p.buf;
}

/** fmt.Sprintln(args...): always spaces between operands, newline at the end. */
export function sprintln(args: unknown[]): string {
  const p = new Printer();
  for (let i = 0; i < args.length; i++) {
    if (i > 0) p.buf += ' ';
    p.printArg(args[i], 0x76);
  }
  p.buf += '\n';
  return p.buf;
}

/**
 * The Go type name printed by %T and in fmt's error forms. Integers print as `int` (the type of
 * template literals, len and range indexes), floats as `float64`.
 */
export function fmtTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return 'float64';
    case 'string': return 'string';
    case 'function': return 'func(...interface {}) (interface {}, error)';
    case 'symbol': return 'interface {}';
  }
  if (isMap(v)) return 'map[string]interface {}';
  const named = (v as { goType?: unknown }).goType;
  if (typeof named === 'string') return named;
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof Error) return '*errors.errorString';
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return ctor?.name ? `*${ctor.name}` : 'interface {}';
}

// ---------------------------------------------------------------------------------------------
// time.Time's String form: 2006-01-02 15:04:05.999999999 -0700 MST

interface TimeParts {
  year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number;
  offsetMinutes: number; zone: string;
}

function pad(n: number, w: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= w ? s : '0'.repeat(w - s.length) + s);
}

function numericZone(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  const h = Math.floor(a / 60);
  const m = a % 60;
  return sign + pad(h, 2) + (m === 0 ? '' : pad(m, 2));
}

/** Calendar fields of a GoTime in its location (UTC, Local or an IANA zone name). */
export function timeParts(t: GoTime): TimeParts {
  const d = t.date;
  if (t.location === 'UTC' || t.location === '') {
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(),
      minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), offsetMinutes: 0, zone: 'UTC',
    };
  }
  const tz = t.location === 'Local' ? undefined : t.location;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric',
      minute: 'numeric', second: 'numeric', timeZoneName: 'short',
    });
  } catch {
    return timeParts(new GoTime(d, 'UTC'));
  }
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(d)) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const asUTC = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetMinutes = Math.round((asUTC - (d.getTime() - d.getUTCMilliseconds())) / 60000);
  let zone = parts.timeZoneName ?? '';
  if (zone === 'UTC' || zone === 'GMT') zone = offsetMinutes === 0 ? 'UTC' : numericZone(offsetMinutes);
  else if (/^GMT[+-]/.test(zone)) zone = numericZone(offsetMinutes);
  return { year, month, day, hour, minute, second, ms: d.getUTCMilliseconds(), offsetMinutes, zone };
}

/** time.Time.String(). */
export function timeString(t: GoTime): string {
  const p = timeParts(t);
  let s = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  if (p.ms !== 0) s += '.' + pad(p.ms, 3).replace(/0+$/, '');
  const a = Math.abs(p.offsetMinutes);
  s += ` ${p.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60), 2)}${pad(a % 60, 2)} ${p.zone}`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// The printer

const ldigits = '0123456789abcdefx';
const udigits = '0123456789ABCDEFX';

function stringerOf(v: unknown): (() => string) | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isMap(v) || v instanceof Uint8Array) return undefined;
  if (v instanceof GoTime) return () => timeString(v);
  if (v instanceof Error) return () => v.message;
  const fn = (v as { String?: unknown }).String;
  if (typeof fn === 'function') return () => String(fn.call(v));
  const err = (v as { Error?: unknown }).Error;
  if (typeof err === 'function') return () => String(err.call(v));
  return undefined;
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) {
    if (num > 1e6 || num < -1e6) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 0x30);
    isnum = true;
  }
  return [num, isnum, i];
}

class Printer {
  buf = '';
  // Current operand for error reports: arg (printArg) or value (printValue), like Go's pp.
  private arg: unknown = null;
  private value: unknown = undefined;
  private erroring = false;
  private reordered = false;
  private goodArgNum = true;

  // fmt flags
  private wid = 0;
  private prec = 0;
  private widPresent = false;
  private precPresent = false;
  private minus = false;
  private plus = false;
  private sharp = false;
  private space = false;
  private zero = false;
  private plusV = false;
  private sharpV = false;

  private clearflags(): void {
    this.wid = 0;
    this.prec = 0;
    this.widPresent = false;
    this.precPresent = false;
    this.minus = false;
    this.plus = false;
    this.sharp = false;
    this.space = false;
    this.zero = false;
    this.plusV = false;
    this.sharpV = false;
  }

  // --- padding -------------------------------------------------------------------------------

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? '0' : ' ').repeat(n);
  }

  private padString(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  // --- basic formatters ----------------------------------------------------------------------

  private fmtBoolean(v: boolean): void {
    this.padString(v ? 'true' : 'false');
  }

  private fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let hex = (u < 0n ? u + (1n << 64n) : u).toString(16).toUpperCase();
    if (hex.length < prec) hex = '0'.repeat(prec - hex.length) + hex;
    let s = 'U+' + hex;
    if (this.sharp && u >= 0n && u <= 0x10ffffn && isPrint(Number(u))) s += " '" + String.fromCodePoint(Number(u)) + "'";
    const oldZero = this.zero;
    this.zero = false;
    this.padString(s);
    this.zero = oldZero;
  }

  private fmtIntegerBase(v: bigint, base: number, isSigned: boolean, verb: number, digits: string): void {
    const negative = isSigned && v < 0n;
    let u = v;
    if (negative) u = -u;
    else if (u < 0n) u += 1n << 64n;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s = u.toString(base);
    if (digits === udigits) s = s.toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) { if (s[0] !== '0') s = '0' + s; }
      else if (base === 16) s = '0' + digits[16] + s;
    }
    if (verb === 0x4f /* O */) s = '0o' + s;
    if (negative) s = '-' + s;
    else if (this.plus) s = '+' + s;
    else if (this.space) s = ' ' + s;
    const oldZero = this.zero;
    this.zero = false;
    this.padString(s);
    this.zero = oldZero;
  }

  private truncateString(s: string): string {
    if (this.precPresent) {
      let n = this.prec;
      let i = 0;
      while (i < s.length) {
        n--;
        if (n < 0) return s.slice(0, i);
        const c = s.charCodeAt(i);
        i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
      }
    }
    return s;
  }

  private fmtS(s: string): void {
    this.padString(this.truncateString(s));
  }

  private fmtSbx(bytes: Uint8Array, digits: string): void {
    let length = bytes.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) {
        width += 2;
      }
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = '';
    if (this.sharp) out += '0' + digits[16];
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += ' ';
        if (this.sharp) out += '0' + digits[16];
      }
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 0xf]!;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  private fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.sharp && canBackquote(s)) {
      this.padString('`' + s + '`');
      return;
    }
    this.padString(this.plus ? quoteToASCII(s) : quote(s));
  }

  private fmtC(u: bigint): void {
    let r = u < 0n || u > 0x10ffffn ? 0xfffd : Number(u);
    if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
    this.padString(String.fromCodePoint(r));
  }

  private fmtQc(u: bigint): void {
    const r = u < 0n || u > 0x10ffffn ? 0xfffd : Number(u);
    this.padString(quoteRune(r, this.plus));
  }

  private fmtFloatVerb(v: number, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb as FloatFormat, prec);
    if (num[0] === '-' || num[0] === '+') {
      // keep
    } else {
      num = '+' + num;
    }
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.padString(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num;
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i]!;
        if (c === '.') {
          hasDecimalPoint = true;
        } else if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (c !== '0') sawNonzeroDigit = true;
          if (sawNonzeroDigit) digits--;
        }
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.padString(num);
      return;
    }
    this.padString(num.slice(1));
  }

  // --- per-type dispatch (print.go) ----------------------------------------------------------

  private badVerb(verb: number): void {
    this.erroring = true;
    this.buf += '%!' + String.fromCodePoint(verb) + '(';
    if (this.arg !== null && this.arg !== undefined) {
      const a = this.arg;
      this.buf += fmtTypeName(a) + '=';
      this.printArg(a, 0x76);
    } else if (this.value !== undefined && this.value !== null) {
      const v = this.value;
      this.buf += fmtTypeName(v) + '=';
      this.printValue(v, 0x76, 0);
    } else {
      this.buf += '<nil>';
    }
    this.buf += ')';
    this.erroring = false;
  }

  private fmtBool(v: boolean, verb: number): void {
    if (verb === 0x74 /* t */ || verb === 0x76) this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.sharp;
    this.sharp = leading0x;
    this.fmtIntegerBase(v, 16, false, 0x76, ldigits);
    this.sharp = sharp;
  }

  private fmtInteger(v: bigint, isSigned: boolean, verb: number): void {
    switch (verb) {
      case 0x76: // v
        if (this.sharpV && !isSigned) this.fmt0x64(v, true);
        else this.fmtIntegerBase(v, 10, isSigned, verb, ldigits);
        break;
      case 0x64: this.fmtIntegerBase(v, 10, isSigned, verb, ldigits); break; // d
      case 0x62: this.fmtIntegerBase(v, 2, isSigned, verb, ldigits); break; // b
      case 0x6f: case 0x4f: this.fmtIntegerBase(v, 8, isSigned, verb, ldigits); break; // o O
      case 0x78: this.fmtIntegerBase(v, 16, isSigned, verb, ldigits); break; // x
      case 0x58: this.fmtIntegerBase(v, 16, isSigned, verb, udigits); break; // X
      case 0x63: this.fmtC(v); break; // c
      case 0x71: this.fmtQc(v); break; // q
      case 0x55: this.fmtUnicode(v); break; // U
      default: this.badVerb(verb);
    }
  }

  private fmtFloat(v: number, verb: number): void {
    switch (verb) {
      case 0x76: this.fmtFloatVerb(v, 'g', -1); break;
      case 0x62: case 0x67: case 0x47: case 0x78: case 0x58:
        this.fmtFloatVerb(v, String.fromCharCode(verb), -1);
        break;
      case 0x66: case 0x65: case 0x45: this.fmtFloatVerb(v, String.fromCharCode(verb), 6); break;
      case 0x46: this.fmtFloatVerb(v, 'f', 6); break;
      default: this.badVerb(verb);
    }
  }

  private fmtString(v: string, verb: number): void {
    switch (verb) {
      case 0x76:
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        break;
      case 0x73: this.fmtS(v); break;
      case 0x78: this.fmtSbx(utf8Bytes(v), ldigits); break;
      case 0x58: this.fmtSbx(utf8Bytes(v), udigits); break;
      case 0x71: this.fmtQ(v); break;
      default: this.badVerb(verb);
    }
  }

  private fmtBytes(v: Uint8Array, verb: number, typeString: string): void {
    switch (verb) {
      case 0x76: case 0x64:
        if (this.sharpV) {
          this.buf += typeString + '{';
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.buf += ', ';
            this.fmt0x64(BigInt(v[i]!), true);
          }
          this.buf += '}';
        } else {
          this.buf += '[';
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.buf += ' ';
            this.fmtIntegerBase(BigInt(v[i]!), 10, false, verb, ldigits);
          }
          this.buf += ']';
        }
        break;
      case 0x73: {
        let s = utf8Decode(v);
        s = this.truncateString(s);
        this.padString(s);
        break;
      }
      case 0x78: this.fmtSbx(v, ldigits); break;
      case 0x58: this.fmtSbx(v, udigits); break;
      case 0x71: {
        const s = utf8Decode(v);
        if (this.sharp && canBackquote(s) && !s.includes('\ufffd')) this.padString('`' + this.truncateString(s) + '`');
        else this.padString(quoteBytes(this.precPresent ? utf8Bytes(this.truncateString(s)) : v, this.plus));
        break;
      }
      default:
        this.buf += '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) this.buf += ' ';
          this.fmtInteger(BigInt(v[i]!), false, verb);
        }
        this.buf += ']';
    }
  }

  private handleMethods(verb: number): boolean {
    if (this.erroring) return false;
    const arg = this.arg;
    if (this.sharpV) return false;
    if (verb !== 0x76 && verb !== 0x73 && verb !== 0x78 && verb !== 0x58 && verb !== 0x71) return false;
    const str = stringerOf(arg);
    if (!str) return false;
    let s: string;
    try {
      s = str();
    } catch (e) {
      const oldFlags = this.saveFlags();
      this.clearflags();
      this.buf += '%!' + String.fromCodePoint(verb) + '(PANIC=' + (arg instanceof Error ? 'Error' : 'String') + ' method: ';
      this.buf += e instanceof Error ? e.message : String(e);
      this.buf += ')';
      this.restoreFlags(oldFlags);
      return true;
    }
    this.fmtString(s, verb);
    return true;
  }

  private saveFlags(): unknown[] {
    return [this.wid, this.prec, this.widPresent, this.precPresent, this.minus, this.plus, this.sharp, this.space, this.zero, this.plusV, this.sharpV];
  }

  private restoreFlags(f: unknown[]): void {
    [this.wid, this.prec, this.widPresent, this.precPresent, this.minus, this.plus, this.sharp, this.space, this.zero, this.plusV, this.sharpV] =
      f as [number, number, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean];
  }

  printArg(arg: unknown, verb: number): void {
    this.arg = arg;
    this.value = undefined;
    if (arg === null || arg === undefined) {
      if (verb === 0x54 /* T */ || verb === 0x76) this.padString('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 0x54) {
      this.fmtS(fmtTypeName(arg));
      return;
    }
    if (verb === 0x70 /* p */) {
      this.badVerb(verb);
      return;
    }
    switch (typeof arg) {
      case 'boolean': this.fmtBool(arg, verb); return;
      case 'number': this.fmtFloat(arg, verb); return;
      case 'bigint': this.fmtInteger(arg, true, verb); return;
      case 'string': this.fmtString(arg, verb); return;
    }
    if (arg instanceof Uint8Array) {
      this.fmtBytes(arg, verb, '[]byte');
      return;
    }
    if (!this.handleMethods(verb)) this.printValue(arg, verb, 0);
  }

  private printValue(value: unknown, verb: number, depth: number): void {
    if (depth > 0 && value !== null && value !== undefined) {
      this.arg = value;
      if (this.handleMethods(verb)) return;
    }
    this.arg = null;
    if (value === null || value === undefined) {
      this.value = undefined;
      this.buf += this.sharpV ? 'interface {}(nil)' : '<nil>';
      return;
    }
    this.value = value;
    switch (typeof value) {
      case 'boolean': this.fmtBool(value, verb); return;
      case 'number': this.fmtFloat(value, verb); return;
      case 'bigint': this.fmtInteger(value, true, verb); return;
      case 'string': this.fmtString(value, verb); return;
      case 'function':
        if (verb === 0x76) this.padString(this.sharpV ? '(func())(nil)' : '<func>');
        else this.badVerb(verb);
        return;
    }
    if (value instanceof Uint8Array) {
      this.fmtBytes(value, verb, '[]uint8');
      return;
    }
    if (Array.isArray(value)) {
      if (this.sharpV) {
        this.buf += '[]interface {}{';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) this.buf += ', ';
          this.printValue(value[i], verb, depth + 1);
        }
        this.buf += '}';
      } else {
        this.buf += '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) this.buf += ' ';
          this.printValue(value[i], verb, depth + 1);
        }
        this.buf += ']';
      }
      return;
    }
    if (isMap(value)) {
      this.buf += this.sharpV ? 'map[string]interface {}{' : 'map[';
      const keys = Object.keys(value).sort(compareStrings);
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
        const k = keys[i]!;
        this.printValue(k, verb, depth + 1);
        this.buf += ':';
        this.printValue(value[k], verb, depth + 1);
      }
      this.buf += this.sharpV ? '}' : ']';
      return;
    }
    // Struct-like objects: their own enumerable data properties, in order.
    if (typeof value === 'object') {
      if (this.sharpV) this.buf += fmtTypeName(value).replace(/^\*/, '');
      this.buf += '{';
      let first = true;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v === 'function' || k === 'goType') continue;
        if (!first) this.buf += this.sharpV ? ', ' : ' ';
        first = false;
        if (this.plusV || this.sharpV) this.buf += k + ':';
        this.printValue(v, verb, depth + 1);
      }
      this.buf += '}';
      return;
    }
    this.buf += '?' + fmtTypeName(value) + '?';
  }

  // --- Printf ---------------------------------------------------------------------------------

  private argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false];
    this.reordered = true;
    // parseArgNumber
    let index = 0;
    let wid = 1;
    let ok = false;
    const f = format.slice(i);
    if (f.length >= 3) {
      for (let j = 1; j < f.length; j++) {
        if (f[j] === ']') {
          const [width, isnum, newi] = parsenum(f, 1, j);
          if (!isnum || newi !== j) {
            wid = j + 1;
            ok = false;
          } else {
            index = width - 1;
            wid = j + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }

  private intFromArg(a: unknown[], argNum: number): [number, boolean, number] {
    let num = 0;
    let isInt = false;
    let newArgNum = argNum;
    if (argNum < a.length) {
      const v = a[argNum];
      if (typeof v === 'bigint' && v >= -(1n << 63n) && v < 1n << 63n) {
        num = Number(v);
        isInt = true;
      }
      newArgNum = argNum + 1;
      if (num > 1e6 || num < -1e6) {
        num = 0;
        isInt = false;
      }
    }
    return [num, isInt, newArgNum];
  }

  doPrintf(format: string, a: unknown[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    let i = 0;
    formatLoop: while (i < end) {
      this.goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++; // skip %
      this.clearflags();
      flags: for (; i < end; i++) {
        switch (format[i]) {
          case '#': this.sharp = true; break;
          case '0': this.zero = true; break;
          case '+': this.plus = true; break;
          case '-': this.minus = true; break;
          case ' ': this.space = true; break;
          default: break flags;
        }
      }
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i < end && format[i] === '*') {
        i++;
        [this.wid, this.widPresent, argNum] = this.intFromArg(a, argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.widPresent) this.goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) this.goodArgNum = false;
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [this.prec, this.precPresent, argNum] = this.intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parsenum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const verb = format.codePointAt(i)!;
      i += verb > 0xffff ? 2 : 1;
      if (verb === 0x25 /* % */) {
        this.buf += '%';
        continue formatLoop;
      }
      if (!this.goodArgNum) {
        this.buf += '%!' + String.fromCodePoint(verb) + '(BADINDEX)';
        continue formatLoop;
      }
      if (argNum >= a.length) {
        this.buf += '%!' + String.fromCodePoint(verb) + '(MISSING)';
        continue formatLoop;
      }
      if (verb === 0x76 || verb === 0x77 /* w */) {
        this.sharpV = this.sharp;
        this.sharp = false;
        this.plusV = this.plus;
        this.plus = false;
      }
      if (verb === 0x77) {
        // %w is only valid in Errorf.
        this.arg = a[argNum];
        this.value = undefined;
        this.badVerb(verb);
      } else {
        this.printArg(a[argNum], verb);
      }
      argNum++;
    }
    if (!this.reordered && argNum < a.length) {
      this.clearflags();
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k];
        if (arg === null || arg === undefined) {
          this.buf += '<nil>';
        } else {
          this.buf += fmtTypeName(arg) + '=';
          this.printArg(arg, 0x76);
        }
      }
      this.buf += ')';
    }
  }
}
