// The machine a run happened on: what a result is worth depends on it.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { REPO } from './paths.js';

export interface MachineInfo {
  hostname: string;
  platform: string;
  arch: string;
  kernel: string;
  cpuModel: string;
  /** logical CPUs the OS reports */
  cores: number;
  /** CPUs this process may use (cgroup/affinity aware) */
  availableParallelism: number;
  /** CPU quota from cgroup v2 cpu.max, in CPUs, when one is set */
  cgroupCpuLimit?: number;
  memoryBytes: number;
  /** cgroup v2 memory.max, when one is set */
  cgroupMemoryLimitBytes?: number;
  nodeVersion: string;
  v8Version: string;
  /** 1-minute load average when the run started: other work on a shared machine skews results */
  loadAverage1m: number;
  git: { commit: string; branch?: string; dirty: boolean } | { error: string };
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
}

export function gitInfo(): MachineInfo['git'] {
  try {
    const commit = git(['rev-parse', 'HEAD']);
    let branch: string | undefined;
    try { branch = git(['rev-parse', '--abbrev-ref', 'HEAD']); } catch { /* detached */ }
    // Tracked files only: a benchmark run is about the code that ran, and dist/ and results are untracked.
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).length > 0;
    return { commit, branch, dirty };
  } catch (err) {
    return { error: `not a git checkout or git missing: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Parses cgroup v2 `cpu.max` ("max 100000" or "200000 100000") into CPUs. */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (!quota || quota === 'max') return undefined;
  const q = Number(quota), p = Number(period ?? 100000);
  return q > 0 && p > 0 ? q / p : undefined;
}

function readCgroup(file: string): string | undefined {
  try { return readFileSync(`/sys/fs/cgroup/${file}`, 'utf8'); } catch { return undefined; }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const cpuMax = readCgroup('cpu.max');
  const memMax = readCgroup('memory.max')?.trim();
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    arch: os.arch(),
    kernel: os.release(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    cgroupCpuLimit: cpuMax ? parseCpuMax(cpuMax) : undefined,
    memoryBytes: os.totalmem(),
    cgroupMemoryLimitBytes: memMax && memMax !== 'max' && Number(memMax) > 0 ? Number(memMax) : undefined,
    nodeVersion: process.version,
    v8Version: process.versions.v8,
    loadAverage1m: os.loadavg()[0],
    git: gitInfo(),
  };
}

/** One line for the top of a table: "2 cores (Intel ...), 23.4 GiB, Node v20.20.2, commit abc1234". */
export function describeMachine(m: MachineInfo): string {
  const commit = 'commit' in m.git ? `commit ${m.git.commit.slice(0, 12)}${m.git.dirty ? ' (+ uncommitted changes)' : ''}` : 'commit unknown';
  const cpuLimit = m.cgroupCpuLimit !== undefined ? `, cgroup limit ${m.cgroupCpuLimit} CPUs` : '';
  return `${m.cores} cores (${m.cpuModel}${cpuLimit}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.nodeVersion}, ${m.platform}/${m.arch} ${m.kernel}, ${commit}, load avg ${m.loadAverage1m.toFixed(2)}`;
}
