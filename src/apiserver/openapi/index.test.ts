import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ResourceRegistry, type ResourceInfo } from '../../api/registry.js';
import { registerKindSchema, unregisterKindSchema, type SchemaNode } from '../../api/schema.js';
import type { JsonObject } from '../../api/object.js';
import {
  crdDefinitionName, gvPath, handleOpenAPI, openapiV2, openapiV3GroupVersion, openapiV3GroupVersionPublished,
  openapiV3Index, parseGVPath, type OpenAPIV3Document,
} from './index.js';
import { convertSchema } from './schemas.js';
import { groupTag } from './paths.js';

const SCHEMA_PREFIX = '#/components/schemas/';

function crd(group: string, version: string, kind: string, opts: { namespaced?: boolean; scale?: boolean } = {}): ResourceInfo {
  const plural = kind.toLowerCase() + 's';
  const subresources: ResourceInfo['subresources'] = [{ name: 'status', group, version, kind, verbs: ['get', 'patch', 'update'] }];
  if (opts.scale) subresources.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  return {
    group, version, resource: plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, namespaced: opts.namespaced ?? true,
    shortNames: [], categories: [], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources, storageVersion: version, preferred: true, crd: { name: `${plural}.${group}` },
  };
}

const CRONTAB_SCHEMA: SchemaNode = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string' },
        replicas: { type: 'integer', default: 1 },
        ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
      },
    },
  },
};

function asObj(v: unknown): JsonObject {
  assert.ok(v && typeof v === 'object' && !Array.isArray(v), 'expected an object');
  return v as JsonObject;
}

/** Every $ref string anywhere in a document. */
function allRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) allRefs(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else allRefs(v, out);
    }
  }
  return out;
}

/** Follows a field schema to the component it names ($ref or allOf[0].$ref). */
function target(doc: OpenAPIV3Document, field: unknown): JsonObject {
  const f = asObj(field);
  const ref = (f['$ref'] ?? (Array.isArray(f['allOf']) ? asObj(f['allOf'][0])['$ref'] : undefined)) as string | undefined;
  assert.ok(ref, `no ref in ${JSON.stringify(f)}`);
  return asObj(doc.components.schemas[ref.slice(SCHEMA_PREFIX.length)]);
}

function props(s: JsonObject): JsonObject {
  return asObj(s['properties']);
}

test('the v3 index names every served group/version with a hash', () => {
  const reg = new ResourceRegistry();
  const idx = openapiV3Index(reg);
  const expected = [...new Set(reg.all().map((r) => gvPath(r.group, r.version)))].sort();
  assert.deepEqual(Object.keys(idx.paths), expected);
  assert.ok(expected.includes('api/v1') && expected.includes('apis/apps/v1') && expected.includes('apis/autoscaling/v2'));
  for (const [k, v] of Object.entries(idx.paths)) assert.match(v.serverRelativeURL, new RegExp(`^/openapi/v3/${k.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
});

test('document hashes are the upper-case sha512 of the served JSON and stable across registries', () => {
  const a = new ResourceRegistry();
  const b = new ResourceRegistry();
  const pa = openapiV3GroupVersionPublished(a, 'apps', 'v1')!;
  assert.equal(pa.hash, createHash('sha512').update(pa.json).digest('hex').toUpperCase());
  assert.deepEqual(openapiV3Index(a), openapiV3Index(b));
  assert.equal(openapiV3GroupVersionPublished(b, 'apps', 'v1')!.json, pa.json);
  assert.deepEqual(JSON.parse(pa.json), openapiV3GroupVersion(a, 'apps', 'v1'));
});

test('adding a CRD changes only its group/version hash; documents of other groups are reused', () => {
  const reg = new ResourceRegistry();
  const before = openapiV3Index(reg);
  const appsDoc = openapiV3GroupVersion(reg, 'apps', 'v1');
  reg.add(crd('batch', 'v1', 'BatchWidget'));
  const after = openapiV3Index(reg);
  assert.notEqual(after.paths['apis/batch/v1']!.serverRelativeURL, before.paths['apis/batch/v1']!.serverRelativeURL);
  assert.equal(after.paths['apis/apps/v1']!.serverRelativeURL, before.paths['apis/apps/v1']!.serverRelativeURL);
  assert.equal(openapiV3GroupVersion(reg, 'apps', 'v1'), appsDoc, 'cached document reused');
  assert.ok(openapiV3GroupVersion(reg, 'batch', 'v1')!.paths['/apis/batch/v1/namespaces/{namespace}/batchwidgets']);
  reg.remove('batch', 'v1', 'batchwidgets');
  assert.deepEqual(openapiV3Index(reg), before);
});

test('every $ref of every generated v3 document resolves inside its own components.schemas', () => {
  const reg = new ResourceRegistry();
  registerKindSchema('refs.example.com', 'v1', 'Thing', CRONTAB_SCHEMA);
  try {
    reg.add(crd('refs.example.com', 'v1', 'Thing', { scale: true }));
    let checked = 0;
    for (const key of Object.keys(openapiV3Index(reg).paths)) {
      const gv = parseGVPath(key)!;
      const doc = openapiV3GroupVersion(reg, gv.group, gv.version)!;
      const refs = allRefs(doc);
      assert.ok(refs.length > 0);
      for (const ref of refs) {
        assert.ok(ref.startsWith(SCHEMA_PREFIX), `${key}: ${ref}`);
        assert.ok(doc.components.schemas[ref.slice(SCHEMA_PREFIX.length)], `${key}: unresolved ${ref}`);
        checked++;
      }
      assert.ok(!JSON.stringify(doc).includes('#/definitions/'), `${key} still has v2 refs`);
    }
    assert.ok(checked > 1000);
  } finally {
    unregisterKindSchema('refs.example.com', 'v1', 'Thing');
  }
});

test('every patchable resource has a patch operation with its GVK and a fieldValidation parameter', () => {
  const reg = new ResourceRegistry();
  for (const r of reg.all()) {
    const doc = openapiV3GroupVersion(reg, r.group, r.version)!;
    const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const item = `${prefix}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}/{name}`;
    const op = asObj(asObj(doc.paths[item])['patch']);
    assert.deepEqual(op['x-kubernetes-group-version-kind'], { group: r.group, kind: r.kind, version: r.version });
    assert.equal(op['x-kubernetes-action'], 'patch');
    const names = (op['parameters'] as JsonObject[]).map((p) => `${p['in']}:${p['name']}`);
    for (const n of ['query:fieldValidation', 'query:dryRun', 'query:fieldManager', 'query:force']) assert.ok(names.includes(n), `${item} ${n}`);
    const content = asObj(asObj(op['requestBody'])['content']);
    assert.deepEqual(Object.keys(content).sort(), [
      'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
    ]);
    // The kind schema kubectl looks up by GVK.
    const kinds = Object.values(doc.components.schemas).filter((s) =>
      (s['x-kubernetes-group-version-kind'] as JsonObject[] | undefined)?.some((g) => g['group'] === r.group && g['version'] === r.version && g['kind'] === r.kind));
    assert.equal(kinds.length, 1, `${r.kind} schema`);
  }
});

test('collection, item, all-namespaces and watch paths carry their actions', () => {
  const reg = new ResourceRegistry();
  const apps = openapiV3GroupVersion(reg, 'apps', 'v1')!;
  const p = (k: string) => asObj(apps.paths[k]);
  const action = (k: string, m: string) => asObj(p(k)[m])['x-kubernetes-action'];
  const coll = '/apis/apps/v1/namespaces/{namespace}/deployments';
  assert.equal(action(coll, 'get'), 'list');
  assert.equal(action(coll, 'post'), 'post');
  assert.equal(action(coll, 'delete'), 'deletecollection');
  assert.equal(action(`${coll}/{name}`, 'get'), 'get');
  assert.equal(action(`${coll}/{name}`, 'put'), 'put');
  assert.equal(action(`${coll}/{name}`, 'delete'), 'delete');
  assert.equal(action('/apis/apps/v1/deployments', 'get'), 'list');
  assert.equal(asObj(p('/apis/apps/v1/deployments')['get'])['operationId'], 'listAppsV1DeploymentForAllNamespaces');
  assert.equal(action('/apis/apps/v1/watch/namespaces/{namespace}/deployments', 'get'), 'watchlist');
  assert.equal(action('/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}', 'get'), 'watch');
  const itemParams = (p(`${coll}/{name}`)['parameters'] as JsonObject[]).map((x) => `${x['in']}:${x['name']}`);
  assert.deepEqual(itemParams, ['path:name', 'path:namespace', 'query:pretty']);
  const post = asObj(p(coll)['post']);
  assert.deepEqual(asObj(post['requestBody'])['required'], true);
  assert.deepEqual((post['parameters'] as JsonObject[]).map((x) => x['name']), ['dryRun', 'fieldManager', 'fieldValidation']);
  const listResp = asObj(asObj(asObj(p(coll)['get'])['responses'])['200']);
  assert.equal(asObj(asObj(asObj(listResp['content'])['application/json'])['schema'])['$ref'], `${SCHEMA_PREFIX}io.k8s.api.apps.v1.DeploymentList`);
  assert.equal(asObj(p(coll)['get'])['tags'] && (asObj(p(coll)['get'])['tags'] as string[])[0], 'apps_v1');
  assert.equal(apps.openapi, '3.0.0');
  assert.ok(apps.info.title);
});

test('cluster-scoped resources have no namespaced paths', () => {
  const reg = new ResourceRegistry();
  const core = openapiV3GroupVersion(reg, '', 'v1')!;
  assert.ok(core.paths['/api/v1/nodes']);
  assert.ok(core.paths['/api/v1/nodes/{name}']);
  assert.ok(core.paths['/api/v1/nodes/{name}/status']);
  assert.ok(!Object.keys(core.paths).some((k) => k.includes('/namespaces/{namespace}/nodes')));
  assert.equal(asObj(asObj(core.paths['/api/v1/nodes'])['get'])['operationId'], 'listCoreV1Node');
  assert.equal(asObj(asObj(core.paths['/api/v1/namespaces/{name}/finalize'])['put'])['operationId'], 'replaceCoreV1NamespaceFinalize');
});

test('status and scale subresources: scale operations name autoscaling/v1 Scale', () => {
  const reg = new ResourceRegistry();
  const apps = openapiV3GroupVersion(reg, 'apps', 'v1')!;
  const scale = asObj(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']);
  for (const m of ['get', 'put', 'patch']) {
    assert.deepEqual(asObj(scale[m])['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  }
  assert.equal(asObj(scale['patch'])['operationId'], 'patchAppsV1NamespacedDeploymentScale');
  assert.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
  const status = asObj(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']);
  assert.deepEqual(asObj(status['patch'])['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.ok((asObj(status['patch'])['parameters'] as JsonObject[]).some((x) => x['name'] === 'fieldValidation'));
});

test('pod subresources: log streams text, exec/attach/portforward/proxy connect, eviction creates policy/v1 Eviction', () => {
  const reg = new ResourceRegistry();
  const core = openapiV3GroupVersion(reg, '', 'v1')!;
  const base = '/api/v1/namespaces/{namespace}/pods/{name}';
  const log = asObj(core.paths[`${base}/log`]);
  assert.equal(asObj(log['get'])['x-kubernetes-action'], 'get');
  assert.deepEqual(asObj(asObj(asObj(asObj(asObj(log['get'])['responses'])['200'])['content'])['text/plain'])['schema'], { type: 'string' });
  const logParams = (log['parameters'] as JsonObject[]).map((x) => x['name']);
  for (const n of ['container', 'follow', 'previous', 'sinceSeconds', 'tailLines', 'timestamps']) assert.ok(logParams.includes(n), n);
  const exec = asObj(core.paths[`${base}/exec`]);
  assert.deepEqual(Object.keys(exec).filter((k) => k !== 'parameters').sort(), ['get', 'post']);
  assert.equal(asObj(exec['post'])['x-kubernetes-action'], 'connect');
  assert.equal(asObj(exec['get'])['operationId'], 'connectCoreV1GetNamespacedPodExec');
  assert.deepEqual(asObj(exec['get'])['x-kubernetes-group-version-kind'], { group: '', kind: 'PodExecOptions', version: 'v1' });
  assert.ok(core.paths[`${base}/proxy/{path}`]);
  assert.ok(asObj(core.paths[`${base}/proxy`])['head']);
  const ev = asObj(asObj(core.paths[`${base}/eviction`])['post']);
  assert.deepEqual(ev['x-kubernetes-group-version-kind'], { group: 'policy', kind: 'Eviction', version: 'v1' });
  assert.ok(core.components.schemas['io.k8s.api.policy.v1.Eviction']);
  assert.ok(core.components.schemas['io.k8s.api.authentication.v1.TokenRequest']);
  // Pods answer DELETE with the pod (graceful deletion); most kinds answer with a Status.
  const podDelete = asObj(asObj(asObj(asObj(core.paths[base])['delete'])['responses'])['200']);
  assert.equal(asObj(asObj(asObj(podDelete['content'])['application/json'])['schema'])['$ref'], `${SCHEMA_PREFIX}io.k8s.api.core.v1.Pod`);
  const cmDelete = asObj(asObj(asObj(asObj(core.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'])['delete'])['responses'])['200']);
  assert.equal(asObj(asObj(asObj(cmDelete['content'])['application/json'])['schema'])['$ref'], `${SCHEMA_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.Status`);
});

test("Deployment's schema leads to the containers list with its merge key, through allOf refs", () => {
  const reg = new ResourceRegistry();
  const doc = openapiV3GroupVersion(reg, 'apps', 'v1')!;
  const dep = asObj(doc.components.schemas['io.k8s.api.apps.v1.Deployment']);
  assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  const specField = asObj(props(dep)['spec']);
  assert.ok(Array.isArray(specField['allOf']), 'property refs are wrapped in allOf');
  const spec = target(doc, specField);
  const template = target(doc, props(spec)['template']);
  const podSpec = target(doc, props(template)['spec']);
  const containers = asObj(props(podSpec)['containers']);
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  const container = target(doc, containers['items']);
  assert.ok(asObj(container['properties'])['image']);
  assert.deepEqual(container['required'], ['name']);
  assert.deepEqual(spec['required'], ['selector', 'template']);
});

test('a $ref with siblings becomes allOf with the siblings beside it', () => {
  const reg = new ResourceRegistry();
  const doc = openapiV3GroupVersion(reg, 'apps', 'v1')!;
  const strategy = asObj(props(asObj(doc.components.schemas['io.k8s.api.apps.v1.DeploymentSpec']))['strategy']);
  assert.deepEqual(strategy, { allOf: [{ $ref: `${SCHEMA_PREFIX}io.k8s.api.apps.v1.DeploymentStrategy` }], 'x-kubernetes-patch-strategy': 'retainKeys' });
  const converted = convertSchema(
    { type: 'object', properties: { a: { $ref: '#/definitions/X', default: {} }, b: { type: 'array', items: { $ref: '#/definitions/X' } } } },
    'v3', (n) => n === 'X',
  );
  assert.deepEqual(converted, {
    type: 'object',
    properties: {
      a: { allOf: [{ $ref: '#/components/schemas/X' }], default: {} },
      b: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/X' }] } },
    },
  });
});

test('schema conversion: property names are not refs, unknown refs accept anything, v2 keeps refs', () => {
  const node: SchemaNode = { type: 'object', properties: { $ref: { type: 'string' }, other: { $ref: '#/definitions/Missing' } } };
  const v3 = convertSchema(node, 'v3', () => false);
  assert.deepEqual(asObj(v3['properties'])['$ref'], { type: 'string' });
  assert.deepEqual(asObj(v3['properties'])['other'], { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  const v2 = convertSchema({ properties: { a: { $ref: '#/definitions/X', 'x-kubernetes-patch-strategy': 'merge' } } }, 'v2', () => true);
  assert.deepEqual(asObj(v2['properties'])['a'], { $ref: '#/definitions/X', 'x-kubernetes-patch-strategy': 'merge' });
});

test("a CRD's registered schema shows up in its group/version document", () => {
  const reg = new ResourceRegistry();
  registerKindSchema('stable.example.com', 'v1', 'CronTab', CRONTAB_SCHEMA);
  try {
    reg.add(crd('stable.example.com', 'v1', 'CronTab'));
    const doc = openapiV3GroupVersion(reg, 'stable.example.com', 'v1')!;
    const name = 'com.example.stable.v1.CronTab';
    const s = asObj(doc.components.schemas[name]);
    assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    const spec = asObj(props(s)['spec']);
    assert.deepEqual(spec['required'], ['cronSpec']);
    assert.deepEqual(asObj(props(spec)['replicas'])['default'], 1);
    assert.deepEqual(asObj(props(spec)['ports'])['x-kubernetes-list-map-keys'], ['name']);
    assert.deepEqual(props(s)['metadata'], { allOf: [{ $ref: `${SCHEMA_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` }] });
    assert.deepEqual(props(s)['kind'], { type: 'string' });
    assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry'], 'closure of ObjectMeta');
    const list = asObj(doc.components.schemas['com.example.stable.v1.CronTabList']);
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTabList', version: 'v1' }]);
    const patch = asObj(asObj(doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'])['patch']);
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'stable.example.com', kind: 'CronTab', version: 'v1' });
    // Custom resources take no strategic merge patch: kubectl then sends a JSON merge patch.
    assert.ok(!('application/strategic-merge-patch+json' in asObj(asObj(patch['requestBody'])['content'])));
    assert.ok(asObj(doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status'])['patch']);
    // The registry's built-in groups do not carry the CRD's definitions.
    assert.ok(!openapiV3GroupVersion(reg, 'apps', 'v1')!.components.schemas[name]);
  } finally {
    unregisterKindSchema('stable.example.com', 'v1', 'CronTab');
  }
});

test('a CRD without a schema is published as an object preserving unknown fields', () => {
  const reg = new ResourceRegistry();
  reg.add(crd('free.example.com', 'v1alpha1', 'Blob', { namespaced: false }));
  const doc = openapiV3GroupVersion(reg, 'free.example.com', 'v1alpha1')!;
  const s = asObj(doc.components.schemas['com.example.free.v1alpha1.Blob']);
  assert.equal(s['x-kubernetes-preserve-unknown-fields'], true);
  assert.equal(s['type'], 'object');
  assert.ok(doc.paths['/apis/free.example.com/v1alpha1/blobs/{name}']);
  assert.ok(!Object.keys(doc.paths).some((k) => k.includes('{namespace}')));
});

test('replacing a CRD schema object rebuilds its document even without a registry event', () => {
  const reg = new ResourceRegistry();
  registerKindSchema('swap.example.com', 'v1', 'Gadget', CRONTAB_SCHEMA);
  try {
    reg.add(crd('swap.example.com', 'v1', 'Gadget'));
    const first = openapiV3GroupVersionPublished(reg, 'swap.example.com', 'v1')!;
    assert.equal(openapiV3GroupVersionPublished(reg, 'swap.example.com', 'v1'), first, 'cached');
    registerKindSchema('swap.example.com', 'v1', 'Gadget', { type: 'object', properties: { data: { type: 'string' } } });
    const second = openapiV3GroupVersionPublished(reg, 'swap.example.com', 'v1')!;
    assert.notEqual(second.hash, first.hash);
    assert.ok(props(asObj(second.doc.components.schemas['com.example.swap.v1.Gadget']))['data']);
  } finally {
    unregisterKindSchema('swap.example.com', 'v1', 'Gadget');
  }
});

test('unknown group/versions have no document', () => {
  const reg = new ResourceRegistry();
  assert.equal(openapiV3GroupVersion(reg, 'apps', 'v2'), undefined);
  assert.equal(openapiV3GroupVersion(reg, 'nope.example.com', 'v1'), undefined);
});

test('handleOpenAPI: index, hash redirect, immutable caching, 304, 404', () => {
  const reg = new ResourceRegistry();
  const idx = handleOpenAPI(reg, { path: '/openapi/v3' })!;
  assert.equal(idx.status, 200);
  assert.equal(idx.headers['Content-Type'], 'application/json');
  const url = (JSON.parse(idx.body) as { paths: Record<string, { serverRelativeURL: string }> }).paths['apis/apps/v1']!.serverRelativeURL;
  const hash = new URL(url, 'http://x').searchParams.get('hash')!;
  const ok = handleOpenAPI(reg, { path: '/openapi/v3/apis/apps/v1', hash })!;
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['Cache-Control'], 'public, immutable');
  assert.equal(JSON.parse(ok.body).openapi, '3.0.0');
  const stale = handleOpenAPI(reg, { path: '/openapi/v3/apis/apps/v1', hash: 'ABC' })!;
  assert.equal(stale.status, 301);
  assert.equal(stale.headers['Location'], url);
  assert.equal(handleOpenAPI(reg, { path: '/openapi/v3/apis/apps/v1', ifNoneMatch: ok.headers['ETag'] })!.status, 304);
  assert.equal(handleOpenAPI(reg, { path: '/openapi/v3/apis/apps/v9' })!.status, 404);
  assert.equal(handleOpenAPI(reg, { path: '/openapi/v3/whatever' })!.status, 404);
  assert.equal(handleOpenAPI(reg, { path: '/api/v1' }), undefined);
});

test('openapi v2: Swagger document with resolvable refs; protobuf-only clients get 406', () => {
  const reg = new ResourceRegistry();
  const doc = openapiV2(reg);
  assert.equal(doc.swagger, '2.0');
  for (const ref of allRefs(doc)) {
    assert.ok(ref.startsWith('#/definitions/'), ref);
    assert.ok(doc.definitions[ref.slice('#/definitions/'.length)], ref);
  }
  const patch = asObj(asObj(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'])['patch']);
  assert.ok((patch['consumes'] as string[]).includes('application/strategic-merge-patch+json'));
  assert.ok((patch['parameters'] as JsonObject[]).some((p) => p['in'] === 'body'));
  const dep = asObj(doc.definitions['io.k8s.api.apps.v1.Deployment']);
  assert.equal(asObj(props(dep)['spec'])['$ref'], '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
  assert.equal(handleOpenAPI(reg, { path: '/openapi/v2', accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' })!.status, 406);
  assert.equal(handleOpenAPI(reg, { path: '/openapi/v2', accept: 'application/json' })!.status, 200);
});

test('names: gvPath round trip, CRD definition names and operation tags', () => {
  assert.equal(gvPath('', 'v1'), 'api/v1');
  assert.equal(gvPath('apps', 'v1'), 'apis/apps/v1');
  assert.deepEqual(parseGVPath('apis/networking.k8s.io/v1'), { group: 'networking.k8s.io', version: 'v1' });
  assert.deepEqual(parseGVPath('api/v1'), { group: '', version: 'v1' });
  assert.equal(parseGVPath('apis/apps'), undefined);
  assert.equal(crdDefinitionName('stable.example.com', 'v1', 'CronTab'), 'com.example.stable.v1.CronTab');
  assert.equal(groupTag(''), 'core');
  assert.equal(groupTag('rbac.authorization.k8s.io'), 'rbacAuthorization');
  assert.equal(groupTag('flowcontrol.apiserver.k8s.io'), 'flowcontrolApiserver');
  assert.equal(groupTag('apps'), 'apps');
});
