// The ReplicaSet and Deployment controllers against a real API server started in-process, with a
// stand-in for the scheduler and node agent (see `fakeNodeAgent`), and the real kubectl for the
// rollout commands when it is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { resourcePath, type KubeClient } from '../../client/client.js';
import { startTestEnv } from '../../testing/apiserver.js';
import { InformerFactory, R } from '../../client/factory.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { ReplicaSetController, type ReplicaSetObject } from '../replicaset/index.js';
import { controllerOf } from '../replicaset/controllerref.js';
import { DeploymentController, type DeploymentObject } from './index.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const HAVE_KUBECTL = existsSync(KUBECTL);
const NS = 'default';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type PodObject = Pod & KubeObject;

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(50);
  }
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * STAND-IN for the scheduler and the node agent (neither is part of this test): binds every new
 * pod to "node-1", then marks it Running and Ready through the status subresource, and finishes a
 * graceful deletion (deletes with grace period 0) shortly after the deletionTimestamp appears.
 * Nothing here makes decisions the controllers should make.
 */
function fakeNodeAgent(client: KubeClient, pods: Informer<PodObject>): WorkQueue {
  const q = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 500 });
  let bindingWorks = true;
  pods.on({ add: (p) => q.add(keyOf(p)), update: (p) => q.add(keyOf(p)) });
  q.run(2, async (key) => {
    const pod = pods.get(key);
    if (!pod) return;
    const { namespace, name } = splitKey(key);
    if (pod.metadata?.deletionTimestamp) {
      await sleep(30);
      await client.delete(R.pods, namespace, name, { gracePeriodSeconds: 0 }).catch((e) => { if (!(e instanceof StatusError && e.code === 404)) throw e; });
      return;
    }
    if (!pod.spec?.nodeName && bindingWorks) {
      try {
        await client.request('POST', resourcePath(R.pods, namespace, name, 'binding'), { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
        return;
      } catch (err) {
        // An API server whose binding subresource refuses (422) leaves pods unbound: they are then
        // deleted at once instead of gracefully, the rest of the test is the same.
        if (!(err instanceof StatusError && err.code === 422)) throw err;
        bindingWorks = false;
      }
    }
    // Pods labelled hold=true never become ready (a stuck rollout).
    if (!isReady(pod) && pod.metadata?.labels?.hold !== 'true') {
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now }));
      const containerStatuses = (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } }));
      await client.update(R.pods, namespace, name, { ...pod, status: { ...(pod.status ?? {}), phase: 'Running', conditions, containerStatuses, startTime: now } }, 'status');
    }
  });
  return q;
}

interface Harness {
  client: KubeClient;
  factory: InformerFactory;
  kubeconfig: string;
  dir: string;
  close: () => Promise<void>;
}

async function startHarness(): Promise<Harness> {
  const env = await startTestEnv();
  const { dir, kubeconfig } = env;
  const client = env.client();
  const factory = new InformerFactory(client);
  const rsc = new ReplicaSetController(factory);
  const dc = new DeploymentController(factory);
  const agent = fakeNodeAgent(client, factory.informer<PodObject>(R.pods));
  factory.start();
  await Promise.all([rsc.start(), dc.start()]);
  return {
    client, factory, kubeconfig, dir,
    close: async () => {
      rsc.stop();
      dc.stop();
      agent.shutdown();
      factory.stop();
      await env.stop();
    },
  };
}

function kubectl(h: Harness, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(KUBECTL, ['--kubeconfig', h.kubeconfig, '--cache-dir', join(h.dir, 'kubectl-cache'), ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function deployment(name: string, image: string, extra: Record<string, unknown> = {}): DeploymentObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...extra,
    },
  } as DeploymentObject;
}

test('Deployment and ReplicaSet controllers against a live API server', { timeout: 240_000 }, async (t) => {
  const h = await startHarness();
  const { client, factory } = h;
  const pods = factory.informer<PodObject>(R.pods);
  const rss = factory.informer<ReplicaSetObject>(R.replicasets);
  const getD = (name = 'web') => client.get<DeploymentObject>(R.deployments, NS, name);
  const rsFor = (name = 'web') => rss.list().filter((rs) => controllerOf(rs)?.name === name && controllerOf(rs)?.kind === 'Deployment');
  const livePods = (app = 'web') => pods.list().filter((p) => p.metadata?.labels?.app === app && !p.metadata?.deletionTimestamp);
  const imageOf = (p: { spec?: { containers?: Array<{ image?: string }> } }) => p.spec?.containers?.[0]?.image;
  const rolledOut = async (image: string, replicas = 3, name = 'web') => {
    const d = await getD(name);
    const s = d.status ?? {};
    const done = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas;
    const live = livePods(name);
    return done && live.length === replicas && live.every((p) => imageOf(p) === image && isReady(p)) ? d : undefined;
  };

  // Invariants watched on every pod and ReplicaSet event while a rollout runs.
  let watching: { name: string; minAvailable: number; maxTotal: number } | undefined;
  const violations: string[] = [];
  const check = () => {
    if (!watching) return;
    const available = livePods(watching.name).filter(isReady).length;
    if (available < watching.minAvailable) violations.push(`only ${available} available pods (< ${watching.minAvailable})`);
    const total = rsFor(watching.name).reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    if (total > watching.maxTotal) violations.push(`ReplicaSets sized ${total} in total (> ${watching.maxTotal})`);
  };
  pods.on({ add: check, update: check, delete: check });
  rss.on({ add: check, update: check, delete: check });

  try {
    await t.test('a Deployment of 3 gets a ReplicaSet and 3 ready pods', async () => {
      await client.create(R.deployments, NS, deployment('web', 'nginx:1.0'));
      const d = await eventually('rollout of nginx:1.0', () => rolledOut('nginx:1.0'));
      const [rs] = rsFor();
      assert.equal(rsFor().length, 1);
      const hash = rs.metadata?.labels?.['pod-template-hash'];
      assert.ok(hash && rs.metadata?.name === `web-${hash}`, `RS name ${rs.metadata?.name} carries the hash ${hash}`);
      assert.equal(rs.spec?.selector.matchLabels?.['pod-template-hash'], hash);
      assert.equal(rs.spec?.template?.metadata?.labels?.['pod-template-hash'], hash);
      assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
      assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
      assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
      assert.deepEqual(controllerOf(rs), { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true });
      for (const p of livePods()) {
        assert.ok(p.metadata?.name?.startsWith(`${rs.metadata?.name}-`));
        assert.equal(controllerOf(p)?.uid, rs.metadata?.uid);
        assert.equal(p.metadata?.labels?.['pod-template-hash'], hash);
      }
      const cond = (type: string) => d.status?.conditions?.find((c) => c.type === type);
      assert.equal(cond('Available')?.reason, 'MinimumReplicasAvailable');
      await eventually('Progressing NewReplicaSetAvailable', async () => (await getD()).status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable'));
      await eventually('revision annotation on the Deployment', async () => (await getD()).metadata?.annotations?.['deployment.kubernetes.io/revision'] === '1');
      const rsStatus = (await client.get<ReplicaSetObject>(R.replicasets, NS, rs.metadata!.name!)).status;
      assert.deepEqual([rsStatus?.replicas, rsStatus?.fullyLabeledReplicas, rsStatus?.readyReplicas, rsStatus?.availableReplicas], [3, 3, 3, 3]);
      if (HAVE_KUBECTL) assert.match(await kubectl(h, ['rollout', 'status', 'deployment/web', '--timeout=30s']), /successfully rolled out/);
    });

    await t.test('changing the image rolls with maxUnavailable and maxSurge respected', async () => {
      watching = { name: 'web', minAvailable: 2, maxTotal: 4 };
      await client.patch(R.deployments, NS, 'web', 'merge', { metadata: { annotations: { 'kubernetes.io/change-cause': 'image 2.0' } }, spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:2.0' }] } } } });
      await eventually('rollout of nginx:2.0', () => rolledOut('nginx:2.0'));
      await eventually('old ReplicaSet scaled to 0', async () => rsFor().length === 2 && rsFor().every((rs) => (rs.status?.replicas ?? 0) === (rs.spec?.replicas ?? 0)));
      watching = undefined;
      assert.deepEqual(violations, []);
      const byRev = Object.fromEntries(rsFor().map((rs) => [rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], rs]));
      assert.equal(imageOf(byRev['1'].spec!.template!), 'nginx:1.0');
      assert.equal(byRev['1'].spec?.replicas, 0);
      assert.equal(imageOf(byRev['2'].spec!.template!), 'nginx:2.0');
      assert.equal(byRev['2'].spec?.replicas, 3);
      assert.equal(byRev['2'].metadata?.annotations?.['kubernetes.io/change-cause'], 'image 2.0');
      if (HAVE_KUBECTL) {
        assert.match(await kubectl(h, ['rollout', 'status', 'deployment/web', '--timeout=30s']), /successfully rolled out/);
        const history = await kubectl(h, ['rollout', 'history', 'deployment/web']);
        assert.match(history, /^1\s+<none>$/m);
        assert.match(history, /^2\s+image 2\.0$/m);
      }
      const events = (await client.list(R.events, NS)).items.map((e) => `${e.reason}: ${e.message}`);
      assert.ok(events.some((e) => /^ScalingReplicaSet: Scaled up replica set web-\w+ from 0 to 1$/.test(e)), events.join('\n'));
      assert.ok(events.some((e) => /^ScalingReplicaSet: Scaled down replica set web-\w+ from \d to \d$/.test(e)), events.join('\n'));
      assert.ok(events.some((e) => /^SuccessfulCreate: Created pod: web-/.test(e)));
      assert.ok(events.some((e) => /^SuccessfulDelete: Deleted pod: web-/.test(e)));
    });

    await t.test('a paused Deployment does not roll, but scales; resuming rolls', async () => {
      await client.patch(R.deployments, NS, 'web', 'merge', { spec: { paused: true } });
      await eventually('DeploymentPaused', async () => (await getD()).status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused'));
      await client.patch(R.deployments, NS, 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:3.0' }] } } } });
      await sleep(1500);
      assert.equal(rsFor().length, 2, 'no new ReplicaSet while paused');
      assert.ok(livePods().every((p) => imageOf(p) === 'nginx:2.0'));
      // scaling applies while paused
      await client.patch(R.deployments, NS, 'web', 'merge', { spec: { replicas: 4 } });
      await eventually('scaled to 4 while paused', async () => livePods().filter(isReady).length === 4 && livePods().every((p) => imageOf(p) === 'nginx:2.0'));
      assert.equal(rsFor().length, 2);
      await client.patch(R.deployments, NS, 'web', 'merge', { spec: { paused: false, replicas: 3 } });
      await eventually('rollout of nginx:3.0', () => rolledOut('nginx:3.0'));
      assert.equal(rsFor().length, 3);
      const d = await getD();
      assert.ok(d.status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable'));
    });

    await t.test('undo goes back to the previous ReplicaSet under a new revision', async () => {
      const before = rsFor();
      const rev2 = before.find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2')!;
      if (HAVE_KUBECTL) {
        await kubectl(h, ['rollout', 'undo', 'deployment/web']);
      } else {
        // What kubectl does: the old ReplicaSet's template (without its hash label) goes back into the Deployment.
        const template = structuredClone(rev2.spec!.template!);
        delete template.metadata!.labels!['pod-template-hash'];
        await client.patch(R.deployments, NS, 'web', 'json', [{ op: 'replace', path: '/spec/template', value: template }]);
      }
      await eventually('rollout back to nginx:2.0', () => rolledOut('nginx:2.0'));
      const after = rsFor();
      assert.equal(after.length, 3, 'the old ReplicaSet is reused, none is created');
      const reused = after.find((rs) => rs.metadata?.uid === rev2.metadata?.uid)!;
      assert.equal(reused.metadata?.annotations?.['deployment.kubernetes.io/revision'], '4');
      assert.equal(reused.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '2');
      assert.equal(reused.spec?.replicas, 3);
      await eventually('Deployment revision 4', async () => (await getD()).metadata?.annotations?.['deployment.kubernetes.io/revision'] === '4');
      if (HAVE_KUBECTL) {
        const history = await kubectl(h, ['rollout', 'history', 'deployment/web']);
        assert.match(history, /^4\s/m);
        assert.doesNotMatch(history, /^2\s/m);
        assert.match(await kubectl(h, ['rollout', 'status', 'deployment/web', '--timeout=30s']), /successfully rolled out/);
      }
    });

    await t.test('a deleted pod is replaced', async () => {
      const victim = livePods()[0];
      await client.delete(R.pods, NS, victim.metadata!.name!);
      await eventually('replacement pod', async () => {
        const live = livePods();
        return live.length === 3 && live.every(isReady) && !live.some((p) => p.metadata?.uid === victim.metadata?.uid);
      });
    });

    await t.test('the Deployment puts back ReplicaSet replicas edited by hand', async () => {
      const current = rsFor().find((rs) => (rs.spec?.replicas ?? 0) > 0)!;
      if (HAVE_KUBECTL) await kubectl(h, ['scale', 'rs', current.metadata!.name!, '--replicas=6']);
      else await client.patch(R.replicasets, NS, current.metadata!.name!, 'merge', { spec: { replicas: 6 } });
      await eventually('RS back to 3', async () => {
        const rs = await client.get<ReplicaSetObject>(R.replicasets, NS, current.metadata!.name!);
        return rs.spec?.replicas === 3 && livePods().length === 3 && rs.status?.replicas === 3;
      });
      const events = (await client.list(R.events, NS)).items.map((e) => `${e.reason}: ${e.message}`);
      assert.ok(events.includes(`ScalingReplicaSet: Scaled down replica set ${current.metadata!.name} from 6 to 3`), events.join('\n'));
    });

    await t.test('Recreate scales the old pods away before the new ones start', async () => {
      await client.create(R.deployments, NS, deployment('batch', 'busybox:1', { strategy: { type: 'Recreate' }, replicas: 2, revisionHistoryLimit: 1 }));
      await eventually('rollout of busybox:1', () => rolledOut('busybox:1', 2, 'batch'));
      let mixed = false;
      const seen = () => {
        const images = new Set(pods.list().filter((p) => p.metadata?.labels?.app === 'batch').map(imageOf));
        if (images.size > 1) mixed = true;
      };
      pods.on({ add: seen, update: seen });
      await client.patch(R.deployments, NS, 'batch', 'merge', { spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:2' }] } } } });
      await eventually('rollout of busybox:2', () => rolledOut('busybox:2', 2, 'batch'));
      assert.equal(mixed, false, 'old and new pods never coexist (terminating ones included)');
      // revisionHistoryLimit 1: a third revision leaves one old ReplicaSet (revision 2)
      await client.patch(R.deployments, NS, 'batch', 'merge', { spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:3' }] } } } });
      await eventually('rollout of busybox:3', () => rolledOut('busybox:3', 2, 'batch'));
      await eventually('history trimmed to 1 old ReplicaSet', async () => rsFor('batch').length === 2);
      assert.deepEqual(rsFor('batch').map((r) => r.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort(), ['2', '3']);
    });

    await t.test('a ReplicaSet adopts matching orphans and releases pods that stop matching', async () => {
      const orphan = await client.create<PodObject>(R.pods, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo-orphan', labels: { app: 'solo' } }, spec: { containers: [{ name: 'main', image: 'nginx:1' }] } });
      await eventually('orphan ready', async () => pods.get(`${NS}/solo-orphan`) && isReady(pods.get(`${NS}/solo-orphan`)!));
      const rs = await client.create<ReplicaSetObject>(R.replicasets, NS, {
        apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'solo' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'solo' } }, template: { metadata: { labels: { app: 'solo' } }, spec: { containers: [{ name: 'main', image: 'nginx:1' }] } } },
      });
      await eventually('2 solo pods', async () => livePods('solo').length === 2 && livePods('solo').every(isReady));
      const adopted = await client.get<PodObject>(R.pods, NS, 'solo-orphan');
      assert.deepEqual(controllerOf(adopted), { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'solo', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true });
      assert.equal(adopted.metadata?.uid, orphan.metadata?.uid);
      // relabel the adopted pod: the ReplicaSet lets it go and makes another
      await client.patch(R.pods, NS, 'solo-orphan', 'merge', { metadata: { labels: { app: 'gone' } } });
      await eventually('released and replaced', async () => {
        const p = pods.get(`${NS}/solo-orphan`);
        return p && !controllerOf(p) && livePods('solo').length === 2 && livePods('solo').every((x) => controllerOf(x)?.uid === rs.metadata?.uid);
      });
      await eventually('RS status', async () => {
        const st = (await client.get<ReplicaSetObject>(R.replicasets, NS, 'solo')).status;
        return st?.replicas === 2 && st.readyReplicas === 2 && st.availableReplicas === 2 && st.fullyLabeledReplicas === 2 && st.observedGeneration === 1;
      });
      // kubectl scale rs drives spec.replicas of a ReplicaSet of its own
      await client.patch(R.replicasets, NS, 'solo', 'merge', { spec: { replicas: 0 } });
      await eventually('scaled to 0', async () => livePods('solo').length === 0);
    });

    await t.test('a rollout without progress reports ProgressDeadlineExceeded', async () => {
      const stuck = deployment('stuck', 'nginx:1', { replicas: 1, progressDeadlineSeconds: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
      stuck.spec!.template.metadata!.labels!.hold = 'true';
      await client.create(R.deployments, NS, stuck);
      const cond = await eventually('ProgressDeadlineExceeded', async () => (await getD('stuck')).status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'), 15_000);
      assert.equal(cond.status, 'False');
      assert.match(cond.message ?? '', /^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
      const available = (await getD('stuck')).status?.conditions?.find((c) => c.type === 'Available');
      assert.equal(available?.reason, 'MinimumReplicasUnavailable');
      if (HAVE_KUBECTL) await assert.rejects(kubectl(h, ['rollout', 'status', 'deployment/stuck', '--timeout=10s']), /exceeded its progress deadline/);
    });
  } finally {
    watching = undefined;
    await h.close();
  }
});
