// Structural schema facts for every built-in kind (derived from Kubernetes 1.32's OpenAPI
// document by scripts/gen-schema.mjs) plus schemas registered at run time by CRDs.
// Patch, apply, validation, defaulting and OpenAPI publishing all read them from here.
import definitionsJson from './generated/definitions.json' with { type: 'json' };

export interface SchemaNode {
  type?: string;
  format?: string;
  $ref?: string;
  allOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extra: string]: unknown;
}

const definitions = definitionsJson as unknown as Record<string, SchemaNode>;
const REF_PREFIX = '#/definitions/';

const gvkIndex = new Map<string, string>();
for (const [name, def] of Object.entries(definitions)) {
  for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
    // The first definition to claim a GVK wins (io.k8s.api.* come before deprecated aliases).
    const key = gvkKey(gvk.group, gvk.version, gvk.kind);
    if (!gvkIndex.has(key)) gvkIndex.set(key, name);
  }
}

const dynamic = new Map<string, SchemaNode>();

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** All built-in definitions by their OpenAPI name (io.k8s.api.apps.v1.Deployment, ...). */
export function allDefinitions(): Readonly<Record<string, SchemaNode>> {
  return definitions;
}

export function definitionName(group: string, version: string, kind: string): string | undefined {
  return gvkIndex.get(gvkKey(group, version, kind));
}

export function getDefinition(name: string): SchemaNode | undefined {
  return definitions[name];
}

/** The schema of a kind: a built-in one, or one a CRD registered. */
export function schemaForKind(group: string, version: string, kind: string): SchemaNode | undefined {
  const d = dynamic.get(gvkKey(group, version, kind));
  if (d) return d;
  const name = gvkIndex.get(gvkKey(group, version, kind));
  return name ? definitions[name] : undefined;
}

export function registerKindSchema(group: string, version: string, kind: string, node: SchemaNode): void {
  dynamic.set(gvkKey(group, version, kind), node);
}

export function unregisterKindSchema(group: string, version: string, kind: string): void {
  dynamic.delete(gvkKey(group, version, kind));
}

/** Follows $ref (and a single-element allOf wrapper) to the node that describes the value. */
export function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let cur = node;
  for (let i = 0; cur && i < 32; i++) {
    if (cur.$ref) {
      if (!cur.$ref.startsWith(REF_PREFIX)) return undefined;
      const target = definitions[cur.$ref.slice(REF_PREFIX.length)];
      // Keep list/patch extensions that sit beside the $ref (they describe the field, not the type).
      const extras = extensionsOf(cur);
      cur = Object.keys(extras).length && target ? { ...target, ...extras } : target;
      continue;
    }
    if (cur.allOf && cur.allOf.length === 1 && !cur.properties && !cur.type) {
      cur = { ...cur.allOf[0], ...extensionsOf(cur) };
      continue;
    }
    return cur;
  }
  return cur;
}

function extensionsOf(node: SchemaNode): Partial<SchemaNode> {
  const out: Partial<SchemaNode> = {};
  for (const k of Object.keys(node)) if (k.startsWith('x-kubernetes-')) (out as Record<string, unknown>)[k] = node[k];
  return out;
}

/** The schema of field `key` of an object node; undefined when the schema does not know it. */
export function propertySchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  const n = resolve(node);
  if (!n) return undefined;
  const p = n.properties?.[key];
  if (p) return p;
  if (n.additionalProperties && typeof n.additionalProperties === 'object') return n.additionalProperties;
  return undefined;
}

/** The schema of the elements of an array node. */
export function itemSchema(node: SchemaNode | undefined): SchemaNode | undefined {
  return resolve(node)?.items;
}

export interface ListMeta {
  /** strategic merge patch strategies, e.g. ['merge'], ['merge','retainKeys'], ['replace'] */
  patchStrategies: string[];
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic' | 'granular';
}

/** Patch/apply metadata of a field (read from the field's own node, before resolving $ref). */
export function fieldMeta(node: SchemaNode | undefined): ListMeta {
  const raw = node ?? {};
  const resolved = resolve(node) ?? {};
  const pick = <K extends keyof SchemaNode>(k: K) => (raw[k] ?? resolved[k]) as SchemaNode[K];
  const strategy = pick('x-kubernetes-patch-strategy');
  return {
    patchStrategies: strategy ? String(strategy).split(',').map((s) => s.trim()) : [],
    patchMergeKey: pick('x-kubernetes-patch-merge-key'),
    listType: pick('x-kubernetes-list-type'),
    listMapKeys: pick('x-kubernetes-list-map-keys'),
    mapType: pick('x-kubernetes-map-type'),
  };
}
