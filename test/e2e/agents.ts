// E2E helper: extra node agents (`timonel agent` processes) joining a cluster started by the
// harness, and cleanup of what they leave behind.
//
// "Stopping" an agent can mean:
// - stop(): SIGTERM, the agent stops its containers and exits (an orderly shutdown);
// - pause()/resume(): SIGSTOP/SIGCONT, a node that hangs or is cut off from the API server and
//   later comes back: heartbeats stop, its containers (each in its own process group) keep running;
// - kill9(): SIGKILL, a lost node: heartbeats stop for good and its containers are orphaned.
// cleanup() kills orphaned containers from the runtime's pid records
// (`<data-dir>/runtime/pids/<id>`: "pid starttime").
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TIMONEL, type Cluster } from './harness.js';

export interface Agent {
  /** node name (the prefix of the hollow nodes' names with simulateNodes) */
  name: string;
  dataDir: string;
  proc: ChildProcess;
  logs: () => string;
  /** SIGTERM: the agent stops its containers and exits */
  stop: () => Promise<void>;
  /** SIGKILL: heartbeats stop, containers are left running (as when a node is lost) */
  kill9: () => Promise<void>;
  /** SIGSTOP: the agent freezes (no heartbeats), its containers keep running */
  pause: () => void;
  /** SIGCONT after pause() */
  resume: () => void;
  /** stops the agent if it still runs, kills orphaned containers, removes its data dir */
  cleanup: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(p: ChildProcess): boolean {
  return p.exitCode !== null || p.signalCode !== null;
}

function waitExit(p: ChildProcess, timeoutMs = 15_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (exited(p)) return resolve(true);
    const t = setTimeout(() => resolve(false), timeoutMs);
    p.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), to tell a recorded pid from a reused one. */
function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** Kills the process groups the process runtime recorded under `runtimeDir/pids`. Returns how many were alive. */
export function killRecordedContainers(runtimeDir: string): number {
  const dir = join(runtimeDir, 'pids');
  if (!existsSync(dir)) return 0;
  let alive = 0;
  for (const f of readdirSync(dir)) {
    let pid = 0;
    let start = 0;
    try { [pid, start] = readFileSync(join(dir, f), 'utf8').trim().split(' ').map(Number) as [number, number]; } catch { continue; }
    if (!pid || startTime(pid) !== start) continue;
    alive++;
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  }
  return alive;
}

/**
 * Starts `timonel agent` against the cluster (join token DATA_DIR/pki/node.token, any free kubelet
 * port) and waits until it says it joined.
 */
export async function startAgent(cluster: Cluster, opts: { name: string; args?: string[]; timeoutMs?: number }): Promise<Agent> {
  const dataDir = join(cluster.dataDir, `agent-${opts.name}`);
  const proc = spawn(process.execPath, [
    TIMONEL, 'agent', '--server', cluster.url, '--token-file', join(cluster.dataDir, 'pki', 'node.token'),
    '--data-dir', dataDir, '--node-name', opts.name, '--kubelet-port', '0', ...(opts.args ?? []),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const agent: Agent = {
    name: opts.name, dataDir, proc,
    logs: () => out,
    stop: async () => {
      if (exited(proc)) return;
      proc.kill('SIGTERM');
      if (!(await waitExit(proc))) { proc.kill('SIGKILL'); await waitExit(proc); }
    },
    kill9: async () => {
      if (exited(proc)) return;
      proc.kill('SIGKILL');
      await waitExit(proc);
    },
    pause: () => { if (!exited(proc)) proc.kill('SIGSTOP'); },
    resume: () => { if (!exited(proc)) proc.kill('SIGCONT'); },
    cleanup: async () => {
      agent.resume();
      await agent.stop();
      killRecordedContainers(join(dataDir, 'runtime'));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!/ joined /.test(out)) {
    if (exited(proc)) { await agent.cleanup(); throw new Error(`timonel agent ${opts.name} exited with ${proc.exitCode ?? proc.signalCode}:\n${out}`); }
    if (Date.now() > deadline) { await agent.cleanup(); throw new Error(`timonel agent ${opts.name} did not join in time:\n${out}`); }
    await sleep(50);
  }
  return agent;
}
