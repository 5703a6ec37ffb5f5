// Strategic merge patches of the shapes kubectl sends, against the built-in schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Container, Pod, Service } from 'kubernetes-types/core/v1.js';
import { schemaForKind } from '../schema.js';
import { StatusError } from '../errors.js';
import { applyStrategicMergePatch } from './index.js';

const deploymentSchema = schemaForKind('apps', 'v1', 'Deployment');
const serviceSchema = schemaForKind('', 'v1', 'Service');
const podSchema = schemaForKind('', 'v1', 'Pod');
const configMapSchema = schemaForKind('', 'v1', 'ConfigMap');
const pdbSchema = schemaForKind('policy', 'v1', 'PodDisruptionBudget');

function liveDeployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web', tier: 'frontend' },
      annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      finalizers: ['example.com/a', 'example.com/b'],
      resourceVersion: '42',
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'example/app:1.0',
              imagePullPolicy: 'IfNotPresent',
              env: [{ name: 'A', value: '1' }, { name: 'B', value: '1' }],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              terminationMessagePath: '/dev/termination-log',
            },
            { name: 'sidecar', image: 'example/sidecar:1.0', imagePullPolicy: 'IfNotPresent' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          restartPolicy: 'Always',
        },
      },
    },
  };
}

function patchDeployment(patch: unknown, live: Deployment = liveDeployment()): Deployment {
  return applyStrategicMergePatch(live, patch, deploymentSchema) as Deployment;
}

function containers(d: Deployment): Container[] {
  return d.spec!.template.spec!.containers;
}

test('the built-in schemas used here are known', () => {
  for (const s of [deploymentSchema, serviceSchema, podSchema, configMapSchema, pdbSchema]) assert.ok(s);
});

test('client-side apply: $setElementOrder/containers adds a container, $setElementOrder/env changes one variable', () => {
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' } },
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'app' }, { name: 'logger' }, { name: 'sidecar' }],
          containers: [
            { '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }, { name: 'C' }], env: [{ name: 'B', value: '2' }, { name: 'C', value: '3' }], name: 'app' },
            { image: 'example/logger:1.0', name: 'logger' },
          ],
        },
      },
    },
  };
  const out = patchDeployment(patch);
  const cs = containers(out);
  assert.deepEqual(cs.map((c) => c.name), ['app', 'logger', 'sidecar']);
  assert.deepEqual(cs[0]!.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }]);
  // Fields the patch does not mention (defaulted by the server) survive.
  assert.equal(cs[0]!.imagePullPolicy, 'IfNotPresent');
  assert.equal(cs[0]!.terminationMessagePath, '/dev/termination-log');
  assert.deepEqual(cs[1], { image: 'example/logger:1.0', name: 'logger' });
  assert.equal(out.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration'], '{"new":true}\n');
  assert.equal(out.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
  // No directive leaks into the result.
  assert.doesNotMatch(JSON.stringify(out), /\$setElementOrder|\$patch|\$retainKeys/);
});

test('client-side apply: the order of $setElementOrder wins over the live order', () => {
  const out = patchDeployment({
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
      containers: [{ name: 'app', image: 'example/app:2.0' }],
    } } },
  });
  assert.deepEqual(containers(out).map((c) => [c.name, c.image]), [['sidecar', 'example/sidecar:1.0'], ['app', 'example/app:2.0']]);
});

test('client-side apply: removing a container and an env var', () => {
  const out = patchDeployment({
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'app' }],
      containers: [
        { '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], name: 'app' },
        { $patch: 'delete', name: 'sidecar' },
      ],
    } } },
  });
  assert.deepEqual(containers(out).map((c) => c.name), ['app']);
  assert.deepEqual(containers(out)[0]!.env, [{ name: 'A', value: '1' }]);
});

test('docs example (kubectl patch): a new container goes first, tolerations are replaced', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'patch-demo' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [{ name: 'patch-demo-ctr', image: 'nginx' }],
          tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }],
        },
      },
    },
  };
  const withContainer = patchDeployment({ spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }, live as Deployment);
  assert.deepEqual(containers(withContainer), [{ name: 'patch-demo-ctr-2', image: 'redis' }, { name: 'patch-demo-ctr', image: 'nginx' }]);
  const withToleration = patchDeployment({ spec: { template: { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } } } }, live as Deployment);
  assert.deepEqual(withToleration.spec!.template.spec!.tolerations, [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }]);
});

test('kubectl set image: only the image of the named container changes', () => {
  const live = liveDeployment();
  const out = patchDeployment({ spec: { template: { spec: { containers: [{ image: 'example/app:1.1', name: 'app' }] } } } }, live);
  const expected = liveDeployment();
  containers(expected)[0]!.image = 'example/app:1.1';
  assert.deepEqual(out, expected);
  assert.equal(containers(live)[0]!.image, 'example/app:1.0', 'input untouched');
});

test('kubectl rollout restart: annotation on the pod template, other annotations kept', () => {
  const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } } } } };
  const out = patchDeployment(patch);
  assert.deepEqual(out.spec!.template.metadata!.annotations, {
    'prometheus.io/scrape': 'true',
    'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z',
  });
  const bare = liveDeployment();
  delete bare.spec!.template.metadata!.annotations;
  assert.deepEqual(patchDeployment(patch, bare).spec!.template.metadata!.annotations, { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' });
});

test('deleting a container with $patch: delete', () => {
  const out = patchDeployment({ spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
  assert.deepEqual(containers(out).map((c) => c.name), ['app']);
  assert.deepEqual(containers(out)[0], containers(liveDeployment())[0]);
});

test('$retainKeys on the strategy: switching RollingUpdate to Recreate clears rollingUpdate', () => {
  assert.deepEqual(patchDeployment({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }).spec!.strategy, { type: 'Recreate' });
  // The shape kubectl apply sends for the same change.
  assert.deepEqual(
    patchDeployment({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } }).spec!.strategy,
    { type: 'Recreate' },
  );
  // Without the directive the strategy map is merged and rollingUpdate stays.
  assert.deepEqual(patchDeployment({ spec: { strategy: { type: 'Recreate' } } }).spec!.strategy, {
    type: 'Recreate',
    rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
  });
});

test('labels: null removes a label, others are merged', () => {
  const out = patchDeployment({ metadata: { labels: { tier: null, track: 'stable' } } });
  assert.deepEqual(out.metadata!.labels, { app: 'web', track: 'stable' });
});

test('finalizers merge as a set; $deleteFromPrimitiveList and null remove them', () => {
  // Upstream order: a new value leading the patch list goes first; live-only values follow the
  // patched value they came after.
  assert.deepEqual(patchDeployment({ metadata: { finalizers: ['example.com/c'] } }).metadata!.finalizers, [
    'example.com/c',
    'example.com/a',
    'example.com/b',
  ]);
  assert.deepEqual(patchDeployment({ metadata: { finalizers: ['example.com/c', 'example.com/a'] } }).metadata!.finalizers, [
    'example.com/c',
    'example.com/a',
    'example.com/b',
  ]);
  assert.deepEqual(
    patchDeployment({ metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] } }).metadata!.finalizers,
    ['example.com/b'],
  );
  assert.equal(patchDeployment({ metadata: { finalizers: null } }).metadata!.finalizers, undefined);
});

test('containers: ports merge by containerPort, volumeMounts by mountPath', () => {
  const out = patchDeployment({
    spec: { template: { spec: { containers: [{
      name: 'app',
      ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }],
      volumeMounts: [{ mountPath: '/data', readOnly: true }, { mountPath: '/cache', name: 'cache' }],
    }] } } },
  });
  const app = containers(out)[0]!;
  assert.deepEqual(app.ports, [{ containerPort: 8080, protocol: 'TCP', name: 'http' }, { containerPort: 9090, name: 'metrics' }]);
  assert.deepEqual(app.volumeMounts, [{ name: 'data', mountPath: '/data', readOnly: true }, { mountPath: '/cache', name: 'cache' }]);
});

test('volumes: merge by name with $retainKeys switching the volume source', () => {
  const out = patchDeployment({
    spec: { template: { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'cfg' } }] } } },
  });
  assert.deepEqual(out.spec!.template.spec!.volumes, [{ name: 'data', configMap: { name: 'cfg' } }]);
});

test('lists without a patch strategy are replaced (args, tolerations)', () => {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      containers: [{ name: 'c', image: 'i', args: ['--a', '--b'] }],
      tolerations: [{ key: 'k1', operator: 'Exists' }, { key: 'k2', operator: 'Exists' }],
    },
  };
  const out = applyStrategicMergePatch(pod, {
    spec: { containers: [{ name: 'c', args: ['--c'] }], tolerations: [{ key: 'k3', operator: 'Exists' }] },
  }, podSchema) as Pod;
  assert.deepEqual(out.spec!.containers[0]!.args, ['--c']);
  assert.deepEqual(out.spec!.tolerations, [{ key: 'k3', operator: 'Exists' }]);
});

test('Service ports merge by port', () => {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: {
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      ],
    },
  };
  const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 9000, name: 'admin' }] } }, serviceSchema) as Service;
  // Upstream order: the new port follows the patched port 80, the live-only 443 comes after.
  assert.deepEqual(out.spec!.ports, [
    { name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' },
    { port: 9000, name: 'admin' },
    { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
  ]);
  const appended = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 9000, name: 'admin' }] } }, serviceSchema) as Service;
  assert.deepEqual(appended.spec!.ports!.map((p) => p.port), [9000, 80, 443]);
  const removed = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 443, $patch: 'delete' }] } }, serviceSchema) as Service;
  assert.deepEqual(removed.spec!.ports!.map((p) => p.name), ['http']);
});

test('ConfigMap data merges as a map, null deletes a key', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } };
  assert.deepEqual(
    (applyStrategicMergePatch(cm, { data: { b: null, c: '3' } }, configMapSchema) as typeof cm).data,
    { a: '1', c: '3' },
  );
  assert.deepEqual(
    (applyStrategicMergePatch(cm, { data: { $patch: 'replace', z: '9' } }, configMapSchema) as typeof cm).data,
    { z: '9' },
  );
});

test('PodDisruptionBudget selector has patch strategy replace', () => {
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1, selector: { matchLabels: { a: '1' } } } };
  const out = applyStrategicMergePatch(pdb, { spec: { selector: { matchLabels: { b: '2' } } } }, pdbSchema) as typeof pdb;
  assert.deepEqual(out.spec.selector, { matchLabels: { b: '2' } });
});

test('env with a missing merge key is rejected with upstream\'s message', () => {
  assert.throws(
    () => patchDeployment({ spec: { template: { spec: { containers: [{ name: 'app', env: [{ value: 'x' }] }] } } } }),
    (e: unknown) => e instanceof StatusError && e.code === 500 && e.message === 'map: map[value:x] does not contain declared merge key: name',
  );
});

test('$patch: replace inside the containers list replaces the whole list', () => {
  const out = patchDeployment({
    spec: { template: { spec: { containers: [{ name: 'only', image: 'example/only:1' }, { $patch: 'replace' }] } } },
  });
  assert.deepEqual(containers(out), [{ name: 'only', image: 'example/only:1' }]);
});

test('env var switching from value to valueFrom (kubectl apply sends value: null)', () => {
  const out = patchDeployment({
    spec: { template: { spec: { containers: [{
      name: 'app',
      '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }],
      env: [{ name: 'B', value: null, valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    }] } } },
  });
  assert.deepEqual(containers(out)[0]!.env, [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]);
});
