// Scenario 4: pod startup latency by the Kubernetes SLO method (sig-scalability/slos/pod_startup_latency.md):
// stateless pods, image present, created at a fixed rate; the latency of a pod is from its creation
// until the benchmark's watch sees it Running with every container running. Here "creation" is the
// moment the create request was sent (the SLI uses the server's creationTimestamp, which has one-
// second resolution). Per runtime of `timonel up`: simulated (nothing runs), process (a host
// process per container), cri (containerd) when `timonel up` offers it and containerd can run here.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../lib/scenario.js';
import { UsageError } from '../lib/scenario.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { fixedRate } from '../lib/loadgen.js';
import { Histogram, type Summary } from '../lib/histogram.js';
import { PodWatch } from '../lib/podwatch.js';
import { round, type Cell, type Section } from '../lib/report.js';
import { beginPhase, phaseRow, PHASE_COLUMNS, saturationNote, type PhaseStats } from '../lib/phase.js';
import { benchPod, DEFAULT_SCHEDULER, namespaceBody, podPath, type BenchPodOptions } from '../lib/objects.js';
import { TIMONEL_BIN } from '../lib/paths.js';
import type { HttpTarget } from '../lib/http.js';
import { BUSYBOX_TAG } from '../../src/cri/images.js';

/** Kubernetes' pod startup SLO: p99 <= 5 s (stateless pods, image present). */
export const STARTUP_SLO_MS = 5000;
const RUNTIMES = ['simulated', 'process', 'cri'] as const;
type RuntimeName = (typeof RUNTIMES)[number];

export const startupScenario: Scenario = {
  name: 'startup',
  title: 'Pod startup latency',
  description: 'creation until all containers run, seen by a watch, at a fixed creation rate; p50/p90/p99 per runtime',
  params: [
    { name: 'pods', kind: 'int', default: 100, scales: true, min: 10, description: 'pods per runtime (the SLO method: at least 100)' },
    { name: 'rate', kind: 'number', default: 20, description: 'pods created per second' },
    { name: 'runtimes', kind: 'string', default: 'simulated,process,cri', description: 'runtimes of timonel up to measure (simulated, process, cri)' },
  ],
  run,
};

/** Why `timonel up` cannot run the cri runtime here, or undefined when it can. */
export function criUnavailable(): string | undefined {
  let help = '';
  try {
    help = execFileSync(process.execPath, [TIMONEL_BIN, 'up', '--help'], { encoding: 'utf8', timeout: 30_000 });
  } catch (err) {
    return `timonel up --help failed: ${(err as Error).message.split('\n')[0]}`;
  }
  const line = help.split('\n').find((l) => l.includes('--runtime')) ?? '';
  if (!/\bcri\b/.test(line)) {
    const offered = /:\s*([a-z][a-z |]*?)\s*(?:\(default|$)/.exec(line.replace(/^.*--runtime <name>/, ''))?.[1];
    return `timonel up has no cri runtime option yet (--runtime offers ${offered ?? 'no runtime list'})`;
  }
  const onPath = (bin: string) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(`${d}/${bin}`));
  if (!onPath('containerd')) return 'containerd is not installed';
  if (process.getuid?.() !== 0) return 'the cri runtime needs root (containerd, network namespaces, cgroups)';
  return undefined;
}

interface RuntimeResult {
  row: Record<string, Cell>;
  data: Record<string, unknown>;
}

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const wanted = ctx.str('runtimes').split(',').map((s) => s.trim()).filter(Boolean);
  for (const r of wanted) if (!(RUNTIMES as readonly string[]).includes(r)) throw new UsageError(`--runtimes: unknown runtime "${r}" (known: ${RUNTIMES.join(', ')})`);
  const rows: Array<Record<string, Cell>> = [];
  const notes: string[] = [];
  const phases: PhaseStats[] = [];
  const data: Record<string, unknown> = {};
  for (const rt of wanted as RuntimeName[]) {
    if (rt === 'cri') {
      const why = criUnavailable();
      if (why) {
        ctx.log(`cri: skipped: ${why}`);
        rows.push({ runtime: 'cri', pods: null, within: `skipped: ${why}` });
        notes.push(`cri: skipped: ${why}.`);
        data.cri = { skipped: why };
        continue;
      }
    }
    try {
      const r = await measure(ctx, rt, phases);
      rows.push(r.row);
      data[rt] = r.data;
    } catch (err) {
      if (!(err instanceof RuntimeFellBack)) throw err;
      ctx.log(`${rt}: skipped: ${err.message}`);
      rows.push({ runtime: rt, pods: null, within: `skipped: ${err.message}` });
      notes.push(`${rt}: skipped: timonel up said "${err.message}".`);
      data[rt] = { skipped: err.message };
    }
  }
  const sections: Section[] = [
    {
      title: `Pod startup latency: create sent -> all containers running seen by a watch (${ctx.int('pods')} pods at ${ctx.num('rate')}/s)`,
      columns: [
        { key: 'runtime', label: 'runtime' }, { key: 'pods', label: 'pods' }, { key: 'rate', label: 'created/s' },
        { key: 'p50', label: 'p50', unit: 'ms' }, { key: 'p90', label: 'p90', unit: 'ms' }, { key: 'p99', label: 'p99', unit: 'ms' }, { key: 'max', label: 'max', unit: 'ms' },
        { key: 'schedP50', label: 'to bound p50', unit: 'ms' }, { key: 'schedP99', label: 'to bound p99', unit: 'ms' },
        { key: 'runP50', label: 'bound to running p50', unit: 'ms' }, { key: 'runP99', label: 'bound to running p99', unit: 'ms' },
        { key: 'slo', label: 'SLO p99 <=', unit: 'ms' }, { key: 'within', label: 'within' },
        { key: 'deleteS', label: 'delete all', unit: 's' },
      ],
      rows,
    },
    { title: 'Server per runtime run', columns: PHASE_COLUMNS, rows: phases.map(phaseRow) },
  ];
  notes.push(
    'Kubernetes\' SLO: p99 <= 5 s from pod creation to all containers reported started and observed by a watch, stateless pods with the image present (sig-scalability/slos/pod_startup_latency.md). "to bound" is until the watch saw spec.nodeName set; "bound to running" the rest (kubelet start, status write, watch delivery).',
    'One `timonel up` per runtime: API server, controllers, scheduler and the node agent in one process, so the node agent shares the event loop with the API server.',
    ...saturationNote(phases),
  );
  return { sections, notes, data };
}

/** Waits until a node reports Ready (the node agent of `timonel up` registers after the API is up). */
async function waitForReadyNode(t: HttpTarget, server: ServerHandle, timeoutMs: number): Promise<number> {
  type NodeList = { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
  const t0 = performance.now();
  for (;;) {
    server.assertAlive();
    const l = await t.json<NodeList>('GET', '/api/v1/nodes');
    if (l.items.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`no node became Ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function podOptions(rt: RuntimeName): BenchPodOptions {
  // The process runtime runs the container's command on the host; the others never run it or have the image.
  // A short grace period: `sleep` as a container's PID 1 ignores SIGTERM, and the teardown should not wait 30 s.
  const common = { schedulerName: DEFAULT_SCHEDULER, terminationGracePeriodSeconds: 1 };
  if (rt === 'process') return { ...common, image: 'busybox', command: ['sleep', '3600'] };
  // The busybox image a cri node of timonel imports at start (built locally, never pulled): image present.
  if (rt === 'cri') return { ...common, image: `timonel.local/busybox:${BUSYBOX_TAG}`, command: ['sleep', '3600'] };
  return common;
}

/** The node's container runtime as it reports it (status.nodeInfo.containerRuntimeVersion). */
async function nodeRuntime(t: HttpTarget): Promise<string> {
  const l = await t.json<{ items: Array<{ status?: { nodeInfo?: { containerRuntimeVersion?: string } } }> }>('GET', '/api/v1/nodes');
  return l.items[0]?.status?.nodeInfo?.containerRuntimeVersion ?? '';
}

/** Thrown when `timonel up` started, but could not run the runtime here (it said so and fell back). */
class RuntimeFellBack extends Error {}

async function measure(ctx: ScenarioContext, rt: RuntimeName, phases: PhaseStats[]): Promise<RuntimeResult> {
  const pods = ctx.int('pods');
  const rate = ctx.num('rate');
  // containerd stops 100 containers and their network namespaces in more than 15 s on 2 cores.
  const server = await startServer({ probe: true, args: ['--runtime', rt], stopGraceMs: rt === 'cri' ? 180_000 : 30_000 });
  const t = server.client({ maxSockets: 32 });
  const ns = 'bench-startup';
  const watch = new PodWatch(server.client({ maxSockets: 1 }), podPath(ns), { log: ctx.log });
  try {
    const readyMs = await waitForReadyNode(t, server, rt === 'cri' ? 120_000 : 60_000);
    const reported = await nodeRuntime(t);
    const expected = rt === 'cri' ? /^(cri|containerd):\/\// : rt === 'process' ? /^process:\/\// : /^simulated:\/\//;
    if (!expected.test(reported)) {
      const said = server.logs().split('\n').find((l) => l.includes(`instead of '${rt}'`));
      if (said) throw new RuntimeFellBack(said.trim());
      throw new Error(`${rt}: the node reports container runtime "${reported}"`);
    }
    ctx.log(`${rt}: node Ready ${readyMs.toFixed(0)} ms after the API; creating ${pods} pods at ${rate}/s`);
    await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(ns)), expect: [201] });
    await watch.start();
    const opts = podOptions(rt);
    const end = await beginPhase(server, `${rt}: ${pods} pods at ${rate}/s`, true);
    const created = await fixedRate({ ratePerSec: rate, count: pods }, async (i) => {
      const name = `pod-${i}`;
      const body = JSON.stringify(benchPod(name, opts));
      const sent = performance.now();
      await t.request('POST', podPath(ns), { body, expect: [201] });
      watch.markCreated(ns, name, sent, performance.now());
    });
    await watch.waitFor(`${rt}: ${pods} pods running`, () => watch.runningCount >= pods, { timeoutMs: 120_000 + (pods / rate) * 1000, stallMs: 60_000, check: () => server.assertAlive() });
    phases.push(await end());
    const startup = new Histogram(pods), toBound = new Histogram(pods), toRun = new Histogram(pods);
    for (const p of watch.pods.values()) {
      if (p.createSent === undefined || p.running === undefined || p.bound === undefined) throw new Error(`${rt}: pod ${p.name} has incomplete times`);
      startup.record(p.running - p.createSent);
      toBound.record(p.bound - p.createSent);
      toRun.record(p.running - p.bound);
    }
    const s = startup.summary(), b = toBound.summary(), r = toRun.summary();
    ctx.log(`${rt}: startup p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms; deleting the pods`);
    // Tear down through the API before stopping the server: the node stops every container itself.
    const td0 = performance.now();
    await t.request('DELETE', podPath(ns), { expect: [200] });
    await watch.waitFor(`${rt}: ${pods} pods deleted`, () => watch.deletedCount >= pods, { timeoutMs: 300_000, stallMs: 120_000, check: () => server.assertAlive() });
    const teardownMs = performance.now() - td0;
    const actualRate = (pods * 1000) / Math.max(1, created.elapsedMs);
    return {
      row: {
        runtime: rt, pods, rate: round(actualRate, 1), p50: round(s.p50), p90: round(s.p90), p99: round(s.p99), max: round(s.max),
        schedP50: round(b.p50), schedP99: round(b.p99), runP50: round(r.p50), runP99: round(r.p99),
        slo: STARTUP_SLO_MS, within: s.p99 <= STARTUP_SLO_MS ? 'yes' : 'NO', deleteS: round(teardownMs / 1000, 1),
      },
      data: { startup: s, toBound: b, boundToRunning: r, nodeReadyAfterApiMs: round(readyMs), nodeRuntime: reported, deleteAllMs: round(teardownMs), slip: created.slip.summary() satisfies Summary },
    };
  } finally {
    watch.stop();
    t.close();
    await server.stop();
  }
}
