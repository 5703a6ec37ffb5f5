// The built scenarios, run small against real servers: they must produce sane, complete numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenarios } from '../lib/runner.js';
import { machineInfo } from '../lib/machine.js';
import { apiScenario, eventResourceVersion, sloSection } from './api.js';
import { storeScenario } from './store.js';
import { footprintScenario } from './footprint.js';
import { schedulerScenario, throughputSamples, throughputStats } from './scheduler.js';
import { startupScenario, criUnavailable } from './startup.js';
import { scaleScenario, sloBreaks, diagnose, type StepResult } from './scale.js';

test('watch lines: the object resourceVersion is found', () => {
  assert.equal(eventResourceVersion('{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"1234","uid":"x"}}}'), '1234');
  assert.equal(eventResourceVersion('{"type":"ADDED","object":{}}'), undefined);
});

test('SLO rows take the worst p99 of each class and say whether it is within the target', () => {
  const sec = sloSection([
    { title: 'CRUD', columns: [], rows: [
      { resource: 'pods', verb: 'create', p99: 20 }, { resource: 'pods', verb: 'get', p99: 5 },
      { resource: 'configmaps', verb: 'patch', p99: 1200 }, { resource: 'configmaps', verb: 'get', p99: 7 },
      { resource: 'all', verb: 'all', p99: 5000 },
    ] },
    { title: 'LIST', columns: [], rows: [{ pods: 1000, p99: 30 }, { pods: 10000, p99: 400 }] },
    { title: 'Watch', columns: [], rows: [{ watchers: 50, writeP99: 12 }] },
  ]);
  assert.deepEqual(sec.rows, [
    { slo: 'mutating calls, single object', target: 1000, p99: 1200, worst: 'configmaps patch', within: 'NO' },
    { slo: 'read of a single object', target: 1000, p99: 7, worst: 'configmaps get', within: 'yes' },
    { slo: 'LIST in one namespace', target: 5000, p99: 400, worst: '10000 pods', within: 'yes' },
    { slo: 'mutating calls under watch fan-out', target: 1000, p99: 12, worst: 'configmaps create, 50 watchers', within: 'yes' },
  ]);
});

test('api, store and footprint scenarios run small and report every row', { timeout: 180_000 }, async () => {
  const params = new Map([
    ['api', new Map([['clients', '4'], ['duration', '1'], ['warmup', '0.2'], ['list-sizes', '20,60'], ['list-duration', '0.5'], ['watchers', '12'], ['watch-rate', '40'], ['watch-duration', '0.5']])],
    ['store', new Map([['clients', '3'], ['duration', '0.5'], ['warmup', '0.1']])],
    ['footprint', new Map([['starts', '1'], ['settle', '0'], ['idle', '1'], ['pod-counts', ''], ['first-pod-runtimes', '']])],
  ]);
  const recs = await runScenarios([apiScenario, storeScenario, footprintScenario], { size: 1, params, machine: machineInfo(), log: () => {} });
  for (const r of recs) assert.equal(r.status, 'ok', `${r.name}: ${r.reason}`);
  const [api, store, footprint] = recs;

  const crud = api.sections.find((s) => s.title.startsWith('CRUD'))!;
  assert.equal(crud.rows.length, 11);
  for (const row of crud.rows) assert.ok((row.count as number) > 0 && (row.p99 as number) >= (row.p50 as number), JSON.stringify(row));
  const list = api.sections.find((s) => s.title.startsWith('LIST'))!;
  assert.deepEqual(list.rows.map((r) => r.pods), [20, 60]);
  const watch = api.sections.find((s) => s.title.startsWith('Watch'))!;
  assert.equal(watch.rows[0].events, 20 * 12);
  assert.ok((watch.rows[0].lagP50 as number) > 0);

  const slo = api.sections.find((s) => s.title.startsWith('Against'))!;
  assert.deepEqual(slo.rows.map((r) => r.slo), ['mutating calls, single object', 'read of a single object', 'LIST in one namespace', 'mutating calls under watch fan-out']);
  for (const r of slo.rows) assert.ok(r.within === 'yes' || r.within === 'NO');

  const writes = store.sections[0];
  assert.deepEqual(writes.rows.map((r) => `${r.backend} ${r.verb}`), ['sqlite create', 'sqlite update', 'sqlite delete']);
  for (const r of writes.rows) assert.ok((r.directPerSec as number) > 0 && (r.apiPerSec as number) > 0 && (r.ratio as number) > 0);
  assert.ok(store.notes.some((n) => /etcd: not measured/.test(n)));

  const starts = footprint.sections[0];
  assert.equal(starts.rows.length, 2);
  for (const r of starts.rows) assert.ok((r.apiP50 as number) > 0);
  const idle = footprint.sections[2].rows[0];
  assert.ok((idle.rssMiB as number) > 20);
});

test('scheduler throughput: per-second samples of bind times, the last partial second as a rate', () => {
  // 3 binds in [0,1) s, 2 in [1,2) s, 1 at 2.5 s (a half second: 2/s)
  assert.deepEqual(throughputSamples([100, 200, 900, 1000, 1999, 2500], 0), [3, 2, 2]);
  const st = throughputStats([100, 200, 900, 1000, 1999, 2500], 0);
  assert.equal(st.pods, 6);
  assert.equal(st.samples, 3);
  assert.equal(st.seconds, 2.5);
  assert.equal(st.overall, 6 / 2.5);
  assert.ok(Math.abs(st.average - 7 / 3) < 1e-9);
  assert.equal(st.p50, 2);
  assert.deepEqual(throughputSamples([], 0), []);
});

test('scale: SLO breaks are named, and the diagnosis says what saturated', () => {
  const base: StepResult = {
    nodes: 100, nodesReady: 100, pods: 3000, growSeconds: 10, podsPerSec: 300, createP99: 50, mutatingP99: 40, mutatingWorst: 'pods create',
    getP99: 20, listP99: 300, listPods: 3000, lists: 10, loopP99: 10, loopMax: 20, elu: 0.5, serverCpu: 60, serverRssMiB: 500, heapMiB: 300,
    heapLimitMiB: 4096, agentsRssMiB: 100, agentsCpu: 5, benchElu: 0.2,
  };
  assert.deepEqual(sloBreaks(base), []);
  assert.deepEqual(sloBreaks({ ...base, mutatingP99: 1200, getP99: 1001, listP99: 5001 }), [
    'mutating p99 1200 ms (pods create) > 1000 ms', 'GET p99 1001 ms > 1000 ms', 'LIST of 3000 pods p99 5001 ms > 5000 ms',
  ]);
  assert.match(diagnose(base, 2, 10_000), /nothing saturated/);
  const hot = diagnose({ ...base, elu: 0.97, loopP99: 250, serverCpu: 100, agentsCpu: 80, heapMiB: 3000, nodesReady: 90 }, 2, 10_000);
  assert.match(hot, /event loop was busy 97%/);
  assert.match(hot, /180% CPU of 200%/);
  assert.match(hot, /heap 3000 MiB of its 4096 MiB V8 limit/);
  assert.match(hot, /10 of 100 nodes were not Ready/);
});

test('cri availability is a reason or nothing', () => {
  const why = criUnavailable();
  assert.ok(why === undefined || (typeof why === 'string' && why.length > 10), String(why));
});

test('scheduler, startup, scale and the footprint pod parts run small and report every row', { timeout: 300_000 }, async () => {
  const params = new Map([
    ['scheduler', new Map([['nodes', '20,40'], ['init-pods', '10'], ['pods', '60'], ['inprocess-pods', '200'], ['clients', '4']])],
    ['startup', new Map([['pods', '10'], ['rate', '40'], ['runtimes', 'simulated,process']])],
    ['scale', new Map([['nodes', '4,8'], ['pods-per-node', '5'], ['pods-per-namespace', '25'], ['window', '1'], ['budget', '120'], ['probe-rate', '5'], ['list-rate', '2'], ['clients', '4'], ['nodes-per-agent', '6']])],
    ['footprint', new Map([['starts', '1'], ['settle', '0'], ['idle', '1'], ['pod-counts', '10,30'], ['first-pod-runtimes', 'simulated']])],
  ]);
  const recs = await runScenarios([schedulerScenario, startupScenario, scaleScenario, footprintScenario], { size: 1, params, machine: machineInfo(), log: () => {} });
  for (const r of recs) assert.equal(r.status, 'ok', `${r.name}: ${r.reason}`);
  const [sched, startup, scale, footprint] = recs;

  const e2e = sched.sections[0];
  assert.deepEqual(e2e.rows.map((r) => r.nodes), [20, 40]);
  for (const r of e2e.rows) assert.ok((r.average as number) > 0 && (r.latP99 as number) >= (r.latP50 as number), JSON.stringify(r));
  const inproc = sched.sections[1];
  for (const r of inproc.rows) assert.ok((r.perSec as number) > 0 && (r.evaluated as number) > 0, JSON.stringify(r));

  const lat = startup.sections[0].rows;
  assert.deepEqual(lat.map((r) => r.runtime), ['simulated', 'process']);
  for (const r of lat) assert.ok((r.p50 as number) > 0 && (r.p99 as number) >= (r.p50 as number) && (r.runP50 as number) > 0 && (r.deleteS as number) > 0, JSON.stringify(r));

  const steps = scale.sections[0].rows;
  assert.deepEqual(steps.map((r) => [r.nodes, r.pods, r.nodesReady]), [[4, 20, 4], [8, 40, 8]]);
  for (const r of steps) assert.ok((r.getP99 as number) > 0 && (r.listP99 as number) > 0 && (r.agentsRssMiB as number) > 20, JSON.stringify(r));
  assert.equal(scale.sections[1].rows[0].stop, 'target');

  const firstPod = footprint.sections[1].rows;
  assert.equal(firstPod.length, 1);
  assert.ok((firstPod[0].runningP50 as number) >= (firstPod[0].apiP50 as number));
  const withPods = footprint.sections[2].rows;
  assert.deepEqual(withPods.map((r) => r.pods), [0, 10, 30]);
  assert.ok((withPods[2].agentRssMiB as number) > 20);
});
