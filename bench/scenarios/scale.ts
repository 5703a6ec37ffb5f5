// Scenario 6: scale. A `timonel server` (control plane, no node of its own) grows in steps: hollow
// nodes (`timonel agent --simulate-nodes`, several agent processes) and 30 pods per node (the
// clusterloader2 load test's density, in namespaces of 100 nodes' worth = 3000 pods), every pod
// Running before the step is measured. At each step a fixed probe load measures the API's p99
// against Kubernetes' SLOs (mutating <= 1 s, single GET <= 1 s, LIST in one namespace <= 5 s), with
// the server's event-loop lag, CPU and memory. The growth stops at the first step outside an SLO,
// when the server's memory passes a limit, when the time budget is spent, or at the target size;
// the report says which and why.
import { totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../lib/scenario.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { startHollowNodes, type HollowNodes } from '../lib/agent.js';
import { closedLoop, fixedRate, Recorder } from '../lib/loadgen.js';
import { Histogram } from '../lib/histogram.js';
import { PodWatch } from '../lib/podwatch.js';
import { CT, type HttpTarget } from '../lib/http.js';
import { cpuPercent } from '../lib/procstat.js';
import { MiB, round, type Cell, type Section } from '../lib/report.js';
import { beginPhase, saturationNote, type PhaseStats } from '../lib/phase.js';
import { benchPod, DEFAULT_SCHEDULER, namespaceBody, podPath } from '../lib/objects.js';

/** Kubernetes' API call latency SLOs (p99), ms. */
export const SLO_MS = { mutating: 1000, get: 1000, list: 5000 } as const;

export const scaleScenario: Scenario = {
  name: 'scale',
  title: 'Scale: the largest simulated cluster inside the API SLOs',
  description: 'grow hollow nodes and pods in steps; API p99 (mutating, GET, LIST per namespace), event-loop lag and memory per step; stop at an SLO break, the memory limit or the time budget',
  params: [
    { name: 'nodes', kind: 'list', default: '100,250,500,1000,2000,3500,5000', description: 'node counts of the steps (target: 5000 nodes)' },
    { name: 'pods-per-node', kind: 'int', default: 30, description: 'pods per node (target: 150,000 pods at 5000 nodes)' },
    { name: 'pods-per-namespace', kind: 'int', default: 3000, description: 'pods per namespace (clusterloader2: 100 nodes x 30 pods)' },
    { name: 'budget', kind: 'number', default: 150, scales: true, min: 10, description: 'seconds of growth; no step starts after it, a step still growing at 1.25x stops growing and is measured as it is' },
    { name: 'window', kind: 'number', default: 8, scales: true, min: 2, description: 'seconds of probe load per step' },
    { name: 'probe-rate', kind: 'number', default: 20, description: 'probe iterations per second (each: pod create, get, patch, delete)' },
    { name: 'list-rate', kind: 'number', default: 1, description: 'LISTs of the fullest namespace per second during the probe' },
    { name: 'clients', kind: 'int', default: 20, description: 'concurrent clients creating the pods' },
    { name: 'nodes-per-agent', kind: 'int', default: 1000, description: 'hollow nodes per agent process at most' },
    { name: 'max-rss', kind: 'int', default: Math.floor((totalmem() / MiB) * 0.6), description: 'MiB of server RSS at which the growth stops (default 60% of this machine)' },
  ],
  run,
};

export interface StepResult {
  nodes: number;
  nodesReady: number;
  pods: number;
  growSeconds: number;
  podsPerSec: number;
  createP99: number;
  mutatingP99: number;
  mutatingWorst: string;
  getP99: number;
  listP99: number;
  listPods: number;
  lists: number;
  loopP99: number | null;
  loopMax: number | null;
  elu: number | null;
  serverCpu: number;
  serverRssMiB: number;
  heapMiB: number | null;
  heapLimitMiB: number;
  agentsRssMiB: number;
  agentsCpu: number;
  benchElu: number;
}

/** The SLOs a step is outside of, as readable reasons (empty: inside all). */
export function sloBreaks(s: Pick<StepResult, 'mutatingP99' | 'mutatingWorst' | 'getP99' | 'listP99' | 'listPods'>): string[] {
  const out: string[] = [];
  if (s.mutatingP99 > SLO_MS.mutating) out.push(`mutating p99 ${Math.round(s.mutatingP99)} ms (${s.mutatingWorst}) > ${SLO_MS.mutating} ms`);
  if (s.getP99 > SLO_MS.get) out.push(`GET p99 ${Math.round(s.getP99)} ms > ${SLO_MS.get} ms`);
  if (s.listP99 > SLO_MS.list) out.push(`LIST of ${s.listPods} pods p99 ${Math.round(s.listP99)} ms > ${SLO_MS.list} ms`);
  return out;
}

/** Where the time and the limits went at the last step: what saturated first. */
export function diagnose(s: StepResult, cores: number, maxRssMiB: number): string {
  const why: string[] = [];
  if (s.elu !== null && s.elu >= 0.9) why.push(`the server's event loop was busy ${Math.round(s.elu * 100)}% of the window (loop delay p99 ${Math.round(s.loopP99 ?? 0)} ms, max ${Math.round(s.loopMax ?? 0)} ms): one thread serves every request, watch and controller, so it is CPU-bound on one core`);
  else if (s.loopP99 !== null && s.loopP99 > 100) why.push(`event-loop delay p99 ${Math.round(s.loopP99)} ms in the server`);
  const total = s.serverCpu + s.agentsCpu;
  if (total > cores * 100 * 0.8) why.push(`server and agents together used ${Math.round(total)}% CPU of ${cores * 100}%: the machine's cores were the limit`);
  if (s.heapMiB !== null && s.heapMiB > s.heapLimitMiB * 0.6) why.push(`server heap ${Math.round(s.heapMiB)} MiB of its ${Math.round(s.heapLimitMiB)} MiB V8 limit (${Math.round((s.heapMiB * 1024) / Math.max(1, s.pods))} KiB per pod)`);
  if (s.serverRssMiB > maxRssMiB * 0.8) why.push(`server RSS ${Math.round(s.serverRssMiB)} MiB near the limit of ${maxRssMiB} MiB`);
  if (s.benchElu > 0.9) why.push(`the load generator itself was busy ${Math.round(s.benchElu * 100)}%`);
  if (s.nodesReady < s.nodes) why.push(`${s.nodes - s.nodesReady} of ${s.nodes} nodes were not Ready (lease renewals late)`);
  return why.length ? why.join('; ') : `server loop busy ${Math.round((s.elu ?? 0) * 100)}%, CPU ${Math.round(s.serverCpu)}%, RSS ${Math.round(s.serverRssMiB)} MiB: nothing saturated`;
}

const nsName = (i: number) => `scale-${i}`;

/** Share of V8's heap limit at which growth stops (past the limit the server dies; near it, GC thrashes). */
export const HEAP_STOP = 0.75;

/**
 * Polls the server's memory every 2 s while pods are created: trips when its heap passes
 * HEAP_STOP of V8's limit or its RSS passes `maxRssMiB`, so the growth stops before the server dies.
 */
function memoryMonitor(server: ServerHandle, maxRssMiB: number): { readonly tripped: string | undefined; stop(): Promise<string | undefined> } {
  let tripped: string | undefined;
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = server.probe(false).then((p) => {
      if (tripped) return;
      if (p.heapUsedBytes > p.heapLimitBytes * HEAP_STOP) tripped = `server heap ${Math.round(p.heapUsedBytes / MiB)} MiB passed ${HEAP_STOP * 100}% of its V8 limit (${Math.round(p.heapLimitBytes / MiB)} MiB)`;
      else if (p.rssBytes / MiB > maxRssMiB) tripped = `server RSS ${Math.round(p.rssBytes / MiB)} MiB passed the limit of ${maxRssMiB} MiB`;
    }, () => { /* a dead server is found by the waits */ });
  }, 2000);
  return {
    get tripped() { return tripped; },
    async stop() { clearInterval(timer); await busy; return tripped; },
  };
}

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const steps = ctx.list('nodes');
  const perNode = ctx.int('pods-per-node');
  const perNs = ctx.int('pods-per-namespace');
  const budgetMs = ctx.num('budget') * 1000;
  const maxRss = ctx.int('max-rss');
  const clients = ctx.int('clients');
  const perAgent = ctx.int('nodes-per-agent');
  const server = await startServer({ command: 'server', probe: true });
  ctx.log(`server up (pid ${server.pid})`);
  const agents: HollowNodes[] = [];
  const t = server.client({ maxSockets: clients + 64 });
  const watch = new PodWatch(server.client({ maxSockets: 1 }), '/api/v1/pods?labelSelector=app%3Dtimonel-bench', { namePrefix: 'g-', log: ctx.log });
  const results: StepResult[] = [];
  const phases: PhaseStats[] = [];
  let stopReason = '';
  let stopKind: 'slo' | 'memory' | 'budget' | 'target' = 'target';
  let completed = false;
  const t0 = performance.now();
  const check = () => { server.assertAlive(); for (const a of agents) a.assertAlive(); };
  try {
    await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody('scale-probe')), expect: [201] });
    await watch.start();
    let nodes = 0;
    let pods = 0;
    let namespaces = 0;
    for (const target of steps) {
      if (target <= nodes) continue;
      if (performance.now() - t0 > budgetMs) { stopKind = 'budget'; break; }
      const stepStart = performance.now();
      // Nodes: new agent processes of at most perAgent nodes each.
      while (nodes < target) {
        const n = Math.min(perAgent, target - nodes);
        ctx.log(`step ${target} nodes: starting an agent with ${n} hollow nodes`);
        agents.push(await startHollowNodes(server, { nodes: n, prefix: `hollow${agents.length}` }));
        nodes += n;
      }
      // Pods: up to perNode per node, created by concurrent clients, in namespaces of perNs pods.
      const wantPods = target * perNode;
      const create = new Histogram();
      let truncated = false;
      let memoryTrip: string | undefined;
      const hardStop = t0 + budgetMs * 1.25;
      if (wantPods > pods) {
        const from = pods;
        ctx.log(`step ${target} nodes: creating ${wantPods - from} pods (to ${wantPods})`);
        while (namespaces * perNs < wantPods) {
          await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(nsName(namespaces))), expect: [201] });
          namespaces++;
        }
        const monitor = memoryMonitor(server, maxRss);
        const res = await closedLoop({ concurrency: clients, iterations: wantPods - from }, async ({ seq, rec }) => {
          if (performance.now() > hardStop) { truncated = true; return; }
          if (monitor.tripped) return;
          const i = from + seq;
          const ns = nsName(Math.floor(i / perNs));
          const body = JSON.stringify(benchPod(`g-${i}`, { schedulerName: DEFAULT_SCHEDULER }));
          await rec.time('create', () => t.request('POST', podPath(ns), { body, expect: [201] }));
        });
        memoryTrip = await monitor.stop();
        create.merge(res.recorder.histogram('create'));
        pods = from + create.count;
        if (memoryTrip) ctx.log(`step ${target} nodes: stopped creating pods at ${pods}: ${memoryTrip}`);
      }
      await watch.waitFor(`step ${target} nodes: ${pods} pods running`, () => watch.runningCount >= pods, { timeoutMs: 900_000, stallMs: 90_000, check });
      const growSeconds = (performance.now() - stepStart) / 1000;
      ctx.log(`step ${target} nodes: ${pods} pods running after ${growSeconds.toFixed(0)} s; measuring`);
      const r = await measureStep(ctx, server, agents, t, nodes, pods, perNs, phases);
      r.growSeconds = growSeconds;
      r.podsPerSec = create.count / growSeconds;
      r.createP99 = create.count ? create.percentile(99) : NaN;
      results.push(r);
      const breaks = sloBreaks(r);
      ctx.log(`step ${target} nodes: mutating p99 ${r.mutatingP99.toFixed(0)} ms, GET p99 ${r.getP99.toFixed(0)} ms, LIST p99 ${r.listP99.toFixed(0)} ms, loop p99 ${r.loopP99 ?? '-'} ms, RSS ${r.serverRssMiB.toFixed(0)} MiB`);
      const memory = memoryTrip ? `growing to ${target} nodes, ${memoryTrip}` : r.serverRssMiB > maxRss ? `server RSS ${Math.round(r.serverRssMiB)} MiB passed the limit of ${maxRss} MiB` : undefined;
      if (breaks.length || memory) {
        stopKind = breaks.length ? 'slo' : 'memory';
        stopReason = [breaks.length ? `outside the SLOs at ${nodes} nodes / ${pods} pods: ${breaks.join('; ')}` : '', memory ? `${memory} (measured at ${nodes} nodes / ${pods} pods)` : ''].filter(Boolean).join('; and ');
        break;
      }
      if (truncated) { stopKind = 'budget'; break; }
    }
    const last = results[results.length - 1];
    if (!last) throw new Error('scale: no step was measured');
    const elapsed = Math.round((performance.now() - t0) / 1000);
    if (stopKind === 'budget') stopReason = `time budget (${ctx.num('budget')} s of growth) spent after ${elapsed} s at ${last.nodes} nodes / ${last.pods} pods, inside every SLO (more with --scale.budget)`;
    if (stopKind === 'target') stopReason = `reached the last step, ${last.nodes} nodes / ${last.pods} pods, inside every SLO`;
    completed = true;
  } finally {
    watch.stop();
    t.close();
    // Every child is stopped whatever happened; a child that does not stop cleanly fails a run
    // that had not failed already (a failed run keeps its own error).
    const errors: unknown[] = [];
    for (const a of agents) { try { await a.stop(30_000); } catch (err) { errors.push(err); } }
    try { await server.stop(); } catch (err) { errors.push(err); }
    if (completed && errors.length) throw errors[0];
  }
  const last = results[results.length - 1]!;
  const why = diagnose(last, ctx.machine.availableParallelism, maxRss);
  const sections: Section[] = [
    {
      title: 'Per step: API p99 under the probe load (client-side) against the SLOs, and what the server spent',
      columns: [
        { key: 'nodes', label: 'nodes' }, { key: 'nodesReady', label: 'Ready' }, { key: 'pods', label: 'pods' },
        { key: 'growSeconds', label: 'grow', unit: 's', digits: 0 }, { key: 'podsPerSec', label: 'pods/s to Running', digits: 0 },
        { key: 'createP99', label: 'create p99 growing', unit: 'ms', digits: 0 },
        { key: 'mutatingP99', label: 'mutating p99', unit: 'ms', digits: 0 }, { key: 'getP99', label: 'GET p99', unit: 'ms', digits: 0 },
        { key: 'listP99', label: 'LIST ns p99', unit: 'ms', digits: 0 }, { key: 'listPods', label: 'pods listed' },
        { key: 'loopP99', label: 'loop delay p99', unit: 'ms', digits: 0 }, { key: 'loopMax', label: 'loop delay max', unit: 'ms', digits: 0 },
        { key: 'elu', label: 'loop busy', digits: 2 }, { key: 'serverCpu', label: 'server CPU', unit: '%', digits: 0 },
        { key: 'serverRssMiB', label: 'server RSS', unit: 'MiB', digits: 0 }, { key: 'heapMiB', label: 'heap', unit: 'MiB', digits: 0 },
        { key: 'heapLimitMiB', label: 'heap limit', unit: 'MiB', digits: 0 },
        { key: 'agentsRssMiB', label: 'agents RSS', unit: 'MiB', digits: 0 }, { key: 'agentsCpu', label: 'agents CPU', unit: '%', digits: 0 },
        { key: 'within', label: 'within SLOs' },
      ],
      rows: results.map((r) => ({ ...r, within: sloBreaks(r).length ? 'NO' : 'yes' } as unknown as Record<string, Cell>)),
    },
    {
      title: 'Where it stopped',
      columns: [{ key: 'nodes', label: 'nodes' }, { key: 'pods', label: 'pods' }, { key: 'stop', label: 'stopped by' }, { key: 'reason', label: 'reason' }, { key: 'why', label: 'what saturated (last step)' }],
      rows: [{ nodes: last.nodes, pods: last.pods, stop: stopKind, reason: stopReason, why }],
    },
  ];
  const notes = [
    `Stopped by ${stopKind}: ${stopReason}. At the last step: ${why}.`,
    `Probe load per step, for ${ctx.num('window')} s once every pod of the step runs: ${ctx.num('probe-rate')} times a second an unscheduled pod is created, read, patched (strategic merge) and deleted, and ${ctx.num('list-rate')} times a second the fullest namespace (${perNs} pods) is listed whole (no limit); an open loop, on top of the cluster's own work (leases, node status, controllers). Latency is client-side (Kubernetes measures inside the API server, a smaller number for the same work).`,
    'Every agent process runs its hollow kubelets on one event loop and caches every bound pod of the cluster (one shared informer per process), so agents grow with the cluster, not only with their own nodes.',
    ...saturationNote(phases),
  ];
  return { sections, notes, data: { steps: results, stopKind, stopReason, why } };
}

async function measureStep(ctx: ScenarioContext, server: ServerHandle, agents: HollowNodes[], t: HttpTarget, nodes: number, pods: number, perNs: number, phases: PhaseStats[]): Promise<StepResult> {
  await new Promise((r) => setTimeout(r, 1000));
  const a0 = agents.map((a) => a.sample());
  const end = await beginPhase(server, `${nodes} nodes / ${pods} pods`, true);
  const windowMs = ctx.num('window') * 1000;
  // The fullest namespace: the first (every namespace but the last is full).
  const listNs = nsName(0);
  const listPods = Math.min(pods, perNs);
  // An open loop at fixed rates (the cluster's own work plus a steady client load, as in
  // clusterloader2), not a saturating closed loop: the loop-busy and lag numbers then show headroom.
  const rec = new Recorder();
  const [crudRun, listRun] = await Promise.allSettled([
    fixedRate({ ratePerSec: ctx.num('probe-rate'), durationMs: windowMs }, async (i) => {
      const name = `probe-${nodes}-${i}`;
      const path = podPath('scale-probe', name);
      await rec.time('create', () => t.request('POST', podPath('scale-probe'), { body: JSON.stringify(benchPod(name)), expect: [201] }));
      await rec.time('get', () => t.request('GET', path, { expect: [200] }));
      await rec.time('patch', () => t.request('PATCH', path, { body: '{"metadata":{"labels":{"step":"patched"}}}', contentType: CT.strategic, expect: [200] }));
      await rec.time('delete', () => t.request('DELETE', path, { expect: [200] }));
    }),
    fixedRate({ ratePerSec: ctx.num('list-rate'), durationMs: windowMs }, async () => {
      const r = await rec.time('list', () => t.request('GET', podPath(listNs), { expect: [200] }));
      if (!r.body.includes('"kind":"PodList"')) throw new Error(`LIST ${podPath(listNs)}: not a PodList`);
    }),
  ]);
  for (const r of [crudRun, listRun]) if (r.status === 'rejected') throw r.reason;
  const list = rec.histogram('list');
  const st = await end();
  phases.push(st);
  const a1 = agents.map((a) => a.sample());
  type NodeList = { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
  const nl = await t.json<NodeList>('GET', '/api/v1/nodes');
  const heapLimitMiB = (await server.probe(false)).heapLimitBytes / MiB;
  const nodesReady = nl.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  let mutatingP99 = -Infinity, mutatingWorst = '';
  for (const verb of ['create', 'patch', 'delete']) {
    const p = rec.histogram(verb).percentile(99);
    if (p > mutatingP99) { mutatingP99 = p; mutatingWorst = `pods ${verb}`; }
  }
  return {
    nodes, nodesReady, pods, growSeconds: 0, podsPerSec: 0, createP99: 0,
    mutatingP99, mutatingWorst, getP99: rec.histogram('get').percentile(99),
    listP99: list.percentile(99), listPods, lists: list.count,
    loopP99: st.serverLoopP99Ms, loopMax: st.serverLoopMaxMs, elu: st.serverElu, serverCpu: st.serverCpu,
    serverRssMiB: st.serverRssMiB, heapMiB: st.serverHeapMiB, heapLimitMiB,
    agentsRssMiB: a1.reduce((s, x) => s + x.rssBytes / MiB, 0),
    agentsCpu: a1.reduce((s, x, i) => s + cpuPercent(a0[i]!, x), 0),
    benchElu: st.benchElu,
  };
}
