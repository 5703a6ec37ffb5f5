// The CRI client against an in-process gRPC server built from the same api.proto (wire names and
// numbers exercised both ways), the streaming client against a v4.channel.k8s.io WebSocket server,
// and, where containerd is installed and we are root, against a real containerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { WebSocketServer } from 'ws';
import { CriClient, CriError, grpcTarget, isNotFound, protoPath } from './client.js';
import { ManagedContainerd, findContainerd } from './containerd.js';
import { connectStream, exitCodeOfStatus, EXEC_SUBPROTOCOL } from './streaming.js';

type Handler = (req: Record<string, unknown>) => unknown;

async function fakeServer(handlers: Record<string, Handler>, streams: Record<string, (req: unknown, call: grpc.ServerWritableStream<unknown, unknown>) => void> = {}) {
  const def = protoLoader.loadSync(protoPath(), { keepCase: false, longs: Number, enums: String, defaults: true, arrays: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: { service: grpc.ServiceDefinition }; ImageService: { service: grpc.ServiceDefinition } } } };
  const server = new grpc.Server();
  const impl = (svc: grpc.ServiceDefinition) => {
    const out: grpc.UntypedServiceImplementation = {};
    for (const name of Object.keys(svc)) {
      const method = svc[name]!;
      const short = method.path.split('/').pop()!;
      if (method.responseStream) {
        out[name] = (call: grpc.ServerWritableStream<unknown, unknown>) => {
          const h = streams[short];
          if (!h) return call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `${short} not served` });
          h(call.request, call);
        };
      } else {
        out[name] = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) => {
          const h = handlers[short];
          if (!h) return cb({ code: grpc.status.UNIMPLEMENTED, details: `${short} not served` });
          try { cb(null, h(call.request)); } catch (e) { cb(e as grpc.ServiceError); }
        };
      }
    }
    return out;
  };
  server.addService(pkg.runtime.v1.RuntimeService.service, impl(pkg.runtime.v1.RuntimeService.service));
  server.addService(pkg.runtime.v1.ImageService.service, impl(pkg.runtime.v1.ImageService.service));
  const dir = mkdtempSync(join(tmpdir(), 'tm-cri-'));
  const sock = join(dir, 'cri.sock');
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${sock}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  return {
    sock,
    async close() {
      await new Promise<void>((r) => server.tryShutdown(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('api.proto: field numbers of messages the kubelet depends on match CRI v1', () => {
  const root = new protobuf.Root().loadSync(protoPath(), { keepCase: true });
  const num = (msg: string, field: string) => root.lookupType(`runtime.v1.${msg}`).fields[field]?.id;
  assert.equal(num('PodSandboxConfig', 'log_directory'), 3);
  assert.equal(num('PodSandboxConfig', 'linux'), 8);
  assert.equal(num('LinuxSandboxSecurityContext', 'run_as_group'), 8);
  assert.equal(num('ContainerConfig', 'log_path'), 11);
  assert.equal(num('ContainerConfig', 'linux'), 15);
  assert.equal(num('LinuxContainerResources', 'memory_limit_in_bytes'), 4);
  assert.equal(num('LinuxContainerResources', 'unified'), 9);
  assert.equal(num('LinuxContainerSecurityContext', 'run_as_group'), 12);
  assert.equal(num('ContainerStatus', 'reason'), 10);
  assert.equal(num('ContainerStatus', 'log_path'), 15);
  assert.equal(num('ImageSpec', 'user_specified_image'), 18);
  assert.equal(num('PullImageRequest', 'sandbox_config'), 3);
  assert.equal(num('ContainerStats', 'writable_layer'), 4);
  assert.equal(num('MemoryUsage', 'rss_bytes'), 5);
  const rt = root.lookupService('runtime.v1.RuntimeService');
  assert.equal(rt.methods['GetContainerEvents']?.responseStream, true);
  assert.equal(root.lookupEnum('runtime.v1.ContainerState').values['CONTAINER_EXITED'], 2);
  assert.equal(root.lookupEnum('runtime.v1.NamespaceMode').values['NODE'], 2);
});

test('grpc targets for socket paths', () => {
  assert.equal(grpcTarget('/run/x.sock'), 'unix:/run/x.sock');
  assert.equal(grpcTarget('unix:///run/x.sock'), 'unix:/run/x.sock');
  assert.equal(grpcTarget('unix:/run/x.sock'), 'unix:/run/x.sock');
});

test('CRI client: requests and replies cross the wire with CRI names, errors keep their gRPC code', async () => {
  const seen: Record<string, Record<string, unknown>> = {};
  const srv = await fakeServer({
    Version: (r) => { seen['Version'] = r; return { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '9', runtimeApiVersion: 'v1' }; },
    RunPodSandbox: (r) => { seen['RunPodSandbox'] = r; return { podSandboxId: 'sb-1' }; },
    PodSandboxStatus: (r) => {
      if (r['podSandboxId'] !== 'sb-1') throw { code: grpc.status.NOT_FOUND, details: 'an error occurred when try to find sandbox: not found' };
      return { status: { id: 'sb-1', state: 'SANDBOX_READY', createdAt: 1_700_000_000_123_456_789, network: { ip: '10.1.0.5', additionalIps: [{ ip: 'fd00::5' }] }, labels: { a: 'b' } } };
    },
    CreateContainer: (r) => { seen['CreateContainer'] = r; return { containerId: 'c-1' }; },
    ContainerStatus: () => ({ status: { id: 'c-1', state: 'CONTAINER_EXITED', exitCode: 137, reason: 'OOMKilled', finishedAt: 5e18, logPath: '/l/0.log', mounts: [{ containerPath: '/x', hostPath: '/h', readonly: true }] } }),
    ExecSync: (r) => { seen['ExecSync'] = r; return { stdout: Buffer.from('hi\n'), stderr: Buffer.alloc(0), exitCode: 0 }; },
    ImageStatus: (r) => ((r['image'] as { image: string }).image === 'present' ? { image: { id: 'sha256:1', repoTags: ['present:latest'], size: 42 } } : {}),
    PullImage: (r) => { seen['PullImage'] = r; return { imageRef: 'sha256:feed' }; },
    ListContainers: (r) => { seen['ListContainers'] = r; return { containers: [{ id: 'c-1', podSandboxId: 'sb-1', state: 'CONTAINER_RUNNING' }] }; },
  }, {
    GetContainerEvents: (_req, call) => {
      call.write({ containerId: 'c-1', containerEventType: 'CONTAINER_STOPPED_EVENT', createdAt: 1 });
      call.end();
    },
  });
  const c = new CriClient(srv.sock, { timeoutMs: 5000 });
  try {
    assert.equal((await c.version()).runtimeName, 'fake');
    assert.equal(seen['Version']!['version'], 'v1');

    const sbId = await c.runPodSandbox({
      metadata: { name: 'p', uid: 'u', namespace: 'ns', attempt: 2 },
      hostname: 'p', logDirectory: '/logs/p',
      portMappings: [{ protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' }],
      labels: { app: 'x' },
      linux: { cgroupParent: '/timonel/n/podu', securityContext: { namespaceOptions: { network: 'NODE', pid: 'CONTAINER' } } },
    }, 'runc');
    assert.equal(sbId, 'sb-1');
    const rp = seen['RunPodSandbox'] as { config: Record<string, unknown>; runtimeHandler: string };
    assert.equal(rp.runtimeHandler, 'runc');
    assert.deepEqual(rp.config['metadata'], { name: 'p', uid: 'u', namespace: 'ns', attempt: 2 });
    assert.deepEqual(rp.config['portMappings'], [{ protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' }]);
    const linux = rp.config['linux'] as { cgroupParent: string; securityContext: { namespaceOptions: { network: string; pid: string; ipc: string } } };
    assert.equal(linux.cgroupParent, '/timonel/n/podu');
    assert.deepEqual(linux.securityContext.namespaceOptions, { network: 'NODE', pid: 'CONTAINER', ipc: 'POD', targetId: '' });

    const st = await c.podSandboxStatus('sb-1');
    assert.equal(st.status.state, 'SANDBOX_READY');
    assert.equal(Math.floor(st.status.createdAt / 1e6), 1_700_000_000_123, 'int64 nanoseconds');
    assert.deepEqual(st.status.network, { ip: '10.1.0.5', additionalIps: [{ ip: 'fd00::5' }] });
    await assert.rejects(c.podSandboxStatus('nope'), (e: unknown) => isNotFound(e) && (e as CriError).rpc === 'PodSandboxStatus' && /not found/.test((e as CriError).details));

    await c.createContainer('sb-1', {
      metadata: { name: 'web', attempt: 1 }, image: { image: 'busybox' }, command: ['sh'], args: ['-c', 'true'],
      envs: [{ key: 'A', value: '1' }], mounts: [{ containerPath: '/data', hostPath: '/h', readonly: true }], logPath: 'web/1.log', tty: true,
      linux: { resources: { cpuQuota: 50_000, cpuPeriod: 100_000, cpuShares: 512, memoryLimitInBytes: 2 ** 33 } },
    }, { metadata: { name: 'p', uid: 'u', namespace: 'ns', attempt: 0 } });
    const cc = seen['CreateContainer'] as { podSandboxId: string; config: Record<string, unknown>; sandboxConfig: { metadata: { uid: string } } };
    assert.equal(cc.podSandboxId, 'sb-1');
    assert.equal(cc.sandboxConfig.metadata.uid, 'u');
    assert.deepEqual(cc.config['args'], ['-c', 'true']);
    assert.deepEqual(cc.config['envs'], [{ key: 'A', value: '1' }]);
    assert.equal(cc.config['logPath'], 'web/1.log');
    assert.equal(cc.config['tty'], true);
    const m = (cc.config['mounts'] as Array<Record<string, unknown>>)[0]!;
    assert.equal(m['readonly'], true);
    assert.equal(m['propagation'], 'PROPAGATION_PRIVATE');
    const res = (cc.config['linux'] as { resources: Record<string, number> }).resources;
    assert.equal(res['memoryLimitInBytes'], 2 ** 33, 'int64 beyond 32 bits');
    assert.equal(res['cpuQuota'], 50_000);

    const cs = await c.containerStatus('c-1');
    assert.equal(cs.status.reason, 'OOMKilled');
    assert.equal(cs.status.exitCode, 137);
    assert.equal(cs.status.mounts[0]!.readonly, true);

    const ex = await c.execSync('c-1', ['echo', 'hi'], 7);
    assert.equal(ex.stdout.toString(), 'hi\n');
    assert.deepEqual(seen['ExecSync'], { containerId: 'c-1', cmd: ['echo', 'hi'], timeout: 7 });

    assert.equal(await c.imageStatus({ image: 'absent' }), undefined);
    assert.equal((await c.imageStatus({ image: 'present' }))?.size, 42);
    assert.equal(await c.pullImage({ image: 'r/x:1' }, { username: 'u', password: 'p', serverAddress: 'r' }), 'sha256:feed');
    assert.deepEqual((seen['PullImage'] as { auth: Record<string, string> }).auth, { username: 'u', password: 'p', auth: '', serverAddress: 'r', identityToken: '', registryToken: '' });

    const list = await c.listContainers({ podSandboxId: 'sb-1', state: { state: 'CONTAINER_RUNNING' } });
    assert.equal(list[0]!.state, 'CONTAINER_RUNNING');
    const lf = (seen['ListContainers'] as { filter: { podSandboxId: string; state: { state: string } } }).filter;
    assert.equal(lf.podSandboxId, 'sb-1');
    assert.equal(lf.state.state, 'CONTAINER_RUNNING');

    await assert.rejects(c.removeImage({ image: 'x' }), (e: unknown) => e instanceof CriError && e.code === 'UNIMPLEMENTED');

    const events: string[] = [];
    await new Promise<void>((resolve, reject) => {
      c.containerEvents((e) => events.push(`${e.containerId}:${e.containerEventType}`), (err) => (err ? reject(err) : resolve()));
    });
    assert.deepEqual(events, ['c-1:CONTAINER_STOPPED_EVENT']);
  } finally {
    c.close();
    await srv.close();
  }
});

test('CRI client: an absent socket fails with UNAVAILABLE', async () => {
  const c = new CriClient('/nonexistent/dir/cri.sock', { timeoutMs: 1500 });
  try {
    await assert.rejects(c.version(), (e: unknown) => e instanceof CriError && (e.code === 'UNAVAILABLE' || e.code === 'DEADLINE_EXCEEDED'));
  } finally {
    c.close();
  }
});

test('v4 status: exit codes', () => {
  assert.deepEqual(exitCodeOfStatus('{"metadata":{},"status":"Success"}'), { code: 0, message: '' });
  assert.equal(exitCodeOfStatus(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', message: 'x', details: { causes: [{ reason: 'ExitCode', message: '42' }] } })).code, 42);
  const other = exitCodeOfStatus(JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'executable file not found' }));
  assert.equal(other.code, undefined);
  assert.equal(other.message, 'executable file not found');
});

test('streaming client: channels, resize and status over v4.channel.k8s.io', async () => {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, handleProtocols: (p) => (p.has(EXEC_SUBPROTOCOL) ? EXEC_SUBPROTOCOL : false) });
  const got: { resize?: string; stdin: string } = { stdin: '' };
  wss.on('connection', (ws) => {
    ws.send(Buffer.from([1])); // "connected" marker: empty stdout frame
    ws.on('message', (d: Buffer) => {
      if (d[0] === 0) {
        got.stdin += d.subarray(1).toString();
        if (got.stdin.endsWith('\n')) {
          ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`echo:${got.stdin}`)]));
          ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('warn\n')]));
          ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '5' }] } }))]));
          ws.close(1000);
        }
      } else if (d[0] === 4) got.resize = d.subarray(1).toString();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    const s = await connectStream(`http://127.0.0.1:${port}/exec/tok`, { stdin: true, stdout: true, stderr: true, tty: false });
    const out: string[] = [];
    const err: string[] = [];
    s.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
    s.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
    s.resize(80, 24); // no tty: not sent
    s.stdin!.write('ping\n');
    assert.equal(await s.exit, 5);
    assert.equal(out.join(''), 'echo:ping\n');
    assert.equal(err.join(''), 'warn\n');
    assert.equal(got.resize, undefined);

    const t = await connectStream(`ws://127.0.0.1:${port}/exec/tok2`, { stdin: true, stdout: true, stderr: false, tty: true });
    t.resize(100, 30);
    t.stdin!.write('x\n');
    assert.equal(await t.exit, 5);
    assert.equal(got.resize, '{"Width":100,"Height":30}');
    await assert.rejects(connectStream(`http://127.0.0.1:1/exec/none`, { stdin: false, stdout: true, stderr: false, tty: false }), /stream/);
  } finally {
    wss.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

const realSkip = process.getuid?.() !== 0 ? 'needs root' : !findContainerd() ? 'containerd not installed: apt-get install containerd runc' : false;

test('CRI client against a real containerd: Version, Status, ImageFsInfo', { skip: realSkip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-ctrd-'));
  const m = await ManagedContainerd.start({ dataDir: dir, sandboxImage: 'timonel.local/pause:3.9' });
  const c = new CriClient(m.endpoint);
  try {
    const v = await c.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    const st = await c.status();
    assert.equal(st.conditions.find((x) => x.type === 'RuntimeReady')?.status, true);
    assert.equal(st.conditions.find((x) => x.type === 'NetworkReady')?.status, false, 'no CNI config written');
    const fs = await c.imageFsInfo();
    assert.ok(fs[0]?.fsId?.mountpoint.startsWith(join(dir, 'containerd', 'root')));
    assert.deepEqual(await c.listPodSandbox(), []);
    await assert.rejects(c.containerStatus('nope'), (e: unknown) => isNotFound(e));
  } finally {
    c.close();
    await m.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
