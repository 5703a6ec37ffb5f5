// CustomResourceDefinition validation (the essentials of apiextensions' ValidateCustomResourceDefinition)
// and validation of custom resources against their openAPIV3Schema (kube-openapi's messages as the
// API server turns them into field errors).
import type { StatusCause } from '../errors.js';
import { deepEqual, isPlainObject } from '../object.js';
import type { SchemaNode } from '../schema.js';
import { fe, child, index, key, GoText, goQuote } from './fielderr.js';
import { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label } from './names.js';
import { asObj, asArr, asStr, has, type Obj } from './meta.js';
import { parseGoTime, RFC3339 } from './gotime.js';

export function validateCRD(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = asObj(o.spec);
  const names = asObj(spec.names);
  const group = asStr(spec.group);
  const name = asStr(asObj(o.metadata).name);
  const plural = asStr(names.plural);
  if (name !== `${plural}.${group}`) out.push(fe.invalid(child('metadata', 'name'), name, 'must be spec.names.plural+"."+spec.group'));
  const sp = 'spec';
  if (!group) out.push(fe.required(child(sp, 'group'), ''));
  else {
    for (const m of isDNS1123Subdomain(group)) out.push(fe.invalid(child(sp, 'group'), group, m));
    if (group.split('.').length < 2) out.push(fe.invalid(child(sp, 'group'), group, 'should be a domain with at least one dot'));
  }
  const scope = asStr(spec.scope);
  if (!scope) out.push(fe.required(child(sp, 'scope'), ''));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') out.push(fe.notSupported(child(sp, 'scope'), scope, ['Cluster', 'Namespaced']));
  const versions = asArr(spec.versions).map(asObj);
  const vp = child(sp, 'versions');
  if (versions.length === 0) out.push(fe.invalid(vp, new GoText('[]apiextensions.CustomResourceDefinitionVersion(nil)'), 'must have exactly one version marked as storage version'));
  let storage = 0;
  const seen = new Set<string>();
  let anyServed = false;
  versions.forEach((v, i) => {
    const p = index(vp, i);
    const vn = asStr(v.name);
    if (v.storage === true) storage++;
    if (v.served === true) anyServed = true;
    if (seen.has(vn)) out.push(fe.invalid(vp, new GoText('[]apiextensions.CustomResourceDefinitionVersion{...}'), 'must contain unique version names'));
    seen.add(vn);
    for (const m of isDNS1035Label(vn)) out.push(fe.invalid(child(p, 'name'), vn, m));
    const schema = asObj(v.schema).openAPIV3Schema;
    if (!has(schema)) out.push(fe.required(child(p, 'schema', 'openAPIV3Schema'), 'schemas are required'));
    else {
      const s = asObj(schema);
      if (s.type !== 'object') out.push(fe.invalid(child(p, 'schema', 'openAPIV3Schema', 'type'), asStr(s.type), 'must be object at the root'));
      out.push(...validateStructural(s, child(p, 'schema', 'openAPIV3Schema'), true));
    }
  });
  if (versions.length && storage !== 1) out.push(fe.invalid(vp, new GoText('[]apiextensions.CustomResourceDefinitionVersion{...}'), 'must have exactly one version marked as storage version'));
  if (versions.length && !anyServed) out.push(fe.invalid(vp, new GoText('[]apiextensions.CustomResourceDefinitionVersion{...}'), 'must have at least one version marked as served'));
  const np = child(sp, 'names');
  if (!plural) out.push(fe.required(child(np, 'plural'), ''));
  else for (const m of isDNS1035Label(plural)) out.push(fe.invalid(child(np, 'plural'), plural, m));
  const singular = asStr(names.singular);
  if (singular) for (const m of isDNS1035Label(singular)) out.push(fe.invalid(child(np, 'singular'), singular, m));
  const kind = asStr(names.kind);
  if (!kind) out.push(fe.required(child(np, 'kind'), ''));
  else if (isDNS1035Label(kind.toLowerCase()).length > 0) out.push(fe.invalid(child(np, 'kind'), kind, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
  const listKind = asStr(names.listKind);
  if (!listKind) out.push(fe.required(child(np, 'listKind'), ''));
  else {
    if (isDNS1035Label(listKind.toLowerCase()).length) out.push(fe.invalid(child(np, 'listKind'), listKind, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
    if (kind === listKind) out.push(fe.invalid(child(np, 'listKind'), listKind, 'kind and listKind may not be the same'));
  }
  asArr(names.shortNames).forEach((s, i) => { for (const m of isDNS1035Label(asStr(s))) out.push(fe.invalid(index(child(np, 'shortNames'), i), asStr(s), m)); });
  asArr(names.categories).forEach((s, i) => { for (const m of isDNS1035Label(asStr(s))) out.push(fe.invalid(index(child(np, 'categories'), i), asStr(s), m)); });
  const conv = asObj(spec.conversion);
  if (has(spec.conversion) && !['None', 'Webhook'].includes(asStr(conv.strategy))) out.push(fe.notSupported(child(sp, 'conversion', 'strategy'), asStr(conv.strategy), ['None', 'Webhook']));
  if (spec.preserveUnknownFields === true) out.push(fe.invalid(child(sp, 'preserveUnknownFields'), true, 'must be false in order to use defaults in the schema'));
  if (old) {
    if (asStr(asObj(old.spec).group) !== group) out.push(fe.invalid(child(sp, 'group'), group, 'field is immutable'));
    if (asStr(asObj(asObj(old.spec).names).plural) !== plural) out.push(fe.invalid(child(np, 'plural'), plural, 'field is immutable'));
  }
  return out;
}

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

/** The structural-schema rules that matter most (types specified, no forbidden combinations). */
function validateStructural(s: Obj, path: string, root: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  const t = asStr(s.type);
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  if (!t && !preserve && !intOrString && !root) out.push(fe.required(child(path, 'type'), 'must not be empty for specified object fields'));
  if (t && !TYPES.includes(t)) out.push(fe.notSupported(child(path, 'type'), t, TYPES));
  if (has(s.properties) && has(s.additionalProperties) && s.additionalProperties !== false) {
    out.push(fe.forbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
  }
  if (t === 'array' && !has(s.items)) out.push(fe.required(child(path, 'items'), 'must be specified'));
  for (const [k, v] of Object.entries(asObj(s.properties))) out.push(...validateStructural(asObj(v), key(child(path, 'properties'), k), false));
  if (isPlainObject(s.items)) out.push(...validateStructural(s.items, child(path, 'items'), false));
  if (isPlainObject(s.additionalProperties)) out.push(...validateStructural(s.additionalProperties, child(path, 'additionalProperties'), false));
  return out;
}

// ---------------------------------------------------------------------------------------------
// custom resources

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function renderVal(v: unknown): string | number | boolean | GoText {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return new GoText(v === null || v === undefined ? 'null' : JSON.stringify(v));
}

function validateFormat(format: string, v: string): boolean {
  switch (format) {
    case 'date-time': try { parseGoTime(RFC3339, v); return true; } catch { return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v); }
    case 'date': return /^\d{4}-\d{2}-\d{2}$/.test(v);
    case 'int-or-string': return true;
    case 'byte': return /^[A-Za-z0-9+/]*={0,2}$/.test(v);
    case 'uuid': return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v);
    case 'ipv4': return /^(\d{1,3})(\.\d{1,3}){3}$/.test(v);
    case 'hostname': return isDNS1123Subdomain(v).length === 0;
    default: return true;
  }
}

/** Validates a custom resource's content (not metadata) against its structural schema. */
export function validateAgainstSchema(v: unknown, s: SchemaNode | undefined, path: string): StatusCause[] {
  if (!s) return [];
  const out: StatusCause[] = [];
  const name = path || '<root>';
  if (v === null) {
    if (s.nullable) return out;
    if (s.type) out.push(fe.typeInvalid(path, 'null', `${name} in body must be of type ${s.type}: "null"`));
    return out;
  }
  const t = s.type;
  const actual = jsonType(v);
  if (s['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string') out.push(fe.typeInvalid(path, actual, `${name} in body must be of type integer,string: ${goQuote(actual)}`));
  } else if (t && !(t === actual || (t === 'number' && actual === 'integer'))) {
    out.push(fe.typeInvalid(path, actual, `${name} in body must be of type ${t}: ${goQuote(actual)}`));
    return out;
  }
  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) {
    out.push(fe.notSupported(path, renderVal(v), s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'number') {
    const min = s.minimum as number | undefined;
    const max = s.maximum as number | undefined;
    if (min !== undefined && (s.exclusiveMinimum ? v <= min : v < min)) out.push(fe.invalid(path, v, `${name} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${min}`));
    if (max !== undefined && (s.exclusiveMaximum ? v >= max : v > max)) out.push(fe.invalid(path, v, `${name} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${max}`));
    const mo = s.multipleOf as number | undefined;
    if (mo !== undefined && mo !== 0 && Math.abs(v / mo - Math.round(v / mo)) > 1e-9) out.push(fe.invalid(path, v, `${name} in body should be a multiple of ${mo}`));
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    const maxLen = s.maxLength as number | undefined;
    const minLen = s.minLength as number | undefined;
    if (maxLen !== undefined && len > maxLen) out.push({ reason: 'FieldValueTooLong', field: path, message: `Too long: may not be longer than ${maxLen}` });
    if (minLen !== undefined && len < minLen) out.push(fe.invalid(path, v, `${name} in body should be at least ${minLen} chars long`));
    const pattern = s.pattern as string | undefined;
    if (pattern !== undefined) {
      let ok = true;
      try { ok = new RegExp(pattern, 'u').test(v); } catch { ok = true; }
      if (!ok) out.push(fe.invalid(path, v, `${name} in body should match '${pattern}'`));
    }
    const format = s.format;
    if (format && !validateFormat(format, v)) out.push(fe.invalid(path, v, `${name} in body must be of type ${format}: ${goQuote(v)}`));
  }
  if (Array.isArray(v)) {
    const maxItems = s.maxItems as number | undefined;
    const minItems = s.minItems as number | undefined;
    if (maxItems !== undefined && v.length > maxItems) out.push(fe.tooMany(path, v.length, maxItems));
    if (minItems !== undefined && v.length < minItems) out.push(fe.invalid(path, v.length, `${name} in body should have at least ${minItems} items`));
    const listType = s['x-kubernetes-list-type'];
    if (s.uniqueItems || listType === 'set') {
      v.forEach((el, i) => { if (v.findIndex((e) => deepEqual(e, el)) < i) out.push(fe.duplicate(index(path, i), renderVal(el))); });
    }
    if (listType === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      v.forEach((el, i) => {
        const k = JSON.stringify(keys.map((kk) => asObj(el)[kk]));
        if (seen.has(k)) out.push(fe.duplicate(index(path, i), new GoText(`map[string]interface {}{${keys.map((kk) => `${goQuote(kk)}:${JSON.stringify(asObj(el)[kk])}`).join(', ')}}`)));
        seen.add(k);
      });
    }
    v.forEach((el, i) => out.push(...validateAgainstSchema(el, s.items, index(path, i))));
  }
  if (isPlainObject(v)) {
    for (const r of s.required ?? []) if (!(r in v)) out.push(fe.required(child(path, r), ''));
    const maxP = s.maxProperties as number | undefined;
    const minP = s.minProperties as number | undefined;
    const n = Object.keys(v).length;
    if (maxP !== undefined && n > maxP) out.push(fe.tooMany(path, n, maxP));
    if (minP !== undefined && n < minP) out.push(fe.invalid(path, n, `${name} in body should have at least ${minP} properties`));
    const embedded = s['x-kubernetes-embedded-resource'] === true;
    for (const [k, val] of Object.entries(v)) {
      if (embedded && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      const prop = s.properties?.[k] ?? (isPlainObject(s.additionalProperties) ? (s.additionalProperties as SchemaNode) : undefined);
      if (prop) out.push(...validateAgainstSchema(val, prop, child(path, k)));
    }
    if (embedded) {
      if (!asStr(v.apiVersion)) out.push(fe.required(child(path, 'apiVersion'), 'must not be empty'));
      if (!asStr(v.kind)) out.push(fe.required(child(path, 'kind'), 'must not be empty'));
    }
  }
  return out;
}

export { isDNS1123Label };
