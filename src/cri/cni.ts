// The pod network of a node: a CNI network config list (bridge + host-local IPAM + portmap) built
// from the node's podCIDR (Node.spec.podCIDR), written into the conf_dir containerd's CRI plugin
// watches. The loopback interface of each pod is brought up by containerd's CRI itself (it runs the
// `loopback` plugin from the same bin_dir before this list), so the list does not repeat it.
//
// - bridge: every pod's veth on one Linux bridge per node; the bridge holds the range's first
//   address and is each pod's default gateway (isGateway), so the host reaches pods on their IPs;
//   hairpin mode lets a pod reach itself through a hostPort; no masquerading (ipMasq false): pod
//   traffic never leaves this machine.
// - host-local: addresses from the podCIDR, its allocations kept under our data dir.
// - portmap: hostPort mappings (DNAT on the host).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const CNI_CONF_FILE = '10-timonel.conflist';
export const DEFAULT_BRIDGE = 'timonel0';
export const DEFAULT_NETWORK_NAME = 'timonel';

export interface CniOptions {
  /** the node's pod range, e.g. 10.244.1.0/24 (IPv4) */
  podCidr: string;
  /** directory where host-local keeps its allocations */
  ipamDataDir: string;
  /** Linux bridge name (at most 15 characters; default timonel0) */
  bridgeName?: string;
  networkName?: string;
  mtu?: number;
}

export interface Ipv4Cidr {
  /** network address as a 32-bit unsigned number */
  network: number;
  prefix: number;
}

export function parseIpv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** parses `a.b.c.d/n`; throws on anything else or when host bits are set */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr {
  const slash = cidr.indexOf('/');
  const ip = slash < 0 ? undefined : parseIpv4(cidr.slice(0, slash));
  const prefixText = slash < 0 ? '' : cidr.slice(slash + 1);
  const prefix = /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(cidr)}`);
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) throw new Error(`CIDR ${cidr} has host bits set`);
  return { network: ip, prefix };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseIpv4Cidr(cidr);
  const n = parseIpv4(ip);
  if (n === undefined) return false;
  const size = 2 ** (32 - c.prefix);
  return n >= c.network && n < c.network + size;
}

/** the bridge's (gateway's) address: the range's first host address */
export function gatewayOf(cidr: string): string {
  const c = parseIpv4Cidr(cidr);
  if (c.prefix > 30) throw new Error(`pod CIDR ${cidr} is too small (at most /30)`);
  return formatIpv4(c.network + 1);
}

export function validBridgeName(name: string): boolean {
  return /^[A-Za-z0-9_.\-]{1,15}$/.test(name);
}

/** the CNI network config list (cniVersion 1.0.0, understood by containerd 1.6 and plugins 1.1) */
export function cniConflist(o: CniOptions): Record<string, unknown> {
  const bridge = o.bridgeName ?? DEFAULT_BRIDGE;
  if (!validBridgeName(bridge)) throw new Error(`invalid bridge name ${JSON.stringify(bridge)} (1-15 characters of [A-Za-z0-9_.-])`);
  const gateway = gatewayOf(o.podCidr);
  const bridgePlugin: Record<string, unknown> = {
    type: 'bridge',
    bridge,
    isGateway: true,
    isDefaultGateway: false,
    ipMasq: false,
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: o.podCidr, gateway }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: o.ipamDataDir,
    },
  };
  if (o.mtu) bridgePlugin['mtu'] = o.mtu;
  return {
    cniVersion: '1.0.0',
    name: o.networkName ?? DEFAULT_NETWORK_NAME,
    plugins: [
      bridgePlugin,
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** writes the conflist into `confDir` (atomically: containerd watches the directory) */
export function writeCniConfig(confDir: string, o: CniOptions): string {
  mkdirSync(confDir, { recursive: true });
  mkdirSync(o.ipamDataDir, { recursive: true });
  const file = join(confDir, CNI_CONF_FILE);
  const tmp = join(confDir, `.${CNI_CONF_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(cniConflist(o), null, 2) + '\n');
  renameSync(tmp, file);
  return file;
}

/** deletes the node's bridge (after every pod is gone) and host-local's allocations */
export async function removePodNetwork(o: { bridgeName?: string; ipamDataDir?: string }): Promise<void> {
  try {
    await execFileP('ip', ['link', 'del', o.bridgeName ?? DEFAULT_BRIDGE]);
  } catch { /* not there */ }
  if (o.ipamDataDir) rmSync(o.ipamDataDir, { recursive: true, force: true });
}

/** a bridge name for a node, stable and distinct per node name (for several nodes on one host) */
export function bridgeNameForNode(nodeName: string): string {
  let h = 2166136261;
  for (let i = 0; i < nodeName.length; i++) {
    h ^= nodeName.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return 'tmnl' + h.toString(16).padStart(8, '0');
}

async function tryRun(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP(cmd, args, { timeout: 10_000 });
    return stdout;
  } catch {
    return undefined;
  }
}

/** nftables tables present now (`ip nat`, `ip6 nat`, ...); empty when nft is unavailable */
export async function nftTables(): Promise<string[]> {
  const out = await tryRun('nft', ['list', 'tables']);
  return (out ?? '').split('\n').map((l) => l.replace(/^table\s+/, '').trim()).filter(Boolean);
}

const PORTMAP_JUMPS: Array<[string, string[]]> = [
  ['PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']],
  ['OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']],
  ['POSTROUTING', ['-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ']],
];

/**
 * Removes the portmap plugin's top-level nat chains when no pod on this host maps a hostPort any
 * more (CNI-HOSTPORT-DNAT has no rules; portmap re-creates the chains at its next use), and the
 * `nat` tables that were not there before (`tablesBefore`, from nftTables()) if they are empty.
 */
export async function cleanupPortmapChains(tablesBefore?: string[]): Promise<void> {
  for (const bin of ['iptables', 'ip6tables']) {
    const dnat = await tryRun(bin, ['-w', '-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT']);
    if (dnat === undefined) continue; // no such chain (or no iptables)
    if (dnat.split('\n').some((l) => l.startsWith('-A '))) continue; // still in use
    for (const [chain, rule] of PORTMAP_JUMPS) {
      while ((await tryRun(bin, ['-w', '-t', 'nat', '-D', chain, ...rule])) !== undefined) { /* every copy */ }
    }
    for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
      await tryRun(bin, ['-w', '-t', 'nat', '-F', chain]);
      await tryRun(bin, ['-w', '-t', 'nat', '-X', chain]);
    }
  }
  if (!tablesBefore) return;
  const version = (await tryRun('iptables', ['-V'])) ?? '';
  if (!version.includes('nf_tables')) return;
  for (const table of ['ip nat', 'ip6 nat']) {
    if (tablesBefore.includes(table)) continue;
    const [family, name] = table.split(' ') as [string, string];
    const listing = await tryRun('nft', ['list', 'table', family, name]);
    if (listing === undefined) continue;
    // only base chains without rules: nothing of anyone else's
    const body = listing.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('table') && !l.startsWith('chain') && !l.startsWith('type ') && l !== '}');
    if (body.length === 0) await tryRun('nft', ['delete', 'table', family, name]);
  }
}

/** the cluster CIDR node ranges for the `cri` runtime come from (as kube-controller-manager's default in kubeadm/flannel setups) */
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';

/** true for ranges inside 127.0.0.0/8, which a Linux bridge cannot route (the `process` runtime's ranges) */
export function isLoopbackCidr(cidr: string): boolean {
  return parseIpv4Cidr(cidr).network >>> 24 === 127;
}

/**
 * the first `/prefix` range of `clusterCidr` overlapping none of `used` (a node's podCIDR for the
 * `cri` runtime); entries that are not IPv4 CIDRs are ignored
 */
export function choosePodCidrFrom(used: Iterable<string>, clusterCidr = DEFAULT_CLUSTER_CIDR, prefix = 24): string {
  const cluster = parseIpv4Cidr(clusterCidr);
  if (prefix < cluster.prefix || prefix > 30) throw new Error(`node prefix /${prefix} does not fit in ${clusterCidr}`);
  const taken: Array<[number, number]> = [];
  for (const u of used) {
    let c: Ipv4Cidr;
    try { c = parseIpv4Cidr(u); } catch { continue; }
    taken.push([c.network, c.network + 2 ** (32 - c.prefix)]);
  }
  const step = 2 ** (32 - prefix);
  const count = 2 ** (prefix - cluster.prefix);
  for (let i = 0; i < count; i++) {
    const start = cluster.network + i * step;
    const end = start + step;
    if (!taken.some(([a, b]) => a < end && start < b)) return `${formatIpv4(start)}/${prefix}`;
  }
  throw new Error(`no free /${prefix} left in ${clusterCidr}`);
}

/**
 * IPv4 ranges routed directly on an interface of this host (from /proc/net/route: no gateway, not
 * the default route), e.g. another node's pod bridge: a new node's pod range must not overlap them.
 */
export function connectedIpv4Ranges(routeTable?: string): string[] {
  let text = routeTable;
  if (text === undefined) {
    try { text = readFileSync('/proc/net/route', 'utf8'); } catch { return []; }
  }
  const hex = (h: string) => {
    // the kernel prints addresses in host byte order (little-endian here)
    const n = parseInt(h, 16) >>> 0;
    return (((n & 0xff) << 24) >>> 0) + (((n >>> 8) & 0xff) << 16) + (((n >>> 16) & 0xff) << 8) + ((n >>> 24) & 0xff);
  };
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const flags = parseInt(f[3]!, 16);
    if (!(flags & 0x1) || flags & 0x2) continue; // down, or via a gateway
    const mask = hex(f[7]!);
    let prefix = 0;
    while (prefix < 32 && mask & (0x80000000 >>> prefix)) prefix++;
    if (prefix === 0) continue;
    out.push(`${formatIpv4((hex(f[1]!) & mask) >>> 0)}/${prefix}`);
  }
  return out;
}
