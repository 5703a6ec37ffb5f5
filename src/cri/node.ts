// One node's container machinery, as `timonel agent --runtime cri` sets it up: containerd started
// from the data dir (or an existing CRI socket given by flag), the pod network config from the
// node's podCIDR, and the locally built pause image imported. `stop()` undoes all of it: pods,
// containerd, shims, mounts, network namespaces, the node's bridge, host-local state and the
// node's cgroups. A node whose previous run died is cleaned up at the next start.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeCgroup } from './cgroups.js';
import { CriClient } from './client.js';
import { bridgeNameForNode, cleanupPortmapChains, isLoopbackCidr, nftTables, removePodNetwork, writeCniConfig } from './cni.js';
import { DEFAULT_CONTAINERD_BINARY, ManagedContainerd, containerdMissingMessage, containerdPaths, killShims, unmountUnder } from './containerd.js';
import { BUSYBOX_BINARY, CATATONIT_BINARY, LOCAL_BUSYBOX_IMAGE, PAUSE_IMAGE, buildBusyboxImage, ensurePauseImage, importImage } from './images.js';

export interface CriNodeOptions {
  dataDir: string;
  nodeName: string;
  /** the node's pod range (Node.spec.podCIDR) */
  podCidr: string;
  /** an existing CRI socket: no containerd is started, no CNI config or pause image is written */
  endpoint?: string;
  containerdBinary?: string;
  /** plain-HTTP registries (`127.0.0.1:PORT`) containerd may pull from */
  plainHttpRegistries?: string[];
  /** Linux bridge of the pod network (default: derived from the node name) */
  bridgeName?: string;
  /** cgroup under which pod cgroups go (default /timonel/<nodeName>) */
  cgroupRoot?: string;
  /** restore net.ipv4.ip_forward at stop (tests) */
  restoreIpForward?: boolean;
  /** wait for CRI's NetworkReady condition (ms, default 20 s) */
  networkReadyTimeoutMs?: number;
  /**
   * also import the locally built busybox image as LOCAL_BUSYBOX_IMAGE (timonel.local/busybox:1.36),
   * for demos and benchmarks without a registry; skipped when busybox-static is not installed
   */
  preloadBusybox?: boolean;
}

/**
 * Why this machine cannot run a `cri` node with a containerd started by timonel, as the one line
 * the agent prints before falling back to `fallback`; undefined when it can.
 */
export function criUnavailableMessage(
  fallback = 'process',
  host: { platform: string; uid?: number; exists: (path: string) => boolean } = { platform: process.platform, uid: process.getuid?.(), exists: existsSync },
): string | undefined {
  const instead = `using the '${fallback}' runtime instead of 'cri'`;
  const has = host.exists;
  if (host.platform !== 'linux') return `the cri runtime needs Linux: ${instead}`;
  if (!has(DEFAULT_CONTAINERD_BINARY)) return containerdMissingMessage(undefined, fallback);
  if (host.uid !== undefined && host.uid !== 0) return `the cri runtime needs root (containerd, network namespaces, cgroups): ${instead}`;
  const missing = new Map<string, string>();
  if (!has('/usr/sbin/runc') && !has('/usr/bin/runc')) missing.set('runc', 'runc');
  for (const p of ['bridge', 'host-local', 'loopback', 'portmap']) {
    if (!has(join('/usr/lib/cni', p))) missing.set(`CNI plugin ${p}`, 'containernetworking-plugins');
  }
  if (!has('/usr/bin/ctr')) missing.set('ctr', 'containerd');
  if (!has('/usr/bin/umoci')) missing.set('umoci', 'umoci');
  if (!has('/usr/bin/skopeo')) missing.set('skopeo', 'skopeo');
  if (!has(CATATONIT_BINARY)) missing.set('catatonit', 'catatonit');
  if (missing.size === 0) return undefined;
  return `the cri runtime needs ${[...missing.keys()].join(', ')} (apt-get install ${[...new Set(missing.values())].join(' ')}): ${instead}`;
}

interface NodeRecord {
  containerdPid?: number;
  bridge?: string;
  cgroupRoot?: string;
  ipamDataDir?: string;
  socket?: string;
  /** nftables tables before containerd first ran (the nat tables portmap may add are removed) */
  tablesBefore?: string[];
}

function recordPath(dataDir: string): string {
  return join(containerdPaths(dataDir).base, 'node.json');
}

function processCmdline(pid: number): string {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return ''; }
}

/**
 * Cleans what a previous run in `dataDir` left when it died: its containerd (only if the pid still
 * runs our config), shims and their containers, mounts, network namespaces, bridge and cgroups.
 */
export async function cleanupStaleNode(dataDir: string): Promise<boolean> {
  const paths = containerdPaths(dataDir);
  let rec: NodeRecord;
  try { rec = JSON.parse(readFileSync(recordPath(dataDir), 'utf8')) as NodeRecord; } catch { return false; }
  const pid = rec.containerdPid;
  if (pid && processCmdline(pid).includes(paths.config)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    for (let i = 0; i < 100 && processCmdline(pid); i++) await new Promise((r) => setTimeout(r, 20));
  }
  await killShims(rec.socket ?? paths.socket);
  await unmountUnder([paths.root, paths.state]);
  rmSync(paths.netns, { recursive: true, force: true });
  if (rec.bridge) await removePodNetwork({ bridgeName: rec.bridge, ipamDataDir: rec.ipamDataDir });
  if (rec.cgroupRoot) removeCgroup(rec.cgroupRoot);
  await cleanupPortmapChains(rec.tablesBefore);
  rmSync(recordPath(dataDir), { force: true });
  return true;
}

export class CriNode {
  private constructor(
    readonly opts: CriNodeOptions,
    readonly client: CriClient,
    readonly endpoint: string,
    readonly containerd: ManagedContainerd | undefined,
    readonly bridgeName: string,
    readonly cgroupRoot: string,
    readonly ipamDataDir: string,
    private readonly tablesBefore?: string[],
  ) {}

  /** the cgroup parent of a pod's sandbox and containers */
  podCgroup(uid: string): string {
    return `${this.cgroupRoot}/pod${uid}`;
  }

  static async start(o: CriNodeOptions): Promise<CriNode> {
    const cgroupRoot = o.cgroupRoot ?? `/timonel/${o.nodeName}`;
    const ipamDataDir = join(containerdPaths(o.dataDir).base, 'cni', 'ipam');
    const bridge = o.bridgeName ?? bridgeNameForNode(o.nodeName);
    if (!o.endpoint && isLoopbackCidr(o.podCidr)) {
      throw new Error(`pod CIDR ${o.podCidr} is on the loopback network (a 'process' runtime range): the cri runtime needs a range a bridge can route, e.g. one /24 of 10.244.0.0/16`);
    }
    if (o.endpoint) {
      const client = new CriClient(o.endpoint);
      await client.version();
      return new CriNode(o, client, o.endpoint, undefined, bridge, cgroupRoot, ipamDataDir);
    }
    await cleanupStaleNode(o.dataDir);
    const tablesBefore = await nftTables();
    const containerd = await ManagedContainerd.start({
      dataDir: o.dataDir,
      binary: o.containerdBinary,
      sandboxImage: PAUSE_IMAGE,
      plainHttpRegistries: o.plainHttpRegistries,
      restoreIpForward: o.restoreIpForward,
    });
    const rec: NodeRecord = { containerdPid: containerd.pid, bridge, cgroupRoot, ipamDataDir, socket: containerd.paths.socket, tablesBefore };
    writeFileSync(recordPath(o.dataDir), JSON.stringify(rec) + '\n');
    const client = new CriClient(containerd.endpoint);
    const node = new CriNode(o, client, containerd.endpoint, containerd, bridge, cgroupRoot, ipamDataDir, tablesBefore);
    try {
      // pods of a previous run (containerd keeps their records in its root) are stale: the
      // kubelet starts its pods afresh, as with the process runtime
      for (const sb of await client.listPodSandbox()) {
        try { await client.stopPodSandbox(sb.id); } catch { /* removal below */ }
        try { await client.removePodSandbox(sb.id); } catch { /* left to the kubelet's own cleanup */ }
      }
      writeCniConfig(containerd.paths.cniConfDir, { podCidr: o.podCidr, ipamDataDir, bridgeName: bridge });
      await ensurePauseImage(containerd.paths.socket, join(o.dataDir, 'images'));
      if (o.preloadBusybox && existsSync(BUSYBOX_BINARY)) {
        await importImage(containerd.paths.socket, await buildBusyboxImage(join(o.dataDir, 'images')), LOCAL_BUSYBOX_IMAGE);
        node.preloaded.push(LOCAL_BUSYBOX_IMAGE);
      }
      await node.waitNetworkReady(o.networkReadyTimeoutMs ?? 20_000);
    } catch (e) {
      await node.stop();
      throw e;
    }
    return node;
  }

  /** waits until containerd has loaded the CNI config (Status NetworkReady=true) */
  async waitNetworkReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const st = await this.client.status();
      const net = st.conditions.find((c) => c.type === 'NetworkReady');
      if (net?.status) return;
      last = net ? `${net.reason}: ${net.message}` : 'no NetworkReady condition';
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`CRI network not ready: ${last}`);
  }

  /** adds a plain-HTTP registry (`127.0.0.1:PORT`) to a managed containerd */
  addPlainHttpRegistry(host: string): void {
    if (!this.containerd) throw new Error('registry config needs a containerd started by timonel');
    this.containerd.addPlainHttpRegistry(host);
  }

  private stopped = false;
  /** images imported at start besides the pause image */
  readonly preloaded: string[] = [];

  /** removes every pod, stops a managed containerd and cleans the network and cgroups */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.containerd) {
      this.client.close();
      return;
    }
    // pods first, while containerd still runs CNI DEL for them
    try {
      for (const sb of await this.client.listPodSandbox()) {
        try { await this.client.stopPodSandbox(sb.id); } catch { /* retried by remove */ }
        try { await this.client.removePodSandbox(sb.id); } catch { /* cleaned below */ }
      }
    } catch { /* containerd gone: cleaned below */ }
    this.client.close();
    await this.containerd.stop({ removePods: false });
    await removePodNetwork({ bridgeName: this.bridgeName, ipamDataDir: this.ipamDataDir });
    removeCgroup(this.cgroupRoot);
    await cleanupPortmapChains(this.tablesBefore);
    rmSync(recordPath(this.opts.dataDir), { force: true });
  }

  get managed(): boolean {
    return this.containerd !== undefined;
  }

  /** true when the node record of a previous run exists (for diagnostics) */
  static hasRecord(dataDir: string): boolean {
    return existsSync(recordPath(dataDir));
  }
}
