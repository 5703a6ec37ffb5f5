// CPU time and memory of a process, from /proc (Linux). Used on the server child: the load generator
// never measures the server from inside its own event loop.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface ProcSample {
  /** monotonic milliseconds (performance.now()) when read */
  at: number;
  /** user + system CPU time, milliseconds */
  cpuMs: number;
  rssBytes: number;
  /** peak RSS so far (VmHWM) */
  peakRssBytes: number;
  threads: number;
}

let clockTicks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat's utime/stime (getconf CLK_TCK, almost always 100). */
export function clkTck(): number {
  if (clockTicks === undefined) {
    try { clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { clockTicks = 100; }
  }
  return clockTicks;
}

/** utime + stime (in ticks) from the text of /proc/<pid>/stat; the command name may hold spaces and parens. */
export function parseStatCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`unexpected /proc stat format: ${stat.slice(0, 80)}`);
  // After ") " come fields 3.. (state is field 3); utime and stime are fields 14 and 15.
  const fields = stat.slice(close + 2).split(' ');
  const utime = Number(fields[14 - 3]), stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unexpected /proc stat format: no utime/stime');
  return utime + stime;
}

/** A `Key:   123 kB` field of /proc/<pid>/status, in bytes (or the bare number for counts). */
export function parseStatusField(status: string, key: string): number | undefined {
  const m = new RegExp(`^${key}:\\s+(\\d+)(?:\\s+kB)?`, 'm').exec(status);
  if (!m) return undefined;
  return /kB/.test(m[0]) ? Number(m[1]) * 1024 : Number(m[1]);
}

export function sampleProcess(pid: number): ProcSample {
  const at = performance.now();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    at,
    cpuMs: (parseStatCpuTicks(stat) * 1000) / clkTck(),
    rssBytes: parseStatusField(status, 'VmRSS') ?? 0,
    peakRssBytes: parseStatusField(status, 'VmHWM') ?? 0,
    threads: parseStatusField(status, 'Threads') ?? 0,
  };
}

/** CPU use between two samples, in percent of one core (200 = two cores busy). */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const wall = b.at - a.at;
  return wall > 0 ? ((b.cpuMs - a.cpuMs) / wall) * 100 : NaN;
}
