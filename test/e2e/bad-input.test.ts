// Acceptance (issue 2): bad input gets a clear 4xx naming the field, nothing is stored, and no
// request shape makes the server answer 5xx or crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, kubectl, kc, request, type Cluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.cleanup(); });

const notStored = async (kind: string, name: string) => {
  const r = await kubectl(c, ['get', kind, name]);
  assert.notEqual(r.code, 0, `${kind}/${name} must not have been stored`);
  assert.match(r.stderr, /NotFound/);
};

test('a wrong type is rejected naming the field', async () => {
  const r = await kubectl(c, ['apply', '-f', '-'], { input: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: wrongtype}\nspec:\n  replicas: "three"\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: nginx}]}\n' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.replicas/);
  await notStored('deployment', 'wrongtype');
});

test('a missing required field is rejected as Invalid with the field path', async () => {
  const r = await kubectl(c, ['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: noimage}\nspec:\n  containers:\n  - name: c\n' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /The Pod "noimage" is invalid: spec\.containers\[0\]\.image: Required value/);
  await notStored('pod', 'noimage');
});

test('an unknown field is rejected in Strict mode', async () => {
  const r = await kubectl(c, ['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unknownfield}\ndata: {a: b}\nbogus: 1\n' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown field "bogus"/);
  await notStored('configmap', 'unknownfield');
  const raw = await request(c, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u2' }, data: {}, spec: { x: 1 } }));
  assert.equal(raw.status, 400);
  assert.match(JSON.parse(raw.body).message, /unknown field "spec"/);
  const warn = await request(c, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u3' }, extra: true }));
  assert.equal(warn.status, 201);
  assert.match(String(warn.headers.warning), /^299 - "unknown field \\"extra\\""$/);
});

test('a bad label value is rejected naming metadata.labels', async () => {
  const r = await kubectl(c, ['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: badlabel\n  labels: {tier: "front end!"}\n' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /metadata\.labels: Invalid value: "front end!"/);
  await notStored('configmap', 'badlabel');
});

test('an unknown kind is rejected', async () => {
  const r = await kubectl(c, ['apply', '-f', '-'], { input: 'apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g}\n' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no matches for kind "Gizmo" in version "example.com\/v1"/);
  const raw = await request(c, 'POST', '/apis/example.com/v1/namespaces/default/gizmos', '{}');
  assert.equal(raw.status, 404);
});

test('anonymous requests get 401', async () => {
  const r = await request(c, 'GET', '/api/v1/namespaces', undefined, {}, false);
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.body).reason, 'Unauthorized');
  const wrong = await request(c, 'GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer nope' }, false);
  assert.equal(wrong.status, 401);
});

/** Deterministic pseudo-random generator so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('fuzz: malformed bodies, headers and queries never produce a 5xx or a crash', async () => {
  const rand = rng(20261124);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const bodies: Array<string | Buffer> = [
    '', '{', '[]', 'null', '"str"', '42', '{"metadata":[]}', '{"metadata":{"name":7}}', '{"metadata":{"name":"x","labels":"no"}}',
    '{"kind":5}', '{"apiVersion":{},"kind":"ConfigMap"}', '{"data":{"a":1}}', '{"spec":{"replicas":"x"}}', '{"spec":{"containers":{}}}',
    '{"metadata":{"name":"' + 'a'.repeat(300) + '"}}', '{"metadata":{"name":"Bad_Name"}}', '{"metadata":{"generateName":"x-"},"data":null}',
    Buffer.from([0x6b, 0x38, 0x73, 0x00, 0xff, 0x01, 0x02]), Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x80]), Buffer.from('k8s\u0000'),
    JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'fz' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }] }] } } } }),
    '[{"op":"replace","path":"/x/y","value":1}]', '[{"op":"bogus"}]', '{"$patch":"delete"}', '{"metadata":{"$setElementOrder/finalizers":5}}',
    'a: [b', '---\na: 1\n---\nb: 2', '{"metadata":{"resourceVersion":"notanumber"}}',
  ];
  const paths = [
    '/api/v1/namespaces/default/configmaps', '/api/v1/namespaces/default/configmaps/fz', '/apis/apps/v1/namespaces/default/deployments',
    '/apis/apps/v1/namespaces/default/deployments/fz', '/apis/apps/v1/namespaces/default/deployments/fz/scale', '/api/v1/namespaces/default/pods/fz/status',
    '/api/v1/namespaces', '/api/v1/nodes/n', '/api/v1/namespaces/%zz/configmaps', '/api/v1/namespaces/default/pods/fz/binding', '/apis/batch/v1/jobs',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', '/api/v1/namespaces/default/configmaps/fz/bogus',
  ];
  const queries = ['', '?labelSelector=a%3D%3D%3Db', '?labelSelector=a+in+(', '?fieldSelector=foo', '?fieldSelector=metadata.name%3Dx', '?limit=-1', '?limit=abc', '?continue=garbage',
    '?resourceVersion=abc', '?watch=true&resourceVersion=1&timeoutSeconds=1', '?dryRun=Some', '?fieldValidation=Loose', '?propagationPolicy=Sideways', '?gracePeriodSeconds=-5', '?fieldManager=' + 'm'.repeat(200), '?force=true'];
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  const types = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'text/plain', ''];
  const accepts = ['application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/vnd.kubernetes.protobuf', 'text/html', '*/*'];
  let fivexx = 0;
  const failures: string[] = [];
  for (let i = 0; i < 1500; i++) {
    const method = pick(methods);
    const path = pick(paths) + pick(queries);
    const body = method === 'GET' ? undefined : pick(bodies);
    const headers: Record<string, string> = { Accept: pick(accepts) };
    const ct = pick(types);
    if (ct) headers['Content-Type'] = ct;
    const r = await request(c, method, path, body, headers);
    if (r.status >= 500 || r.status === 0) {
      fivexx++;
      failures.push(`${method} ${path} [${ct}] ${String(body).slice(0, 60)} -> ${r.status} ${r.body.slice(0, 200)}`);
    }
    if (r.status >= 400 && r.status < 500 && r.body) {
      const st = JSON.parse(r.body);
      assert.equal(st.kind, 'Status', `error replies are Status objects: ${r.body.slice(0, 200)}`);
    }
  }
  assert.equal(fivexx, 0, failures.slice(0, 10).join('\n'));
  // the server is still healthy
  assert.match(await kc(c, ['get', 'ns', 'default', '-o', 'name']), /namespace\/default/);
});
