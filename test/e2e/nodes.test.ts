// Acceptance (issue 3, item 4): two nodes. A Deployment's replicas spread over both; a pod asking for
// more CPU than any node has stays Pending with the scheduler's reason; when one node agent stops
// (frozen with SIGSTOP, as a hung or partitioned node: its heartbeats stop, its containers keep
// running) its node goes NotReady and its pods are replaced on the other node within the configured
// timeouts; when it comes back (SIGCONT) it is Ready again and its evicted pods are cleaned up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Pod, Node } from 'kubernetes-types/core/v1.js';
import { startCluster, kc, kubectl, eventually, type Cluster } from './harness.js';
import { startAgent, type Agent } from './agents.js';

// The node agents renew their Lease every 10 s (Kubernetes' default, not configurable from the CLI)
// and the node lifecycle controller looks every 5 s, so a silent node is seen at most ~15 s after its
// last renewal: the grace period must stay above that or healthy nodes flap. The toleration is short.
const GRACE_S = 20;
const TOLERATION_S = 4;
const MONITOR_PERIOD_S = 5;
const LEASE_RENEW_S = 10;

let cluster: Cluster;
let agent: Agent | undefined;

before(async () => {
  cluster = await startCluster({ args: ['--node-name', 'node-a', '--node-monitor-grace-period', String(GRACE_S), '--default-toleration-seconds', String(TOLERATION_S)] });
  agent = await startAgent(cluster, { name: 'node-b' });
  await eventually(async () => {
    const out = await kc(cluster, ['get', 'nodes', '--no-headers']);
    return /^node-a\s+Ready\s/m.test(out) && /^node-b\s+Ready\s/m.test(out);
  }, 30_000, 'both nodes Ready');
});

after(async () => {
  await agent?.cleanup();
  await cluster?.cleanup();
});

async function pods(selector: string): Promise<Pod[]> {
  return (JSON.parse(await kc(cluster, ['get', 'pods', '-l', selector, '-o', 'json'])) as { items: Pod[] }).items;
}

const isReady = (p: Pod) => p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: spread}
spec:
  replicas: 4
  selector: {matchLabels: {app: spread}}
  template:
    metadata: {labels: {app: spread}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: web
        image: node
        command: ["${process.execPath}", "-e", "require('http').createServer((q, s) => s.end(process.env.POD_IP)).listen(18401, process.env.POD_IP)"]
        resources: {requests: {cpu: 50m, memory: 32Mi}}
        readinessProbe: {tcpSocket: {port: 18401}, periodSeconds: 1}
`;

test('replicas of a Deployment spread over both nodes', async () => {
  await kc(cluster, ['apply', '-f', '-'], { input: DEPLOYMENT });
  await kc(cluster, ['rollout', 'status', 'deployment/spread', '--timeout=60s']);
  const running = (await pods('app=spread')).filter(isReady);
  assert.equal(running.length, 4);
  const perNode = new Map<string, number>();
  for (const p of running) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
  // the scheduler scores spreading of one owner's pods: 2 and 2
  assert.deepEqual(Object.fromEntries([...perNode].sort()), { 'node-a': 2, 'node-b': 2 });
  // each node's pods got addresses from that node's own range
  const cidrs = JSON.parse(await kc(cluster, ['get', 'nodes', '-o', 'json'])).items.map((n: Node) => [n.metadata!.name, n.spec!.podCIDR]);
  const cidrOf = new Map<string, string>(cidrs);
  assert.notEqual(cidrOf.get('node-a'), cidrOf.get('node-b'));
  for (const p of running) {
    const prefix = cidrOf.get(p.spec!.nodeName!)!.split('.').slice(0, 2).join('.') + '.';
    assert.ok(p.status!.podIP!.startsWith(prefix), `${p.metadata!.name} on ${p.spec!.nodeName}: ${p.status!.podIP} in ${cidrOf.get(p.spec!.nodeName!)}`);
  }
  const wide = await kc(cluster, ['get', 'pods', '-l', 'app=spread', '-o', 'wide']);
  assert.match(wide, /\snode-a\s/);
  assert.match(wide, /\snode-b\s/);
});

test('a pod asking for more CPU than any node has stays Pending, and describe says why', async () => {
  await kc(cluster, ['run', 'too-big', '--image=busybox', '--restart=Never', '--overrides',
    JSON.stringify({ spec: { containers: [{ name: 'too-big', image: 'busybox', command: ['sleep', '100'], resources: { requests: { cpu: '1000' } } }] } })]);
  const describe = await eventually(async () => {
    const out = await kc(cluster, ['describe', 'pod', 'too-big']);
    return /FailedScheduling/.test(out) ? out : undefined;
  }, 20_000, 'a FailedScheduling event');
  assert.match(describe, /^Status:\s+Pending$/m);
  // Kubernetes' wording, with the preemption attempt's outcome (no lower-priority pods to evict)
  const reason = '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
  const event = /^\s*Warning\s+FailedScheduling\s.*default-scheduler\s+(\S.*)$/m.exec(describe);
  assert.ok(event, describe);
  assert.equal(event[1], reason);
  assert.match(describe, /PodScheduled\s+False/);
  const pod = JSON.parse(await kc(cluster, ['get', 'pod', 'too-big', '-o', 'json'])) as Pod;
  const cond = pod.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
  assert.equal(cond.status, 'False');
  assert.equal(cond.reason, 'Unschedulable');
  assert.equal(cond.message, reason);
  assert.equal(pod.spec!.nodeName, undefined);
  // still Pending a while later (retries do not place it anywhere)
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal((await kc(cluster, ['get', 'pod', 'too-big', '-o', 'jsonpath={.status.phase}/{.spec.nodeName}'])), 'Pending/');
  await kc(cluster, ['delete', 'pod', 'too-big', '--wait=false']);
});

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

test('a node cut off from the cluster goes NotReady, its pods are replaced on the other node within the configured timeouts; when it comes back its stale pods are cleaned up', async () => {
  const before = (await pods('app=spread')).filter(isReady);
  const lost = before.filter((p) => p.spec!.nodeName === 'node-b');
  assert.ok(lost.length > 0, 'node-b runs some of the replicas');
  // "stopping" the agent: it freezes (SIGSTOP), as a hung or partitioned node; its containers keep running
  const t0 = Date.now();
  agent!.pause();

  // NotReady: at most one renewal interval since the last heartbeat, the grace period, one monitor period (+ slack)
  await eventually(async () => /^node-b\s+NotReady\s/m.test(await kc(cluster, ['get', 'nodes', '--no-headers'])), (LEASE_RENEW_S + GRACE_S + MONITOR_PERIOD_S + 10) * 1000, 'node-b NotReady');
  const notReadyAfter = (Date.now() - t0) / 1000;
  const node = JSON.parse(await kc(cluster, ['get', 'node', 'node-b', '-o', 'json'])) as Node;
  const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'Unknown');
  assert.equal(ready.reason, 'NodeStatusUnknown');
  assert.ok(notReadyAfter >= GRACE_S - LEASE_RENEW_S, `NotReady after ${notReadyAfter}s: not before the grace period`);
  const taints = await eventually(async () => {
    const n = JSON.parse(await kc(cluster, ['get', 'node', 'node-b', '-o', 'json'])) as Node;
    return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n.spec.taints : undefined;
  }, 10_000, 'the unreachable NoExecute taint');
  assert.ok(taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'));
  // node-a stays healthy all along
  assert.match(await kc(cluster, ['get', 'nodes', '--no-headers']), /^node-a\s+Ready\s/m);

  // the pods tolerate the taint for TOLERATION_S, are then evicted, and the ReplicaSet replaces them on node-a
  const tNotReady = Date.now();
  const replaced = await eventually(async () => {
    const all = await pods('app=spread');
    const live = all.filter((p) => !p.metadata!.deletionTimestamp);
    const onA = live.filter((p) => p.spec!.nodeName === 'node-a' && isReady(p));
    return onA.length === 4 && live.length === 4 ? all : undefined;
  }, (TOLERATION_S + 30) * 1000, 'four Ready replicas on node-a');
  const replacedAfter = (Date.now() - tNotReady) / 1000;
  console.log(`# node-b NotReady ${notReadyAfter.toFixed(1)}s after its agent froze; its pods replaced on node-a ${replacedAfter.toFixed(1)}s later`);
  assert.ok(replacedAfter >= TOLERATION_S - 1, `replaced after ${replacedAfter}s: not before the toleration`);
  // the lost pods were evicted: marked for deletion, and (nobody on node-b confirms it) Terminating
  for (const p of lost) {
    const now = replaced.find((x) => x.metadata!.uid === p.metadata!.uid);
    assert.ok(now?.metadata!.deletionTimestamp, `${p.metadata!.name} is being deleted`);
  }
  assert.match(await kc(cluster, ['get', 'pods', '-l', 'app=spread']), /Terminating/);
  const events = JSON.parse(await kc(cluster, ['get', 'events', '--field-selector', `involvedObject.name=${lost[0]!.metadata!.name}`, '-o', 'json'])) as { items: Array<{ reason: string }> };
  assert.ok(events.items.some((e) => e.reason === 'TaintManagerEviction'), `an eviction event for ${lost[0]!.metadata!.name}: ${events.items.map((e) => e.reason)}`);
  // the orphaned containers still answer on node-b (nothing stopped them yet)
  assert.equal(await httpGet(lost[0]!.status!.podIP!, 18401), lost[0]!.status!.podIP);

  // the node comes back: Ready again, its evicted pods are stopped and deleted, nothing else moves
  agent!.resume();
  await eventually(async () => /^node-b\s+Ready\s/m.test(await kc(cluster, ['get', 'nodes', '--no-headers'])), 30_000, 'node-b Ready again');
  await eventually(async () => (await pods('app=spread')).every((p) => !p.metadata!.deletionTimestamp), 30_000, 'the evicted pods gone');
  for (const p of lost) await assert.rejects(httpGet(p.status!.podIP!, 18401), `${p.metadata!.name}'s process stopped`);
  const after = await pods('app=spread');
  assert.equal(after.length, 4);
  assert.ok(after.every((p) => p.spec!.nodeName === 'node-a'));
  await eventually(async () => {
    const n = JSON.parse(await kc(cluster, ['get', 'node', 'node-b', '-o', 'json'])) as Node;
    return !n.spec?.taints?.length;
  }, 15_000, 'node-b untainted');
  // and it takes new pods again: scaling to 6 puts the two new replicas on node-b (spreading)
  await kc(cluster, ['scale', 'deployment/spread', '--replicas=6']);
  await kc(cluster, ['rollout', 'status', 'deployment/spread', '--timeout=30s']);
  const scaled = (await pods('app=spread')).filter(isReady);
  assert.equal(scaled.filter((p) => p.spec!.nodeName === 'node-b').length, 2);
});
