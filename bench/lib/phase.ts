// What the server (and the load generator itself) did during one phase of a scenario: CPU from
// /proc, event loop from the in-server probe, memory. A saturated load generator is reported, not hidden.
import type { ServerHandle } from './server.js';
import { cpuPercent } from './procstat.js';
import { loopMonitor } from './loadgen.js';
import { MiB, round, type Cell, type Column } from './report.js';

export interface PhaseStats {
  phase: string;
  seconds: number;
  /** server CPU, % of one core */
  serverCpu: number;
  /** server event loop utilization, 0..1 (probe only) */
  serverElu: number | null;
  serverLoopP99Ms: number | null;
  serverLoopMaxMs: number | null;
  serverRssMiB: number;
  serverHeapMiB: number | null;
  /** the load generator's own event loop utilization, 0..1 */
  benchElu: number;
  benchLoopP99Ms: number;
}

export const PHASE_COLUMNS: Column[] = [
  { key: 'phase', label: 'phase' },
  { key: 'seconds', label: 'time', unit: 's', digits: 1 },
  { key: 'serverCpu', label: 'server CPU', unit: '%', digits: 0 },
  { key: 'serverElu', label: 'server loop busy', digits: 2 },
  { key: 'serverLoopP99Ms', label: 'server loop delay p99', unit: 'ms' },
  { key: 'serverLoopMaxMs', label: 'server loop delay max', unit: 'ms' },
  { key: 'serverRssMiB', label: 'server RSS', unit: 'MiB', digits: 0 },
  { key: 'serverHeapMiB', label: 'server heap', unit: 'MiB', digits: 0 },
  { key: 'benchElu', label: 'load gen loop busy', digits: 2 },
];

/** Starts a phase; the returned function ends it. */
export async function beginPhase(server: ServerHandle, phase: string, probe: boolean): Promise<() => Promise<PhaseStats>> {
  if (probe) await server.probe(true);
  const s0 = server.sample();
  const mon = loopMonitor();
  return async () => {
    const s1 = server.sample();
    const bench = mon.stop();
    const p = probe ? await server.probe(true) : undefined;
    return {
      phase,
      seconds: (s1.at - s0.at) / 1000,
      serverCpu: cpuPercent(s0, s1),
      serverElu: p ? round(p.utilization) : null,
      serverLoopP99Ms: p ? round(p.delayP99Ms) : null,
      serverLoopMaxMs: p ? round(p.delayMaxMs) : null,
      serverRssMiB: s1.rssBytes / MiB,
      serverHeapMiB: p ? p.heapUsedBytes / MiB : null,
      benchElu: round(bench.utilization) ?? 0,
      benchLoopP99Ms: round(bench.delayP99Ms) ?? 0,
    };
  };
}

export function phaseRow(s: PhaseStats): Record<string, Cell> {
  return { ...s, serverCpu: round(s.serverCpu, 1), serverRssMiB: round(s.serverRssMiB, 1), serverHeapMiB: s.serverHeapMiB === null ? null : round(s.serverHeapMiB, 1), seconds: round(s.seconds, 2) };
}

/** A note when the load generator's own loop was nearly saturated (its numbers include its own queueing). */
export function saturationNote(stats: PhaseStats[]): string[] {
  return stats.filter((s) => s.benchElu > 0.9).map((s) => `load generator busy ${Math.round(s.benchElu * 100)}% in phase "${s.phase}": latencies there include client-side queueing (server and load generator share the machine's cores)`);
}
