import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, NodeCondition, Pod, Toleration } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { StatusError } from '../../api/errors.js';
import { InformerFactory, R } from '../../client/factory.js';
import type { KubeClient } from '../../client/client.js';
import { NodeLifecycleController, DEFAULTS, TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_OUT_OF_SERVICE, TAINT_UNSCHEDULABLE, matchingTolerations, minTolerationMs, toleratesTaint } from './index.js';
import { startTestEnv, until, sleep, type TestEnv } from '../../testing/apiserver.js';

let env: TestEnv;
let client: KubeClient;
let factory: InformerFactory;
let nlc: NodeLifecycleController;
const GRACE = 1500;
const kubelets: FakeKubelet[] = [];

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const micro = () => new Date().toISOString().slice(0, 23) + '000Z';

/** Just enough of a kubelet: registers its Node, posts Ready, renews its Lease. */
class FakeKubelet {
  private timer: NodeJS.Timeout | undefined;
  constructor(readonly name: string, private readonly labels: Record<string, string> = {}) {}

  async register(): Promise<void> {
    const t = now();
    const cond = (type: string, status: string, reason: string): NodeCondition => ({ type, status, reason, message: reason, lastHeartbeatTime: t, lastTransitionTime: t });
    await client.create(R.nodes, undefined, {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: this.name, labels: { 'kubernetes.io/hostname': this.name, ...this.labels } },
      status: { conditions: [cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'), cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'), cond('PIDPressure', 'False', 'KubeletHasSufficientPID'), cond('Ready', 'True', 'KubeletReady')] },
    });
    await client.create(R.leases, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name }, spec: { holderIdentity: this.name, leaseDurationSeconds: 40, renewTime: micro() } });
    this.startRenewing();
  }

  startRenewing(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.renew().catch(() => undefined), 200);
  }

  stopRenewing(): void {
    clearInterval(this.timer);
  }

  private async renew(): Promise<void> {
    const l = await client.get<Lease>(R.leases, 'kube-node-lease', this.name);
    await client.update(R.leases, 'kube-node-lease', this.name, { ...l, spec: { ...l.spec, renewTime: micro() } });
  }

  async setReady(status: 'True' | 'False'): Promise<void> {
    const n = await client.get<Node>(R.nodes, undefined, this.name);
    const t = now();
    const conditions = (n.status?.conditions ?? []).map((c) => {
      if (c.type !== 'Ready') return { ...c, status: 'False', lastHeartbeatTime: t, reason: 'Kubelet', message: 'ok' };
      return { ...c, status, reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady', message: status === 'True' ? 'kubelet is posting ready status' : 'container runtime is down', lastHeartbeatTime: t, lastTransitionTime: c.status === status ? c.lastTransitionTime : t };
    });
    await client.update(R.nodes, undefined, this.name, { ...n, status: { ...n.status, conditions } }, 'status');
  }
}

async function kubelet(name: string, labels?: Record<string, string>): Promise<FakeKubelet> {
  const k = new FakeKubelet(name, labels);
  await k.register();
  kubelets.push(k);
  return k;
}

async function runningPod(name: string, node: string, tolerations?: Toleration[]): Promise<Pod> {
  await client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }], ...(tolerations ? { tolerations } : {}) } });
  const p = await client.get<Pod>(R.pods, 'default', name);
  const t = now();
  return client.update<Pod>(R.pods, 'default', name, { ...p, status: { ...p.status, phase: 'Running', podIP: '10.9.0.1', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }, { type: 'ContainersReady', status: 'True', lastTransitionTime: t }] } }, 'status');
}

const getNode = (name: string) => client.get<Node>(R.nodes, undefined, name);
const getPod = (name: string) => client.get<Pod>(R.pods, 'default', name);
const gone = (p: Promise<unknown>) => p.then(() => false, (err) => err instanceof StatusError && err.code === 404);
const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready');
const taints = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const podReady = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

before(async () => {
  env = await startTestEnv();
  client = env.client();
  factory = new InformerFactory(env.client('controller-manager'));
  nlc = new NodeLifecycleController(factory, {
    nodeMonitorGracePeriodMs: GRACE,
    nodeMonitorPeriodMs: 200,
    nodeStartupGracePeriodMs: GRACE,
    evictionLimiterQPS: 50, // so that the rate limit does not hide what the disruption logic does
    podGC: { gcCheckPeriodMs: 200, quarantineMs: 600 },
  });
  factory.start();
  await nlc.start();
});

after(async () => {
  for (const k of kubelets) k.stopRenewing();
  nlc.stop();
  factory.stop();
  await env.stop();
});

test('defaults are Kubernetes 1.32\'s', () => {
  assert.equal(DEFAULTS.nodeMonitorGracePeriodMs, 50_000);
  assert.equal(DEFAULTS.nodeMonitorPeriodMs, 5_000);
  assert.equal(DEFAULTS.nodeStartupGracePeriodMs, 60_000);
});

test('tolerations: matching and the shortest toleration time', () => {
  const unreachable = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };
  assert.ok(toleratesTaint({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }, unreachable));
  assert.ok(toleratesTaint({ operator: 'Exists' }, unreachable));
  assert.ok(!toleratesTaint({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoSchedule' }, unreachable));
  assert.ok(toleratesTaint({ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }));
  assert.ok(!toleratesTaint({ key: 'k', value: 'v' }, { key: 'k', value: 'w', effect: 'NoExecute' }));
  const m = matchingTolerations([unreachable, { key: 'a', effect: 'NoExecute' }], [{ key: 'a', operator: 'Exists', tolerationSeconds: 30 }, { operator: 'Exists', tolerationSeconds: 5 }]);
  assert.equal(m.all, true);
  assert.equal(minTolerationMs(m.used), 5000);
  assert.equal(matchingTolerations([unreachable], [{ key: 'a', operator: 'Exists' }]).all, false);
  assert.equal(minTolerationMs([{ operator: 'Exists' }]), -1);
  assert.equal(minTolerationMs([{ operator: 'Exists', tolerationSeconds: -3 }]), 0);
});

test('a node that stops renewing its Lease goes Unknown, is tainted, its pods go NotReady and are evicted after their toleration', async () => {
  const alive = await kubelet('alive');
  const dying = await kubelet('dying');
  const short: Toleration[] = [
    { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 },
    { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 },
  ];
  await runningPod('short', 'dying', short);
  await runningPod('forever', 'dying', [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }]);
  await runningPod('default-tol', 'dying'); // the API server adds 300 s tolerations
  await runningPod('elsewhere', 'alive', short);
  assert.deepEqual((await getPod('default-tol')).spec?.tolerations?.map((t) => t.tolerationSeconds), [300, 300]);

  // Healthy for longer than the grace period while the Lease is renewed.
  await sleep(GRACE + 500);
  assert.equal(ready(await getNode('dying'))?.status, 'True');
  assert.deepEqual(taints(await getNode('dying')), []);

  dying.stopRenewing();
  const stoppedAt = Date.now();
  const node = await until('dying to go Unknown', async () => { const n = await getNode('dying'); return ready(n)?.status === 'Unknown' && n; });
  const elapsed = Date.now() - stoppedAt;
  assert.ok(elapsed >= GRACE - 300 && elapsed < GRACE + 3000, `went Unknown after ${elapsed} ms`);
  const r = ready(node)!;
  assert.equal(r.reason, 'NodeStatusUnknown');
  assert.equal(r.message, 'Kubelet stopped posting node status.');
  for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(node.status?.conditions?.find((c) => c.type === t)?.status, 'Unknown', t);

  const tainted = await until('unreachable taints', async () => { const n = await getNode('dying'); return taints(n).length === 2 && n; });
  assert.deepEqual(taints(tainted), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
  assert.ok(tainted.spec?.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded, 'NoExecute taint has timeAdded');

  await until('pods marked NotReady', async () => podReady(await getPod('forever')) === 'False' && podReady(await getPod('default-tol')) === 'False');
  const ev = await client.list(R.events, 'default');
  assert.ok(ev.items.some((e) => e.reason === 'NodeNotReady' && (e.involvedObject as { name?: string }).name === 'dying'), 'NodeNotReady event on the node');
  assert.ok(ev.items.some((e) => e.reason === 'NodeNotReady' && (e.involvedObject as { name?: string }).name === 'forever'), 'NodeNotReady event on the pod');

  // short tolerates unreachable for 1 s: then it is deleted (gracefully: its kubelet is gone, so it stays Terminating).
  const evicted = await until('short evicted', async () => { const p = await getPod('short'); return !!p.metadata?.deletionTimestamp && p; }, 5000);
  assert.deepEqual(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget'), {
    type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
    lastTransitionTime: evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.lastTransitionTime,
  });
  await sleep(1000);
  assert.equal((await getPod('forever')).metadata?.deletionTimestamp, undefined);
  assert.equal((await getPod('default-tol')).metadata?.deletionTimestamp, undefined);
  // The healthy node and its pod are untouched.
  assert.equal(ready(await getNode('alive'))?.status, 'True');
  assert.deepEqual(taints(await getNode('alive')), []);
  assert.equal((await getPod('elsewhere')).metadata?.deletionTimestamp, undefined);
  assert.equal(podReady(await getPod('elsewhere')), 'True');

  // Kubernetes leaves the terminating pod alone until the node is declared out of service.
  assert.ok(!(await gone(getPod('short'))));
  const n = await getNode('dying');
  await client.update(R.nodes, undefined, 'dying', { ...n, spec: { ...n.spec, taints: [...(n.spec?.taints ?? []), { key: TAINT_OUT_OF_SERVICE, value: 'nodeshutdown', effect: 'NoSchedule' }] } });
  await until('short force-deleted by pod GC', () => gone(getPod('short')));
  const n2 = await getNode('dying');
  await client.update(R.nodes, undefined, 'dying', { ...n2, spec: { ...n2.spec, taints: n2.spec?.taints?.filter((t) => t.key !== TAINT_OUT_OF_SERVICE) } });

  // The kubelet comes back: the taints go away.
  dying.startRenewing();
  await dying.setReady('True');
  await until('taints removed', async () => taints(await getNode('dying')).length === 0);
  assert.equal(ready(await getNode('dying'))?.status, 'True');
  void alive;
});

test('a kubelet reporting NotReady gets the not-ready taints, swapped back when Ready', async () => {
  const k = await kubelet('flaky');
  await sleep(300);
  await k.setReady('False');
  const n = await until('not-ready taints', async () => { const x = await getNode('flaky'); return taints(x).length === 2 && x; });
  assert.deepEqual(taints(n), [`${TAINT_NOT_READY}:NoExecute`, `${TAINT_NOT_READY}:NoSchedule`]);
  assert.equal(ready(n)?.status, 'False'); // the controller does not touch a condition the kubelet keeps posting
  await k.setReady('True');
  await until('taints removed', async () => taints(await getNode('flaky')).length === 0);
});

test('a node that never posts status goes Unknown after the startup grace period', async () => {
  await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'silent', labels: { 'topology.kubernetes.io/zone': 'z-silent' } } });
  const created = (await getNode('silent')).metadata?.creationTimestamp;
  const n = await until('conditions Unknown', async () => { const x = await getNode('silent'); return ready(x)?.status === 'Unknown' && x; }, 6000);
  const r = ready(n)!;
  assert.equal(r.reason, 'NodeStatusNeverUpdated');
  assert.equal(r.message, 'Kubelet never posted node status.');
  assert.equal(r.lastHeartbeatTime, created);
  assert.deepEqual(n.status?.conditions?.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  // Alone in its zone and in no full disruption of the whole cluster: tainted NoExecute too.
  await until('unreachable taints', async () => taints(await getNode('silent')).length === 2);
  await client.delete(R.nodes, undefined, 'silent');
});

test('unschedulable nodes get the unschedulable taint; beta os/arch labels follow the GA ones', async () => {
  await kubelet('cordoned', { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/arch': 'arm64' });
  const n = await getNode('cordoned');
  await client.update(R.nodes, undefined, 'cordoned', { ...n, spec: { ...n.spec, unschedulable: true } });
  const x = await until('unschedulable taint', async () => { const y = await getNode('cordoned'); return taints(y).includes(`${TAINT_UNSCHEDULABLE}:NoSchedule`) && y; });
  assert.equal(x.metadata?.labels?.['beta.kubernetes.io/os'], 'linux');
  assert.equal(x.metadata?.labels?.['beta.kubernetes.io/arch'], 'amd64');
  const y = await getNode('cordoned');
  await client.update(R.nodes, undefined, 'cordoned', { ...y, spec: { ...y.spec, unschedulable: false } });
  await until('taint removed', async () => !taints(await getNode('cordoned')).includes(`${TAINT_UNSCHEDULABLE}:NoSchedule`));
});

test('pods of a deleted node are force-deleted by the pod GC after the quarantine; so are pods bound to a node that never existed', async () => {
  await runningPod('ghostly', 'no-such-node');
  const t0 = Date.now();
  await until('orphan deleted', () => gone(getPod('ghostly')), 5000);
  assert.ok(Date.now() - t0 >= 500, 'waited for the quarantine');
  // "dying" still has two pods (one tolerates forever, one for 300 s): delete the node.
  await client.delete(R.nodes, undefined, 'dying');
  await until('pods of the deleted node gone', async () => (await gone(getPod('forever'))) && (await gone(getPod('default-tol'))), 5000);
});

test('when every node is down nothing is tainted NoExecute (full disruption), but NoSchedule taints are', async () => {
  for (const k of kubelets) k.stopRenewing();
  await until('all nodes Unknown', async () => (await client.list<Node>(R.nodes)).items.every((n) => ready(n)?.status === 'Unknown'), 8000);
  await sleep(800);
  for (const n of (await client.list<Node>(R.nodes)).items) {
    assert.deepEqual(taints(n), [`${TAINT_UNREACHABLE}:NoSchedule`], n.metadata?.name);
  }
  assert.equal((await getPod('elsewhere')).metadata?.deletionTimestamp, undefined);
});
