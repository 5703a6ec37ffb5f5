// The bodies real kubectl 1.32 sent, decoded, against the JSON kubectl means by them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './index.js';
import { loadFixtures } from './testing/fixtures.js';
import { concat, entry, envelope } from './testing/encode.js';

const fixtures = loadFixtures();

test('the fixtures cover every kind kubectl create sends as protobuf', () => {
  const kinds = new Set(fixtures.map((f) => `${f.json.apiVersion as string} ${f.json.kind as string}`));
  for (const k of [
    'v1 ConfigMap', 'v1 Secret', 'apps/v1 Deployment', 'v1 Namespace', 'v1 Service', 'batch/v1 Job', 'batch/v1 CronJob',
    'rbac.authorization.k8s.io/v1 Role', 'rbac.authorization.k8s.io/v1 RoleBinding', 'rbac.authorization.k8s.io/v1 ClusterRole',
    'rbac.authorization.k8s.io/v1 ClusterRoleBinding', 'v1 ServiceAccount', 'networking.k8s.io/v1 Ingress',
    'policy/v1 PodDisruptionBudget', 'scheduling.k8s.io/v1 PriorityClass', 'v1 ResourceQuota',
  ]) assert.ok(kinds.has(k), `no fixture for ${k}`);
  for (const f of fixtures) assert.equal(f.contentType, PROTOBUF_CONTENT_TYPE, f.name);
});

for (const f of fixtures) {
  test(`kubectl ${f.args.slice(0, 3).join(' ')} (${f.name}) decodes to the JSON kubectl means`, () => {
    assert.deepEqual(decodeProtobufObject(f.body), f.json);
  });
}

test('decoding does not depend on the buffer offset (a view into a larger buffer)', () => {
  for (const f of fixtures) {
    const big = new Uint8Array(f.body.length + 13);
    big.set(f.body, 7);
    assert.deepEqual(decodeProtobufObject(big.subarray(7, 7 + f.body.length)), f.json, f.name);
  }
});

test('decoding is linear: a 20000-entry ConfigMap and a large rich Job decode quickly', () => {
  const rich = fixtures.find((f) => f.name === 'job-from-cronjob')!;
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) decodeProtobufObject(rich.body);
  const perDecode = (performance.now() - t0) / 200;
  assert.ok(perDecode < 20, `${perDecode.toFixed(2)} ms per decode`);
  const entries: Uint8Array[] = [];
  for (let i = 0; i < 20_000; i++) entries.push(entry(2, `key-${i}`, `value-${i}`));
  const t1 = performance.now();
  const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', concat(...entries)));
  assert.equal(Object.keys(cm.data as object).length, 20_000);
  assert.ok(performance.now() - t1 < 1000);
});
