// The generic REST handler: create / get / list / watch / update / patch / delete / deletecollection
// for every served resource, their status and scale subresources, over the store and watch cache.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import YAML from 'yaml';
import type { Store } from '../storage/interface.js';
import { KeyExistsError } from '../storage/interface.js';
import type { ResourceRegistry, ResourceInfo } from '../api/registry.js';
import { errors, StatusError } from '../api/errors.js';
import { deepClone, deepEqual, isPlainObject, parseApiVersion, apiVersionOf, jsonKind, type KubeObject } from '../api/object.js';
import { schemaForKind } from '../api/schema.js';
import { parseLabelSelector, parseFieldSelector, matchLabels, matchFields, checkFieldSelector, labelSelectorString } from '../api/selectors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../api/patch/index.js';
import { serverSideApply, trackUpdate, conflictError } from '../api/apply/index.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf/index.js';
import { toTable } from './printers/index.js';
import { WatchCache, type CacheEvent } from './watchcache.js';
import { readBody, sendJson, negotiate, successStatus, type ResponseFormat } from './http.js';
import { storageKey, resourcePrefix, type RequestInfo } from './request.js';
import { strategyFor, fieldsOf, supportedFieldLabels, type Strategy } from './strategy.js';
import { decodeChecked, defaultObject, validate, parseFieldValidation } from './admission.js';
import { convertToVersion } from './conversion.js';

export interface User {
  name: string;
  groups: string[];
}

/** Server-side behaviour hooked in by other API server parts (service IPs, node ports, ...). */
export interface RestHooks {
  beforeCreate?: (info: ResourceInfo, obj: KubeObject) => Promise<void> | void;
  beforeUpdate?: (info: ResourceInfo, obj: KubeObject, old: KubeObject) => Promise<void> | void;
}

interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  warnings: string[];
}

const NOW = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const MAX_RETRIES = 10;
/** Kinds whose DELETE answers with the deleted object rather than a Status (as in Kubernetes 1.32). */
const RETURNS_DELETED_OBJECT = new Set(['/pods', '/services', '/persistentvolumeclaims', '/persistentvolumes', '/serviceaccounts', '/podtemplates', '/resourcequotas', 'storage.k8s.io/storageclasses', '/namespaces']);

export class RestHandler {
  constructor(
    private readonly store: Store,
    private readonly cache: WatchCache,
    private readonly registry: ResourceRegistry,
    private readonly hooks: RestHooks = {},
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams, user: User): Promise<void> {
    const method = req.method ?? 'GET';
    const { info } = ri;
    if (info.namespaced && ri.name !== undefined && ri.namespace === undefined && method !== 'GET') {
      // Writes to namespaced objects need the namespace in the path.
      throw errors.notFoundPath();
    }
    if (ri.subresource && !info.subresources.some((s) => s.name === ri.subresource)) throw errors.notFoundPath();
    if (ri.name === undefined) {
      if (ri.subresource) throw errors.notFoundPath();
      switch (method) {
        case 'GET':
          if (isTrue(query.get('watch'))) return this.watch(req, res, ri, query);
          return this.list(req, res, ri, query);
        case 'POST':
          return this.create(req, res, ri, query, user);
        case 'DELETE':
          return this.deleteCollection(req, res, ri, query);
        default:
          throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
      }
    }
    switch (ri.subresource) {
      case undefined:
      case 'status':
      case 'finalize':
        break;
      case 'scale':
        return this.scale(req, res, ri, query, user);
      case 'binding':
        if (method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        return this.bind(req, res, ri, query);
      default:
        throw new StatusError(503, 'ServiceUnavailable', `the ${ri.subresource} subresource of ${info.resource} is served by the node agent, which is not reachable`);
    }
    switch (method) {
      case 'GET':
        return this.get(req, res, ri);
      case 'PUT':
        return this.replace(req, res, ri, query, user);
      case 'PATCH':
        return this.patch(req, res, ri, query, user);
      case 'DELETE':
        if (ri.subresource) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        return this.delete(req, res, ri, query);
      case 'POST':
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      default:
        throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  // ---------------------------------------------------------------- reads

  private keyOf(ri: RequestInfo, name: string): string {
    return storageKey(ri.info, ri.namespace, name);
  }

  private listPrefix(ri: RequestInfo): string {
    return resourcePrefix(ri.info) + (ri.info.namespaced && ri.namespace !== undefined ? `${ri.namespace}/` : '');
  }

  /** Makes the cache at least as new as the store (read-your-writes). */
  private async fresh(): Promise<void> {
    await this.cache.waitFor(await this.store.currentRevision());
  }

  private out(info: ResourceInfo, obj: KubeObject): KubeObject {
    return convertToVersion(obj, info);
  }

  private async get(req: IncomingMessage, res: ServerResponse, ri: RequestInfo): Promise<void> {
    await this.fresh();
    const entry = this.cache.get(this.keyOf(ri, ri.name!));
    if (!entry) throw errors.notFound(ri.info.resource, ri.group, ri.name!);
    const format = negotiate(req.headers.accept);
    const obj = this.out(ri.info, entry.obj);
    if (format.kind === 'table') return sendJson(res, 200, toTable(ri.info, [obj], tableOpts(format)));
    if (format.kind === 'partial') return sendJson(res, 200, partial(obj));
    sendJson(res, 200, obj);
  }

  private filters(ri: RequestInfo, query: URLSearchParams): (obj: KubeObject) => boolean {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    const strategy = strategyFor(ri.info);
    if (!fields.empty) checkFieldSelector(fields, supportedFieldLabels(strategy));
    if (labels.empty && fields.empty) return () => true;
    return (obj) => matchLabels(labels, obj.metadata?.labels) && (fields.empty || matchFields(fields, fieldsOf(strategy, obj)));
  }

  private async list(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams): Promise<void> {
    const format = negotiate(req.headers.accept);
    const match = this.filters(ri, query);
    const limit = Math.max(0, parseInt(query.get('limit') ?? '0', 10) || 0);
    const prefix = this.listPrefix(ri);
    let startKey: string | undefined;
    let listRv: number;
    const cont = query.get('continue');
    if (cont) {
      const tok = decodeContinue(cont);
      startKey = prefix + tok.start;
      listRv = tok.rv;
    } else {
      const rv = query.get('resourceVersion');
      if (rv && rv !== '0') {
        const n = Number(rv);
        if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid resource version "${rv}"`);
        if (n > this.cache.revision) await this.cache.waitFor(n);
      } else if (!rv) {
        await this.fresh();
      }
      listRv = this.cache.revision;
    }
    const items: KubeObject[] = [];
    let nextStart: string | undefined;
    let remaining = 0;
    for (const e of this.cache.list(prefix, startKey)) {
      if (!match(e.obj)) continue;
      if (limit && items.length >= limit) {
        if (!nextStart) nextStart = e.key.slice(prefix.length);
        remaining++;
        continue;
      }
      items.push(this.out(ri.info, e.obj));
    }
    const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (nextStart !== undefined) {
      metadata.continue = encodeContinue(listRv, nextStart);
      if (!query.get('labelSelector') && !query.get('fieldSelector')) metadata.remainingItemCount = remaining;
    }
    if (format.kind === 'table') {
      const table = toTable(ri.info, items, tableOpts(format));
      table.metadata = metadata as typeof table.metadata;
      return sendJson(res, 200, table);
    }
    if (format.kind === 'partial') {
      return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: items.map(partial) });
    }
    // Large lists are streamed item by item (each item's JSON is cached) rather than built as one string.
    const head = `{"kind":${JSON.stringify(ri.info.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(ri.group, ri.version))},"metadata":${JSON.stringify(metadata)},"items":[`;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let chunk = head;
    for (let i = 0; i < items.length; i++) {
      chunk += (i ? ',' : '') + jsonOf(items[i]);
      if (chunk.length > 1 << 20) {
        if (!res.write(chunk)) await new Promise<void>((r) => { res.once('drain', r); res.once('close', r); });
        chunk = '';
      }
    }
    res.end(chunk + ']}');
  }

  private async watch(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams): Promise<void> {
    const format = negotiate(req.headers.accept);
    const match = this.filters(ri, query);
    const prefix = this.listPrefix(ri) + (ri.info.namespaced && ri.namespace !== undefined ? '' : '');
    const rvParam = query.get('resourceVersion');
    const sendInitial = isTrue(query.get('sendInitialEvents'));
    const bookmarks = isTrue(query.get('allowWatchBookmarks'));
    const timeoutSec = Math.min(Number(query.get('timeoutSeconds') ?? 0) || 1800 + Math.floor(Math.random() * 1800), 3600);
    const nameFilter = (() => {
      // kubectl's wait/delete watch names one object by field selector; nothing more to do here.
      return undefined;
    })();
    void nameFilter;

    let afterRv: number;
    const initial: CacheEvent[] = [];
    if (!rvParam || rvParam === '0' || sendInitial) {
      if (!rvParam) await this.fresh();
      afterRv = this.cache.revision;
      for (const e of this.cache.list(prefix)) initial.push({ type: 'ADDED', key: e.key, obj: e.obj, rv: e.rv });
    } else {
      afterRv = Number(rvParam);
      if (!Number.isInteger(afterRv) || afterRv < 0) throw errors.badRequest(`invalid resource version "${rvParam}"`);
    }

    const encode = (type: string, obj: unknown) => `{"type":"${type}","object":${jsonOf(obj)}}\n`;
    const render = (obj: KubeObject): unknown => {
      const o = this.out(ri.info, obj);
      if (format.kind === 'table') return toTable(ri.info, [o], tableOpts(format));
      if (format.kind === 'partial') return partial(o);
      return o;
    };
    const pending: string[] = [];
    let unsubscribe: (() => void) | undefined;
    let closed = false;
    // Events that arrive while subscribing (the backlog) wait until the headers are out.
    let started = false;
    const push = (events: CacheEvent[]) => {
      for (const ev of events) {
        const now = match(ev.obj);
        const before = ev.prev ? match(ev.prev) : false;
        let type: string = ev.type;
        if (ev.type === 'MODIFIED') {
          if (now && !before) type = 'ADDED';
          else if (!now && before) type = 'DELETED';
          else if (!now) continue;
        } else if (!now) continue;
        pending.push(encode(type, render(ev.obj)));
      }
      flush();
    };
    const flush = () => {
      if (!started || closed || !pending.length) return;
      const chunk = pending.join('');
      pending.length = 0;
      res.write(chunk);
    };
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      clearTimeout(timer);
      clearInterval(bm);
      res.end();
    };

    // Subscribing may fail with 410 Gone before anything was written: that becomes a normal error reply.
    unsubscribe = this.cache.watch(prefix, afterRv, (evs) => push(evs));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    started = true;
    if (initial.length) {
      // The initial state goes before anything that arrived while subscribing.
      const backlog = pending.splice(0);
      push(initial);
      pending.push(...backlog);
    }
    flush();
    if (sendInitial) {
      pending.push(encode('BOOKMARK', { kind: ri.info.kind, apiVersion: apiVersionOf(ri.group, ri.version), metadata: { resourceVersion: String(afterRv), annotations: { 'k8s.io/initial-events-end': 'true' } } }));
      flush();
    }
    const timer = setTimeout(close, timeoutSec * 1000);
    const bm = setInterval(() => {
      if (!bookmarks) return;
      pending.push(encode('BOOKMARK', { kind: ri.info.kind, apiVersion: apiVersionOf(ri.group, ri.version), metadata: { resourceVersion: String(this.cache.revision) } }));
      flush();
    }, 30_000);
    req.on('close', close);
    res.on('close', close);
  }

  // ---------------------------------------------------------------- writes

  private writeOptions(query: URLSearchParams, req: IncomingMessage): WriteOptions {
    const dryRun = query.getAll('dryRun');
    for (const d of dryRun) if (d !== 'All') throw errors.badRequest(`Invalid dry run value: ${d}`);
    const ua = String(req.headers['user-agent'] ?? 'unknown');
    const fieldManager = query.get('fieldManager') ?? ua.split('/')[0] ?? 'unknown';
    if (fieldManager.length > 128) throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueInvalid', field: 'fieldManager', message: 'fieldManager cannot be longer than 128 characters' }]);
    return { dryRun: dryRun.length > 0, fieldManager, warnings: [] };
  }

  /** Parses a request body as a Kubernetes object (JSON, YAML or protobuf). */
  private async readObject(req: IncomingMessage): Promise<KubeObject> {
    const body = await readBody(req);
    const ct = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    let obj: unknown;
    if (ct === PROTOBUF_CONTENT_TYPE) obj = decodeProtobufObject(body);
    else if (ct === 'application/json' || ct === '' || ct === '*/*') obj = parseJson(body);
    else if (ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml') obj = parseYaml(body);
    else throw errors.unsupportedMediaType(ct);
    if (!isPlainObject(obj)) throw errors.badRequest(`Object 'Kind' is missing in '${truncate(body.toString('utf8'))}'`);
    return obj as KubeObject;
  }

  /** Checks apiVersion/kind in a body against the endpoint and fills them in. */
  private checkTypeMeta(obj: KubeObject, ri: RequestInfo, expectKind = ri.info.kind): void {
    if (obj.kind !== undefined && typeof obj.kind !== 'string') throw errors.badRequest(`Object 'Kind' is missing or not a string`);
    if (obj.apiVersion !== undefined && typeof obj.apiVersion !== 'string') throw errors.badRequest(`Object 'apiVersion' is not a string`);
    const gv = apiVersionOf(ri.group, ri.version);
    if (obj.kind && obj.kind !== expectKind) {
      throw errors.badRequest(`the object provided is unrecognized (must be of type ${expectKind}): ${obj.kind} is not a ${expectKind}`);
    }
    if (obj.apiVersion && obj.apiVersion !== gv) {
      const { group } = parseApiVersion(obj.apiVersion);
      if (group !== ri.group || !this.registry.get(group, parseApiVersion(obj.apiVersion).version, ri.info.resource)) {
        throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
      }
    }
    obj.apiVersion = gv;
    obj.kind = expectKind;
    if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) {
      throw errors.badRequest(`${expectKind} in version "${ri.version}" cannot be handled as a ${expectKind}: json: cannot unmarshal ${jsonKind(obj.metadata)} into Go struct field ${expectKind}.metadata of type v1.ObjectMeta`);
    }
  }

  private checkNamespace(ri: RequestInfo, obj: KubeObject): void {
    const md = (obj.metadata ??= {});
    if (ri.info.namespaced) {
      if (md.namespace && ri.namespace !== undefined && md.namespace !== ri.namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      md.namespace = ri.namespace ?? md.namespace;
      if (!md.namespace) throw errors.badRequest('the server could not find the requested resource');
    } else if (md.namespace) {
      delete md.namespace;
    }
  }

  private async namespaceMustAccept(ri: RequestInfo, namespace: string | undefined, creating = true): Promise<void> {
    if (!ri.info.namespaced || namespace === undefined) return;
    const ns = this.cache.get(`/registry/core/namespaces/${namespace}`);
    if (!ns) throw errors.notFound('namespaces', '', namespace);
    if (creating && ns.obj.metadata?.deletionTimestamp) {
      throw new StatusError(403, 'Forbidden', `${ri.info.resource} "${'name'}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, { causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] });
    }
  }

  /** Decode checks, defaults, validation: the shared front half of create and update. */
  private admit(ri: RequestInfo, obj: KubeObject, query: URLSearchParams, opts: WriteOptions): KubeObject {
    const mode = parseFieldValidation(query.get('fieldValidation'));
    const checked = decodeChecked(obj, ri.info, mode);
    opts.warnings.push(...checked.warnings);
    return checked.obj;
  }

  /** Reads a full object from a POST or PUT body: decode, type meta, structural checks, namespace. */
  private async readAdmitted(req: IncomingMessage, ri: RequestInfo, query: URLSearchParams, opts: WriteOptions): Promise<KubeObject> {
    const raw = await this.readObject(req);
    this.checkTypeMeta(raw, ri);
    const obj = this.admit(ri, raw, query, opts);
    this.checkNamespace(ri, obj);
    return obj;
  }

  private async create(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams, user: User): Promise<void> {
    void user;
    const opts = this.writeOptions(query, req);
    const obj = await this.readAdmitted(req, ri, query, opts);
    const created = await this.createObject(ri, obj, opts);
    sendJson(res, 201, this.out(ri.info, created), warningHeaders(opts.warnings));
  }

  /** Creates an admitted object: metadata, defaults, hooks, validation, managed fields, store. */
  async createObject(ri: RequestInfo, input: KubeObject, opts: WriteOptions, managedAlready = false): Promise<KubeObject> {
    const info = ri.info;
    const strategy = strategyFor(info);
    const obj = toStorageVersion(input, info, this.registry);
    const md = (obj.metadata ??= {});
    if (!md.name) {
      if (md.generateName) md.name = md.generateName + randomSuffix();
      else throw errors.invalid(info.kind, info.group, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    if (ri.name !== undefined && ri.name !== md.name && ri.subresource === undefined) {
      // PUT-to-create path: names must match
      throw errors.badRequest('the name of the object does not match the name on the URL');
    }
    await this.namespaceMustAccept(ri, md.namespace);
    md.uid = randomUUID();
    md.creationTimestamp = NOW();
    delete md.resourceVersion;
    delete md.deletionTimestamp;
    delete md.deletionGracePeriodSeconds;
    delete (md as Record<string, unknown>).selfLink;
    if (strategy.generation) md.generation = 1;
    else delete md.generation;
    if (strategy.statusSubresource && !['pods', 'nodes', 'namespaces'].includes(info.resource) && !(info.group === '' && /^persistentvolume/.test(info.resource))) {
      delete obj.status;
    }
    defaultObject(obj, info);
    strategy.prepareForCreate?.(obj);
    await this.hooks.beforeCreate?.(info, obj);
    validate(obj, info);
    const managed = managedAlready ? obj : trackUpdate({ oldObj: undefined, newObj: obj, manager: opts.fieldManager, schema: schemaForKind(info.group, info.storageVersion, info.kind), apiVersion: apiVersionOf(info.group, info.version), now: NOW() });
    if (opts.dryRun) return managed;
    const key = storageKey(info, md.namespace, md.name);
    try {
      const rev = await this.store.create(key, encodeStored(managed));
      managed.metadata = { ...managed.metadata, resourceVersion: String(rev) };
      return managed;
    } catch (err) {
      if (err instanceof KeyExistsError) throw errors.alreadyExists(info.resource, info.group, md.name);
      throw err;
    }
  }

  private async replace(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams, user: User): Promise<void> {
    void user;
    const opts = this.writeOptions(query, req);
    const obj = await this.readAdmitted(req, ri, query, opts);
    if (obj.metadata?.name && obj.metadata.name !== ri.name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${ri.name})`);
    }
    const wantedRv = obj.metadata?.resourceVersion;
    const { obj: result, created } = await this.update(ri, opts, (current) => {
      if (!current) {
        // PUT creates objects for kinds that allow it (Kubernetes: most do when no resourceVersion is given).
        if (ri.subresource || wantedRv) throw errors.notFound(ri.info.resource, ri.group, ri.name!);
        return { create: obj };
      }
      if (wantedRv && wantedRv !== current.metadata?.resourceVersion) {
        throw errors.conflict(ri.info.resource, ri.group, ri.name!, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      return { next: deepClone(toStorageVersion(obj, ri.info, this.registry)) };
    }, /* retryOnConflict */ !wantedRv);
    sendJson(res, created ? 201 : 200, this.out(ri.info, result), warningHeaders(opts.warnings));
  }

  private async patch(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams, user: User): Promise<void> {
    void user;
    const opts = this.writeOptions(query, req);
    const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const body = await readBody(req);
    const info = ri.info;
    const schema = schemaForKind(info.group, info.version, info.kind);
    const isApply = ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+cbor';
    if (!['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].includes(ct) && !isApply) {
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
    if (ct === 'application/strategic-merge-patch+json' && info.crd) {
      throw new StatusError(415, 'UnsupportedMediaType', 'strategic merge patch is not supported for custom resources: use a merge patch or a JSON patch');
    }
    const patchDoc = isApply ? parseYaml(body) : parseJson(body);
    if (isApply) {
      if (!query.get('fieldManager')) throw errors.badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
      if (!isPlainObject(patchDoc)) throw errors.badRequest('error decoding YAML: the apply configuration must be an object');
    }
    const force = isTrue(query.get('force'));
    if (force && !isApply) throw errors.badRequest('force may not be specified for non-apply patch');
    const mode = parseFieldValidation(query.get('fieldValidation'));
    const { obj: result, created } = await this.update(ri, opts, (current) => {
      if (isApply) {
        const config = deepClone(patchDoc) as KubeObject;
        this.checkTypeMeta(config, ri, ri.subresource === 'scale' ? 'Scale' : info.kind);
        const checked = decodeChecked(config, info, mode);
        const cfg = checked.obj;
        this.checkNamespace(ri, cfg);
        if (cfg.metadata?.name && cfg.metadata.name !== ri.name) throw errors.badRequest(`the name of the object (${cfg.metadata.name}) does not match the name on the URL (${ri.name})`);
        (cfg.metadata ??= {}).name = ri.name;
        let applied: ReturnType<typeof serverSideApply>;
        try {
          applied = serverSideApply({ live: current ? deepClone(current) : undefined, config: cfg, manager: opts.fieldManager, force, schema, apiVersion: apiVersionOf(info.group, info.version), now: NOW(), subresource: ri.subresource, hasStatusSubresource: strategyFor(info).statusSubresource });
        } catch (err) {
          // An apply configuration the merge cannot use (duplicate or missing list keys) is the client's error.
          if (err instanceof StatusError && err.code >= 500) throw errors.badRequest(err.message, err.details?.causes);
          throw err;
        }
        if (applied.conflicts.length) throw conflictError(info.kind, info.group, ri.name!, applied.conflicts, apiVersionOf(info.group, info.version));
        opts.warnings.push(...checked.warnings);
        if (!current) {
          if (ri.subresource) throw errors.notFound(info.resource, ri.group, ri.name!);
          return { create: applied.object, managedAlready: true };
        }
        return { next: applied.object, managedAlready: true };
      }
      if (!current) throw errors.notFound(info.resource, ri.group, ri.name!);
      const before = this.out(info, current);
      let patched: unknown;
      try {
        if (ct === 'application/json-patch+json') patched = applyJsonPatch(before, patchDoc);
        else if (ct === 'application/merge-patch+json') patched = applyMergePatch(before, patchDoc);
        else patched = applyStrategicMergePatch(before, patchDoc, schema);
      } catch (err) {
        // A patch that cannot be applied is the client's error, whatever the patch engine calls it.
        if (err instanceof StatusError && err.code >= 500) throw errors.badRequest(err.message, err.details?.causes);
        throw err;
      }
      if (!isPlainObject(patched)) throw errors.badRequest('the patch produced something that is not an object');
      const p = patched as KubeObject;
      this.checkTypeMeta(p, ri);
      const checked = decodeChecked(p, info, mode);
      opts.warnings.push(...checked.warnings);
      const next = checked.obj;
      if (next.metadata?.name !== undefined && next.metadata.name !== ri.name) throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${ri.name})`);
      const rvPatched = next.metadata?.resourceVersion;
      if (rvPatched && rvPatched !== current.metadata?.resourceVersion) {
        throw errors.conflict(info.resource, info.group, ri.name!, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      return { next: toStorageVersion(next, info, this.registry) };
    }, true);
    sendJson(res, created ? 201 : 200, this.out(info, result), warningHeaders(opts.warnings));
  }

  /**
   * Read-modify-write with compare-and-swap: `mutate` sees the current object (storage version) and
   * returns the next one (or an object to create). Retries on a lost race when allowed.
   */
  async update(
    ri: RequestInfo,
    opts: WriteOptions,
    mutate: (current: KubeObject | undefined) => { next?: KubeObject; create?: KubeObject; managedAlready?: boolean },
    retryOnConflict: boolean,
  ): Promise<{ obj: KubeObject; created: boolean }> {
    const info = ri.info;
    const strategy = strategyFor(info);
    const key = this.keyOf(ri, ri.name!);
    for (let attempt = 0; ; attempt++) {
      const { kv } = await this.store.get(key);
      const current = kv ? decodeValue(kv.value, kv.modRevision) : undefined;
      const step = mutate(current ? deepClone(current) : undefined);
      if (step.create) {
        const toCreate = step.create;
        this.checkNamespace(ri, toCreate);
        (toCreate.metadata ??= {}).name ??= ri.name;
        // apply-created objects already carry their managedFields: they are not tracked again
        return { obj: await this.createObject(ri, toCreate, opts, !!step.managedAlready), created: true };
      }
      const old = current!;
      let next = step.next!;
      next = this.mergeForUpdate(ri, strategy, old, next);
      if (!step.managedAlready) {
        next = trackUpdate({ oldObj: old, newObj: next, manager: opts.fieldManager, schema: schemaForKind(info.group, info.storageVersion, info.kind), apiVersion: apiVersionOf(info.group, info.version), now: NOW(), subresource: ri.subresource === 'status' || ri.subresource === 'binding' ? ri.subresource : undefined });
      }
      if (ri.subresource === undefined) {
        defaultObject(next, info);
      }
      await this.hooks.beforeUpdate?.(info, next, old);
      if (sameObject(old, next)) return { obj: old, created: false };
      // A binding only sets the node; pod-update validation (spec is immutable) does not apply to it.
      if (ri.subresource !== 'binding') validate(next, info, old);
      const md = next.metadata!;
      if (opts.dryRun) return { obj: next, created: false };
      // An object being deleted whose last finalizer went away is deleted now.
      if (md.deletionTimestamp && !(md.finalizers?.length) && !(md.deletionGracePeriodSeconds) && !hasNamespaceFinalizers(next)) {
        const del = await this.store.delete(key, kv!.modRevision);
        if (del.succeeded) return { obj: { ...next, metadata: { ...md, resourceVersion: String(del.revision) } }, created: false };
      } else {
        const r = await this.store.update(key, encodeStored(next), kv!.modRevision);
        if (r.succeeded) {
          next.metadata = { ...md, resourceVersion: String(r.revision) };
          return { obj: next, created: false };
        }
      }
      if (!retryOnConflict || attempt >= MAX_RETRIES) {
        throw errors.conflict(info.resource, info.group, ri.name!, 'the object has been modified; please apply your changes to the latest version and try again');
      }
    }
  }

  /** Carries server-owned fields from the stored object into an update, per subresource and kind. */
  private mergeForUpdate(ri: RequestInfo, strategy: Strategy, old: KubeObject, input: KubeObject): KubeObject {
    const next = deepClone(input);
    const om = old.metadata!;
    const md = (next.metadata ??= {});
    md.name = om.name;
    if (om.namespace !== undefined) md.namespace = om.namespace;
    md.uid = om.uid;
    md.creationTimestamp = om.creationTimestamp;
    md.resourceVersion = om.resourceVersion;
    if (om.deletionTimestamp) {
      md.deletionTimestamp = om.deletionTimestamp;
      if (om.deletionGracePeriodSeconds !== undefined) md.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    } else {
      delete md.deletionTimestamp;
      delete md.deletionGracePeriodSeconds;
    }
    if (om.generation !== undefined) md.generation = om.generation;
    if (ri.subresource === 'binding') {
      // The binding handler changed nodeName and the PodScheduled condition of a copy of the stored pod.
      return next;
    }
    if (ri.subresource === 'status') {
      // Through /status: the status, and (as Kubernetes' status strategies allow) annotations, and for
      // kinds other than apps/* labels too; spec and the rest of metadata stay as stored.
      const out: KubeObject = { ...deepClone(old), status: next.status };
      out.metadata = { ...deepClone(om), managedFields: md.managedFields ?? om.managedFields };
      if (md.annotations !== undefined) out.metadata.annotations = md.annotations; else delete out.metadata.annotations;
      if (ri.info.group !== 'apps') {
        if (md.labels !== undefined) out.metadata.labels = md.labels; else delete out.metadata.labels;
      }
      return out;
    }
    if (ri.subresource === 'finalize') {
      const out = deepClone(old);
      (out.spec as Record<string, unknown> | undefined) ??= {};
      (out.spec as Record<string, unknown>).finalizers = (next.spec as Record<string, unknown> | undefined)?.finalizers ?? [];
      return out;
    }
    if (strategy.statusSubresource) {
      if (old.status !== undefined) next.status = deepClone(old.status);
      else delete next.status;
    }
    if (strategy.generation) {
      const strip = (o: KubeObject) => { const { metadata: _m, status: _s, ...rest } = o; return rest; };
      if (!deepEqual(strip(old), strip(next))) md.generation = (om.generation ?? 0) + 1;
    }
    if (ri.info.resource === 'namespaces' && ri.info.group === '') {
      next.spec = deepClone(old.spec);
    }
    return next;
  }

  // ---------------------------------------------------------------- deletes

  private async readDeleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<{ propagation?: string; grace?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun: boolean }> {
    const body = await readBody(req);
    let o: Record<string, unknown> = {};
    if (body.length) {
      const parsed = parseJson(body);
      if (!isPlainObject(parsed)) throw errors.badRequest('DeleteOptions must be an object');
      o = parsed;
    }
    let propagation = (o.propagationPolicy as string | undefined) ?? query.get('propagationPolicy') ?? undefined;
    const orphan = o.orphanDependents ?? (query.get('orphanDependents') !== null ? isTrue(query.get('orphanDependents')) : undefined);
    if (propagation && orphan !== undefined) throw errors.invalid('DeleteOptions', '', '', [{ reason: 'FieldValueInvalid', field: 'propagationPolicy', message: 'orphanDependents and deletionPropagation cannot be both set' }]);
    if (!propagation && orphan !== undefined) propagation = orphan ? 'Orphan' : 'Background';
    if (propagation && !['Orphan', 'Background', 'Foreground'].includes(propagation)) {
      throw errors.invalid('DeleteOptions', '', '', [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan"` }]);
    }
    const graceRaw = o.gracePeriodSeconds ?? query.get('gracePeriodSeconds') ?? undefined;
    const grace = graceRaw === undefined ? undefined : Number(graceRaw);
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) throw errors.badRequest('gracePeriodSeconds must be a non-negative integer');
    const dryRun = [...((o.dryRun as string[] | undefined) ?? []), ...query.getAll('dryRun')];
    return { propagation, grace, preconditions: o.preconditions as { uid?: string; resourceVersion?: string } | undefined, dryRun: dryRun.includes('All') };
  }

  private async delete(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams): Promise<void> {
    const opts = await this.readDeleteOptions(req, query);
    const { obj, deleted } = await this.deleteObject(ri, ri.name!, opts);
    if (deleted && !RETURNS_DELETED_OBJECT.has(`${ri.info.group}/${ri.info.resource}`)) {
      // Kubernetes answers an immediate delete of most kinds with a Success Status.
      return sendJson(res, 200, successStatus({ name: obj.metadata?.name, group: ri.info.group || undefined, kind: ri.info.resource, uid: obj.metadata?.uid }));
    }
    sendJson(res, 200, this.out(ri.info, obj));
  }

  /** Deletes one object: graceful pods, finalizers and propagation as Kubernetes does. */
  async deleteObject(ri: RequestInfo, name: string, opts: { propagation?: string; grace?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun: boolean }): Promise<{ obj: KubeObject; deleted: boolean }> {
    const info = ri.info;
    const key = this.keyOf(ri, name);
    for (let attempt = 0; ; attempt++) {
      const { kv } = await this.store.get(key);
      if (!kv) throw errors.notFound(info.resource, info.group, name);
      const cur = decodeValue(kv.value, kv.modRevision);
      const md = cur.metadata!;
      if (opts.preconditions?.uid && opts.preconditions.uid !== md.uid) {
        throw errors.conflict(info.resource, info.group, name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${md.uid}`);
      }
      if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== md.resourceVersion) {
        throw errors.conflict(info.resource, info.group, name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${md.resourceVersion}`);
      }
      const next = deepClone(cur);
      const nmd = next.metadata!;
      const finalizers = new Set(nmd.finalizers ?? []);
      const propagation = opts.propagation ?? 'Background';
      // Propagation policy becomes a finalizer the garbage collector acts on.
      if (propagation === 'Orphan') { finalizers.add('orphan'); finalizers.delete('foregroundDeletion'); }
      if (propagation === 'Foreground') { finalizers.add('foregroundDeletion'); finalizers.delete('orphan'); }
      const graceful = this.gracePeriod(info, cur, opts.grace);
      const pendingNs = info.group === '' && info.resource === 'namespaces' && hasNamespaceFinalizers(cur);
      if (finalizers.size || graceful > 0 || pendingNs) {
        const now = NOW();
        if (!nmd.deletionTimestamp) {
          nmd.deletionTimestamp = graceful > 0 ? new Date(Date.now() + graceful * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : now;
          nmd.deletionGracePeriodSeconds = graceful;
        } else if (graceful < (nmd.deletionGracePeriodSeconds ?? 0)) {
          nmd.deletionGracePeriodSeconds = graceful;
        }
        if (finalizers.size) nmd.finalizers = [...finalizers];
        if (pendingNs) (next.status as Record<string, unknown>) = { ...(next.status as object), phase: 'Terminating' };
        if (info.group === '' && info.resource === 'pods' && graceful === 0 && !finalizers.size) {
          // force delete below
        } else {
          if (opts.dryRun || sameObject(cur, next)) return { obj: next, deleted: false };
          const r = await this.store.update(key, encodeStored(next), kv.modRevision);
          if (r.succeeded) {
            next.metadata = { ...nmd, resourceVersion: String(r.revision) };
            return { obj: next, deleted: false };
          }
          if (attempt < MAX_RETRIES) continue;
          throw errors.conflict(info.resource, info.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
        }
      }
      if (opts.dryRun) return { obj: cur, deleted: true };
      const r = await this.store.delete(key, kv.modRevision);
      if (r.succeeded) return { obj: { ...cur, metadata: { ...cur.metadata, resourceVersion: String(r.revision) } }, deleted: true };
      if (attempt >= MAX_RETRIES) throw errors.conflict(info.resource, info.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
  }

  /** Pods bound to a node are deleted gracefully: the node agent finishes the deletion. */
  private gracePeriod(info: ResourceInfo, obj: KubeObject, requested: number | undefined): number {
    if (info.group !== '' || info.resource !== 'pods') return 0;
    const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const g = requested ?? spec.terminationGracePeriodSeconds ?? 30;
    // Kubernetes turns a requested 0 into 1 unless forced; kubectl --force --grace-period=0 sends 0.
    return Math.max(0, g);
  }

  private async deleteCollection(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams): Promise<void> {
    if (!ri.info.verbs.includes('deletecollection')) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const opts = await this.readDeleteOptions(req, query);
    await this.fresh();
    const match = this.filters(ri, query);
    const items: KubeObject[] = [];
    for (const e of [...this.cache.list(this.listPrefix(ri))]) {
      if (!match(e.obj)) continue;
      try {
        const r = await this.deleteObject({ ...ri, namespace: e.obj.metadata?.namespace }, e.obj.metadata!.name!, opts);
        items.push(this.out(ri.info, r.obj));
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    sendJson(res, 200, { kind: ri.info.listKind, apiVersion: apiVersionOf(ri.group, ri.version), metadata: { resourceVersion: String(this.cache.revision) }, items });
  }

  // ---------------------------------------------------------------- subresources

  private async scale(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams, user: User): Promise<void> {
    void user;
    const info = ri.info;
    const toScale = (o: KubeObject) => {
      const spec = (o.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof labelSelectorString>[0] };
      const status = (o.status ?? {}) as { replicas?: number };
      return {
        kind: 'Scale', apiVersion: 'autoscaling/v1',
        metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace, uid: o.metadata?.uid, resourceVersion: o.metadata?.resourceVersion, creationTimestamp: o.metadata?.creationTimestamp },
        spec: { replicas: spec.replicas ?? 0 },
        status: { replicas: status.replicas ?? 0, selector: labelSelectorString(spec.selector) },
      };
    };
    const method = req.method;
    if (method === 'GET') {
      await this.fresh();
      const e = this.cache.get(this.keyOf(ri, ri.name!));
      if (!e) throw errors.notFound(info.resource, info.group, ri.name!);
      return sendJson(res, 200, toScale(e.obj));
    }
    if (method !== 'PUT' && method !== 'PATCH') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const opts = this.writeOptions(query, req);
    const ct = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    const body = await readBody(req);
    const doc = ct === 'application/apply-patch+yaml' ? parseYaml(body) : parseJson(body);
    const mainRi: RequestInfo = { ...ri, subresource: undefined };
    const { obj } = await this.update(mainRi, opts, (current) => {
      if (!current) throw errors.notFound(info.resource, info.group, ri.name!);
      const scale = toScale(current);
      let next: unknown;
      if (method === 'PUT') next = doc;
      else if (ct === 'application/json-patch+json') next = applyJsonPatch(scale, doc);
      else if (ct === 'application/merge-patch+json' || ct === 'application/strategic-merge-patch+json' || ct === 'application/apply-patch+yaml') next = applyMergePatch(scale, doc);
      else throw errors.unsupportedMediaType(ct);
      if (!isPlainObject(next)) throw errors.badRequest('Scale must be an object');
      const s = next as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } };
      const replicas = s.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
        throw errors.badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${jsonKind(replicas)} into Go struct field ScaleSpec.spec.replicas of type int32`);
      }
      if (replicas < 0) throw errors.invalid('Scale', 'autoscaling', ri.name!, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
      if (method === 'PUT' && s.metadata?.resourceVersion && s.metadata.resourceVersion !== current.metadata?.resourceVersion) {
        throw errors.conflict(info.resource, info.group, ri.name!, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const updated = deepClone(current);
      (updated.spec as Record<string, unknown>).replicas = replicas;
      return { next: updated };
    }, method === 'PATCH');
    sendJson(res, 200, toScale(obj));
  }

  /** pods/binding: the scheduler assigns a pod to a node. */
  private async bind(req: IncomingMessage, res: ServerResponse, ri: RequestInfo, query: URLSearchParams): Promise<void> {
    const opts = this.writeOptions(query, req);
    const binding = await this.readObject(req);
    const target = (binding.target ?? {}) as { name?: string; kind?: string };
    if (!target.name) throw errors.invalid('Binding', '', ri.name!, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
    const uid = (binding.metadata as { uid?: string } | undefined)?.uid;
    await this.update(ri, opts, (current) => {
      if (!current) throw errors.notFound('pods', '', ri.name!);
      if (uid && uid !== current.metadata?.uid) throw errors.conflict('pods', '', ri.name!, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata?.uid}`);
      const spec = (current.spec ?? {}) as Record<string, unknown>;
      if (current.metadata?.deletionTimestamp) throw errors.conflict('pods', '', ri.name!, 'pod is being deleted, cannot be assigned to a host');
      if (spec.nodeName) throw errors.conflict('pods', '', ri.name!, `pod ${ri.name} is already assigned to node "${spec.nodeName}"`);
      const next = deepClone(current);
      (next.spec as Record<string, unknown>).nodeName = target.name;
      const status = (next.status ??= {}) as { conditions?: Array<Record<string, unknown>> };
      const conds = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: NOW() });
      status.conditions = conds;
      return { next };
    }, true);
    sendJson(res, 201, successStatus());
  }
}

// ---------------------------------------------------------------- helpers

/**
 * Serialized objects, shared by every watcher and list that sends the same cached object (objects in
 * the watch cache are never mutated in place, so their JSON cannot go stale).
 */
const serialized = new WeakMap<object, string>();

export function jsonOf(obj: unknown): string {
  if (typeof obj !== 'object' || obj === null) return JSON.stringify(obj);
  let s = serialized.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    serialized.set(obj, s);
  }
  return s;
}

export function encodeStored(obj: KubeObject): string {
  const md = { ...obj.metadata };
  delete md.resourceVersion;
  return JSON.stringify({ ...obj, metadata: md });
}

function decodeValue(value: string, modRevision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: String(modRevision) };
  return obj;
}

function toStorageVersion(obj: KubeObject, info: ResourceInfo, registry: ResourceRegistry): KubeObject {
  if (info.version === info.storageVersion) return obj;
  const storage = registry.get(info.group, info.storageVersion, info.resource);
  return storage ? convertToVersion(obj, storage) : obj;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const md = { ...o.metadata };
    delete md.resourceVersion;
    delete md.managedFields;
    return { ...o, metadata: md };
  };
  return deepEqual(strip(a), strip(b));
}

function hasNamespaceFinalizers(obj: KubeObject): boolean {
  return obj.kind === 'Namespace' && ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0;
}

function partial(obj: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function tableOpts(format: ResponseFormat): { includeObject?: 'None' | 'Metadata' | 'Object' } {
  return format.kind === 'table' && format.includeObject ? { includeObject: format.includeObject as 'None' | 'Metadata' | 'Object' } : {};
}

function warningHeaders(warnings: string[]): Record<string, string> {
  if (!warnings.length) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

export function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function truncate(s: string): string {
  return s.length > 200 ? s.slice(0, 200) + '...' : s;
}


export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function parseYaml(body: Buffer): unknown {
  try {
    const docs = YAML.parseAllDocuments(body.toString('utf8'), { version: '1.2' });
    if (docs.length !== 1) throw new Error(docs.length ? 'expected a single YAML document' : 'empty document');
    const d = docs[0];
    if (d.errors.length) throw d.errors[0];
    return d.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw errors.badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return { rv: t.rv, start: t.start };
  } catch {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
