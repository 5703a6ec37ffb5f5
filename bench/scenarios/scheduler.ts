// Scenario 3: scheduler throughput, the scheduler_perf SchedulingBasic shape (kubernetes/kubernetes
// test/integration/scheduler_perf/misc/performance-config.yaml): N nodes, some existing pods, then
// the measured pods; pods/s bound. Two measurements per node count, reported apart:
//  - end to end: a `timonel server` (API server, controllers and scheduler in one process, no node
//    agent), N Node objects created through the API as scheduler_perf creates them (Ready, capacity
//    pods 110 / cpu 4 / memory 32Gi, no kubelet: nothing runs the pods), pods created through the
//    API by concurrent clients, bindings seen by a watch. Throughput is sampled every second as
//    scheduler_perf's collector does; its average is the number scheduler_perf's threshold is about.
//  - in process: the scheduler's pure framework (schedulePod on a Snapshot), no API, no binding.
import { performance } from 'node:perf_hooks';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../lib/scenario.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { closedLoop } from '../lib/loadgen.js';
import { Histogram, type Summary } from '../lib/histogram.js';
import { PodWatch } from '../lib/podwatch.js';
import { round, type Cell, type Section } from '../lib/report.js';
import { beginPhase, phaseRow, PHASE_COLUMNS, saturationNote, type PhaseStats } from '../lib/phase.js';
import { benchNode, benchPod, DEFAULT_SCHEDULER, namespaceBody, podPath } from '../lib/objects.js';
import { schedulePod, Snapshot, defaultProfile, PodInfo } from '../../src/scheduler/index.js';

/** scheduler_perf's default pod: requests (and limits) cpu 100m, memory 500Mi. */
const POD_RESOURCES = { cpu: '100m', memory: '500Mi' };
/** SchedulingBasic 5000Nodes_10000Pods threshold in the Kubernetes 1.32 tree (pods/s, average). */
export const SCHEDULER_PERF_FLOOR = 270;

export const schedulerScenario: Scenario = {
  name: 'scheduler',
  title: 'Scheduler throughput',
  description: 'scheduler_perf SchedulingBasic shape: N nodes, existing pods, then measured pods; pods/s bound, end to end and in process',
  params: [
    { name: 'nodes', kind: 'list', default: '1000,5000', scales: true, description: 'node counts, one run each (Node objects, no kubelet)' },
    { name: 'init-pods', kind: 'int', default: 1000, scales: true, description: 'pods scheduled before the measurement (SchedulingBasic: 1000)' },
    { name: 'pods', kind: 'int', default: 3000, scales: true, description: 'measured pods, end to end (SchedulingBasic: 10000)' },
    { name: 'inprocess-pods', kind: 'int', default: 10000, scales: true, description: 'measured pods, in process' },
    { name: 'clients', kind: 'int', default: 20, description: 'concurrent clients creating nodes and pods' },
  ],
  run,
};

export interface ThroughputStats {
  pods: number;
  /** first create sent -> last binding seen */
  seconds: number;
  /** pods / seconds */
  overall: number;
  /** per-second samples (scheduler_perf's collector): their mean, percentiles and count */
  average: number;
  p50: number;
  p90: number;
  p99: number;
  samples: number;
}

/**
 * Per-second throughput samples from bind times (ms, any origin), as scheduler_perf's collector
 * takes them: one sample per whole second from `start` until the last pod was bound; the last,
 * partial second is scaled to a rate.
 */
export function throughputSamples(bindTimes: number[], start: number): number[] {
  if (!bindTimes.length) return [];
  const end = Math.max(...bindTimes);
  const seconds = Math.max(1, Math.ceil((end - start) / 1000));
  const counts = new Array<number>(seconds).fill(0);
  for (const t of bindTimes) counts[Math.min(seconds - 1, Math.max(0, Math.floor((t - start) / 1000)))]++;
  const lastWidth = (end - start) / 1000 - (seconds - 1);
  if (lastWidth > 0 && lastWidth < 1) counts[seconds - 1] = counts[seconds - 1] / Math.max(lastWidth, 0.1);
  return counts;
}

export function throughputStats(bindTimes: number[], start: number): ThroughputStats {
  const samples = throughputSamples(bindTimes, start);
  const h = new Histogram(samples.length);
  for (const s of samples) h.record(s);
  const seconds = bindTimes.length ? (Math.max(...bindTimes) - start) / 1000 : NaN;
  return {
    pods: bindTimes.length, seconds, overall: bindTimes.length / seconds,
    average: h.mean, p50: h.percentile(50), p90: h.percentile(90), p99: h.percentile(99), samples: samples.length,
  };
}

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const sizes = ctx.list('nodes');
  const initPods = ctx.int('init-pods');
  const pods = ctx.int('pods');
  const inPods = ctx.int('inprocess-pods');
  const sections: Section[] = [];
  const notes: string[] = [];
  const phases: PhaseStats[] = [];
  const e2eRows: Array<Record<string, Cell>> = [];
  const inRows: Array<Record<string, Cell>> = [];
  const data: Record<string, unknown> = {};

  // In process first, while no server competes for the CPU.
  for (const n of sizes) {
    ctx.log(`in process: ${n} nodes, ${initPods} existing + ${inPods} measured pods`);
    const r = inProcess(n, initPods, inPods);
    inRows.push({ nodes: n, initPods, pods: inPods, perSec: round(r.perSec, 0), cycleP50: round(r.cycle.p50, 3), cycleP99: round(r.cycle.p99, 3), evaluated: r.evaluatedP50 });
    data[`inprocess-${n}`] = { perSec: r.perSec, cycle: r.cycle };
  }

  for (const n of sizes) {
    const r = await endToEnd(ctx, n, initPods, pods, phases);
    e2eRows.push({
      nodes: n, initPods, pods, nodesPerSec: round(r.nodesPerSec, 0), createPerSec: round(r.createPerSec, 0),
      average: round(r.tp.average, 0), p50: round(r.tp.p50, 0), p90: round(r.tp.p90, 0), overall: round(r.tp.overall, 0),
      latP50: round(r.latency.p50, 0), latP99: round(r.latency.p99, 0),
      floor: SCHEDULER_PERF_FLOOR, within: r.tp.average >= SCHEDULER_PERF_FLOOR ? 'yes' : 'NO',
    });
    data[`e2e-${n}`] = { throughput: r.tp, createToBound: r.latency, createPerSec: r.createPerSec, nodesPerSec: r.nodesPerSec };
  }

  sections.push({
    title: 'End to end: timonel server (API + scheduler in one process), pods created through the API, bindings seen by a watch',
    columns: [
      { key: 'nodes', label: 'nodes' }, { key: 'initPods', label: 'existing pods' }, { key: 'pods', label: 'measured pods' },
      { key: 'nodesPerSec', label: 'node creates/s' }, { key: 'createPerSec', label: 'pod creates/s' },
      { key: 'average', label: 'scheduled/s avg' }, { key: 'p50', label: 'per-second p50' }, { key: 'p90', label: 'per-second p90' },
      { key: 'overall', label: 'overall/s' },
      { key: 'latP50', label: 'create-to-bound p50', unit: 'ms' }, { key: 'latP99', label: 'create-to-bound p99', unit: 'ms' },
      { key: 'floor', label: 'scheduler_perf floor/s' }, { key: 'within', label: 'at or above' },
    ],
    rows: e2eRows,
  });
  sections.push({
    title: 'In process: the scheduling framework alone (schedulePod on a Snapshot, each placement assumed; no API, no binding)',
    columns: [
      { key: 'nodes', label: 'nodes' }, { key: 'initPods', label: 'existing pods' }, { key: 'pods', label: 'measured pods' },
      { key: 'perSec', label: 'pods/s' }, { key: 'cycleP50', label: 'cycle p50', unit: 'ms' }, { key: 'cycleP99', label: 'cycle p99', unit: 'ms' },
      { key: 'evaluated', label: 'nodes evaluated per cycle' },
    ],
    rows: inRows,
  });
  sections.push({ title: 'Server and load generator per phase', columns: PHASE_COLUMNS, rows: phases.map(phaseRow) });
  notes.push(
    `SchedulingBasic 5000Nodes_10000Pods measures 10,000 pods after 1000 existing ones; this run measured ${pods} after ${initPods}${pods < 10_000 ? ' (the default is smaller so that `npm run bench` fits in 10 minutes; --scheduler.pods 10000 for the full shape)' : ''}. Kubernetes' threshold for 5000Nodes_10000Pods is an average of ${SCHEDULER_PERF_FLOOR} pods/s in the 1.32 tree (680 in 2026), measured on Kubernetes' CI machines with the scheduler in a process of its own.`,
    'Here the API server, the controllers and the scheduler share one Node.js event loop, and the pods are created by the benchmark in the same run: "scheduled/s avg" is the mean of per-second samples of bindings seen by a watch, from the first create to the last binding, as scheduler_perf samples them. "pod creates/s" near "scheduled/s" means creation, not scheduling, was the limit.',
    ...saturationNote(phases),
  );
  return { sections, notes, data };
}

function inProcess(numNodes: number, initPods: number, pods: number): { perSec: number; cycle: Summary; evaluatedP50: number } {
  const zones = ['zone-a', 'zone-b', 'zone-c'];
  const snapshot = Snapshot.from(Array.from({ length: numNodes }, (_, i) => benchNode(`node-${i}`, { 'topology.kubernetes.io/zone': zones[i % zones.length] })));
  const profile = defaultProfile();
  const mk = (name: string): PodInfo => {
    const p: Pod = benchPod(name, { schedulerName: DEFAULT_SCHEDULER, requests: POD_RESOURCES, limits: POD_RESOURCES });
    p.metadata = { ...p.metadata, namespace: 'bench', uid: `uid-${name}` };
    return new PodInfo(p);
  };
  const place = (pi: PodInfo, cycle?: Histogram, evaluated?: Histogram) => {
    const t0 = performance.now();
    const r = schedulePod(pi, snapshot, profile);
    if ('fitError' in r) throw new Error(`in-process scheduling failed: ${r.fitError.message}`);
    snapshot.assumePod(pi, r.node);
    cycle?.record(performance.now() - t0);
    evaluated?.record(r.evaluatedNodes);
  };
  for (let i = 0; i < initPods; i++) place(mk(`init-${i}`));
  const measured = Array.from({ length: pods }, (_, i) => mk(`m-${i}`));
  const cycle = new Histogram(pods);
  const evaluated = new Histogram(pods);
  const t0 = performance.now();
  for (const pi of measured) place(pi, cycle, evaluated);
  const seconds = (performance.now() - t0) / 1000;
  if (snapshot.numPods !== initPods + pods) throw new Error(`in process: ${snapshot.numPods} pods in the snapshot, expected ${initPods + pods}`);
  return { perSec: pods / seconds, cycle: cycle.summary(), evaluatedP50: evaluated.percentile(50) };
}

async function createPods(server: ServerHandle, watch: PodWatch, ns: string, prefix: string, count: number, clients: number): Promise<{ seconds: number }> {
  const t = server.client({ maxSockets: clients });
  try {
    const t0 = performance.now();
    await closedLoop({ concurrency: clients, iterations: count }, async ({ seq }) => {
      const name = `${prefix}${seq}`;
      const body = JSON.stringify(benchPod(name, { schedulerName: DEFAULT_SCHEDULER, requests: POD_RESOURCES, limits: POD_RESOURCES }));
      const sent = performance.now();
      await t.request('POST', podPath(ns), { body, expect: [201] });
      watch.markCreated(ns, name, sent, performance.now());
    });
    return { seconds: (performance.now() - t0) / 1000 };
  } finally {
    t.close();
  }
}

async function endToEnd(ctx: ScenarioContext, numNodes: number, initPods: number, pods: number, phases: PhaseStats[]): Promise<{ tp: ThroughputStats; latency: Summary; createPerSec: number; nodesPerSec: number }> {
  const clients = ctx.int('clients');
  // Nodes without a kubelet never renew a Lease: keep the node lifecycle controller from tainting them.
  const server = await startServer({ command: 'server', probe: true, args: ['--node-monitor-grace-period', '36000'] });
  ctx.log(`end to end: server up (pid ${server.pid}); creating ${numNodes} nodes`);
  const t = server.client({ maxSockets: clients });
  const ns = 'bench-sched';
  const watch = new PodWatch(server.client({ maxSockets: 1 }), podPath(ns), { log: ctx.log });
  try {
    const tn0 = performance.now();
    const endNodes = await beginPhase(server, `create ${numNodes} nodes`, true);
    await closedLoop({ concurrency: clients, iterations: numNodes }, async ({ seq }) => {
      await t.request('POST', '/api/v1/nodes', { body: JSON.stringify(benchNode(`sched-node-${seq}`, { 'topology.kubernetes.io/zone': `zone-${seq % 3}` })), expect: [201] });
    });
    phases.push(await endNodes());
    const nodesPerSec = numNodes / ((performance.now() - tn0) / 1000);
    await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(ns)), expect: [201] });
    await watch.start();
    const check = () => server.assertAlive();

    ctx.log(`end to end: ${numNodes} nodes (${nodesPerSec.toFixed(0)}/s); ${initPods} existing pods`);
    const endInit = await beginPhase(server, `${numNodes} nodes: ${initPods} existing pods`, true);
    await createPods(server, watch, ns, 'init-', initPods, clients);
    await watch.waitFor(`scheduling ${initPods} existing pods on ${numNodes} nodes`, () => watch.boundCount >= initPods, { timeoutMs: 300_000, stallMs: 30_000, check });
    phases.push(await endInit());

    ctx.log(`end to end: ${numNodes} nodes; ${pods} measured pods`);
    const measured: number[] = [];
    watch.onBound((p) => { if (p.name.startsWith('m-')) measured.push(p.bound!); });
    const endMeasure = await beginPhase(server, `${numNodes} nodes: ${pods} measured pods`, true);
    const start = performance.now();
    const created = await createPods(server, watch, ns, 'm-', pods, clients);
    await watch.waitFor(`scheduling ${pods} pods on ${numNodes} nodes`, () => measured.length >= pods, { timeoutMs: 600_000, stallMs: 30_000, check });
    phases.push(await endMeasure());
    const tp = throughputStats(measured, start);
    const latency = new Histogram(pods);
    for (const p of watch.pods.values()) if (p.name.startsWith('m-') && p.bound !== undefined && p.createSent !== undefined) latency.record(p.bound - p.createSent);
    ctx.log(`end to end: ${numNodes} nodes: ${tp.average.toFixed(0)} pods/s average (created at ${(pods / created.seconds).toFixed(0)}/s)`);
    return { tp, latency: latency.summary(), createPerSec: pods / created.seconds, nodesPerSec };
  } finally {
    watch.stop();
    t.close();
    await server.stop();
  }
}
