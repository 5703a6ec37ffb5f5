// Helm's --set grammar (pkg/strvals): `a.b=c,d[0].e=f,list={x,y}` with backslash escapes.
// --set gives typed values (true/false/null, int64 as bigint, "0"-led numbers stay strings),
// --set-string strings, --set-file file contents, --set-json JSON values and --set-literal the
// whole rest of the text as one string.

import { unmarshal } from '../sprig/json.js';

export const MAX_INDEX = 65536;
export const MAX_NESTED_NAME_LEVEL = 30;

type Reader = (rs: string) => unknown;

class EOF extends Error {
  constructor() {
    super('EOF');
  }
}
class NotList extends Error {
  constructor() {
    super('not a list');
  }
}

/** A rune reader over a string (code points). */
class Scanner {
  pos = 0;
  readonly runes: string[];
  constructor(s: string) {
    this.runes = [...s];
  }
  read(): string | undefined {
    return this.pos < this.runes.length ? this.runes[this.pos++] : undefined;
  }
  unread(): void {
    this.pos--;
  }
  rest(): string {
    return this.runes.slice(this.pos).join('');
  }
}

interface Until {
  v: string;
  last: string | undefined;
  eof: boolean;
}

function runesUntil(sc: Scanner, stop: Set<string>, escapes: boolean): Until {
  let v = '';
  for (;;) {
    const r = sc.read();
    if (r === undefined) return { v, last: undefined, eof: true };
    if (stop.has(r)) return { v, last: r, eof: false };
    if (escapes && r === '\\') {
      const next = sc.read();
      if (next === undefined) return { v, last: undefined, eof: true };
      v += next;
      continue;
    }
    v += r;
  }
}

function set(data: Record<string, unknown>, key: string, val: unknown): void {
  if (key.length === 0) return;
  if (key === '__proto__') Object.defineProperty(data, key, { value: val, enumerable: true, writable: true, configurable: true });
  else data[key] = val;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function isMapValue(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function goTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'string': return 'string';
    case 'bigint': return 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
  }
  return 'map[string]interface {}';
}

function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return n;
}

function setIndex(list: unknown[], index: number, val: unknown): unknown[] {
  if (index < 0) throw new Error(`negative ${index} index not allowed`);
  if (index > MAX_INDEX) throw new Error(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  if (list.length <= index) {
    const nl = list.slice();
    while (nl.length <= index) nl.push(null);
    list = nl;
  }
  list[index] = val;
  return list;
}

/** Go's typedVal: the --set type inference. */
export function typedVal(v: string, st: boolean): unknown {
  if (st) return v;
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (v === '0') return 0n;
  if (v.length !== 0 && v[0] !== '0' && /^[+-]?[0-9]+$/.test(v)) {
    const n = BigInt(v);
    if (n <= 9223372036854775807n && n >= -9223372036854775808n) return n;
  }
  return v;
}

class Parser {
  readonly sc: Scanner;
  constructor(s: string, readonly data: Record<string, unknown>, readonly reader: Reader, readonly isJson: boolean, readonly literal: boolean) {
    this.sc = new Scanner(s);
  }

  parse(): void {
    for (;;) {
      try {
        this.key(this.data, 0);
      } catch (e) {
        if (e instanceof EOF) return;
        throw e;
      }
    }
  }

  private key(data: Record<string, unknown>, level: number): void {
    try {
      this.keyInner(data, level);
    } catch (e) {
      if (e instanceof TypeError || e instanceof PanicError) throw new Error(`unable to parse key: ${e.message}`);
      throw e;
    }
  }

  private keyInner(data: Record<string, unknown>, level: number): void {
    const stop = new Set(this.literal ? ['=', '[', '.'] : ['=', '[', ',', '.']);
    const { v: k, last, eof } = runesUntil(this.sc, stop, !this.literal);
    if (eof) {
      if (k.length === 0) throw new EOF();
      throw new Error(`key ${goQuote(k)} has no value`);
    }
    switch (last) {
      case '[': {
        let i: number;
        try {
          i = this.keyIndex();
        } catch (e) {
          throw new Error(`error parsing index: ${(e as Error).message}`);
        }
        let list: unknown[] = [];
        if (Object.prototype.hasOwnProperty.call(data, k)) {
          const cur = data[k];
          if (!Array.isArray(cur)) throw new PanicError(`interface conversion: interface {} is ${goTypeOf(cur)}, not []interface {}`);
          list = cur;
        }
        let err: unknown;
        try {
          list = this.listItem(list, i, level);
        } catch (e) {
          err = e;
          if (e instanceof ListErr) list = e.list;
          else throw e;
        }
        set(data, k, list);
        if (err instanceof ListErr) throw err.cause;
        return;
      }
      case '=': {
        if (this.literal) {
          const value = runesUntil(this.sc, new Set(), false).v;
          set(data, k, value);
          return;
        }
        if (this.isJson) {
          if (this.emptyVal()) {
            set(data, k, null);
            return;
          }
          const [jv, consumed] = decodeJsonPrefix(this.sc.rest());
          set(data, k, jv);
          this.sc.pos += [...this.sc.rest().slice(0, consumed)].length;
          this.emptyVal();
          return;
        }
        let vl: unknown[];
        try {
          vl = this.valList();
        } catch (e) {
          if (e instanceof EOF) {
            set(data, k, '');
            throw e;
          }
          if (e instanceof NotList) {
            const rs = this.val();
            set(data, k, this.reader(rs));
            return;
          }
          throw e;
        }
        set(data, k, vl);
        return;
      }
      case ',': {
        set(data, k, '');
        throw new Error(`key ${goQuote(k)} has no value (cannot end with ,)`);
      }
      case '.': {
        level++;
        if (level > MAX_NESTED_NAME_LEVEL) {
          throw new Error(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
        }
        let inner: Record<string, unknown> = {};
        if (Object.prototype.hasOwnProperty.call(data, k)) {
          const cur = data[k];
          if (!isMapValue(cur)) throw new PanicError(`interface conversion: interface {} is ${goTypeOf(cur)}, not map[string]interface {}`);
          inner = cur;
        }
        let err: unknown;
        try {
          this.key(inner, level);
        } catch (e) {
          err = e;
        }
        if (err === undefined && Object.keys(inner).length === 0) throw new Error(`key map ${goQuote(k)} has no value`);
        if (Object.keys(inner).length !== 0) set(data, k, inner);
        if (err !== undefined) throw err;
        return;
      }
    }
  }

  private keyIndex(): number {
    const { v, eof } = runesUntil(this.sc, new Set([']']), !this.literal);
    if (eof) throw new EOF();
    return atoi(v);
  }

  /** Returns the new list; on error throws ListErr carrying the list to store. */
  private listItem(list: unknown[], i: number, level: number): unknown[] {
    if (i < 0) throw new ListErr(list, new Error(`negative ${i} index not allowed`));
    const { v: k, last, eof } = runesUntil(this.sc, new Set(['[', '.', '=']), !this.literal);
    if (k.length > 0) throw new ListErr(list, new Error(`unexpected data at end of array index: ${goQuote(k)}`));
    if (eof) throw new ListErr(list, new EOF());
    const wrap = (f: () => unknown[]): unknown[] => {
      try {
        return f();
      } catch (e) {
        if (e instanceof ListErr) throw e;
        throw new ListErr(list, e);
      }
    };
    switch (last) {
      case '=': {
        if (this.literal) {
          const value = runesUntil(this.sc, new Set(), false).v;
          return wrap(() => setIndex(list, i, value));
        }
        if (this.isJson) {
          if (this.emptyVal()) return wrap(() => setIndex(list, i, null));
          return wrap(() => {
            const [jv, consumed] = decodeJsonPrefix(this.sc.rest());
            const l = setIndex(list, i, jv);
            this.sc.pos += [...this.sc.rest().slice(0, consumed)].length;
            this.emptyVal();
            return l;
          });
        }
        let vl: unknown[];
        try {
          vl = this.valList();
        } catch (e) {
          if (e instanceof EOF) return wrap(() => setIndex(list, i, ''));
          if (e instanceof NotList) {
            const rs = this.val();
            return wrap(() => setIndex(list, i, this.reader(rs)));
          }
          throw new ListErr(list, e);
        }
        return wrap(() => setIndex(list, i, vl));
      }
      case '[': {
        let nextI: number;
        try {
          nextI = this.keyIndex();
        } catch (e) {
          throw new ListErr(list, new Error(`error parsing index: ${(e as Error).message}`));
        }
        let crt: unknown[] = [];
        if (list.length > i && list[i] !== null && list[i] !== undefined) {
          const cur = list[i];
          if (!Array.isArray(cur)) throw new PanicError(`interface conversion: interface {} is ${goTypeOf(cur)}, not []interface {}`);
          crt = cur;
        }
        let l2: unknown[];
        try {
          l2 = this.listItem(crt, nextI, level);
        } catch (e) {
          if (e instanceof ListErr) throw new ListErr(list, e.cause);
          throw e;
        }
        return wrap(() => setIndex(list, i, l2));
      }
      case '.': {
        let inner: Record<string, unknown> = {};
        if (list.length > i) {
          const cur = list[i];
          if (isMapValue(cur)) inner = cur;
          else {
            list[i] = {};
            inner = list[i] as Record<string, unknown>;
          }
        }
        try {
          this.key(inner, level);
        } catch (e) {
          throw new ListErr(list, e);
        }
        return wrap(() => setIndex(list, i, inner));
      }
      default:
        throw new ListErr([], new Error(`parse error: unexpected token ${last}`));
    }
  }

  private val(): string {
    return runesUntil(this.sc, new Set([',']), true).v;
  }

  private valList(): unknown[] {
    const r = this.sc.read();
    if (r === undefined) throw new EOF();
    if (r !== '{') {
      this.sc.unread();
      throw new NotList();
    }
    const list: unknown[] = [];
    const stop = new Set([',', '}']);
    for (;;) {
      const { v: rs, last, eof } = runesUntil(this.sc, stop, true);
      if (eof) throw new Error("list must terminate with '}'");
      if (last === '}') {
        const n = this.sc.read();
        if (n !== undefined && n !== ',') this.sc.unread();
        list.push(this.reader(rs));
        return list;
      }
      list.push(this.reader(rs));
    }
  }

  private emptyVal(): boolean {
    for (;;) {
      const r = this.sc.read();
      if (r === undefined) return true;
      if (r === ',') return true;
      if (!/\s/u.test(r)) {
        this.sc.unread();
        return false;
      }
    }
  }
}

class PanicError extends Error {}
class ListErr extends Error {
  constructor(readonly list: unknown[], override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** json.Decoder.Decode of the first JSON value of `s`: the value and the characters consumed. */
function decodeJsonPrefix(s: string): [unknown, number] {
  // Find the end of the first JSON value by scanning with a small state machine.
  let i = 0;
  while (i < s.length && /\s/.test(s[i]!)) i++;
  const start = i;
  let depth = 0;
  let inStr = false;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') {
        inStr = false;
        if (depth === 0) { i++; break; }
      }
      continue;
    }
    if (c === '"') { inStr = true; continue; }
    if (c === '{' || c === '[') { depth++; continue; }
    if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) { i++; break; }
      continue;
    }
    if (depth === 0 && (c === ',' || /\s/.test(c))) break;
  }
  const text = s.slice(start, i);
  if (text === '') throw new Error('EOF');
  return [unmarshal(text), i];
}

function run(s: string, dest: Record<string, unknown>, reader: Reader, isJson = false, literal = false): void {
  new Parser(s, dest, reader, isJson, literal).parse();
}

/** strvals.ParseInto (--set). */
export function parseSet(s: string, dest: Record<string, unknown>): void {
  run(s, dest, (rs) => typedVal(rs, false));
}

/** strvals.ParseIntoString (--set-string). */
export function parseSetString(s: string, dest: Record<string, unknown>): void {
  run(s, dest, (rs) => typedVal(rs, true));
}

/** strvals.ParseIntoFile (--set-file): `reader` returns the file's contents. */
export function parseSetFile(s: string, dest: Record<string, unknown>, reader: (path: string) => string): void {
  run(s, dest, (rs) => reader(rs));
}

/** strvals.ParseJSON (--set-json key=jsonvalue form). */
export function parseSetJson(s: string, dest: Record<string, unknown>): void {
  run(s, dest, (rs) => rs, true);
}

/** strvals.ParseLiteralInto (--set-literal). */
export function parseSetLiteral(s: string, dest: Record<string, unknown>): void {
  run(s, dest, (rs) => rs, false, true);
}

/** strvals.Parse: a fresh map. */
export function parseSetToMap(s: string): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  parseSet(s, m);
  return m;
}
