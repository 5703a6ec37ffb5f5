// `timonel up`: a whole single-node cluster in one process, state under --data-dir.
import { startControlPlane, onSignals, type ControlPlaneOptions } from './controlplane.js';

export type UpOptions = ControlPlaneOptions;

export async function up(opts: UpOptions): Promise<void> {
  const cp = await startControlPlane(opts);
  console.log(`timonel is up: API server at ${cp.url}`);
  console.log(`  export KUBECONFIG=${cp.kubeconfigPath}`);
  console.log(`  kubectl get nodes`);
  onSignals(() => cp.stop());
}
