// Pod sandboxes created and deleted 50 times through the `cri` runtime leak nothing (network
// namespaces, IPs, veths, mounts, pod cgroups), and a node whose containerd died without cleanup
// is cleaned by the next start (shims, container processes, mounts, bridge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupDir } from '../../src/cri/cgroups.js';
import { shimPids } from '../../src/cri/containerd.js';
import { CriNode, cleanupStaleNode } from '../../src/cri/node.js';
import { bridgePorts, criSkipReason, leftovers, startCriTestEnv } from '../../src/cri/testenv.js';
import { CriRuntime } from '../../src/kubelet/runtimes/cri.js';
import type { PodSandboxConfig } from '../../src/kubelet/runtime.js';

const skip = criSkipReason();

test('50 pod create/delete cycles leak no netns, IP, veth, mount or cgroup', { skip: skip ?? false, timeout: 300_000 }, async () => {
  const env = await startCriTestEnv('cycles', '10.244.203.0/26');
  const rt = new CriRuntime({ client: env.node.client, cgroupRoot: env.node.cgroupRoot });
  let failed: unknown;
  try {
    await rt.pullImage({ image: env.busybox });
    const ips = new Set<string>();
    // a /26 has 61 usable addresses: 50 sequential pods only fit if addresses are released
    for (let i = 0; i < 50; i++) {
      const uid = `uid-cycle-${i}`;
      const cfg: PodSandboxConfig = {
        metadata: { name: `cycle-${i}`, namespace: 'default', uid, attempt: 1 },
        hostname: `cycle-${i}`, logDirectory: join(env.dir, 'pods', uid), labels: {}, annotations: {}, portMappings: [],
      };
      const sb = await rt.runPodSandbox(cfg);
      const st = await rt.podSandboxStatus(sb);
      ips.add(st!.network.ip);
      const c = await rt.createContainer(sb, {
        metadata: { name: 'main', attempt: 0 }, image: { image: env.busybox }, command: ['sleep', '600'], args: [], envs: [], mounts: [],
        labels: {}, annotations: {}, logPath: 'main/0.log',
      }, cfg);
      await rt.startContainer(c);
      await rt.stopContainer(c, 0);
      await rt.removePodSandbox(sb);
      assert.equal(cgroupDir(env.node.podCgroup(uid), 'memory') && existsSync(cgroupDir(env.node.podCgroup(uid), 'memory')!), false, `pod cgroup of ${uid} removed`);
    }
    assert.ok(ips.size >= 2, 'addresses were handed out');
    assert.deepEqual(await rt.listPodSandbox(), []);
    assert.deepEqual(leftovers(env), []);
    assert.deepEqual(bridgePorts(env.node.bridgeName), []);
  } catch (e) {
    failed = e;
  } finally {
    try { await env.stop(); } catch (e) { failed ??= e; }
  }
  if (failed) throw failed;
});

test('a node whose containerd was killed is cleaned up by the next start', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const env = await startCriTestEnv('crash', '10.244.204.0/24');
  let failed: unknown;
  let node2: CriNode | undefined;
  try {
    const c = env.node.client;
    await c.pullImage({ image: env.busybox });
    const cfg = {
      metadata: { name: 'orphan', namespace: 'default', uid: 'uid-orphan', attempt: 0 },
      hostname: 'orphan', logDirectory: join(env.dir, 'pods', 'orphan'),
      linux: { cgroupParent: env.node.podCgroup('uid-orphan') },
    };
    const sb = await c.runPodSandbox(cfg);
    const cid = await c.createContainer(sb, { metadata: { name: 'main', attempt: 0 }, image: { image: env.busybox }, command: ['sleep', '600'], logPath: 'main.log' }, cfg);
    await c.startContainer(cid);
    const sock = env.node.containerd!.paths.socket;
    assert.ok(shimPids(sock).length >= 1, 'shims running');
    // the agent dies hard: containerd killed, nothing cleaned
    process.kill(env.node.containerd!.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(shimPids(sock).length >= 1, 'shims outlive containerd');
    assert.equal(readdirSync(env.node.containerd!.paths.netns).length, 1, 'the pod network namespace is there');

    assert.equal(await cleanupStaleNode(env.dir), true);
    assert.deepEqual(shimPids(sock), []);
    assert.deepEqual(leftovers(env).filter((l) => !l.startsWith('ip ')), [], 'no netns or mount left');
    assert.equal(existsSync(`/sys/class/net/${env.node.bridgeName}`), false, 'bridge removed');

    // and the node starts again on the same data dir
    node2 = await CriNode.start({ dataDir: env.dir, nodeName: 'e2e-crash', podCidr: '10.244.204.0/24', restoreIpForward: true });
    assert.deepEqual(await node2.client.listPodSandbox(), [], 'stale pods of the dead run are removed');
  } catch (e) {
    failed = e;
  } finally {
    try {
      await node2?.stop();
      await env.stop();
    } catch (e) { failed ??= e; }
  }
  if (failed) throw failed;
});
