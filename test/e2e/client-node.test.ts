// Acceptance (issue 2): the official @kubernetes/client-node against timonel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startCluster, type Cluster } from './harness.js';

let c: Cluster;
let kc: k8s.KubeConfig;
before(async () => {
  c = await startCluster();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
});
after(async () => { await c?.cleanup(); });

test('client-node: create, list, patch, replace with a stale resourceVersion (409), delete', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'cn' } } });
  const created = await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'one', labels: { app: 'x' } }, data: { a: '1' } } });
  assert.equal(created.data?.a, '1');
  assert.ok(created.metadata?.uid);
  const list = await core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'app=x' });
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ['one']);
  const patched = await core.patchNamespacedConfigMap({ namespace: 'cn', name: 'one', body: { data: { b: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.deepEqual(patched.data, { a: '1', b: '2' });
  // created.metadata.resourceVersion is stale now: a replace with it must conflict
  const stale = { ...created, data: { a: 'stale' } };
  await assert.rejects(core.replaceNamespacedConfigMap({ namespace: 'cn', name: 'one', body: stale }), (err: unknown) => {
    const e = err as { code?: number; body?: string };
    assert.equal(e.code, 409);
    assert.match(String(e.body), /the object has been modified/);
    return true;
  });
  const fresh = await core.readNamespacedConfigMap({ namespace: 'cn', name: 'one' });
  const replaced = await core.replaceNamespacedConfigMap({ namespace: 'cn', name: 'one', body: { ...fresh, data: { a: 'new' } } });
  assert.deepEqual(replaced.data, { a: 'new' });
  assert.ok(Number(replaced.metadata?.resourceVersion) > Number(fresh.metadata?.resourceVersion));
  await core.deleteNamespacedConfigMap({ namespace: 'cn', name: 'one' });
  await assert.rejects(core.readNamespacedConfigMap({ namespace: 'cn', name: 'one' }), (err: unknown) => (err as { code?: number }).code === 404);
});

test('client-node: watch delivers events and resumes from a resourceVersion', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'cw' } } });
  const start = await core.listNamespacedConfigMap({ namespace: 'cw' });
  const rv0 = start.metadata?.resourceVersion!;
  const watch = new k8s.Watch(kc);
  const seen: string[] = [];
  let lastRv = rv0;
  const req = await watch.watch('/api/v1/namespaces/cw/configmaps', { resourceVersion: rv0 }, (type, obj) => {
    seen.push(`${type}:${obj.metadata.name}`);
    lastRv = obj.metadata.resourceVersion;
  }, () => undefined);
  await core.createNamespacedConfigMap({ namespace: 'cw', body: { metadata: { name: 'a' } } });
  await core.createNamespacedConfigMap({ namespace: 'cw', body: { metadata: { name: 'b' } } });
  const deadline = Date.now() + 10_000;
  while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  req.abort();
  assert.deepEqual(seen, ['ADDED:a', 'ADDED:b']);
  // changes made while nobody watched are delivered when resuming from the last resourceVersion
  await core.patchNamespacedConfigMap({ namespace: 'cw', name: 'a', body: { data: { x: '1' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  await core.deleteNamespacedConfigMap({ namespace: 'cw', name: 'b' });
  const resumed: string[] = [];
  const req2 = await watch.watch('/api/v1/namespaces/cw/configmaps', { resourceVersion: lastRv }, (type, obj) => { resumed.push(`${type}:${obj.metadata.name}`); }, () => undefined);
  const deadline2 = Date.now() + 10_000;
  while (resumed.length < 2 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 50));
  // the resumed stream stays open: later changes arrive on it too
  await core.createNamespacedConfigMap({ namespace: 'cw', body: { metadata: { name: 'c' } } });
  const deadline3 = Date.now() + 10_000;
  while (resumed.length < 3 && Date.now() < deadline3) await new Promise((r) => setTimeout(r, 50));
  req2.abort();
  assert.deepEqual(resumed, ['MODIFIED:a', 'DELETED:b', 'ADDED:c']);
});

test('client-node: informer lists and follows changes', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'ci' } } });
  await core.createNamespacedConfigMap({ namespace: 'ci', body: { metadata: { name: 'pre' } } });
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/ci/configmaps', () => core.listNamespacedConfigMap({ namespace: 'ci' }));
  const added: string[] = [];
  informer.on('add', (o: k8s.V1ConfigMap) => added.push(o.metadata!.name!));
  await informer.start();
  await core.createNamespacedConfigMap({ namespace: 'ci', body: { metadata: { name: 'post' } } });
  const deadline = Date.now() + 10_000;
  while (!added.includes('post') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await informer.stop();
  assert.ok(added.includes('pre') && added.includes('post'), `informer saw ${added.join(',')}`);
});

test('client-node: apps/v1 deployment create and status read', async () => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const d = await apps.createNamespacedDeployment({ namespace: 'default', body: {
    metadata: { name: 'cnd' },
    spec: { selector: { matchLabels: { app: 'cnd' } }, template: { metadata: { labels: { app: 'cnd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  } });
  assert.equal(d.spec?.replicas, 1);
  assert.equal(d.spec?.template.spec?.containers[0].imagePullPolicy, 'Always');
  const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'cnd' });
  assert.equal(scale.spec?.replicas, 1);
  assert.equal(scale.status?.selector, 'app=cnd');
});
