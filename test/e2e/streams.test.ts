// Acceptance (issue 3, item 6): the streams of `process` pods through the real kubectl and the API
// server: `kubectl logs` (-c, --tail, -f, --previous after a restart, --timestamps), `kubectl exec`
// (output, stderr, exit code, stdin, and an interactive shell through a tty driven with util-linux
// `script`), and `kubectl port-forward` to a pod's port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { startCluster, kc, kubectl, eventually, KUBECTL, type Cluster } from './harness.js';

let cluster: Cluster;
const children = new Set<ChildProcess>();

const PODS = {
  apiVersion: 'v1', kind: 'List',
  items: [
    {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'talker' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'main', image: 'busybox', command: ['/bin/sh', '-c', 'for i in 1 2 3 4 5; do echo line $i; done; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done'] },
          { name: 'side', image: 'busybox', command: ['/bin/sh', '-c', 'echo side-hello; echo side-err >&2; exec sleep 3600'] },
        ],
      },
    },
    {
      // fails its first run, then keeps running: --previous shows the first run's output
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crashonce' },
      spec: {
        terminationGracePeriodSeconds: 1,
        volumes: [{ name: 'data', emptyDir: {} }],
        containers: [{
          name: 'app', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }],
          command: ['/bin/sh', '-c', 'if [ -f /data/ran ]; then echo second-run; exec sleep 3600; fi; touch /data/ran; echo first-run; exit 3'],
        }],
      },
    },
    {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'web', image: 'node', command: [process.execPath, '-e', "require('http').createServer((q, s) => s.end('hello from ' + process.env.POD_IP + ' ' + q.url)).listen(18403, process.env.POD_IP)"],
          ports: [{ containerPort: 18403 }],
          readinessProbe: { tcpSocket: { port: 18403 }, periodSeconds: 1 },
        }],
      },
    },
  ],
};

before(async () => {
  cluster = await startCluster({ args: ['--node-name', 'node-a'] });
  await kc(cluster, ['apply', '-f', '-'], { input: JSON.stringify(PODS) });
  await kc(cluster, ['wait', '--for=condition=Ready', 'pod/talker', 'pod/web', '--timeout=60s']);
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cluster?.cleanup();
});

function kubectlArgs(args: string[]): string[] {
  return ['--kubeconfig', cluster.kubeconfig, '--cache-dir', join(cluster.dataDir, 'kubectl-cache'), ...args];
}

/** A long-running child (kubectl -f, port-forward, script) with its output collected. */
function start(cmd: string, args: string[]): { proc: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { err += d; });
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => { children.delete(proc); resolve(code); }));
  return { proc, out: () => out, err: () => err, exit };
}

function ticks(text: string): number[] {
  return [...text.matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));
}

test('kubectl logs: -c picks the container, --tail the last lines, --timestamps', async () => {
  assert.equal(await kc(cluster, ['logs', 'talker', '-c', 'side']), 'side-hello\nside-err\n');
  const main = await kc(cluster, ['logs', 'talker', '-c', 'main']);
  assert.match(main, /^line 1\nline 2\nline 3\nline 4\nline 5\ntick 1\n/);
  // without -c: the first container, as kubectl says on stderr
  const dflt = await kubectl(cluster, ['logs', 'talker']);
  assert.equal(dflt.code, 0, dflt.stderr);
  assert.match(dflt.stdout, /^line 1\n/);
  assert.match(dflt.stderr, /Defaulted container "main" out of: main, side/);
  const tail = (await kc(cluster, ['logs', 'talker', '-c', 'main', '--tail', '3'])).split('\n');
  assert.equal(tail.pop(), '');
  assert.equal(tail.length, 3, tail.join('|'));
  const n = ticks(tail.join('\n'));
  assert.equal(n.length, 3);
  assert.deepEqual(n, [n[0]!, n[0]! + 1, n[0]! + 2], 'the last three lines, in order');
  assert.equal(await kc(cluster, ['logs', 'talker', '-c', 'main', '--tail', '0']), '');
  const ts = await kc(cluster, ['logs', 'talker', '-c', 'side', '--timestamps']);
  assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z side-hello\n\S+ side-err\n$/);
  // a container the pod does not have
  const bad = await kubectl(cluster, ['logs', 'talker', '-c', 'nope']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /container nope is not valid for pod talker/);
});

test('kubectl logs -f follows new lines as they are written', async () => {
  const before = Math.max(...ticks(await kc(cluster, ['logs', 'talker', '-c', 'main'])));
  const f = start(KUBECTL, kubectlArgs(['logs', '-f', 'talker', '-c', 'main']));
  try {
    await eventually(async () => ticks(f.out()).some((t) => t >= before + 5), 20_000, `tick ${before + 5} through -f`).catch((err) => { throw new Error(`${err.message}\n${f.err()}`); });
    assert.match(f.out(), /^line 1\n/, 'from the start of the log');
    const seen = ticks(f.out());
    assert.deepEqual(seen, seen.map((_, i) => i + 1), 'every line once, in order');
    assert.equal(f.proc.exitCode, null, 'still following');
    // --tail with -f: only the last line, then new ones
    const g = start(KUBECTL, kubectlArgs(['logs', '-f', '--tail=1', 'talker', '-c', 'main']));
    try {
      await eventually(async () => ticks(g.out()).length >= 3, 20_000, 'three lines with --tail=1 -f');
      assert.doesNotMatch(g.out(), /^line/m);
      const t = ticks(g.out());
      assert.ok(t[0]! >= before + 5, `starts near the end: ${t[0]}`);
    } finally {
      g.proc.kill('SIGTERM');
    }
  } finally {
    f.proc.kill('SIGTERM');
  }
});

test('kubectl logs --previous shows the run before the restart', async () => {
  const pod = await eventually(async () => {
    const p = JSON.parse(await kc(cluster, ['get', 'pod', 'crashonce', '-o', 'json'])) as Pod;
    const c = p.status?.containerStatuses?.[0];
    return c && c.restartCount === 1 && c.state?.running ? p : undefined;
  }, 40_000, 'crashonce restarted once and running');
  assert.equal(pod.status!.containerStatuses![0]!.lastState?.terminated?.exitCode, 3);
  assert.equal(await kc(cluster, ['logs', 'crashonce']), 'second-run\n');
  assert.equal(await kc(cluster, ['logs', 'crashonce', '--previous']), 'first-run\n');
  assert.equal(await kc(cluster, ['logs', 'crashonce', '-p', '-c', 'app']), 'first-run\n');
  // a container that never restarted has no previous log
  const none = await kubectl(cluster, ['logs', 'talker', '-c', 'side', '--previous']);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /previous terminated container "side" in pod "talker" not found/);
});

test('kubectl exec: output, stderr and exit code; stdin; the container environment', async () => {
  const r = await kubectl(cluster, ['exec', 'talker', '-c', 'side', '--', '/bin/sh', '-c', 'echo out; echo err >&2; exit 5']);
  assert.equal(r.stdout, 'out\n');
  assert.match(r.stderr, /^err\n/);
  assert.match(r.stderr, /command terminated with exit code 5/);
  assert.equal(r.code, 5);
  const ok = await kubectl(cluster, ['exec', 'talker', '-c', 'side', '--', 'true']);
  assert.equal(ok.code, 0, ok.stderr);
  const ip = await kc(cluster, ['get', 'pod', 'talker', '-o', 'jsonpath={.status.podIP}']);
  assert.equal(await kc(cluster, ['exec', 'talker', '-c', 'side', '--', 'printenv', 'POD_IP']), `${ip}\n`);
  const stdin = await kubectl(cluster, ['exec', '-i', 'talker', '-c', 'side', '--', '/bin/sh', '-c', 'read a; read b; echo "got $a and $b"; exit 2'], { input: 'one\ntwo\n' });
  assert.equal(stdin.stdout, 'got one and two\n');
  assert.equal(stdin.code, 2);
  // an exec into a pod that does not exist
  const missing = await kubectl(cluster, ['exec', 'nope', '--', 'true']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /pods "nope" not found/);
});

test('kubectl exec -it: an interactive shell through a tty', async () => {
  // `script` gives kubectl a terminal (stdin piped into it); -e returns the exit code of the command
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [KUBECTL, ...kubectlArgs(['exec', '-it', 'talker', '-c', 'side', '--', '/bin/sh'])].map(quote).join(' ');
  const s = start('script', ['-q', '-f', '-e', '-c', cmd, '/dev/null']);
  try {
    // wait for the shell's prompt before typing
    await eventually(async () => /[#$] $/.test(s.out()), 20_000, 'a prompt').catch((err) => { throw new Error(`${err.message}\n${s.out()}\n${s.err()}`); });
    s.proc.stdin!.write('echo $((6*7)); tty; [ -t 0 ] && echo is-a-tty\n');
    await eventually(async () => /is-a-tty/.test(s.out().replace(/.*\[ -t 0 \].*/g, '')), 15_000, 'the answers').catch((err) => { throw new Error(`${err.message}\n${s.out()}`); });
    const out = s.out().replace(/\r/g, '');
    assert.match(out, /echo \$\(\(6\*7\)\); tty/, 'the terminal echoes what is typed');
    assert.match(out, /^42$/m);
    assert.match(out, /^\/dev\/pts\/\d+$/m);
    s.proc.stdin!.write('exit 3\n');
    const code = await Promise.race([s.exit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
    assert.equal(code, 3, `exit code of the shell through kubectl and script:\n${s.out()}`);
    assert.match(s.out(), /command terminated with exit code 3/);
  } finally {
    s.proc.kill('SIGKILL');
  }
});

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

test('kubectl port-forward reaches a pod port', async () => {
  const ip = await kc(cluster, ['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}']);
  const pf = start(KUBECTL, kubectlArgs(['port-forward', 'pod/web', ':18403']));
  try {
    const port = await eventually(async () => Number(/Forwarding from 127\.0\.0\.1:(\d+) -> 18403/.exec(pf.out())?.[1]) || undefined, 20_000, 'the forwarding port')
      .catch((err) => { throw new Error(`${err.message}\n${pf.out()}\n${pf.err()}`); });
    assert.equal(await httpGet(port, '/one'), `hello from ${ip} /one`);
    // more connections through the same forward, also at once
    const many = await Promise.all([1, 2, 3].map((i) => httpGet(port, `/c${i}`)));
    assert.deepEqual(many, [1, 2, 3].map((i) => `hello from ${ip} /c${i}`));
    assert.match(pf.out(), /Handling connection for \d+/);
  } finally {
    pf.proc.kill('SIGTERM');
  }
  // a port nothing listens on: kubectl reports the error for that connection
  const bad = start(KUBECTL, kubectlArgs(['port-forward', 'pod/web', ':18499']));
  try {
    const port = await eventually(async () => Number(/Forwarding from 127\.0\.0\.1:(\d+) -> 18499/.exec(bad.out())?.[1]) || undefined, 20_000, 'the forwarding port');
    await assert.rejects(httpGet(port, '/'));
    await eventually(async () => /error forwarding port 18499|connection refused/.test(bad.err()), 10_000, 'an error for the refused connection')
      .catch((err) => { throw new Error(`${err.message}\n${bad.err()}`); });
  } finally {
    bad.proc.kill('SIGTERM');
  }
});
