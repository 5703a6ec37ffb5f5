import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import { nodeShouldRunDaemonPod, withDaemonTolerations, tolerates, affinityForNode, targetNodeName, daemonPodTemplate, termMatches } from './eligibility.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never = []): Node =>
  ({ metadata: { name, labels }, spec: { taints } } as Node);
const ds = (spec: Record<string, unknown> = {}): DaemonSet => ({
  metadata: { name: 'agent', namespace: 'kube-system', generation: 3 },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } } },
} as DaemonSet);

test('nodeSelector and required node affinity', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node('a'), ds()), { shouldRun: true, shouldContinueRunning: true });
  assert.equal(nodeShouldRunDaemonPod(node('a', { disk: 'ssd' }), ds({ nodeSelector: { disk: 'ssd' } })).shouldRun, true);
  assert.deepEqual(nodeShouldRunDaemonPod(node('a', { disk: 'hdd' }), ds({ nodeSelector: { disk: 'ssd' } })), { shouldRun: false, shouldContinueRunning: false });
  const aff = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] },
    { matchExpressions: [{ key: 'gpu', operator: 'Exists' }, { key: 'cores', operator: 'Gt', values: ['8'] }] },
  ] } } };
  assert.equal(nodeShouldRunDaemonPod(node('a', { zone: 'z2' }), ds({ affinity: aff })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('a', { zone: 'z3' }), ds({ affinity: aff })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('a', { gpu: '', cores: '16' }), ds({ affinity: aff })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('a', { gpu: '', cores: '4' }), ds({ affinity: aff })).shouldRun, false);
  assert.equal(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }, node('a')), true);
  assert.equal(termMatches({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['a'] }] }, node('a')), false);
  assert.equal(termMatches({}, node('a')), false, 'an empty term matches nothing');
  assert.equal(nodeShouldRunDaemonPod(node('b'), ds({ nodeName: 'a' })).shouldRun, false);
});

test('taints: NoSchedule blocks new pods; NoExecute also evicts; daemon tolerations cover node conditions', () => {
  const master = node('m', {}, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  assert.deepEqual(nodeShouldRunDaemonPod(master, ds()), { shouldRun: false, shouldContinueRunning: true });
  assert.equal(nodeShouldRunDaemonPod(master, ds({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] })).shouldRun, true);
  const evict = node('e', {}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]);
  assert.deepEqual(nodeShouldRunDaemonPod(evict, ds()), { shouldRun: false, shouldContinueRunning: false });
  assert.equal(nodeShouldRunDaemonPod(evict, ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db' }] })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(evict, ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web' }] })).shouldRun, false);
  // a PreferNoSchedule taint never blocks
  assert.equal(nodeShouldRunDaemonPod(node('p', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]), ds()).shouldRun, true);
  for (const k of ['not-ready', 'unreachable']) assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: `node.kubernetes.io/${k}`, effect: 'NoExecute' }]), ds()).shouldRun, true, k);
  for (const k of ['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable']) assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: `node.kubernetes.io/${k}`, effect: 'NoSchedule' }]), ds()).shouldRun, true, k);
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds()).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds({ hostNetwork: true })).shouldRun, true);
  assert.equal(tolerates({ operator: 'Exists' }, { key: 'anything', effect: 'NoExecute' }), true, 'empty key with Exists tolerates all');
});

test('daemon pod template: tolerations, labels and the per-node affinity', () => {
  const spec = withDaemonTolerations({ containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] });
  assert.equal(spec.tolerations?.length, 6);
  assert.equal(spec.tolerations?.find((t) => t.key === 'node.kubernetes.io/not-ready')?.tolerationSeconds, undefined);
  const t = daemonPodTemplate(ds(), 'abc');
  assert.equal(t.metadata?.labels?.['controller-revision-hash'], 'abc');
  assert.equal(t.metadata?.labels?.['pod-template-generation'], '3');
  const a = affinityForNode({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: {} }] } }, 'node-1');
  assert.deepEqual(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] });
  assert.equal(a.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length, 1);
  assert.equal(targetNodeName({ containers: [], affinity: a }), 'node-1');
  assert.equal(targetNodeName({ containers: [], nodeName: 'n2', affinity: a }), 'n2');
});
