// The node agent against a real API server (in-process) with the process runtime: node
// registration and lease, a pod with an init container and an emptyDir becoming Running/Ready
// with its own pod IP, logs/exec/port-forward through the streaming server (directly and through
// the API server with the real kubectl), restarts with CrashLoopBackOff, and graceful deletion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import http from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../client/client.js';
import { R } from '../client/factory.js';
import { StatusError } from '../api/errors.js';
import { startAgent, type AgentHandle } from '../cli/agent.js';
import { startTestEnv, type TestEnv } from '../testing/apiserver.js';

const NODE = process.execPath;
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

let dir: string;
let env: TestEnv;
let client: KubeClient;
let agent: AgentHandle;
let token: string;
let kubeconfig: string;

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  env = await startTestEnv({ kubeletClientIsAdmin: true });
  dir = env.dir;
  token = env.token;
  const pki = { caCertPem: env.caPem };
  const url = env.url;
  client = env.client();
  kubeconfig = env.kubeconfig;
  agent = await startAgent({
    server: url, token, ca: pki.caCertPem, dataDir: join(dir, 'agent'), nodeName: 'node-a', runtime: 'process', kubeletPort: 0,
    podCidr: '127.91.0.0/16', backoff: { initialMs: 600, maxMs: 2400 }, log: () => {},
  });
});

after(async () => {
  await agent?.stop({ killPods: true });
  await env?.stop();
});

function getPod(name: string): Promise<Pod> {
  return client.get<Pod>(R.pods, 'default', name);
}

function kubeletGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: agent.port, path, rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function kubectl(args: string[], input = '', timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(input);
  });
}

const SERVER = `
const http = require('http');
const fs = require('fs');
http.createServer((req, res) => res.end(fs.readFileSync('/data/msg', 'utf8') + ' ' + process.env.POD_IP))
  .listen(8080, process.env.POD_IP, () => console.log('listening on ' + process.env.POD_IP));
process.on('SIGTERM', () => { console.log('terminating'); process.exit(0); });
`;

test('the node registers with capacity, addresses, endpoint and a lease', async () => {
  const node = await eventually('node', () => client.get<{ metadata: { labels: Record<string, string> }; spec: { podCIDR?: string }; status: { conditions: Array<{ type: string; status: string }>; capacity: Record<string, string>; allocatable: Record<string, string>; addresses: Array<{ type: string; address: string }>; daemonEndpoints: { kubeletEndpoint: { Port: number } }; nodeInfo: Record<string, string> } }>(R.nodes, undefined, 'node-a'));
  assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'node-a');
  assert.equal(node.metadata.labels['kubernetes.io/os'], 'linux');
  assert.ok(node.metadata.labels['kubernetes.io/arch']);
  assert.equal(node.spec.podCIDR, '127.91.0.0/16');
  assert.equal(node.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(node.status.capacity.pods, '110');
  assert.ok(Number(node.status.capacity.cpu) >= 1);
  assert.match(node.status.capacity.memory!, /^\d+Ki$/);
  assert.deepEqual(node.status.addresses, [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-a' }]);
  assert.equal(node.status.daemonEndpoints.kubeletEndpoint.Port, agent.port);
  assert.equal(node.status.nodeInfo.operatingSystem, 'linux');
  assert.equal(node.status.nodeInfo.containerRuntimeVersion, 'process://0.1.0');
  const lease = await client.get<{ spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } }>(R.leases, 'kube-node-lease', 'node-a');
  assert.equal(lease.spec.holderIdentity, 'node-a');
  assert.equal(lease.spec.leaseDurationSeconds, 40);
  assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
});

test('a pod with an init container and an emptyDir runs, becomes Ready, serves on its pod IP; logs, exec and port-forward work; deletion stops it', async () => {
  await client.create(R.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      nodeName: 'node-a',
      terminationGracePeriodSeconds: 5,
      volumes: [{ name: 'data', emptyDir: {} }],
      initContainers: [{ name: 'init', image: 'busybox', command: ['/bin/sh', '-c', 'echo from-init > /data/msg'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      containers: [{
        name: 'web', image: 'node', command: [NODE], args: ['-e', SERVER],
        env: [{ name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        ports: [{ containerPort: 8080 }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
        readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
      }],
    },
  });
  const pod = await eventually('web Running and Ready', async () => {
    const p = await getPod('web');
    return p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
  });
  const ip = pod.status!.podIP!;
  assert.match(ip, /^127\.91\.\d+\.\d+$/);
  assert.deepEqual(pod.status!.podIPs, [{ ip }]);
  assert.equal(pod.status!.hostIP, '127.0.0.1');
  assert.ok(pod.status!.startTime);
  const init = pod.status!.initContainerStatuses![0]!;
  assert.equal(init.state?.terminated?.exitCode, 0);
  assert.equal(init.state?.terminated?.reason, 'Completed');
  const web = pod.status!.containerStatuses![0]!;
  assert.equal(web.ready, true);
  assert.equal(web.started, true);
  assert.equal(web.restartCount, 0);
  assert.match(web.containerID!, /^process:\/\/[0-9a-f]{64}$/);
  assert.ok(web.state?.running?.startedAt);
  assert.deepEqual(pod.status!.conditions!.map((c) => c.type).sort(), ['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready'].filter((t) => t !== 'PodScheduled' || pod.status!.conditions!.some((c) => c.type === 'PodScheduled')).sort());
  assert.equal(await httpGet(ip, 8080), `from-init\n ${ip}`);

  // logs straight from the streaming server
  const unauth = await new Promise<number>((resolve) => https.get({ host: '127.0.0.1', port: agent.port, path: '/containerLogs/default/web/web', rejectUnauthorized: false }, (r) => { r.resume(); resolve(r.statusCode ?? 0); }));
  assert.equal(unauth, 401);
  const logs = await kubeletGet('/containerLogs/default/web/web');
  assert.equal(logs.status, 200);
  assert.equal(logs.body, `listening on ${ip}\n`);
  const ts = await kubeletGet('/containerLogs/default/web/web?timestamps=true&tailLines=1');
  assert.match(ts.body, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z listening on /);
  const prev = await kubeletGet('/containerLogs/default/web/web?previous=true');
  assert.equal(prev.status, 400);
  assert.match(prev.body, /previous terminated container "web" in pod "web" not found/);
  assert.equal((await kubeletGet('/containerLogs/default/nope/web')).status, 404);

  // exec over WebSocket v5 straight to the streaming server
  const q = new URLSearchParams();
  for (const c of ['/bin/sh', '-c', 'echo out-$MY_POD; echo err >&2; exit 3']) q.append('command', c);
  q.set('stdout', 'true');
  q.set('stderr', 'true');
  const frames = await new Promise<Array<[number, string]>>((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${agent.port}/exec/default/web/web?${q}`, ['v5.channel.k8s.io'], { rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } });
    const got: Array<[number, string]> = [];
    ws.on('message', (m: Buffer) => got.push([m[0]!, m.subarray(1).toString()]));
    ws.on('close', () => resolve(got));
    ws.on('error', reject);
  });
  const chan = (n: number) => frames.filter(([c]) => c === n).map(([, d]) => d).join('');
  assert.equal(chan(1), 'out-web\n');
  assert.equal(chan(2), 'err\n');
  const status = JSON.parse(chan(3));
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);

  // port-forward over the v4 channel protocol
  const pf = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${agent.port}/portForward/default/web?ports=8080`, ['v4.channel.k8s.io'], { rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } });
    let body = '';
    const seen = new Set<number>();
    ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET / HTTP/1.0\r\n\r\n')])));
    ws.on('message', (m: Buffer) => {
      const ch = m[0]!;
      let data = m.subarray(1);
      if (!seen.has(ch)) { seen.add(ch); assert.equal(data.readUInt16LE(0), 8080); data = data.subarray(2); }
      if (ch === 0) body += data.toString();
      if (body.includes('from-init')) { ws.close(); resolve(body); }
    });
    ws.on('error', reject);
  });
  assert.match(pf, /^HTTP\/1\.[01] 200/);

  // through the API server with the real kubectl
  if (existsSync(KUBECTL)) {
    const kl = await kubectl(['logs', 'web']);
    assert.equal(kl.code, 0, kl.stderr);
    assert.equal(kl.stdout, `listening on ${ip}\n`);
    const ke = await kubectl(['exec', 'web', '--', '/bin/sh', '-c', 'echo hello-$MY_POD; exit 7']);
    assert.equal(ke.stdout, 'hello-web\n');
    assert.equal(ke.code, 7, ke.stderr);
    const ki = await kubectl(['exec', '-i', 'web', '--', '/bin/sh', '-c', 'read x; echo got-$x'], 'abc\n');
    assert.equal(ki.code, 0, ki.stderr);
    assert.equal(ki.stdout, 'got-abc\n');
    // port-forward: kubectl 1.32 tunnels SPDY through a WebSocket
    const port = await new Promise<number>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });
    const { spawn } = await import('node:child_process');
    const pfp = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), 'port-forward', 'pod/web', `${port}:8080`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pfErr = '';
    pfp.stderr.on('data', (d) => { pfErr += d; });
    try {
      const body = await eventually('kubectl port-forward', async () => (await httpGet('127.0.0.1', port)).includes('from-init') ? httpGet('127.0.0.1', port) : undefined, 20_000).catch((err) => { throw new Error(`${err.message}\n${pfErr}`); });
      assert.equal(body, `from-init\n ${ip}`);
      // a second connection through the same forward
      assert.equal(await httpGet('127.0.0.1', port), `from-init\n ${ip}`);
    } finally {
      pfp.kill('SIGTERM');
    }
  }

  // graceful deletion: SIGTERM, the kubelet deletes the pod
  await client.delete(R.pods, 'default', 'web');
  await eventually('web deleted', async () => {
    try { await getPod('web'); return false; } catch (err) { return err instanceof StatusError && err.code === 404; }
  });
  await eventually('server process gone', async () => {
    try { await httpGet(ip, 8080); return false; } catch { return true; }
  });
});

test('a crashing container restarts with growing back-off; restartPolicy Never ends Failed', async () => {
  await client.create(R.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'crash', namespace: 'default' },
    spec: { nodeName: 'node-a', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'sh', command: ['/bin/sh', '-c', 'echo boom; exit 2'] }] },
  });
  const p = await eventually('CrashLoopBackOff', async () => {
    const p = await getPod('crash');
    const c = p.status?.containerStatuses?.[0];
    return c && c.restartCount >= 2 && c.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
  });
  const c = p.status!.containerStatuses![0]!;
  assert.equal(c.lastState?.terminated?.exitCode, 2);
  assert.equal(c.lastState?.terminated?.reason, 'Error');
  assert.match(c.state!.waiting!.message!, /^back-off \d+s restarting failed container=c pod=crash_default\(/);
  assert.equal(p.status!.phase, 'Running');
  const prev = await kubeletGet('/containerLogs/default/crash/c?previous=true');
  assert.equal(prev.body, 'boom\n');
  await client.delete(R.pods, 'default', 'crash');

  await client.create(R.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'once', namespace: 'default' },
    spec: { nodeName: 'node-a', restartPolicy: 'Never', containers: [{ name: 'c', image: 'sh', command: ['/bin/sh', '-c', 'exit 4'] }] },
  });
  const done = await eventually('Failed', async () => { const p = await getPod('once'); return p.status?.phase === 'Failed' ? p : undefined; });
  assert.equal(done.status!.containerStatuses![0]!.state?.terminated?.exitCode, 4);
  assert.equal(done.status!.containerStatuses![0]!.restartCount, 0);
  await client.delete(R.pods, 'default', 'once');
  await eventually('crash and once deleted', async () => {
    const list = await client.list<Pod>(R.pods, 'default');
    return list.items.every((x) => x.metadata?.name !== 'crash' && x.metadata?.name !== 'once');
  });
});

test('probes: a failing liveness probe restarts the container, a failing readiness probe keeps the pod NotReady; a native sidecar keeps running', async () => {
  await client.create(R.pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'probed', namespace: 'default' },
    spec: {
      nodeName: 'node-a', terminationGracePeriodSeconds: 1,
      initContainers: [
        { name: 'setup', image: 'sh', command: ['/bin/sh', '-c', 'exit 0'] },
        { name: 'side', image: 'sh', restartPolicy: 'Always', command: ['/bin/sh', '-c', 'sleep 1000'] },
      ],
      containers: [
        { name: 'live', image: 'sh', command: ['/bin/sh', '-c', 'sleep 1000'], livenessProbe: { exec: { command: ['/bin/sh', '-c', 'exit 1'] }, periodSeconds: 1, failureThreshold: 2 } },
        { name: 'unready', image: 'sh', command: ['/bin/sh', '-c', 'sleep 1000'], readinessProbe: { exec: { command: ['/bin/sh', '-c', 'exit 1'] }, periodSeconds: 1 } },
      ],
    },
  });
  const p = await eventually('liveness restart', async () => {
    const p = await getPod('probed');
    const live = p.status?.containerStatuses?.find((c) => c.name === 'live');
    return live && live.restartCount >= 1 && live.lastState?.terminated ? p : undefined;
  }, 45_000);
  const live = p.status!.containerStatuses!.find((c) => c.name === 'live')!;
  assert.ok([137, 143].includes(live.lastState!.terminated!.exitCode), `killed: ${live.lastState!.terminated!.exitCode}`);
  const unready = p.status!.containerStatuses!.find((c) => c.name === 'unready')!;
  assert.equal(unready.ready, false);
  assert.ok(unready.state?.running);
  const ready = p.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.match(ready.message!, /unready/);
  assert.equal(p.status!.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
  const side = p.status!.initContainerStatuses!.find((c) => c.name === 'side')!;
  assert.ok(side.state?.running, 'the sidecar runs beside the app containers');
  assert.equal(side.started, true);
  assert.equal(p.status!.initContainerStatuses!.find((c) => c.name === 'setup')!.state?.terminated?.reason, 'Completed');
  const events = await eventually('events', async () => {
    const list = await client.list<{ reason: string; message: string; involvedObject: { name: string } }>(R.events, 'default');
    const mine = list.items.filter((e) => e.involvedObject.name === 'probed');
    return mine.some((e) => e.reason === 'Killing') ? mine : undefined;
  });
  assert.ok(events.some((e) => e.reason === 'Unhealthy' && /^Liveness probe failed/.test(e.message)));
  assert.ok(events.some((e) => e.reason === 'Killing' && e.message === 'Container live failed liveness probe, will be restarted'));
  assert.ok(events.some((e) => e.reason === 'Started' && e.message === 'Started container side'));
  await client.delete(R.pods, 'default', 'probed');
  await eventually('probed deleted', async () => {
    try { await getPod('probed'); return false; } catch (err) { return err instanceof StatusError && err.code === 404; }
  });
});
