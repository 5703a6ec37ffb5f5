import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaForKind } from '../../api/schema.js';
import { applyMergePatch, applyStrategicMergePatch } from '../../api/patch/index.js';
import { createMergePatch, createThreeWayMergePatch, createTwoWayMergePatch } from './threeway.js';

type M = Record<string, unknown>;
const deploySchema = schemaForKind('apps', 'v1', 'Deployment');
const cmSchema = schemaForKind('', 'v1', 'ConfigMap');
const svcSchema = schemaForKind('', 'v1', 'Service');
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function deployment(image: string, env: Array<{ name: string; value: string }>, extra: M = {}): M {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image, env }] } },
      ...extra,
    },
  };
}

/** What the server holds: the old manifest plus defaults and fields other actors set. */
function live(obj: M): M {
  const o = clone(obj) as any;
  o.metadata.uid = 'u1';
  o.metadata.resourceVersion = '7';
  o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  o.spec.template.spec.restartPolicy = 'Always';
  for (const c of o.spec.template.spec.containers) { c.imagePullPolicy = 'IfNotPresent'; c.terminationMessagePath = '/dev/termination-log'; }
  o.status = { replicas: 2 };
  return o;
}

test('three-way patch: changes from the chart win, defaults and live-only fields survive, removed list items are deleted', () => {
  const original = deployment('nginx:1', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  const modified = deployment('nginx:2', [{ name: 'A', value: '1' }]);
  const current = live(original);
  const patch = createThreeWayMergePatch(clone(original), clone(modified), clone(current), deploySchema);
  const spec = (patch.spec as any).template.spec;
  assert.deepEqual(spec['$setElementOrder/containers'], [{ name: 'app' }]);
  assert.equal(spec.containers[0].image, 'nginx:2');
  assert.deepEqual(spec.containers[0].env, [{ name: 'B', $patch: 'delete' }]);
  assert.deepEqual(spec.containers[0]['$setElementOrder/env'], [{ name: 'A' }]);
  assert.equal('status' in patch, false, 'live-only fields are never in the patch');
  const result = applyStrategicMergePatch(current, patch, deploySchema) as any;
  const c = result.spec.template.spec.containers[0];
  assert.equal(c.image, 'nginx:2');
  assert.deepEqual(c.env, [{ name: 'A', value: '1' }]);
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(result.spec.template.spec.restartPolicy, 'Always');
  assert.deepEqual(result.status, { replicas: 2 });
});

test('three-way patch: a field edited on the live object is set back to the chart\'s value', () => {
  const original = deployment('nginx:1', []);
  const current = live(original) as any;
  current.spec.replicas = 5;
  current.metadata.labels.extra = 'kept';
  const patch = createThreeWayMergePatch(clone(original), clone(original), current, deploySchema);
  assert.deepEqual(patch, { spec: { replicas: 2 } });
  const result = applyStrategicMergePatch(current, patch, deploySchema) as any;
  assert.equal(result.spec.replicas, 2);
  assert.equal(result.metadata.labels.extra, 'kept', 'labels added by others are not removed');
});

test('three-way patch: nothing to do gives an empty patch', () => {
  const original = deployment('nginx:1', [{ name: 'A', value: '1' }]);
  assert.deepEqual(createThreeWayMergePatch(clone(original), clone(original), live(original), deploySchema), {});
});

test('three-way patch: map keys dropped from the chart become null, keys added live stay', () => {
  const original = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } };
  const modified = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', c: '3' } };
  const current = { ...clone(original), data: { a: '1', b: '2', x: '9' } };
  const patch = createThreeWayMergePatch(clone(original), clone(modified), clone(current), cmSchema);
  assert.deepEqual(patch, { data: { b: null, c: '3' } });
  assert.deepEqual((applyStrategicMergePatch(current, patch, cmSchema) as any).data, { a: '1', c: '3', x: '9' });
});

test('three-way patch: retainKeys clears the fields of a replaced strategy', () => {
  const original = deployment('nginx:1', [], { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } });
  const modified = deployment('nginx:1', [], { strategy: { type: 'Recreate' } });
  const current = live(original) as any;
  current.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } };
  const patch = createThreeWayMergePatch(clone(original), clone(modified), current, deploySchema) as any;
  assert.deepEqual(patch.spec.strategy.$retainKeys, ['type']);
  const result = applyStrategicMergePatch(current, patch, deploySchema) as any;
  assert.deepEqual(result.spec.strategy, { type: 'Recreate' });
});

test('three-way patch: merge-keyed lists of services and added elements', () => {
  const svc = (ports: Array<{ name: string; port: number }>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'x' }, ports } });
  const original = svc([{ name: 'http', port: 80 }]);
  const modified = svc([{ name: 'http', port: 80 }, { name: 'https', port: 443 }]);
  const current = clone(original) as any;
  current.spec.clusterIP = '10.0.0.1';
  current.spec.ports[0].protocol = 'TCP';
  current.spec.ports[0].targetPort = 80;
  const patch = createThreeWayMergePatch(clone(original), clone(modified), current, svcSchema);
  const result = applyStrategicMergePatch(current, patch, svcSchema) as any;
  assert.equal(result.spec.clusterIP, '10.0.0.1');
  assert.deepEqual(result.spec.ports.map((p: any) => p.port), [80, 443]);
  assert.equal(result.spec.ports[0].protocol, 'TCP');
});

test('three-way patch: a reordered merge list sets the element order', () => {
  const original = deployment('nginx:1', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  const modified = deployment('nginx:1', [{ name: 'B', value: '2' }, { name: 'A', value: '1' }]);
  const current = live(original);
  const patch = createThreeWayMergePatch(clone(original), clone(modified), clone(current), deploySchema) as any;
  const c = patch.spec.template.spec.containers[0];
  assert.deepEqual(c['$setElementOrder/env'], [{ name: 'B' }, { name: 'A' }]);
  const result = applyStrategicMergePatch(current, patch, deploySchema) as any;
  assert.deepEqual(result.spec.template.spec.containers[0].env.map((e: any) => e.name), ['B', 'A']);
});

test('two-way strategic patch of primitive merge lists uses a parallel deletion list', () => {
  const a = { metadata: { name: 'x', finalizers: ['a', 'b'] } };
  const b = { metadata: { name: 'x', finalizers: ['a', 'c'] } };
  const patch = createTwoWayMergePatch(a, b, cmSchema) as any;
  assert.deepEqual(patch.metadata['$deleteFromPrimitiveList/finalizers'], ['b']);
  assert.deepEqual(patch.metadata.finalizers, ['c']);
  assert.deepEqual(patch.metadata['$setElementOrder/finalizers'], ['a', 'c']);
});

test('custom resources get a JSON merge patch from the old to the new manifest', () => {
  const original = { apiVersion: 'ex.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { a: 1, b: 2, list: [1, 2] } };
  const modified = { apiVersion: 'ex.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { x: 'y' } }, spec: { a: 1, c: 3, list: [1, 2] } };
  const patch = createMergePatch(clone(original), clone(modified));
  assert.deepEqual(patch, { metadata: { labels: { x: 'y' } }, spec: { b: null, c: 3 } });
  const live = { ...clone(original), status: { ok: true } };
  assert.deepEqual(applyMergePatch(live, patch), { ...clone(modified), status: { ok: true } });
  assert.deepEqual(createMergePatch(clone(original), clone(original)), {});
});
