// The built scenarios, run small against real servers: they must produce sane, complete numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenarios } from '../lib/runner.js';
import { machineInfo } from '../lib/machine.js';
import { apiScenario, eventResourceVersion, sloSection } from './api.js';
import { storeScenario } from './store.js';
import { footprintScenario } from './footprint.js';

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
    ['footprint', new Map([['starts', '1'], ['settle', '0'], ['idle', '1']])],
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
  const idle = footprint.sections[1].rows[0];
  assert.ok((idle.rssMiB as number) > 20);
});
