// `npm run bench [-- scenario ... --param value ...]`: the scenario registry and the command line.
// To add a scenario: write bench/scenarios/<name>.ts exporting a Scenario (see bench/README.md) and
// put it in SCENARIOS below in place of its not-built entry.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.js';
import { RESULTS_DIR } from './lib/paths.js';
import { renderMarkdown, renderRun, renderScenario, writeRun, type RunRecord } from './lib/report.js';
import { runScenarios } from './lib/runner.js';
import { parseArgs, usage, UsageError, type Scenario } from './lib/scenario.js';
import { apiScenario } from './scenarios/api.js';
import { storeScenario } from './scenarios/store.js';
import { footprintScenario } from './scenarios/footprint.js';
import { schedulerScenario } from './scenarios/scheduler.js';
import { startupScenario } from './scenarios/startup.js';
import { scaleScenario } from './scenarios/scale.js';

function notBuilt(name: string, title: string, description: string, reason: string): Scenario {
  return { name, title, description, params: [], notBuilt: reason, run: () => Promise.reject(new Error(`${name} is not built`)) };
}

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: Scenario[] = [
  apiScenario,
  storeScenario,
  schedulerScenario,
  startupScenario,
  footprintScenario,
  scaleScenario,
];

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, SCENARIOS);
  } catch (err) {
    if (err instanceof UsageError) { console.error(`bench: ${err.message}\n\n${usage(SCENARIOS)}`); return 2; }
    throw err;
  }
  if (args.help) { console.log(usage(SCENARIOS)); return 0; }
  if (args.list) { for (const s of SCENARIOS) console.log(`${s.name}${s.notBuilt ? ' (not built)' : ''}: ${s.title}`); return 0; }
  if (args.markdown) {
    const run = JSON.parse(readFileSync(resolve(args.markdown), 'utf8')) as RunRecord;
    console.log(renderMarkdown(run));
    return 0;
  }
  const machine = machineInfo();
  const startedAt = new Date().toISOString();
  const log = (m: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`);
  let records;
  try {
    records = await runScenarios(args.scenarios, {
      size: args.size, params: args.params, machine, log,
      onRecord: (r) => log(`[${r.name}] ${r.status}${r.reason ? `: ${r.reason.split('\n')[0]}` : ''}`),
    });
  } catch (err) {
    if (err instanceof UsageError) { console.error(`bench: ${err.message}`); return 2; }
    throw err;
  }
  const run: RunRecord = { schema: 'timonel-bench/1', startedAt, finishedAt: new Date().toISOString(), argv, size: args.size, machine, loadAverage1mAtEnd: loadavg()[0], scenarios: records };
  console.log(renderRun(run));
  if (args.write) {
    const file = writeRun(run, args.outDir ? resolve(args.outDir) : RESULTS_DIR);
    console.log(`results: ${file} (and latest.json beside it)`);
  }
  const failed = records.filter((r) => r.status === 'failed');
  if (failed.length) {
    console.error(`bench: FAILED: ${failed.map((f) => f.name).join(', ')}`);
    for (const f of failed) console.error(renderScenario(f));
    return 1;
  }
  return 0;
}

// Entry point when run as `node dist/bench/index.js`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.on('unhandledRejection', (err) => {
    console.error('bench: unhandled rejection:', err);
    process.exit(1);
  });
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    console.error('bench:', err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
