// The `timonel` binary: one command with subcommands.
import { Command, InvalidArgumentError } from 'commander';
import { up, backoffOptions } from './up.js';
import { startControlPlane, onSignals } from './controlplane.js';
import { registerHelmCommands } from './helm.js';
import { agent } from './agent.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

type RuntimeName = 'process' | 'simulated' | 'cri';

function runtimeName(v: string): RuntimeName {
  if (v !== 'process' && v !== 'simulated' && v !== 'cri') throw new InvalidArgumentError('must be process, simulated or cri');
  return v;
}

/** repeatable or comma-separated `host:port` list */
function registryList(v: string, prev: string[] = []): string[] {
  const hosts = v.split(',').map((h) => h.trim()).filter(Boolean);
  for (const h of hosts) if (!/^[A-Za-z0-9.\-]+(:\d+)?$/.test(h)) throw new InvalidArgumentError(`${JSON.stringify(h)} is not a registry host[:port]`);
  return [...prev, ...hosts];
}

function ipv4Cidr(v: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) throw new InvalidArgumentError('must be an IPv4 CIDR such as 10.244.0.0/24');
  return v;
}

interface CriFlags { criEndpoint?: string; insecureRegistry?: string[]; podCidr?: string }

function criOptions(cmd: Command): Command {
  return cmd
    .option('--cri-endpoint <socket>', 'cri runtime: an existing CRI socket (unix:///run/containerd/containerd.sock) instead of a containerd started by timonel')
    .option('--insecure-registry <host:port>', 'cri runtime: a registry pulled from over plain HTTP, e.g. 127.0.0.1:5000 (repeatable)', registryList)
    .option('--pod-cidr <cidr>', 'the node\'s pod range (default: the Node\'s spec.podCIDR, else a free one: a /24 of 10.244.0.0/16 for cri)', ipv4Cidr);
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds');
  return n;
}

interface AgentTuning { crashLoopBackoffInitial?: number; crashLoopBackoffMax?: number }

interface ServerFlags { dataDir: string; port: number; host: string; nodeMonitorGracePeriod?: number; defaultTolerationSeconds?: number }

function serverOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'where the cluster keeps its state', '.timonel')
    .option('--port <n>', 'API server port (0 = any free port)', port, 6443)
    .option('--host <addr>', 'address the API server listens on', '127.0.0.1')
    .option('--node-monitor-grace-period <seconds>', 'how long a node may stay silent before it is NotReady (default 50)', seconds)
    .option('--default-toleration-seconds <seconds>', 'how long pods tolerate a not-ready or unreachable node (default 300)', seconds);
}

function controlPlaneOptions(o: ServerFlags) {
  return { dataDir: o.dataDir, port: o.port, host: o.host, nodeMonitorGracePeriodSeconds: o.nodeMonitorGracePeriod, defaultTolerationSeconds: o.defaultTolerationSeconds };
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('timonel').description('A Kubernetes-compatible container orchestrator').version('0.1.0');
  criOptions(serverOptions(program.command('up').description('run a single-node cluster in the foreground (API server, controllers, scheduler, node agent)'))
    .option('--runtime <name>', 'container runtime of the node: process | simulated | cri (containerd)', runtimeName, 'process'))
    .option('--node-name <name>', 'name of this node (default: the host name)')
    .option('--crash-loop-backoff-initial <seconds>', 'first restart delay of a crashing container (default 10)', seconds)
    .option('--crash-loop-backoff-max <seconds>', 'longest restart delay (default 300)', seconds)
    .action(async (o: ServerFlags & AgentTuning & CriFlags & { runtime: RuntimeName; nodeName?: string }) => {
      await up({
        ...controlPlaneOptions(o), runtime: o.runtime, nodeName: o.nodeName, crashLoopBackoff: { initialSeconds: o.crashLoopBackoffInitial, maxSeconds: o.crashLoopBackoffMax },
        criEndpoint: o.criEndpoint, insecureRegistries: o.insecureRegistry, podCidr: o.podCidr,
      });
    });
  criOptions(program.command('agent').description('run a node agent (kubelet) that joins a cluster'))
    .requiredOption('--server <url>', 'API server URL')
    .requiredOption('--token-file <file>', 'join token (DATA_DIR/pki/node.token of the server); ca.crt beside it is the cluster CA')
    .option('--ca-file <file>', 'cluster CA certificate (default: ca.crt beside the token file)')
    .option('--data-dir <dir>', 'where the agent keeps its state', '.timonel-agent')
    .option('--node-name <name>', 'node name (default: the host name)')
    .option('--runtime <name>', 'container runtime: process | simulated | cri (containerd)', runtimeName, 'process')
    .option('--simulate-nodes <n>', 'run N hollow nodes (simulated runtime)', (v: string) => Number(v))
    .option('--kubelet-port <n>', 'port of the node agent\'s streaming server (0 = any free port)', port, 10250)
    .option('--node-ip <addr>', 'address the node reports and listens on', '127.0.0.1')
    .option('--crash-loop-backoff-initial <seconds>', 'first restart delay of a crashing container (default 10)', seconds)
    .option('--crash-loop-backoff-max <seconds>', 'longest restart delay (default 300)', seconds)
    .action(async (o: AgentTuning & CriFlags & { server: string; tokenFile: string; caFile?: string; dataDir: string; nodeName?: string; runtime: RuntimeName; simulateNodes?: number; kubeletPort: number; nodeIp: string }) => {
      await agent({
        server: o.server, tokenFile: o.tokenFile, caFile: o.caFile, dataDir: o.dataDir, nodeName: o.nodeName, runtime: o.simulateNodes ? 'simulated' : o.runtime,
        simulateNodes: o.simulateNodes, kubeletPort: o.kubeletPort, nodeIP: o.nodeIp,
        criEndpoint: o.criEndpoint, insecureRegistries: o.insecureRegistry, podCidr: o.podCidr,
        backoff: backoffOptions({ initialSeconds: o.crashLoopBackoffInitial, maxSeconds: o.crashLoopBackoffMax }),
      });
    });
  serverOptions(program.command('server').description('run a control-plane server in the foreground (API server, controllers, scheduler; no node agent)'))
    .action(async (o: ServerFlags) => {
      const cp = await startControlPlane(controlPlaneOptions(o));
      onSignals(() => cp.stop());
      console.log(`timonel server: API server at ${cp.url}; node agents join with --server ${cp.url} --token-file ${cp.dataDir}/pki/node.token`);
    });
  registerHelmCommands(program);
  await program.parseAsync(argv);
}
