// Scenario 2: the same write load (N clients, create -> update -> delete of a pod) straight into the
// store and through the API server, one after the other in one run, and the API's overhead ratio.
// Backends are a table: SQLite now; etcd slots in (raw etcd vs timonel-on-etcd) once it exists.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../lib/scenario.js';
import { startServer } from '../lib/server.js';
import { closedLoop } from '../lib/loadgen.js';
import type { Summary } from '../lib/histogram.js';
import { round, type Cell, type Section } from '../lib/report.js';
import { beginPhase, phaseRow, PHASE_COLUMNS, saturationNote, type PhaseStats } from '../lib/phase.js';
import { benchPod, namespaceBody, podPath } from '../lib/objects.js';
import { REPO } from '../lib/paths.js';
import type { StoreJob, StoreJobResult } from './store-direct.js';

export interface StoreBackend {
  name: string;
  /** why this backend cannot be measured here; undefined when it can */
  unavailable(): string | undefined;
  /** arguments to `timonel up` that put the API server on this backend */
  upArgs(dataDir: string): string[];
}

export const STORE_BACKENDS: StoreBackend[] = [
  { name: 'sqlite', unavailable: () => undefined, upArgs: () => [] },
  {
    name: 'etcd',
    // When src/storage gains an etcd backend: start an etcd on loopback here, pass its endpoint to
    // openStore() in store-direct.ts and to `timonel up` below, and drop this check.
    unavailable: () => existsSync(join(REPO, 'dist', 'src', 'storage', 'etcd.js'))
      ? 'the etcd backend exists but this scenario does not drive it yet (bench/scenarios/store.ts)'
      : 'timonel has no etcd backend yet (src/storage/etcd.ts)',
    upArgs: () => [],
  },
];

const VERBS = ['create', 'update', 'delete'] as const;

export const storeScenario: Scenario = {
  name: 'store',
  title: 'Store: direct writes vs through the API server',
  description: 'N clients create/update/delete pods straight into the store, then through the API server; the overhead ratio',
  params: [
    { name: 'clients', kind: 'int', default: 50, scales: true, description: 'concurrent writers' },
    { name: 'duration', kind: 'number', default: 15, scales: true, min: 1, description: 'measurement time per path, seconds' },
    { name: 'warmup', kind: 'number', default: 2, scales: true, min: 0, description: 'warm-up per path (not recorded), seconds' },
    { name: 'backends', kind: 'string', default: 'sqlite,etcd', description: `store backends (${STORE_BACKENDS.map((b) => b.name).join(', ')})` },
  ],
  run,
};

interface PathResult { elapsedMs: number; verbs: Record<string, Summary>; cpuPercent: number }

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const names = ctx.str('backends').split(',').map((s) => s.trim()).filter(Boolean);
  const rows: Array<Record<string, Cell>> = [];
  const phases: PhaseStats[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  let measured = 0;
  for (const name of names) {
    const backend = STORE_BACKENDS.find((b) => b.name === name);
    if (!backend) throw new Error(`unknown store backend "${name}" (known: ${STORE_BACKENDS.map((b) => b.name).join(', ')})`);
    const why = backend.unavailable();
    if (why) { notes.push(`${name}: not measured: ${why}`); continue; }
    const api = await throughApi(ctx, backend, phases);
    const direct = await straight(ctx, backend, api.value, api.updated);
    measured++;
    for (const verb of VERBS) {
      const d = direct.verbs[verb], a = api.result.verbs[verb];
      if (!d || !a) throw new Error(`${name}: no ${verb} samples`);
      const dRate = (d.count * 1000) / direct.elapsedMs, aRate = (a.count * 1000) / api.result.elapsedMs;
      rows.push({
        backend: name, verb,
        directPerSec: round(dRate, 1), apiPerSec: round(aRate, 1), ratio: round(aRate / dRate, 3),
        directP50: round(d.p50), apiP50: round(a.p50), directP99: round(d.p99), apiP99: round(a.p99), directMax: round(d.max), apiMax: round(a.max),
      });
    }
    data[name] = { direct, api: api.result, valueBytes: Buffer.byteLength(api.value) };
    notes.push(`${name}: values are the pod as the API server returned it (${Buffer.byteLength(api.value)} bytes); direct writes ran in a child process of their own using ${direct.cpuPercent.toFixed(0)}% CPU (store and its clients together), the API server used ${api.result.cpuPercent.toFixed(0)}%`);
  }
  if (!measured) throw new Error(`no store backend could be measured: ${notes.join('; ')}`);
  notes.push(...saturationNote(phases));
  const sections: Section[] = [{
    title: `Writes per second and latency, ${ctx.int('clients')} clients (ratio = through API / direct)`,
    columns: [
      { key: 'backend', label: 'backend' }, { key: 'verb', label: 'verb' },
      { key: 'directPerSec', label: 'direct/s' }, { key: 'apiPerSec', label: 'API/s' }, { key: 'ratio', label: 'ratio', digits: 2 },
      { key: 'directP50', label: 'direct p50', unit: 'ms' }, { key: 'apiP50', label: 'API p50', unit: 'ms' },
      { key: 'directP99', label: 'direct p99', unit: 'ms' }, { key: 'apiP99', label: 'API p99', unit: 'ms' },
      { key: 'directMax', label: 'direct max', unit: 'ms' }, { key: 'apiMax', label: 'API max', unit: 'ms' },
    ],
    rows,
  }, { title: 'API server during the API half', columns: PHASE_COLUMNS, rows: phases.map(phaseRow) }];
  return { sections, notes, data };
}

async function throughApi(ctx: ScenarioContext, backend: StoreBackend, phases: PhaseStats[]): Promise<{ result: PathResult; value: string; updated: string }> {
  const dir = ctx.tmpDir(`store-api-${backend.name}`);
  const server = await startServer({ dataDir: dir, probe: true, args: backend.upArgs(dir) });
  const clients = ctx.int('clients');
  const t = server.client({ maxSockets: clients });
  const ns = 'bench-store';
  let value = '', updated = '';
  try {
    await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(ns)), expect: [201] });
    ctx.log(`${backend.name} through the API: ${clients} clients for ${ctx.num('duration')} s`);
    const end = await beginPhase(server, `${backend.name} via API`, true);
    const res = await closedLoop({ concurrency: clients, durationMs: ctx.num('duration') * 1000, warmupMs: ctx.num('warmup') * 1000 }, async ({ worker, iteration, rec }) => {
      const name = `s${worker}-${iteration}`;
      const created = await rec.time('create', () => t.request('POST', podPath(ns), { body: JSON.stringify(benchPod(name)), expect: [201] }));
      const obj = JSON.parse(created.body) as { metadata: { labels: Record<string, string> } };
      obj.metadata.labels.step = 'updated';
      const body = JSON.stringify(obj);
      const u = await rec.time('update', () => t.request('PUT', podPath(ns, name), { body, expect: [200] }));
      await rec.time('delete', () => t.request('DELETE', podPath(ns, name), { expect: [200] }));
      if (!value) { value = created.body; updated = u.body; }
    });
    const stats = await end();
    phases.push(stats);
    server.assertAlive();
    const verbs: Record<string, Summary> = {};
    for (const [name, h] of res.recorder.histograms) verbs[name] = h.summary();
    return { result: { elapsedMs: res.elapsedMs, verbs, cpuPercent: stats.serverCpu }, value, updated };
  } finally {
    t.close();
    await server.stop();
  }
}

async function straight(ctx: ScenarioContext, backend: StoreBackend, value: string, updated: string): Promise<PathResult> {
  const dir = ctx.tmpDir(`store-direct-${backend.name}`);
  const job: StoreJob = {
    backend: backend.name, dataDir: dir, clients: ctx.int('clients'),
    durationMs: ctx.num('duration') * 1000, warmupMs: ctx.num('warmup') * 1000, value, updated,
  };
  ctx.log(`${backend.name} direct: ${job.clients} clients for ${ctx.num('duration')} s`);
  const worker = fileURLToPath(new URL('./store-direct.js', import.meta.url));
  const child = fork(worker, ['--store-job'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = await new Promise<StoreJobResult>((resolve, reject) => {
    let got: StoreJobResult | undefined;
    child.once('message', (m) => { got = m as StoreJobResult; });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (got) resolve(got);
      else reject(new Error(`the direct store worker exited (code ${code}, signal ${signal}) without a result`));
    });
    child.send(job);
  });
  if (!result.ok) throw new Error(`direct store writes failed: ${result.error}`);
  return { elapsedMs: result.elapsedMs, verbs: result.verbs, cpuPercent: (result.cpuMs / result.wallMs) * 100 };
}
