// First CRI milestone: with containerd started by timonel, a pod sandbox and a busybox httpd
// container from an image pulled from the local registry; its IP from the bridge, a page fetched
// from the host over that IP, `echo hi` exec'd (ExecSync and the streaming server), its CRI log
// read, everything stopped and removed, nothing leaked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CriPodSandboxConfig } from '../../src/cri/types.js';
import { connectStream } from '../../src/cri/streaming.js';
import { bridgePorts, cidrContains, criSkipReason, leftovers, startCriTestEnv } from '../../src/cri/testenv.js';

const skip = criSkipReason();

function collect(r: NodeJS.ReadableStream | undefined): Promise<string> {
  return new Promise((resolve) => {
    if (!r) return resolve('');
    let s = '';
    r.on('data', (d: Buffer) => { s += d.toString(); });
    r.on('end', () => resolve(s));
  });
}

/** CRI log lines (`<time> <stream> <P|F> <text>`) as [stream, text] */
function criLogLines(text: string): Array<[string, string]> {
  return text.split('\n').filter(Boolean).map((l) => {
    const [, stream, , ...rest] = l.split(' ');
    return [stream!, rest.join(' ')];
  });
}

test('CRI milestone: busybox httpd pod from the local registry, reached on its pod IP, exec, logs, no leaks', { skip: skip ?? false, timeout: 180_000 }, async () => {
  const env = await startCriTestEnv('pod', '10.244.201.0/24');
  const c = env.node.client;
  let failed: unknown;
  try {
    const v = await c.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');

    // the image is not there until pulled through containerd's registry client
    assert.equal(await c.imageStatus({ image: env.busybox }), undefined);
    const ref = await c.pullImage({ image: env.busybox });
    assert.match(ref, /^sha256:[0-9a-f]{64}$/);
    const img = await c.imageStatus({ image: env.busybox });
    assert.ok(img && img.repoTags.includes(env.busybox), `image tags: ${JSON.stringify(img?.repoTags)}`);

    const logDir = join(env.dir, 'logs', 'default_web_uid-web-1');
    mkdirSync(logDir, { recursive: true });
    const sandboxConfig: CriPodSandboxConfig = {
      metadata: { name: 'web', namespace: 'default', uid: 'uid-web-1', attempt: 0 },
      hostname: 'web',
      logDirectory: logDir,
      labels: { app: 'web' },
      annotations: { note: 'milestone' },
      linux: { cgroupParent: env.node.podCgroup('uid-web-1'), securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    const sb = await c.runPodSandbox(sandboxConfig);
    const st = (await c.podSandboxStatus(sb)).status;
    assert.equal(st.state, 'SANDBOX_READY');
    assert.equal(st.annotations['note'], 'milestone');
    const ip = st.network?.ip ?? '';
    assert.ok(cidrContains(env.podCidr, ip), `pod IP ${ip} in ${env.podCidr}`);
    assert.equal(bridgePorts(env.node.bridgeName).length, 1, 'one veth on the node bridge');

    const cid = await c.createContainer(sb, {
      metadata: { name: 'httpd', attempt: 0 },
      image: { image: env.busybox },
      command: ['sh', '-c', 'echo starting httpd; exec httpd -f -v -p 80 -h /var/www'],
      logPath: 'httpd/0.log',
      labels: { 'io.kubernetes.container.name': 'httpd' },
      linux: { resources: { memoryLimitInBytes: 64 * 1024 * 1024, cpuShares: 256 }, securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    }, sandboxConfig);
    await c.startContainer(cid);
    const cs = (await c.containerStatus(cid)).status;
    assert.equal(cs.state, 'CONTAINER_RUNNING');
    assert.equal(cs.logPath, join(logDir, 'httpd/0.log'));

    // the host reaches the pod on its own IP (retry while httpd binds)
    let body = '';
    for (let i = 0; i < 50; i++) {
      try {
        const res = await fetch(`http://${ip}/`, { signal: AbortSignal.timeout(2000) });
        body = await res.text();
        if (res.status === 200) break;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(body, /hello from timonel busybox/);

    const ex = await c.execSync(cid, ['echo', 'hi'], 10);
    assert.equal(ex.exitCode, 0);
    assert.equal(ex.stdout.toString(), 'hi\n');
    const ex2 = await c.execSync(cid, ['sh', '-c', 'echo oops >&2; exit 3'], 10);
    assert.equal(ex2.exitCode, 3);
    assert.equal(ex2.stderr.toString(), 'oops\n');
    const hn = await c.execSync(cid, ['hostname'], 10);
    assert.equal(hn.stdout.toString().trim(), 'web');
    const lo = await c.execSync(cid, ['ip', 'addr', 'show', 'lo'], 10);
    assert.match(lo.stdout.toString(), /inet 127\.0\.0\.1/, 'loopback is up in the pod');

    // interactive exec through containerd's streaming server
    const url = await c.exec({ containerId: cid, cmd: ['sh', '-c', 'echo hi; echo there >&2; exit 4'], stdout: true, stderr: true });
    const session = await connectStream(url, { stdin: false, stdout: true, stderr: true, tty: false });
    const [out, err, code] = await Promise.all([collect(session.stdout), collect(session.stderr), session.exit]);
    assert.equal(out, 'hi\n');
    assert.equal(err, 'there\n');
    assert.equal(code, 4);

    const stats = await c.containerStats(cid);
    assert.ok((stats.memory?.workingSetBytes?.value ?? 0) > 0, 'memory working set reported');
    assert.ok((stats.cpu?.usageCoreNanoSeconds?.value ?? 0) > 0, 'cpu usage reported');

    // logs: stdout of the container (the echo) and httpd's request log on stderr
    let lines: Array<[string, string]> = [];
    for (let i = 0; i < 30; i++) {
      lines = criLogLines(readFileSync(cs.logPath, 'utf8'));
      if (lines.some(([s]) => s === 'stderr')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(lines[0], ['stdout', 'starting httpd']);
    assert.ok(lines.some(([s, t]) => s === 'stderr' && t.includes('response:200')), `request log line in ${JSON.stringify(lines)}`);

    const listed = await c.listContainers({ podSandboxId: sb });
    assert.deepEqual(listed.map((x) => x.id), [cid]);

    await c.stopContainer(cid, 2);
    const stopped = (await c.containerStatus(cid)).status;
    assert.equal(stopped.state, 'CONTAINER_EXITED');
    // httpd is PID 1 of its container: SIGTERM (143), or SIGKILL after the grace (137)
    assert.ok([137, 143].includes(stopped.exitCode), `exit code ${stopped.exitCode}`);
    assert.equal(stopped.reason, 'Error');
    await c.removeContainer(cid);
    await c.stopPodSandbox(sb);
    await c.removePodSandbox(sb);
    assert.deepEqual(await c.listPodSandbox(), []);
    assert.deepEqual(leftovers(env), [], 'no netns, mount or IP left after removing the pod');
    assert.deepEqual(bridgePorts(env.node.bridgeName), [], 'veth gone');
  } catch (e) {
    failed = e;
  } finally {
    try {
      await env.stop();
    } catch (e) {
      failed ??= e;
    }
  }
  if (failed) throw failed;
});
