// Acceptance (issue 2): kubectl's mutating verbs, cascading deletion and namespace deletion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { startCluster, kubectl, kc, writeTemp, eventually, type Cluster } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startCluster();
  await kc(c, ['create', 'namespace', 'wr']);
});
after(async () => { await c?.cleanup(); });

const deploy = (name: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: wr}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - {name: main, image: "nginx:1.25"}
`;

test('label and annotate add, change and remove', async () => {
  await kc(c, ['-n', 'wr', 'create', 'configmap', 'lab']);
  await kc(c, ['-n', 'wr', 'label', 'cm', 'lab', 'a=1', 'b=2']);
  const r = await kubectl(c, ['-n', 'wr', 'label', 'cm', 'lab', 'a=3']);
  assert.notEqual(r.code, 0, 'label without --overwrite must refuse to change a value');
  await kc(c, ['-n', 'wr', 'label', 'cm', 'lab', 'a=3', '--overwrite']);
  await kc(c, ['-n', 'wr', 'label', 'cm', 'lab', 'b-']);
  await kc(c, ['-n', 'wr', 'annotate', 'cm', 'lab', 'note=hello world']);
  const o = JSON.parse(await kc(c, ['-n', 'wr', 'get', 'cm', 'lab', '-o', 'json']));
  assert.deepEqual(o.metadata.labels, { a: '3' });
  assert.equal(o.metadata.annotations.note, 'hello world');
  const bad = await kubectl(c, ['-n', 'wr', 'label', 'cm', 'lab', 'x=bad value!']);
  assert.notEqual(bad.code, 0);
});

test('patch: strategic, merge and json', async () => {
  await kc(c, ['apply', '-f', '-'], { input: deploy('pat') });
  await kc(c, ['-n', 'wr', 'patch', 'deployment', 'pat', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox:1.36"}]}}}}']);
  let d = JSON.parse(await kc(c, ['-n', 'wr', 'get', 'deploy', 'pat', '-o', 'json']));
  assert.deepEqual(d.spec.template.spec.containers.map((x: { name: string }) => x.name).sort(), ['main', 'side']);
  await kc(c, ['-n', 'wr', 'patch', 'deployment', 'pat', '--type=merge', '-p', '{"spec":{"replicas":4}}']);
  await kc(c, ['-n', 'wr', 'patch', 'deployment', 'pat', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.27"}]']);
  d = JSON.parse(await kc(c, ['-n', 'wr', 'get', 'deploy', 'pat', '-o', 'json']));
  assert.equal(d.spec.replicas, 4);
  assert.ok(d.spec.template.spec.containers.some((x: { image: string }) => x.image === 'nginx:1.27'));
  const bad = await kubectl(c, ['-n', 'wr', 'patch', 'deployment', 'pat', '--type=json', '-p', '[{"op":"remove","path":"/spec/nothing/here"}]']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /missing path/);
});

test('edit through a scripted KUBE_EDITOR', async () => {
  await kc(c, ['-n', 'wr', 'create', 'configmap', 'ed', '--from-literal=mode=old']);
  const editor = writeTemp(c, 'editor.sh', '#!/bin/sh\nsed -i "s/mode: old/mode: new/" "$1"\n');
  chmodSync(editor, 0o755);
  await kc(c, ['-n', 'wr', 'edit', 'configmap', 'ed'], { env: { KUBE_EDITOR: editor, EDITOR: editor } });
  assert.equal((await kc(c, ['-n', 'wr', 'get', 'cm', 'ed', '-o', 'jsonpath={.data.mode}'])).trim(), 'new');
});

test('scale through the scale subresource', async () => {
  await kc(c, ['apply', '-f', '-'], { input: deploy('sc', 1) });
  assert.match(await kc(c, ['-n', 'wr', 'scale', 'deployment', 'sc', '--replicas=5']), /scaled/);
  assert.equal((await kc(c, ['-n', 'wr', 'get', 'deploy', 'sc', '-o', 'jsonpath={.spec.replicas}'])).trim(), '5');
  const stale = await kubectl(c, ['-n', 'wr', 'scale', 'deployment', 'sc', '--current-replicas=2', '--replicas=3']);
  assert.notEqual(stale.code, 0, 'a precondition on current replicas that does not hold fails');
  await kc(c, ['-n', 'wr', 'scale', 'deployment', 'sc', '--current-replicas=5', '--replicas=3']);
  assert.equal((await kc(c, ['-n', 'wr', 'get', 'deploy', 'sc', '-o', 'jsonpath={.spec.replicas}'])).trim(), '3');
});

/** An owner ConfigMap and two dependents pointing at it. */
async function family(prefix: string): Promise<string> {
  await kc(c, ['-n', 'wr', 'create', 'configmap', `${prefix}-owner`]);
  const uid = (await kc(c, ['-n', 'wr', 'get', 'cm', `${prefix}-owner`, '-o', 'jsonpath={.metadata.uid}'])).trim();
  for (const i of [1, 2]) {
    const dep = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-dep${i}`, namespace: 'wr', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: `${prefix}-owner`, uid, blockOwnerDeletion: true }] } };
    await kc(c, ['create', '-f', '-'], { input: JSON.stringify(dep) });
  }
  return uid;
}

const exists = async (name: string) => (await kubectl(c, ['-n', 'wr', 'get', 'cm', name])).code === 0;

test('delete --cascade=background removes dependents', async () => {
  await family('bg');
  await kc(c, ['-n', 'wr', 'delete', 'cm', 'bg-owner']);
  await eventually(async () => !(await exists('bg-dep1')) && !(await exists('bg-dep2')), 20_000, 'dependents to be collected');
});

test('delete --cascade=foreground removes dependents before the owner', async () => {
  await family('fg');
  await kc(c, ['-n', 'wr', 'delete', 'cm', 'fg-owner', '--cascade=foreground']);
  assert.equal(await exists('fg-owner'), false);
  assert.equal(await exists('fg-dep1'), false);
  assert.equal(await exists('fg-dep2'), false);
});

test('delete --cascade=orphan keeps dependents and drops their owner references', async () => {
  await family('or');
  await kc(c, ['-n', 'wr', 'delete', 'cm', 'or-owner', '--cascade=orphan']);
  assert.equal(await exists('or-owner'), false);
  const dep = JSON.parse(await kc(c, ['-n', 'wr', 'get', 'cm', 'or-dep1', '-o', 'json']));
  assert.equal(dep.metadata.ownerReferences, undefined);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await exists('or-dep1'), true);
  assert.equal(await exists('or-dep2'), true);
});

test('delete namespace removes what it held', async () => {
  await kc(c, ['create', 'namespace', 'doomed']);
  await kc(c, ['-n', 'doomed', 'create', 'configmap', 'a']);
  await kc(c, ['-n', 'doomed', 'create', 'secret', 'generic', 'b', '--from-literal=x=y']);
  await kc(c, ['apply', '-f', '-'], { input: deploy('gone').replace('namespace: wr', 'namespace: doomed') });
  assert.match(await kc(c, ['delete', 'namespace', 'doomed', '--timeout=60s']), /namespace "doomed" deleted/);
  assert.notEqual((await kubectl(c, ['get', 'namespace', 'doomed'])).code, 0);
  const left = await kc(c, ['get', 'cm,secret,deploy', '-n', 'doomed', '-o', 'name']);
  assert.equal(left.trim(), '');
  const created = await kubectl(c, ['-n', 'doomed', 'create', 'configmap', 'late']);
  assert.notEqual(created.code, 0);
  assert.match(created.stderr, /namespaces "doomed" not found/);
});
