// Sprig v3.3 template functions as Helm 3 registers them (without env/expandenv), with Sprig's
// Go semantics on the template value model of ../template/values.ts:
//   int/int64 -> bigint, float64 -> number, []interface{} -> Array, map[string]interface{} -> object,
//   []byte -> Uint8Array, time.Time -> GoTime.
// Every function carries its Go signature (goSignature) and converts/validates its arguments the
// way text/template does; argument errors are GoArgError, function errors and panics plain Errors
// whose message is what Go reports after "error calling NAME: ".

import { formatValue } from '../template/gofmt.js';
import { GoTime, goKindName, goTypeName, isMap } from '../template/values.js';
import {
  chunkList, compactList, deepCopy, deepEqual, DeepSet, listOrThrow, setKey, mergeInto, nilListPanic, sliceElems, sliceList, uniqList,
} from './collections.js';
import { atoi, empty, parseInt64, strslice, strval, toFloat64, toInt64, wrap64, INT64_MIN } from './conv.js';
import * as crypto from './crypto.js';
import { base32Decode, base32Encode, base64Decode, base64Encode } from './encoding.js';
import * as gopath from './gopath.js';
import { hostname, newEmptyURL, parseURL, urlString, userinfoString, type GoURL } from './gourl.js';
import { marshal, unmarshal } from './json.js';
import { execDecimalOp, round, seq, until, untilStep } from './math.js';
import { compileRegexp, quoteMeta, type GoRegexp } from './regexp.js';
import { SemverConstraints, SemverVersion } from './semver.js';
import { Certificate, fn, vfn, type SignedFunc } from './sig.js';
import {
  abbreviateFull, camelCaseToLowerCase, cryptoRandom, deleteWhiteSpace, goSubstring, initials, shuffle, swapCase,
  toPascalCase, uncapitalize, wrapCustom,
} from './strutil.js';
import {
  addDuration, durationString, formatTime, loadLocation, parseDuration, parseInLocation, roundDuration, subTimes, zeroTime,
} from './time.js';
import { byteLength, goQuote, goSplit, goSplitN, goTitle, goToLower, goToUpper, goTrim, goTrimSpace, utf8Decode, utf8Encode } from './unicode.js';

export { GoArgError, Certificate, engineSpec, type SignedFunc, type GoSignature, type ParamType } from './sig.js';
export { SemverVersion } from './semver.js';
export { goTimeString, formatTime } from './time.js';
export { strval } from './conv.js';

export type FuncMap = Record<string, SignedFunc>;

export interface SprigOptions {
  /** The clock for now, ago, date defaults and certificate validity (default: the system clock). */
  now?: () => Date;
  /** Random bytes (default: crypto.randomBytes). */
  random?: (n: number) => Uint8Array;
  /**
   * DNS lookup for getHostByName. Helm disables DNS lookups unless --enable-dns is given, in which
   * case getHostByName returns ""; that is the behaviour without this option.
   */
  lookupHost?: (name: string) => string[];
}

type GoMap = Record<string, unknown>;

function kindOf(v: unknown): string {
  const t = (v as { goType?: unknown } | null)?.goType;
  if (typeof t === 'string' && t.startsWith('*')) return 'ptr';
  return goKindName(v);
}

function timeFromArg(date: unknown, now: () => Date): GoTime {
  if (date instanceof GoTime) return date;
  if (typeof date === 'bigint') return new GoTime(new Date(Number(wrap64(date)) * 1000), 'Local');
  return new GoTime(now(), 'Local');
}

function dateInZone(layout: string, date: unknown, zone: string, now: () => Date): string {
  const t = timeFromArg(date, now);
  const loc = loadLocation(zone) ?? 'UTC';
  return formatTime(new GoTime(t.date, loc), layout);
}

function mustCompile(regex: string): GoRegexp {
  try {
    return compileRegexp(regex);
  } catch (e) {
    const q = /^[^`\x00-\x08\x0a-\x1f\x7f]*$/.test(regex) ? '`' + regex + '`' : goQuote(regex);
    throw new Error(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}

function digFromDict(dict: GoMap, d: unknown, ks: string[]): unknown {
  const [k, ...ns] = ks;
  if (!Object.prototype.hasOwnProperty.call(dict, k!)) return d;
  const step = dict[k!];
  if (ns.length === 0) return step;
  if (!isMap(step)) {
    throw new Error(`interface conversion: interface {} is ${goTypeName(step)}, not map[string]interface {}`);
  }
  return digFromDict(step, d, ns);
}

function dictGetOrEmpty(d: GoMap | null, key: string): string {
  if (d === null || !Object.prototype.hasOwnProperty.call(d, key)) return '';
  const v = d[key];
  if (v === null || v === undefined) throw new Error('runtime error: invalid memory address or nil pointer dereference');
  if (typeof v !== 'string') throw new Error(`unable to parse ${key} key, must be of type string, but ${goKindName(v)} found`);
  return v;
}

function jsonOrThrow(v: unknown, pretty: boolean, escapeHTML: boolean): string {
  return marshal(v, { escapeHTML, indent: pretty ? '  ' : undefined });
}

function jsonOrEmpty(v: unknown, pretty: boolean, escapeHTML: boolean): string {
  try {
    return jsonOrThrow(v, pretty, escapeHTML);
  } catch {
    return '';
  }
}

function sortedValues(d: GoMap | null): unknown[] {
  if (d === null) return [];
  return Object.keys(d).sort().map((k) => d[k]);
}

function mergeMaps(dst: GoMap | null, srcs: (GoMap | null)[], overwrite: boolean): GoMap {
  const out = dst ?? {};
  for (const s of srcs) if (s !== null) mergeInto(out, s, overwrite);
  return out;
}

/** Sprig's function map as Helm registers it (env and expandenv removed). */
export function sprigFuncs(opts: SprigOptions = {}): FuncMap {
  const now = opts.now ?? (() => new Date());
  const random = opts.random ?? crypto.defaultRandom;
  const certOpts = { now, random };
  const f: FuncMap = {};
  const add = (sf: SignedFunc): void => {
    f[sf.name] = sf;
  };
  const alias = (name: string, of: string): void => {
    f[name] = f[of]!;
  };

  add(fn('hello', [], () => 'Hello!'));

  // ---- Dates
  add(fn('ago', ['any'], (date: unknown) => {
    const t = timeFromArg(date, now);
    return durationString(roundDuration(subTimes(now(), t.date), 1000000000n));
  }));
  add(fn('date', ['string', 'any'], (layout: string, date: unknown) => dateInZone(layout, date, 'Local', now)));
  add(fn('dateInZone', ['string', 'any', 'string'], (layout: string, date: unknown, zone: string) => dateInZone(layout, date, zone, now)));
  alias('date_in_zone', 'dateInZone');
  add(fn('dateModify', ['string', 'time'], (s: string, date: GoTime) => {
    try {
      return addDuration(date, parseDuration(s));
    } catch {
      return date;
    }
  }));
  alias('date_modify', 'dateModify');
  add(fn('mustDateModify', ['string', 'time'], (s: string, date: GoTime) => addDuration(date, parseDuration(s))));
  alias('must_date_modify', 'mustDateModify');
  add(fn('duration', ['any'], (sec: unknown) => {
    let n = 0n;
    if (typeof sec === 'string') {
      const r = parseInt64(sec, 10);
      n = r.value;
      if (!r.ok && !r.range) n = 0n;
    } else if (typeof sec === 'bigint') n = wrap64(sec);
    return durationString(wrap64(n * 1000000000n));
  }));
  add(fn('durationRound', ['any'], (duration: unknown) => {
    let d = 0n;
    if (typeof duration === 'string') {
      try {
        d = parseDuration(duration);
      } catch {
        d = 0n;
      }
    } else if (typeof duration === 'bigint') d = wrap64(duration);
    else if (duration instanceof GoTime) d = subTimes(now(), duration.date);
    let u = d < 0n ? -d : d;
    if (d === INT64_MIN) u = 1n << 63n;
    const hour = 3600n * 1000000000n;
    const day = 24n * hour;
    const units: [bigint, string][] = [
      [365n * day, 'y'], [30n * day, 'mo'], [day, 'd'], [hour, 'h'], [60n * 1000000000n, 'm'], [1000000000n, 's'],
    ];
    for (const [size, suffix] of units) if (u > size) return `${u / size}${suffix}`;
    return '0s';
  }));
  add(fn('htmlDate', ['any'], (date: unknown) => dateInZone('2006-01-02', date, 'Local', now)));
  add(fn('htmlDateInZone', ['any', 'string'], (date: unknown, zone: string) => dateInZone('2006-01-02', date, zone, now)));
  add(fn('mustToDate', ['string', 'string'], (layout: string, s: string) => parseInLocation(layout, s, 'Local')));
  add(fn('now', [], () => new GoTime(now(), 'Local')));
  add(fn('toDate', ['string', 'string'], (layout: string, s: string) => {
    try {
      return parseInLocation(layout, s, 'Local');
    } catch {
      return zeroTime();
    }
  }));
  add(fn('unixEpoch', ['time'], (t: GoTime) => String(Math.floor(t.date.getTime() / 1000))));

  // ---- Strings
  add(fn('abbrev', ['int', 'string'], (width: number, s: string) => (width < 4 ? s : abbreviateFull(s, 0, width))));
  add(fn('abbrevboth', ['int', 'int', 'string'], (left: number, right: number, s: string) =>
    right < 4 || (left > 0 && right < 7) ? s : abbreviateFull(s, left, right)));
  add(fn('trunc', ['int', 'string'], (c: number, s: string) => {
    const len = byteLength(s);
    if (c < 0 && len + c > 0) return goSubstring(s, len + c, undefined);
    if (c >= 0 && len > c) return goSubstring(s, 0, c);
    return s;
  }));
  add(fn('trim', ['string'], goTrimSpace));
  add(fn('upper', ['string'], goToUpper));
  add(fn('lower', ['string'], goToLower));
  add(fn('title', ['string'], goTitle));
  add(fn('untitle', ['string'], uncapitalize));
  add(fn('substr', ['int', 'int', 'string'], (start: number, end: number, s: string) => {
    if (start < 0) return goSubstring(s, undefined, end);
    if (end < 0 || end > byteLength(s)) return goSubstring(s, start, undefined);
    return goSubstring(s, start, end);
  }));
  const repeat = (count: number, s: string): string => {
    if (count < 0) throw new Error('strings: negative Repeat count');
    if (s.length * count > 1 << 29) throw new Error('strings: Repeat output length overflow');
    return s.repeat(count);
  };
  add(fn('repeat', ['int', 'string'], repeat));
  add(fn('trimAll', ['string', 'string'], (a: string, b: string) => goTrim(b, a)));
  alias('trimall', 'trimAll');
  add(fn('trimSuffix', ['string', 'string'], (a: string, b: string) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)));
  add(fn('trimPrefix', ['string', 'string'], (a: string, b: string) => (a !== '' && b.startsWith(a) ? b.slice(a.length) : b)));
  add(fn('nospace', ['string'], deleteWhiteSpace));
  add(fn('initials', ['string'], initials));
  add(fn('randAlphaNum', ['int'], (n: number) => cryptoRandom(n, 0, 0, true, true, random)));
  add(fn('randAlpha', ['int'], (n: number) => cryptoRandom(n, 0, 0, true, false, random)));
  add(fn('randAscii', ['int'], (n: number) => cryptoRandom(n, 32, 127, false, false, random)));
  add(fn('randNumeric', ['int'], (n: number) => cryptoRandom(n, 0, 0, false, true, random)));
  add(fn('swapcase', ['string'], swapCase));
  add(fn('shuffle', ['string'], (s: string) => shuffle(s, random)));
  add(fn('snakecase', ['string'], (s: string) => camelCaseToLowerCase(s, '_')));
  add(fn('camelcase', ['string'], toPascalCase));
  add(fn('kebabcase', ['string'], (s: string) => camelCaseToLowerCase(s, '-')));
  add(fn('wrap', ['int', 'string'], (l: number, s: string) => wrapCustom(s, l, '', false)));
  add(fn('wrapWith', ['int', 'string', 'string'], (l: number, sep: string, s: string) => wrapCustom(s, l, sep, true)));
  add(fn('contains', ['string', 'string'], (sub: string, s: string) => s.includes(sub)));
  add(fn('hasPrefix', ['string', 'string'], (p: string, s: string) => s.startsWith(p)));
  add(fn('hasSuffix', ['string', 'string'], (p: string, s: string) => s.endsWith(p)));
  add(vfn('quote', [], 'any', (...xs: unknown[]) => xs.filter((x) => x !== null).map((x) => goQuote(strval(x))).join(' ')));
  add(vfn('squote', [], 'any', (...xs: unknown[]) => xs.filter((x) => x !== null).map((x) => `'${formatValue(x)}'`).join(' ')));
  add(vfn('cat', [], 'any', (...xs: unknown[]) => xs.filter((x) => x !== null).map((x) => formatValue(x)).join(' ')));
  const indent = (spaces: number, v: string): string => {
    const pad = repeat(spaces, ' ');
    return pad + v.split('\n').join('\n' + pad);
  };
  add(fn('indent', ['int', 'string'], indent));
  add(fn('nindent', ['int', 'string'], (spaces: number, v: string) => '\n' + indent(spaces, v)));
  add(fn('replace', ['string', 'string', 'string'], (old: string, nw: string, src: string) =>
    old === '' ? goSplit(src, '').reduce((acc, r) => acc + r + nw, nw) : src.split(old).join(nw)));
  add(fn('plural', ['string', 'string', 'int'], (one: string, many: string, count: number) => (count === 1 ? one : many)));
  add(fn('sha1sum', ['string'], crypto.sha1sum));
  add(fn('sha256sum', ['string'], crypto.sha256sum));
  add(fn('sha512sum', ['string'], crypto.sha512sum));
  add(fn('adler32sum', ['string'], crypto.adler32sum));
  add(fn('toString', ['any'], strval));

  // ---- Conversions
  add(fn('atoi', ['string'], atoi));
  add(fn('int64', ['any'], toInt64));
  add(fn('int', ['any'], toInt64));
  add(fn('float64', ['any'], toFloat64));
  add(vfn('seq', [], 'int', (...ps: number[]) => seq(ps)));
  add(fn('toDecimal', ['any'], (v: unknown) => {
    const r = parseInt64(typeof v === 'string' ? v : formatValue(v), 8);
    return r.ok ? r.value : 0n;
  }));
  const splitMap = (parts: string[]): GoMap => {
    const res: GoMap = {};
    parts.forEach((p, i) => {
      res['_' + i] = p;
    });
    return res;
  };
  add(fn('split', ['string', 'string'], (sep: string, orig: string) => splitMap(goSplit(orig, sep))));
  add(fn('splitList', ['string', 'string'], (sep: string, orig: string) => goSplit(orig, sep)));
  add(fn('splitn', ['string', 'int', 'string'], (sep: string, n: number, orig: string) => splitMap(goSplitN(orig, sep, n))));
  add(fn('toStrings', ['any'], strslice));
  add(fn('until', ['int'], until));
  add(fn('untilStep', ['int', 'int', 'int'], untilStep));

  // ---- Math
  add(fn('add1', ['any'], (i: unknown) => wrap64(toInt64(i) + 1n)));
  add(vfn('add', [], 'any', (...xs: unknown[]) => xs.reduce<bigint>((a, b) => wrap64(a + toInt64(b)), 0n)));
  add(fn('sub', ['any', 'any'], (a: unknown, b: unknown) => wrap64(toInt64(a) - toInt64(b))));
  const intDiv = (a: unknown, b: unknown, mod: boolean): bigint => {
    const x = toInt64(a);
    const y = toInt64(b);
    if (y === 0n) throw new Error('runtime error: integer divide by zero');
    return wrap64(mod ? x % y : x / y);
  };
  add(fn('div', ['any', 'any'], (a: unknown, b: unknown) => intDiv(a, b, false)));
  add(fn('mod', ['any', 'any'], (a: unknown, b: unknown) => intDiv(a, b, true)));
  add(vfn('mul', ['any'], 'any', (a: unknown, ...v: unknown[]) => v.reduce<bigint>((acc, b) => wrap64(acc * toInt64(b)), toInt64(a))));
  add(fn('randInt', ['int', 'int'], (min: number, max: number) => {
    if (max - min <= 0) throw new Error('invalid argument to Intn');
    return BigInt(crypto.randomInt(max - min, random) + min);
  }));
  add(fn('add1f', ['any'], (i: unknown) => execDecimalOp(i, [1n], 'add')));
  add(vfn('addf', [], 'any', (...xs: unknown[]) => execDecimalOp(0, xs, 'add')));
  add(vfn('subf', ['any'], 'any', (a: unknown, ...v: unknown[]) => execDecimalOp(a, v, 'sub')));
  add(vfn('divf', ['any'], 'any', (a: unknown, ...v: unknown[]) => execDecimalOp(a, v, 'div')));
  add(vfn('mulf', ['any'], 'any', (a: unknown, ...v: unknown[]) => execDecimalOp(a, v, 'mul')));
  const maxI = (a: unknown, ...xs: unknown[]): bigint => xs.reduce<bigint>((m, b) => { const x = toInt64(b); return x > m ? x : m; }, toInt64(a));
  const minI = (a: unknown, ...xs: unknown[]): bigint => xs.reduce<bigint>((m, b) => { const x = toInt64(b); return x < m ? x : m; }, toInt64(a));
  add(vfn('max', ['any'], 'any', maxI));
  add(vfn('biggest', ['any'], 'any', maxI));
  add(vfn('min', ['any'], 'any', minI));
  const goMax = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a === 0 && b === 0 ? (Object.is(a, -0) ? b : a) : Math.max(a, b));
  const goMin = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a === 0 && b === 0 ? (Object.is(a, -0) ? a : b) : Math.min(a, b));
  add(vfn('maxf', ['any'], 'any', (a: unknown, ...xs: unknown[]) => xs.reduce<number>((m, b) => goMax(m, toFloat64(b)), toFloat64(a))));
  add(vfn('minf', ['any'], 'any', (a: unknown, ...xs: unknown[]) => xs.reduce<number>((m, b) => goMin(m, toFloat64(b)), toFloat64(a))));
  add(fn('ceil', ['any'], (a: unknown) => Math.ceil(toFloat64(a))));
  add(fn('floor', ['any'], (a: unknown) => Math.floor(toFloat64(a))));
  add(vfn('round', ['any', 'int'], 'float64', (a: unknown, p: number, ...r: number[]) => round(a, p, r.length > 0 ? r[0] : 0.5)));

  // ---- String slices
  add(fn('join', ['string', 'any'], (sep: string, v: unknown) => strslice(v).join(sep)));
  add(fn('sortAlpha', ['any'], (list: unknown) => {
    if (Array.isArray(list) || list instanceof Uint8Array) {
      return strslice(list).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    return [list === null || list === undefined ? '<nil>' : strval(list)];
  }));

  // ---- Defaults
  add(vfn('default', ['any'], 'any', (d: unknown, ...given: unknown[]) => (given.length === 0 || empty(given[0]) ? d : given[0])));
  add(fn('empty', ['any'], empty));
  add(vfn('coalesce', [], 'any', (...xs: unknown[]) => xs.find((x) => !empty(x)) ?? null));
  add(vfn('all', [], 'any', (...xs: unknown[]) => xs.every((x) => !empty(x))));
  add(vfn('any', [], 'any', (...xs: unknown[]) => xs.some((x) => !empty(x))));
  add(fn('compact', ['any'], (l: unknown) => compactList(listOrThrow(l, 'Cannot compact on type'))));
  add(fn('mustCompact', ['any'], (l: unknown) => compactList(listOrThrow(l, 'Cannot compact on type'))));
  add(fn('fromJson', ['string'], (s: string) => {
    try {
      return unmarshal(s);
    } catch {
      return null;
    }
  }));
  add(fn('mustFromJson', ['string'], unmarshal));
  add(fn('toJson', ['any'], (v: unknown) => jsonOrEmpty(v, false, true)));
  add(fn('toPrettyJson', ['any'], (v: unknown) => jsonOrEmpty(v, true, true)));
  add(fn('toRawJson', ['any'], (v: unknown) => jsonOrEmpty(v, false, false)));
  add(fn('mustToJson', ['any'], (v: unknown) => jsonOrThrow(v, false, true)));
  add(fn('mustToPrettyJson', ['any'], (v: unknown) => jsonOrThrow(v, true, true)));
  add(fn('mustToRawJson', ['any'], (v: unknown) => jsonOrThrow(v, false, false)));
  add(fn('ternary', ['any', 'any', 'bool'], (vt: unknown, vf: unknown, v: boolean) => (v ? vt : vf)));
  add(fn('deepCopy', ['any'], deepCopy));
  add(fn('mustDeepCopy', ['any'], deepCopy));

  // ---- Reflection
  add(fn('typeOf', ['any'], goTypeName));
  add(fn('typeIs', ['string', 'any'], (target: string, src: unknown) => target === goTypeName(src)));
  add(fn('typeIsLike', ['string', 'any'], (target: string, src: unknown) => {
    const t = goTypeName(src);
    return target === t || '*' + target === t;
  }));
  add(fn('kindOf', ['any'], kindOf));
  add(fn('kindIs', ['string', 'any'], (target: string, src: unknown) => target === kindOf(src)));
  add(fn('deepEqual', ['any', 'any'], deepEqual));

  // ---- Network
  add(fn('getHostByName', ['string'], (name: string) => {
    if (!opts.lookupHost) return '';
    const addrs = opts.lookupHost(name);
    if (addrs.length === 0) throw new Error('invalid argument to Intn');
    return addrs[crypto.randomInt(addrs.length, random)]!;
  }));

  // ---- Paths (filepath on Linux is the same)
  for (const [name, impl] of [['base', gopath.base], ['dir', gopath.dir], ['clean', gopath.clean], ['ext', gopath.ext]] as const) {
    add(fn(name, ['string'], impl));
    add(fn('os' + name[0]!.toUpperCase() + name.slice(1), ['string'], impl));
  }
  add(fn('isAbs', ['string'], gopath.isAbs));
  add(fn('osIsAbs', ['string'], gopath.isAbs));

  // ---- Encoding
  add(fn('b64enc', ['string'], (v: string) => base64Encode(utf8Encode(v))));
  add(fn('b64dec', ['string'], (v: string) => {
    try {
      return utf8Decode(base64Decode(v));
    } catch (e) {
      return (e as Error).message;
    }
  }));
  add(fn('b32enc', ['string'], (v: string) => base32Encode(utf8Encode(v))));
  add(fn('b32dec', ['string'], (v: string) => {
    try {
      return utf8Decode(base32Decode(v));
    } catch (e) {
      return (e as Error).message;
    }
  }));

  // ---- Lists and dicts
  add(vfn('list', [], 'any', (...xs: unknown[]) => xs));
  alias('tuple', 'list');
  add(vfn('dict', [], 'any', (...v: unknown[]) => {
    const d: GoMap = {};
    for (let i = 0; i < v.length; i += 2) {
      const key = strval(v[i]);
      setKey(d, key, i + 1 < v.length ? v[i + 1] : '');
    }
    return d;
  }));
  const has = (d: GoMap | null, key: string): boolean => d !== null && Object.prototype.hasOwnProperty.call(d, key);
  add(fn('get', ['map', 'string'], (d: GoMap | null, key: string) => (has(d, key) ? d![key] : '')));
  add(fn('set', ['map', 'string', 'any'], (d: GoMap | null, key: string, value: unknown) => {
    if (d === null) throw new Error('assignment to entry in nil map');
    setKey(d, key, value);
    return d;
  }));
  add(fn('unset', ['map', 'string'], (d: GoMap | null, key: string) => {
    if (d !== null) delete d[key];
    return d;
  }));
  add(fn('hasKey', ['map', 'string'], has));
  add(vfn('pluck', ['string'], 'map', (key: string, ...ds: (GoMap | null)[]) => ds.filter((d) => has(d, key)).map((d) => d![key])));
  add(vfn('keys', [], 'map', (...ds: (GoMap | null)[]) => ds.flatMap((d) => (d === null ? [] : Object.keys(d).sort()))));
  add(vfn('pick', ['map'], 'string', (d: GoMap | null, ...ks: string[]) => {
    const res: GoMap = {};
    for (const k of ks) if (has(d, k)) setKey(res, k, d![k]);
    return res;
  }));
  add(vfn('omit', ['map'], 'string', (d: GoMap | null, ...ks: string[]) => {
    const res: GoMap = {};
    const drop = new Set(ks);
    if (d !== null) for (const k of Object.keys(d)) if (!drop.has(k)) setKey(res, k, d[k]);
    return res;
  }));
  add(vfn('merge', ['map'], 'map', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeMaps(dst, srcs, false)));
  add(vfn('mustMerge', ['map'], 'map', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeMaps(dst, srcs, false)));
  add(vfn('mergeOverwrite', ['map'], 'map', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeMaps(dst, srcs, true)));
  add(vfn('mustMergeOverwrite', ['map'], 'map', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeMaps(dst, srcs, true)));
  add(fn('values', ['map'], sortedValues));

  const listOp = (name: string, what: string, body: (l: unknown[], ...rest: never[]) => unknown, params: ('any' | 'int')[] = ['any']): void => {
    add(fn(name, params, (...args: unknown[]) => {
      const lIdx = params.indexOf('any');
      const l = listOrThrow(args[lIdx], what);
      const rest = args.filter((_, i) => i !== lIdx);
      return (body as (l: unknown[], ...r: unknown[]) => unknown)(l, ...rest);
    }));
  };
  for (const [name, must] of [['append', 'mustAppend'], ['push', 'mustPush']] as const) {
    for (const n of [name, must]) {
      add(fn(n, ['any', 'any'], (list: unknown, v: unknown) => [...listOrThrow(list, 'Cannot push on type'), v]));
    }
  }
  for (const n of ['prepend', 'mustPrepend']) {
    add(fn(n, ['any', 'any'], (list: unknown, v: unknown) => [v, ...listOrThrow(list, 'Cannot prepend on type')]));
  }
  for (const n of ['first', 'mustFirst']) listOp(n, 'Cannot find first on type', (l) => (l.length === 0 ? null : l[0]));
  for (const n of ['last', 'mustLast']) listOp(n, 'Cannot find last on type', (l) => (l.length === 0 ? null : l[l.length - 1]));
  for (const n of ['rest', 'mustRest']) listOp(n, 'Cannot find rest on type', (l) => (l.length === 0 ? [] : l.slice(1)));
  for (const n of ['initial', 'mustInitial']) listOp(n, 'Cannot find initial on type', (l) => (l.length === 0 ? [] : l.slice(0, -1)));
  for (const n of ['reverse', 'mustReverse']) listOp(n, 'Cannot find reverse on type', (l) => [...l].reverse());
  for (const n of ['uniq', 'mustUniq']) listOp(n, 'Cannot find uniq on type', uniqList);
  for (const n of ['without', 'mustWithout']) {
    add(vfn(n, ['any'], 'any', (list: unknown, ...omit: unknown[]) =>
      {
        const drop = new DeepSet(omit);
        return listOrThrow(list, 'Cannot find without on type').filter((x) => !drop.has(x));
      }));
  }
  for (const n of ['has', 'mustHas']) {
    add(fn(n, ['any', 'any'], (needle: unknown, haystack: unknown) => {
      if (haystack === null) return false;
      return listOrThrow(haystack, 'Cannot find has on type').some((x) => deepEqual(needle, x));
    }));
  }
  for (const n of ['slice', 'mustSlice']) {
    add(vfn(n, ['any'], 'any', (list: unknown, ...indices: unknown[]) => {
      if (list === null) nilListPanic();
      const l = sliceElems(list);
      if (l === undefined) throw new Error(`list should be type of slice or array but ${goKindName(list)}`);
      if (l.length === 0) return null;
      const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
      const end = indices.length < 2 ? l.length : Number(toInt64(indices[1]));
      const out = sliceList(l, start, end);
      return list instanceof Uint8Array ? Uint8Array.from(out as bigint[], (b) => Number(b)) : out;
    }));
  }
  add(vfn('concat', [], 'any', (...lists: unknown[]) => {
    const res: unknown[] = [];
    for (const list of lists) {
      if (list === null) nilListPanic();
      const l = sliceElems(list);
      if (l === undefined) throw new Error(`Cannot concat type ${goKindName(list)} as list`);
      res.push(...l);
    }
    return res;
  }));
  add(vfn('dig', [], 'any', (...ps: unknown[]) => {
    if (ps.length < 3) throw new Error('dig needs at least three arguments');
    const dict = ps[ps.length - 1];
    if (!isMap(dict)) throw new Error(`interface conversion: interface {} is ${goTypeName(dict)}, not map[string]interface {}`);
    const ks = ps.slice(0, -2).map((k) => {
      if (typeof k !== 'string') throw new Error(`interface conversion: interface {} is ${goTypeName(k)}, not string`);
      return k;
    });
    return digFromDict(dict, ps[ps.length - 2], ks);
  }));
  for (const n of ['chunk', 'mustChunk']) {
    add(fn(n, ['int', 'any'], (size: number, list: unknown) => chunkList(size, listOrThrow(list, 'Cannot chunk type'))));
  }

  // ---- Crypto
  add(fn('bcrypt', ['string'], (s: string) => crypto.bcrypt(s, random)));
  add(fn('htpasswd', ['string', 'string'], (u: string, p: string) => crypto.htpasswd(u, p, random)));
  add(fn('genPrivateKey', ['string'], crypto.generatePrivateKey));
  add(fn('derivePassword', ['uint32', 'string', 'string', 'string', 'string'], crypto.derivePassword));
  add(fn('buildCustomCert', ['string', 'string'], crypto.buildCustomCert));
  add(fn('genCA', ['string', 'int'], (cn: string, days: number) => crypto.genCA(cn, days, certOpts)));
  add(fn('genCAWithKey', ['string', 'int', 'string'], (cn: string, days: number, key: string) => crypto.genCAWithKey(cn, days, key, certOpts)));
  add(fn('genSelfSignedCert', ['string', 'list', 'list', 'int'], (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number) =>
    crypto.genSelfSignedCert(cn, ips, dns, days, certOpts)));
  add(fn('genSelfSignedCertWithKey', ['string', 'list', 'list', 'int', 'string'],
    (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, key: string) =>
      crypto.genSelfSignedCertWithKey(cn, ips, dns, days, key, certOpts)));
  add(fn('genSignedCert', ['string', 'list', 'list', 'int', 'cert'],
    (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, ca: Certificate) =>
      crypto.genSignedCert(cn, ips, dns, days, ca, certOpts)));
  add(fn('genSignedCertWithKey', ['string', 'list', 'list', 'int', 'cert', 'string'],
    (cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, ca: Certificate, key: string) =>
      crypto.genSignedCertWithKey(cn, ips, dns, days, ca, key, certOpts)));
  add(fn('encryptAES', ['string', 'string'], (pw: string, text: string) => crypto.encryptAES(pw, text, random)));
  add(fn('decryptAES', ['string', 'string'], crypto.decryptAES));
  add(fn('randBytes', ['int'], (n: number) => crypto.randBytes(n, random)));
  add(fn('uuidv4', [], () => crypto.uuidv4(random)));

  // ---- SemVer
  add(fn('semver', ['string'], (v: string) => SemverVersion.parse(v)));
  add(fn('semverCompare', ['string', 'string'], (c: string, v: string) => SemverConstraints.parse(c).check(SemverVersion.parse(v))));

  // ---- Flow control
  add(fn('fail', ['string'], (msg: string) => {
    throw new Error(msg);
  }));

  // ---- Regular expressions
  add(fn('regexMatch', ['string', 'string'], (re: string, s: string) => {
    try {
      return compileRegexp(re).matchString(s);
    } catch {
      return false;
    }
  }));
  add(fn('mustRegexMatch', ['string', 'string'], (re: string, s: string) => compileRegexp(re).matchString(s)));
  add(fn('regexFindAll', ['string', 'string', 'int'], (re: string, s: string, n: number) => mustCompile(re).findAllString(s, n)));
  add(fn('mustRegexFindAll', ['string', 'string', 'int'], (re: string, s: string, n: number) => compileRegexp(re).findAllString(s, n)));
  add(fn('regexFind', ['string', 'string'], (re: string, s: string) => mustCompile(re).findString(s)));
  add(fn('mustRegexFind', ['string', 'string'], (re: string, s: string) => compileRegexp(re).findString(s)));
  add(fn('regexReplaceAll', ['string', 'string', 'string'], (re: string, s: string, r: string) => mustCompile(re).replaceAllString(s, r)));
  add(fn('mustRegexReplaceAll', ['string', 'string', 'string'], (re: string, s: string, r: string) => compileRegexp(re).replaceAllString(s, r)));
  add(fn('regexReplaceAllLiteral', ['string', 'string', 'string'], (re: string, s: string, r: string) =>
    mustCompile(re).replaceAllLiteralString(s, r)));
  add(fn('mustRegexReplaceAllLiteral', ['string', 'string', 'string'], (re: string, s: string, r: string) =>
    compileRegexp(re).replaceAllLiteralString(s, r)));
  add(fn('regexSplit', ['string', 'string', 'int'], (re: string, s: string, n: number) => mustCompile(re).split(s, n)));
  add(fn('mustRegexSplit', ['string', 'string', 'int'], (re: string, s: string, n: number) => compileRegexp(re).split(s, n)));
  add(fn('regexQuoteMeta', ['string'], quoteMeta));

  // ---- URLs
  add(fn('urlParse', ['string'], (v: string) => {
    let u: GoURL;
    try {
      u = parseURL(v);
    } catch (e) {
      throw new Error(`unable to parse url: ${(e as Error).message}`);
    }
    return {
      scheme: u.scheme,
      host: u.host,
      hostname: hostname(u),
      path: u.path,
      query: u.rawQuery,
      opaque: u.opaque,
      fragment: u.fragment,
      userinfo: u.user ? userinfoString(u.user) : '',
    };
  }));
  add(fn('urlJoin', ['map'], (d: GoMap | null) => {
    const u = newEmptyURL();
    u.scheme = dictGetOrEmpty(d, 'scheme');
    u.host = dictGetOrEmpty(d, 'host');
    u.path = dictGetOrEmpty(d, 'path');
    u.rawQuery = dictGetOrEmpty(d, 'query');
    u.opaque = dictGetOrEmpty(d, 'opaque');
    u.fragment = dictGetOrEmpty(d, 'fragment');
    const userinfo = dictGetOrEmpty(d, 'userinfo');
    if (userinfo !== '') {
      try {
        u.user = parseURL(`proto://${userinfo}@host`).user;
      } catch (e) {
        throw new Error(`unable to parse userinfo in dict: ${(e as Error).message}`);
      }
    }
    return urlString(u);
  }));

  return f;
}
