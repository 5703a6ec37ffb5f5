// The generated message tables are consistent, and agree with facts of the published .proto files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodableKinds, kindMessage, messageKeys, messageSpec } from './tables.js';

test('every message table parses and every reference resolves', () => {
  const keys = messageKeys();
  assert.ok(keys.length > 300);
  for (const k of keys) {
    const m = messageSpec(k);
    const nums = new Set<number>();
    for (const f of m.fields) {
      assert.ok(!nums.has(f.num), `${k}: duplicate #${f.num}`);
      nums.add(f.num);
      assert.ok(f.json || f.inline, `${k}#${f.num} has no JSON name`);
      if (f.value.t === 'message') messageSpec(f.value.key);
    }
  }
  for (const { apiVersion, kind } of decodableKinds()) messageSpec(kindMessage(apiVersion, kind)!);
});

function field(key: string, json: string) {
  const f = messageSpec(key).fields.find((x) => x.json === json);
  assert.ok(f, `${key}.${json}`);
  return f;
}

test('field numbers and shapes match generated.proto', () => {
  // core/v1 generated.proto
  assert.equal(field('core/v1.ServicePort', 'targetPort').num, 4);
  assert.deepEqual(field('core/v1.ServicePort', 'targetPort').value, { t: 'special', code: 'N' });
  assert.equal(field('core/v1.ServiceSpec', 'clusterIP').num, 3);
  assert.equal(field('core/v1.ServiceSpec', 'clusterIPs').num, 18);
  assert.equal(field('core/v1.Container', 'image').num, 2);
  assert.equal(field('core/v1.Container', 'envFrom').num, 19);
  assert.equal(field('core/v1.Secret', 'stringData').num, 4);
  assert.deepEqual(field('core/v1.Secret', 'data').value, { t: 'scalar', code: 'B' });
  assert.ok(field('core/v1.Secret', 'data').isMap);
  assert.equal(field('core/v1.ConfigMap', 'binaryData').num, 3);
  assert.ok(field('core/v1.Volume', '').inline);
  // apimachinery meta/v1
  assert.equal(field('meta/v1.ObjectMeta', 'labels').num, 11);
  assert.equal(field('meta/v1.ObjectMeta', 'managedFields').num, 17);
  assert.deepEqual(field('meta/v1.ObjectMeta', 'creationTimestamp').value, { t: 'special', code: 'T' });
  // rbac/v1
  assert.deepEqual(messageSpec('rbac/v1.RoleRef').fields.map((f) => [f.num, f.json]), [[1, 'apiGroup'], [2, 'kind'], [3, 'name']]);
  assert.deepEqual(messageSpec('rbac/v1.Subject').fields.map((f) => [f.num, f.json]), [[1, 'kind'], [2, 'apiGroup'], [3, 'name'], [4, 'namespace']]);
});

test('Go facts: pointers and omitempty', () => {
  const replicas = field('apps/v1.DeploymentSpec', 'replicas');
  assert.ok(replicas.pointer && replicas.omitempty);
  const name = field('core/v1.Container', 'name');
  assert.ok(!name.pointer && !name.omitempty);
  const verbs = field('rbac/v1.PolicyRule', 'verbs');
  assert.ok(verbs.repeated && !verbs.omitempty);
  assert.ok(field('policy/v1.PodDisruptionBudgetSpec', 'minAvailable').pointer);
});

test('kinds by apiVersion', () => {
  assert.equal(kindMessage('v1', 'ConfigMap'), 'core/v1.ConfigMap');
  assert.equal(kindMessage('apps/v1', 'Deployment'), 'apps/v1.Deployment');
  assert.equal(kindMessage('networking.k8s.io/v1', 'Ingress'), 'networking/v1.Ingress');
  assert.equal(kindMessage('policy/v1', 'Eviction'), 'policy/v1.Eviction');
  assert.equal(kindMessage('batch/v1', 'DeleteOptions'), 'meta/v1.DeleteOptions');
  assert.equal(kindMessage('v1', 'ConfigMapList'), undefined);
  assert.equal(kindMessage('apps/v1beta1', 'Deployment'), undefined);
  assert.equal(kindMessage('v1', 'toString'), undefined);
  assert.equal(kindMessage('__proto__', 'x'), undefined);
});
