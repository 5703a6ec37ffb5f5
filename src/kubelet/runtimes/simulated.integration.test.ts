// Hollow nodes: many simulated kubelets in one agent against a real API server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../client/client.js';
import { R } from '../../client/factory.js';
import { startAgent, type AgentHandle } from '../../cli/agent.js';
import { startTestEnv, type TestEnv } from '../../testing/apiserver.js';

let dir: string;
let env: TestEnv;
let client: KubeClient;
let agent: AgentHandle;
let token: string;

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  env = await startTestEnv();
  dir = env.dir;
  token = env.token;
  const pki = { caCertPem: env.caPem };
  const url = env.url;
  client = env.client();
  agent = await startAgent({ server: url, token, ca: pki.caCertPem, dataDir: join(dir, 'agent'), nodeName: 'hollow', runtime: 'simulated', simulateNodes: 8, kubeletPort: 0, log: () => {} });
});

after(async () => {
  await agent?.stop();
  await env?.stop();
});

test('hollow nodes register and run their pods at once', async () => {
  const nodes = await client.list<{ metadata: { name: string; labels: Record<string, string> }; spec: { podCIDR: string }; status: { conditions: Array<{ type: string; status: string }>; capacity: Record<string, string> } }>(R.nodes);
  assert.equal(nodes.items.length, 8);
  assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), Array.from({ length: 8 }, (_, i) => `hollow-${i}`).sort());
  assert.equal(new Set(nodes.items.map((n) => n.spec.podCIDR)).size, 8, 'distinct pod ranges');
  for (const n of nodes.items) {
    assert.equal(n.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(n.status.capacity.cpu, '4');
    assert.equal(n.metadata.labels['node.timonel.io/hollow'], 'true');
  }
  const N = 160;
  for (let i = 0; i < N; i += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, j) => client.create(R.pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i + j}`, namespace: 'default' },
      spec: { nodeName: `hollow-${(i + j) % 8}`, containers: [{ name: 'c', image: 'nginx', readinessProbe: { httpGet: { path: '/', port: 80 } } }] },
    })));
  }
  const pods = await eventually('all Running and Ready', async () => {
    const list = await client.list<Pod>(R.pods, 'default');
    const ok = list.items.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    return ok.length === N ? list.items : undefined;
  });
  assert.equal(new Set(pods.map((p) => p.status!.podIP)).size, N, 'every pod has its own IP');
  assert.equal(agent.kubelets.reduce((s, k) => s + k.podCount, 0), N);
  // canned logs through the streaming server
  const body = await new Promise<string>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: agent.port, path: '/containerLogs/default/p-3/c', rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let b = '';
      res.on('data', (d) => { b += d; });
      res.on('end', () => resolve(b));
    }).on('error', reject);
  });
  assert.equal(body, 'simulated container c started\n');
  // a run-to-completion pod finishes
  await client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job', namespace: 'default', annotations: { 'simulated.timonel.io/exit-after': '200ms' } }, spec: { nodeName: 'hollow-1', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } });
  await eventually('job Succeeded', async () => (await client.get<Pod>(R.pods, 'default', 'job')).status?.phase === 'Succeeded');
  // deletion: the kubelets finish it
  await Promise.all(pods.slice(0, 40).map((p) => client.delete(R.pods, 'default', p.metadata!.name!)));
  await eventually('deleted', async () => (await client.list<Pod>(R.pods, 'default')).items.length === N + 1 - 40);
});
