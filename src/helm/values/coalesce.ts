// Helm's value coalescing (pkg/chartutil/coalesce.go and values.go): chart defaults under user
// values, subchart sections and globals, null deletes a key, and the Values path helpers.

export type Values = Record<string, unknown>;
export const GLOBAL_KEY = 'global';

/** What coalescing needs of a chart: its name, default values and dependencies. */
export interface CoalesceChart {
  name(): string;
  values: Values;
  dependencies(): CoalesceChart[];
}

export type Printf = (msg: string) => void;
const silent: Printf = () => {};

export function isTable(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

function setKey(m: Values, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

/** copystructure.Copy of a values tree. */
export function deepCopyValues<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepCopyValues(x)) as T;
  if (isTable(v)) {
    const out: Values = {};
    for (const [k, x] of Object.entries(v)) setKey(out, k, deepCopyValues(x));
    return out as T;
  }
  return v;
}

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

function has(m: Values, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

/** chartutil.CoalesceValues: chart defaults (and subcharts') under `vals`; null deletes. */
export function coalesceValues(chart: CoalesceChart, vals: Values | null, printf: Printf = silent): Values {
  return coalesce(printf, chart, deepCopyValues(vals ?? {}), '', false);
}

/** chartutil.MergeValues: like coalesceValues, but nulls are kept. */
export function mergeValues(chart: CoalesceChart, vals: Values | null, printf: Printf = silent): Values {
  return coalesce(printf, chart, deepCopyValues(vals ?? {}), '', true);
}

function coalesce(printf: Printf, ch: CoalesceChart, dest: Values, prefix: string, merge: boolean): Values {
  coalesceChartValues(printf, ch, dest, prefix, merge);
  return coalesceDeps(printf, ch, dest, prefix, merge);
}

function coalesceDeps(printf: Printf, ch: CoalesceChart, dest: Values, prefix: string, merge: boolean): Values {
  for (const sub of ch.dependencies()) {
    const name = sub.name();
    if (!has(dest, name)) setKey(dest, name, {});
    else if (!isTable(dest[name])) throw new Error(`type mismatch on ${name}: %!t(${goTypeName(dest[name])}=${String(dest[name])})`);
    const dv = dest[name] as Values;
    const subPrefix = concatPrefix(prefix, ch.name());
    coalesceGlobals(printf, dv, dest, subPrefix);
    setKey(dest, name, coalesce(printf, sub, dv, subPrefix, merge));
  }
  return dest;
}

function goTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return typeof v;
}

function coalesceGlobals(printf: Printf, dest: Values, src: Values, prefix: string): void {
  let dg: Values;
  let sg: Values;
  if (!has(dest, GLOBAL_KEY)) dg = {};
  else if (isTable(dest[GLOBAL_KEY])) dg = dest[GLOBAL_KEY] as Values;
  else {
    printf(`warning: skipping globals because destination ${GLOBAL_KEY} is not a table.`);
    return;
  }
  if (!has(src, GLOBAL_KEY)) sg = {};
  else if (isTable(src[GLOBAL_KEY])) sg = src[GLOBAL_KEY] as Values;
  else {
    printf(`warning: skipping globals because source ${GLOBAL_KEY} is not a table.`);
    return;
  }
  for (const [key, val] of Object.entries(sg)) {
    if (isTable(val)) {
      const vv = deepCopyValues(val);
      if (!has(dg, key)) setKey(dg, key, vv);
      else {
        const destv = dg[key];
        if (!isTable(destv)) printf(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
        else {
          coalesceTablesFullKey(printf, vv, destv, concatPrefix(prefix, key), true);
          setKey(dg, key, vv);
        }
      }
    } else if (has(dg, key) && isTable(dg[key])) {
      printf(`key ${key} is table. Skipping`);
    } else {
      setKey(dg, key, val);
    }
  }
  setKey(dest, GLOBAL_KEY, dg);
}

function coalesceChartValues(printf: Printf, c: CoalesceChart, v: Values, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, c.name());
  const vc = deepCopyValues(c.values ?? {});
  for (const [key, val] of Object.entries(vc)) {
    if (has(v, key)) {
      const value = v[key];
      if (value === null && !merge) {
        delete v[key];
      } else if (isTable(value)) {
        if (!isTable(val)) {
          if (val !== null) printf(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          const childMerge = c.dependencies().some((d) => d.name() === key) ? true : merge;
          coalesceTablesFullKey(printf, value, val, concatPrefix(subPrefix, key), childMerge);
        }
      }
    } else {
      setKey(v, key, val);
    }
  }
}

/** chartutil.CoalesceTables: dst wins, null in dst deletes. */
export function coalesceTables(dst: Values | null, src: Values | null): Values | null {
  return coalesceTablesFullKey(silent, dst, src, '', false);
}

/** chartutil.MergeTables: dst wins, nulls are kept. */
export function mergeTables(dst: Values | null, src: Values | null): Values | null {
  return coalesceTablesFullKey(silent, dst, src, '', true);
}

function coalesceTablesFullKey(printf: Printf, dst: Values | null, src: Values | null, prefix: string, merge: boolean): Values | null {
  if (src === null) return dst;
  if (dst === null) return src;
  for (const [key, val] of Object.entries(dst)) if (val === null) setKey(src, key, null);
  for (const [key, val] of Object.entries(src)) {
    const fullkey = concatPrefix(prefix, key);
    const ok = has(dst, key);
    const dv = dst[key];
    if (ok && !merge && dv === null) {
      delete dst[key];
    } else if (!ok) {
      setKey(dst, key, val);
    } else if (isTable(val)) {
      if (isTable(dv)) coalesceTablesFullKey(printf, dv, val, fullkey, merge);
      else printf(`warning: cannot overwrite table with non table for ${fullkey} (${String(val)})`);
    } else if (isTable(dv) && val !== null) {
      printf(`warning: destination for ${fullkey} is a table. Ignoring non-table value (${String(val)})`);
    }
  }
  return dst;
}

/** Values.Table("a.b.c"): the sub-map, or an error when missing / not a table. */
export function table(v: Values, name: string): Values {
  let cur: Values = v;
  for (const part of name.split('.')) {
    const next = cur[part];
    if (!has(cur, part) || !isTable(next)) throw new ErrNoTable(name);
    cur = next;
  }
  return cur;
}

export class ErrNoTable extends Error {
  constructor(readonly key: string) {
    super(`"${key}" is not a table`);
  }
}
export class ErrNoValue extends Error {
  constructor(readonly key: string) {
    super(`"${key}" is not a value`);
  }
}

/** Values.PathValue("a.b.c"): a non-table value at the path. */
export function pathValue(v: Values, path: string): unknown {
  if (path === '') throw new Error('YAML path cannot be empty');
  const parts = path.split('.');
  if (parts.length === 1) {
    if (has(v, parts[0]!) && !isTable(v[parts[0]!])) return v[parts[0]!];
    throw new ErrNoValue(parts[0]!);
  }
  const key = parts.pop()!;
  let t: Values;
  try {
    t = table(v, parts.join('.'));
  } catch {
    throw new ErrNoValue(key);
  }
  if (has(t, key) && !isTable(t[key])) return t[key];
  throw new ErrNoValue(key);
}

/** chartutil's pathToMap: "a.b" + data -> {a: {b: data}} ("." -> data itself). */
export function pathToMap(path: string, data: Values): Values {
  if (path === '.') return data;
  const parts = path.split('.').filter((p) => p !== '');
  const out: Values = {};
  let cur = out;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) setKey(cur, p, data);
    else {
      const n: Values = {};
      setKey(cur, p, n);
      cur = n;
    }
  });
  return out;
}

/** Removes keys whose value is null, recursively (chartutil's trimNilValues). */
export function trimNilValues(v: Values): Values {
  const out: Values = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    setKey(out, k, isTable(x) ? trimNilValues(x) : x);
  }
  return out;
}

/** The --values/--set-json map merge of pkg/cli/values (b wins, maps merged). */
export function mergeMaps(a: Values, b: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(a)) setKey(out, k, v);
  for (const [k, v] of Object.entries(b)) {
    if (isTable(v) && has(out, k) && isTable(out[k])) {
      setKey(out, k, mergeMaps(out[k] as Values, v));
      continue;
    }
    setKey(out, k, v);
  }
  return out;
}
