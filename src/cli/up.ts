// `timonel up`: a whole single-node cluster in one process, state under --data-dir: the control
// plane plus a node agent for this host.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, onSignals, type ControlPlaneOptions } from './controlplane.js';
import { startAgent } from './agent.js';

export interface UpOptions extends ControlPlaneOptions {
  runtime: 'process' | 'simulated';
  nodeName?: string;
  /** CrashLoopBackOff: first delay and cap in seconds (Kubernetes: 10 and 300) */
  crashLoopBackoff?: { initialSeconds?: number; maxSeconds?: number };
}

export function backoffOptions(b: UpOptions['crashLoopBackoff']): { initialMs?: number; maxMs?: number } | undefined {
  if (!b || (b.initialSeconds === undefined && b.maxSeconds === undefined)) return undefined;
  return { initialMs: b.initialSeconds !== undefined ? b.initialSeconds * 1000 : undefined, maxMs: b.maxSeconds !== undefined ? b.maxSeconds * 1000 : undefined };
}

export async function up(opts: UpOptions): Promise<void> {
  const cp = await startControlPlane(opts);
  const agent = await startAgent({
    server: cp.url,
    token: cp.nodeToken,
    ca: cp.pki.caCertPem,
    dataDir: join(cp.dataDir, 'agent'),
    nodeName: opts.nodeName ?? hostname(),
    runtime: opts.runtime,
    kubeletPort: 0,
    controlPlane: true,
    backoff: backoffOptions(opts.crashLoopBackoff),
  });
  console.log(`timonel is up: API server at ${cp.url}; node ${agent.kubelets[0]?.nodeName} (${opts.runtime} runtime)`);
  console.log(`  export KUBECONFIG=${cp.kubeconfigPath}`);
  console.log(`  kubectl get nodes`);
  console.log(`  more nodes: timonel agent --server ${cp.url} --token-file ${join(cp.dataDir, 'pki', 'node.token')} --data-dir DIR --node-name NAME`);
  onSignals(async () => {
    await agent.stop({ killPods: true });
    await cp.stop();
  });
}
