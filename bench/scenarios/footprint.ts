// Scenario 5 (the parts that need no pods yet): how long `timonel up` takes to serve its API, from
// a fresh data dir (cold: PKI generated, empty database) and from an existing one (restart), and
// what an idle `timonel up` costs in memory and CPU. The server runs without the probe here, so
// nothing of the benchmark's is in its memory.
import { performance } from 'node:perf_hooks';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../lib/scenario.js';
import { startServer } from '../lib/server.js';
import { Histogram } from '../lib/histogram.js';
import { cpuPercent } from '../lib/procstat.js';
import { MiB, round, type Cell, type Section } from '../lib/report.js';

export const footprintScenario: Scenario = {
  name: 'footprint',
  title: 'Footprint: start-up time and idle cost of timonel up',
  description: 'cold start and restart until the API answers; RSS and CPU of an idle timonel up',
  params: [
    { name: 'starts', kind: 'int', default: 5, scales: true, description: 'cold starts (fresh data dir each) and as many restarts' },
    { name: 'settle', kind: 'number', default: 3, scales: true, min: 0, description: 'seconds after start before the idle window' },
    { name: 'idle', kind: 'number', default: 20, scales: true, min: 1, description: 'idle window, seconds' },
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

  // Idle: a fresh cluster, left alone.
  const s = await startServer({ dataDir: ctx.tmpDir('footprint-idle') });
  let idle: Record<string, Cell>;
  try {
    await sleep(ctx.num('settle') * 1000);
    const a = s.sample();
    const rss = new Histogram();
    rss.record(a.rssBytes / MiB);
    const endAt = performance.now() + ctx.num('idle') * 1000;
    while (performance.now() < endAt) {
      rss.record(s.sample().rssBytes / MiB);
      await sleep(Math.min(1000, Math.max(0, endAt - performance.now())));
    }
    const b = s.sample();
    rss.record(b.rssBytes / MiB);
    idle = {
      state: 'idle, no pods', seconds: round((b.at - a.at) / 1000, 1),
      rssMiB: round(b.rssBytes / MiB, 1), rssMaxMiB: round(rss.max, 1), peakRssMiB: round(b.peakRssBytes / MiB, 1),
      cpu: round(cpuPercent(a, b), 2), threads: b.threads,
    };
  } finally {
    await s.stop();
  }

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
      title: 'Idle timonel up',
      columns: [
        { key: 'state', label: 'state' }, { key: 'seconds', label: 'window', unit: 's' },
        { key: 'rssMiB', label: 'RSS', unit: 'MiB' }, { key: 'rssMaxMiB', label: 'RSS max', unit: 'MiB' },
        { key: 'peakRssMiB', label: 'peak RSS (VmHWM)', unit: 'MiB' }, { key: 'cpu', label: 'CPU', unit: '% of a core' },
        { key: 'threads', label: 'threads' },
      ],
      rows: [idle],
    },
  ];
  const notes = [
    'Times are from spawning `node bin/timonel.js up` (Node start-up included) to the kubeconfig file appearing and to the first 200 on GET /api/v1/namespaces/default, polled every 5 ms.',
    'Not built yet: RSS/CPU with 100 and 1000 running (simulated) pods, and cold start until the first pod is Running: they need the kubelet and scheduler (issue 3).',
  ];
  return { sections, notes, data: { cold: { kubeconfig: cold.kubeconfig.summary(), api: cold.api.summary() }, restart: { kubeconfig: warm.kubeconfig.summary(), api: warm.api.summary() } } };
}
