import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { ProcessRuntime, IpRange, applyMounts, imageEntrypoint, parseProcStat, rewritePath, shellQuote, mountEnvName } from './process.js';
import { parseRecord } from '../crilog.js';
import type { ContainerConfig, ContainerEvent, PodSandboxConfig } from '../runtime.js';

const NODE = process.execPath;

test('IpRange hands out addresses round robin and keeps network and first host back', () => {
  const r = new IpRange('127.5.0.0/30');
  assert.equal(r.allocate(), '127.5.0.2');
  assert.throws(() => r.allocate(), /no pod IP left/);
  r.release('127.5.0.2');
  assert.equal(r.allocate(), '127.5.0.2');
  const big = new IpRange('127.1.0.0/16');
  assert.equal(big.allocate(), '127.1.0.2');
  assert.equal(big.allocate(), '127.1.0.3');
  big.release('127.1.0.2');
  assert.equal(big.allocate(), '127.1.0.4', 'a freed address is not reused at once');
});

test('mount paths are rewritten only as whole path prefixes', () => {
  assert.equal(rewritePath('cat /data/x', '/data', '/h/v'), 'cat /h/v/x');
  assert.equal(rewritePath('/data', '/data', '/h/v'), '/h/v');
  assert.equal(rewritePath('--dir=/data/', '/data', '/h/v'), '--dir=/h/v/');
  assert.equal(rewritePath('/mnt/data/x', '/data', '/h/v'), '/mnt/data/x');
  assert.equal(rewritePath('/database', '/data', '/h/v'), '/database');
  assert.equal(applyMounts('/data/sub/f /data/f', [{ containerPath: '/data', hostPath: '/A', readonly: false }, { containerPath: '/data/sub', hostPath: '/B', readonly: false }]), '/B/f /A/f');
  assert.equal(mountEnvName('/shared/data/'), 'TIMONEL_MOUNT_SHARED_DATA');
});

test('helpers: entrypoint from image, shell quoting, /proc stat parsing', () => {
  assert.equal(imageEntrypoint('docker.io/library/node:20-alpine'), 'node');
  assert.equal(imageEntrypoint('registry:5000/busybox@sha256:abc'), 'busybox');
  assert.equal(shellQuote(['echo', "it's", 'a b', '$x']), `echo 'it'\\''s' 'a b' '$x'`);
  const st = parseProcStat('123 (my (weird) proc) S 1 123 123 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 5555 1000 42 18446744073709551615');
  assert.deepEqual(st, { pgrp: 123, ticks: 10, starttime: 5555, rssPages: 42 });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'proc-rt-'));
  const rt = new ProcessRuntime({ stateDir: join(dir, 'state'), podCidr: '127.77.0.0/16' });
  const sb: PodSandboxConfig = { metadata: { name: 'p', namespace: 'ns', uid: 'u1', attempt: 0 }, hostname: 'p', logDirectory: join(dir, 'logs'), labels: {}, annotations: {}, portMappings: [] };
  const cfg = (name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
    metadata: { name, attempt: 0 }, image: { image: 'node' }, command, args: [], envs: [], mounts: [], labels: {}, annotations: {}, logPath: `${name}/0.log`, ...extra,
  });
  return { dir, rt, sb, cfg, cleanup: async () => { await rt.shutdown(); rmSync(dir, { recursive: true, force: true }); } };
}

async function waitExit(rt: ProcessRuntime, id: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const st = await rt.containerStatus(id);
    if (st?.state === 'CONTAINER_EXITED') return st;
    if (Date.now() > deadline) throw new Error('container did not exit');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a container runs argv without a shell, with env, POD_IP and a CRI log', async () => {
  const { rt, sb, cfg, cleanup } = setup();
  try {
    const events: ContainerEvent[] = [];
    rt.onContainerEvent((e) => events.push(e));
    const sid = await rt.runPodSandbox(sb);
    const ip = (await rt.podSandboxStatus(sid))!.network.ip;
    assert.match(ip, /^127\.77\.\d+\.\d+$/);
    const id = await rt.createContainer(sid, cfg('c', [NODE, '-e', 'console.log(process.env.POD_IP, process.env.GREETING, process.argv[1]); console.error("to stderr"); process.exit(3)', '$HOME'], { envs: [{ key: 'GREETING', value: 'hi' }] }), sb);
    assert.equal((await rt.containerStatus(id))!.state, 'CONTAINER_CREATED');
    await rt.startContainer(id);
    const st = await waitExit(rt, id);
    assert.equal(st.exitCode, 3);
    assert.equal(st.reason, 'Error');
    assert.ok(st.startedAt > 0 && st.finishedAt >= st.startedAt);
    const recs = readFileSync(st.logPath, 'utf8').trimEnd().split('\n').map((l) => parseRecord(l)!);
    const out = recs.find((r) => r.stream === 'stdout')!;
    assert.equal(out.content, `${ip} hi $HOME`, 'no shell expansion');
    assert.equal(recs.find((r) => r.stream === 'stderr')!.content, 'to stderr');
    assert.deepEqual(events.map((e) => e.type), ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT']);
  } finally {
    await cleanup();
  }
});

test('exit codes: 0 is Completed; a missing binary is a StartError (128)', async () => {
  const { rt, sb, cfg, cleanup } = setup();
  try {
    const sid = await rt.runPodSandbox(sb);
    const ok = await rt.createContainer(sid, cfg('ok', ['/bin/sh', '-c', 'exit 0']), sb);
    await rt.startContainer(ok);
    const st = await waitExit(rt, ok);
    assert.equal(st.exitCode, 0);
    assert.equal(st.reason, 'Completed');
    const bad = await rt.createContainer(sid, cfg('bad', ['no-such-binary-xyz']), sb);
    await assert.rejects(rt.startContainer(bad), /executable file not found in \$PATH/);
    const bs = (await rt.containerStatus(bad))!;
    assert.equal(bs.state, 'CONTAINER_EXITED');
    assert.equal(bs.exitCode, 128);
    assert.equal(bs.reason, 'StartError');
  } finally {
    await cleanup();
  }
});

test('stop: SIGTERM first (143), SIGKILL after the timeout (137), whole process group', async () => {
  const { rt, sb, cfg, cleanup } = setup();
  try {
    const sid = await rt.runPodSandbox(sb);
    const polite = await rt.createContainer(sid, cfg('polite', [NODE, '-e', 'setInterval(() => {}, 1000)']), sb);
    await rt.startContainer(polite);
    const t0 = Date.now();
    await rt.stopContainer(polite, 10);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal((await rt.containerStatus(polite))!.exitCode, 143);
    const stubborn = await rt.createContainer(sid, cfg('stubborn', [NODE, '-e', 'process.on("SIGTERM", () => console.log("ignoring")); setInterval(() => {}, 1000); console.log("ready")']), sb);
    await rt.startContainer(stubborn);
    const logPath = (await rt.containerStatus(stubborn))!.logPath;
    for (let i = 0; i < 200 && !(existsSync(logPath) && readFileSync(logPath, 'utf8').includes('ready')); i++) await new Promise((r) => setTimeout(r, 20));
    const t1 = Date.now();
    await rt.stopContainer(stubborn, 1);
    const waited = Date.now() - t1;
    assert.ok(waited >= 900, `waited ${waited}ms for the grace period`);
    assert.equal((await rt.containerStatus(stubborn))!.exitCode, 137);
    // a child of the container goes with it
    const dir = mkdtempSync(join(tmpdir(), 'pg-'));
    const pidFile = join(dir, 'pid');
    const parent = await rt.createContainer(sid, cfg('parent', ['/bin/sh', '-c', `sleep 1000 & echo $! > ${pidFile}; wait`]), sb);
    await rt.startContainer(parent);
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
    const childPid = Number(readFileSync(pidFile, 'utf8'));
    await rt.stopContainer(parent, 5);
    await new Promise((r) => setTimeout(r, 100));
    let state = 'gone';
    try { state = readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0]!; } catch { /* gone */ }
    assert.ok(state === 'gone' || state === 'Z', `the background child is gone (state ${state})`);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await cleanup();
  }
});

test('containers of a pod share the pod IP and an emptyDir through mount rewriting', async () => {
  const { dir, rt, sb, cfg, cleanup } = setup();
  try {
    const sid = await rt.runPodSandbox(sb);
    const ip = (await rt.podSandboxStatus(sid))!.network.ip;
    const vol = join(dir, 'vol');
    const mounts = [{ containerPath: '/shared', hostPath: vol, readonly: false }];
    const { mkdirSync } = await import('node:fs');
    mkdirSync(vol);
    const server = await rt.createContainer(sid, cfg('server', [NODE, '-e', `require('http').createServer((q, s) => s.end(require('fs').readFileSync('/shared/msg', 'utf8'))).listen(8080, process.env.POD_IP)`], { mounts }), sb);
    const writer = await rt.createContainer(sid, cfg('writer', ['/bin/sh', '-c', 'echo hello-from-writer > /shared/msg; test "$TIMONEL_MOUNT_SHARED" = "' + vol + '"'], { mounts }), sb);
    await rt.startContainer(writer);
    assert.equal((await waitExit(rt, writer)).exitCode, 0);
    await rt.startContainer(server);
    let body = '';
    for (let i = 0; i < 100 && !body; i++) {
      body = await new Promise<string>((resolve) => {
        http.get({ host: ip, port: 8080, path: '/' }, (res) => { let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve(b)); }).on('error', () => setTimeout(() => resolve(''), 50));
      });
    }
    assert.equal(body, 'hello-from-writer\n');
    // exec and port-forward reach the same pod
    const ex = await rt.execSync(server, ['/bin/sh', '-c', 'echo $POD_IP; cat /shared/msg; exit 4'], 5);
    assert.equal(ex.exitCode, 4);
    assert.equal(ex.stdout.toString(), `${ip}\nhello-from-writer\n`);
    const sock = await rt.portForward(sid, 8080);
    sock.write('GET / HTTP/1.0\r\n\r\n');
    const reply = await new Promise<string>((resolve) => { let b = ''; sock.on('data', (d) => { b += d; }); sock.on('end', () => resolve(b)); });
    assert.match(reply, /hello-from-writer/);
  } finally {
    await cleanup();
  }
});

test('exec with a tty runs under a pty and reports the exit code', async () => {
  const { rt, sb, cfg, cleanup } = setup();
  try {
    const sid = await rt.runPodSandbox(sb);
    const id = await rt.createContainer(sid, cfg('c', [NODE, '-e', 'setInterval(() => {}, 1000)']), sb);
    await rt.startContainer(id);
    const s = await rt.exec(id, { cmd: ['/bin/sh', '-c', 'test -t 0 && echo is-a-tty; stty size; read x; echo got-$x; exit 5'], tty: true, stdin: true, stdout: true, stderr: false });
    let out = '';
    s.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    s.resize(100, 30);
    for (let i = 0; i < 100 && !out.includes('30 100'); i++) {
      await new Promise((r) => setTimeout(r, 30));
      if (i % 10 === 9) s.resize(100, 30);
    }
    s.stdin!.write('abc\n');
    const code = await s.exit;
    assert.equal(code, 5);
    assert.match(out, /is-a-tty/);
    assert.match(out, /got-abc/);
  } finally {
    await cleanup();
  }
});

test('leftover processes of a previous run are killed at start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'proc-rt-'));
  const { spawn } = await import('node:child_process');
  const child = spawn(NODE, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  try {
    await new Promise((r) => child.once('spawn', r));
    const stat = parseProcStat(readFileSync(`/proc/${child.pid}/stat`, 'utf8'))!;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'state', 'pids'), { recursive: true });
    writeFileSync(join(dir, 'state', 'pids', 'x'), `${child.pid} ${stat.starttime}\n`);
    const exited = new Promise((r) => child.once('exit', r));
    new ProcessRuntime({ stateDir: join(dir, 'state') });
    await exited;
  } finally {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
});
