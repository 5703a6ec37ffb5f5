import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { compareHooks, jobDone, podDone } from './hooks.js';
import { KubeApplier } from './kube.js';
import { compareKinds, INSTALL_ORDER, manifestDocuments, sortedManifestDocs, splitManifests, UNINSTALL_ORDER } from './manifest.js';
import {
  checkReady, crdReady, daemonSetReady, deploymentReady, findNewReplicaSet, formatDuration, jobReady, maxUnavailable, serviceReady, statefulSetReady,
  volumeReady, waitForResources,
} from './ready.js';
import { MemoryDriver, Storage } from './storage.js';
import { FakeCluster } from './testutil.js';
import type { Hook, Release } from './types.js';

const o = (x: unknown) => x as KubeObject;

test('services: cluster IP, load balancer ingress, external names', () => {
  assert.equal(serviceReady(o({ spec: { clusterIP: '10.0.0.1' } })).ready, true);
  assert.equal(serviceReady(o({ spec: { clusterIP: 'None' } })).ready, true);
  assert.equal(serviceReady(o({ spec: {} })).ready, false);
  assert.equal(serviceReady(o({ spec: { type: 'ExternalName' } })).ready, true);
  const lb = serviceReady(o({ metadata: { namespace: 'n', name: 's' }, spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1' }, status: { loadBalancer: {} } }));
  assert.deepEqual(lb, { ready: false, reason: 'Service does not have load balancer ingress IP address: n/s' });
  assert.equal(serviceReady(o({ spec: { type: 'LoadBalancer', clusterIP: '1.1.1.1', externalIPs: ['2.2.2.2'] } })).ready, true);
  assert.equal(serviceReady(o({ spec: { type: 'LoadBalancer', clusterIP: '1.1.1.1' }, status: { loadBalancer: { ingress: [{ ip: '3.3.3.3' }] } } })).ready, true);
});

test('deployments: new ReplicaSet observed and replicas - maxUnavailable ready', () => {
  const dep = o({ metadata: { uid: 'd1', namespace: 'n', name: 'web', generation: 2 }, spec: { replicas: 4, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'i:2' }] } } }, status: { observedGeneration: 2 } });
  assert.equal(maxUnavailable(dep), 1);
  assert.equal(maxUnavailable(o({ spec: { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } } } })), 2);
  assert.equal(maxUnavailable(o({ spec: { replicas: 3, strategy: { type: 'Recreate' } } })), 0);
  assert.equal(maxUnavailable(o({ spec: { replicas: 3, strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } } })), 1);
  const owner = [{ controller: true, uid: 'd1' }];
  const oldRs = o({ metadata: { ownerReferences: owner, creationTimestamp: '1', generation: 1 }, spec: { template: { metadata: { labels: { app: 'w', 'pod-template-hash': 'a' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } }, status: { observedGeneration: 1, readyReplicas: 4 } });
  const newRs = o({ metadata: { ownerReferences: owner, creationTimestamp: '2', generation: 1 }, spec: { template: { metadata: { labels: { app: 'w', 'pod-template-hash': 'b' } }, spec: { containers: [{ name: 'c', image: 'i:2' }] } } }, status: { observedGeneration: 1, readyReplicas: 2 } });
  assert.equal(findNewReplicaSet(dep, [oldRs, newRs]), newRs);
  assert.equal(findNewReplicaSet(dep, [oldRs]), undefined);
  assert.deepEqual(deploymentReady(newRs, dep), { ready: false, reason: 'Deployment is not ready: n/web. 2 out of 3 expected pods are ready' });
  (newRs.status as Record<string, number>).readyReplicas = 3;
  assert.equal(deploymentReady(newRs, dep).ready, true);
  assert.equal(deploymentReady(undefined, dep).ready, false);
  assert.equal(deploymentReady(newRs, o({ ...dep, status: { observedGeneration: 1 } })).ready, false);
});

test('jobs, pvcs, daemonsets, statefulsets, crds', () => {
  assert.equal(jobReady(o({ spec: { completions: 1 }, status: { succeeded: 1 } })).ready, true);
  assert.equal(jobReady(o({ spec: { completions: 2 }, status: { succeeded: 1 } })).ready, false);
  assert.throws(() => jobReady(o({ metadata: { namespace: 'n', name: 'j' }, spec: { backoffLimit: 1 }, status: { failed: 2 } })), /job is failed: n\/j/);
  assert.equal(volumeReady(o({ status: { phase: 'Pending' } })).ready, false);
  assert.equal(volumeReady(o({ status: { phase: 'Bound' } })).ready, true);
  const ds = { metadata: { generation: 1 }, spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }, status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberReady: 2 } };
  assert.equal(daemonSetReady(o(ds)).ready, true);
  assert.equal(daemonSetReady(o({ ...ds, status: { ...ds.status, numberReady: 1 } })).ready, false);
  const sts = { metadata: { generation: 1 }, spec: { replicas: 2, updateStrategy: { type: 'RollingUpdate' } }, status: { observedGeneration: 1, updatedReplicas: 2, readyReplicas: 2, currentRevision: 'a', updateRevision: 'a' } };
  assert.equal(statefulSetReady(o(sts)).ready, true);
  assert.equal(statefulSetReady(o({ ...sts, status: { ...sts.status, updateRevision: 'b' } })).ready, false);
  assert.equal(statefulSetReady(o({ ...sts, status: { ...sts.status, readyReplicas: 1 } })).ready, false);
  assert.equal(crdReady(o({ status: { conditions: [{ type: 'Established', status: 'True' }] } })).ready, true);
  assert.equal(crdReady(o({ status: { conditions: [] } })).ready, false);
});

test('hook completion of Jobs and Pods', () => {
  assert.deepEqual(jobDone(o({ status: { conditions: [{ type: 'Complete', status: 'True' }] } }), 'j'), { done: true });
  assert.deepEqual(jobDone(o({ status: { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }] } }), 'j'), { done: true, error: 'job j failed: DeadlineExceeded' });
  assert.equal(jobDone(o({ status: { active: 1 } }), 'j').progress, 'j: Jobs active: 1, jobs failed: 0, jobs succeeded: 0');
  assert.deepEqual(podDone(o({ metadata: { name: 'p' }, status: { phase: 'Failed' } })), { done: true, error: 'pod p failed' });
  assert.equal(podDone(o({ metadata: { name: 'p' }, status: { phase: 'Succeeded' } })).done, true);
});

test('hooks sort by weight, then kind install order (unknown kinds last), then name', () => {
  const h = (name: string, kind: string, weight: number) => ({ name, kind, weight } as Hook);
  const hooks = [h('z', 'Job', 0), h('a', 'Job', 0), h('cm', 'ConfigMap', 0), h('w', 'Widget', 0), h('early', 'Job', -5), h('sa', 'ServiceAccount', 0)];
  assert.deepEqual(hooks.sort(compareHooks).map((x) => x.name), ['early', 'sa', 'cm', 'a', 'z', 'w']);
});

test('manifests split as Helm splits them and sort by kind order', () => {
  const m = '---\n# Source: c/templates/svc.yaml\nkind: Service\nmetadata:\n  name: s\n---\n# Source: c/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    helm.sh/resource-policy: keep\n---\n\n---\nkind: Widget\nmetadata: {name: w}\n';
  assert.equal(splitManifests(m).size, 3);
  assert.equal(manifestDocuments(m)[0], '# Source: c/templates/svc.yaml\nkind: Service\nmetadata:\n  name: s');
  assert.deepEqual(sortedManifestDocs(m, INSTALL_ORDER).map((d) => d.head.kind), ['ConfigMap', 'Service', 'Widget']);
  assert.deepEqual(sortedManifestDocs(m, UNINSTALL_ORDER).map((d) => d.head.kind), ['Service', 'ConfigMap', 'Widget']);
  assert.equal(sortedManifestDocs(m, INSTALL_ORDER)[0]!.head.annotations['helm.sh/resource-policy'], 'keep');
  assert.ok(compareKinds('Namespace', 'Deployment', INSTALL_ORDER) < 0);
  assert.ok(compareKinds('Alpha', 'Beta', INSTALL_ORDER) < 0);
});

test('--wait polls until ready and reports why not', async () => {
  const fake = new FakeCluster();
  const kube = new KubeApplier(fake.client, 'default');
  const res = await kube.build('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n');
  await kube.create(res);
  const lines: string[] = [];
  setTimeout(() => fake.mutate('PersistentVolumeClaim', 'default', 'data', (x) => { x.status = { phase: 'Bound' }; }), 40);
  await waitForResources(fake.client, res, { timeoutMs: 2000, pollMs: 10, progress: (l) => lines.push(l) });
  assert.deepEqual(lines, ['beginning wait for 1 resources with timeout of 2s', 'PersistentVolumeClaim is not bound: default/data']);
  assert.equal((await checkReady(fake.client, res[0]!)).ready, true);
  fake.mutate('PersistentVolumeClaim', 'default', 'data', (x) => { x.status = { phase: 'Pending' }; });
  await assert.rejects(waitForResources(fake.client, res, { timeoutMs: 30, pollMs: 10 }), /context deadline exceeded/);
  assert.equal(formatDuration(300000), '5m0s');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(3600000 + 1000), '1h0m1s');
});

test('unknown kinds are an error when building, with Helm\'s hint', async () => {
  const kube = new KubeApplier(new FakeCluster().client, 'default');
  await assert.rejects(kube.build('apiVersion: ex.com/v1\nkind: Widget\nmetadata: {name: w}\n'), /resource mapping not found for name: "w" namespace: "" from "": no matches for kind "Widget" in version "ex.com\/v1"\nensure CRDs are installed first/);
  await assert.rejects(kube.build('metadata: {name: x}\n'), /Object 'Kind' is missing/);
  const built = await kube.build('apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
  assert.deepEqual(built.map((r) => [r.kind, r.namespace]), [['Namespace', ''], ['ConfigMap', 'default']]);
});

test('storage: history, last, deployed and pruning keep the deployed revision', async () => {
  const s = new Storage(new MemoryDriver());
  const r = (version: number, status: Release['info']['status']): Release => ({ name: 'x', namespace: 'd', version, info: { firstDeployed: '', lastDeployed: '', deleted: '', description: '', status, notes: '' }, chart: null, config: null, manifest: '', hooks: [] });
  await s.create(r(1, 'superseded'));
  await s.create(r(2, 'deployed'));
  await s.create(r(3, 'failed'));
  await s.create(r(4, 'failed'));
  assert.equal((await s.last('x')).version, 4);
  assert.equal((await s.deployed('x')).version, 2);
  await assert.rejects(s.create(r(4, 'failed')), /already exists/);
  s.maxHistory = 2;
  await s.create(r(5, 'failed'));
  assert.deepEqual((await s.history('x')).map((x) => x.version).sort(), [2, 5]);
  await assert.rejects(s.deployed('y'), /"y" has no deployed releases/);
  await assert.rejects(s.history('y'), /release: not found/);
});
