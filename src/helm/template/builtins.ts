// Go text/template's builtin functions (funcs.go) in the Go value model. Arguments declared as
// reflect.Value arrive raw: undefined for an invalid (missing) value, null for a nil interface value.
// `and`, `or` and `call` are evaluated specially by the executor; their entries here carry the
// signature (arity checks) and, for call, the implementation.

import { fmtTypeName, sprint, sprintf, sprintln } from './gofmt.js';
import { compileSignature, signatureOf, type ExecContext, type Param, type Signature } from './funcs.js';
import { compareStrings, isPrint, utf8Bytes, utf8Decode } from './strconv.js';
import { GoTime, isMap, isNamedMap, truthy } from './values.js';

export interface FuncEntry {
  fn: (...args: unknown[]) => unknown;
  sig: Signature;
}

/** null (a nil interface) becomes undefined (invalid), as reflect's indirectInterface. */
function indirectInterface(v: unknown): unknown {
  return v === null ? undefined : v;
}

function typeOf(v: unknown): string {
  return v === null ? 'interface {}' : fmtTypeName(v);
}

function indexArg(index: unknown, cap: number): number {
  let x: bigint;
  if (typeof index === 'bigint') x = index;
  else if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  else throw new Error(`cannot index slice/array with type ${typeOf(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  item = indirectInterface(item);
  if (item === undefined) throw new Error('index of untyped nil');
  for (let idx of indexes) {
    idx = indirectInterface(idx);
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      const v: unknown = item[x];
      item = v === undefined ? null : v;
    } else if (item instanceof Uint8Array) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = BigInt(item[x]!);
    } else if (typeof item === 'string') {
      const bytes = utf8Bytes(item);
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new Error('reflect: string index out of range');
      item = BigInt(bytes[x]!);
    } else if (isMap(item)) {
      if (idx === undefined) throw new Error('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new Error(`value has type ${typeOf(idx)}; should be string`);
      const v: unknown = Object.prototype.hasOwnProperty.call(item, idx) ? item[idx] : null;
      item = v === undefined ? null : v;
    } else {
      throw new Error(`can't index item of type ${typeOf(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  item = indirectInterface(item);
  if (item === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let length: number;
  let bytes: Uint8Array | null = null;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    bytes = utf8Bytes(item);
    length = bytes.length;
  } else if (Array.isArray(item) || item instanceof Uint8Array) {
    length = item.length;
  } else {
    throw new Error(`can't slice item of type ${typeOf(item)}`);
  }
  const idx = [0, length, 0];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(indirectInterface(x), length);
  });
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes) return utf8Decode(bytes.subarray(idx[0], idx[1]));
  return (item as unknown[] | Uint8Array).slice(idx[0], idx[1]);
}

function length(item: unknown): bigint {
  if (item === null) throw new Error('len of nil pointer');
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return BigInt(utf8Bytes(item).length);
  if (Array.isArray(item) || item instanceof Uint8Array) return BigInt(item.length);
  if (isMap(item) || isNamedMap(item)) return BigInt(Object.keys(item).length);
  throw new Error(`len of type ${typeOf(item)}`);
}

function not(arg: unknown): boolean {
  return !truthy(arg);
}

type Kind = 'invalid' | 'bool' | 'int' | 'float' | 'string';

function basicKind(v: unknown): Kind {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return 'float';
    case 'string': return 'string';
  }
  return 'invalid';
}

/** reflect.Kind of a non-basic value, for comparability. */
function compositeKind(v: unknown): string {
  if (v === undefined || v === null) return 'invalid';
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (isMap(v)) return 'map';
  if (typeof v === 'function') return 'func';
  return 'struct';
}

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  arg1 = indirectInterface(arg1);
  if (arg2.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = indirectInterface(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) {
        throw new Error(`incompatible types for comparison: ${typeOf(arg1)} and ${typeOf(arg)}`);
      }
    } else if (k1 !== 'invalid') {
      truth = arg1 === arg;
    } else {
      const c1 = compositeKind(arg1);
      const c2 = compositeKind(arg);
      if (c1 !== c2 && c1 !== 'invalid' && c2 !== 'invalid') {
        throw new Error(`non-comparable types ${sprintf('%s', [arg1])}: ${typeOf(arg1)}, ${typeOf(arg)}: ${sprintf('%v', [arg])}`);
      }
      if (arg1 === undefined || arg === undefined) {
        truth = arg1 === arg;
      } else {
        if (c2 === 'slice' || c2 === 'map' || c2 === 'func') {
          throw new Error(`non-comparable type ${sprintf('%s', [arg])}: ${typeOf(arg)}`);
        }
        truth = arg1 === arg || (arg1 instanceof GoTime && arg instanceof GoTime &&
          arg1.date.getTime() === arg.date.getTime() && arg1.location === arg.location);
      }
    }
    if (truth) return true;
  }
  return false;
}

function ne(arg1: unknown, arg2: unknown): boolean {
  return !eq(arg1, arg2);
}

function lt(arg1: unknown, arg2: unknown): boolean {
  arg1 = indirectInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error('invalid type for comparison');
  arg2 = indirectInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error(`incompatible types for comparison: ${typeOf(arg1)} and ${typeOf(arg2)}`);
  switch (k1) {
    case 'bool': throw new Error('invalid type for comparison');
    case 'string': return compareStrings(arg1 as string, arg2 as string) < 0;
    default: return (arg1 as number) < (arg2 as number);
  }
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

function gt(arg1: unknown, arg2: unknown): boolean {
  return !le(arg1, arg2);
}

function ge(arg1: unknown, arg2: unknown): boolean {
  return !lt(arg1, arg2);
}

/** fmt.Sprint of the arguments, with a missing value printed as Go's "<no value>". */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

/** template.HTMLEscapeString. */
export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/['"&<>\0]/g, (c) => {
    switch (c) {
      case '"': return '&#34;';
      case "'": return '&#39;';
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      default: return '\uFFFD';
    }
  });
}

/** template.JSEscapeString. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (r < 0x20) {
      out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    } else if (r < 0x80 || isPrint(r)) {
      out += ch;
    } else if (r >= 0xd800 && r <= 0xdfff) {
      out += '\uFFFD';
    } else {
      out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out;
}

/** url.QueryEscape. */
export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out;
}

function canBeNil(p: Param): boolean {
  return p.kind === 'any' || p.kind === 'slice' || p.kind === 'map' || p.kind === 'value';
}

function assignable(v: unknown, p: Param): boolean {
  switch (p.kind) {
    case 'any': case 'value': return true;
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'float64': return typeof v === 'number';
    case 'int': return typeof v === 'bigint';
    case 'slice': return Array.isArray(v);
    case 'map': return isMap(v);
  }
}

/** The builtin `call`: name is the source text of the callee argument, for messages. */
function call(this: ExecContext, name: string, fn: unknown, ...args: unknown[]): unknown {
  fn = indirectInterface(fn);
  if (fn === undefined) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function ${name} of type ${typeOf(fn)}`);
  const sig = signatureOf(fn);
  const numIn = sig.params.length;
  if (sig.variadic) {
    if (args.length < numIn) throw new Error(`wrong number of args for ${name}: got ${args.length} want at least ${numIn}`);
  } else if (args.length !== numIn) {
    throw new Error(`wrong number of args for ${name}: got ${args.length} want ${numIn}`);
  }
  const argv = args.map((raw, i) => {
    const p = (i < numIn ? sig.params[i] : sig.variadic)!;
    if (p.kind === 'value') return raw;
    const arg = indirectInterface(raw);
    if (arg === undefined) {
      if (!canBeNil(p)) throw new Error(`arg ${i}: value is nil; should be of type ${p.goName}`);
      return null;
    }
    if (!assignable(arg, p)) throw new Error(`arg ${i}: value has type ${typeOf(arg)}; should be ${p.goName}`);
    return arg;
  });
  const result = (fn as (...a: unknown[]) => unknown).apply(this, argv);
  return result === undefined ? null : result;
}

function entry(spec: Parameters<typeof compileSignature>[0], fn: (...args: never[]) => unknown): FuncEntry {
  return { fn: fn as (...args: unknown[]) => unknown, sig: compileSignature(spec) };
}

const notCallable = (): never => {
  throw new Error('unreachable');
};

/** The builtin functions, by name. */
export const builtins: ReadonlyMap<string, FuncEntry> = new Map<string, FuncEntry>([
  ['and', entry(['reflect.Value', '...reflect.Value'], notCallable)],
  ['or', entry(['reflect.Value', '...reflect.Value'], notCallable)],
  ['call', entry(['reflect.Value', '...reflect.Value'], call)],
  ['html', entry(['...interface {}'], (...args: unknown[]) => htmlEscapeString(evalArgs(args)))],
  ['js', entry(['...interface {}'], (...args: unknown[]) => jsEscapeString(evalArgs(args)))],
  ['urlquery', entry(['...interface {}'], (...args: unknown[]) => urlQueryEscape(evalArgs(args)))],
  ['index', entry(['reflect.Value', '...reflect.Value'], index)],
  ['slice', entry(['reflect.Value', '...reflect.Value'], slice)],
  ['len', entry(['reflect.Value'], length)],
  ['not', entry(['reflect.Value'], not)],
  ['print', entry(['...interface {}'], (...args: unknown[]) => sprint(args))],
  ['printf', entry(['string', '...interface {}'], (format: string, ...args: unknown[]) => sprintf(format, args))],
  ['println', entry(['...interface {}'], (...args: unknown[]) => sprintln(args))],
  ['eq', entry(['reflect.Value', '...reflect.Value'], eq)],
  ['ne', entry(['reflect.Value', 'reflect.Value'], ne)],
  ['lt', entry(['reflect.Value', 'reflect.Value'], lt)],
  ['le', entry(['reflect.Value', 'reflect.Value'], le)],
  ['gt', entry(['reflect.Value', 'reflect.Value'], gt)],
  ['ge', entry(['reflect.Value', 'reflect.Value'], ge)],
]);
