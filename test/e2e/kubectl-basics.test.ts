// Acceptance (issue 2): kubectl's discovery, OpenAPI, apply, create, get, describe against timonel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, kubectl, kc, writeTemp, eventually, type Cluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.cleanup(); });

test('kubectl version, api-resources and explain work', async () => {
  const v = JSON.parse(await kc(c, ['version', '-o', 'json']));
  assert.equal(v.serverVersion.major, '1');
  assert.equal(v.serverVersion.minor, '32');
  const res = await kc(c, ['api-resources']);
  for (const line of [/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m, /^pods\s+po\s+v1\s+true\s+Pod/m, /^namespaces\s+ns\s+v1\s+false\s+Namespace/m,
    /^customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io\/v1\s+false/m, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2/m, /^leases\s+coordination.k8s.io\/v1\s+true\s+Lease/m]) {
    assert.match(res, line);
  }
  const explain = await kc(c, ['explain', 'deployment.spec.template']);
  assert.match(explain, /GROUP:\s+apps/);
  assert.match(explain, /FIELD:\s+template <PodTemplateSpec>/);
  assert.match(explain, /spec\s+<PodSpec>/);
  const explainDeep = await kc(c, ['explain', 'pods.spec.containers.image']);
  assert.match(explainDeep, /FIELD:\s+image <string>/);
});

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        env:
        - name: MODE
          value: fast
        - name: LEVEL
          value: "1"
`;

test('apply -f creates a multi-document manifest, re-apply is unchanged, changed containers merge by key', async () => {
  const f = writeTemp(c, 'm1.yaml', MANIFEST);
  const first = await kc(c, ['apply', '-f', f]);
  assert.match(first, /namespace\/shop created/);
  assert.match(first, /configmap\/settings created/);
  assert.match(first, /deployment.apps\/web created/);
  const again = await kc(c, ['apply', '-f', f]);
  assert.match(again, /namespace\/shop unchanged/);
  assert.match(again, /configmap\/settings unchanged/);
  assert.match(again, /deployment.apps\/web unchanged/);
  // someone else adds an annotation and an env var: client-side apply must keep what it does not own
  await kc(c, ['-n', 'shop', 'annotate', 'deployment', 'web', 'owner=ops']);
  await kc(c, ['-n', 'shop', 'set', 'env', 'deployment/web', 'EXTRA=kept']);
  const changed = MANIFEST.replace('value: fast', 'value: slow').replace(`      - name: nginx
        image: nginx:1.25`, `      - name: nginx
        image: nginx:1.25`) + '';
  const withSidecar = changed.replace(`        - name: LEVEL
          value: "1"
`, `        - name: LEVEL
          value: "1"
      - name: shipper
        image: busybox:1.36
        command: ["sh", "-c", "tail -f /dev/null"]
`);
  const f2 = writeTemp(c, 'm2.yaml', withSidecar);
  assert.match(await kc(c, ['apply', '-f', f2]), /deployment.apps\/web configured/);
  const d = JSON.parse(await kc(c, ['-n', 'shop', 'get', 'deployment', 'web', '-o', 'json']));
  const containers = d.spec.template.spec.containers;
  assert.deepEqual(containers.map((x: { name: string }) => x.name), ['nginx', 'shipper']);
  const env = Object.fromEntries(containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
  assert.deepEqual(env, { MODE: 'slow', LEVEL: '1', EXTRA: 'kept' });
  assert.equal(d.metadata.annotations.owner, 'ops');
  // create, set env and the re-apply changed the spec; the annotation did not
  assert.equal(d.metadata.generation, 3);
  assert.equal(containers[1].imagePullPolicy, 'IfNotPresent');
  assert.equal(d.spec.strategy.type, 'RollingUpdate');
});

test('apply --server-side creates, updates, and reports a conflict with another field manager', async () => {
  const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: default\ndata:\n  key: ${v}\n`;
  assert.match(await kc(c, ['apply', '--server-side', '-f', '-'], { input: cm('one') }), /configmap\/ssa serverside-applied/);
  assert.match(await kc(c, ['apply', '--server-side', '-f', '-'], { input: cm('two') }), /configmap\/ssa serverside-applied/);
  const got = JSON.parse(await kc(c, ['get', 'configmap', 'ssa', '-o', 'json', '--show-managed-fields']));
  assert.equal(got.data.key, 'two');
  assert.ok(got.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply'));
  const conflict = await kubectl(c, ['apply', '--server-side', '--field-manager=other', '-f', '-'], { input: cm('three') });
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /conflict/i);
  assert.match(conflict.stderr, /\.data\.key/);
  assert.match(conflict.stderr, /"kubectl"/);
  const forced = await kc(c, ['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-f', '-'], { input: cm('three') });
  assert.match(forced, /serverside-applied/);
  assert.equal(JSON.parse(await kc(c, ['get', 'cm', 'ssa', '-o', 'json'])).data.key, 'three');
});

test('kubectl create generators (protobuf bodies) and create -f', async () => {
  await kc(c, ['create', 'namespace', 'gen']);
  await kc(c, ['-n', 'gen', 'create', 'configmap', 'c1', '--from-literal=a=b', '--from-literal=x=y']);
  await kc(c, ['-n', 'gen', 'create', 'secret', 'generic', 's1', '--from-literal=password=hunter2']);
  await kc(c, ['-n', 'gen', 'create', 'deployment', 'd1', '--image=nginx:1.25', '--replicas=3', '--port=80']);
  await kc(c, ['-n', 'gen', 'create', 'service', 'clusterip', 'svc1', '--tcp=80:8080']);
  await kc(c, ['-n', 'gen', 'create', 'job', 'j1', '--image=busybox', '--', 'echo', 'hi']);
  const cm = JSON.parse(await kc(c, ['-n', 'gen', 'get', 'cm', 'c1', '-o', 'json']));
  assert.deepEqual(cm.data, { a: 'b', x: 'y' });
  const s = JSON.parse(await kc(c, ['-n', 'gen', 'get', 'secret', 's1', '-o', 'json']));
  assert.equal(Buffer.from(s.data.password, 'base64').toString(), 'hunter2');
  assert.equal(s.type, 'Opaque');
  const d = JSON.parse(await kc(c, ['-n', 'gen', 'get', 'deploy', 'd1', '-o', 'json']));
  assert.equal(d.spec.replicas, 3);
  assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.25');
  assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
  const svc = JSON.parse(await kc(c, ['-n', 'gen', 'get', 'svc', 'svc1', '-o', 'json']));
  assert.equal(svc.spec.ports[0].port, 80);
  assert.equal(svc.spec.ports[0].targetPort, 8080);
  assert.match(svc.spec.clusterIP, /^10\.43\.\d+\.\d+$/);
  const j = JSON.parse(await kc(c, ['-n', 'gen', 'get', 'job', 'j1', '-o', 'json']));
  assert.deepEqual(j.spec.template.spec.containers[0].command, ['echo', 'hi']);
  const f = writeTemp(c, 'pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n  namespace: gen\nspec:\n  containers:\n  - name: main\n    image: busybox:latest\n');
  assert.match(await kc(c, ['create', '-f', f]), /pod\/p1 created/);
  const dup = await kubectl(c, ['create', '-f', f]);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /AlreadyExists/);
  const p = JSON.parse(await kc(c, ['-n', 'gen', 'get', 'pod', 'p1', '-o', 'json']));
  assert.equal(p.spec.containers[0].imagePullPolicy, 'Always');
  assert.equal(p.spec.restartPolicy, 'Always');
  assert.equal(p.status.qosClass, 'BestEffort');
});

test('kubectl get: wide, yaml, json, name, selectors, all namespaces', async () => {
  await kc(c, ['create', 'namespace', 'g1']);
  await kc(c, ['-n', 'g1', 'create', 'configmap', 'red', '--from-literal=k=v']);
  await kc(c, ['-n', 'g1', 'create', 'configmap', 'blue', '--from-literal=k=v']);
  await kc(c, ['-n', 'g1', 'label', 'configmap', 'red', 'color=red', 'tier=web']);
  await kc(c, ['-n', 'g1', 'label', 'configmap', 'blue', 'color=blue']);
  const table = await kc(c, ['-n', 'g1', 'get', 'configmaps']);
  assert.match(table, /^NAME\s+DATA\s+AGE/m);
  assert.match(table, /^red\s+1\s+\d+s/m);
  assert.match(await kc(c, ['-n', 'g1', 'get', 'cm', '-l', 'color=red', '-o', 'name']), /^configmap\/red\n$/);
  assert.equal((await kc(c, ['-n', 'g1', 'get', 'cm', '-l', 'color in (red,blue),tier!=web', '-o', 'name'])).trim(), 'configmap/blue');
  assert.equal((await kc(c, ['-n', 'g1', 'get', 'cm', '--field-selector', 'metadata.name=blue', '-o', 'name'])).trim(), 'configmap/blue');
  const y = await kc(c, ['-n', 'g1', 'get', 'cm', 'red', '-o', 'yaml']);
  assert.match(y, /^kind: ConfigMap$/m);
  assert.match(y, /color: red/);
  const all = await kc(c, ['get', 'cm', '-A', '--show-labels']);
  assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE\s+LABELS/m);
  assert.match(all, /^g1\s+red\s+1\s+\S+\s+color=red,tier=web/m);
  const nsWide = await kc(c, ['get', 'ns', '-o', 'wide']);
  assert.match(nsWide, /^default\s+Active/m);
  const deployWide = await kc(c, ['-n', 'shop', 'get', 'deploy', '-o', 'wide']);
  assert.match(deployWide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/m);
  assert.match(deployWide, /^web\s+\d\/2\s+\d\s+\d\s+\S+\s+nginx,shipper\s+nginx:1.25,busybox:1.36\s+app=web/m);
  const bad = await kubectl(c, ['get', 'pods', '--field-selector', 'spec.bogus=x']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /BadRequest|field label not supported/);
});

test('kubectl get -w sees later changes', async () => {
  await kc(c, ['create', 'namespace', 'w1']);
  await kc(c, ['-n', 'w1', 'create', 'configmap', 'first']);
  const { spawn } = await import('node:child_process');
  const w = spawn('/usr/bin/kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', `${c.dataDir}/kubectl-cache`, '-n', 'w1', 'get', 'configmaps', '-w', '-o', 'name']);
  let out = '';
  w.stdout.on('data', (d) => { out += d; });
  try {
    await eventually(async () => out.includes('configmap/first'), 15_000, 'initial list in watch');
    await kc(c, ['-n', 'w1', 'create', 'configmap', 'second']);
    await eventually(async () => out.includes('configmap/second'), 15_000, 'watch to show the new configmap');
  } finally {
    w.kill();
  }
});

test('paging over more than 500 objects', async () => {
  await kc(c, ['create', 'namespace', 'many']);
  const docs = Array.from({ length: 620 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(4, '0')}\n  namespace: many\ndata:\n  i: "${i}"\n`).join('---\n');
  await kc(c, ['create', '-f', '-'], { input: docs });
  const names = (await kc(c, ['-n', 'many', 'get', 'cm', '-o', 'name', '-v=6'])).trim().split('\n');
  assert.equal(names.filter((n) => n.startsWith('configmap/cm-')).length, 620);
  const r = await kubectl(c, ['-n', 'many', 'get', 'cm', '-o', 'name', '--chunk-size=100', '-v=6']);
  assert.equal(r.code, 0);
  const pages = (r.stderr.match(/GET https:\/\/[^ ]+\/configmaps\?[^ ]*limit=100/g) ?? []).length;
  assert.ok(pages >= 7, `expected at least 7 pages, saw ${pages}`);
  assert.equal(r.stdout.trim().split('\n').filter((n) => n.startsWith('configmap/cm-')).length, 620);
});

test('describe shows events', async () => {
  await kc(c, ['create', 'namespace', 'ev']);
  await kc(c, ['-n', 'ev', 'create', 'configmap', 'watched']);
  const uid = (await kc(c, ['-n', 'ev', 'get', 'cm', 'watched', '-o', 'jsonpath={.metadata.uid}'])).trim();
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'watched.1', namespace: 'ev' }, involvedObject: { kind: 'ConfigMap', name: 'watched', namespace: 'ev', uid, apiVersion: 'v1' }, reason: 'Checked', message: 'the configmap was looked at', type: 'Normal', source: { component: 'e2e' }, firstTimestamp: now, lastTimestamp: now, count: 1 };
  await kc(c, ['create', '-f', '-'], { input: JSON.stringify(event) });
  const d = await kc(c, ['-n', 'ev', 'describe', 'configmap', 'watched']);
  assert.match(d, /Events:/);
  assert.match(d, /Normal\s+Checked\s+\S+\s+e2e\s+the configmap was looked at/);
});
