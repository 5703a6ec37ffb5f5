// Acceptance (issue 3, item 8): the `simulated` runtime at scale. One `timonel agent
// --simulate-nodes 100` process joins 100 hollow nodes; a Deployment of 3000 pods (pinned to the
// hollow nodes by their label) becomes Running, and the scheduler spreads the pods.
//
// The spread bound: every hollow node holds between 0.75x and 1.25x the mean (30 pods: 23..37).
// The pods are identical and have one owner, the scheduler scores every node (it scores at least
// 100 feasible nodes, as Kubernetes' percentageOfNodesToScore does) with least-allocated and
// owner-spreading plugins, so a working scheduler lands within a pod or two of the mean. Placing
// pods at random would not pass: 3000 pods over 100 nodes is binomial with sd ~5.4, and the
// fullest of 100 nodes would typically hold ~43, the emptiest ~17; first-fit packing (110 per node
// until full) fails at once.
//
// Times are measured and printed, not asserted (shared CI machines vary); the timeouts are generous.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Node } from 'kubernetes-types/core/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { startCluster, kc, eventually, request, type Cluster } from './harness.js';
import { startAgent, type Agent } from './agents.js';

const NODES = 100;
const PODS = 3000;

let cluster: Cluster;
let agent: Agent | undefined;
let joinSeconds = 0;

before(async () => {
  cluster = await startCluster({ args: ['--node-name', 'node-a', '--runtime', 'simulated'] });
  const t0 = Date.now();
  agent = await startAgent(cluster, { name: 'hollow', args: ['--runtime', 'simulated', '--simulate-nodes', String(NODES)], timeoutMs: 120_000 });
  joinSeconds = (Date.now() - t0) / 1000;
});

after(async () => {
  await agent?.cleanup();
  await cluster?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getJson<T>(path: string): Promise<T> {
  const r = await request(cluster, 'GET', path);
  assert.equal(r.status, 200, `${path}: ${r.body.slice(0, 500)}`);
  return JSON.parse(r.body) as T;
}

test(`${NODES} hollow nodes and ${PODS} pods become Running, spread over the nodes`, { timeout: 300_000 }, async () => {
  // the nodes: all registered and Ready, labelled as hollow, with the default hollow capacity
  const nodes = await eventually(async () => {
    const list = await getJson<{ items: Node[] }>('/api/v1/nodes?labelSelector=node.timonel.io%2Fhollow%3Dtrue');
    const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === NODES ? ready : undefined;
  }, 60_000, `${NODES} Ready hollow nodes`);
  assert.deepEqual(nodes.map((n) => n.metadata!.name).sort(), Array.from({ length: NODES }, (_, i) => `hollow-${i}`).sort());
  assert.equal(nodes[0]!.status!.allocatable!.pods, '110');
  assert.equal(new Set(nodes.map((n) => n.spec!.podCIDR)).size, NODES, 'a pod range per node');
  const table = await kc(cluster, ['get', 'nodes', '--no-headers']);
  assert.equal(table.trim().split('\n').filter((l) => /^hollow-\d+\s+Ready\s/.test(l)).length, NODES);

  const t0 = Date.now();
  await kc(cluster, ['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hollow' },
      spec: {
        replicas: PODS,
        selector: { matchLabels: { app: 'hollow' } },
        template: {
          metadata: { labels: { app: 'hollow' } },
          spec: {
            nodeSelector: { 'node.timonel.io/hollow': 'true' },
            containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
          },
        },
      },
    }),
  });
  const progress: string[] = [];
  let allReadyAt = 0;
  for (;;) {
    const d = await getJson<Deployment>('/apis/apps/v1/namespaces/default/deployments/hollow');
    const s = d.status ?? {};
    progress.push(`${((Date.now() - t0) / 1000).toFixed(0)}s:${s.replicas ?? 0}/${s.readyReplicas ?? 0}`);
    if (s.readyReplicas === PODS && s.availableReplicas === PODS) { allReadyAt = Date.now(); break; }
    assert.ok(Date.now() - t0 < 240_000, `${PODS} pods not Ready in 240 s (created/ready: ${progress.join(' ')})`);
    await sleep(1000);
  }

  const pods = (await getJson<{ items: Pod[] }>('/api/v1/namespaces/default/pods?labelSelector=app%3Dhollow')).items;
  assert.equal(pods.length, PODS);
  const notRunning = pods.filter((p) => p.status?.phase !== 'Running' || !p.status.podIP || !p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  assert.equal(notRunning.length, 0, `not Running and Ready: ${notRunning.slice(0, 5).map((p) => `${p.metadata!.name} ${p.status?.phase}`).join(', ')}`);
  const runningAt = Date.now();

  const perNode = new Map<string, number>(nodes.map((n) => [n.metadata!.name!, 0]));
  for (const p of pods) {
    const n = p.spec!.nodeName!;
    assert.ok(perNode.has(n), `${p.metadata!.name} on ${n}, not a hollow node`);
    perNode.set(n, perNode.get(n)! + 1);
  }
  const counts = [...perNode.values()];
  const mean = PODS / NODES;
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  const sd = Math.sqrt(counts.reduce((a, c) => a + (c - mean) ** 2, 0) / counts.length);
  const ips = new Set(pods.map((p) => p.status!.podIP));
  console.log(`# ${NODES} hollow nodes joined in ${joinSeconds.toFixed(1)}s; ${PODS} pods Ready ${((allReadyAt - t0) / 1000).toFixed(1)}s after the Deployment was created`
    + ` (all Running by the pod list at ${((runningAt - t0) / 1000).toFixed(1)}s); progress created/ready: ${progress.join(' ')}`);
  console.log(`# pods per node: min ${min}, max ${max}, mean ${mean}, sd ${sd.toFixed(2)}`);
  assert.equal(ips.size, PODS, 'every pod has its own IP');
  assert.ok(min >= Math.floor(mean * 0.75), `the emptiest node has ${min} pods (bound ${Math.floor(mean * 0.75)})`);
  assert.ok(max <= Math.ceil(mean * 1.25), `the fullest node has ${max} pods (bound ${Math.ceil(mean * 1.25)})`);
});
