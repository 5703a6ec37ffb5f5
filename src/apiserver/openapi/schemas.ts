// Schema side of the published OpenAPI documents: which definitions a document needs (the
// closure over $ref), the definitions synthesised for CRD-defined kinds, and the conversion of the
// OpenAPI v2 definitions held by src/api/schema.ts into OpenAPI v3 component schemas.
import { allDefinitions, schemaForKind, type SchemaNode } from '../../api/schema.js';
import type { JsonObject, JsonValue } from '../../api/object.js';

export const V2_REF_PREFIX = '#/definitions/';
export const V3_REF_PREFIX = '#/components/schemas/';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const OBJECT_META = `${META}ObjectMeta`;
export const LIST_META = `${META}ListMeta`;
export const STATUS = `${META}Status`;
export const DELETE_OPTIONS = `${META}DeleteOptions`;
export const PATCH = `${META}Patch`;
export const WATCH_EVENT = `${META}WatchEvent`;
export const API_RESOURCE_LIST = `${META}APIResourceList`;

/** Used in place of a definition that cannot be found: accepts anything. */
const UNKNOWN_OBJECT: SchemaNode = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** Keys whose value is one schema; keys whose value is a list of schemas; keys mapping names to schemas. */
const SCHEMA_KEYS = new Set(['items', 'not', 'additionalItems']);
const SCHEMA_LIST_KEYS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', 'definitions']);

/**
 * The OpenAPI name Kubernetes gives a CRD-defined kind: the group's labels reversed, then version
 * and kind (group "stable.example.com", v1, CronTab -> "com.example.stable.v1.CronTab").
 */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  const reversed = group.split('.').filter(Boolean).reverse().join('.');
  return `${reversed ? reversed + '.' : ''}${version}.${kind}`;
}

/** Definition lookup: synthesised definitions first, then the built-in ones. */
export type DefinitionSource = (name: string) => SchemaNode | undefined;

export function builtinSource(extra: ReadonlyMap<string, SchemaNode>): DefinitionSource {
  const defs = allDefinitions();
  return (name) => extra.get(name) ?? (Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : undefined);
}

/** Calls `fn` with every $ref string in a schema (schema-aware: property names are never refs). */
export function forEachRef(node: unknown, fn: (ref: string) => void): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  const n = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(n)) {
    if (k === '$ref') {
      if (typeof v === 'string') fn(v);
    } else if (SCHEMA_KEYS.has(k)) {
      if (Array.isArray(v)) for (const x of v) forEachRef(x, fn);
      else forEachRef(v, fn);
    } else if (k === 'additionalProperties') {
      forEachRef(v, fn);
    } else if (SCHEMA_LIST_KEYS.has(k)) {
      if (Array.isArray(v)) for (const x of v) forEachRef(x, fn);
    } else if (SCHEMA_MAP_KEYS.has(k)) {
      if (v && typeof v === 'object') for (const x of Object.values(v as Record<string, unknown>)) forEachRef(x, fn);
    }
  }
}

/**
 * The names of every definition reachable from `roots` (roots included), sorted. Names that cannot
 * be found are left out; references to them are replaced when converting.
 */
export function definitionClosure(roots: Iterable<string>, source: DefinitionSource): string[] {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const r of roots) if (!seen.has(r) && source(r)) { seen.add(r); stack.push(r); }
  while (stack.length) {
    const name = stack.pop()!;
    forEachRef(source(name), (ref) => {
      if (!ref.startsWith(V2_REF_PREFIX)) return;
      const target = ref.slice(V2_REF_PREFIX.length);
      if (seen.has(target) || !source(target)) return;
      seen.add(target);
      stack.push(target);
    });
  }
  return [...seen].sort();
}

/**
 * The definition published for a CRD-defined kind: the schema the CRD registered (or an
 * accept-anything object), with apiVersion/kind/metadata as Kubernetes publishes them and the
 * kind's x-kubernetes-group-version-kind.
 */
export function crdKindDefinition(group: string, version: string, kind: string): SchemaNode {
  const registered = schemaForKind(group, version, kind);
  const base: SchemaNode = registered ? { ...registered } : { ...UNKNOWN_OBJECT };
  const properties: Record<string, SchemaNode> = { ...(base.properties ?? {}) };
  properties['apiVersion'] = { type: 'string' };
  properties['kind'] = { type: 'string' };
  properties['metadata'] = { $ref: V2_REF_PREFIX + OBJECT_META };
  return { ...base, type: 'object', properties, 'x-kubernetes-group-version-kind': [{ group, kind, version }] };
}

/** The list definition published beside a CRD-defined kind. */
export function crdListDefinition(group: string, version: string, listKind: string, itemDefinition: string): SchemaNode {
  return {
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: V2_REF_PREFIX + itemDefinition } },
      kind: { type: 'string' },
      metadata: { $ref: V2_REF_PREFIX + LIST_META },
    },
    'x-kubernetes-group-version-kind': [{ group, kind: listKind, version }],
  };
}

function cloneJson(v: unknown): JsonValue {
  if (v === null || typeof v !== 'object') return (v === undefined ? null : v) as JsonValue;
  if (Array.isArray(v)) return v.map(cloneJson);
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = cloneJson(x);
  return out;
}

/**
 * Rewrites one schema for publication.
 * - v3: `#/definitions/X` becomes `#/components/schemas/X`; a `$ref` on a field (property, items,
 *   additionalProperties) is wrapped as `allOf: [{$ref}]` with the field's other keywords beside it,
 *   as Kubernetes' v3 documents have them (clients such as `kubectl explain` rely on that form).
 * - v2: refs are kept as they are.
 * References to definitions the document does not carry become an accept-anything object.
 */
export function convertSchema(node: SchemaNode, target: 'v2' | 'v3', has: (name: string) => boolean): JsonObject {
  return convert(node, target, has, false) as JsonObject;
}

function convert(node: unknown, target: 'v2' | 'v3', has: (name: string) => boolean, field: boolean): JsonValue {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return cloneJson(node);
  const n = node as Record<string, unknown>;
  const out: JsonObject = {};
  let ref: string | undefined;
  for (const [k, v] of Object.entries(n)) {
    if (v === undefined) continue;
    if (k === '$ref' && typeof v === 'string') {
      ref = v;
    } else if (SCHEMA_KEYS.has(k)) {
      out[k] = Array.isArray(v) ? v.map((x) => convert(x, target, has, true)) : convert(v, target, has, true);
    } else if (k === 'additionalProperties') {
      out[k] = typeof v === 'boolean' ? v : convert(v, target, has, true);
    } else if (SCHEMA_LIST_KEYS.has(k) && Array.isArray(v)) {
      out[k] = v.map((x) => convert(x, target, has, false));
    } else if (SCHEMA_MAP_KEYS.has(k) && v && typeof v === 'object') {
      const m: JsonObject = {};
      for (const [pk, pv] of Object.entries(v as Record<string, unknown>)) m[pk] = convert(pv, target, has, true);
      out[k] = m;
    } else {
      out[k] = cloneJson(v);
    }
  }
  if (ref === undefined) return out;
  const name = ref.startsWith(V2_REF_PREFIX) ? ref.slice(V2_REF_PREFIX.length) : undefined;
  if (name === undefined || !has(name)) {
    // Unresolvable: keep the field's own keywords, accept any value.
    return { ...cloneJson(UNKNOWN_OBJECT) as JsonObject, ...out };
  }
  if (target === 'v2') return { $ref: ref, ...out };
  const v3ref = V3_REF_PREFIX + name;
  if (!field) return { $ref: v3ref, ...out };
  return { allOf: [{ $ref: v3ref }], ...out };
}
