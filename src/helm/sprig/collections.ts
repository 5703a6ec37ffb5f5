// Lists and dicts: Sprig's list functions (reflection-based, accepting any slice), mergo's
// Merge/MergeWithOverwrite for maps of interface{} values, copystructure's deep copy, and
// reflect.DeepEqual over the template value model.

import { GoTime, goKindName, isMap } from '../template/values.js';
import { empty } from './conv.js';

type GoMap = Record<string, unknown>;

/** Sets a map entry as plain data (a key like "__proto__" must not touch the prototype). */
export function setKey(m: GoMap, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

/** The reflect.Kind name as Sprig's list errors print it. */
export function kindName(v: unknown): string {
  return goKindName(v);
}

/** reflect.TypeOf(nil).Kind() in Sprig's list functions dereferences a nil Type. */
export function nilListPanic(): never {
  throw new Error('runtime error: invalid memory address or nil pointer dereference');
}

/** The elements of a Go slice/array value, or undefined when v is not one. */
export function sliceElems(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => BigInt(b));
  return undefined;
}

/** reflect.DeepEqual. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return a === b; // NaN != NaN, as in Go
  if (typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array) {
    return b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof GoTime) {
    return b instanceof GoTime && a.date.getTime() === b.date.getTime() && a.location === b.location;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  const ka = Object.keys(oa);
  if (ka.length !== Object.keys(ob).length) return false;
  return ka.every((k) => deepEqual(oa[k], ob[k]));
}

/** copystructure.Copy for template values. */
export function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (isMap(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) setKey(out, k, deepCopy(v[k]));
    return out;
  }
  return v === undefined ? null : v;
}

/** mergo's isEmptyValue (dereferencing interfaces). */
function isEmptyValue(v: unknown): boolean {
  return empty(v);
}

/**
 * mergo.Merge / mergo.MergeWithOverwrite of map[string]interface{} values (mergo v1 semantics):
 * - keys missing in dst are copied from src (by reference);
 * - nested maps present on both sides are merged recursively (dst's map is modified in place);
 * - without overwrite, a dst value that is empty (nil, "", 0, false, empty list/map) is replaced,
 *   any other dst value wins; nil src values are skipped;
 * - with overwrite, src values replace dst values, including empty ones and nil.
 */
export function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const sv = src[key];
    const has = Object.prototype.hasOwnProperty.call(dst, key);
    const dv = has ? dst[key] : undefined;
    if (sv === null || sv === undefined) {
      if (overwrite) setKey(dst, key, null);
      continue;
    }
    if (isMap(sv) || (typeof sv === 'object' && !Array.isArray(sv) && !(sv instanceof Uint8Array))) {
      if (isMap(sv) && has && isMap(dv)) mergeInto(dv, sv, overwrite);
    } else if (Array.isArray(sv) || sv instanceof Uint8Array) {
      // mergo sets the slice only when overwriting or when the destination map is empty;
      // the final assignment below covers missing/empty destination values.
      if (overwrite) setKey(dst, key, sv);
    }
    if (has && !isEmptyValue(dv)) {
      if (Array.isArray(sv) || sv instanceof Uint8Array) continue;
      if (isMap(sv) && isMap(dv)) continue;
    }
    if (overwrite || !has || isEmptyValue(dv)) setKey(dst, key, sv);
  }
}

/** Sprig's list functions that reject non-lists use these messages. */
export function listOrThrow(v: unknown, what: string): unknown[] {
  if (v === null || v === undefined) nilListPanic();
  const e = sliceElems(v);
  if (e === undefined) throw new Error(`${what} ${kindName(v)}`);
  return e;
}

export function compactList(list: unknown[]): unknown[] {
  return list.filter((x) => !empty(x));
}

/** A hashable identity for scalar values (DeepEqual on scalars is ===; NaN equals nothing). */
function scalarKey(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'string': return 's' + v;
    case 'bigint': return 'i' + v.toString();
    case 'number': return Number.isNaN(v) ? undefined : 'f' + (Object.is(v, -0) ? '0' : String(v));
    case 'boolean': return v ? 'T' : 'F';
  }
  return undefined;
}

/** A set of values under reflect.DeepEqual, hashing scalars so large lists stay linear. */
export class DeepSet {
  private readonly keys = new Set<string>();
  private readonly others: unknown[] = [];

  constructor(items: Iterable<unknown> = []) {
    for (const x of items) this.add(x);
  }

  has(v: unknown): boolean {
    const k = scalarKey(v);
    if (k !== undefined) return this.keys.has(k);
    if (typeof v === 'number') return false; // NaN
    return this.others.some((o) => deepEqual(v, o));
  }

  add(v: unknown): void {
    const k = scalarKey(v);
    if (k !== undefined) this.keys.add(k);
    else if (typeof v !== 'number') this.others.push(v);
  }
}

export function uniqList(list: unknown[]): unknown[] {
  const seen = new DeepSet();
  const out: unknown[] = [];
  for (const item of list) {
    if (seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/** mustChunk. */
export function chunkList(size: number, list: unknown[]): unknown[][] {
  const l = list.length;
  if (size === 0) {
    // Go divides by zero in float64 (Inf) and then allocates: a panic.
    throw new Error('runtime error: makeslice: len out of range');
  }
  const cs = Math.floor((l - 1) / size) + 1;
  if (cs < 0) throw new Error('runtime error: makeslice: len out of range');
  const out: unknown[][] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l % size);
      if (clen === 0) clen = size;
    }
    const c: unknown[] = [];
    for (let j = 0; j < clen; j++) {
      const ix = i * size + j;
      if (ix >= l || ix < 0) throw new Error(`runtime error: index out of range [${ix}] with length ${l}`);
      c.push(list[ix]);
    }
    out.push(c);
  }
  return out;
}

/** reflect.Value.Slice(start, end) bounds checks. */
export function sliceList(list: unknown[], start: number, end: number): unknown[] {
  if (start < 0 || end > list.length || start > end) throw new Error('reflect.Value.Slice: slice index out of range');
  return list.slice(start, end);
}
