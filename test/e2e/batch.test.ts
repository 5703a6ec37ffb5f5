// Acceptance (issue 3, item 5), on two nodes (the `up` node and one `timonel agent`): a Job runs to
// completion with completions/parallelism and never has more than `parallelism` pods running; a
// CronJob fires on its schedule; a DaemonSet has one pod per node; a StatefulSet creates web-0, then
// web-1 only once web-0 is Ready.
//
// The CronJob uses a real `*/1 * * * *` schedule (the controller's time scale is not configurable
// from `timonel up`): it is created first and checked last, so the other tests run while it waits
// for the next minute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Job, CronJob } from 'kubernetes-types/batch/v1.js';
import { startCluster, kc, kubectl, eventually, request, type Cluster } from './harness.js';
import { startAgent, type Agent } from './agents.js';

let cluster: Cluster;
let agent: Agent | undefined;
let cronCreatedAt = 0;

const CRONJOB = `
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "*/1 * * * *"
  successfulJobsHistoryLimit: 2
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - {name: tick, image: busybox, command: [/bin/sh, -c, "echo tick"]}
`;

before(async () => {
  cluster = await startCluster({ args: ['--node-name', 'node-a'] });
  agent = await startAgent(cluster, { name: 'node-b' });
  await eventually(async () => {
    const out = await kc(cluster, ['get', 'nodes', '--no-headers']);
    return /^node-a\s+Ready\s/m.test(out) && /^node-b\s+Ready\s/m.test(out);
  }, 30_000, 'both nodes Ready');
  cronCreatedAt = Date.now();
  await kc(cluster, ['apply', '-f', '-'], { input: CRONJOB });
});

after(async () => {
  await agent?.cleanup();
  await cluster?.cleanup();
});

async function listPods(selector: string): Promise<Pod[]> {
  const r = await request(cluster, 'GET', `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`);
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { items: Pod[] }).items;
}

const isReady = (p: Pod | undefined) => !!p && p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

test('a Job runs to completion with completions 4 and parallelism 2, never more than 2 pods at once', async () => {
  const log = join(cluster.dataDir, 'job-intervals.log');
  await kc(cluster, ['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'count' },
      spec: {
        completions: 4, parallelism: 2, backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{
              name: 'work', image: 'busybox',
              // each pod records when it ran (pods of the process runtime are host processes)
              command: ['/bin/sh', '-c', `echo "start $POD $(date +%s%N)" >> ${log}; sleep 2; echo "end $POD $(date +%s%N)" >> ${log}`],
              env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            }],
          },
        },
      },
    }),
  });
  // watch the Job's pods while it runs: never more than 2 non-terminal ones
  let maxActivePods = 0;
  let maxActiveStatus = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const pods = await listPods('job-name=count');
      maxActivePods = Math.max(maxActivePods, pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp).length);
      const job = JSON.parse((await request(cluster, 'GET', '/apis/batch/v1/namespaces/default/jobs/count')).body) as Job;
      maxActiveStatus = Math.max(maxActiveStatus, job.status?.active ?? 0);
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  try {
    await kc(cluster, ['wait', '--for=condition=complete', 'job/count', '--timeout=60s']);
  } finally {
    polling = false;
    await poller;
  }
  const job = JSON.parse(await kc(cluster, ['get', 'job', 'count', '-o', 'json'])) as Job;
  assert.equal(job.status!.succeeded, 4);
  assert.ok(!job.status!.failed, `no failed pods: ${job.status!.failed}`);
  assert.ok(job.status!.completionTime);
  assert.match(await kc(cluster, ['get', 'job', 'count', '--no-headers']), /^count\s+Complete\s+4\/4\s/);
  const pods = await listPods('job-name=count');
  assert.equal(pods.length, 4);
  assert.ok(pods.every((p) => p.status?.phase === 'Succeeded'), pods.map((p) => p.status?.phase).join());
  assert.ok(maxActivePods <= 2, `at most 2 pods at once, saw ${maxActivePods}`);
  assert.ok(maxActiveStatus <= 2, `status.active at most 2, saw ${maxActiveStatus}`);

  // from the pods' own records: 4 runs, at most (and, with 2 s each, exactly) 2 overlapping
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
  const events = lines.map(([kind, pod, ns]) => ({ kind, pod, t: BigInt(ns!) }));
  assert.equal(new Set(events.filter((e) => e.kind === 'end').map((e) => e.pod)).size, 4, readFileSync(log, 'utf8'));
  let running = 0;
  let peak = 0;
  for (const e of events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.kind === 'end' ? -1 : 1))) {
    running += e.kind === 'start' ? 1 : -1;
    peak = Math.max(peak, running);
  }
  assert.equal(peak, 2, `peak concurrency ${peak}`);
});

test('a DaemonSet has one pod per node', async () => {
  await kc(cluster, ['apply', '-f', '-'], {
    input: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agentd}
spec:
  selector: {matchLabels: {app: agentd}}
  template:
    metadata: {labels: {app: agentd}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: agentd, image: busybox, command: [sleep, "3600"]}
`,
  });
  await kc(cluster, ['rollout', 'status', 'daemonset/agentd', '--timeout=60s']);
  const pods = (await listPods('app=agentd')).filter((p) => !p.metadata?.deletionTimestamp);
  assert.equal(pods.length, 2);
  assert.deepEqual(pods.map((p) => p.spec!.nodeName).sort(), ['node-a', 'node-b']);
  assert.ok(pods.every(isReady));
  // each pod is pinned to its node by node affinity, and tolerates the node problems DaemonSets ride out
  for (const p of pods) {
    const terms = p.spec!.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    assert.deepEqual(terms?.[0]?.matchFields, [{ key: 'metadata.name', operator: 'In', values: [p.spec!.nodeName] }]);
    assert.ok(p.spec!.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.tolerationSeconds === undefined));
  }
  assert.match(await kc(cluster, ['get', 'daemonset', 'agentd', '--no-headers']), /^agentd\s+2\s+2\s+2\s+2\s+2\s/);
});

test('a StatefulSet creates web-0, and web-1 only after web-0 is Ready', async () => {
  const server = `setTimeout(() => require('http').createServer((q, s) => s.end(process.env.POD)).listen(18402, process.env.POD_IP), 2500)`;
  await kc(cluster, ['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 18402 }] } },
        {
          apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
          spec: {
            serviceName: 'web', replicas: 2, selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: {
                terminationGracePeriodSeconds: 1,
                containers: [{
                  name: 'web', image: 'node', command: [process.execPath, '-e', server],
                  env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                  // not Ready for the first ~2.5 s: the window in which web-1 must not exist
                  readinessProbe: { tcpSocket: { port: 18402 }, periodSeconds: 1 },
                }],
              },
            },
          },
        },
      ],
    }),
  });
  // observe the pods until both are Ready
  const seen: Array<{ web0: Pod | undefined; web1: Pod | undefined }> = [];
  await eventually(async () => {
    const pods = await listPods('app=web');
    const snap = { web0: pods.find((p) => p.metadata?.name === 'web-0'), web1: pods.find((p) => p.metadata?.name === 'web-1') };
    seen.push(snap);
    return isReady(snap.web0) && isReady(snap.web1);
  }, 60_000, 'web-0 and web-1 Ready');
  for (const s of seen) assert.ok(!s.web1 || isReady(s.web0), 'web-1 exists only while web-0 is Ready');
  assert.ok(seen.some((s) => s.web0 && !isReady(s.web0) && !s.web1), 'seen: web-0 created but not Ready, and no web-1 yet');
  const last = seen[seen.length - 1]!;
  const readyAt = Date.parse(last.web0!.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime!);
  assert.ok(Date.parse(last.web1!.metadata!.creationTimestamp!) >= readyAt, 'web-1 created after web-0 became Ready');
  // stable identities: hostname and subdomain, and the ordinal label
  for (const [i, p] of [last.web0!, last.web1!].entries()) {
    assert.equal(p.spec!.hostname, `web-${i}`);
    assert.equal(p.spec!.subdomain, 'web');
    assert.equal(p.metadata!.labels!['apps.kubernetes.io/pod-index'], String(i));
    assert.equal(p.metadata!.labels!['statefulset.kubernetes.io/pod-name'], `web-${i}`);
  }
  await kc(cluster, ['rollout', 'status', 'statefulset/web', '--timeout=30s']);
  assert.match(await kc(cluster, ['get', 'statefulset', 'web', '--no-headers']), /^web\s+2\/2\s/);
});

test('a CronJob with a */1 schedule fires at the next minute and its Job completes', async () => {
  const jobs = await eventually(async () => {
    const list = JSON.parse(await kc(cluster, ['get', 'jobs', '-o', 'json'])) as { items: Job[] };
    const mine = list.items.filter((j) => j.metadata?.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === 'tick' && o.controller));
    return mine.some((j) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) ? mine : undefined;
  }, Math.max(5_000, cronCreatedAt + 90_000 - Date.now()), 'a completed Job of CronJob tick');
  const firedAfter = (Date.now() - cronCreatedAt) / 1000;
  console.log(`# the CronJob's first Job completed ${firedAfter.toFixed(1)}s after the CronJob was created`);
  const job = jobs[0]!;
  const scheduled = job.metadata!.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']!;
  const t = Date.parse(scheduled);
  assert.equal(t % 60_000, 0, `scheduled on a whole minute: ${scheduled}`);
  assert.ok(t >= cronCreatedAt - 1000 && t <= cronCreatedAt + 61_000, `the first minute after creation: ${scheduled}`);
  assert.equal(job.metadata!.name, `tick-${t / 60_000}`);
  const pods = await listPods(`job-name=${job.metadata!.name}`);
  assert.equal(pods.length, 1);
  assert.equal((await kc(cluster, ['logs', pods[0]!.metadata!.name!])).trim(), 'tick');
  const cj = await eventually(async () => {
    const c = JSON.parse(await kc(cluster, ['get', 'cronjob', 'tick', '-o', 'json'])) as CronJob;
    return c.status?.lastSuccessfulTime ? c : undefined;
  }, 10_000, 'lastSuccessfulTime');
  assert.equal(Date.parse(cj.status!.lastScheduleTime!), t);
  const row = await kubectl(cluster, ['get', 'cronjob', 'tick', '--no-headers']);
  assert.match(row.stdout, /^tick\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+\d+\s+\d+s\s/);
});
