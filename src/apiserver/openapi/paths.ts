// The REST paths and operations of a group/version, modelled once from the ResourceRegistry and
// rendered as OpenAPI v3 (`paths` with requestBody/content) or v2 (`paths` with body parameters,
// consumes/produces). The layout follows what kube-apiserver publishes: collection and item paths,
// the all-namespaces list, the deprecated watch paths, subresources, every operation tagged with
// x-kubernetes-action and x-kubernetes-group-version-kind.
import type { ResourceInfo, SubresourceInfo } from '../../api/registry.js';
import type { JsonObject, JsonValue } from '../../api/object.js';
import { API_RESOURCE_LIST, DELETE_OPTIONS, PATCH, STATUS, V2_REF_PREFIX, V3_REF_PREFIX, WATCH_EVENT } from './schemas.js';

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

type ParamType = 'string' | 'integer' | 'boolean';

export interface ParamSpec {
  name: string;
  in: 'path' | 'query';
  type: ParamType;
  required?: boolean;
}

export interface ResponseSpec {
  code: '200' | '201' | '202' | '401';
  description: string;
  /** Definition name of the body, or 'string' for raw streams. */
  schema?: { ref: string } | { type: 'string' };
  contentTypes: string[];
}

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

export interface OperationSpec {
  method: Method;
  operationId: string;
  action?: string;
  gvk?: GVK;
  params: ParamSpec[];
  body?: { ref: string; required: boolean; contentTypes: string[] };
  responses: ResponseSpec[];
}

export interface PathSpec {
  path: string;
  params: ParamSpec[];
  operations: OperationSpec[];
}

/** How a resource's kinds are named in the document's definitions. */
export interface DefinitionNames {
  kind: string;
  list: string;
  /** Definition of a subresource's kind (Scale, Eviction, ...); undefined for connect-style ones. */
  sub(s: SubresourceInfo): string | undefined;
}

// Media types this server produces and accepts.
const OBJECT_CT = ['application/json', 'application/yaml'];
const LIST_CT = ['application/json', 'application/yaml', 'application/json;stream=watch'];
const STREAM_CT = ['text/plain', 'application/json', 'application/yaml'];
const ANY_CT = ['*/*'];
export const PATCH_CT_BUILTIN = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
/** Custom resources take no strategic merge patch (kubectl then computes a JSON merge patch). */
export const PATCH_CT_CUSTOM = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

const q = (name: string, type: ParamType): ParamSpec => ({ name, in: 'query', type });
const pathParam = (name: string): ParamSpec => ({ name, in: 'path', type: 'string', required: true });

const PRETTY = q('pretty', 'string');
const LIST_PARAMS: ParamSpec[] = [
  q('allowWatchBookmarks', 'boolean'), q('continue', 'string'), q('fieldSelector', 'string'), q('labelSelector', 'string'),
  q('limit', 'integer'), q('resourceVersion', 'string'), q('resourceVersionMatch', 'string'), q('sendInitialEvents', 'boolean'),
  q('timeoutSeconds', 'integer'), q('watch', 'boolean'),
];
const DELETE_PARAMS: ParamSpec[] = [
  q('dryRun', 'string'), q('gracePeriodSeconds', 'integer'), q('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean'),
  q('orphanDependents', 'boolean'), q('propagationPolicy', 'string'),
];
const DELETECOLLECTION_PARAMS: ParamSpec[] = [
  ...DELETE_PARAMS,
  ...LIST_PARAMS.filter((p) => p.name !== 'allowWatchBookmarks' && p.name !== 'watch'),
];
const WRITE_PARAMS: ParamSpec[] = [q('dryRun', 'string'), q('fieldManager', 'string'), q('fieldValidation', 'string')];
const PATCH_PARAMS: ParamSpec[] = [...WRITE_PARAMS, q('force', 'boolean')];

/** Query parameters of the connect-style and streaming subresources. */
const SUB_QUERY: Record<string, ParamSpec[]> = {
  log: [
    q('container', 'string'), q('follow', 'boolean'), q('insecureSkipTLSVerifyBackend', 'boolean'), q('limitBytes', 'integer'),
    q('previous', 'boolean'), q('sinceSeconds', 'integer'), q('stream', 'string'), q('tailLines', 'integer'), q('timestamps', 'boolean'),
  ],
  exec: [q('command', 'string'), q('container', 'string'), q('stderr', 'boolean'), q('stdin', 'boolean'), q('stdout', 'boolean'), q('tty', 'boolean')],
  attach: [q('container', 'string'), q('stderr', 'boolean'), q('stdin', 'boolean'), q('stdout', 'boolean'), q('tty', 'boolean')],
  portforward: [q('ports', 'integer')],
  proxy: [q('path', 'string')],
};

const VERB_METHOD: Record<string, Method> = { get: 'get', update: 'put', create: 'post', patch: 'patch', delete: 'delete' };
const METHOD_ORDER: Method[] = ['delete', 'get', 'head', 'options', 'patch', 'post', 'put'];

/**
 * Resources whose DELETE answers with the deleted object rather than a Status (their registries
 * return the object: graceful deletion, finalizers), keyed "group/resource".
 */
export const DELETE_RETURNS_OBJECT = new Set([
  '/persistentvolumeclaims', '/pods', '/podtemplates', '/resourcequotas', '/serviceaccounts', '/services', '/persistentvolumes',
  'storage.k8s.io/csidrivers', 'storage.k8s.io/csinodes', 'storage.k8s.io/storageclasses', 'storage.k8s.io/volumeattachments',
  'storage.k8s.io/volumeattributesclasses', 'resource.k8s.io/deviceclasses', 'resource.k8s.io/resourceclaims',
  'resource.k8s.io/resourceclaimtemplates', 'resource.k8s.io/resourceslices',
]);

function upperFirst(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** "apps" -> "apps", "rbac.authorization.k8s.io" -> "rbacAuthorization", "" -> "core". */
export function groupTag(group: string): string {
  if (!group) return 'core';
  const trimmed = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
  const parts = trimmed.split(/[.-]/).filter(Boolean);
  return parts.map((p, i) => (i === 0 ? p : upperFirst(p))).join('');
}

function sortParams(ps: ParamSpec[]): ParamSpec[] {
  return [...ps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.in < b.in ? -1 : 1));
}

function objectResponses(ref: string, codes: Array<'200' | '201' | '202'>): ResponseSpec[] {
  const text = { '200': 'OK', '201': 'Created', '202': 'Accepted' } as const;
  return [
    ...codes.map((code) => ({ code, description: text[code], schema: { ref }, contentTypes: OBJECT_CT })),
    { code: '401' as const, description: 'Unauthorized', contentTypes: [] },
  ];
}

function listResponses(ref: string): ResponseSpec[] {
  return [
    { code: '200', description: 'OK', schema: { ref }, contentTypes: LIST_CT },
    { code: '401', description: 'Unauthorized', contentTypes: [] },
  ];
}

function streamResponses(contentTypes: string[]): ResponseSpec[] {
  return [
    { code: '200', description: 'OK', schema: { type: 'string' }, contentTypes },
    { code: '401', description: 'Unauthorized', contentTypes: [] },
  ];
}

function isConnect(s: SubresourceInfo): boolean {
  return s.kind.endsWith('Options');
}

/** Every path of one group/version, sorted by path. */
export function buildPaths(group: string, version: string, resources: ResourceInfo[], names: (r: ResourceInfo) => DefinitionNames): PathSpec[] {
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const gid = upperFirst(groupTag(group)) + upperFirst(version);
  const paths = new Map<string, PathSpec>();
  const at = (path: string, params: ParamSpec[]): PathSpec => {
    let p = paths.get(path);
    if (!p) paths.set(path, (p = { path, params: sortParams(params), operations: [] }));
    return p;
  };

  at(`${prefix}/`, []).operations.push({
    method: 'get', operationId: `get${gid}APIResources`, params: [],
    responses: objectResponses(API_RESOURCE_LIST, ['200']),
  });

  for (const r of resources) {
    const n = names(r);
    const verbs = new Set(r.verbs);
    const gvk: GVK = { group: r.group, version: r.version, kind: r.kind };
    const ns = r.namespaced ? 'Namespaced' : '';
    const scope = r.namespaced ? `/namespaces/{namespace}` : '';
    const nsParams = r.namespaced ? [pathParam('namespace')] : [];
    const collection = `${prefix}${scope}/${r.resource}`;
    const item = `${collection}/{name}`;
    const patchCT = r.crd ? PATCH_CT_CUSTOM : PATCH_CT_BUILTIN;
    const K = r.kind;

    if (verbs.has('list') || verbs.has('create') || verbs.has('deletecollection')) {
      const p = at(collection, [...nsParams, PRETTY]);
      if (verbs.has('deletecollection')) {
        p.operations.push({
          method: 'delete', operationId: `delete${gid}Collection${ns}${K}`, action: 'deletecollection', gvk,
          params: DELETECOLLECTION_PARAMS, body: { ref: DELETE_OPTIONS, required: false, contentTypes: ANY_CT },
          responses: objectResponses(STATUS, ['200']),
        });
      }
      if (verbs.has('list')) {
        p.operations.push({ method: 'get', operationId: `list${gid}${ns}${K}`, action: 'list', gvk, params: LIST_PARAMS, responses: listResponses(n.list) });
      }
      if (verbs.has('create')) {
        p.operations.push({
          method: 'post', operationId: `create${gid}${ns}${K}`, action: 'post', gvk, params: WRITE_PARAMS,
          body: { ref: n.kind, required: true, contentTypes: ANY_CT }, responses: objectResponses(n.kind, ['200', '201', '202']),
        });
      }
    }
    if (r.namespaced && verbs.has('list')) {
      at(`${prefix}/${r.resource}`, [...LIST_PARAMS, PRETTY]).operations.push({
        method: 'get', operationId: `list${gid}${K}ForAllNamespaces`, action: 'list', gvk, params: [], responses: listResponses(n.list),
      });
    }

    const itemParams = [pathParam('name'), ...nsParams, PRETTY];
    if (['get', 'update', 'patch', 'delete'].some((v) => verbs.has(v))) {
      const p = at(item, itemParams);
      if (verbs.has('delete')) {
        p.operations.push({
          method: 'delete', operationId: `delete${gid}${ns}${K}`, action: 'delete', gvk, params: DELETE_PARAMS,
          body: { ref: DELETE_OPTIONS, required: false, contentTypes: ANY_CT },
          responses: objectResponses(DELETE_RETURNS_OBJECT.has(`${r.group}/${r.resource}`) ? n.kind : STATUS, ['200', '202']),
        });
      }
      if (verbs.has('get')) p.operations.push({ method: 'get', operationId: `read${gid}${ns}${K}`, action: 'get', gvk, params: [], responses: objectResponses(n.kind, ['200']) });
      if (verbs.has('patch')) {
        p.operations.push({
          method: 'patch', operationId: `patch${gid}${ns}${K}`, action: 'patch', gvk, params: PATCH_PARAMS,
          body: { ref: PATCH, required: true, contentTypes: patchCT }, responses: objectResponses(n.kind, ['200', '201']),
        });
      }
      if (verbs.has('update')) {
        p.operations.push({
          method: 'put', operationId: `replace${gid}${ns}${K}`, action: 'put', gvk, params: WRITE_PARAMS,
          body: { ref: n.kind, required: true, contentTypes: ANY_CT }, responses: objectResponses(n.kind, ['200', '201']),
        });
      }
    }

    if (verbs.has('watch')) {
      const watchParams = [...LIST_PARAMS, PRETTY];
      const watchResp = listResponses(WATCH_EVENT);
      at(`${prefix}/watch${scope}/${r.resource}`, [...watchParams, ...nsParams]).operations.push({
        method: 'get', operationId: `watch${gid}${ns}${K}List`, action: 'watchlist', gvk, params: [], responses: watchResp,
      });
      at(`${prefix}/watch${scope}/${r.resource}/{name}`, [...watchParams, ...nsParams, pathParam('name')]).operations.push({
        method: 'get', operationId: `watch${gid}${ns}${K}`, action: 'watch', gvk, params: [], responses: watchResp,
      });
      if (r.namespaced) {
        at(`${prefix}/watch/${r.resource}`, watchParams).operations.push({
          method: 'get', operationId: `watch${gid}${K}ListForAllNamespaces`, action: 'watchlist', gvk, params: [], responses: watchResp,
        });
      }
    }

    for (const s of r.subresources) addSubresource(at, item, itemParams, s, r, n, gid, ns, patchCT);
  }

  const out = [...paths.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const p of out) {
    p.operations.sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
    for (const op of p.operations) op.params = sortParams(op.params);
  }
  return out;
}

function addSubresource(
  at: (path: string, params: ParamSpec[]) => PathSpec,
  item: string,
  itemParams: ParamSpec[],
  s: SubresourceInfo,
  r: ResourceInfo,
  n: DefinitionNames,
  gid: string,
  ns: string,
  patchCT: string[],
): void {
  const gvk: GVK = { group: s.group, version: s.version, kind: s.kind };
  const Sub = upperFirst(s.name);
  const K = r.kind;
  const pathParams = itemParams.filter((p) => p.in === 'path');
  const verbs = new Set(s.verbs);

  if (isConnect(s)) {
    const methods = s.verbs.map((v) => VERB_METHOD[v]).filter((m): m is Method => m !== undefined);
    if (s.name === 'proxy') methods.push('head', 'options');
    const query = SUB_QUERY[s.name] ?? [];
    const targets: Array<{ path: string; params: ParamSpec[] }> = [{ path: `${item}/${s.name}`, params: [...pathParams, ...query] }];
    if (s.name === 'proxy') targets.push({ path: `${item}/${s.name}/{path}`, params: [...pathParams, pathParam('path'), ...query] });
    for (const t of targets) {
      const p = at(t.path, t.params);
      const suffix = t.path.endsWith('{path}') ? 'WithPath' : '';
      for (const m of new Set(methods)) {
        p.operations.push({
          method: m, operationId: `connect${gid}${upperFirst(m)}${ns}${K}${Sub}${suffix}`, action: 'connect', gvk,
          params: [], responses: streamResponses(ANY_CT),
        });
      }
    }
    return;
  }

  if (s.name === 'log') {
    at(`${item}/log`, [...itemParams, ...(SUB_QUERY['log'] ?? [])]).operations.push({
      method: 'get', operationId: `read${gid}${ns}${K}Log`, action: 'get', gvk, params: [], responses: streamResponses(STREAM_CT),
    });
    return;
  }

  const ref = n.sub(s);
  if (!ref) return;
  const p = at(`${item}/${s.name}`, itemParams);
  if (verbs.has('get')) p.operations.push({ method: 'get', operationId: `read${gid}${ns}${K}${Sub}`, action: 'get', gvk, params: [], responses: objectResponses(ref, ['200']) });
  if (verbs.has('patch')) {
    p.operations.push({
      method: 'patch', operationId: `patch${gid}${ns}${K}${Sub}`, action: 'patch', gvk, params: PATCH_PARAMS,
      body: { ref: PATCH, required: true, contentTypes: patchCT }, responses: objectResponses(ref, ['200', '201']),
    });
  }
  if (verbs.has('update')) {
    p.operations.push({
      method: 'put', operationId: `replace${gid}${ns}${K}${Sub}`, action: 'put', gvk, params: WRITE_PARAMS,
      body: { ref, required: true, contentTypes: ANY_CT }, responses: objectResponses(ref, ['200', '201']),
    });
  }
  if (verbs.has('create')) {
    p.operations.push({
      method: 'post', operationId: `create${gid}${ns}${K}${Sub}`, action: 'post', gvk, params: WRITE_PARAMS,
      body: { ref, required: true, contentTypes: ANY_CT }, responses: objectResponses(ref, ['200', '201', '202']),
    });
  }
  if (verbs.has('delete')) {
    p.operations.push({
      method: 'delete', operationId: `delete${gid}${ns}${K}${Sub}`, action: 'delete', gvk, params: DELETE_PARAMS,
      body: { ref: DELETE_OPTIONS, required: false, contentTypes: ANY_CT }, responses: objectResponses(STATUS, ['200', '202']),
    });
  }
}

/** Definition names every path document refers to besides the resources' own kinds. */
export function referencedDefinitions(paths: PathSpec[]): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    for (const op of p.operations) {
      if (op.body) out.add(op.body.ref);
      for (const r of op.responses) if (r.schema && 'ref' in r.schema) out.add(r.schema.ref);
    }
  }
  return out;
}

function gvkJson(g: GVK): JsonObject {
  return { group: g.group, kind: g.kind, version: g.version };
}

function v3Param(p: ParamSpec): JsonObject {
  const o: JsonObject = { in: p.in, name: p.name };
  if (p.required) o['required'] = true;
  o['schema'] = { type: p.type, uniqueItems: true };
  return o;
}

function v3Schema(s: ResponseSpec['schema']): JsonObject {
  if (!s) return {};
  return 'ref' in s ? { $ref: V3_REF_PREFIX + s.ref } : { type: 'string' };
}

/** OpenAPI v3 `paths`, plus the tag for the operations. */
export function renderV3Paths(paths: PathSpec[], tag: string): JsonObject {
  const out: JsonObject = {};
  for (const p of paths) {
    const item: JsonObject = {};
    for (const op of p.operations) {
      const o: JsonObject = { operationId: op.operationId };
      if (op.params.length) o['parameters'] = op.params.map(v3Param);
      if (op.body) {
        const content: JsonObject = {};
        for (const ct of op.body.contentTypes) content[ct] = { schema: { $ref: V3_REF_PREFIX + op.body.ref } };
        o['requestBody'] = op.body.required ? { content, required: true } : { content };
      }
      const responses: JsonObject = {};
      for (const r of op.responses) {
        const resp: JsonObject = {};
        if (r.schema && r.contentTypes.length) {
          const content: JsonObject = {};
          for (const ct of r.contentTypes) content[ct] = { schema: v3Schema(r.schema) };
          resp['content'] = content;
        }
        resp['description'] = r.description;
        responses[r.code] = resp;
      }
      o['responses'] = responses;
      o['tags'] = [tag];
      if (op.action) o['x-kubernetes-action'] = op.action;
      if (op.gvk) o['x-kubernetes-group-version-kind'] = gvkJson(op.gvk);
      item[op.method] = o;
    }
    if (p.params.length) item['parameters'] = p.params.map(v3Param);
    out[p.path] = item;
  }
  return out;
}

function v2Param(p: ParamSpec): JsonObject {
  const o: JsonObject = { in: p.in, name: p.name };
  if (p.required) o['required'] = true;
  o['type'] = p.type;
  o['uniqueItems'] = true;
  return o;
}

/** OpenAPI v2 (Swagger) `paths`. */
export function renderV2Paths(paths: PathSpec[], tag: string): JsonObject {
  const out: JsonObject = {};
  for (const p of paths) {
    const item: JsonObject = {};
    for (const op of p.operations) {
      const params: JsonValue[] = [];
      if (op.body) {
        const body: JsonObject = { in: 'body', name: 'body', schema: { $ref: V2_REF_PREFIX + op.body.ref } };
        if (op.body.required) body['required'] = true;
        params.push(body);
      }
      params.push(...op.params.map(v2Param));
      const produces = new Set<string>();
      const responses: JsonObject = {};
      for (const r of op.responses) {
        const resp: JsonObject = { description: r.description };
        if (r.schema) resp['schema'] = 'ref' in r.schema ? { $ref: V2_REF_PREFIX + r.schema.ref } : { type: 'string' };
        for (const ct of r.contentTypes) produces.add(ct);
        responses[r.code] = resp;
      }
      const o: JsonObject = {
        consumes: op.body ? op.body.contentTypes : ['*/*'],
        operationId: op.operationId,
      };
      if (params.length) o['parameters'] = params;
      o['produces'] = [...produces];
      o['responses'] = responses;
      o['schemes'] = ['https'];
      o['tags'] = [tag];
      if (op.action) o['x-kubernetes-action'] = op.action;
      if (op.gvk) o['x-kubernetes-group-version-kind'] = gvkJson(op.gvk);
      item[op.method] = o;
    }
    if (p.params.length) item['parameters'] = p.params.map(v2Param);
    out[p.path] = item;
  }
  return out;
}
