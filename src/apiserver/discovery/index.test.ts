import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES, GROUP_ORDER, ResourceRegistry, type ResourceInfo } from '../../api/registry.js';
import {
  acceptsAggregated, aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions,
  etagOf, handleDiscovery, ifNoneMatchHits, storageVersionHash,
} from './index.js';

const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

function crd(group: string, version: string, kind: string, namespaced = true, preferred = true): ResourceInfo {
  const plural = kind.toLowerCase() + 's';
  return {
    group, version, resource: plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, namespaced,
    shortNames: ['ct'], categories: ['all'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'status', group, version, kind, verbs: ['get', 'patch', 'update'] }],
    storageVersion: version, preferred, crd: { name: `${plural}.${group}` },
  };
}

test('apiVersions advertises v1 and the server address', () => {
  const v = apiVersions('10.0.0.1:6443');
  assert.equal(v.kind, 'APIVersions');
  assert.deepEqual(v.versions, ['v1']);
  assert.deepEqual(v.serverAddressByClientCIDRs, [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }]);
});

test('APIGroupList lists every named group of the registry and not the legacy group', () => {
  const reg = new ResourceRegistry();
  const list = apiGroupList(reg);
  assert.equal(list.kind, 'APIGroupList');
  assert.equal(list.apiVersion, 'v1');
  const names = list.groups.map((g) => g.name);
  const expected = new Set(BUILTIN_RESOURCES.map((r) => r.group).filter((g) => g !== ''));
  assert.deepEqual(new Set(names), expected);
  assert.equal(names.length, expected.size);
  assert.ok(!names.includes(''));
  for (const g of list.groups) {
    assert.equal(g.preferredVersion.groupVersion, `${g.name}/${g.preferredVersion.version}`);
    assert.deepEqual(g.versions[0], g.preferredVersion, `${g.name}: preferred version first`);
  }
});

test('groups come in Kubernetes priority order, unknown (CRD) groups after the built-ins', () => {
  const reg = new ResourceRegistry();
  reg.add(crd('aaa.example.com', 'v1', 'Widget'));
  const names = apiGroupList(reg).groups.map((g) => g.name);
  const known = names.filter((n) => GROUP_ORDER.includes(n));
  const sorted = [...known].sort((a, b) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b));
  assert.deepEqual(known, sorted);
  assert.equal(names[0], 'apps');
  assert.ok(names.indexOf('autoscaling') < names.indexOf('batch'));
  assert.equal(names[names.length - 1], 'aaa.example.com');
});

test('autoscaling lists v2 as preferred, then v1', () => {
  const reg = new ResourceRegistry();
  const g = apiGroupList(reg).groups.find((x) => x.name === 'autoscaling')!;
  assert.deepEqual(g.versions.map((v) => v.version), ['v2', 'v1']);
  assert.deepEqual(g.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  const agg = aggregatedDiscovery(reg, false).items.find((i) => i.metadata.name === 'autoscaling')!;
  assert.deepEqual(agg.versions.map((v) => v.version), ['v2', 'v1']);
});

test('apiGroup answers one group and nothing for unknown or legacy', () => {
  const reg = new ResourceRegistry();
  const g = apiGroup(reg, 'apps')!;
  assert.equal(g.kind, 'APIGroup');
  assert.equal(g.name, 'apps');
  assert.deepEqual(g.versions, [{ groupVersion: 'apps/v1', version: 'v1' }]);
  assert.equal(apiGroup(reg, 'nope.example.com'), undefined);
  assert.equal(apiGroup(reg, ''), undefined);
});

test('APIResourceList of every group/version carries every registry entry', () => {
  const reg = new ResourceRegistry();
  for (const r of reg.all()) {
    const list = apiResourceList(reg, r.group, r.version)!;
    assert.equal(list.kind, 'APIResourceList');
    assert.equal(list.groupVersion, r.group ? `${r.group}/${r.version}` : r.version);
    const e = list.resources.find((x) => x.name === r.resource);
    assert.ok(e, `${r.group}/${r.version} ${r.resource}`);
    assert.equal(e.kind, r.kind);
    assert.equal(e.namespaced, r.namespaced);
    assert.equal(e.singularName, r.singular);
    assert.deepEqual(e.verbs, r.verbs);
    assert.deepEqual(e.shortNames ?? [], r.shortNames);
    assert.deepEqual(e.categories ?? [], r.categories);
    for (const s of r.subresources) assert.ok(list.resources.some((x) => x.name === `${r.resource}/${s.name}`), `${r.resource}/${s.name}`);
  }
});

test('APIResourceList subresources: scale names autoscaling/v1 Scale, status keeps the list group', () => {
  const reg = new ResourceRegistry();
  const apps = apiResourceList(reg, 'apps', 'v1')!;
  const scale = apps.resources.find((x) => x.name === 'deployments/scale')!;
  assert.deepEqual({ group: scale.group, version: scale.version, kind: scale.kind }, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.deepEqual(scale.verbs, ['get', 'patch', 'update']);
  assert.equal(scale.namespaced, true);
  const status = apps.resources.find((x) => x.name === 'deployments/status')!;
  assert.equal(status.group, undefined);
  assert.equal(status.kind, 'Deployment');
  const core = apiResourceList(reg, '', 'v1')!;
  const names = core.resources.map((x) => x.name);
  for (const n of ['pods/log', 'pods/exec', 'pods/portforward', 'pods/eviction', 'pods/binding', 'serviceaccounts/token', 'namespaces/finalize']) {
    assert.ok(names.includes(n), n);
  }
  const eviction = core.resources.find((x) => x.name === 'pods/eviction')!;
  assert.deepEqual([eviction.group, eviction.version, eviction.kind], ['policy', 'v1', 'Eviction']);
  assert.deepEqual(names, [...names].sort(), 'sorted by name');
});

test('APIResourceList of an unknown group/version is undefined', () => {
  const reg = new ResourceRegistry();
  assert.equal(apiResourceList(reg, 'apps', 'v1beta1'), undefined);
  assert.equal(apiResourceList(reg, 'nope', 'v1'), undefined);
});

test('storageVersionHash matches the values kube-apiserver publishes', () => {
  assert.equal(storageVersionHash('apps', 'v1', 'Deployment'), '8aSe+NMegvE=');
  assert.equal(storageVersionHash('', 'v1', 'Pod'), 'xPOwRZ+Yhw8=');
  assert.equal(storageVersionHash('', 'v1', 'ConfigMap'), 'qFsyl6wFWjQ=');
  const reg = new ResourceRegistry();
  // autoscaling/v1 objects are stored as v2: the hash names the storage version.
  const hpa = apiResourceList(reg, 'autoscaling', 'v1')!.resources.find((x) => x.name === 'horizontalpodautoscalers')!;
  assert.equal(hpa.storageVersionHash, storageVersionHash('autoscaling', 'v2', 'HorizontalPodAutoscaler'));
});

test('aggregated discovery for /api holds only the legacy group', () => {
  const reg = new ResourceRegistry();
  const doc = aggregatedDiscovery(reg, true);
  assert.equal(doc.kind, 'APIGroupDiscoveryList');
  assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.deepEqual(doc.metadata, {});
  assert.equal(doc.items.length, 1);
  assert.equal(doc.items[0]!.metadata.name, '');
  const resources = doc.items[0]!.versions[0]!.resources.map((r) => r.resource);
  const expected = reg.all().filter((r) => r.group === '').map((r) => r.resource).sort();
  assert.deepEqual(resources, expected);
});

test('aggregated discovery for /apis shows every registry entry with responseKind and scope', () => {
  const reg = new ResourceRegistry();
  const doc = aggregatedDiscovery(reg, false);
  assert.ok(doc.items.every((i) => i.metadata.name !== ''));
  for (const r of reg.all().filter((x) => x.group !== '')) {
    const g = doc.items.find((i) => i.metadata.name === r.group);
    const v = g?.versions.find((x) => x.version === r.version);
    const e = v?.resources.find((x) => x.resource === r.resource);
    assert.ok(e, `${r.group}/${r.version}/${r.resource}`);
    assert.equal(v!.freshness, 'Current');
    assert.deepEqual(e.responseKind, { group: r.group, version: r.version, kind: r.kind });
    assert.equal(e.scope, r.namespaced ? 'Namespaced' : 'Cluster');
    assert.equal(e.singularResource, r.singular);
    assert.deepEqual(e.verbs, r.verbs);
  }
  const legacy = aggregatedDiscovery(reg, true).items[0]!.versions[0]!.resources;
  assert.equal(legacy.find((x) => x.resource === 'nodes')!.scope, 'Cluster');
  assert.equal(legacy.find((x) => x.resource === 'pods')!.scope, 'Namespaced');
  assert.deepEqual(legacy.find((x) => x.resource === 'pods')!.shortNames, ['po']);
});

test('aggregated subresources carry their own responseKind and verbs', () => {
  const reg = new ResourceRegistry();
  const apps = aggregatedDiscovery(reg, false).items.find((i) => i.metadata.name === 'apps')!;
  const dep = apps.versions[0]!.resources.find((r) => r.resource === 'deployments')!;
  assert.deepEqual(dep.subresources, [
    { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
  ]);
  assert.deepEqual(dep.categories, ['all']);
  const cm = aggregatedDiscovery(reg, true).items[0]!.versions[0]!.resources.find((r) => r.resource === 'configmaps')!;
  assert.equal(cm.subresources, undefined);
  assert.equal(cm.categories, undefined);
});

test('aggregated v2beta1 differs only in apiVersion', () => {
  const reg = new ResourceRegistry();
  const a = aggregatedDiscovery(reg, false, 'v2');
  const b = aggregatedDiscovery(reg, false, 'v2beta1');
  assert.equal(b.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  assert.deepEqual(b.items, a.items);
  assert.equal(aggregatedContentType('v2'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
});

test('CRD-defined resources appear in and disappear from discovery with the registry', () => {
  const reg = new ResourceRegistry();
  const r = crd('stable.example.com', 'v1', 'CronTab');
  reg.add(r);
  assert.ok(apiGroupList(reg).groups.some((g) => g.name === 'stable.example.com'));
  const item = aggregatedDiscovery(reg, false).items.find((i) => i.metadata.name === 'stable.example.com')!;
  assert.equal(item.versions[0]!.resources[0]!.resource, 'crontabs');
  assert.equal(apiResourceList(reg, 'stable.example.com', 'v1')!.resources.length, 2);
  reg.remove('stable.example.com', 'v1', 'crontabs');
  assert.ok(!apiGroupList(reg).groups.some((g) => g.name === 'stable.example.com'));
  assert.equal(apiResourceList(reg, 'stable.example.com', 'v1'), undefined);
});

test('acceptsAggregated: kubectl 1.32 gets v2; v2beta1-only clients get v2beta1', () => {
  assert.equal(acceptsAggregated(KUBECTL_ACCEPT), 'v2');
  assert.equal(acceptsAggregated('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'), 'v2beta1');
  assert.equal(acceptsAggregated('application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList'), 'v2');
});

test('acceptsAggregated: plain, empty and unusable Accept headers get the legacy document', () => {
  assert.equal(acceptsAggregated('application/json'), false);
  assert.equal(acceptsAggregated('application/json, */*'), false);
  assert.equal(acceptsAggregated(''), false);
  assert.equal(acceptsAggregated(undefined), false);
  assert.equal(acceptsAggregated('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList'), false);
  assert.equal(acceptsAggregated('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'), false);
});

test('acceptsAggregated follows q-values and skips protobuf', () => {
  assert.equal(acceptsAggregated('application/json;q=1,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5'), false);
  assert.equal(acceptsAggregated('application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'), 'v2');
  assert.equal(acceptsAggregated('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json'), false);
  assert.equal(
    acceptsAggregated('application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'),
    'v2beta1',
  );
});

test('etagOf is a quoted sha512 and If-None-Match is matched like HTTP caches do', () => {
  const e = etagOf('{"a":1}');
  assert.match(e, /^"[0-9A-F]{128}"$/);
  assert.equal(etagOf('{"a":1}'), e);
  assert.notEqual(etagOf('{"a":2}'), e);
  assert.ok(ifNoneMatchHits(e, e));
  assert.ok(ifNoneMatchHits(`"x", ${e}`, e));
  assert.ok(ifNoneMatchHits(`W/${e}`, e));
  assert.ok(ifNoneMatchHits('*', e));
  assert.ok(!ifNoneMatchHits('"x"', e));
  assert.ok(!ifNoneMatchHits(undefined, e));
});

test('handleDiscovery serves the aggregated document with its Content-Type, and 304 on a matching ETag', () => {
  const reg = new ResourceRegistry();
  const r = handleDiscovery(reg, { path: '/apis', accept: KUBECTL_ACCEPT })!;
  assert.equal(r.status, 200);
  assert.equal(r.headers['Content-Type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(r.headers['Vary'], 'Accept');
  assert.equal(JSON.parse(r.body).kind, 'APIGroupDiscoveryList');
  const again = handleDiscovery(reg, { path: '/apis', accept: KUBECTL_ACCEPT, ifNoneMatch: r.headers['ETag'] })!;
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  // A registry change changes the document and so its ETag.
  reg.add(crd('stable.example.com', 'v1', 'CronTab'));
  assert.equal(handleDiscovery(reg, { path: '/apis', accept: KUBECTL_ACCEPT, ifNoneMatch: r.headers['ETag'] })!.status, 200);
});

test('handleDiscovery serves the legacy documents and leaves other paths alone', () => {
  const reg = new ResourceRegistry();
  const api = handleDiscovery(reg, { path: '/api', accept: 'application/json' }, { serverAddress: '1.2.3.4:443' })!;
  assert.equal(api.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(api.body), apiVersions('1.2.3.4:443'));
  assert.equal(JSON.parse(handleDiscovery(reg, { path: '/apis' })!.body).kind, 'APIGroupList');
  assert.equal(JSON.parse(handleDiscovery(reg, { path: '/api/v1/' })!.body).groupVersion, 'v1');
  assert.equal(JSON.parse(handleDiscovery(reg, { path: '/apis/apps' })!.body).kind, 'APIGroup');
  assert.equal(JSON.parse(handleDiscovery(reg, { path: '/apis/apps/v1' })!.body).groupVersion, 'apps/v1');
  const legacyAgg = handleDiscovery(reg, { path: '/api', accept: KUBECTL_ACCEPT })!;
  assert.equal(JSON.parse(legacyAgg.body).items[0].metadata.name, '');
  const missing = handleDiscovery(reg, { path: '/apis/apps/v9' })!;
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.body).reason, 'NotFound');
  assert.equal(handleDiscovery(reg, { path: '/api/v1/pods' }), undefined);
  assert.equal(handleDiscovery(reg, { path: '/apis/apps/v1/deployments' }), undefined);
  assert.equal(handleDiscovery(reg, { path: '/healthz' }), undefined);
});
