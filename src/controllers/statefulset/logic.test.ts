import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { planStatefulSet, parentAndOrdinal, newPod, claimsFor, POD_NAME_LABEL, POD_INDEX_LABEL, type Action } from './logic.js';
import { hashRevisionData, revisionData, revisionName, templateOf, REVISION_HASH_LABEL } from './history.js';

const tmpl: PodTemplateSpec = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
const set = (spec: Record<string, unknown> = {}): StatefulSet => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 1 },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, serviceName: 'nginx', template: tmpl, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, ...spec } as StatefulSet['spec'],
});
const pod = (ordinal: number, state: 'pending' | 'running' | 'ready' | 'failed' | 'terminating', revision = 'rev1'): Pod => {
  const p = newPod(set(), tmpl, ordinal, revision);
  (p as { status?: unknown }).status = {
    phase: state === 'pending' ? 'Pending' : state === 'failed' ? 'Failed' : 'Running',
    conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False', lastTransitionTime: '2024-01-01T00:00:00Z' }],
  };
  if (state === 'terminating') (p.metadata as { deletionTimestamp?: string }).deletionTimestamp = '2024-01-01T00:00:00Z';
  return p;
};
const plan = (s: StatefulSet, pods: Pod[], update = 'rev1', current = 'rev1') => planStatefulSet({
  set: s, pods, currentTemplate: tmpl, updateTemplate: tmpl, currentRevision: current, updateRevision: update, statusCurrentReplicas: 0, now: Date.parse('2024-01-01T01:00:00Z'),
});
const show = (as: Action[]) => as.map((a) => `${a.type}:${a.type === 'create' ? a.ordinal : a.pod.metadata!.name}`);

test('names, ordinals and identity', () => {
  assert.deepEqual(parentAndOrdinal('web-12'), { parent: 'web', ordinal: 12 });
  assert.deepEqual(parentAndOrdinal('my-app-0'), { parent: 'my-app', ordinal: 0 });
  assert.equal(parentAndOrdinal('web').ordinal, -1);
  const p = newPod(set({ volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }] }), tmpl, 2, 'web-abc');
  assert.equal(p.metadata?.name, 'web-2');
  assert.equal(p.spec?.hostname, 'web-2');
  assert.equal(p.spec?.subdomain, 'nginx');
  assert.equal(p.metadata?.labels?.[POD_NAME_LABEL], 'web-2');
  assert.equal(p.metadata?.labels?.[POD_INDEX_LABEL], '2');
  assert.equal(p.metadata?.labels?.[REVISION_HASH_LABEL], 'web-abc');
  assert.deepEqual(p.spec?.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-2' } }]);
  assert.equal(p.metadata?.ownerReferences?.[0].controller, true);
  const [claim] = claimsFor(set({ volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'db' } }, spec: {} }] }), 1);
  assert.equal(claim.metadata?.name, 'www-web-1');
  assert.deepEqual(claim.metadata?.labels, { tier: 'db', app: 'web' });
});

test('OrderedReady: creates web-0 first and waits for it to be Running and Ready', () => {
  assert.deepEqual(show(plan(set(), []).actions), ['create:0']);
  assert.deepEqual(show(plan(set(), [pod(0, 'pending')]).actions), []);
  assert.deepEqual(show(plan(set(), [pod(0, 'running')]).actions), [], 'running but not ready blocks');
  assert.deepEqual(show(plan(set(), [pod(0, 'ready')]).actions), ['create:1']);
  assert.deepEqual(show(plan(set(), [pod(0, 'ready'), pod(1, 'ready')]).actions), ['create:2']);
  // a missing middle pod is recreated before anything else
  assert.deepEqual(show(plan(set(), [pod(0, 'ready'), pod(2, 'ready')]).actions), ['create:1']);
});

test('Parallel: creates all at once', () => {
  assert.deepEqual(show(plan(set({ podManagementPolicy: 'Parallel' }), []).actions), ['create:0', 'create:1', 'create:2']);
  assert.deepEqual(show(plan(set({ podManagementPolicy: 'Parallel', replicas: 1 }), [pod(0, 'ready'), pod(1, 'pending'), pod(2, 'ready')]).actions), ['delete:web-2', 'delete:web-1']);
});

test('OrderedReady scale down: highest ordinal first, one at a time, only when healthy', () => {
  const s = set({ replicas: 1 });
  assert.deepEqual(show(plan(s, [pod(0, 'ready'), pod(1, 'ready'), pod(2, 'ready')]).actions), ['delete:web-2']);
  assert.deepEqual(show(plan(s, [pod(0, 'ready'), pod(1, 'ready'), pod(2, 'terminating')]).actions), [], 'waits for the terminating pod');
  assert.deepEqual(show(plan(s, [pod(0, 'pending'), pod(1, 'ready')]).actions), [], 'a replica not ready blocks scale down');
  // the first unhealthy condemned pod may go
  assert.deepEqual(show(plan(s, [pod(0, 'ready'), pod(1, 'ready'), pod(2, 'pending')]).actions), ['delete:web-2']);
});

test('failed pods are deleted and recreated', () => {
  assert.deepEqual(show(plan(set(), [pod(0, 'failed')]).actions), ['delete:web-0', 'create:0']);
});

test('RollingUpdate: reverse ordinal order, one at a time, down to the partition', () => {
  const pods = [pod(0, 'ready'), pod(1, 'ready'), pod(2, 'ready')];
  assert.deepEqual(show(plan(set(), pods, 'rev2').actions), ['delete:web-2']);
  const p2 = pod(2, 'pending', 'rev2');
  assert.deepEqual(show(plan(set(), [pod(0, 'ready'), pod(1, 'ready'), p2], 'rev2').actions), [], 'waits for the updated pod');
  assert.deepEqual(show(plan(set(), [pod(0, 'ready'), pod(1, 'ready'), pod(2, 'ready', 'rev2')], 'rev2').actions), ['delete:web-1']);
  const part = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
  assert.deepEqual(show(plan(part, [pod(0, 'ready'), pod(1, 'ready'), pod(2, 'ready', 'rev2')], 'rev2').actions), [], 'ordinals below the partition stay');
  assert.deepEqual(show(plan(set({ updateStrategy: { type: 'OnDelete' } }), pods, 'rev2').actions), [], 'OnDelete never deletes');
  // status counts
  const st = plan(set(), [pod(0, 'ready'), pod(1, 'ready'), pod(2, 'ready', 'rev2')], 'rev2').status;
  assert.deepEqual(st, { replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 1, updatedReplicas: 1 });
});

test('partition: recreated pods below the partition use the current revision', () => {
  const part = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
  const r = plan(part, [pod(0, 'ready')], 'rev2', 'rev1');
  const create = r.actions[0] as { pod: Pod };
  assert.equal(create.pod.metadata?.labels?.[REVISION_HASH_LABEL], 'rev1');
  const r2 = plan(part, [pod(0, 'ready'), pod(1, 'ready')], 'rev2', 'rev1');
  assert.equal((r2.actions[0] as { pod: Pod }).pod.metadata?.labels?.[REVISION_HASH_LABEL], 'rev2');
});

test('minReadySeconds: ready is not yet available', () => {
  const s = set({ minReadySeconds: 7200 });
  const r = plan(s, [pod(0, 'ready')]);
  assert.deepEqual(show(r.actions), []);
  assert.equal(r.awaitingAvailability, true);
  assert.equal(r.status.availableReplicas, 0);
  assert.equal(r.status.readyReplicas, 1);
});

test('revision data and hashes', () => {
  const d = revisionData(tmpl);
  assert.equal((d.spec.template as { $patch?: string }).$patch, 'replace');
  assert.deepEqual(templateOf({ revision: 1, data: d } as never), tmpl);
  const h = hashRevisionData(d);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(h, hashRevisionData(revisionData(JSON.parse(JSON.stringify(tmpl)))), 'stable');
  assert.notEqual(h, hashRevisionData(d, 1), 'collision count changes the hash');
  assert.notEqual(h, hashRevisionData(revisionData({ ...tmpl, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })));
  assert.equal(revisionName('web', h), `web-${h}`);
});
