// Hollow nodes for a benchmark cluster: a `timonel agent --simulate-nodes N --runtime simulated`
// child joined to a running server. Its pods become Running without processes; the agent's own
// CPU and memory are sampled from /proc like the server's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnTimonel, type ChildHandle } from './child.js';
import type { ServerHandle } from './server.js';

const JOINED = /timonel agent: .* joined .*\n/;

export interface HollowNodesOptions {
  nodes: number;
  /** node names are <prefix>-0 .. <prefix>-(N-1) */
  prefix: string;
  /** load the probe into the agent too */
  probe?: boolean;
  /** give up waiting for every node to register after this long; default 60 s + 40 ms a node */
  readyTimeoutMs?: number;
}

export interface HollowNodes extends ChildHandle {
  nodes: number;
  prefix: string;
  /** spawn -> every node registered (the agent prints "joined") */
  readyMs: number;
}

/** Starts the agent and waits until all its nodes have registered. */
export async function startHollowNodes(server: Pick<ServerHandle, 'url' | 'nodeTokenFile'>, o: HollowNodesOptions): Promise<HollowNodes> {
  const dataDir = mkdtempSync(join(tmpdir(), 'timonel-bench-agent-'));
  const t0 = performance.now();
  const child = spawnTimonel([
    'agent', '--server', server.url, '--token-file', server.nodeTokenFile, '--data-dir', dataDir,
    '--simulate-nodes', String(o.nodes), '--runtime', 'simulated', '--kubelet-port', '0', '--node-name', o.prefix,
  ], { probe: o.probe, label: `timonel agent (${o.nodes} hollow nodes ${o.prefix}-*)`, startedLine: JOINED });
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    await child.waitForOutput(JOINED, o.readyTimeoutMs ?? 60_000 + 40 * o.nodes);
  } catch (err) {
    await child.kill();
    cleanup();
    throw err;
  }
  const readyMs = performance.now() - t0;
  return {
    ...child,
    nodes: o.nodes,
    prefix: o.prefix,
    readyMs,
    stop: async (graceMs?: number) => {
      try { await child.stop(graceMs); } finally { cleanup(); }
    },
    kill: async () => {
      try { await child.kill(); } finally { cleanup(); }
    },
  };
}
