// Runs selected scenarios one after the other and collects their records. A scenario that throws
// is FAILED (and has no numbers); SkipScenario and not-built scenarios are skipped with the reason.
import { performance } from 'node:perf_hooks';
import type { MachineInfo } from './machine.js';
import type { ScenarioRecord } from './report.js';
import { makeContext, resolveParams, SkipScenario, type Scenario } from './scenario.js';

export interface RunOptions {
  size: number;
  params: Map<string, Map<string, string>>;
  machine: MachineInfo;
  log: (message: string) => void;
  /** called as each scenario finishes */
  onRecord?: (r: ScenarioRecord) => void;
}

export async function runScenarios(scenarios: Scenario[], opts: RunOptions): Promise<ScenarioRecord[]> {
  // Resolve every scenario's parameters first: a usage error must not surface halfway through a run.
  const resolved = scenarios.map((s) => resolveParams(s, opts.params.get(s.name) ?? new Map(), opts.size));
  const out: ScenarioRecord[] = [];
  for (let i = 0; i < scenarios.length; i++) {
    const s = scenarios[i];
    const params = resolved[i];
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const base = { name: s.name, title: s.title, params, startedAt, sections: [], notes: [] };
    let rec: ScenarioRecord;
    if (s.notBuilt) {
      rec = { ...base, status: 'skipped', reason: `not built yet: ${s.notBuilt}`, durationMs: 0 };
    } else {
      const { ctx, cleanup } = makeContext(s, params, opts.machine, opts.log);
      opts.log(`[${s.name}] starting`);
      try {
        const o = await s.run(ctx);
        rec = { ...base, status: 'ok', durationMs: performance.now() - t0, sections: o.sections, notes: o.notes ?? [], data: o.data };
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        if (e instanceof SkipScenario) {
          rec = { ...base, status: 'skipped', reason: e.message, durationMs: performance.now() - t0 };
        } else {
          opts.log(`[${s.name}] FAILED: ${e.stack ?? e.message}`);
          rec = { ...base, status: 'failed', reason: e.message, durationMs: performance.now() - t0 };
        }
      } finally {
        cleanup();
      }
    }
    out.push(rec);
    opts.onRecord?.(rec);
  }
  return out;
}
