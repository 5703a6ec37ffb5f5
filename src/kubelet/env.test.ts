import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { expand, containerEnv, expandCommand, ContainerConfigError, formatMap } from './env.js';

const vars: Record<string, string> = { VAR_A: 'A', VAR_B: 'B', VAR_EMPTY: '', VAR_REF: '$(VAR_A)' };
const look = (n: string) => vars[n];

test('expand follows Kubernetes $(VAR) rules', () => {
  assert.equal(expand('$(VAR_A)', look), 'A');
  assert.equal(expand('___$(VAR_B)___', look), '___B___');
  assert.equal(expand('$(VAR_A)-$(VAR_B)', look), 'A-B');
  assert.equal(expand('foo$(VAR_EMPTY)bar', look), 'foobar');
  assert.equal(expand('$(VAR_REF)', look), '$(VAR_A)', 'values are not expanded twice');
  assert.equal(expand('$(UNKNOWN)', look), '$(UNKNOWN)');
  assert.equal(expand('$$(VAR_A)', look), '$(VAR_A)', '$$ escapes');
  assert.equal(expand('$$$(VAR_A)', look), '$A');
  assert.equal(expand('foo$(VAR_Awhoops!', look), 'foo$(VAR_Awhoops!');
  assert.equal(expand('f00__(VAR_A)__', look), 'f00__(VAR_A)__');
  assert.equal(expand('$VAR_A', look), '$VAR_A');
  assert.equal(expand('trailing$', look), 'trailing$');
  assert.equal(expand('$()', look), '$()');
});

function pod(): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { b: '2', a: '1' }, annotations: { x: 'y' } },
    spec: {
      nodeName: 'node-1', serviceAccountName: 'sa',
      containers: [{
        name: 'c', image: 'node',
        resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
        envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }, { secretRef: { name: 'missing', optional: true } }],
        env: [
          { name: 'FIRST', value: 'one' },
          { name: 'SECOND', value: '$(FIRST)-two-$(CM_k)' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
          { name: 'LABEL_A', valueFrom: { fieldRef: { fieldPath: "metadata.labels['a']" } } },
          { name: 'LABELS', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } },
          { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
          { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
          { name: 'CM_KEY', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
          { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'cm', key: 'nope', optional: true } } },
          { name: 'FIRST', value: 'override' },
        ],
        command: ['echo', '$(FIRST)', '$(NOPE)'],
        args: ['$(POD_NAME)', '$$(POD_NAME)'],
      }],
    },
  };
}

const objects = {
  configMap: async (ns: string, name: string) => (ns === 'ns' && name === 'cm' ? { data: { k: 'v', 'bad key': 'x' } } : undefined),
  secret: async (ns: string, name: string) => (name === 's' ? { data: { pw: Buffer.from('hunter2').toString('base64') } } : undefined),
};
const ctx = { podIPs: ['127.1.0.5'], hostIPs: ['127.0.0.1'], nodeName: 'node-1', allocatable: { cpu: 2, memory: 8 * 2 ** 30, 'ephemeral-storage': 1e10 }, objects };

test('containerEnv builds the environment as the kubelet does', async () => {
  const p = pod();
  const env = await containerEnv(p, p.spec!.containers[0]!, ctx);
  const m = Object.fromEntries(env.map((e) => [e.key, e.value]));
  assert.equal(m.CM_k, 'v');
  assert.equal(m['CM_bad key'], undefined, 'invalid names from envFrom are skipped');
  assert.equal(m.SECOND, 'one-two-v');
  assert.equal(m.FIRST, 'override');
  assert.equal(m.POD_NAME, 'p');
  assert.equal(m.POD_NS, 'ns');
  assert.equal(m.POD_UID, 'u-1');
  assert.equal(m.LABEL_A, '1');
  assert.equal(m.LABELS, 'a="1"\nb="2"');
  assert.equal(m.MY_IP, '127.1.0.5');
  assert.equal(m.NODE, 'node-1');
  assert.equal(m.SA, 'sa');
  assert.equal(m.MEM, '64');
  assert.equal(m.CPU_REQ, '250');
  assert.equal(m.CPU_LIM, '2', 'unset limits default to node allocatable');
  assert.equal(m.SECRET, 'hunter2');
  assert.equal(m.CM_KEY, 'v');
  assert.ok(!('OPT' in m));
  const cmd = expandCommand(p.spec!.containers[0]!, env);
  assert.deepEqual(cmd.command, ['echo', 'override', '$(NOPE)']);
  assert.deepEqual(cmd.args, ['p', '$(POD_NAME)']);
});

test('missing ConfigMap, Secret or key is a CreateContainerConfigError', async () => {
  const p = pod();
  const c = p.spec!.containers[0]!;
  c.env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 'absent', key: 'k' } } }];
  await assert.rejects(containerEnv(p, c, ctx), (e: unknown) => e instanceof ContainerConfigError && /secret "absent" not found/.test((e as Error).message));
  c.env = [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'zz' } } }];
  await assert.rejects(containerEnv(p, c, ctx), /couldn't find key zz in ConfigMap ns\/cm/);
  c.env = [];
  c.envFrom = [{ configMapRef: { name: 'nope' } }];
  await assert.rejects(containerEnv(p, c, ctx), /configmap "nope" not found/);
});

test('formatMap quotes values and sorts keys', () => {
  assert.equal(formatMap({ z: 'a"b', a: 'x' }), 'a="x"\nz="a\\"b"');
});
