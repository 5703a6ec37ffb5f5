// Scenario 1: API latency and throughput against a `timonel up` child process.
//  - CRUD: N clients (half on pods, half on configmaps), each looping create -> get -> update (PUT)
//    -> patch (strategic merge) -> delete on objects of its own, for a fixed time.
//  - LIST: a namespace seeded with 1k (and one with 10k) pods, listed whole by one client.
//  - Watch fan-out: W watchers on one namespace's configmaps, one writer creating configmaps at a
//    fixed rate; lag = delivery time - the writer's acknowledgement time of that write.
// Every client works on its own objects, so no 409 Conflict is expected: any non-2xx fails the run.
import { performance } from 'node:perf_hooks';
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../lib/scenario.js';
import { startServer, type ServerHandle } from '../lib/server.js';
import { CT, HttpTarget } from '../lib/http.js';
import { closedLoop, fixedRate } from '../lib/loadgen.js';
import { Histogram } from '../lib/histogram.js';
import { LATENCY_COLUMNS, latencyRow, round, type Cell, type Section } from '../lib/report.js';
import { beginPhase, phaseRow, PHASE_COLUMNS, saturationNote, type PhaseStats } from '../lib/phase.js';
import { benchConfigMap, benchPod, configMapPath, namespaceBody, podPath } from '../lib/objects.js';

const VERBS = ['create', 'get', 'update', 'patch', 'delete'] as const;

export const apiScenario: Scenario = {
  name: 'api',
  title: 'API latency and throughput',
  description: 'CRUD on pods and configmaps by N clients, LIST of 1k/10k pods, watch fan-out to W watchers',
  params: [
    { name: 'clients', kind: 'int', default: 100, scales: true, min: 2, description: 'concurrent CRUD clients (half pods, half configmaps)' },
    { name: 'duration', kind: 'number', default: 20, scales: true, min: 1, description: 'CRUD measurement time, seconds' },
    { name: 'warmup', kind: 'number', default: 2, scales: true, min: 0, description: 'CRUD warm-up (not recorded), seconds' },
    { name: 'list-sizes', kind: 'list', default: '1000,10000', scales: true, description: 'pods in each listed namespace' },
    { name: 'list-duration', kind: 'number', default: 8, scales: true, min: 1, description: 'seconds of LIST requests per size' },
    { name: 'list-clients', kind: 'int', default: 1, description: 'concurrent LIST clients' },
    { name: 'watchers', kind: 'int', default: 1000, scales: true, description: 'watch connections' },
    { name: 'watch-rate', kind: 'number', default: 50, description: 'writes per second while watched' },
    { name: 'watch-duration', kind: 'number', default: 10, scales: true, min: 1, description: 'seconds of writes while watched' },
  ],
  run,
};

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const server = await startServer({ probe: true });
  ctx.log(`server up at ${server.url} (pid ${server.pid}) in ${server.timings.apiReadyMs.toFixed(0)} ms`);
  const phases: PhaseStats[] = [];
  const sections: Section[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  try {
    const clients = ctx.int('clients');
    const t = server.client({ maxSockets: clients });
    try {
      sections.push(await crud(ctx, server, t, clients, phases, data));
      sections.push(await lists(ctx, server, t, clients, phases, data));
    } finally {
      t.close();
    }
    sections.push(await watchFanOut(ctx, server, phases, data, notes));
    server.assertAlive();
    sections.push(sloSection(sections));
  } finally {
    await server.stop();
  }
  sections.push({ title: 'Server and load generator per phase', columns: PHASE_COLUMNS, rows: phases.map(phaseRow) });
  notes.push(...saturationNote(phases));
  notes.push('No 409 Conflict is allowed: every client creates, updates and deletes only objects of its own; any non-2xx reply fails the scenario.');
  return { sections, notes, data };
}

/** Kubernetes' API call latency SLOs (sig-scalability/slos/api_call_latency.md), against this run's worst p99. */
export function sloSection(sections: Section[]): Section {
  const crud = sections.find((x) => x.title.startsWith('CRUD'));
  const list = sections.find((x) => x.title.startsWith('LIST'));
  const worst = (rows: Array<Record<string, Cell>>) => rows.reduce<{ p99: number; what: string }>((w, r) => {
    const p = r.p99 as number;
    return p > w.p99 ? { p99: p, what: r.pods !== undefined ? `${r.pods} pods` : `${r.resource} ${r.verb}` } : w;
  }, { p99: -Infinity, what: '-' });
  const rows: Array<Record<string, Cell>> = [];
  const add = (slo: string, targetMs: number, w: { p99: number; what: string }) => {
    if (!Number.isFinite(w.p99)) return;
    rows.push({ slo, target: targetMs, p99: w.p99, worst: w.what, within: w.p99 <= targetMs ? 'yes' : 'NO' });
  };
  const crudRows = (crud?.rows ?? []).filter((r) => r.resource !== 'all');
  add('mutating calls, single object', 1000, worst(crudRows.filter((r) => r.verb !== 'get')));
  add('read of a single object', 1000, worst(crudRows.filter((r) => r.verb === 'get')));
  add('LIST in one namespace', 5000, worst(list?.rows ?? []));
  const fanOut = sections.find((x) => x.title.startsWith('Watch'))?.rows[0];
  if (fanOut && typeof fanOut.writeP99 === 'number') add(`mutating calls under watch fan-out`, 1000, { p99: fanOut.writeP99, what: `configmaps create, ${fanOut.watchers} watchers` });
  return {
    title: 'Against the Kubernetes API call latency SLOs (p99; here client-side, under the load above)',
    columns: [{ key: 'slo', label: 'SLO' }, { key: 'target', label: 'Kubernetes p99 <=', unit: 'ms' }, { key: 'p99', label: 'worst p99 here', unit: 'ms' }, { key: 'worst', label: 'worst case' }, { key: 'within', label: 'within' }],
    rows,
  };
}

async function crud(ctx: ScenarioContext, server: ServerHandle, t: HttpTarget, clients: number, phases: PhaseStats[], data: Record<string, unknown>): Promise<Section> {
  const ns = 'bench-crud';
  await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(ns)), expect: [201] });
  const durationMs = ctx.num('duration') * 1000;
  ctx.log(`CRUD: ${clients} clients for ${ctx.num('duration')} s (+${ctx.num('warmup')} s warm-up)`);
  const end = await beginPhase(server, 'crud', true);
  const res = await closedLoop({ concurrency: clients, durationMs, warmupMs: ctx.num('warmup') * 1000 }, async ({ worker, iteration, rec }) => {
    const pods = worker % 2 === 0;
    const resource = pods ? 'pods' : 'configmaps';
    const name = `c${worker}-${iteration}`;
    const path = pods ? podPath(ns, name) : configMapPath(ns, name);
    const collection = pods ? podPath(ns) : configMapPath(ns);
    const body = pods ? benchPod(name, { labels: { client: String(worker) } }) : benchConfigMap(name, { client: String(worker) });
    await rec.time(`${resource} create`, () => t.request('POST', collection, { body: JSON.stringify(body), expect: [201] }));
    const got = await rec.time(`${resource} get`, () => t.request('GET', path, { expect: [200] }));
    const obj = JSON.parse(got.body) as { metadata: { labels: Record<string, string> } };
    obj.metadata.labels.step = 'updated';
    await rec.time(`${resource} update`, () => t.request('PUT', path, { body: JSON.stringify(obj), expect: [200] }));
    const patched = await rec.time(`${resource} patch`, () => t.request('PATCH', path, { body: '{"metadata":{"labels":{"step":"patched"}}}', contentType: CT.strategic, expect: [200] }));
    if (!patched.body.includes('"step":"patched"')) throw new Error(`PATCH ${path}: the reply does not carry the patched label`);
    await rec.time(`${resource} delete`, () => t.request('DELETE', path, { expect: [200] }));
  });
  phases.push(await end());
  const rows: Array<Record<string, Cell>> = [];
  const all = new Histogram();
  for (const resource of ['pods', 'configmaps']) {
    for (const verb of VERBS) {
      const h = res.recorder.histogram(`${resource} ${verb}`);
      all.merge(h);
      rows.push(latencyRow({ resource, verb }, h.summary(), res.elapsedMs));
    }
  }
  rows.push(latencyRow({ resource: 'all', verb: 'all' }, all.summary(), res.elapsedMs));
  data.crud = { elapsedMs: round(res.elapsedMs), iterations: res.iterations, clients };
  return { title: `CRUD: ${clients} clients, ${(res.elapsedMs / 1000).toFixed(1)} s`, columns: [{ key: 'resource', label: 'resource' }, { key: 'verb', label: 'verb' }, ...LATENCY_COLUMNS], rows };
}

async function lists(ctx: ScenarioContext, server: ServerHandle, t: HttpTarget, clients: number, phases: PhaseStats[], data: Record<string, unknown>): Promise<Section> {
  const rows: Array<Record<string, Cell>> = [];
  const seeding: Record<string, unknown> = {};
  for (const size of ctx.list('list-sizes')) {
    const ns = `bench-list-${size}`;
    await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(ns)), expect: [201] });
    ctx.log(`LIST: seeding ${size} pods in ${ns}`);
    const endSeed = await beginPhase(server, `seed ${size} pods`, true);
    const seed = await closedLoop({ concurrency: Math.min(clients, size), iterations: size }, async ({ seq, rec }) => {
      await rec.time('create', () => t.request('POST', podPath(ns), { body: JSON.stringify(benchPod(`p-${seq}`)), expect: [201] }));
    });
    phases.push(await endSeed());
    const created = seed.recorder.histogram('create').count;
    if (created !== size) throw new Error(`seeding ${ns}: ${created} pods created, expected ${size}`);
    seeding[String(size)] = { podsPerSec: round((size * 1000) / seed.elapsedMs, 1), ...seed.recorder.histogram('create').summary() };
    ctx.log(`LIST: listing ${size} pods for ${ctx.num('list-duration')} s`);
    const endList = await beginPhase(server, `list ${size} pods`, true);
    let bytes = 0;
    const res = await closedLoop({ concurrency: ctx.int('list-clients'), durationMs: ctx.num('list-duration') * 1000 }, async ({ rec }) => {
      const r = await rec.time('list', () => t.request('GET', podPath(ns), { expect: [200] }));
      const items = (JSON.parse(r.body) as { items?: unknown[] }).items;
      if (!Array.isArray(items) || items.length !== size) throw new Error(`LIST ${podPath(ns)}: ${Array.isArray(items) ? items.length : 'no'} items, expected ${size}`);
      bytes = r.body.length;
    });
    phases.push(await endList());
    rows.push({ ...latencyRow({ pods: size }, res.recorder.histogram('list').summary(), res.elapsedMs), sizeMiB: round(bytes / (1024 * 1024), 2) });
  }
  data.seeding = seeding;
  return {
    title: `LIST pods in one namespace (${ctx.int('list-clients')} client${ctx.int('list-clients') > 1 ? 's' : ''}, whole list, no limit)`,
    columns: [{ key: 'pods', label: 'pods' }, ...LATENCY_COLUMNS, { key: 'sizeMiB', label: 'reply', unit: 'MiB' }],
    rows,
  };
}

interface WatchConn {
  received: number;
  buf: string;
  ended: boolean;
  destroy(): void;
}

const RV_MARK = '"resourceVersion":"';
const WRITER_PREFIX = 'bench-w-';
/** Names the writer's objects in a watch line (metadata.name comes before any label or data). */
const WRITER_MARK = `"name":"${WRITER_PREFIX}`;

/** Lists `path` until its items stay the same for `quietMs`; returns the list's resourceVersion. */
export async function settledResourceVersion(t: HttpTarget, path: string, quietMs: number, timeoutMs: number): Promise<string> {
  type List = { metadata: { resourceVersion: string }; items: Array<{ metadata: { name: string; resourceVersion: string } }> };
  const shape = (l: List) => l.items.map((i) => `${i.metadata.name}@${i.metadata.resourceVersion}`).join(',');
  const deadline = performance.now() + timeoutMs;
  let last = await t.json<List>('GET', path);
  let since = performance.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await t.json<List>('GET', path);
    if (shape(now) !== shape(last)) since = performance.now();
    last = now;
    if (performance.now() - since >= quietMs) return last.metadata.resourceVersion;
    if (performance.now() > deadline) throw new Error(`${path} kept changing for ${timeoutMs} ms`);
  }
}

/** The first resourceVersion in a watch event line (the object's own: it comes first in metadata). */
export function eventResourceVersion(line: string): string | undefined {
  const i = line.indexOf(RV_MARK);
  if (i < 0) return undefined;
  const j = line.indexOf('"', i + RV_MARK.length);
  return j < 0 ? undefined : line.slice(i + RV_MARK.length, j);
}

async function watchFanOut(ctx: ScenarioContext, server: ServerHandle, phases: PhaseStats[], data: Record<string, unknown>, notes: string[]): Promise<Section> {
  const watchers = ctx.int('watchers');
  const rate = ctx.num('watch-rate');
  const durationMs = ctx.num('watch-duration') * 1000;
  const ns = 'bench-watch';
  const t = server.client({ maxSockets: 16 });
  const wt = new HttpTarget(server, { keepAlive: true, maxSockets: watchers + 16 });
  const conns: WatchConn[] = [];
  let stopping = false;
  try {
    await t.request('POST', '/api/v1/namespaces', { body: JSON.stringify(namespaceBody(ns)), expect: [201] });
    // Controllers write into a new namespace (kube-root-ca.crt): start watching once it is quiet, so
    // every watch starts live and carries only the writer's events.
    const rv0 = await settledResourceVersion(t, configMapPath(ns), 1000, 15_000);

    // Two lags per delivery: from the moment the write was sent (write to delivery, end to end) and
    // from the moment its reply reached the writer (the acknowledgement). An event may reach a
    // watcher before the writer reads its reply: then the second lag is negative.
    const lagSent = new Histogram(watchers * 64);
    const lagAck = new Histogram(watchers * 64);
    const acked = new Map<string, { sent: number; ack: number }>();
    const early = new Map<string, number[]>();
    let deliveries = 0;
    let foreign = 0;
    let lastDelivery = 0;
    let failure: Error | undefined;
    const fail = (e: Error) => { if (!failure) failure = e; };
    const deliver = (line: string, at: number) => {
      if (!line.startsWith('{"type":"ADDED"')) {
        fail(new Error(`watch delivered an unexpected event: ${line.slice(0, 300)}`));
        return;
      }
      if (!line.includes(WRITER_MARK)) { foreign++; return; }
      const rv = eventResourceVersion(line);
      if (!rv) { fail(new Error(`watch event without resourceVersion: ${line.slice(0, 200)}`)); return; }
      deliveries++;
      lastDelivery = at;
      const w = acked.get(rv);
      if (w !== undefined) { lagSent.record(at - w.sent); lagAck.record(at - w.ack); }
      else {
        let l = early.get(rv);
        if (!l) { l = []; early.set(rv, l); }
        l.push(at);
      }
    };

    ctx.log(`watch: opening ${watchers} watches`);
    const tc0 = performance.now();
    const open = (): Promise<WatchConn> => new Promise((resolve, reject) => {
      const req = wt.open('GET', `${configMapPath(ns)}?watch=true&resourceVersion=${rv0}&timeoutSeconds=1800`);
      const c: WatchConn = { received: 0, buf: '', ended: false, destroy: () => req.destroy() };
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (d: Buffer) => { body += d; });
          res.on('end', () => reject(new Error(`watch: HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now();
          c.buf += chunk;
          let i: number;
          while ((i = c.buf.indexOf('\n')) >= 0) {
            const line = c.buf.slice(0, i);
            c.buf = c.buf.slice(i + 1);
            if (line) { c.received++; deliver(line, at); }
          }
        });
        const ended = (how: string) => () => { if (!c.ended) { c.ended = true; if (!stopping) fail(new Error(`a watch stream ended (${how}) while the benchmark was still watching, after ${c.received} events, ${(performance.now() - tc0).toFixed(0)} ms; complete=${res.complete}`)); } };
        res.on('end', ended('end'));
        res.on('close', ended('close'));
        resolve(c);
      });
      req.on('error', (err) => { if (!stopping) { reject(err); fail(new Error(`watch connection: ${err.message}`)); } });
      req.end();
    });
    // Open in batches: 1000 TLS handshakes at once would measure the handshake storm, not the watch.
    for (let i = 0; i < watchers; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, watchers - i) }, open));
      conns.push(...batch);
    }
    const connectMs = performance.now() - tc0;
    server.assertAlive();

    ctx.log(`watch: ${watchers} watches open in ${(connectMs / 1000).toFixed(1)} s; writing ${rate}/s for ${durationMs / 1000} s`);
    const end = await beginPhase(server, `watch fan-out x${watchers}`, true);
    const writes = new Histogram();
    const firstWrite = performance.now();
    const wr = await fixedRate({ ratePerSec: rate, durationMs }, async (i) => {
      const name = `${WRITER_PREFIX}${i}`;
      const t0 = performance.now();
      const r = await t.request('POST', configMapPath(ns), { body: JSON.stringify(benchConfigMap(name)), expect: [201] });
      const at = performance.now();
      writes.record(at - t0);
      const rv = (JSON.parse(r.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      acked.set(rv, { sent: t0, ack: at });
      const e = early.get(rv);
      if (e) { for (const d of e) { lagSent.record(d - t0); lagAck.record(d - at); } early.delete(rv); }
    });
    const expected = wr.fired * watchers;
    const deadline = performance.now() + 60_000;
    while (deliveries < expected && !failure && performance.now() < deadline) {
      server.assertAlive();
      await new Promise((r) => setTimeout(r, 20));
    }
    const stats = await end();
    phases.push(stats);
    if (failure) throw failure;
    if (deliveries !== expected) {
      const short = conns.filter((c) => c.received < wr.fired).length;
      throw new Error(`watch fan-out: ${deliveries} of ${expected} events delivered within 60 s of the last write (${short} watchers short)`);
    }
    if (early.size) throw new Error(`watch fan-out: ${early.size} delivered events match no acknowledged write`);
    const deliverySpanMs = lastDelivery - firstWrite;
    const lagS = lagSent.summary();
    const ackS = lagAck.summary();
    let negative = 0;
    for (let p = 1; p <= 100; p++) if (lagAck.percentile(p) < 0) negative = p;
    if (negative > 0) notes.push(`watch: about ${negative}% of deliveries reached their watcher before the writer had read the reply to its write (negative lag after acknowledgement): the server sends watch events before it answers the write`);
    if (foreign) notes.push(`watch: ${foreign} deliveries of objects the benchmark did not write (controllers) were not counted`);
    data.watch = { foreign, watchers, writes: wr.fired, rate, connectMs: round(connectMs), deliveries, deliverySpanMs: round(deliverySpanMs), lagFromSend: lagS, lagFromAck: ackS, writeLatency: writes.summary(), slip: wr.slip.summary() };
    return {
      title: `Watch fan-out: ${watchers} watchers, ${wr.fired} writes at ${rate}/s`,
      columns: [
        { key: 'watchers', label: 'watchers' },
        { key: 'connectS', label: 'connect all', unit: 's', digits: 2 },
        { key: 'events', label: 'events delivered' },
        { key: 'perSec', label: 'events/s', digits: 0 },
        { key: 'offered', label: 'offered/s', digits: 0 },
        { key: 'lagP50', label: 'write-to-delivery p50', unit: 'ms' },
        { key: 'lagP90', label: 'p90', unit: 'ms' },
        { key: 'lagP99', label: 'p99', unit: 'ms' },
        { key: 'lagMax', label: 'max', unit: 'ms' },
        { key: 'ackP50', label: 'after ack p50', unit: 'ms' },
        { key: 'ackP99', label: 'after ack p99', unit: 'ms' },
        { key: 'writeP99', label: 'write p99', unit: 'ms' },
      ],
      rows: [{
        watchers, connectS: round(connectMs / 1000, 2), events: deliveries,
        perSec: round((deliveries * 1000) / deliverySpanMs, 1), offered: rate * watchers,
        lagP50: round(lagS.p50), lagP90: round(lagS.p90), lagP99: round(lagS.p99), lagMax: round(lagS.max),
        ackP50: round(ackS.p50), ackP99: round(ackS.p99),
        writeP99: round(writes.percentile(99)),
      }],
    };
  } finally {
    stopping = true;
    for (const c of conns) c.destroy();
    wt.close();
    t.close();
  }
}
