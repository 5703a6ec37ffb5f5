// Small helpers over parsed JSON values shared by the three patch implementations,
// including Go-style renderings used in error messages (they mirror what the API
// server prints, e.g. "map[name:a]" for an object).

export type JsonMap = Record<string, unknown>;

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function hasOwn(obj: object, key: string): boolean {
  return hasOwnProperty.call(obj, key);
}

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property read: never falls through to the prototype ("__proto__", "constructor"). */
export function getOwn(obj: JsonMap, key: string): unknown {
  return hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Own property write that is safe for every key, "__proto__" included. */
export function setOwn(obj: JsonMap, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Deep copy of a JSON value (undefined members are dropped, like JSON). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map((e) => (e === undefined ? null : cloneJson(e))) as T;
  if (isMap(v)) {
    const out: JsonMap = {};
    for (const k of Object.keys(v)) {
      const e = v[k];
      if (e !== undefined) setOwn(out, k, cloneJson(e));
    }
    return out as T;
  }
  return v;
}

export { jsonKind } from '../object.js';

/** Go's reflect type name of a decoded JSON value (as in "expected a X, but received a Y"). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean': return 'bool';
    default: return 'map[string]interface {}';
  }
}

/** Go's %v rendering of a decoded JSON value: map[a:1 b:[x y]], <nil>, ... */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  }
  return String(v);
}
