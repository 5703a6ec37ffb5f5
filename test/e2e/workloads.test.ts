// Acceptance (issue 3): a cluster keeps declared workloads running — Deployments of real processes
// (the `process` runtime), self-healing, scaling and rollouts, init containers and sidecars.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { startCluster, kubectl, kc, eventually, type Cluster } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startCluster({ args: ['--crash-loop-backoff-initial', '1', '--crash-loop-backoff-max', '8'] });
  await eventually(async () => /\sReady\s/.test(await kc(c, ['get', 'nodes'])), 30_000, 'the node to be Ready');
});
after(async () => { await c?.cleanup(); });

/** A tiny HTTP server a container runs: answers with its pod IP; /ready and /healthy flip with files. */
const SERVER = `const http=require('http');const fs=require('fs');
http.createServer((q,s)=>{
  if(q.url==='/healthz'&&fs.existsSync('unhealthy')){s.statusCode=500;return s.end('sick');}
  if(q.url==='/readyz'&&fs.existsSync('unready')){s.statusCode=503;return s.end('not ready');}
  s.end('hello from '+process.env.POD_IP+' '+(process.env.VERSION||''));
}).listen(8080,process.env.POD_IP);`;

function deployment(name: string, opts: { replicas?: number; version?: string; maxUnavailable?: number; maxSurge?: number; liveness?: boolean } = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'wl' },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: opts.maxUnavailable ?? 1, maxSurge: opts.maxSurge ?? 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [{
            name: 'web', image: 'node:20', command: ['node', '-e', SERVER + `//${name}`],
            env: [{ name: 'VERSION', value: opts.version ?? 'v1' }],
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
            ...(opts.liveness ? { livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 2 } } : {}),
          }],
        },
      },
    },
  });
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

interface PodView { name: string; ip: string; node: string; ready: boolean; restarts: number; phase: string; waiting?: string; uid: string; lastExit?: number }

async function pods(selector: string): Promise<PodView[]> {
  const list = JSON.parse(await kc(c, ['-n', 'wl', 'get', 'pods', '-l', selector, '-o', 'json']));
  return list.items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp).map((p: {
    metadata: { name: string; uid: string }; spec: { nodeName: string };
    status: { podIP: string; phase: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ restartCount: number; state?: { waiting?: { reason: string } }; lastState?: { terminated?: { exitCode: number } } }> };
  }) => ({
    name: p.metadata.name, uid: p.metadata.uid, ip: p.status.podIP, node: p.spec.nodeName, phase: p.status.phase,
    ready: p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false,
    restarts: p.status.containerStatuses?.[0]?.restartCount ?? 0,
    waiting: p.status.containerStatuses?.[0]?.state?.waiting?.reason,
    lastExit: p.status.containerStatuses?.[0]?.lastState?.terminated?.exitCode,
  }));
}

/** Host pid of the container process serving `ip` (the process runtime gives it POD_IP). */
function pidServing(marker: string, ip: string): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes(marker) || !cmd.startsWith('node')) continue;
      const env = readFileSync(`/proc/${d}/environ`, 'utf8').split('\0');
      if (env.includes(`POD_IP=${ip}`)) return Number(d);
    } catch { /* gone */ }
  }
  return undefined;
}

test('a Deployment of 3 HTTP servers becomes Available; pods have IPs and a node; servers answer on their IPs', async () => {
  await kc(c, ['create', 'namespace', 'wl']);
  await kc(c, ['apply', '-f', '-'], { input: deployment('web') });
  await kc(c, ['-n', 'wl', 'rollout', 'status', 'deployment/web', '--timeout=90s']);
  await kc(c, ['-n', 'wl', 'wait', '--for=condition=Available', 'deployment/web', '--timeout=30s']);
  const wide = await kc(c, ['-n', 'wl', 'get', 'pods', '-l', 'app=web', '-o', 'wide']);
  const rows = wide.trim().split('\n').slice(1);
  assert.equal(rows.length, 3);
  for (const r of rows) assert.match(r, /\s1\/1\s+Running\s+0\s+\S+\s+127\.\d+\.\d+\.\d+\s+\S+/);
  const ps = await pods('app=web');
  assert.equal(new Set(ps.map((p) => p.ip)).size, 3, 'each pod has its own IP');
  for (const p of ps) {
    assert.ok(p.node, 'pod is bound to a node');
    assert.equal(await get(`http://${p.ip}:8080/`), `hello from ${p.ip} v1`);
  }
});

test('self-healing: a killed process restarts, a deleted pod is replaced, hand-edited replicas are put back', async () => {
  const [victim] = await pods('app=web');
  const pid = pidServing('//web', victim.ip);
  assert.ok(pid, `found the process serving ${victim.ip}`);
  process.kill(pid!, 'SIGKILL');
  await eventually(async () => {
    const p = (await pods('app=web')).find((x) => x.uid === victim.uid);
    return p && p.restarts === 1 && p.ready && p.lastExit === 137;
  }, 30_000, 'the killed container to restart (restartCount 1, last exit 137)');
  assert.equal(await get(`http://${victim.ip}:8080/`), `hello from ${victim.ip} v1`);

  await kc(c, ['-n', 'wl', 'delete', 'pod', victim.name, '--wait=true']);
  await eventually(async () => {
    const ps = await pods('app=web');
    return ps.length === 3 && ps.every((p) => p.ready) && !ps.some((p) => p.uid === victim.uid);
  }, 30_000, 'a replacement pod');

  const rs = (await kc(c, ['-n', 'wl', 'get', 'rs', '-l', 'app=web', '-o', 'name'])).trim();
  await kc(c, ['-n', 'wl', 'scale', rs, '--replicas=1']);
  await eventually(async () => (await kc(c, ['-n', 'wl', 'get', rs, '-o', 'jsonpath={.spec.replicas}'])).trim() === '3', 20_000, 'the Deployment to put its ReplicaSet back to 3');
  await eventually(async () => (await pods('app=web')).filter((p) => p.ready).length === 3, 30_000, '3 ready pods again');
});

test('a crashing container goes into CrashLoopBackOff with growing delays', async () => {
  await kc(c, ['-n', 'wl', 'run', 'crasher', '--image=busybox', '--restart=Always', '--command', '--', 'sh', '-c', 'echo crashing; exit 2']);
  await eventually(async () => {
    const [p] = await pods('run=crasher');
    return p && p.waiting === 'CrashLoopBackOff' && p.restarts >= 3;
  }, 60_000, 'CrashLoopBackOff after 3 restarts');
  const events = await kc(c, ['-n', 'wl', 'get', 'events', '--field-selector', 'involvedObject.name=crasher', '-o', 'json']);
  const backoff = JSON.parse(events).items.filter((e: { reason: string }) => e.reason === 'BackOff');
  assert.ok(backoff.length >= 1, 'BackOff events recorded');
  assert.match(await kc(c, ['-n', 'wl', 'get', 'pod', 'crasher']), /CrashLoopBackOff/);
  // delays grow: the gaps between container starts double (1 s, 2 s, 4 s ... capped at 8 s here)
  const starts: number[] = [];
  const seen = new Set<string>();
  const deadline = Date.now() + 40_000;
  while (starts.length < 4 && Date.now() < deadline) {
    const pod = JSON.parse(await kc(c, ['-n', 'wl', 'get', 'pod', 'crasher', '-o', 'json']));
    const st = pod.status.containerStatuses?.[0];
    const t = st?.state?.running?.startedAt ?? st?.state?.terminated?.startedAt ?? st?.lastState?.terminated?.startedAt;
    const key = `${st?.restartCount}`;
    if (t && !seen.has(key) && st?.restartCount >= 3) { seen.add(key); starts.push(Date.parse(t)); }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(starts.length >= 3, `saw ${starts.length} restarts`);
  const gaps = starts.slice(1).map((t, i) => t - starts[i]);
  assert.ok(gaps[gaps.length - 1] >= gaps[0], `restart gaps grow: ${gaps.join(', ')} ms`);
  await kc(c, ['-n', 'wl', 'delete', 'pod', 'crasher', '--wait=false']);
});

test('a failing liveness probe restarts the container; a failing readiness probe makes the pod NotReady', async () => {
  await kc(c, ['apply', '-f', '-'], { input: deployment('probed', { replicas: 1, liveness: true }) });
  await kc(c, ['-n', 'wl', 'rollout', 'status', 'deployment/probed', '--timeout=60s']);
  const [p] = await pods('app=probed');
  // the container's working directory is private to it; the probe endpoints look for files there
  await kc(c, ['-n', 'wl', 'exec', p.name, '--', 'sh', '-c', 'touch unready']);
  await eventually(async () => !(await pods('app=probed'))[0]?.ready, 20_000, 'the pod to become NotReady');
  assert.match(await kc(c, ['-n', 'wl', 'get', 'pod', p.name]), /\s0\/1\s+Running/);
  await kc(c, ['-n', 'wl', 'exec', p.name, '--', 'sh', '-c', 'rm unready']);
  await eventually(async () => (await pods('app=probed'))[0]?.ready, 20_000, 'the pod to be Ready again');
  await kc(c, ['-n', 'wl', 'exec', p.name, '--', 'sh', '-c', 'touch unhealthy']);
  await eventually(async () => {
    const q = (await pods('app=probed')).find((x) => x.uid === p.uid);
    return q && q.restarts >= 1;
  }, 30_000, 'the liveness probe to restart the container');
  const d = await kc(c, ['-n', 'wl', 'describe', 'pod', p.name]);
  assert.match(d, /Liveness probe failed/);
});

test('kubectl scale 3 -> 5 -> 1', async () => {
  for (const n of [5, 1]) {
    await kc(c, ['-n', 'wl', 'scale', 'deployment/web', `--replicas=${n}`]);
    await kc(c, ['-n', 'wl', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    await eventually(async () => (await pods('app=web')).filter((p) => p.ready).length === n, 30_000, `${n} ready pods`);
  }
  await kc(c, ['-n', 'wl', 'scale', 'deployment/web', '--replicas=3']);
  await kc(c, ['-n', 'wl', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
});

test('set env rolls the pods with maxUnavailable respected; rollout history and undo; a paused rollout does not progress', async () => {
  // watch availability while rolling: never fewer than replicas - maxUnavailable ready pods
  let minReady = Infinity;
  let stop = false;
  const watcher = (async () => {
    while (!stop) {
      const ready = (await pods('app=web')).filter((p) => p.ready).length;
      minReady = Math.min(minReady, ready);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await kc(c, ['-n', 'wl', 'set', 'env', 'deployment/web', 'VERSION=v2']);
  await kc(c, ['-n', 'wl', 'rollout', 'status', 'deployment/web', '--timeout=90s']);
  stop = true;
  await watcher;
  assert.ok(minReady >= 2, `at least replicas - maxUnavailable = 2 pods stayed ready (min seen ${minReady})`);
  for (const p of await pods('app=web')) assert.equal(await get(`http://${p.ip}:8080/`), `hello from ${p.ip} v2`);

  const history = await kc(c, ['-n', 'wl', 'rollout', 'history', 'deployment/web']);
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);
  await kc(c, ['-n', 'wl', 'rollout', 'undo', 'deployment/web']);
  await kc(c, ['-n', 'wl', 'rollout', 'status', 'deployment/web', '--timeout=90s']);
  for (const p of await pods('app=web')) assert.equal(await get(`http://${p.ip}:8080/`), `hello from ${p.ip} v1`);
  assert.match(await kc(c, ['-n', 'wl', 'rollout', 'history', 'deployment/web']), /^3\s/m);

  await kc(c, ['-n', 'wl', 'rollout', 'pause', 'deployment/web']);
  const before = (await pods('app=web')).map((p) => p.uid).sort();
  await kc(c, ['-n', 'wl', 'set', 'env', 'deployment/web', 'VERSION=v3']);
  await new Promise((r) => setTimeout(r, 3000));
  assert.deepEqual((await pods('app=web')).map((p) => p.uid).sort(), before, 'a paused Deployment does not roll');
  const d = JSON.parse(await kc(c, ['-n', 'wl', 'get', 'deployment', 'web', '-o', 'json']));
  assert.ok(d.status.conditions.some((x: { type: string; reason: string }) => x.type === 'Progressing' && x.reason === 'DeploymentPaused'));
  await kc(c, ['-n', 'wl', 'rollout', 'resume', 'deployment/web']);
  await kc(c, ['-n', 'wl', 'rollout', 'status', 'deployment/web', '--timeout=90s']);
  for (const p of await pods('app=web')) assert.equal(await get(`http://${p.ip}:8080/`), `hello from ${p.ip} v3`);
});

test('an init container finishes first; a sidecar and the app share the pod IP and an emptyDir', async () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shipper', namespace: 'wl' },
    spec: {
      terminationGracePeriodSeconds: 1,
      volumes: [{ name: 'logs', emptyDir: {} }],
      initContainers: [
        { name: 'prepare', image: 'busybox', command: ['sh', '-c', 'echo init-done > /logs/init.txt'], volumeMounts: [{ name: 'logs', mountPath: '/logs' }] },
        // a native sidecar: an init container that keeps running beside the app
        { name: 'shipper', image: 'busybox', restartPolicy: 'Always', volumeMounts: [{ name: 'logs', mountPath: '/logs' }],
          command: ['sh', '-c', 'while true; do if [ -f /logs/app.log ]; then cp /logs/app.log /logs/shipped.log; fi; sleep 0.3; done'] },
      ],
      containers: [{
        name: 'app', image: 'node:20', volumeMounts: [{ name: 'logs', mountPath: '/logs' }],
        command: ['node', '-e', `const fs=require('fs');const init=fs.readFileSync('/logs/init.txt','utf8').trim();
          fs.appendFileSync('/logs/app.log', 'app saw '+init+' at '+process.env.POD_IP+'\\n');
          require('http').createServer((q,s)=>s.end('app '+process.env.POD_IP)).listen(8081, process.env.POD_IP);`],
      }],
    },
  };
  await kc(c, ['apply', '-f', '-'], { input: JSON.stringify(pod) });
  await kc(c, ['-n', 'wl', 'wait', '--for=condition=Ready', 'pod/shipper', '--timeout=60s']);
  const p = JSON.parse(await kc(c, ['-n', 'wl', 'get', 'pod', 'shipper', '-o', 'json']));
  const init = p.status.initContainerStatuses.find((s: { name: string }) => s.name === 'prepare');
  assert.equal(init.state.terminated.exitCode, 0);
  assert.equal(init.state.terminated.reason, 'Completed');
  const sidecar = p.status.initContainerStatuses.find((s: { name: string }) => s.name === 'shipper');
  assert.ok(sidecar.state.running, 'the sidecar keeps running');
  const app = p.status.containerStatuses.find((s: { name: string }) => s.name === 'app');
  assert.ok(Date.parse(app.state.running.startedAt) >= Date.parse(init.state.terminated.finishedAt), 'the app starts after the init container finished');
  // the sidecar reads what the app wrote to the shared volume, and sees the same pod IP
  const ip = p.status.podIP;
  await eventually(async () => {
    const r = await kubectl(c, ['-n', 'wl', 'exec', 'shipper', '-c', 'shipper', '--', 'sh', '-c', 'cat /logs/shipped.log']);
    return r.code === 0 && r.stdout.includes(`app saw init-done at ${ip}`);
  }, 20_000, 'the sidecar to ship the app log');
  const fromSidecar = await kc(c, ['-n', 'wl', 'exec', 'shipper', '-c', 'shipper', '--', 'sh', '-c', 'echo $POD_IP']);
  assert.equal(fromSidecar.trim(), ip);
  assert.equal(await get(`http://${ip}:8081/`), `app ${ip}`);
});
