// Go's encoding/json for template values: Marshal (sorted map keys, HTML escaping, Go's float
// formatting, []byte as base64, time.Time as RFC 3339) and Unmarshal into interface{} (numbers
// become float64) with Go's syntax error messages.

import { GoTime, isMap } from '../template/values.js';
import { formatTime } from './time.js';

export class JsonError extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return "'" + q.slice(1, -1) + "'";
}

// ---------------------------------------------------------------------------------------------
// Marshal

export interface MarshalOptions {
  escapeHTML: boolean;
  indent?: string;
}

function encodeString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0x7f && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
      out += ch;
      continue;
    }
    if (c < 0x80 || c === 0x7f) {
      switch (c) {
        case 0x22: out += '\\"'; continue;
        case 0x5c: out += '\\\\'; continue;
        case 0x0a: out += '\\n'; continue;
        case 0x0d: out += '\\r'; continue;
        case 0x09: out += '\\t'; continue;
        case 0x08: out += '\\b'; continue;
        case 0x0c: out += '\\f'; continue;
      }
      if (c === 0x7f) { out += ch; continue; }
      out += '\\u00' + c.toString(16).padStart(2, '0');
      continue;
    }
    if (c === 0x2028 || c === 0x2029) { out += '\\u' + c.toString(16); continue; }
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { out += ch + s[i + 1]; i++; continue; }
      out += '\\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) { out += '\\ufffd'; continue; }
    out += ch;
  }
  return out + '"';
}

/** Go's JSON float formatting (ES6-like, with Go's exponent cleanup). */
export function formatJsonFloat(f: number): string {
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

function encode(v: unknown, o: MarshalOptions, prefix: string): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      if (!Number.isFinite(v)) {
        throw new JsonError(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
      }
      return formatJsonFloat(v);
    case 'string':
      return encodeString(v, o.escapeHTML);
    case 'function':
      throw new JsonError('json: unsupported type: func()');
  }
  const inner = o.indent === undefined ? '' : prefix + o.indent;
  const nl = o.indent === undefined ? '' : '\n';
  const colon = o.indent === undefined ? ':' : ': ';
  if (v instanceof Uint8Array) return '"' + Buffer.from(v).toString('base64') + '"';
  if (v instanceof GoTime) {
    const y = v.date.getUTCFullYear();
    if (y < 0 || y > 9999) throw new JsonError('json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]');
    return '"' + formatTime(v, '2006-01-02T15:04:05.999999999Z07:00') + '"';
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + nl + v.map((e) => inner + encode(e, o, inner)).join(',' + nl) + nl + prefix + ']';
  }
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return '{}';
    return '{' + nl + keys.map((k) => inner + encodeString(k, o.escapeHTML) + colon + encode(v[k], o, inner)).join(',' + nl) + nl + prefix + '}';
  }
  const marshal = (v as { MarshalJSON?: () => string }).MarshalJSON;
  if (typeof marshal === 'function') return marshal.call(v);
  // A struct: its own enumerable fields (Go marshals exported fields).
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => /^[A-Z]/.test(k));
  if (keys.length === 0) return '{}';
  return '{' + nl + keys.map((k) => inner + encodeString(k, o.escapeHTML) + colon + encode(obj[k], o, inner)).join(',' + nl) + nl + prefix + '}';
}

/** json.Marshal / json.MarshalIndent(v, "", indent) / an Encoder without HTML escaping. */
export function marshal(v: unknown, o: MarshalOptions): string {
  return encode(v, o, '');
}

// ---------------------------------------------------------------------------------------------
// Unmarshal

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}

  err(ctx: string): JsonError {
    if (this.pos >= this.s.length) return new JsonError('unexpected end of JSON input');
    const c = String.fromCodePoint(this.s.codePointAt(this.pos)!);
    return new JsonError(`invalid character ${quoteChar(c)} ${ctx}`);
  }

  ws(): void {
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else break;
    }
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    throw this.err('looking for beginning of value');
  }

  literal(word: string, v: unknown): unknown {
    for (let i = 0; i < word.length; i++) {
      if (this.s[this.pos] !== word[i]) {
        if (i === 0) throw this.err('looking for beginning of value');
        throw this.err(`in literal ${word} (expecting ${quoteChar(word[i]!)})`);
      }
      this.pos++;
    }
    return v;
  }

  number(): number {
    const start = this.pos;
    const s = this.s;
    const digit = (): boolean => s[this.pos] !== undefined && s[this.pos]! >= '0' && s[this.pos]! <= '9';
    if (s[this.pos] === '-') {
      this.pos++;
      if (!digit()) throw this.err('in numeric literal');
    }
    if (s[this.pos] === '0') this.pos++;
    else while (digit()) this.pos++;
    if (s[this.pos] === '.') {
      this.pos++;
      if (!digit()) throw this.err('after decimal point in numeric literal');
      while (digit()) this.pos++;
    }
    if (s[this.pos] === 'e' || s[this.pos] === 'E') {
      this.pos++;
      if (s[this.pos] === '+' || s[this.pos] === '-') this.pos++;
      if (!digit()) throw this.err('in exponent of numeric literal');
      while (digit()) this.pos++;
    }
    const text = s.slice(start, this.pos);
    const v = Number(text);
    if (!Number.isFinite(v)) throw new JsonError(`json: cannot unmarshal number ${text} into Go value of type float64`);
    return v;
  }

  string(): string {
    this.pos++; // opening quote
    let out = '';
    const s = this.s;
    for (;;) {
      if (this.pos >= s.length) throw new JsonError('unexpected end of JSON input');
      const c = s[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) throw this.err('in string literal');
      if (c === '\\') {
        this.pos++;
        const e = s[this.pos];
        if (e === undefined) throw new JsonError('unexpected end of JSON input');
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (simple[e] !== undefined) {
          out += simple[e];
          this.pos++;
          continue;
        }
        if (e === 'u') {
          this.pos++;
          let hex = '';
          for (let i = 0; i < 4; i++) {
            const h = s[this.pos];
            if (h === undefined) throw new JsonError('unexpected end of JSON input');
            if (!/[0-9a-fA-F]/.test(h)) throw this.err('in \\u hexadecimal character escape');
            hex += h;
            this.pos++;
          }
          out += String.fromCharCode(parseInt(hex, 16));
          continue;
        }
        throw this.err('in string escape code');
      }
      out += c;
      this.pos++;
    }
  }

  array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return out;
      }
      throw this.err('after array element');
    }
  }

  object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') throw this.err('looking for beginning of object key string');
      const key = this.string();
      this.ws();
      if (this.s[this.pos] !== ':') throw this.err('after object key');
      this.pos++;
      const v = this.value();
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return out;
      }
      throw this.err('after object key:value pair');
    }
  }
}

/** json.Unmarshal into interface{}; throws JsonError with Go's message. */
export function unmarshal(s: string): unknown {
  const sc = new Scanner(s);
  const v = sc.value();
  sc.ws();
  if (sc.pos < s.length) throw sc.err('after top-level value');
  return v;
}
