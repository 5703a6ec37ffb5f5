// The `cri` runtime behind the kubelet's runtime interface, against containerd started by timonel:
// two containers of a pod over 127.0.0.1, hostPort, read-only hostPath mounts, an OOM kill with
// reason OOMKilled, CPU and memory limits in the container's cgroups, a container killed from the
// host seen as an event, exec (sync and streaming, with a tty), port-forward, image errors, and
// the pod's cgroup, IP and network namespace gone after removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCgroupFile } from '../../src/cri/cgroups.js';
import { freePort } from '../../src/cri/images.js';
import { mountTmpfs, mountTypeAt, unmountAll } from '../../src/cri/tmpfs.js';
import { cidrContains, criSkipReason, leftovers, startCriTestEnv } from '../../src/cri/testenv.js';
import { CriRuntime } from '../../src/kubelet/runtimes/cri.js';
import type { ContainerConfig, ContainerEvent, PodSandboxConfig } from '../../src/kubelet/runtime.js';

const skip = criSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function collect(r: NodeJS.ReadableStream | undefined): Promise<string> {
  return new Promise((resolve) => {
    if (!r) return resolve('');
    let s = '';
    r.on('data', (d: Buffer) => { s += d.toString(); });
    r.on('end', () => resolve(s));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) { last = e; }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

test('cri runtime: pods, limits, OOM, events, exec, port-forward, images, cleanup', { skip: skip ?? false, timeout: 240_000 }, async (t) => {
  const env = await startCriTestEnv('runtime', '10.244.202.0/24');
  const rt = new CriRuntime({ client: env.node.client, cgroupRoot: env.node.cgroupRoot, eventPollMs: 200 });
  const events: ContainerEvent[] = [];
  rt.onContainerEvent((e) => events.push(e));
  let failed: unknown;
  try {
    const image = env.busybox;
    const hostPort = await freePort();
    const sbConfig = (name: string, uid: string, ports: PodSandboxConfig['portMappings'] = []): PodSandboxConfig => ({
      metadata: { name, namespace: 'default', uid, attempt: 1 },
      hostname: name,
      logDirectory: join(env.dir, 'pods', `default_${name}_${uid}`),
      labels: { 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.uid': uid },
      annotations: {},
      portMappings: ports,
    });
    const ctr = (name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
      metadata: { name, attempt: 0 }, image: { image }, command, args: [], envs: [{ key: 'GREETING', value: 'hello' }], mounts: [],
      labels: { 'io.kubernetes.container.name': name }, annotations: {}, logPath: `${name}/0.log`, ...extra,
    });

    await t.test('images: pull through the registry, missing and bad references', async () => {
      assert.equal(await rt.imageStatus({ image }), undefined);
      const ref = await rt.pullImage({ image });
      assert.match(ref, /^sha256:/);
      assert.equal((await rt.imageStatus({ image }))?.id, ref);
      assert.ok((await rt.listImages()).some((i) => i.repoTags.includes(image)));
      await assert.rejects(rt.pullImage({ image: `${env.registry.host}/no-such-image:1` }), /not found|failed to resolve/i);
      await assert.rejects(rt.pullImage({ image: 'UPPER/Case:bad' }), /invalid|failed/i);
    });

    const web = sbConfig('web', 'uid-web', [{ protocol: 'TCP', containerPort: 8080, hostPort }]);
    const sb = await rt.runPodSandbox(web);
    const st = await rt.podSandboxStatus(sb);
    assert.ok(st && cidrContains(env.podCidr, st.network.ip), `pod IP ${st?.network.ip}`);
    const podIp = st!.network.ip;

    const hostDir = join(env.dir, 'hostpath');
    mkdirSync(hostDir, { recursive: true });
    writeFileSync(join(hostDir, 'motd'), 'from the host\n');
    const httpd = await rt.createContainer(sb, ctr('httpd', ['sh', '-c', 'echo "$GREETING from httpd"; exec httpd -f -p 8080 -h /var/www'], {
      mounts: [{ containerPath: '/host', hostPath: hostDir, readonly: true }],
      linux: { resources: { cpuShares: 512, cpuQuota: 50_000, cpuPeriod: 100_000, memoryLimitInBytes: 96 * 2 ** 20 } },
    }), web);
    await rt.startContainer(httpd);
    const sidecar = await rt.createContainer(sb, ctr('sidecar', ['sleep', '3600']), web);
    await rt.startContainer(sidecar);

    await t.test('containers of a pod talk over 127.0.0.1; the host reaches the pod IP and the hostPort', async () => {
      const r = await until('httpd over localhost', async () => {
        const x = await rt.execSync(sidecar, ['wget', '-qO-', 'http://127.0.0.1:8080/'], 5);
        return x.exitCode === 0 ? x.stdout.toString() : undefined;
      });
      assert.match(r, /hello from timonel busybox/);
      const page = await (await fetch(`http://${podIp}:8080/`)).text();
      assert.match(page, /hello from timonel busybox/);
      const viaHostPort = await until('hostPort', async () => {
        const res = await fetch(`http://127.0.0.1:${hostPort}/`, { signal: AbortSignal.timeout(2000) });
        return res.status === 200 ? res.text() : undefined;
      });
      assert.match(viaHostPort, /hello from timonel busybox/);
    });

    await t.test('status, logs, env, read-only mount, cgroup limits, stats', async () => {
      const cs = await rt.containerStatus(httpd);
      assert.equal(cs?.state, 'CONTAINER_RUNNING');
      assert.equal(cs?.metadata.name, 'httpd');
      assert.ok(cs!.startedAt > Date.now() - 120_000 && cs!.startedAt <= Date.now(), 'startedAt in ms');
      assert.equal(cs?.logPath, join(web.logDirectory, 'httpd/0.log'));
      assert.deepEqual(cs?.mounts.find((m) => m.containerPath === '/host'), { containerPath: '/host', hostPath: hostDir, readonly: true });
      const log = await until('log line', async () => {
        const text = readFileSync(cs!.logPath, 'utf8');
        return text.includes('hello from httpd') ? text : undefined;
      });
      assert.match(log, /^\S+ stdout F hello from httpd$/m);
      assert.equal((await rt.execSync(httpd, ['cat', '/host/motd'], 5)).stdout.toString(), 'from the host\n');
      const w = await rt.execSync(httpd, ['sh', '-c', 'echo x > /host/new'], 5);
      assert.notEqual(w.exitCode, 0);
      assert.match(w.stderr.toString(), /Read-only file system/);
      const cg = `${env.node.podCgroup('uid-web')}/${httpd}`;
      assert.equal(readCgroupFile(cg, 'cpu', 'cpu.cfs_quota_us') ?? readCgroupFile(cg, 'cpu', 'cpu.max')?.split(' ')[0], '50000');
      assert.equal(readCgroupFile(cg, 'cpu', 'cpu.shares'), '512');
      assert.equal(readCgroupFile(cg, 'memory', 'memory.limit_in_bytes'), String(96 * 2 ** 20));
      const stats = await rt.containerStats(httpd);
      assert.ok(stats && stats.memory.workingSetBytes > 0 && stats.cpu.usageCoreNanoSeconds > 0);
      assert.equal(stats.attributes.metadata.name, 'httpd');
      const list = await rt.listContainers({ podSandboxId: sb, state: 'CONTAINER_RUNNING' });
      assert.deepEqual(list.map((c) => c.metadata.name).sort(), ['httpd', 'sidecar']);
      assert.deepEqual((await rt.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': 'uid-web' } })).map((s) => s.id), [sb]);
    });

    await t.test('exec through the streaming server, with and without a tty', async () => {
      const s = await rt.exec(httpd, { cmd: ['sh', '-c', 'echo out; echo err >&2; exit 7'], tty: false, stdin: false, stdout: true, stderr: true });
      const [out, err, code] = await Promise.all([collect(s.stdout), collect(s.stderr), s.exit]);
      assert.deepEqual([out, err, code], ['out\n', 'err\n', 7]);
      const tty = await rt.exec(httpd, { cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: false });
      const screen = collect(tty.stdout);
      tty.resize(120, 40);
      tty.stdin!.write('stty size; exit 3\n');
      assert.equal(await tty.exit, 3);
      assert.match(await screen, /40 120/);
      // stdin closed alone: the command sees end of input
      const cat = await rt.exec(httpd, { cmd: ['sh', '-c', 'wc -c; cat /dev/null'], tty: false, stdin: true, stdout: true, stderr: false });
      const counted = collect(cat.stdout);
      cat.stdin!.write('12345');
      cat.stdin!.end('678\n');
      assert.equal(await cat.exit, 0);
      assert.equal((await counted).trim(), '9');
      const ws = new CriRuntime({ client: env.node.client, execTransport: 'websocket' });
      const viaWs = await ws.exec(httpd, { cmd: ['echo', 'ws'], tty: false, stdin: false, stdout: true, stderr: true });
      assert.deepEqual(await Promise.all([collect(viaWs.stdout), viaWs.exit]), ['ws\n', 0]);
      const missing = await rt.exec(httpd, { cmd: ['/no/such/binary'], tty: false, stdin: false, stdout: true, stderr: true });
      const [, merr, mcode] = await Promise.all([collect(missing.stdout), collect(missing.stderr), missing.exit]);
      assert.notEqual(mcode, 0);
      assert.match(merr, /no such file|not found/i);
    });

    await t.test('port-forward reaches the pod port', async () => {
      const sock = await rt.portForward(sb, 8080);
      sock.write('GET / HTTP/1.0\r\n\r\n');
      const reply = await collect(sock);
      assert.match(reply, /^HTTP\/1\.[01] 200/);
      assert.match(reply, /hello from timonel busybox/);
    });

    await t.test('a container killed from the host: stopped event, exit 137', async () => {
      const pid = await until('container pid', async () => {
        const v = await env.node.client.containerStatus(sidecar, true);
        const info = JSON.parse(v.info['info'] ?? '{}') as { pid?: number };
        return info.pid || undefined;
      });
      process.kill(pid, 'SIGKILL');
      await until('stop event', async () => (events.some((e) => e.containerId === sidecar && e.type === 'CONTAINER_STOPPED_EVENT') ? true : undefined));
      const cs = await rt.containerStatus(sidecar);
      assert.equal(cs?.state, 'CONTAINER_EXITED');
      assert.equal(cs?.exitCode, 137);
      assert.ok(cs!.finishedAt >= cs!.startedAt);
    });

    await t.test('a memory-backed emptyDir shared by two containers: tmpfs, size limit enforced', async () => {
      const vol = join(env.dir, 'pods', 'uid-logs', 'volumes', 'kubernetes.io~empty-dir', 'logs');
      await mountTmpfs(vol, 2 * 2 ** 20);
      try {
        assert.equal(mountTypeAt(vol), 'tmpfs');
        const logs = sbConfig('logs', 'uid-logs');
        const lsb = await rt.runPodSandbox(logs);
        const mounts = [{ containerPath: '/var/log/app', hostPath: vol, readonly: false }];
        const writer = await rt.createContainer(lsb, ctr('web', ['sh', '-c', 'while :; do date >> /var/log/app/access.log; sleep 0.2; done'], { mounts }), logs);
        const shipper = await rt.createContainer(lsb, ctr('shipper', ['sleep', '3600'], { mounts: [{ ...mounts[0]!, readonly: true }] }), logs);
        await rt.startContainer(writer);
        await rt.startContainer(shipper);
        const seen = await until('the sidecar reads what the web container writes', async () => {
          const r = await rt.execSync(shipper, ['cat', '/var/log/app/access.log'], 5);
          return r.exitCode === 0 && r.stdout.length > 0 ? r.stdout.toString() : undefined;
        });
        assert.match(seen, /\d{2}:\d{2}:\d{2}/);
        const fsType = await rt.execSync(shipper, ['sh', '-c', 'grep " /var/log/app " /proc/mounts'], 5);
        assert.match(fsType.stdout.toString(), /^tmpfs \/var\/log\/app tmpfs ro,/);
        const big = await rt.execSync(writer, ['dd', 'if=/dev/zero', 'of=/var/log/app/big', 'bs=1M', 'count=4'], 10);
        assert.notEqual(big.exitCode, 0, 'writing past the 2Mi limit fails');
        assert.match(big.stderr.toString(), /No space left on device/);
        await rt.removePodSandbox(lsb);
      } finally {
        await unmountAll(vol);
      }
      assert.equal(mountTypeAt(vol), undefined);
    });

    await t.test('over its memory limit a container is OOM-killed with reason OOMKilled', async () => {
      const hog = await rt.createContainer(sb, ctr('hog', ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], {
        linux: { resources: { memoryLimitInBytes: 16 * 2 ** 20 } },
      }), web);
      await rt.startContainer(hog);
      const cs = await until('hog exit', async () => {
        const s = await rt.containerStatus(hog);
        return s?.state === 'CONTAINER_EXITED' ? s : undefined;
      });
      assert.equal(cs.reason, 'OOMKilled');
      assert.equal(cs.exitCode, 137);
      await rt.removeContainer(hog);
      assert.equal(await rt.containerStatus(hog), undefined);
    });

    await t.test('stop and remove: sandbox, IP, netns and pod cgroup released', async () => {
      await rt.stopContainer(httpd, 1);
      assert.equal((await rt.containerStatus(httpd))?.state, 'CONTAINER_EXITED');
      await rt.stopPodSandbox(sb);
      assert.equal((await rt.podSandboxStatus(sb))?.state, 'SANDBOX_NOTREADY');
      await rt.removePodSandbox(sb);
      assert.equal(await rt.podSandboxStatus(sb), undefined);
      await rt.removePodSandbox(sb); // idempotent
      assert.equal(await rt.containerStatus(httpd), undefined, 'containers go with their sandbox');
      assert.equal(readCgroupFile(env.node.podCgroup('uid-web'), 'memory', 'memory.limit_in_bytes'), undefined, 'pod cgroup removed');
      assert.deepEqual(leftovers(env), []);
    });
  } catch (e) {
    failed = e;
  } finally {
    try {
      await rt.shutdown();
      await env.stop();
    } catch (e) {
      failed ??= e;
    }
  }
  if (failed) throw failed;
});
