// Applying release manifests to the cluster the way Helm 3's kube client does (pkg/kube/client.go):
// build (parse + map kinds to resources through discovery + default the namespace), create,
// update (create missing objects, patch existing ones with a three-way strategic merge patch or a
// JSON merge patch, delete objects dropped from the chart unless annotated keep), delete.
import { resourcePath, type KubeClient, type ResourceRef } from '../../client/client.js';
import { StatusError } from '../../api/errors.js';
import { deepClone, isPlainObject, parseApiVersion, type KubeObject } from '../../api/object.js';
import { schemaForKind } from '../../api/schema.js';
import { isKeepPolicy, parseYamlStream } from './manifest.js';
import { createMergePatch, createThreeWayMergePatch } from './threeway.js';

export const FIELD_MANAGER = 'helm';

export interface KubeResource {
  apiVersion: string;
  kind: string;
  name: string;
  /** '' for cluster-scoped objects */
  namespace: string;
  ref: ResourceRef;
  object: KubeObject;
}

export type Mapping = ResourceRef & { kind: string };

/** Kind -> resource mapping from discovery (a RESTMapper), with a cache that can be reset. */
export class ResourceMapper {
  private preferred?: Promise<Map<string, Mapping>>;
  private byGroupVersion = new Map<string, Promise<Map<string, Mapping> | undefined>>();

  constructor(private readonly client: KubeClient) {}

  reset(): void {
    this.preferred = undefined;
    this.byGroupVersion.clear();
  }

  private loadPreferred(): Promise<Map<string, Mapping>> {
    this.preferred ??= this.client.discover().then((rs) => {
      const m = new Map<string, Mapping>();
      for (const r of rs) {
        if (r.resource.includes('/')) continue;
        const key = `${r.group}/${r.version}/${r.kind}`;
        if (!m.has(key)) m.set(key, { group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced, kind: r.kind });
      }
      return m;
    });
    return this.preferred;
  }

  /** The resources of one group/version from its APIResourceList (for versions that are not preferred). */
  private loadGroupVersion(group: string, version: string): Promise<Map<string, Mapping> | undefined> {
    const gv = group ? `${group}/${version}` : version;
    let p = this.byGroupVersion.get(gv);
    if (!p) {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      p = this.client.request<{ resources?: Array<{ name: string; kind: string; namespaced: boolean }> }>('GET', path).then((list) => {
        const m = new Map<string, Mapping>();
        for (const r of list.resources ?? []) {
          if (r.name.includes('/')) continue;
          if (!m.has(r.kind)) m.set(r.kind, { group, version, resource: r.name, namespaced: r.namespaced, kind: r.kind });
        }
        return m;
      }, (err) => {
        if (err instanceof StatusError && err.code === 404) return undefined;
        throw err;
      });
      this.byGroupVersion.set(gv, p);
    }
    return p;
  }

  /** The mapping for apiVersion+kind, or undefined when the server does not serve it. */
  async find(apiVersion: string, kind: string): Promise<Mapping | undefined> {
    const { group, version } = parseApiVersion(apiVersion);
    const pref = await this.loadPreferred();
    const hit = pref.get(`${group}/${version}/${kind}`);
    if (hit) return hit;
    const gv = await this.loadGroupVersion(group, version);
    return gv?.get(kind);
  }

  /** All mappings of the preferred versions (for Capabilities and lookup by kind). */
  async all(): Promise<Mapping[]> {
    return [...(await this.loadPreferred()).values()];
  }
}

export function resourceString(r: { kind: string; name: string; namespace: string }): string {
  return `${r.kind} "${r.name}" in namespace "${r.namespace}"`;
}

function objectJson(o: unknown): string {
  return JSON.stringify(o);
}

/** A key that identifies an object across manifests: group, kind, namespace, name (isMatchingInfo). */
export function resourceKey(r: KubeResource): string {
  return `${r.ref.group}/${r.kind}/${r.namespace}/${r.name}`;
}

export interface UpdateResult {
  created: KubeResource[];
  updated: KubeResource[];
  deleted: KubeResource[];
}

function notFound(err: unknown): boolean {
  return err instanceof StatusError && err.code === 404;
}

export class KubeApplier {
  readonly mapper: ResourceMapper;

  constructor(readonly client: KubeClient, readonly namespace: string, private readonly log: (m: string) => void = () => {}) {
    this.mapper = new ResourceMapper(client);
  }

  /** Parses a manifest stream into resources; objects of unknown kinds are an error. */
  async build(manifest: string): Promise<KubeResource[]> {
    const out: KubeResource[] = [];
    for (const doc of parseYamlStream(manifest)) {
      if (!isPlainObject(doc)) throw new Error(`error converting YAML to JSON: expected an object, got ${JSON.stringify(doc)}`);
      const obj = doc as KubeObject;
      if (typeof obj.kind !== 'string' || !obj.kind) throw new Error(`Object 'Kind' is missing in '${objectJson(obj)}'`);
      if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) throw new Error(`Object 'apiVersion' is missing in '${objectJson(obj)}'`);
      const md = (obj.metadata ??= {});
      const name = typeof md.name === 'string' ? md.name : '';
      const mapping = await this.mapper.find(obj.apiVersion, obj.kind);
      if (!mapping) {
        throw new Error(`resource mapping not found for name: "${name}" namespace: "${md.namespace ?? ''}" from "": no matches for kind "${obj.kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first`);
      }
      let namespace = '';
      if (mapping.namespaced) {
        if (!md.namespace) md.namespace = this.namespace;
        namespace = md.namespace;
      }
      out.push({ apiVersion: obj.apiVersion, kind: obj.kind, name, namespace, ref: mapping, object: obj });
    }
    return out;
  }

  async get(r: KubeResource): Promise<KubeObject | undefined> {
    try {
      return await this.client.get<KubeObject>(r.ref, r.namespace || undefined, r.name);
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  private async createOne(r: KubeResource): Promise<KubeObject> {
    const path = resourcePath(r.ref, r.namespace || undefined) + `?fieldManager=${FIELD_MANAGER}`;
    return this.client.request<KubeObject>('POST', path, r.object);
  }

  /** Creates the resources; objects of one kind are created concurrently, kinds in order. */
  async create(resources: KubeResource[]): Promise<void> {
    let i = 0;
    while (i < resources.length) {
      const kind = resources[i]!.kind;
      const batch: KubeResource[] = [];
      while (i < resources.length && resources[i]!.kind === kind) batch.push(resources[i++]!);
      const results = await Promise.allSettled(batch.map((r) => this.createOne(r)));
      for (const res of results) if (res.status === 'rejected') throw res.reason;
      for (const r of batch) this.log(`creating 1 resource(s): ${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name}`);
    }
  }

  /**
   * Helm's Update: creates target objects that do not exist, patches the ones that do (an object
   * must then be in `original`), deletes `original` objects missing from `target` (unless annotated
   * helm.sh/resource-policy: keep). Throws after creating what it could; the result lists what was
   * created so far in `err.result`.
   */
  async update(original: KubeResource[], target: KubeResource[], force = false): Promise<UpdateResult> {
    const res: UpdateResult = { created: [], updated: [], deleted: [] };
    const originals = new Map(original.map((r) => [resourceKey(r), r]));
    const updateErrors: string[] = [];
    try {
      for (const info of target) {
        let live: KubeObject | undefined;
        try {
          live = await this.get(info);
        } catch (err) {
          throw new Error(`could not get information about the resource: ${(err as Error).message}`);
        }
        if (!live) {
          res.created.push(info);
          try {
            await this.createOne(info);
          } catch (err) {
            throw new Error(`failed to create resource: ${(err as Error).message}`);
          }
          this.log(`Created a new ${info.kind} called "${info.name}" in ${info.namespace}`);
          continue;
        }
        const orig = originals.get(resourceKey(info));
        if (!orig) throw new Error(`no ${info.kind} with the name "${info.name}" found`);
        try {
          await this.updateResource(info, orig.object, live, force);
        } catch (err) {
          this.log(`error updating the resource "${info.name}":\n\t ${(err as Error).message}`);
          updateErrors.push((err as Error).message);
        }
        res.updated.push(info);
      }
    } catch (err) {
      throw Object.assign(err as Error, { result: res });
    }
    if (updateErrors.length) throw Object.assign(new Error(updateErrors.join(' && ')), { result: res });
    const targets = new Set(target.map(resourceKey));
    for (const info of original) {
      if (targets.has(resourceKey(info))) continue;
      this.log(`Deleting ${info.kind} "${info.name}" in namespace ${info.namespace}...`);
      let live: KubeObject | undefined;
      try {
        live = await this.get(info);
      } catch (err) {
        this.log(`Unable to get obj "${info.name}", err: ${(err as Error).message}`);
        continue;
      }
      if (!live) {
        this.log(`Unable to get obj "${info.name}", err: ${info.ref.resource} "${info.name}" not found`);
        continue;
      }
      if (isKeepPolicy(live.metadata?.annotations as Record<string, string> | undefined)) {
        this.log(`Skipping delete of "${info.name}" due to annotation [helm.sh/resource-policy=keep]`);
        continue;
      }
      try {
        await this.client.delete(info.ref, info.namespace || undefined, info.name, { propagationPolicy: 'Background' });
        res.deleted.push(info);
      } catch (err) {
        this.log(`Failed to delete "${info.name}", err: ${(err as Error).message}`);
      }
    }
    return res;
  }

  /** The patch Helm sends for one object, or undefined when nothing changes. */
  patchFor(target: KubeResource, originalObject: KubeObject, live: KubeObject): { type: 'strategic' | 'merge'; patch: Record<string, unknown> } | undefined {
    const oldData = deepClone(originalObject) as Record<string, unknown>;
    const newData = deepClone(target.object) as Record<string, unknown>;
    const { group, version } = parseApiVersion(target.apiVersion);
    const schema = schemaForKind(group, version, target.kind);
    if (!schema) {
      const patch = createMergePatch(oldData, newData);
      return Object.keys(patch).length ? { type: 'merge', patch } : undefined;
    }
    const patch = createThreeWayMergePatch(oldData, newData, deepClone(live) as Record<string, unknown>, schema);
    return Object.keys(patch).length ? { type: 'strategic', patch } : undefined;
  }

  private async updateResource(target: KubeResource, originalObject: KubeObject, live: KubeObject, force: boolean): Promise<void> {
    if (force) {
      const obj = deepClone(target.object);
      (obj.metadata ??= {}).resourceVersion = live.metadata?.resourceVersion;
      try {
        await this.client.update(target.ref, target.namespace || undefined, target.name, obj);
      } catch (err) {
        throw new Error(`failed to replace object: ${(err as Error).message}`);
      }
      return;
    }
    let p;
    try {
      p = this.patchFor(target, originalObject, live);
    } catch (err) {
      throw new Error(`failed to create patch: ${(err as Error).message}`);
    }
    if (!p) {
      this.log(`Looks like there are no changes for ${target.kind} "${target.name}"`);
      return;
    }
    this.log(`Patch ${target.kind} "${target.name}" in namespace ${target.namespace}`);
    try {
      await this.client.patch(target.ref, target.namespace || undefined, target.name, p.type, p.patch, { fieldManager: FIELD_MANAGER });
    } catch (err) {
      throw new Error(`cannot patch "${target.name}" with kind ${target.kind}: ${(err as Error).message}`);
    }
  }

  /** Deletes resources (background propagation); objects already gone are skipped. Returns the errors. */
  async delete(resources: KubeResource[], propagationPolicy = 'Background'): Promise<{ deleted: KubeResource[]; errors: Error[] }> {
    const deleted: KubeResource[] = [];
    const errors: Error[] = [];
    for (const r of resources) {
      try {
        this.log(`Starting delete for "${r.name}" ${r.kind}`);
        await this.client.delete(r.ref, r.namespace || undefined, r.name, { propagationPolicy });
        deleted.push(r);
      } catch (err) {
        if (notFound(err)) {
          this.log(`Ignoring delete failure for "${r.name}" ${r.ref.group ? r.ref.group + '/' : ''}${r.ref.version}, Kind=${r.kind}: ${(err as Error).message}`);
          continue;
        }
        errors.push(err as Error);
      }
    }
    return { deleted, errors };
  }

  /** Polls until none of the resources exist any more. */
  async waitForDelete(resources: KubeResource[], timeoutMs: number, pollMs = 500): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let remaining = 0;
      for (const r of resources) if (await this.get(r)) remaining++;
      if (remaining === 0) return;
      if (Date.now() >= deadline) throw new Error('timed out waiting for the condition');
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
