// An in-memory stand-in for the API server, speaking the subset of KubeClient the release code
// uses (get/list/create/update/patch/delete/request/discover), for unit tests. Patches are applied
// with the API server's own patch code; label selectors support equality terms.
import { BUILTIN_RESOURCES } from '../../api/registry.js';
import { StatusError } from '../../api/errors.js';
import { deepClone, type KubeObject } from '../../api/object.js';
import { schemaForKind } from '../../api/schema.js';
import { applyMergePatch, applyStrategicMergePatch } from '../../api/patch/index.js';
import type { KubeClient, ResourceRef } from '../../client/client.js';

export interface FakeResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

export class FakeCluster {
  readonly objects = new Map<string, KubeObject>();
  readonly resources: FakeResource[];
  /** every mutating call, in order: "create ConfigMap ns/name" */
  readonly calls: string[] = [];
  private rv = 1;
  /** called after an object is created (tests use it to complete Jobs, set statuses, ...) */
  onCreate: (obj: KubeObject, r: FakeResource) => void = () => {};
  /** a failure to inject: return an error to make the call fail */
  failOn: (verb: string, obj: { kind: string; name: string }) => Error | undefined = () => undefined;

  constructor(extra: FakeResource[] = []) {
    this.resources = [
      ...BUILTIN_RESOURCES.filter((r) => r.preferred).map((r) => ({ group: r.group, version: r.version, resource: r.resource, kind: r.kind, namespaced: r.namespaced })),
      ...extra,
    ];
  }

  get client(): KubeClient {
    return this as unknown as KubeClient;
  }

  private key(r: ResourceRef, ns: string | undefined, name: string): string {
    return `${r.group}/${r.resource}/${r.namespaced ? ns ?? '' : ''}/${name}`;
  }

  private info(r: ResourceRef): FakeResource {
    const res = this.resources.find((x) => x.group === r.group && x.resource === r.resource);
    if (!res) throw new StatusError(404, 'NotFound', `the server could not find the requested resource`);
    return res;
  }

  private notFound(r: ResourceRef, name: string): StatusError {
    return new StatusError(404, 'NotFound', `${r.group ? `${r.resource}.${r.group}` : r.resource} "${name}" not found`);
  }

  /** The stored object (tests). */
  find(kind: string, namespace: string, name: string): KubeObject | undefined {
    const res = this.resources.find((x) => x.kind === kind);
    if (!res) return undefined;
    return this.objects.get(this.key(res, namespace, name));
  }

  /** Mutates a stored object in place (tests: status updates). */
  mutate(kind: string, namespace: string, name: string, fn: (o: KubeObject) => void): void {
    const o = this.find(kind, namespace, name);
    if (!o) throw new Error(`no ${kind} ${namespace}/${name}`);
    fn(o);
    o.metadata!.resourceVersion = String(++this.rv);
  }

  list<T>(r: ResourceRef, ns?: string, query: Record<string, string> = {}): Promise<{ apiVersion: string; kind: string; metadata: object; items: T[] }> {
    const res = this.info(r);
    const prefix = `${r.group}/${r.resource}/`;
    const sel = (query.labelSelector ?? '').split(',').filter(Boolean).map((t) => t.split('='));
    const items: KubeObject[] = [];
    for (const [k, o] of this.objects) {
      if (!k.startsWith(prefix)) continue;
      if (res.namespaced && ns && o.metadata?.namespace !== ns) continue;
      const labels = (o.metadata?.labels ?? {}) as Record<string, string>;
      if (!sel.every(([lk, lv]) => labels[lk!] === lv)) continue;
      items.push(deepClone(o));
    }
    return Promise.resolve({ apiVersion: 'v1', kind: 'List', metadata: {}, items: items as T[] });
  }

  get<T>(r: ResourceRef, ns: string | undefined, name: string): Promise<T> {
    this.info(r);
    const o = this.objects.get(this.key(r, ns, name));
    if (!o) return Promise.reject(this.notFound(r, name));
    return Promise.resolve(deepClone(o) as T);
  }

  create<T>(r: ResourceRef, ns: string | undefined, obj: unknown): Promise<T> {
    try {
      return Promise.resolve(this.doCreate(r, ns, obj) as T);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private doCreate(r: ResourceRef, ns: string | undefined, body: unknown): KubeObject {
    const res = this.info(r);
    const obj = deepClone(body) as KubeObject;
    const md = (obj.metadata ??= {});
    const name = md.name ?? '';
    const fail = this.failOn('create', { kind: res.kind, name });
    if (fail) throw fail;
    if (res.namespaced) md.namespace = ns ?? md.namespace;
    else delete md.namespace;
    const k = this.key(r, md.namespace, name);
    if (this.objects.has(k)) throw new StatusError(409, 'AlreadyExists', `${r.group ? `${r.resource}.${r.group}` : r.resource} "${name}" already exists`);
    if (res.namespaced && md.namespace && !this.objects.has(`/namespaces//${md.namespace}`) && !['default', 'kube-system'].includes(md.namespace)) {
      throw new StatusError(404, 'NotFound', `namespaces "${md.namespace}" not found`);
    }
    md.uid = `uid-${this.rv}`;
    md.resourceVersion = String(++this.rv);
    md.creationTimestamp = new Date().toISOString();
    md.generation = 1;
    obj.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    obj.kind = res.kind;
    if (res.kind === 'Service') {
      const spec = (obj.spec ??= {}) as Record<string, unknown>;
      if (spec.clusterIP === undefined) spec.clusterIP = `10.43.0.${this.rv % 250}`;
    }
    this.objects.set(k, obj);
    this.calls.push(`create ${res.kind} ${md.namespace ? md.namespace + '/' : ''}${name}`);
    this.onCreate(obj, res);
    return deepClone(obj);
  }

  update<T>(r: ResourceRef, ns: string | undefined, name: string, body: unknown): Promise<T> {
    const res = this.info(r);
    const k = this.key(r, ns, name);
    const old = this.objects.get(k);
    if (!old) return Promise.reject(this.notFound(r, name));
    const obj = deepClone(body) as KubeObject;
    const md = (obj.metadata ??= {});
    md.uid = old.metadata?.uid;
    md.creationTimestamp = old.metadata?.creationTimestamp;
    md.namespace = old.metadata?.namespace;
    md.resourceVersion = String(++this.rv);
    md.generation = (old.metadata?.generation ?? 1) + 1;
    this.objects.set(k, obj);
    this.calls.push(`update ${res.kind} ${ns ? ns + '/' : ''}${name}`);
    return Promise.resolve(deepClone(obj) as T);
  }

  /** every patch body received, in order */
  readonly patches: Array<{ kind: string; name: string; type: string; patch: unknown }> = [];

  patch<T>(r: ResourceRef, ns: string | undefined, name: string, type: string, patch: unknown): Promise<T> {
    const res = this.info(r);
    const k = this.key(r, ns, name);
    const old = this.objects.get(k);
    if (!old) return Promise.reject(this.notFound(r, name));
    const fail = this.failOn('patch', { kind: res.kind, name });
    if (fail) return Promise.reject(fail);
    this.patches.push({ kind: res.kind, name, type, patch: deepClone(patch) });
    let next: KubeObject;
    try {
      next = (type === 'strategic'
        ? applyStrategicMergePatch(old, patch, schemaForKind(r.group, r.version, res.kind))
        : applyMergePatch(old, patch)) as KubeObject;
    } catch (err) {
      return Promise.reject(err);
    }
    next.metadata!.resourceVersion = String(++this.rv);
    if (JSON.stringify({ ...next, metadata: undefined, status: undefined }) !== JSON.stringify({ ...old, metadata: undefined, status: undefined })) {
      next.metadata!.generation = (old.metadata?.generation ?? 1) + 1;
    }
    this.objects.set(k, next);
    this.calls.push(`patch ${res.kind} ${ns ? ns + '/' : ''}${name}`);
    return Promise.resolve(deepClone(next) as T);
  }

  delete(r: ResourceRef, ns: string | undefined, name: string): Promise<unknown> {
    const res = this.info(r);
    const k = this.key(r, ns, name);
    if (!this.objects.has(k)) return Promise.reject(this.notFound(r, name));
    this.objects.delete(k);
    this.calls.push(`delete ${res.kind} ${ns && res.namespaced ? ns + '/' : ''}${name}`);
    return Promise.resolve({});
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const [p] = path.split('?');
    const parts = p!.split('/').filter(Boolean);
    // /api/v1[/namespaces/ns]/resource[/name] or /apis/group/version[/namespaces/ns]/resource[/name]
    let group = '';
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') { version = parts[1]!; rest = parts.slice(2); } else { group = parts[1]!; version = parts[2]!; rest = parts.slice(3); }
    if (method === 'GET' && rest.length === 0) {
      const resources = this.resources.filter((r) => r.group === group && r.version === version).map((r) => ({ name: r.resource, kind: r.kind, namespaced: r.namespaced }));
      if (resources.length === 0) return Promise.reject(new StatusError(404, 'NotFound', 'the server could not find the requested resource'));
      return Promise.resolve({ kind: 'APIResourceList', groupVersion: group ? `${group}/${version}` : version, resources } as T);
    }
    let ns: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) { ns = rest[1]; rest = rest.slice(2); }
    const res = this.resources.find((r) => r.group === group && r.version === version && r.resource === rest[0]);
    if (!res) return Promise.reject(new StatusError(404, 'NotFound', 'the server could not find the requested resource'));
    const ref: ResourceRef = { group, version, resource: res.resource, namespaced: res.namespaced };
    if (method === 'POST') return this.create<T>(ref, ns, body);
    if (method === 'GET' && rest[1]) return this.get<T>(ref, ns, rest[1]);
    if (method === 'GET') return this.list(ref, ns) as Promise<T>;
    return Promise.reject(new Error(`fake: unsupported ${method} ${path}`));
  }

  discover(): Promise<Array<ResourceRef & { kind: string; verbs: string[] }>> {
    return Promise.resolve(this.resources.map((r) => ({ group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] })));
  }
}
