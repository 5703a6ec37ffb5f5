import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runScenarios } from './runner.js';
import { SkipScenario, UsageError, type Scenario } from './scenario.js';
import { machineInfo } from './machine.js';

const machine = machineInfo();
const quiet = () => {};

test('runner: ok, failed, skipped and not-built scenarios are recorded as such; failures carry no numbers', async () => {
  let tmp = '';
  const scenarios: Scenario[] = [
    { name: 'good', title: 'Good', description: '', params: [{ name: 'n', kind: 'int', default: 10, scales: true, description: '' }],
      run: async (ctx) => { tmp = ctx.tmpDir('t'); return { sections: [{ title: 's', columns: [], rows: [{ n: ctx.int('n') }] }], notes: ['ok'] }; } },
    { name: 'bad', title: 'Bad', description: '', params: [], run: async () => { throw new Error('the server answered 500'); } },
    { name: 'skip', title: 'Skip', description: '', params: [], run: async () => { throw new SkipScenario('containerd is not installed'); } },
    { name: 'later', title: 'Later', description: '', params: [], notBuilt: 'needs the scheduler', run: async () => { throw new Error('must not run'); } },
  ];
  const recs = await runScenarios(scenarios, { size: 0.5, params: new Map(), machine, log: quiet });
  assert.deepEqual(recs.map((r) => [r.name, r.status]), [['good', 'ok'], ['bad', 'failed'], ['skip', 'skipped'], ['later', 'skipped']]);
  assert.deepEqual(recs[0].sections[0].rows, [{ n: 5 }]);
  assert.equal(recs[0].params.n, 5);
  assert.ok(tmp && !existsSync(tmp), 'temporary directories are removed');
  assert.equal(recs[1].reason, 'the server answered 500');
  assert.deepEqual(recs[1].sections, []);
  assert.equal(recs[2].reason, 'containerd is not installed');
  assert.match(recs[3].reason!, /not built yet: needs the scheduler/);
});

test('runner: parameter errors surface before any scenario runs', async () => {
  let ran = false;
  const scenarios: Scenario[] = [
    { name: 'first', title: '', description: '', params: [], run: async () => { ran = true; return { sections: [] }; } },
    { name: 'second', title: '', description: '', params: [{ name: 'n', kind: 'int', default: 1, description: '' }], run: async () => ({ sections: [] }) },
  ];
  await assert.rejects(runScenarios(scenarios, { size: 1, params: new Map([['second', new Map([['n', 'x']])]]), machine, log: quiet }), UsageError);
  assert.equal(ran, false);
});
