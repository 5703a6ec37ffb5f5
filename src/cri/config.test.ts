import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addPlainHttpRegistry, containerdConfigToml, containerdMissingMessage, containerdPaths, mountsUnder, plainHttpHostsToml,
} from './containerd.js';
import {
  bridgeNameForNode, choosePodCidrFrom, cidrContains, connectedIpv4Ranges, cniConflist, gatewayOf, isLoopbackCidr, parseIpv4Cidr, validBridgeName,
  writeCniConfig, CNI_CONF_FILE,
} from './cni.js';
import { cgroupHierarchies } from './cgroups.js';
import { criUnavailableMessage } from './node.js';
import { registryConfigYaml } from './images.js';

test('containerd config: own root, state and socket under the data dir; settings this machine needs', () => {
  const p = containerdPaths('/var/lib/tm');
  assert.equal(p.socket, '/var/lib/tm/containerd/containerd.sock');
  const toml = containerdConfigToml(p, { sandboxImage: 'timonel.local/pause:3.9' });
  const line = (re: RegExp) => assert.match(toml, re);
  line(/^version = 2$/m);
  line(/^root = "\/var\/lib\/tm\/containerd\/root"$/m);
  line(/^state = "\/var\/lib\/tm\/containerd\/state"$/m);
  line(/^\[grpc\]\n  address = "\/var\/lib\/tm\/containerd\/containerd.sock"$/m);
  line(/^\[plugins\."io\.containerd\.grpc\.v1\.cri"\]\n  sandbox_image = "timonel\.local\/pause:3\.9"\n  restrict_oom_score_adj = true$/m);
  line(/^  netns_mounts_under_state_dir = true$/m);
  line(/^  stream_server_address = "127\.0\.0\.1"$/m);
  line(/^\[plugins\."io\.containerd\.grpc\.v1\.cri"\.cni\]\n  bin_dir = "\/usr\/lib\/cni"\n  conf_dir = "\/var\/lib\/tm\/containerd\/cni\/net\.d"$/m);
  line(/^\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\]\n  config_path = "\/var\/lib\/tm\/containerd\/certs\.d"$/m);
  line(/^  SystemdCgroup = false$/m);
  // every table header appears once (TOML forbids repeats)
  const headers = toml.split('\n').filter((l) => l.startsWith('['));
  assert.equal(new Set(headers).size, headers.length);
});

test('containerd config: strings are escaped, runc binary and log level are honoured', () => {
  const p = containerdPaths('/tmp/a "b"');
  const toml = containerdConfigToml(p, { sandboxImage: 'x/pause:1', runcBinary: '/usr/sbin/runc', logLevel: 'debug' });
  assert.match(toml, /^root = "\/tmp\/a \\"b\\"\/containerd\/root"$/m);
  assert.match(toml, /^  BinaryName = "\/usr\/sbin\/runc"$/m);
  assert.match(toml, /^\[debug\]\n  level = "debug"$/m);
});

test('registry hosts.toml: plain HTTP for a loopback registry', () => {
  assert.equal(plainHttpHostsToml('127.0.0.1:5000'),
    'server = "http://127.0.0.1:5000"\n\n[host."http://127.0.0.1:5000"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n');
  const dir = mkdtempSync(join(tmpdir(), 'tm-certs-'));
  try {
    addPlainHttpRegistry(dir, '127.0.0.1:40000');
    assert.match(readFileSync(join(dir, '127.0.0.1:40000', 'hosts.toml'), 'utf8'), /^server = "http:\/\/127\.0\.0\.1:40000"$/m);
    assert.throws(() => addPlainHttpRegistry(dir, '../etc'), /invalid registry host/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing containerd: one line naming the fallback runtime', () => {
  const m = containerdMissingMessage('/nope/containerd');
  assert.ok(!m.includes('\n'));
  assert.match(m, /containerd is not installed \(\/nope\/containerd not found/);
  assert.match(m, /'process' runtime/);
});

test('CNI conflist: bridge + host-local from the podCIDR, gateway, no masquerade, hairpin, portmap', () => {
  const conf = cniConflist({ podCidr: '10.244.3.0/24', ipamDataDir: '/d/ipam', bridgeName: 'tmnl0' }) as {
    cniVersion: string; name: string; plugins: Array<Record<string, unknown>>;
  };
  assert.equal(conf.cniVersion, '1.0.0');
  assert.equal(conf.name, 'timonel');
  assert.deepEqual(conf.plugins.map((p) => p['type']), ['bridge', 'portmap']);
  const br = conf.plugins[0]!;
  assert.equal(br['bridge'], 'tmnl0');
  assert.equal(br['isGateway'], true);
  assert.equal(br['ipMasq'], false);
  assert.equal(br['hairpinMode'], true);
  assert.deepEqual(br['ipam'], {
    type: 'host-local', ranges: [[{ subnet: '10.244.3.0/24', gateway: '10.244.3.1' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: '/d/ipam',
  });
  assert.deepEqual(conf.plugins[1]!['capabilities'], { portMappings: true });
  assert.throws(() => cniConflist({ podCidr: '10.244.3.0/24', ipamDataDir: '/d', bridgeName: 'much-too-long-bridge' }), /invalid bridge name/);
  assert.throws(() => cniConflist({ podCidr: '10.244.3.1/24', ipamDataDir: '/d' }), /host bits/);
});

test('CNI config file is written atomically into the conf dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-cni-'));
  try {
    const f = writeCniConfig(join(dir, 'net.d'), { podCidr: '10.1.0.0/16', ipamDataDir: join(dir, 'ipam') });
    assert.equal(f, join(dir, 'net.d', CNI_CONF_FILE));
    const conf = JSON.parse(readFileSync(f, 'utf8')) as { plugins: Array<{ ipam?: { ranges: Array<Array<{ gateway: string }>> } }> };
    assert.equal(conf.plugins[0]!.ipam!.ranges[0]![0]!.gateway, '10.1.0.1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CIDR helpers', () => {
  assert.deepEqual(parseIpv4Cidr('10.244.0.0/16'), { network: (10 * 2 ** 24) + (244 << 16), prefix: 16 });
  assert.throws(() => parseIpv4Cidr('10.244.0.0'), /invalid/);
  assert.throws(() => parseIpv4Cidr('10.300.0.0/16'), /invalid/);
  assert.throws(() => parseIpv4Cidr('10.0.0.0/33'), /invalid/);
  assert.equal(gatewayOf('192.168.7.0/24'), '192.168.7.1');
  assert.throws(() => gatewayOf('10.0.0.0/31'), /too small/);
  assert.equal(cidrContains('10.244.1.0/24', '10.244.1.77'), true);
  assert.equal(cidrContains('10.244.1.0/24', '10.244.2.1'), false);
  assert.equal(cidrContains('10.244.1.0/24', 'nonsense'), false);
});

test('bridge names per node: valid, stable, distinct', () => {
  const a = bridgeNameForNode('node-a');
  assert.equal(a, bridgeNameForNode('node-a'));
  assert.notEqual(a, bridgeNameForNode('node-b'));
  assert.ok(validBridgeName(a), a);
  assert.ok(validBridgeName(bridgeNameForNode('x'.repeat(300))));
});

test('mountsUnder: deepest first, octal escapes decoded, prefixes matched on path boundaries', () => {
  const mi = [
    '36 25 0:32 / /d/root rw - ext4 /dev/vda rw',
    '37 36 0:33 / /d/root/io.containerd/x rw - overlay overlay rw',
    '38 25 0:34 / /d/state/netns/cni-1 rw - nsfs nsfs rw',
    '39 25 0:35 / /d/rootless rw - tmpfs tmpfs rw',
    '40 25 0:36 / /d/state/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(mountsUnder(['/d/root', '/d/state'], mi), [
    '/d/root/io.containerd/x', '/d/state/netns/cni-1', '/d/state/with space', '/d/root',
  ]);
});

test('cgroup hierarchies from mountinfo: v1 controllers, cgroup2, hybrid', () => {
  const mi = [
    '30 25 0:26 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw',
    '31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
    '32 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
    '33 25 0:29 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd',
    '34 25 0:28 /sub /mnt/bind rw - cgroup cgroup rw,memory',
  ].join('\n');
  assert.deepEqual(cgroupHierarchies(mi), [
    { mount: '/sys/fs/cgroup/unified', controllers: [], version: 2 },
    { mount: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'], version: 1 },
    { mount: '/sys/fs/cgroup/memory', controllers: ['memory'], version: 1 },
    { mount: '/sys/fs/cgroup/systemd', controllers: ['name=systemd'], version: 1 },
  ]);
});

test('docker-registry config listens on loopback only', () => {
  const y = registryConfigYaml('/r/data', 5123);
  assert.match(y, /^  addr: 127\.0\.0\.1:5123$/m);
  assert.match(y, /^    rootdirectory: "\/r\/data"$/m);
});

test('node pod ranges for the cri runtime come from the cluster CIDR, never the loopback network', () => {
  assert.equal(choosePodCidrFrom([]), '10.244.0.0/24');
  assert.equal(choosePodCidrFrom(['10.244.0.0/24', '10.244.1.0/24', '127.1.0.0/16']), '10.244.2.0/24');
  assert.equal(choosePodCidrFrom(['10.0.0.0/25'], '10.0.0.0/24', 25), '10.0.0.128/25');
  assert.throws(() => choosePodCidrFrom(['10.0.0.0/25', '10.0.0.128/25'], '10.0.0.0/24', 25), /no free \/25/);
  assert.throws(() => choosePodCidrFrom([], '10.0.0.0/24', 16), /does not fit/);
  assert.equal(choosePodCidrFrom(['10.244.0.0/26', 'fd00::/64', 'junk']), '10.244.1.0/24', 'a smaller overlapping range takes the /24');
  assert.equal(choosePodCidrFrom(['10.244.0.0/23']), '10.244.2.0/24', 'a larger one takes both');
  assert.equal(isLoopbackCidr('127.1.0.0/16'), true);
  assert.equal(isLoopbackCidr('10.244.1.0/24'), false);
});

test('directly connected IPv4 ranges from /proc/net/route (no default, no gateway routes)', () => {
  const table = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    'tmnl1\t00C9F40A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    'tmnl2\t00CBF40A\t00000000\t0001\t0\t0\t0\tC0FFFFFF\t0\t0\t0',
    'eth0\t0000000A\t010200C0\t0003\t0\t0\t0\t000000FF\t0\t0\t0',
  ].join('\n');
  assert.deepEqual(connectedIpv4Ranges(table), ['192.0.2.0/24', '10.244.201.0/24', '10.244.203.0/26']);
  assert.ok(Array.isArray(connectedIpv4Ranges()));
});

test('why a machine cannot run a cri node: one line naming the fallback', () => {
  const all = new Set(['/usr/bin/containerd', '/usr/sbin/runc', '/usr/bin/ctr', '/usr/bin/umoci', '/usr/bin/skopeo', '/usr/bin/catatonit',
    ...['bridge', 'host-local', 'loopback', 'portmap'].map((p) => `/usr/lib/cni/${p}`)]);
  const host = (without: string[] = [], uid = 0, platform = 'linux') => ({ platform, uid, exists: (p: string) => all.has(p) && !without.includes(p) });
  assert.equal(criUnavailableMessage('process', host()), undefined);
  const noContainerd = criUnavailableMessage('process', host(['/usr/bin/containerd']));
  assert.equal(noContainerd, containerdMissingMessage());
  assert.match(noContainerd!, /^containerd is not installed .*: using the 'process' runtime instead of 'cri'$/);
  assert.doesNotMatch(noContainerd!, /\n/);
  assert.match(criUnavailableMessage('process', host([], 1000))!, /needs root.*using the 'process' runtime/);
  assert.equal(
    criUnavailableMessage('process', host(['/usr/lib/cni/portmap', '/usr/bin/umoci'])),
    "the cri runtime needs CNI plugin portmap, umoci (apt-get install containernetworking-plugins umoci): using the 'process' runtime instead of 'cri'",
  );
  assert.match(criUnavailableMessage('process', host([], 0, 'darwin'))!, /needs Linux/);
});
