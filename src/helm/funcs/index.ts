// Helm's template functions (pkg/engine/funcs.go + engine.go): Sprig as Helm registers it, then
// include, tpl, required, fail, lookup and the YAML/JSON/TOML conversions, plus the objects
// (.Chart, .Files, .Capabilities) in ./objects.ts.

import { engineSpec, sprigFuncs } from '../sprig/index.js';
import { marshal, unmarshal } from '../sprig/json.js';
import { goFunc, quote, type ExecContext, type FuncMap, type TemplateFunc } from '../template/index.js';
import { isMap } from '../template/values.js';
import { marshalYaml, toYaml, yamlToValue } from '../values/yaml.js';
import { toToml } from './toml.js';

export * from './objects.js';
export { toToml } from './toml.js';

export const WARN_START = 'HELM_ERR_START';
export const WARN_END = 'HELM_ERR_END';
export const RECURSION_MAX = 1000;

export function warnWrap(msg: string): string {
  return WARN_START + msg + WARN_END;
}

export type LookupFunc = (apiVersion: string, kind: string, namespace: string, name: string) => unknown;

export interface HelmFuncOptions {
  /** In lint mode a missing `required` value is not an error. */
  lintMode?: boolean;
  /** Live lookups (install/upgrade); without it lookup returns an empty map. */
  lookup?: LookupFunc;
  now?: () => Date;
  random?: (n: number) => Uint8Array;
  lookupHost?: (name: string) => string[];
  /** Called with messages Helm logs (e.g. missing required values in lint mode). */
  log?: (msg: string) => void;
}

function goErrorOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function fromYaml(s: string): Record<string, unknown> {
  try {
    const v = yamlToValue(s);
    if (v === null || v === undefined) return {};
    if (!isMap(v)) {
      return { Error: `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string'} into Go value of type map[string]interface {}` };
    }
    return v;
  } catch (e) {
    return { Error: goErrorOf(e) };
  }
}

function fromYamlArray(s: string): unknown[] {
  try {
    const v = yamlToValue(s);
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) {
      return [`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${isMap(v) ? 'object' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string'} into Go value of type []interface {}`];
    }
    return v;
  } catch (e) {
    return [goErrorOf(e)];
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

function fromJson(s: string): Record<string, unknown> {
  try {
    const v = unmarshal(s);
    if (v === null) return {};
    if (!isMap(v)) return { Error: `json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}` };
    return v;
  } catch (e) {
    return { Error: goErrorOf(e) };
  }
}

function fromJsonArray(s: string): unknown[] {
  try {
    const v = unmarshal(s);
    if (v === null) return [];
    if (!Array.isArray(v)) return [`json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`];
    return v;
  } catch (e) {
    return [goErrorOf(e)];
  }
}

/**
 * The function map of one render. `include` counts nesting per name (Helm's limit of 1000) for
 * the whole render; `tpl` parses its text into a clone of the calling set so the caller's defines
 * are visible.
 */
export function helmFuncs(opts: HelmFuncOptions = {}): FuncMap {
  const sprig = sprigFuncs({ now: opts.now, random: opts.random, lookupHost: opts.lookupHost });
  const funcs: FuncMap = {};
  for (const [name, f] of Object.entries(sprig)) {
    funcs[name] = goFunc(engineSpec(f) as never, f as never) as unknown as TemplateFunc;
  }
  const included = new Map<string, number>();
  const include = goFunc(['string', 'interface {}'], function (this: ExecContext, name: string, data: unknown): string {
    const n = included.get(name);
    if (n !== undefined) {
      if (n > RECURSION_MAX) throw new Error(`rendering template has a nested reference name: ${name}: unable to execute template`);
      included.set(name, n + 1);
    } else {
      included.set(name, 1);
    }
    try {
      return this.execute(name, data);
    } finally {
      included.set(name, (included.get(name) ?? 1) - 1);
    }
  });
  const tpl = goFunc(['string', 'interface {}'], function (this: ExecContext, text: string, vals: unknown): string {
    const clone = this.set.clone();
    try {
      clone.parse(this.set.name, text);
    } catch (e) {
      throw new Error(`cannot parse template ${quote(text)}: ${goErrorOf(e)}`, { cause: e });
    }
    let out: string;
    try {
      out = this.executeIn(clone, this.set.name, vals);
    } catch (e) {
      throw new Error(`error during tpl function execution for ${quote(text)}: ${goErrorOf(e)}`, { cause: e });
    }
    return out.replaceAll('<no value>', '');
  });
  const required = goFunc(['string', 'interface {}'], (warn: string, val: unknown): unknown => {
    if (val === null || val === undefined || val === '') {
      if (opts.lintMode) {
        opts.log?.(`[INFO] Missing required value: ${warn}`);
        return '';
      }
      throw new Error(warnWrap(warn));
    }
    return val;
  });
  const fail = goFunc(['string'], (msg: string): string => {
    throw new Error(warnWrap(msg));
  });
  const lookup = goFunc(['string', 'string', 'string', 'string'], (apiVersion: string, kind: string, namespace: string, name: string): unknown => {
    if (!opts.lookup) return {};
    const r = opts.lookup(apiVersion, kind, namespace, name);
    return r === undefined || r === null ? {} : r;
  });
  Object.assign(funcs, {
    toToml: goFunc(['interface {}'], (v: unknown) => toToml(v)),
    toYaml: goFunc(['interface {}'], (v: unknown) => toYaml(v)),
    mustToYaml: goFunc(['interface {}'], (v: unknown) => marshalYaml(v).replace(/\n$/, '')),
    toYamlPretty: goFunc(['interface {}'], (v: unknown) => toYaml(v)),
    fromYaml: goFunc(['string'], fromYaml),
    fromYamlArray: goFunc(['string'], fromYamlArray),
    toJson: goFunc(['interface {}'], (v: unknown) => {
      try {
        return marshal(v, { escapeHTML: true });
      } catch {
        return '';
      }
    }),
    mustToJson: goFunc(['interface {}'], (v: unknown) => marshal(v, { escapeHTML: true })),
    fromJson: goFunc(['string'], fromJson),
    fromJsonArray: goFunc(['string'], fromJsonArray),
    include,
    tpl,
    required,
    fail,
    lookup,
  } satisfies Record<string, unknown>);
  return funcs;
}
