// JSON Schema (draft 7 and the draft 4/6 keywords charts use) validation of values, with the
// error wording of xeipuuv/gojsonschema as Helm prints it:
//   values don't meet the specifications of the schema(s) in the following chart(s):
//   mychart:
//   - replicas: Invalid type. Expected: integer, given: string

import { unmarshal } from '../sprig/json.js';

type Schema = boolean | Record<string, unknown>;

export interface SchemaError {
  field: string;
  description: string;
}

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'bigint': return 'integer';
    case 'number': return Number.isInteger(v) ? 'integer' : 'number';
  }
  return 'object';
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function fmtNum(n: unknown): string {
  const x = num(n);
  return x === undefined ? String(n) : String(x);
}

function canonical(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (isObj(v)) return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  return JSON.stringify(v);
}

function jsonText(v: unknown): string {
  return canonical(v);
}

function childField(field: string, key: string): string {
  return field === '(root)' ? key : `${field}.${key}`;
}

const formats: Record<string, (s: string) => boolean> = {
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  time: (s) => /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/.test(s),
  ipv4: (s) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s),
  ipv6: (s) => /^[0-9a-fA-F:.]+$/.test(s) && s.includes(':'),
  hostname: (s) => /^(?=.{1,255}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/.test(s),
  uri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(s),
  'uri-reference': (s) => !/\s/.test(s),
  uuid: (s) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s),
  regex: (s) => {
    try {
      new RegExp(s, 'u');
      return true;
    } catch {
      return false;
    }
  },
};

class Validator {
  errors: SchemaError[] = [];
  constructor(readonly root: Schema) {}

  private resolveRef(ref: string): Schema {
    if (ref === '#') return this.root;
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let cur: unknown = this.root;
    for (const raw of ref.slice(2).split('/')) {
      const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObj(cur) && !Array.isArray(cur)) throw new Error(`invalid $ref ${ref}`);
      cur = (cur as Record<string, unknown>)[part];
    }
    if (typeof cur !== 'boolean' && !isObj(cur)) throw new Error(`invalid $ref ${ref}`);
    return cur as Schema;
  }

  /** Validates; returns whether valid. Errors are appended unless `quiet`. */
  validate(schema: Schema, v: unknown, field: string, out: SchemaError[]): boolean {
    const start = out.length;
    const add = (f: string, d: string): void => {
      out.push({ field: f, description: d });
    };
    if (schema === true) return true;
    if (schema === false) {
      add(field, 'False always fails validation');
      return false;
    }
    const s = schema;
    if (typeof s.$ref === 'string') {
      return this.validate(this.resolveRef(s.$ref), v, field, out);
    }
    // type
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const t = jsonType(v);
      const ok = types.some((x) => x === t || (x === 'number' && t === 'integer'));
      if (!ok) {
        add(field, `Invalid type. Expected: ${types.join(', ')}, given: ${t}`);
        return false;
      }
    }
    // combinators
    if (Array.isArray(s.anyOf)) {
      if (!(s.anyOf as Schema[]).some((x) => this.validate(x, v, field, []))) add(field, 'Must validate at least one schema (anyOf)');
    }
    if (Array.isArray(s.oneOf)) {
      const n = (s.oneOf as Schema[]).filter((x) => this.validate(x, v, field, [])).length;
      if (n !== 1) add(field, 'Must validate one and only one schema (oneOf)');
    }
    if (Array.isArray(s.allOf)) {
      let all = true;
      for (const x of s.allOf as Schema[]) if (!this.validate(x, v, field, out)) all = false;
      if (!all) add(field, 'Must validate all the schemas (allOf)');
    }
    if (s.not !== undefined) {
      if (this.validate(s.not as Schema, v, field, [])) add(field, 'Must not validate the schema (not)');
    }
    if (s.if !== undefined) {
      if (this.validate(s.if as Schema, v, field, [])) {
        if (s.then !== undefined && !this.validate(s.then as Schema, v, field, out)) add(field, 'Must validate "then" as "if" was valid');
      } else if (s.else !== undefined && !this.validate(s.else as Schema, v, field, out)) {
        add(field, 'Must validate "else" as "if" was not valid');
      }
    }
    // const / enum
    if (Object.prototype.hasOwnProperty.call(s, 'const')) {
      if (canonical(s.const) !== canonical(v)) add(field, `${field} does not match: ${jsonText(s.const)}`);
    }
    if (Array.isArray(s.enum)) {
      const c = canonical(v);
      if (!(s.enum as unknown[]).some((e) => canonical(e) === c)) {
        add(field, `${field} must be one of the following: ${(s.enum as unknown[]).map(jsonText).join(', ')}`);
      }
    }
    if (Array.isArray(v)) this.array(s, v, field, out, add);
    if (isObj(v)) this.object(s, v, field, out, add);
    if (typeof v === 'string') this.string(s, v, field, add);
    if (num(v) !== undefined) this.number(s, num(v)!, add, field);
    return out.length === start;
  }

  private array(s: Record<string, unknown>, v: unknown[], field: string, out: SchemaError[], add: (f: string, d: string) => void): void {
    if (num(s.minItems) !== undefined && v.length < num(s.minItems)!) add(field, `Array must have at least ${fmtNum(s.minItems)} items`);
    if (num(s.maxItems) !== undefined && v.length > num(s.maxItems)!) add(field, `Array must have at most ${fmtNum(s.maxItems)} items`);
    if (s.uniqueItems === true) {
      const seen = new Map<string, number>();
      v.forEach((x, i) => {
        const c = canonical(x);
        const j = seen.get(c);
        if (j !== undefined) add(field, `array items[${j},${i}] must be unique`);
        else seen.set(c, i);
      });
    }
    if (Array.isArray(s.items)) {
      const items = s.items as Schema[];
      v.forEach((x, i) => {
        if (i < items.length) this.validate(items[i]!, x, childField(field, String(i)), out);
        else if (s.additionalItems === false) add(field, 'No additional items allowed on array');
        else if (isObj(s.additionalItems)) this.validate(s.additionalItems as Schema, x, childField(field, String(i)), out);
      });
    } else if (s.items !== undefined) {
      v.forEach((x, i) => this.validate(s.items as Schema, x, childField(field, String(i)), out));
    }
    if (s.contains !== undefined) {
      if (!v.some((x) => this.validate(s.contains as Schema, x, field, []))) add(field, 'At least one of the items must match');
    }
  }

  private object(s: Record<string, unknown>, v: Record<string, unknown>, field: string, out: SchemaError[], add: (f: string, d: string) => void): void {
    const keys = Object.keys(v);
    if (num(s.maxProperties) !== undefined && keys.length > num(s.maxProperties)!) add(field, `Must have at most ${fmtNum(s.maxProperties)} properties`);
    if (num(s.minProperties) !== undefined && keys.length < num(s.minProperties)!) add(field, `Must have at least ${fmtNum(s.minProperties)} properties`);
    if (Array.isArray(s.required)) {
      for (const r of s.required as string[]) if (!Object.prototype.hasOwnProperty.call(v, r)) add(field, `${r} is required`);
    }
    const props = isObj(s.properties) ? (s.properties as Record<string, Schema>) : {};
    const patterns = isObj(s.patternProperties) ? Object.entries(s.patternProperties as Record<string, Schema>) : [];
    for (const k of keys.sort()) {
      let matched = false;
      if (Object.prototype.hasOwnProperty.call(props, k)) {
        matched = true;
        this.validate(props[k]!, v[k], childField(field, k), out);
      }
      for (const [p, ps] of patterns) {
        if (new RegExp(p, 'u').test(k)) {
          matched = true;
          this.validate(ps, v[k], childField(field, k), out);
        }
      }
      if (!matched && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) add(field, `Additional property ${k} is not allowed`);
        else if (isObj(s.additionalProperties)) this.validate(s.additionalProperties as Schema, v[k], childField(field, k), out);
      }
    }
    if (isObj(s.dependencies)) {
      for (const [k, dep] of Object.entries(s.dependencies as Record<string, unknown>)) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        if (Array.isArray(dep)) {
          for (const d of dep as string[]) if (!Object.prototype.hasOwnProperty.call(v, d)) add(field, `Has a dependency on ${d}`);
        } else {
          this.validate(dep as Schema, v, field, out);
        }
      }
    }
    if (s.propertyNames !== undefined) {
      for (const k of keys) {
        if (!this.validate(s.propertyNames as Schema, k, field, [])) add(field, `Property "${k}" does not match the schema`);
      }
    }
  }

  private string(s: Record<string, unknown>, v: string, field: string, add: (f: string, d: string) => void): void {
    const len = [...v].length;
    if (num(s.minLength) !== undefined && len < num(s.minLength)!) add(field, `String length must be greater than or equal to ${fmtNum(s.minLength)}`);
    if (num(s.maxLength) !== undefined && len > num(s.maxLength)!) add(field, `String length must be less than or equal to ${fmtNum(s.maxLength)}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) add(field, `Does not match pattern '${s.pattern}'`);
    if (typeof s.format === 'string' && formats[s.format] && !formats[s.format]!(v)) add(field, `Does not match format '${s.format}'`);
  }

  private number(s: Record<string, unknown>, v: number, add: (f: string, d: string) => void, field: string): void {
    const mult = num(s.multipleOf);
    if (mult !== undefined && mult > 0) {
      const q = v / mult;
      if (Math.abs(q - Math.round(q)) > 1e-9) add(field, `Must be a multiple of ${fmtNum(s.multipleOf)}`);
    }
    const min = num(s.minimum);
    const max = num(s.maximum);
    if (min !== undefined) {
      if (s.exclusiveMinimum === true ? v <= min : v < min) {
        add(field, s.exclusiveMinimum === true ? `Must be greater than ${fmtNum(min)}` : `Must be greater than or equal to ${fmtNum(min)}`);
      }
    }
    if (max !== undefined) {
      if (s.exclusiveMaximum === true ? v >= max : v > max) {
        add(field, s.exclusiveMaximum === true ? `Must be less than ${fmtNum(max)}` : `Must be less than or equal to ${fmtNum(max)}`);
      }
    }
    const emin = num(s.exclusiveMinimum);
    if (emin !== undefined && v <= emin) add(field, `Must be greater than ${fmtNum(emin)}`);
    const emax = num(s.exclusiveMaximum);
    if (emax !== undefined && v >= emax) add(field, `Must be less than ${fmtNum(emax)}`);
  }
}

/** Parses a values.schema.json text; throws a JSON syntax error as Go reports it. */
export function parseSchema(text: string): Schema {
  const s = unmarshal(text);
  if (typeof s !== 'boolean' && !isObj(s)) throw new Error('schema must be an object or a boolean');
  return s as Schema;
}

/** The validation errors of `values` against `schema` (empty when valid). */
export function validateSchema(schema: Schema, values: unknown): SchemaError[] {
  const v = new Validator(schema);
  const out: SchemaError[] = [];
  v.validate(schema, values ?? {}, '(root)', out);
  return out;
}

/** chartutil.ValidateAgainstSingleSchema's message: "- field: description\n" lines, or '' when valid. */
export function schemaErrorText(schemaText: string, values: unknown): string {
  const errs = validateSchema(parseSchema(schemaText), values);
  return errs.map((e) => `- ${e.field}: ${e.description}\n`).join('');
}
