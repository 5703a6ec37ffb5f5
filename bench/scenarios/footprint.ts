// Scenario 5: what `timonel up` costs. Start-up until its API answers, from a fresh data dir (cold:
// PKI generated, empty database) and from an existing one (restart); cold start until the first pod
// is Running (simulated and process runtimes); RSS and CPU when idle, and with 100 and 1000 running
// simulated pods. 1000 pods do not fit on one node (110 pods a node, as the kubelet's default), so the
// pod rows add a `timonel agent` with hollow nodes beside `timonel up --runtime simulated`; both are
// reported. The processes run without the probe, so nothing of the benchmark's is in their memory.
import { performance } from 'node:perf_hooks';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../lib/scenario.js';
import { UsageError } from '../lib/scenario.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { startHollowNodes, type HollowNodes } from '../lib/agent.js';
import { Histogram } from '../lib/histogram.js';
import { closedLoop } from '../lib/loadgen.js';
import { PodWatch } from '../lib/podwatch.js';
import { cpuPercent, type ProcSample } from '../lib/procstat.js';
import { MiB, round, type Cell, type Section } from '../lib/report.js';
import { benchPod, DEFAULT_SCHEDULER, namespaceBody, podPath } from '../lib/objects.js';

export const footprintScenario: Scenario = {
  name: 'footprint',
  title: 'Footprint: start-up time and cost of timonel up, idle and with pods',
  description: 'cold start and restart until the API answers; cold start until the first pod runs; RSS and CPU idle and with 100/1000 simulated pods',
  params: [
    { name: 'starts', kind: 'int', default: 5, scales: true, description: 'cold starts (fresh data dir each) and as many restarts; as many cold starts to a first pod per runtime' },
    { name: 'settle', kind: 'number', default: 3, scales: true, min: 0, description: 'seconds after start (or after the pods run) before a measuring window' },
    { name: 'idle', kind: 'number', default: 20, scales: true, min: 1, description: 'measuring window, seconds' },
    { name: 'pod-counts', kind: 'string', default: '100,1000', description: 'running simulated pods in the loaded windows, comma-separated ("" for none)' },
    { name: 'first-pod-runtimes', kind: 'string', default: 'simulated,process', description: 'runtimes for the cold start to a first Running pod' },
  ],
  run,
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const starts = ctx.int('starts');
  const cold = { kubeconfig: new Histogram(), api: new Histogram() };
  const warm = { kubeconfig: new Histogram(), api: new Histogram() };
  let lastDir = '';
  for (let i = 0; i < starts; i++) {
    const dir = ctx.tmpDir('footprint-cold');
    const s = await startServer({ dataDir: dir });
    cold.kubeconfig.record(s.timings.kubeconfigMs);
    cold.api.record(s.timings.apiReadyMs);
    await s.stop();
    lastDir = dir;
  }
  for (let i = 0; i < starts; i++) {
    const s = await startServer({ dataDir: lastDir });
    warm.kubeconfig.record(s.timings.kubeconfigMs);
    warm.api.record(s.timings.apiReadyMs);
    await s.stop();
  }
  ctx.log(`cold start p50 ${cold.api.percentile(50).toFixed(0)} ms, restart p50 ${warm.api.percentile(50).toFixed(0)} ms`);

  const startRow = (kind: string, h: { kubeconfig: Histogram; api: Histogram }): Record<string, Cell> => ({
    start: kind, runs: h.api.count,
    kubeconfigP50: round(h.kubeconfig.percentile(50)), apiP50: round(h.api.percentile(50)),
    apiMin: round(h.api.min), apiMax: round(h.api.max),
  });

  const firstPod: Array<Record<string, Cell>> = [];
  const firstPodData: Record<string, unknown> = {};
  for (const rt of ctx.str('first-pod-runtimes').split(',').map((x) => x.trim()).filter(Boolean)) {
    const r = await coldStartToFirstPod(ctx, rt, starts);
    firstPod.push(r.row);
    firstPodData[rt] = r.data;
  }

  // Idle: a fresh cluster, left alone.
  const idleRows: Array<Record<string, Cell>> = [];
  const s = await startServer({ dataDir: ctx.tmpDir('footprint-idle') });
  try {
    await sleep(ctx.num('settle') * 1000);
    idleRows.push({ state: 'idle, no pods', nodes: 1, pods: 0, ...(await window(ctx, s, undefined)) });
  } finally {
    await s.stop();
  }
  const podCounts = ctx.str('pod-counts').split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
    if (!/^\d+$/.test(x) || Number(x) < 1) throw new UsageError(`--pod-counts: expected comma-separated pod counts, got "${ctx.str('pod-counts')}"`);
    return Number(x);
  });
  if (podCounts.length) idleRows.push(...(await withPods(ctx, podCounts)));

  const sections: Section[] = [
    {
      title: 'Start-up until the API answers an authenticated GET',
      columns: [
        { key: 'start', label: 'start' }, { key: 'runs', label: 'runs' },
        { key: 'kubeconfigP50', label: 'kubeconfig written p50', unit: 'ms', digits: 0 },
        { key: 'apiP50', label: 'API ready p50', unit: 'ms', digits: 0 },
        { key: 'apiMin', label: 'min', unit: 'ms', digits: 0 }, { key: 'apiMax', label: 'max', unit: 'ms', digits: 0 },
      ],
      rows: [startRow('cold (fresh data dir)', cold), startRow('restart (existing data dir)', warm)],
    },
    {
      title: 'Cold start until the first pod is Running (fresh data dir; the pod is created as soon as the API answers)',
      columns: [
        { key: 'runtime', label: 'runtime' }, { key: 'runs', label: 'runs' },
        { key: 'apiP50', label: 'API ready p50', unit: 'ms', digits: 0 },
        { key: 'boundP50', label: 'pod bound p50', unit: 'ms', digits: 0 },
        { key: 'runningP50', label: 'pod Running p50', unit: 'ms', digits: 0 },
        { key: 'runningMin', label: 'min', unit: 'ms', digits: 0 }, { key: 'runningMax', label: 'max', unit: 'ms', digits: 0 },
        { key: 'waited', label: 'runs with a FailedScheduling (no node yet)' },
      ],
      rows: firstPod,
    },
    {
      title: 'timonel up idle and with running simulated pods (the pod rows: timonel up --runtime simulated + timonel agent with hollow nodes)',
      columns: [
        { key: 'state', label: 'state' }, { key: 'nodes', label: 'nodes' }, { key: 'pods', label: 'pods' }, { key: 'seconds', label: 'window', unit: 's' },
        { key: 'rssMiB', label: 'up RSS', unit: 'MiB' }, { key: 'rssMaxMiB', label: 'up RSS max', unit: 'MiB' },
        { key: 'peakRssMiB', label: 'up peak RSS (VmHWM)', unit: 'MiB' }, { key: 'cpu', label: 'up CPU', unit: '% of a core' },
        { key: 'threads', label: 'up threads' },
        { key: 'agentRssMiB', label: 'agent RSS', unit: 'MiB' }, { key: 'agentCpu', label: 'agent CPU', unit: '% of a core' },
        { key: 'upPods', label: 'pods on the up node' },
      ],
      rows: idleRows,
    },
  ];
  const notes = [
    'Times are from spawning `node bin/timonel.js up` (Node start-up included) to the kubeconfig file appearing and to the first 200 on GET /api/v1/namespaces/default, polled every 5 ms.',
    'First pod: one pod (default scheduler) is created right after the API answers; it is bound once the node agent has registered its node, and Running once the node started it and the benchmark\'s watch saw the status. The process runtime runs `sleep` on the host. A pod that reaches the scheduler before the node has registered fails its first attempt ("no nodes available") and is retried after the scheduler\'s initial back-off of 1 s, as in Kubernetes: those runs are counted.',
    `With pods: \`timonel up --runtime simulated\` (its own node, 110 pods at most) plus one \`timonel agent --simulate-nodes\` process with enough hollow nodes for ${Math.max(...podCounts, 0)} pods; the pods are spread by the scheduler. "up" is the control plane and its node agent; "agent" the hollow nodes. CPU is the average over the window after the pods ran (leases, node status, resyncs).`,
  ];
  return {
    sections, notes,
    data: { cold: { kubeconfig: cold.kubeconfig.summary(), api: cold.api.summary() }, restart: { kubeconfig: warm.kubeconfig.summary(), api: warm.api.summary() }, firstPod: firstPodData },
  };
}

/** RSS and CPU of the server (and agent) over a window of `idle` seconds. */
async function window(ctx: ScenarioContext, s: ServerHandle, agent: HollowNodes | undefined): Promise<Record<string, Cell>> {
  const a = s.sample();
  const aa = agent?.sample();
  const rss = new Histogram();
  rss.record(a.rssBytes / MiB);
  const endAt = performance.now() + ctx.num('idle') * 1000;
  while (performance.now() < endAt) {
    rss.record(s.sample().rssBytes / MiB);
    agent?.assertAlive();
    await sleep(Math.min(1000, Math.max(0, endAt - performance.now())));
  }
  const b = s.sample();
  const ab: ProcSample | undefined = agent?.sample();
  rss.record(b.rssBytes / MiB);
  return {
    seconds: round((b.at - a.at) / 1000, 1),
    rssMiB: round(b.rssBytes / MiB, 1), rssMaxMiB: round(rss.max, 1), peakRssMiB: round(b.peakRssBytes / MiB, 1),
    cpu: round(cpuPercent(a, b), 2), threads: b.threads,
    agentRssMiB: ab ? round(ab.rssBytes / MiB, 1) : null, agentCpu: aa && ab ? round(cpuPercent(aa, ab), 2) : null,
  };
}

async function coldStartToFirstPod(ctx: ScenarioContext, runtime: string, runs: number): Promise<{ row: Record<string, Cell>; data: Record<string, unknown> }> {
  const api = new Histogram(), bound = new Histogram(), running = new Histogram();
  let waited = 0;
  for (let i = 0; i < runs; i++) {
    const s = await startServer({ dataDir: ctx.tmpDir(`footprint-first-${runtime}`), args: ['--runtime', runtime], pollMs: 2 });
    const t = s.client({ maxSockets: 2 });
    const watch = new PodWatch(s.client({ maxSockets: 1 }), podPath('default'), { log: ctx.log });
    try {
      const name = 'first';
      const body = JSON.stringify(benchPod(name, runtime === 'process'
        ? { schedulerName: DEFAULT_SCHEDULER, image: 'busybox', command: ['sleep', '3600'] }
        : { schedulerName: DEFAULT_SCHEDULER }));
      // Watch first, then create: the watch must not miss the pod's first events.
      await watch.start();
      const sent = performance.now();
      await t.request('POST', podPath('default'), { body, expect: [201] });
      watch.markCreated('default', name, sent, performance.now());
      await watch.waitFor(`${runtime}: the first pod running after a cold start`, () => watch.runningCount >= 1, { timeoutMs: 60_000, check: () => s.assertAlive() });
      const p = watch.pods.get(`default/${name}`)!;
      // A pod created before the node registered failed its first scheduling attempt and waited out
      // the scheduler's back-off (1 s): that run says so with a FailedScheduling event.
      const evs = await t.json<{ items: Array<{ reason?: string; involvedObject?: { name?: string } }> }>('GET', '/api/v1/namespaces/default/events');
      if (evs.items.some((e) => e.reason === 'FailedScheduling' && e.involvedObject?.name === name)) waited++;
      api.record(s.timings.apiReadyMs);
      bound.record(p.bound! - s.spawnedAt);
      running.record(p.running! - s.spawnedAt);
    } finally {
      watch.stop();
      t.close();
      await s.stop();
    }
  }
  ctx.log(`${runtime}: cold start to the first pod Running p50 ${running.percentile(50).toFixed(0)} ms`);
  return {
    row: {
      runtime, runs, apiP50: round(api.percentile(50)), boundP50: round(bound.percentile(50)), runningP50: round(running.percentile(50)),
      runningMin: round(running.min), runningMax: round(running.max), waited,
    },
    data: { api: api.summary(), bound: bound.summary(), running: running.summary() },
  };
}

async function withPods(ctx: ScenarioContext, counts: number[]): Promise<Array<Record<string, Cell>>> {
  const max = Math.max(...counts);
  // Room for every pod with a margin: the up node holds 110, each hollow node 110.
  const hollow = Math.max(1, Math.ceil((max * 1.2) / 110));
  const s = await startServer({ dataDir: ctx.tmpDir('footprint-pods'), args: ['--runtime', 'simulated'] });
  let agent: HollowNodes | undefined;
  const t = s.client({ maxSockets: 10 });
  const ns = 'bench-footprint';
  const watch = new PodWatch(s.client({ maxSockets: 1 }), podPath(ns), { log: ctx.log });
  const rows: Array<Record<string, Cell>> = [];
  try {
    agent = await startHollowNodes(s, { nodes: hollow, prefix: 'footprint' });
    await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(ns)), expect: [201] });
    await watch.start();
    let created = 0;
    for (const n of [...counts].sort((a, b) => a - b)) {
      const from = created;
      ctx.log(`with pods: creating ${n - from} pods (to ${n}) on ${hollow} hollow nodes + the up node`);
      await closedLoop({ concurrency: 10, iterations: n - from }, async ({ seq }) => {
        const name = `pod-${from + seq}`;
        await t.request('POST', podPath(ns), { body: JSON.stringify(benchPod(name, { schedulerName: DEFAULT_SCHEDULER })), expect: [201] });
      });
      created = n;
      const a = agent;
      await watch.waitFor(`${n} simulated pods running`, () => watch.runningCount >= n, { timeoutMs: 120_000 + n * 100, stallMs: 60_000, check: () => { s.assertAlive(); a.assertAlive(); } });
      await sleep(ctx.num('settle') * 1000);
      let upPods = 0;
      for (const p of watch.pods.values()) if (p.node && !p.node.startsWith('footprint-')) upPods++;
      rows.push({ state: `${n} running pods`, nodes: hollow + 1, pods: n, ...(await window(ctx, s, agent)), upPods });
    }
  } finally {
    watch.stop();
    t.close();
    try {
      if (agent) await agent.stop();
    } finally {
      await s.stop();
    }
  }
  return rows;
}
