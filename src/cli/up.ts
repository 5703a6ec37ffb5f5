// `timonel up`: a whole single-node cluster in one process, state under --data-dir: the control
// plane plus a node agent for this host.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, onSignals, type ControlPlaneOptions } from './controlplane.js';
import { startAgent } from './agent.js';

export interface UpOptions extends ControlPlaneOptions {
  runtime: 'process' | 'simulated' | 'cri';
  nodeName?: string;
  /** cri: an existing CRI socket instead of a containerd started by timonel */
  criEndpoint?: string;
  /** cri: registries pulled from over plain HTTP (`127.0.0.1:5000`) */
  insecureRegistries?: string[];
  /** the node's pod range (default: chosen by the agent) */
  podCidr?: string;
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
    criEndpoint: opts.criEndpoint,
    insecureRegistries: opts.insecureRegistries,
    podCidr: opts.podCidr,
    kubeletPort: 0,
    controlPlane: true,
    backoff: backoffOptions(opts.crashLoopBackoff),
  });
  const k = agent.kubelets[0];
  onSignals(async () => {
    await agent.stop({ killPods: true });
    await cp.stop();
  });
  console.log(`timonel is up: API server at ${cp.url}; node ${k?.nodeName} (${k ? runtimeLabel(k.runtime.name) : opts.runtime} runtime)`);
  console.log(`  export KUBECONFIG=${cp.kubeconfigPath}`);
  console.log(`  kubectl get nodes`);
  console.log(`  more nodes: timonel agent --server ${cp.url} --token-file ${join(cp.dataDir, 'pki', 'node.token')} --data-dir DIR --node-name NAME`);
}

/** the --runtime name of a kubelet runtime (the cri runtime is named after containerd) */
function runtimeLabel(name: string): string {
  return name === 'containerd' ? 'cri' : name;
}
