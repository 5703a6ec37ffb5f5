// Test support for CRI end-to-end tests: why they cannot run here (if so), and a node with its own
// containerd, pod network, local registry and busybox image, cleaned up completely afterwards
// (also when a previous run of the same test died: its data dir is fixed per test name, and removed
// once a run has stopped cleanly).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findContainerd } from './containerd.js';
import { cidrContains } from './cni.js';
import { BUSYBOX_TAG, LocalRegistry, buildBusyboxImage, missingImageTools } from './images.js';
import { CriNode, cleanupStaleNode } from './node.js';

/** a reason the CRI e2e tests cannot run on this machine, or undefined when they can */
export function criSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'CRI tests need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'CRI tests need root (containerd, network namespaces, mounts)';
  if (!findContainerd()) return 'containerd not installed: apt-get install containerd runc containernetworking-plugins';
  if (!existsSync('/usr/sbin/runc') && !existsSync('/usr/bin/runc')) return 'runc not installed: apt-get install runc';
  for (const p of ['bridge', 'host-local', 'loopback', 'portmap']) {
    if (!existsSync(join('/usr/lib/cni', p))) return `CNI plugin ${p} missing: apt-get install containernetworking-plugins`;
  }
  const missing = missingImageTools();
  if (missing.length) return `image tools missing (${missing.join(', ')}): apt-get install umoci skopeo docker-registry busybox-static catatonit`;
  return undefined;
}

export const E2E_ROOT = '/tmp/timonel-cri-e2e';

export interface CriTestEnv {
  dir: string;
  node: CriNode;
  registry: LocalRegistry;
  /** `127.0.0.1:PORT/busybox:1.36`, in the registry (not yet in containerd) */
  busybox: string;
  podCidr: string;
  /** stops everything and checks nothing is left (throws listing what leaked) */
  stop(): Promise<void>;
}

/** network namespaces, mounts, veths and processes the node still has (for leak checks) */
export function leftovers(env: { dir: string; node: CriNode }): string[] {
  const out: string[] = [];
  const base = env.node.containerd?.paths;
  if (base) {
    const netnsDir = base.netns;
    if (existsSync(netnsDir)) for (const f of readdirSync(netnsDir)) out.push(`netns ${f}`);
  }
  const mi = readFileSync('/proc/self/mountinfo', 'utf8');
  for (const line of mi.split('\n')) {
    const mp = line.split(' ')[4];
    if (mp && mp.startsWith(env.dir + '/')) out.push(`mount ${mp}`);
  }
  const ipam = join(env.dir, 'containerd', 'cni', 'ipam');
  if (existsSync(ipam)) {
    for (const net of readdirSync(ipam)) {
      for (const f of readdirSync(join(ipam, net))) if (/^\d+\.\d+\.\d+\.\d+$/.test(f)) out.push(`ip ${f}`);
    }
  }
  return out;
}

/** veth interfaces attached to `bridge` */
export function bridgePorts(bridge: string): string[] {
  const dir = `/sys/class/net/${bridge}/brif`;
  try { return readdirSync(dir); } catch { return []; }
}

/**
 * Starts a CRI node for test `name` with pod range `podCidr` (distinct per test file: several
 * may run at once) and a registry holding busybox.
 */
export async function startCriTestEnv(name: string, podCidr: string): Promise<CriTestEnv> {
  const dir = join(E2E_ROOT, name);
  mkdirSync(dir, { recursive: true });
  await cleanupStaleNode(dir);
  const img = await buildBusyboxImage(join(dir, 'images'));
  const registry = await LocalRegistry.start(join(dir, 'registry'));
  let node: CriNode | undefined;
  try {
    const busybox = await registry.push(img, `busybox:${BUSYBOX_TAG}`);
    node = await CriNode.start({
      dataDir: dir, nodeName: `e2e-${name}`, podCidr, plainHttpRegistries: [registry.host], restoreIpForward: true,
    });
    const n = node;
    return {
      dir, node: n, registry, busybox, podCidr,
      async stop() {
        await n.stop();
        await registry.stop();
        const left = [...leftovers({ dir, node: n }), ...bridgePorts(n.bridgeName).map((p) => `bridge port ${p}`)];
        if (existsSync(`/sys/class/net/${n.bridgeName}`)) left.push(`bridge ${n.bridgeName}`);
        if (left.length) throw new Error(`left behind: ${left.join(', ')}`);
        // nothing mounted or running is left: the data dir goes too (a run that died keeps it, so
        // the next run finds its record and cleans up)
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (node) await node.stop();
    await registry.stop();
    throw e;
  }
}

export { cidrContains };
