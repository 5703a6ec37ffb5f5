// Integration tests: a real API server in-process and the StatefulSet controller; the test stands in
// for the node agent (it marks pods Running and Ready through the status subresource).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StatefulSet, ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { R } from '../../client/factory.js';
import { startTestCluster, eventually, setPodPhase, type TestCluster } from '../job/testcluster.js';
import { StatefulSetController } from './index.js';

let c: TestCluster;
let ctl: StatefulSetController;

before(async () => {
  c = await startTestCluster();
  ctl = new StatefulSetController(c.factory);
  await ctl.start();
});

after(async () => {
  ctl.stop();
  await c.stop();
});

function sts(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'default' },
    spec: {
      replicas: 2, serviceName: name, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      ...spec,
    },
  };
}

const podsOf = async (app: string) => (await c.client.list<Pod>(R.pods, 'default', { labelSelector: `app=${app}` })).items;
const getPod = (name: string) => c.client.get<Pod>(R.pods, 'default', name).catch(() => undefined);
const getSts = (name: string) => c.client.get<StatefulSet>(R.statefulsets, 'default', name);

test('OrderedReady: web-0 is created, and web-1 only after web-0 is Running and Ready', async () => {
  await c.client.create(R.statefulsets, 'default', sts('web', {
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  }));
  const web0 = await eventually(() => getPod('web-0'), 'web-0');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await getPod('web-1'), undefined, 'web-1 waits for web-0');
  assert.equal(web0.spec?.hostname, 'web-0');
  assert.equal(web0.spec?.subdomain, 'web');
  assert.equal(web0.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
  assert.equal(web0.metadata?.labels?.['apps.kubernetes.io/pod-index'], '0');
  assert.ok(web0.metadata?.labels?.['controller-revision-hash']?.startsWith('web-'));
  assert.deepEqual(web0.spec?.volumes?.find((v) => v.name === 'www')?.persistentVolumeClaim, { claimName: 'www-web-0' });
  const pvc = await c.client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, 'default', 'www-web-0');
  assert.equal(pvc.metadata?.labels?.app, 'web');
  assert.equal(pvc.metadata?.ownerReferences, undefined, 'Retain: the claim has no owner');

  // NODE AGENT STAND-IN: web-0 runs and becomes Ready
  await setPodPhase(c.client, web0, 'Running');
  const web1 = await eventually(() => getPod('web-1'), 'web-1');
  assert.ok(Date.parse(web1.metadata!.creationTimestamp!) >= Date.parse(web0.metadata!.creationTimestamp!));
  await setPodPhase(c.client, web1, 'Running');
  const s = await eventually(async () => { const x = await getSts('web'); return x.status?.readyReplicas === 2 ? x : undefined; }, 'status ready 2');
  assert.equal(s.status?.replicas, 2);
  assert.equal(s.status?.availableReplicas, 2);
  assert.equal(s.status?.currentReplicas, 2);
  assert.equal(s.status?.updatedReplicas, 2);
  assert.equal(s.status?.currentRevision, s.status?.updateRevision);
  assert.equal(s.status?.observedGeneration, s.metadata?.generation);
  assert.equal(s.status?.currentRevision, web0.metadata?.labels?.['controller-revision-hash']);
  const revs = (await c.client.list<ControllerRevision>(R.controllerrevisions, 'default')).items.filter((r) => r.metadata?.name === s.status?.currentRevision);
  assert.equal(revs.length, 1);
  assert.equal(revs[0].revision, 1);
  await c.client.get(R.persistentvolumeclaims, 'default', 'www-web-1');
});

test('RollingUpdate: pods are replaced from the highest ordinal down, one at a time', async () => {
  await c.client.create(R.statefulsets, 'default', sts('roll', { replicas: 3, podManagementPolicy: 'Parallel' }));
  let pods = await eventually(async () => { const ps = await podsOf('roll'); return ps.length === 3 ? ps : undefined; }, '3 pods (Parallel)');
  for (const p of pods) await setPodPhase(c.client, p, 'Running');
  const before = await eventually(async () => { const x = await getSts('roll'); return x.status?.readyReplicas === 3 ? x : undefined; }, 'ready');
  const rev1 = before.status!.currentRevision!;
  await c.client.patch(R.statefulsets, 'default', 'roll', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
  const order: string[] = [];
  for (let i = 0; i < 3; i++) {
    // the next pod to be replaced is deleted and comes back with the new revision; the test runs it
    const fresh = await eventually(async () => {
      const ps = await podsOf('roll');
      return ps.find((p) => p.metadata?.labels?.['controller-revision-hash'] !== rev1 && p.status?.phase === 'Pending');
    }, `updated pod #${i + 1}`);
    order.push(fresh.metadata!.name!);
    const others = (await podsOf('roll')).filter((p) => p.metadata?.labels?.['controller-revision-hash'] !== rev1);
    assert.equal(others.filter((p) => p.status?.phase === 'Pending').length, 1, 'one at a time');
    await setPodPhase(c.client, fresh, 'Running');
  }
  assert.deepEqual(order, ['roll-2', 'roll-1', 'roll-0']);
  const after = await eventually(async () => { const x = await getSts('roll'); return x.status?.updatedReplicas === 3 && x.status.readyReplicas === 3 && x.status.currentRevision === x.status.updateRevision ? x : undefined; }, 'rolled');
  assert.notEqual(after.status?.updateRevision, rev1);
  pods = await podsOf('roll');
  assert.ok(pods.every((p) => p.spec?.containers[0].image === 'nginx:2'));
  const revs = (await c.client.list<ControllerRevision>(R.controllerrevisions, 'default')).items.filter((r) => r.metadata?.ownerReferences?.[0]?.name === 'roll');
  assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);
});

test('scale down removes the highest ordinal first (OrderedReady)', async () => {
  await c.client.create(R.statefulsets, 'default', sts('down', { replicas: 3 }));
  for (let i = 0; i < 3; i++) {
    const p = await eventually(() => getPod(`down-${i}`), `down-${i}`);
    await setPodPhase(c.client, p, 'Running'); // NODE AGENT STAND-IN
  }
  await eventually(async () => (await getSts('down')).status?.readyReplicas === 3, 'ready');
  await c.client.patch(R.statefulsets, 'default', 'down', 'merge', { spec: { replicas: 1 } });
  const seen: string[][] = [];
  const left = await eventually(async () => {
    const ps = (await podsOf('down')).map((p) => p.metadata!.name!).sort();
    if (!seen.length || seen[seen.length - 1].join() !== ps.join()) seen.push(ps);
    return ps.length === 1 ? ps : undefined;
  }, 'scaled to 1', 15_000, 5);
  assert.deepEqual(left, ['down-0']);
  assert.ok(!seen.some((ps) => ps.includes('down-2') && !ps.includes('down-1')), 'down-1 never goes before down-2');
});
