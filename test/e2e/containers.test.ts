// Acceptance (issue 4): real containers through containerd. `timonel up --runtime cri` (containerd
// started by timonel, CNI bridge, pause image built locally) driven with the real kubectl; images
// pulled from a docker-registry on 127.0.0.1 that the images script (scripts/images/build.sh
// --serve) builds and serves. Needs root and Debian's containerd, runc, containernetworking-plugins,
// docker-registry, skopeo, umoci, busybox-static, catatonit: skipped with the reason otherwise.
//
// Everything made here is removed at the end, also when a test fails: the cluster is stopped
// (pods, containerd, bridge, cgroups), then whatever a dead run left is cleaned from its record,
// the registry is stopped, and the last test checks that nothing is left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, kubectl, kc, eventually, REPO, type Cluster } from './harness.js';
import { criSkipReason } from '../../src/cri/testenv.js';
import { bridgeNameForNode, choosePodCidrFrom, cidrContains, connectedIpv4Ranges } from '../../src/cri/cni.js';
import { containerdPaths } from '../../src/cri/containerd.js';
import { cleanupStaleNode } from '../../src/cri/node.js';
import { cgroupDir, readCgroupFile } from '../../src/cri/cgroups.js';
import { freePort } from '../../src/cri/images.js';
import { mountTypeAt, mountsBelow } from '../../src/cri/tmpfs.js';
import { CriClient } from '../../src/cri/client.js';

const skip = criSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// one node; its name is unique per run (bridge tmnl<hash>, cgroup /timonel/<node>), its pod range a
// /24 of 10.244.128.0/17 that no interface of this host routes (other cri tests use 10.244.20x)
const NODE = `e2e-ctr-${process.pid}`;
let podCidr = '';
let registry: ChildProcess | undefined;
let registryHost = '';
let imagesDir = '';
let c: Cluster | undefined;
let agentDir = '';
let busybox = '';

interface PodJson {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: {
    phase?: string; podIP?: string; qosClass?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: ContainerStatusJson[];
    initContainerStatuses?: ContainerStatusJson[];
  };
}
interface ContainerStatusJson {
  name: string; ready: boolean; restartCount: number; containerID?: string; imageID?: string;
  state?: { running?: object; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

function cluster(): Cluster {
  if (!c) throw new Error('no cluster');
  return c;
}

async function pod(name: string): Promise<PodJson> {
  return JSON.parse(await kc(cluster(), ['get', 'pod', name, '-o', 'json'])) as PodJson;
}

async function podsBy(selector: string): Promise<PodJson[]> {
  const l = JSON.parse(await kc(cluster(), ['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJson[] };
  return l.items.filter((p) => !p.metadata.deletionTimestamp);
}

function containerStatus(p: PodJson, name: string): ContainerStatusJson | undefined {
  return [...(p.status.containerStatuses ?? []), ...(p.status.initContainerStatuses ?? [])].find((s) => s.name === name);
}

async function apply(manifest: object): Promise<void> {
  await kc(cluster(), ['apply', '-f', '-'], { input: JSON.stringify(manifest) });
}

async function waitRunning(name: string, timeoutMs = 60_000): Promise<PodJson> {
  try {
    return await eventually(async () => {
      const p = await pod(name);
      const all = [...(p.status.containerStatuses ?? []), ...(p.status.initContainerStatuses ?? [])];
      return p.status.phase === 'Running' && all.length > 0 && all.every((s) => s.state?.running) ? p : undefined;
    }, timeoutMs, `pod ${name} running`);
  } catch (err) {
    const d = await kubectl(cluster(), ['describe', 'pod', name]);
    (err as Error).message += `\n${d.stdout}${d.stderr}`;
    throw err;
  }
}

/** an HTTP GET from the host */
async function hostGet(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** the cgroup of a container (cgroup_parent /timonel/<node>/pod<uid>, then the container id) */
function containerCgroup(p: PodJson, container: string): string {
  const id = containerStatus(p, container)?.containerID?.replace(/^containerd:\/\//, '');
  assert.ok(id, `container ${container} of ${p.metadata.name} has an id`);
  return `/timonel/${NODE}/pod${p.metadata.uid}/${id}`;
}

/** what a pod leaves on the node while it exists: network namespaces, IPs, mounts, veths */
function nodeState(): { netns: string[]; ips: string[]; mounts: string[]; veths: string[] } {
  const paths = containerdPaths(agentDir);
  const netns = existsSync(paths.netns) ? readdirSync(paths.netns).sort() : [];
  const ips: string[] = [];
  const ipam = join(paths.base, 'cni', 'ipam');
  if (existsSync(ipam)) {
    for (const net of readdirSync(ipam)) for (const f of readdirSync(join(ipam, net))) if (/^\d+\.\d+\.\d+\.\d+$/.test(f)) ips.push(f);
  }
  const mounts = mountsBelow(agentDir).sort();
  const brif = `/sys/class/net/${bridgeNameForNode(NODE)}/brif`;
  const veths = existsSync(brif) ? readdirSync(brif).sort() : [];
  return { netns, ips: ips.sort(), mounts, veths };
}

async function sandboxCount(): Promise<number> {
  const client = new CriClient(`unix://${containerdPaths(agentDir).socket}`);
  try {
    return (await client.listPodSandbox()).length;
  } finally {
    client.close();
  }
}

/** the images script serving busybox and pause from a docker-registry on 127.0.0.1:port */
async function startRegistry(): Promise<void> {
  imagesDir = mkdtempSync(join(tmpdir(), 'timonel-e2e-images-'));
  const port = await freePort();
  registryHost = `127.0.0.1:${port}`;
  const proc = spawn('bash', [join(REPO, 'scripts/images/build.sh'), imagesDir, '--serve', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  registry = proc;
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const deadline = Date.now() + 180_000;
  while (!/serving /.test(out)) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the images script exited:\n${out}`);
    if (Date.now() > deadline) throw new Error(`the images script did not serve in time:\n${out}`);
    await sleep(100);
  }
  busybox = `${registryHost}/busybox:1.36`;
}

async function stopRegistry(): Promise<void> {
  const p = registry;
  if (!p || p.pid === undefined) return;
  const done = () => p.exitCode !== null || p.signalCode !== null;
  if (!done()) {
    // the script's process group: the node script and its docker-registry
    try { process.kill(-p.pid, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 100 && !done(); i++) await sleep(100);
  }
  try { process.kill(-p.pid, 'SIGKILL'); } catch { /* all gone */ }
  registry = undefined;
}

/** deletes pods a test made, also when it failed (the next tests want a quiet node) */
async function deletePods(names: string[]): Promise<void> {
  if (!c || stopped) return;
  await kubectl(c, ['delete', 'pod', ...names, '--ignore-not-found', '--wait=false']);
}

/**
 * A registry that wants credentials: a proxy on 127.0.0.1 in front of the test registry that
 * answers 401 with a Basic challenge unless the request carries `user:secret`.
 */
const AUTH = { user: 'puller', password: 's3cret' };
let authProxy: http.Server | undefined;
let authHost = '';
const authSeen = { withCredentials: 0, without: 0 };

async function startAuthProxy(): Promise<void> {
  const want = `Basic ${Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64')}`;
  const [rhost, rport] = registryHost.split(':') as [string, string];
  authProxy = http.createServer((req, res) => {
    if (req.headers.authorization !== want) {
      authSeen.without++;
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="timonel-e2e"', 'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    authSeen.withCredentials++;
    const headers = { ...req.headers, host: registryHost };
    delete headers.authorization;
    const up = http.request({ host: rhost, port: Number(rport), method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => authProxy!.listen(0, '127.0.0.1', r));
  authHost = `127.0.0.1:${(authProxy.address() as AddressInfo).port}`;
}

async function stopAuthProxy(): Promise<void> {
  const p = authProxy;
  authProxy = undefined;
  if (!p) return;
  p.closeAllConnections();
  await new Promise<void>((r) => p.close(() => r()));
}

let stopped = false;

/** stops the cluster (SIGTERM: the agent removes pods and stops containerd), then cleans what is left */
async function stopCluster(): Promise<void> {
  if (stopped || !c) return;
  stopped = true;
  const p = c.proc;
  if (p.exitCode === null && p.signalCode === null) {
    p.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      new Promise<boolean>((r) => p.once('exit', () => r(true))),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), 60_000); }),
    ]);
    clearTimeout(timer);
    if (!exited) {
      p.kill('SIGKILL');
      await new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(undefined) : p.once('exit', r)));
    }
  }
  // a run that died (or was killed above) left its record: containerd, shims, mounts, bridge, cgroups
  if (agentDir) await cleanupStaleNode(agentDir);
}

before(async () => {
  if (skip) return;
  podCidr = choosePodCidrFrom(connectedIpv4Ranges(), '10.244.128.0/17', 24);
  await startRegistry();
  await startAuthProxy();
  c = await startCluster({
    args: [
      '--runtime', 'cri', '--node-name', NODE, '--pod-cidr', podCidr, '--insecure-registry', registryHost, '--insecure-registry', authHost,
      '--crash-loop-backoff-initial', '1', '--crash-loop-backoff-max', '4',
    ],
  });
  agentDir = join(c.dataDir, 'agent');
  await eventually(async () => /\sReady\s/.test(await kc(cluster(), ['get', 'node', NODE])), 90_000, 'the node to be Ready');
});

after(async () => {
  try {
    await stopCluster();
  } finally {
    await stopAuthProxy();
    await stopRegistry();
    await c?.cleanup();
    if (imagesDir) rmSync(imagesDir, { recursive: true, force: true });
  }
});

test('the node runs containerd: runtime cri, pod range from the cluster CIDR on the Node', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const node = JSON.parse(await kc(cluster(), ['get', 'node', NODE, '-o', 'json'])) as { spec: { podCIDR?: string; podCIDRs?: string[] }; status: { nodeInfo: { containerRuntimeVersion: string } } };
  assert.equal(node.spec.podCIDR, podCidr);
  assert.deepEqual(node.spec.podCIDRs, [podCidr]);
  assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/\d+\.\d+/, 'the version containerd reports');
  assert.match(cluster().logs(), /\(cri runtime\)/);
});

test('1. a Deployment of busybox httpd from the local registry: Available, pod IPs from the podCIDR, reachable from the host, exec and logs', { skip: skip ?? false, timeout: 240_000 }, async (t) => {
  t.after(async () => { if (c && !stopped) await kubectl(c, ['delete', 'namespace', 'web', '--ignore-not-found', '--wait=false']); });
  await kc(cluster(), ['create', 'namespace', 'web']);
  await apply({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'httpd', namespace: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'httpd' } },
      template: {
        metadata: { labels: { app: 'httpd' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'httpd', image: busybox, command: ['httpd', '-f', '-v', '-p', '80', '-h', '/var/www'],
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 },
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
          }],
        },
      },
    },
  });
  await kc(cluster(), ['-n', 'web', 'rollout', 'status', 'deployment/httpd', '--timeout=180s']);
  await kc(cluster(), ['-n', 'web', 'wait', '--for=condition=Available', 'deployment/httpd', '--timeout=60s']);
  const list = JSON.parse(await kc(cluster(), ['-n', 'web', 'get', 'pods', '-l', 'app=httpd', '-o', 'json'])) as { items: PodJson[] };
  const pods = list.items.filter((p) => !p.metadata.deletionTimestamp);
  assert.equal(pods.length, 3);
  const ips = pods.map((p) => p.status.podIP ?? '');
  assert.equal(new Set(ips).size, 3, `each pod has its own IP: ${ips.join(', ')}`);
  for (const p of pods) {
    assert.equal(p.spec.nodeName, NODE);
    assert.ok(cidrContains(podCidr, p.status.podIP ?? ''), `pod IP ${p.status.podIP} in the node's podCIDR ${podCidr}`);
    assert.equal(p.status.qosClass, 'Burstable');
    const cs = containerStatus(p, 'httpd')!;
    assert.match(cs.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    assert.match(cs.imageID ?? '', /sha256:[0-9a-f]{64}/);
    // the host reaches every pod on its own IP
    assert.match(await hostGet(`http://${p.status.podIP}/`), /hello from timonel busybox/);
  }
  const first = pods[0]!.metadata.name;
  // pulled through containerd's registry client, from the local registry
  const describe = await kc(cluster(), ['-n', 'web', 'describe', 'pod', first]);
  assert.match(describe, new RegExp(`Successfully pulled image "${busybox.replace(/[.]/g, '\\.')}"|Container image "${busybox.replace(/[.]/g, '\\.')}" already present`));
  // kubectl exec: output, exit code, the pod's own hostname and network
  assert.equal((await kc(cluster(), ['-n', 'web', 'exec', first, '--', 'hostname'])).trim(), first);
  const ip = await kc(cluster(), ['-n', 'web', 'exec', first, '--', 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
  assert.ok(ip.includes(`inet ${pods[0]!.status.podIP}/`), ip);
  const failing = await kubectl(cluster(), ['-n', 'web', 'exec', first, '--', 'sh', '-c', 'echo to-stderr >&2; exit 3']);
  assert.equal(failing.code, 3);
  assert.match(failing.stderr, /to-stderr/);
  const stdin = await kc(cluster(), ['-n', 'web', 'exec', '-i', first, '--', 'wc', '-c'], { input: 'twelve bytes' });
  assert.equal(stdin.trim(), '12');
  // kubectl logs: httpd -v logs each request (ours from the host above) on stderr
  const logs = await eventually(async () => {
    const l = await kc(cluster(), ['-n', 'web', 'logs', first]);
    return /response:200/.test(l) ? l : undefined;
  }, 20_000, 'request log lines');
  assert.match(logs, /10\.244\.\d+\.1\]?:\d+: response:200/);
  await kc(cluster(), ['delete', 'namespace', 'web', '--wait=false']);
});

test('2. logging: a web container and a log-shipping sidecar share an emptyDir medium Memory with a sizeLimit (tmpfs; ENOSPC past it)', { skip: skip ?? false, timeout: 180_000 }, async (t) => {
  t.after(() => deletePods(['logging']));
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'logging', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      volumes: [{ name: 'logs', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } }],
      initContainers: [{
        // a native sidecar: starts first, ships the web server's access log to its own stdout
        name: 'log-shipper', image: busybox, restartPolicy: 'Always',
        command: ['tail', '-n', '+1', '-F', '/var/log/web/access.log'],
        volumeMounts: [{ name: 'logs', mountPath: '/var/log/web', readOnly: true }],
      }],
      containers: [{
        name: 'web', image: busybox,
        // -vv: each request's URL and response code, to the shared volume
        command: ['sh', '-c', 'exec httpd -f -vv -p 80 -h /var/www 2>>/var/log/web/access.log'],
        volumeMounts: [{ name: 'logs', mountPath: '/var/log/web' }],
      }],
    },
  });
  const p = await waitRunning('logging');
  const ip = p.status.podIP!;
  await eventually(async () => /hello from timonel busybox/.test(await hostGet(`http://${ip}/`)), 20_000, 'the web container to answer');
  await hostGet(`http://${ip}/shipped`).catch(() => undefined); // a 404, logged too
  // the sidecar reads what the web container writes
  const shipped = await eventually(async () => {
    const l = await kc(cluster(), ['logs', 'logging', '-c', 'log-shipper']);
    return /response:200/.test(l) && /url:\/shipped/.test(l) ? l : undefined;
  }, 20_000, 'the shipper to print the access log');
  assert.match(shipped, /response:404/);
  // the volume is a tmpfs of the limit's size, in both containers and on the host
  const inWeb = await kc(cluster(), ['exec', 'logging', '-c', 'web', '--', 'sh', '-c', 'grep " /var/log/web " /proc/mounts']);
  assert.match(inWeb, /^tmpfs \/var\/log\/web tmpfs rw,.*size=4096k/);
  const inShipper = await kc(cluster(), ['exec', 'logging', '-c', 'log-shipper', '--', 'sh', '-c', 'grep " /var/log/web " /proc/mounts']);
  assert.match(inShipper, /^tmpfs \/var\/log\/web tmpfs ro,/);
  const hostDir = join(agentDir, 'pods', p.metadata.uid, 'volumes', 'kubernetes.io~empty-dir', 'logs');
  assert.equal(mountTypeAt(hostDir), 'tmpfs');
  // Writing past sizeLimit: the tmpfs is sized at the limit, so the write fails with ENOSPC. Usage
  // can never exceed sizeLimit, so the kubelet's eviction (usage > sizeLimit) has nothing to evict:
  // Kubernetes behaves the same on a node where memory-backed volumes are sized (SizeMemoryBackedVolumes).
  const fill = await kubectl(cluster(), ['exec', 'logging', '-c', 'web', '--', 'dd', 'if=/dev/zero', 'of=/var/log/web/fill', 'bs=1M', 'count=8']);
  assert.notEqual(fill.code, 0, 'writing 8Mi into a 4Mi volume fails');
  assert.match(fill.stderr, /No space left on device/);
  const used = await kc(cluster(), ['exec', 'logging', '-c', 'web', '--', 'du', '-sk', '/var/log/web']);
  assert.ok(Number(used.split(/\s+/)[0]) <= 4096, `usage ${used.trim()} stays within the limit`);
  const later = await pod('logging');
  assert.equal(later.status.phase, 'Running', 'the pod is not evicted');
  assert.equal(containerStatus(later, 'web')?.restartCount, 0);
  // room again once the file is gone; the shipper keeps shipping
  await kc(cluster(), ['exec', 'logging', '-c', 'web', '--', 'rm', '/var/log/web/fill']);
  await hostGet(`http://${ip}/again`).catch(() => undefined);
  await eventually(async () => /url:\/again/.test(await kc(cluster(), ['logs', 'logging', '-c', 'log-shipper'])), 20_000, 'shipping after the volume was full');
  await kc(cluster(), ['delete', 'pod', 'logging', '--wait=true', '--timeout=60s']);
  await eventually(async () => mountTypeAt(hostDir) === undefined && !existsSync(hostDir), 20_000, 'the tmpfs unmounted and the pod directory removed');
});

test('3. two containers of one pod talk over 127.0.0.1', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  t.after(() => deletePods(['pair']));
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pair', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        { name: 'server', image: busybox, command: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/var/www'] },
        { name: 'client', image: busybox, command: ['sh', '-c', 'until wget -q -O- http://127.0.0.1:8080/; do sleep 0.2; done; exec sleep 3600'] },
      ],
    },
  });
  const p = await waitRunning('pair');
  const logs = await eventually(async () => {
    const l = await kc(cluster(), ['logs', 'pair', '-c', 'client']);
    return /hello from timonel busybox/.test(l) ? l : undefined;
  }, 20_000, 'the client to fetch the page over localhost');
  assert.match(logs, /hello from timonel busybox/);
  assert.match(await kc(cluster(), ['exec', 'pair', '-c', 'client', '--', 'wget', '-q', '-O-', 'http://127.0.0.1:8080/']), /hello from timonel busybox/);
  // bound to 127.0.0.1 only: the host cannot reach it on the pod IP, the pod's other container can
  await assert.rejects(hostGet(`http://${p.status.podIP}:8080/`));
  // one network namespace: both containers see the pod's IP
  for (const name of ['server', 'client']) {
    const a = await kc(cluster(), ['exec', 'pair', '-c', name, '--', 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    assert.ok(a.includes(`inet ${p.status.podIP}/`), `${name}: ${a}`);
  }
  await kc(cluster(), ['delete', 'pod', 'pair', '--wait=false']);
});

test('4. over its memory limit a container ends OOMKilled and is restarted; a CPU limit shows in its cgroup', { skip: skip ?? false, timeout: 180_000 }, async (t) => {
  t.after(() => deletePods(['hog', 'capped']));
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hog', namespace: 'default' },
    spec: {
      restartPolicy: 'Always', terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'hog', image: busybox, command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
        resources: { limits: { memory: '16Mi' } },
      }],
    },
  });
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'capped', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'spin', image: busybox, command: ['sh', '-c', 'while :; do :; done'],
        resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '250m', memory: '64Mi' } },
      }],
    },
  });
  // OOMKilled, then restarted per restartPolicy Always (restartCount grows)
  const hog = await eventually(async () => {
    const p = await pod('hog');
    const s = containerStatus(p, 'hog');
    return s && s.restartCount >= 2 && s.lastState?.terminated ? p : undefined;
  }, 120_000, 'the hog to be OOM-killed and restarted twice');
  const hs = containerStatus(hog, 'hog')!;
  assert.equal(hs.lastState?.terminated?.reason, 'OOMKilled');
  assert.equal(hs.lastState?.terminated?.exitCode, 137);
  assert.equal(hog.status.qosClass, 'Burstable');
  const events = await kc(cluster(), ['describe', 'pod', 'hog']);
  assert.match(events, /Back-off restarting failed container hog/);

  // the CPU limit as a CFS quota (250m of a 100 ms period), the request as shares, the memory limit
  const capped = await waitRunning('capped');
  const cg = containerCgroup(capped, 'spin');
  assert.ok(cgroupDir(cg, 'cpu') && existsSync(cgroupDir(cg, 'cpu')!), `cgroup ${cg} exists`);
  assert.equal(readCgroupFile(cg, 'cpu', 'cpu.cfs_quota_us') ?? readCgroupFile(cg, 'cpu', 'cpu.max')?.split(' ')[0], '25000');
  assert.equal(readCgroupFile(cg, 'cpu', 'cpu.cfs_period_us') ?? readCgroupFile(cg, 'cpu', 'cpu.max')?.split(' ')[1], '100000');
  assert.equal(readCgroupFile(cg, 'cpu', 'cpu.shares'), '102');
  assert.equal(readCgroupFile(cg, 'memory', 'memory.limit_in_bytes') ?? readCgroupFile(cg, 'memory', 'memory.max'), String(64 * 2 ** 20));
  // and the container is held to it: a busy loop gets about a quarter of a CPU
  const usage = () => Number(readCgroupFile(cg, 'cpuacct', 'cpuacct.usage') ?? '0');
  const u0 = usage();
  const t0 = process.hrtime.bigint();
  await sleep(2000);
  const share = (usage() - u0) / Number(process.hrtime.bigint() - t0);
  assert.ok(share > 0.01 && share < 0.4, `CPU used by the capped loop: ${share.toFixed(2)} CPUs`);
  await kc(cluster(), ['delete', 'pod', 'hog', 'capped', '--wait=false']);
});

test('5. a container killed from the host is restarted; deleted pods release sandbox, netns and IP (50 create/delete cycles)', { skip: skip ?? false, timeout: 420_000 }, async (t) => {
  t.after(async () => { await deletePods(['victim']); if (c && !stopped) await kubectl(c, ['delete', 'pods', '-l', 'cycle=yes', '--wait=false']); });
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'victim', namespace: 'default' },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: busybox, command: ['sleep', '3600'] }] },
  });
  const before = await waitRunning('victim');
  const cg = containerCgroup(before, 'main');
  const procs = readCgroupFile(cg, 'pids', 'cgroup.procs') ?? readCgroupFile(cg, 'memory', 'cgroup.procs') ?? '';
  const pids = procs.split('\n').map(Number).filter((n) => n > 0);
  assert.ok(pids.length > 0, `processes in ${cg}`);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  const restarted = await eventually(async () => {
    const p = await pod('victim');
    const s = containerStatus(p, 'main');
    return s && s.restartCount >= 1 && s.state?.running ? p : undefined;
  }, 60_000, 'the killed container to be restarted');
  const rs = containerStatus(restarted, 'main')!;
  assert.equal(rs.restartCount, 1);
  assert.equal(rs.lastState?.terminated?.exitCode, 137);
  assert.notEqual(rs.containerID, containerStatus(before, 'main')!.containerID);
  assert.equal(restarted.status.podIP, before.status.podIP, 'same sandbox, same IP');

  // deleting the pod releases its sandbox, network namespace, IP, veth and mounts
  const withVictim = nodeState();
  assert.ok(withVictim.ips.includes(before.status.podIP!), `the victim's IP ${before.status.podIP} is allocated`);
  await kc(cluster(), ['delete', 'pod', 'victim', '--wait=true', '--timeout=60s']);
  await eventually(async () => !nodeState().ips.includes(before.status.podIP!), 30_000, 'the victim\'s IP to be released');

  // wait for the other tests' pods to be gone, then 50 create/delete cycles (10 pods at a time,
  // each with a memory-backed emptyDir) must leave the node as it was
  await kc(cluster(), ['delete', 'pods', '--all', '--wait=false']);
  await eventually(async () => (await sandboxCount()) === 0, 90_000, 'no pods left from earlier tests');
  const baseline = nodeState();
  assert.deepEqual(baseline.netns, [], 'no network namespace without pods');
  assert.deepEqual(baseline.ips, [], 'no IP allocated without pods');
  const ipsSeen = new Set<string>();
  for (let round = 0; round < 5; round++) {
    const items = Array.from({ length: 10 }, (_, i) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `cycle-${round}-${i}`, namespace: 'default', labels: { cycle: 'yes' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
        containers: [{ name: 'main', image: busybox, command: ['sleep', '3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
      },
    }));
    await apply({ apiVersion: 'v1', kind: 'List', items });
    const running = await eventually(async () => {
      const ps = await podsBy('cycle=yes');
      return ps.length === 10 && ps.every((p) => p.status.phase === 'Running' && p.status.podIP) ? ps : undefined;
    }, 120_000, `round ${round}: 10 pods running`);
    for (const p of running) ipsSeen.add(p.status.podIP!);
    const during = nodeState();
    assert.equal(during.netns.length, 10, `round ${round}: a network namespace per pod`);
    assert.equal(during.ips.length, 10, `round ${round}: an IP per pod`);
    await kc(cluster(), ['delete', 'pods', '-l', 'cycle=yes', '--wait=true', '--timeout=120s']);
    await eventually(async () => {
      const s = nodeState();
      // volumes are torn down after the pod object is gone (as the kubelet does): wait for the mounts too
      return s.netns.length === 0 && s.ips.length === 0 && s.veths.length === 0 && s.mounts.length === baseline.mounts.length && (await sandboxCount()) === 0 ? s : undefined;
    }, 60_000, `round ${round}: everything released`);
  }
  assert.ok(ipsSeen.size >= 10, `${ipsSeen.size} distinct IPs handed out`);
  const end = nodeState();
  assert.deepEqual(end, baseline, 'after 50 create/delete cycles the node holds no netns, IP, veth or mount more than before');
});

test('6. image errors: ErrImageNeverPull; ErrImagePull then ImagePullBackOff with the reason in kubectl describe; InvalidImageName', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  t.after(() => deletePods(['never', 'badimage', 'badname']));
  const missing = `${registryHost}/not-pulled:1`;
  const bad = `${registryHost}/no-such-image:1`;
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'never', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: missing, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] },
  });
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'badimage', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: bad, command: ['sleep', '3600'] }] },
  });
  await apply({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'badname', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'UPPER/Case:bad', command: ['sleep', '3600'] }] },
  });
  const never = await eventually(async () => {
    const s = containerStatus(await pod('never'), 'main');
    return s?.state?.waiting?.reason === 'ErrImageNeverPull' ? s : undefined;
  }, 30_000, 'ErrImageNeverPull');
  assert.equal(never.state?.waiting?.message, `Container image "${missing}" is not present with pull policy of Never`);
  assert.match(await kc(cluster(), ['get', 'pod', 'never']), /ErrImageNeverPull/);
  const dn = await kc(cluster(), ['describe', 'pod', 'never']);
  assert.match(dn, /Reason:\s+ErrImageNeverPull/);
  assert.match(dn, /Warning\s+ErrImageNeverPull\s.*Container image ".*not-pulled:1" is not present with pull policy of Never/);

  const reasons = new Set<string>();
  await eventually(async () => {
    const s = containerStatus(await pod('badimage'), 'main');
    if (s?.state?.waiting?.reason) reasons.add(s.state.waiting.reason);
    return reasons.has('ImagePullBackOff') ? true : undefined;
  }, 60_000, 'ImagePullBackOff');
  const db = await kc(cluster(), ['describe', 'pod', 'badimage']);
  assert.match(db, /Reason:\s+(ImagePullBackOff|ErrImagePull)/);
  assert.match(db, /Failed to pull image ".*no-such-image:1": rpc error: code = NotFound desc = .*not found/);
  assert.match(db, /Error: ErrImagePull/);
  assert.match(db, /Back-off pulling image ".*no-such-image:1"/);
  assert.match(db, /Error: ImagePullBackOff/);
  assert.match(await kc(cluster(), ['get', 'pod', 'badimage']), /ImagePullBackOff|ErrImagePull/);

  // a reference that does not parse is not pulled at all
  const badname = await eventually(async () => {
    const s = containerStatus(await pod('badname'), 'main');
    return s?.state?.waiting?.reason === 'InvalidImageName' ? s : undefined;
  }, 30_000, 'InvalidImageName');
  assert.equal(badname.state?.waiting?.message, 'Failed to apply default image tag "UPPER/Case:bad": couldn\'t parse image reference "UPPER/Case:bad": invalid reference format: repository name must be lowercase');
  assert.match(await kc(cluster(), ['describe', 'pod', 'badname']), /Warning\s+InspectFailed\s.*invalid reference format: repository name must be lowercase/);
  await kc(cluster(), ['delete', 'pod', 'never', 'badimage', 'badname', '--wait=false']);
});

test('7. imagePullSecrets: a registry that wants credentials is pulled from with the pod\'s secret, and refuses without', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  t.after(() => deletePods(['with-secret', 'without-secret']));
  const image = `${authHost}/busybox:1.36`;
  await kc(cluster(), ['create', 'secret', 'docker-registry', 'regcred', `--docker-server=${authHost}`, `--docker-username=${AUTH.user}`, `--docker-password=${AUTH.password}`]);
  const spec = (secret: boolean) => ({
    terminationGracePeriodSeconds: 1,
    ...(secret ? { imagePullSecrets: [{ name: 'regcred' }] } : {}),
    containers: [{ name: 'main', image, imagePullPolicy: 'Always', command: ['sleep', '3600'] }],
  });
  await apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'without-secret', namespace: 'default' }, spec: spec(false) });
  const refused = await eventually(async () => {
    const s = containerStatus(await pod('without-secret'), 'main');
    const r = s?.state?.waiting?.reason;
    return r === 'ErrImagePull' || r === 'ImagePullBackOff' ? s : undefined;
  }, 60_000, 'the pull without credentials to fail');
  assert.ok(authSeen.without > 0, 'the registry was asked without credentials');
  assert.match(await kc(cluster(), ['describe', 'pod', 'without-secret']), /Failed to pull image ".*busybox:1\.36": rpc error: .*(401 Unauthorized|unauthorized|authorization)/i, refused.state?.waiting?.message);
  await apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'with-secret', namespace: 'default' }, spec: spec(true) });
  await waitRunning('with-secret');
  assert.ok(authSeen.withCredentials > 0, 'the pull carried the secret\'s credentials');
  assert.match(await kc(cluster(), ['describe', 'pod', 'with-secret']), /Successfully pulled image ".*busybox:1\.36"/);
});

test('stopping timonel leaves nothing: containerd, shims, netns, mounts, bridge, IPs, cgroups', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const br = bridgeNameForNode(NODE);
  const socket = containerdPaths(agentDir).socket;
  await stopCluster();
  assert.equal(cluster().proc.signalCode, null, 'timonel exited by itself on SIGTERM');
  assert.equal(cluster().proc.exitCode, 0);
  const left = nodeState();
  assert.deepEqual(left.netns, []);
  assert.deepEqual(left.ips, []);
  assert.deepEqual(left.mounts, []);
  assert.equal(existsSync(`/sys/class/net/${br}`), false, `bridge ${br} removed`);
  assert.equal(existsSync(socket), false, 'containerd gone');
  assert.equal(existsSync(`/sys/fs/cgroup/memory/timonel/${NODE}`), false, 'node cgroups removed');
  assert.match(cluster().logs(), /SIGTERM received, stopping/);
});
