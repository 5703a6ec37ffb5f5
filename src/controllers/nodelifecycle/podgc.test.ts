import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/errors.js';
import { InformerFactory, R } from '../../client/factory.js';
import type { KubeClient } from '../../client/client.js';
import { PodGCController } from './podgc.js';
import { startTestEnv, until, sleep, type TestEnv } from '../../testing/apiserver.js';

let env: TestEnv;
let client: KubeClient;
let factory: InformerFactory;
let gc: PodGCController;

before(async () => {
  env = await startTestEnv();
  client = env.client();
  factory = new InformerFactory(env.client('controller-manager'));
  gc = new PodGCController(factory, { gcCheckPeriodMs: 150, quarantineMs: 300, terminatedPodThreshold: 1, forceDeleteTerminatingOnNotReadyNodes: true });
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'down' }, status: { conditions: [{ type: 'Ready', status: 'Unknown', lastHeartbeatTime: t, lastTransitionTime: t }] } });
  factory.start();
  await gc.start();
});

after(async () => {
  gc.stop();
  factory.stop();
  await env.stop();
});

const getPod = (name: string) => client.get<Pod>(R.pods, 'default', name);
const gone = (p: Promise<unknown>) => p.then(() => false, (err) => err instanceof StatusError && err.code === 404);

async function pod(name: string, status: Record<string, unknown>, grace?: number): Promise<void> {
  await client.create(R.pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'down', ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}), containers: [{ name: 'c', image: 'x' }] } });
  const p = await getPod(name);
  await client.update(R.pods, 'default', name, { ...p, status: { ...p.status, ...status } }, 'status');
}

test('finished pods beyond the threshold go, evicted ones first, then the oldest', async () => {
  gc.stop(); // collect by hand, so the order is ours
  await pod('done-old', { phase: 'Succeeded' });
  await sleep(1100); // creationTimestamps have whole seconds
  await pod('done-new', { phase: 'Succeeded' });
  await pod('evicted', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
  await pod('running', { phase: 'Running' });
  await until('informer to see them', async () => { await gc.gc(); return true; });
  await until('two finished pods deleted', async () => (await gone(getPod('evicted'))) && (await gone(getPod('done-old'))));
  assert.ok(!(await gone(getPod('done-new'))));
  assert.ok(!(await gone(getPod('running'))));
});

test('opt-in: a terminating pod on a not-Ready node is force-deleted once its grace period is over', async () => {
  await pod('stuck', { phase: 'Running' }, 2);
  await client.delete(R.pods, 'default', 'stuck'); // graceful: deletionTimestamp = now + 2 s
  const p = await getPod('stuck');
  assert.ok(p.metadata?.deletionTimestamp);
  await gc.gc();
  assert.ok(!(await gone(getPod('stuck'))), 'not before the grace period ends');
  await sleep(2100);
  await until('stuck force-deleted', async () => { await gc.gc(); return gone(getPod('stuck')); });
});
