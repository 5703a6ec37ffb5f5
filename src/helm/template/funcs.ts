// Template functions: the FuncMap type, the execution context functions receive as `this`, and Go
// parameter signatures (goFunc) that give a function Go's arity and argument-type checks.

import type { TemplateSet } from './set.js';

/**
 * What a template function receives as `this`: the state of the execution that called it.
 * Arrow functions simply ignore it; Helm's include/tpl-style functions use it.
 */
export interface ExecContext {
  /** Name of the template being executed when the function was called (Go's state.tmpl.Name()). */
  readonly templateName: string;
  /** The template set the execution runs in (clone it to parse templates for tpl-like functions). */
  readonly set: TemplateSet;
  /** Nesting depth: {{template}} invocations plus nested executions. */
  readonly depth: number;
  /**
   * Executes the named template of the same set with the same functions and options and returns
   * its output (what Helm's `include` does). Errors are thrown as ExecError.
   */
  execute(name: string, data: unknown): string;
  /**
   * Executes template `name` of another set (typically a clone of `set` into which a template
   * text was parsed, as Helm's `tpl` does) with this execution's functions and options. Inside
   * that execution, `set` is the other set.
   */
  executeIn(set: TemplateSet, name: string, data: unknown): string;
}

/**
 * A template function. Arguments arrive in the Go value model (values.ts): int = bigint,
 * float64 = number, nil = null, ... To fail, throw: the template error becomes
 * `error calling NAME: <message>` with the thrown error as `cause`.
 * Without a declared signature (see goFunc) a function is `func(...interface{}) interface{}`.
 */
export type TemplateFunc = (this: ExecContext, ...args: never[]) => unknown;

export type FuncMap = Record<string, TemplateFunc>;

/**
 * Go parameter types a function may declare. Values are checked like Go's template engine does
 * when calling a function through reflection:
 * - 'interface {}' (alias 'any'): any value, nil arrives as null;
 * - 'string' | 'bool' | 'float64' | 'int' | 'int64': exact kinds (int = bigint), literal arguments
 *   are converted as Go does (1 is a valid float64 literal, 1.5 is not a valid int);
 * - '[]interface {}' (Array or nil), 'map[string]interface {}' (plain object or nil);
 * - 'reflect.Value': the raw value, undefined for an invalid (missing) value, null for a nil one.
 * A last entry starting with '...' is variadic: ['string', '...interface {}'].
 */
export type GoParamType =
  | 'interface {}' | 'any' | 'string' | 'bool' | 'float64' | 'int' | 'int64' | '[]interface {}'
  | 'map[string]interface {}' | 'reflect.Value';

type Variadic<T extends string> = `...${T}`;

type ArgType<T> =
  T extends 'string' ? string :
  T extends 'bool' ? boolean :
  T extends 'float64' ? number :
  T extends 'int' | 'int64' ? bigint :
  T extends '[]interface {}' ? unknown[] | null :
  T extends 'map[string]interface {}' ? Record<string, unknown> | null :
  unknown;

type FixedArgs<P extends readonly unknown[]> = { -readonly [K in keyof P]: ArgType<P[K]> };

/** The TypeScript parameter list of a Go signature. */
export type ArgsOf<P extends readonly string[]> =
  P extends readonly [...infer Init extends string[], Variadic<infer E>]
    ? [...FixedArgs<Init>, ...ArgType<E>[]]
    : FixedArgs<P>;

export type GoSignatureSpec = readonly (GoParamType | Variadic<GoParamType>)[];

/** Internal parameter kinds. */
export type ParamKind = 'any' | 'string' | 'bool' | 'float64' | 'int' | 'slice' | 'map' | 'value';

export interface Param {
  kind: ParamKind;
  /** Go type name for error messages. */
  goName: string;
}

export interface Signature {
  params: Param[];
  variadic: Param | null;
}

const paramTable: Record<GoParamType, Param> = {
  'interface {}': { kind: 'any', goName: 'interface {}' },
  any: { kind: 'any', goName: 'interface {}' },
  string: { kind: 'string', goName: 'string' },
  bool: { kind: 'bool', goName: 'bool' },
  float64: { kind: 'float64', goName: 'float64' },
  int: { kind: 'int', goName: 'int' },
  int64: { kind: 'int', goName: 'int64' },
  '[]interface {}': { kind: 'slice', goName: '[]interface {}' },
  'map[string]interface {}': { kind: 'map', goName: 'map[string]interface {}' },
  'reflect.Value': { kind: 'value', goName: 'reflect.Value' },
};

export const anyParam: Param = paramTable['interface {}'];
export const valueParam: Param = paramTable['reflect.Value'];
export const stringParam: Param = paramTable.string;

/** Signature of a function without a declaration: func(...interface{}). */
export const defaultSignature: Signature = { params: [], variadic: anyParam };

const signatures = new WeakMap<object, Signature>();

export function compileSignature(spec: GoSignatureSpec): Signature {
  const params: Param[] = [];
  let variadic: Param | null = null;
  spec.forEach((s, i) => {
    const isVariadic = s.startsWith('...');
    const name = (isVariadic ? s.slice(3) : s) as GoParamType;
    const p = paramTable[name];
    if (!p) throw new Error(`unsupported Go parameter type ${JSON.stringify(s)}`);
    if (isVariadic) {
      if (i !== spec.length - 1) throw new Error('only the last parameter may be variadic');
      variadic = p;
    } else {
      params.push(p);
    }
  });
  return { params, variadic };
}

/**
 * Declares the Go parameter types of a template function (or of a method of a struct-like object)
 * so the engine reports Go's errors: `wrong number of args for NAME: want 2 got 1`,
 * `wrong type for value; expected string; got int`, `expected integer; found "x"`, ...
 * Returns the function itself, typed for convenience:
 *   goFunc(['int', 'string'], (n, s) => s.repeat(Number(n)))
 */
export function goFunc<const P extends GoSignatureSpec, F extends (this: ExecContext, ...args: ArgsOf<P>) => unknown>(
  params: P,
  fn: F,
): F {
  signatures.set(fn, compileSignature(params));
  return fn;
}

/** The declared signature of a function, or func(...interface{}). */
export function signatureOf(fn: object): Signature {
  return signatures.get(fn) ?? defaultSignature;
}

/** Registers a signature for a function object (used by builtins). */
export function setSignature(fn: object, sig: Signature): void {
  signatures.set(fn, sig);
}

/** Go's check on FuncMap names: a letter or underscore, then letters, digits and underscores. */
export function goodName(name: string): boolean {
  if (name === '') return false;
  let first = true;
  for (const ch of name) {
    const ok = ch === '_' || /^\p{L}$/u.test(ch) || (!first && /^\p{Nd}$/u.test(ch));
    if (!ok) return false;
    first = false;
  }
  return true;
}
