// Go function signatures for template functions. Go's text/template checks the argument count
// and converts every argument to the parameter's Go type before calling a function; values that
// do not fit are rejected with "wrong type for value; expected T; got U" (reported at the
// argument, not as "error calling NAME"). Each Sprig function declares its parameter types here
// so the same checks happen, and the body receives already-converted JS values.

import { GoTime, goTypeName, isMap } from '../template/values.js';

export type GoFunc = (...args: unknown[]) => unknown;

/** A template function together with the Go signature it was declared with. */
export interface SignedFunc extends GoFunc {
  goSignature?: GoSignature;
}

export type ParamType =
  | 'any' // interface{}
  | 'string'
  | 'int' // int (bigint in the value model; delivered to the body as a JS number)
  | 'int64' // int64 (delivered as bigint)
  | 'uint32' // delivered as a JS number
  | 'float64'
  | 'bool'
  | 'map' // map[string]interface{} (nil allowed)
  | 'list' // []interface{} (nil allowed)
  | 'time' // time.Time
  | 'cert'; // sprig.certificate

export interface GoSignature {
  params: readonly ParamType[];
  variadic?: ParamType;
}

/**
 * An argument Go's template engine rejects before the call (wrong count or type). The engine
 * reports the message as is, without the "error calling NAME:" prefix used for errors a
 * function returns.
 */
export class GoArgError extends Error {
  readonly goArgError = true;
  constructor(message: string) {
    super(message);
    this.name = 'GoArgError';
  }
}

/** sprig's certificate struct ({{ $ca.Cert }}, {{ $ca.Key }}). */
export class Certificate {
  readonly goType = 'sprig.certificate';
  constructor(readonly Cert: string, readonly Key: string) {}
}

const goTypeOfParam: Record<ParamType, string> = {
  any: 'interface {}',
  string: 'string',
  int: 'int',
  int64: 'int64',
  uint32: 'uint32',
  float64: 'float64',
  bool: 'bool',
  map: 'map[string]interface {}',
  list: '[]interface {}',
  time: 'time.Time',
  cert: 'sprig.certificate',
};

function wrongType(t: ParamType, v: unknown): never {
  if (v === null || v === undefined) throw new GoArgError(`invalid value; expected ${goTypeOfParam[t]}`);
  throw new GoArgError(`wrong type for value; expected ${goTypeOfParam[t]}; got ${goTypeName(v)}`);
}

/** Converts one argument to its parameter type, as text/template's validateType does. */
export function convertArg(t: ParamType, v: unknown): unknown {
  switch (t) {
    case 'any':
      return v === undefined ? null : v;
    case 'string':
      if (typeof v === 'string') return v;
      return wrongType(t, v);
    case 'int':
    case 'uint32':
      if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
      return wrongType(t, v);
    case 'int64':
      if (typeof v === 'bigint') return v;
      return wrongType(t, v);
    case 'float64':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v); // an untyped constant converts
      return wrongType(t, v);
    case 'bool':
      if (typeof v === 'boolean') return v;
      return wrongType(t, v);
    case 'map':
      if (v === null || v === undefined) return null;
      if (isMap(v)) return v;
      return wrongType(t, v);
    case 'list':
      if (v === null || v === undefined) return null;
      if (Array.isArray(v)) return v;
      return wrongType(t, v);
    case 'time':
      if (v instanceof GoTime) return v;
      return wrongType(t, v);
    case 'cert':
      if (v instanceof Certificate) return v;
      if (isMap(v) && typeof v.Cert === 'string' && typeof v.Key === 'string') return new Certificate(v.Cert, v.Key);
      return wrongType(t, v);
  }
}

/** Declares a template function with a Go signature; the body gets converted arguments. */
export function def(name: string, sig: GoSignature, body: (...args: never[]) => unknown): SignedFunc {
  const n = sig.params.length;
  const f = ((...args: unknown[]) => {
    if (sig.variadic === undefined ? args.length !== n : args.length < n) {
      throw new GoArgError(
        `wrong number of args for ${name}: want ${sig.variadic === undefined ? '' : 'at least '}${n} got ${args.length}`,
      );
    }
    const conv = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) {
      conv[i] = convertArg(i < n ? sig.params[i]! : sig.variadic!, args[i]);
    }
    return (body as (...a: unknown[]) => unknown)(...conv);
  }) as SignedFunc;
  f.goSignature = sig;
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

/** Shorthand: fixed parameters only. */
export function fn(name: string, params: readonly ParamType[], body: (...args: never[]) => unknown): SignedFunc {
  return def(name, { params }, body);
}

/** Shorthand: fixed parameters followed by a variadic one. */
export function vfn(
  name: string,
  params: readonly ParamType[],
  variadic: ParamType,
  body: (...args: never[]) => unknown,
): SignedFunc {
  return def(name, { params, variadic }, body);
}

/** A Go runtime panic inside a function (reported as "error calling NAME: MSG"). */
export function goPanic(msg: string): never {
  throw new Error(msg);
}

const engineParamOf: Record<ParamType, string> = {
  any: 'interface {}',
  string: 'string',
  int: 'int',
  int64: 'int64',
  uint32: 'int',
  float64: 'float64',
  bool: 'bool',
  map: 'map[string]interface {}',
  list: '[]interface {}',
  time: 'interface {}', // checked by the function itself
  cert: 'interface {}', // checked by the function itself
};

/**
 * The signature in the template engine's GoSignatureSpec notation (e.g. ['int', '...interface {}']),
 * for registering Sprig functions with the engine's goFunc so it performs Go's argument checks
 * (literal conversions, "expected integer; found ..." errors) itself.
 */
export function engineSpec(f: SignedFunc): string[] {
  const sig = f.goSignature;
  if (!sig) return ['...interface {}'];
  const spec = sig.params.map((p) => engineParamOf[p]);
  if (sig.variadic !== undefined) spec.push('...' + engineParamOf[sig.variadic]);
  return spec;
}
