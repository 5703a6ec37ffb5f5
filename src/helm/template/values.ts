// How Go values are represented in the template engine (shared by the engine, Sprig and Helm's
// functions). This mapping is the contract between them:
//   int / int64          -> bigint          (template integer literals, --set integers, len, add ...)
//   float64              -> number          (every number read from YAML/JSON values files, 1.5 literals)
//   string               -> string
//   bool                 -> boolean
//   nil                  -> null (undefined is treated as nil/"missing" too)
//   []interface{}        -> Array
//   map[string]interface{} -> plain object (Object.prototype or null prototype); keys iterate sorted
//   []byte               -> Uint8Array
//   func                 -> Function
//   time.Time            -> GoTime (see below)
// Other Go types a function may return are modelled by small classes that carry their Go type name.

import { compareStrings } from './strconv.js';

export type GoValue = unknown;

/**
 * Marks a class whose instances are Go named map types with methods (Helm's `.Files` is a
 * map[string][]byte with Get/Glob/...): `range` walks their own enumerable keys in sorted order.
 */
export const GO_NAMED_MAP = Symbol.for('timonel.goNamedMap');

export function isNamedMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[GO_NAMED_MAP] === true;
}

export class GoTime {
  constructor(readonly date: Date, readonly location: string = 'Local') {}
}

export function isInt(v: unknown): v is bigint {
  return typeof v === 'bigint';
}

export function isFloat(v: unknown): v is number {
  return typeof v === 'number';
}

export function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || v instanceof GoTime) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** Go's template truthiness: false, 0, nil, empty string/slice/map are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'boolean': return v;
    case 'bigint': return v !== 0n;
    case 'number': return v !== 0;
    case 'string': return v.length > 0;
    case 'function': return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** The Go type name of a value as `printf "%T"` and Sprig's typeOf report it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int64';
    case 'number': return 'float64';
    case 'string': return 'string';
    case 'function': return 'func';
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  if (v instanceof GoTime) return 'time.Time';
  if (isMap(v)) return 'map[string]interface {}';
  const named = (v as { goType?: string }).goType;
  return named ?? 'interface {}';
}

/** The Go reflect.Kind name of a value as Sprig's kindOf reports it. */
export function goKindName(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int64';
    case 'number': return 'float64';
    case 'string': return 'string';
    case 'function': return 'func';
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (isMap(v)) return 'map';
  return 'struct';
}

/** Go's string order (byte-wise UTF-8, i.e. code point order): how Go sorts map keys and strings. */
export { compareStrings };

/** The keys of a map in Go's iteration order for templates and fmt (sorted). */
export function sortedKeys(m: Record<string, unknown>): string[] {
  return Object.keys(m).sort(compareStrings);
}
