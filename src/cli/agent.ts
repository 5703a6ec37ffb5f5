// `timonel agent`: a node agent (kubelet) joining a cluster, or many hollow ones (--simulate-nodes).
// `startAgent` runs the same in-process (`timonel up` uses it for its own node) and returns a
// handle to stop it; `agent` is the CLI entry that runs until SIGTERM/SIGINT.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { KubeClient } from '../client/client.js';
import { R } from '../client/factory.js';
import { Kubelet, SharedPodSource, choosePodCidr, podCidrFor, type KubeletOptions, type StreamingBackend, type Taint } from '../kubelet/kubelet.js';
import { KubeletServer } from '../kubelet/server.js';
import { ProcessRuntime } from '../kubelet/runtimes/process.js';
import { SimulatedRuntime } from '../kubelet/runtimes/simulated.js';
import { CriRuntime } from '../kubelet/runtimes/cri.js';
import type { BackoffOptions } from '../kubelet/backoff.js';
import { choosePodCidrFrom, connectedIpv4Ranges, DEFAULT_CLUSTER_CIDR, isLoopbackCidr } from '../cri/cni.js';
import { criUnavailableMessage } from '../cri/node.js';
import { unmountBelow } from '../cri/tmpfs.js';

export interface AgentOptions {
  /** API server URL */
  server: string;
  /** bearer token for the API server (or tokenFile) */
  token?: string;
  tokenFile?: string;
  /** the cluster CA (PEM or caFile); default: ca.crt beside the token file, if there */
  ca?: string;
  caFile?: string;
  dataDir: string;
  /** default: the host name */
  nodeName?: string;
  runtime: 'process' | 'simulated' | 'cri';
  /** cri: an existing CRI socket (`unix:///run/containerd/containerd.sock`) instead of a containerd of our own */
  criEndpoint?: string;
  /** cri: registries containerd pulls from over plain HTTP (`127.0.0.1:5000`) */
  insecureRegistries?: string[];
  /** cri: the cluster range node pod ranges (/24) are taken from (default 10.244.0.0/16) */
  clusterCidr?: string;
  /** N hollow nodes named <nodeName>-0..N-1 (simulated runtime) */
  simulateNodes?: number;
  /** the streaming server's port (default 10250; 0 = any free port) */
  kubeletPort?: number;
  /** address the streaming server listens on and the node reports as InternalIP (default 127.0.0.1) */
  nodeIP?: string;
  /** the token the API server must present to the streaming server (default: the agent's token) */
  kubeletToken?: string;
  /** serving certificate of the streaming server (default: self-signed, CA in <data-dir>/kubelet/ca.crt) */
  kubeletTls?: { certPem: string; keyPem: string };
  /**
   * the node's pod range (default: the Node's spec.podCIDR, else a free range: 127.N.0.0/16 for the
   * process runtime, a /24 of the cluster CIDR for cri)
   */
  podCidr?: string;
  labels?: Record<string, string>;
  controlPlane?: boolean;
  taints?: Taint[];
  /** capacity of hollow nodes (default cpu 4, memory 16Gi, pods 110) */
  simulatedCapacity?: KubeletOptions['capacity'];
  simulatedStartDelayMs?: number;
  backoff?: BackoffOptions;
  /** passed through to every kubelet (timings for tests) */
  kubelet?: Partial<Pick<KubeletOptions, 'resyncMs' | 'leaseDurationSeconds' | 'leaseRenewMs' | 'nodeStatusUpdateMs' | 'nodeStatusReportMs' | 'logMaxBytes' | 'logMaxFiles'>>;
  log?: (msg: string) => void;
}

export interface AgentHandle {
  kubelets: Kubelet[];
  server: KubeletServer;
  /** the streaming server's port */
  port: number;
  /** the streaming server's CA when self-signed */
  kubeletCaPem?: string;
  /** stops the agent; with killPods (default true) the containers are stopped too */
  stop(opts?: { killPods?: boolean }): Promise<void>;
}

function readToken(o: AgentOptions): string {
  if (o.token) return o.token;
  if (o.tokenFile) return readFileSync(o.tokenFile, 'utf8').trim();
  throw new Error('timonel agent: --token-file is required');
}

function readCa(o: AgentOptions): string | undefined {
  if (o.ca) return o.ca;
  if (o.caFile) return readFileSync(o.caFile, 'utf8');
  if (o.tokenFile) {
    const beside = join(dirname(o.tokenFile), 'ca.crt');
    if (existsSync(beside)) return readFileSync(beside, 'utf8');
  }
  return undefined;
}

/** Starts the node agent(s) in this process. */
export async function startAgent(o: AgentOptions): Promise<AgentHandle> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = readToken(o);
  const client = new KubeClient({ server: o.server, token, ca: readCa(o), userAgent: 'timonel-kubelet' });
  const nodeName = (o.nodeName ?? hostname()).toLowerCase();
  const nodeIP = o.nodeIP ?? '127.0.0.1';
  const log = o.log ?? ((m: string) => console.error(m));
  const kubelets: Kubelet[] = [];
  const backend: StreamingBackend = {
    lookupContainer: async (ns, pod, c, prev) => {
      for (const k of kubelets) if (k.worker(ns, pod)) return k.lookupContainer(ns, pod, c, prev);
      return { ok: false, code: 404, message: `pod "${pod}" not found` };
    },
    lookupSandbox: (ns, pod) => {
      for (const k of kubelets) { const s = k.lookupSandbox(ns, pod); if (s) return s; }
      return undefined;
    },
    pods: () => kubelets.flatMap((k) => k.pods()),
  };
  const runtimes: Array<ProcessRuntime | SimulatedRuntime | CriRuntime> = [];
  let shared: SharedPodSource | undefined;
  let criStarted: CriRuntime | undefined;
  const server = new KubeletServer({
    kubelet: backend,
    token: o.kubeletToken ?? token,
    tls: o.kubeletTls,
    host: nodeIP,
    port: o.kubeletPort ?? 10250,
    dnsNames: [nodeName],
    ips: nodeIP !== '127.0.0.1' ? [nodeIP] : [],
  });
  await server.start();
  if (server.caPem) {
    mkdirSync(join(dataDir, 'kubelet'), { recursive: true });
    writeFileSync(join(dataDir, 'kubelet', 'ca.crt'), server.caPem);
  }
  const common = {
    client, dataDir, nodeIP, kubeletPort: server.port, backoff: o.backoff, log, ...(o.kubelet ?? {}),
  };
  try {
    if (o.simulateNodes && o.simulateNodes > 0) {
      const source = new SharedPodSource(client);
      shared = source;
      const nodes = await client.list<{ metadata: { name: string }; spec?: { podCIDR?: string } }>(R.nodes);
      const used = new Set(nodes.items.map((n) => n.spec?.podCIDR).filter((c): c is string => !!c));
      const existing = new Map(nodes.items.map((n) => [n.metadata.name, n.spec?.podCIDR]));
      for (let i = 0; i < o.simulateNodes; i++) {
        const name = `${nodeName}-${i}`;
        const cidr = existing.get(name) ?? choosePodCidr(used, 24);
        used.add(cidr);
        const rt = new SimulatedRuntime({ podCidr: cidr, nodeIP, startDelayMs: o.simulatedStartDelayMs });
        runtimes.push(rt);
        kubelets.push(new Kubelet({
          ...common, nodeName: name, runtime: rt.asRuntime(), podCidr: cidr, podSource: source,
          capacity: o.simulatedCapacity ?? { cpu: '4', memory: '16Gi', pods: '110' },
          labels: { ...(o.labels ?? {}), 'node.timonel.io/hollow': 'true' }, taints: o.taints,
        }));
      }
      // register in small batches so that a hundred nodes do not flood the API server at once
      for (let i = 0; i < kubelets.length; i += 10) await Promise.all(kubelets.slice(i, i + 10).map((k) => k.start()));
      source.start();
    } else {
      let runtime = o.runtime;
      if (runtime === 'cri' && !o.criEndpoint) {
        const why = criUnavailableMessage('process');
        if (why) {
          log(`timonel agent: ${why}`);
          runtime = 'process';
        }
      }
      let rt: ProcessRuntime | SimulatedRuntime | CriRuntime;
      let cidr: string;
      if (runtime === 'cri') {
        cidr = o.podCidr ?? await criPodCidrFor(client, nodeName, o.clusterCidr);
        // pods of a previous run are gone (the node removes them at start): so are their tmpfs volumes
        await unmountBelow(join(dataDir, 'pods'));
        if (o.criEndpoint && o.insecureRegistries?.length) {
          log(`timonel agent: --insecure-registry is for the containerd timonel starts; configure ${o.insecureRegistries.join(', ')} in the containerd at ${o.criEndpoint} yourself`);
        }
        const cri = await CriRuntime.start({
          dataDir, nodeName, podCidr: cidr, endpoint: o.criEndpoint, plainHttpRegistries: o.insecureRegistries, preloadBusybox: true,
        });
        criStarted = cri;
        rt = cri;
      } else {
        // after a fallback from cri, a --pod-cidr meant for a bridge is not the process runtime's
        const given = o.podCidr && (runtime === o.runtime || isLoopbackCidr(o.podCidr)) ? o.podCidr : undefined;
        cidr = given ?? await podCidrFor(client, nodeName, 16);
        rt = runtime === 'simulated'
          ? new SimulatedRuntime({ podCidr: cidr, nodeIP, startDelayMs: o.simulatedStartDelayMs })
          : new ProcessRuntime({ stateDir: join(dataDir, 'runtime'), podCidr: cidr, nodeIP });
      }
      runtimes.push(rt);
      const k = new Kubelet({
        ...common, nodeName, runtime: rt.asRuntime(), podCidr: cidr, labels: o.labels, controlPlane: o.controlPlane, taints: o.taints,
        capacity: runtime === 'simulated' ? o.simulatedCapacity : undefined,
      });
      kubelets.push(k);
      await k.start();
    }
  } catch (err) {
    await criStarted?.shutdown().catch(() => undefined);
    await server.stop();
    client.close();
    throw err;
  }
  let stopped = false;
  return {
    kubelets, server, port: server.port, kubeletCaPem: server.caPem,
    async stop(opts = {}) {
      if (stopped) return;
      stopped = true;
      await Promise.all(kubelets.map((k) => k.stop({ killPods: opts.killPods ?? true })));
      // memory-backed emptyDirs of the pods just stopped
      if ((opts.killPods ?? true) && criStarted) await unmountBelow(join(dataDir, 'pods')).catch(() => undefined);
      shared?.stop();
      await server.stop();
      client.close();
    },
  };
}

/** `timonel agent ...`: runs until SIGTERM/SIGINT, then stops its containers and exits. */
export async function agent(o: AgentOptions): Promise<void> {
  const h = await startAgent(o);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`timonel agent: ${signal} received, stopping`);
    try { await h.stop({ killPods: true }); } finally { process.exit(0); }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const names = h.kubelets.length === 1 ? h.kubelets[0]!.nodeName : `${h.kubelets.length} hollow nodes`;
  console.log(`timonel agent: ${names} joined ${o.server} (streaming server on port ${h.port})`);
}

/**
 * The pod range of a `cri` node: its Node's spec.podCIDR if it has one, else the first /24 of the
 * cluster CIDR that no other node has and no interface of this host routes (another cluster's
 * bridge on the same machine).
 */
export async function criPodCidrFor(client: KubeClient, nodeName: string, clusterCidr = DEFAULT_CLUSTER_CIDR): Promise<string> {
  const list = await client.list<{ metadata: { name: string }; spec?: { podCIDR?: string } }>(R.nodes);
  const mine = list.items.find((n) => n.metadata.name === nodeName)?.spec?.podCIDR;
  if (mine) {
    if (isLoopbackCidr(mine)) {
      throw new Error(`node ${nodeName} is registered with the process runtime's pod range ${mine}, which a bridge cannot route: delete the node (kubectl delete node ${nodeName}) or use another data dir or node name for the cri runtime`);
    }
    return mine;
  }
  const used = list.items.map((n) => n.spec?.podCIDR).filter((c): c is string => !!c);
  return choosePodCidrFrom([...used, ...connectedIpv4Ranges()], clusterCidr, 24);
}
