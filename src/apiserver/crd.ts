// CustomResourceDefinitions: each established CRD adds its resources (one per served version) to the
// registry, with its structural schema for validation, pruning, patching and OpenAPI.
import type { KubeObject } from '../api/object.js';
import { ALL_VERBS, type ResourceInfo, type ResourceRegistry, type PrinterColumn } from '../api/registry.js';
import { registerKindSchema, unregisterKindSchema, type SchemaNode } from '../api/schema.js';

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: SchemaNode };
  subresources?: { status?: object; scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group: string;
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
  preserveUnknownFields?: boolean;
}

/** Registry entries a CRD defines. */
export function resourcesOf(crd: KubeObject): ResourceInfo[] {
  const spec = crd.spec as CrdSpec | undefined;
  if (!spec?.group || !spec.names?.plural || !spec.names.kind || !Array.isArray(spec.versions)) return [];
  const storage = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name;
  const served = spec.versions.filter((v) => v.served !== false);
  const preferred = served[0]?.name;
  return served.map((v) => ({
    group: spec.group,
    version: v.name,
    resource: spec.names.plural,
    singular: spec.names.singular || spec.names.kind.toLowerCase(),
    kind: spec.names.kind,
    listKind: spec.names.listKind || `${spec.names.kind}List`,
    namespaced: spec.scope !== 'Cluster',
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    verbs: ALL_VERBS,
    subresources: [
      ...(v.subresources?.status ? [{ name: 'status', group: spec.group, version: v.name, kind: spec.names.kind, verbs: ['get', 'patch', 'update'] }] : []),
      ...(v.subresources?.scale ? [{ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] }] : []),
    ],
    storageVersion: storage,
    preferred: v.name === preferred,
    crd: {
      name: crd.metadata?.name ?? '',
      additionalPrinterColumns: v.additionalPrinterColumns,
      preserveUnknownFields: !!spec.preserveUnknownFields || !!v.schema?.openAPIV3Schema?.['x-kubernetes-preserve-unknown-fields'],
    },
  }));
}

/** Keeps the registry in step with the CRDs in the store. */
export class CrdController {
  private active = new Map<string, ResourceInfo[]>();

  constructor(private readonly registry: ResourceRegistry) {}

  upsert(crd: KubeObject): void {
    const name = crd.metadata?.name ?? '';
    this.remove(name);
    const spec = crd.spec as CrdSpec | undefined;
    const resources = resourcesOf(crd);
    for (const r of resources) {
      const v = spec!.versions.find((x) => x.name === r.version);
      const schema = v?.schema?.openAPIV3Schema;
      if (schema) registerKindSchema(r.group, r.version, r.kind, withObjectMeta(schema));
      this.registry.add(r);
    }
    this.active.set(name, resources);
  }

  remove(name: string): void {
    for (const r of this.active.get(name) ?? []) {
      unregisterKindSchema(r.group, r.version, r.kind);
      this.registry.remove(r.group, r.version, r.resource);
    }
    this.active.delete(name);
  }
}

/** A CRD schema describes metadata loosely; give it the real ObjectMeta so it is checked and pruned as such. */
function withObjectMeta(schema: SchemaNode): SchemaNode {
  const props = { ...(schema.properties ?? {}) };
  props.metadata = { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  return { ...schema, type: schema.type ?? 'object', properties: props };
}

/** Status a CRD gets when the server accepts it. */
export function establishedStatus(crd: KubeObject, now: string): Record<string, unknown> {
  const spec = crd.spec as CrdSpec | undefined;
  // An invalid spec is rejected by validation right after; it gets no status.
  if (!spec?.names?.kind || !spec.names.plural || !Array.isArray(spec.versions)) return {};
  return {
    acceptedNames: { ...spec.names, singular: spec.names.singular || spec.names.kind.toLowerCase(), listKind: spec.names.listKind || `${spec.names.kind}List` },
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
    storedVersions: [spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name],
  };
}
