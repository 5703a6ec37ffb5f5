// How server-side apply sees a schema node: a scalar, an atomic value, a struct (named fields),
// a granular map, a list-map, a set-list, or "deduced" (no schema: maps granular, lists atomic).
// Follows Kubernetes' OpenAPI-to-structured-merge-diff conversion: x-kubernetes-list-type /
// -list-map-keys / -map-type, else patch strategy "merge" (+ merge key) as a list-map (or a set
// for scalars), and any other list as atomic.
import { fieldMeta, resolve, type SchemaNode } from '../schema.js';

export type Shape =
  | { readonly t: 'scalar' }
  | { readonly t: 'atomic' }
  | { readonly t: 'deduced' }
  | {
      readonly t: 'struct';
      /** named fields: their own nodes (before $ref resolution, so field-level extensions stay) */
      readonly fields: Readonly<Record<string, SchemaNode>>;
      /** schema of keys that are not named fields (additionalProperties), undefined = deduced */
      readonly extra: SchemaNode | undefined;
    }
  | { readonly t: 'map'; readonly elem: SchemaNode | undefined }
  | { readonly t: 'list'; readonly rel: 'map' | 'set'; readonly keys: readonly string[]; readonly item: SchemaNode | undefined };

const SCALAR: Shape = { t: 'scalar' };
const ATOMIC: Shape = { t: 'atomic' };
const DEDUCED: Shape = { t: 'deduced' };

const cache = new WeakMap<SchemaNode, Shape>();

export function shapeOf(node: SchemaNode | undefined): Shape {
  if (!node) return DEDUCED;
  let s = cache.get(node);
  if (!s) {
    s = computeShape(node);
    cache.set(node, s);
  }
  return s;
}

function computeShape(node: SchemaNode): Shape {
  const r = resolve(node);
  if (!r) return DEDUCED;
  const meta = fieldMeta(node);
  if (r['x-kubernetes-int-or-string']) return SCALAR;
  const isArray = r.type === 'array' || (r.type === undefined && r.items !== undefined);
  if (isArray) {
    const merge = meta.patchStrategies.includes('merge');
    const listType = meta.listType ?? (merge ? (meta.patchMergeKey ? 'map' : 'set') : 'atomic');
    if (listType === 'atomic') return ATOMIC;
    const keys = listType === 'map' ? (meta.listMapKeys ?? (meta.patchMergeKey ? [meta.patchMergeKey] : [])) : [];
    return { t: 'list', rel: keys.length > 0 ? 'map' : 'set', keys, item: r.items };
  }
  const hasProps = r.properties !== undefined && Object.keys(r.properties).length > 0;
  const addl = typeof r.additionalProperties === 'object' ? r.additionalProperties : undefined;
  if (r.type === 'object' || hasProps || addl) {
    if (meta.mapType === 'atomic') return ATOMIC;
    if (hasProps) return { t: 'struct', fields: r.properties!, extra: addl };
    if (addl) return { t: 'map', elem: addl };
    return DEDUCED; // an object with no declared structure (RawExtension, preserve-unknown-fields)
  }
  if (r.type === 'string' || r.type === 'integer' || r.type === 'number' || r.type === 'boolean') return SCALAR;
  return DEDUCED;
}

const OBJECT_META_REF = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const objectMetaNode: SchemaNode = { $ref: OBJECT_META_REF };

const rootCache = new WeakMap<SchemaNode, SchemaNode>();
const untypedRoot: SchemaNode = {
  type: 'object',
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: objectMetaNode },
  'x-kubernetes-preserve-unknown-fields': true,
};

/**
 * The node apply walks from: the kind's schema with `metadata` always typed as ObjectMeta (CRD
 * schemas often declare it as a bare object), or, without a schema, an object whose
 * apiVersion/kind/metadata are known and everything else is deduced.
 */
export function rootNode(schema: SchemaNode | undefined): SchemaNode {
  if (!schema) return untypedRoot;
  let r = rootCache.get(schema);
  if (!r) {
    const res = resolve(schema) ?? {};
    const props = { ...(res.properties ?? {}) };
    props.metadata = objectMetaNode;
    props.apiVersion ??= { type: 'string' };
    props.kind ??= { type: 'string' };
    r = { ...res, type: 'object', properties: props };
    rootCache.set(schema, r);
  }
  return r;
}

/** The schema of field `key` of a struct or map, and whether it is a named (struct) field. */
export function mapChild(shape: Shape, key: string): { node: SchemaNode | undefined; named: boolean } {
  if (shape.t === 'struct') {
    if (Object.prototype.hasOwnProperty.call(shape.fields, key)) return { node: shape.fields[key], named: true };
    return { node: shape.extra, named: false };
  }
  if (shape.t === 'map') return { node: shape.elem, named: false };
  return { node: undefined, named: false };
}

/** Default value of a list-map key field (from the schema; Kubernetes defaults `protocol` to TCP). */
export function keyDefault(item: SchemaNode | undefined, key: string): unknown {
  const r = resolve(item);
  const p = r?.properties?.[key];
  const d = p ? (p.default ?? resolve(p)?.default) : undefined;
  if (d !== undefined) return d;
  if (key === 'protocol') return 'TCP';
  return undefined;
}

/**
 * Go zero-value skeleton of an empty object of this kind, used as the "old" object of a create
 * (fields that are non-pointer structs in Go are present in an empty typed object, so creating
 * them does not make the struct itself a managed member). A heuristic: top-level metadata, spec
 * and status, and nested specs, templates and strategies.
 */
export function emptySkeleton(schema: SchemaNode | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { metadata: {} };
  if (!schema) return out;
  const root = resolve(schema);
  for (const key of ['spec', 'status']) {
    const p = root?.properties?.[key];
    if (p && shapeOf(p).t === 'struct') out[key] = nestedSkeleton(p, 0);
  }
  return out;
}

const NON_POINTER_STRUCT = /(Spec|Template|TemplateSpec|Strategy|ObjectMeta)$/;

function nestedSkeleton(node: SchemaNode, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth > 6) return out;
  const r = resolve(node);
  for (const [key, p] of Object.entries(r?.properties ?? {})) {
    const ref = p.$ref ?? p.allOf?.[0]?.$ref;
    if (!ref || !NON_POINTER_STRUCT.test(ref)) continue;
    if (shapeOf(p).t !== 'struct') continue;
    out[key] = nestedSkeleton(p, depth + 1);
  }
  return out;
}
