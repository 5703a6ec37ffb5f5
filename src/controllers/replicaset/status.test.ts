import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { calculateReplicaSetStatus, replicaSetStatusNeedsUpdate } from './status.js';
import { podFromTemplate, podNamePrefix } from './index.js';
import { claimAction, adoptPatch, releasePatch, newControllerRef } from './controllerref.js';
import { OwnerIndex } from './ownerindex.js';
import type { KubeObject } from '../../api/object.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function rs(extra: { minReadySeconds?: number; replicas?: number; generation?: number; observed?: number } = {}): ReplicaSet {
  return {
    metadata: { name: 'web-abc', namespace: 'default', uid: 'rs-uid', generation: extra.generation ?? 1 },
    spec: { replicas: extra.replicas ?? 3, minReadySeconds: extra.minReadySeconds, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    status: { replicas: 0, observedGeneration: extra.observed },
  };
}
function pod(labels: Record<string, string>, readySecondsAgo?: number): Pod {
  return {
    metadata: { name: 'p', labels },
    spec: { containers: [] },
    status: { phase: 'Running', conditions: readySecondsAgo === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(readySecondsAgo) }] },
  };
}

test('status counts replicas, fully labeled, ready and available (minReadySeconds)', () => {
  const pods = [pod({ app: 'web', tier: 'fe' }, 100), pod({ app: 'web' }, 2), pod({ app: 'web', tier: 'fe' })];
  const s = calculateReplicaSetStatus(rs({ minReadySeconds: 10 }), pods, undefined, NOW);
  assert.equal(s.replicas, 3);
  assert.equal(s.fullyLabeledReplicas, 2);
  assert.equal(s.readyReplicas, 2);
  assert.equal(s.availableReplicas, 1);
  const s0 = calculateReplicaSetStatus(rs(), pods, undefined, NOW);
  assert.equal(s0.availableReplicas, 2);
});

test('a failed create shows as ReplicaFailure and clears on success', () => {
  const r = rs();
  const failed = calculateReplicaSetStatus(r, [], new Error('pods "web-abc-" is forbidden: exceeded quota'), NOW);
  assert.deepEqual(failed.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [['ReplicaFailure', 'True', 'FailedCreate', 'pods "web-abc-" is forbidden: exceeded quota']]);
  const again = calculateReplicaSetStatus({ ...r, status: failed }, [], new Error('other'), NOW + 5000);
  assert.equal(again.conditions?.[0].message, 'pods "web-abc-" is forbidden: exceeded quota');
  const cleared = calculateReplicaSetStatus({ ...r, status: failed }, [], undefined, NOW);
  assert.equal(cleared.conditions, undefined);
});

test('status needs an update when counts change or the generation is unobserved', () => {
  const r = { ...rs({ generation: 2, observed: 2 }), status: { replicas: 1, readyReplicas: 1, observedGeneration: 2 } };
  assert.equal(replicaSetStatusNeedsUpdate(r, { replicas: 1, readyReplicas: 1 }), false);
  assert.equal(replicaSetStatusNeedsUpdate(r, { replicas: 1, readyReplicas: 0 }), true);
  assert.equal(replicaSetStatusNeedsUpdate({ ...r, metadata: { ...r.metadata, generation: 3 } }, { replicas: 1, readyReplicas: 1 }), true);
});

test('pods from the template: generateName, labels, annotations, controller ref', () => {
  const r = rs() as ReplicaSet & KubeObject;
  const ref = newControllerRef(r, 'apps/v1', 'ReplicaSet');
  const p = podFromTemplate({ metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, r, ref);
  assert.equal(p.metadata?.generateName, 'web-abc-');
  assert.equal(p.metadata?.namespace, 'default');
  assert.deepEqual(p.metadata?.labels, { app: 'web' });
  assert.deepEqual(p.metadata?.annotations, { a: 'b' });
  assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(p.spec?.containers[0].image, 'nginx');
  assert.throws(() => podFromTemplate({ metadata: {}, spec: { containers: [] } }, r), /no labels/);
  assert.equal(podNamePrefix('x'.repeat(253)), 'x'.repeat(253));
});

test('claim decisions: keep, adopt orphans, release non-matching, ignore others', () => {
  const owner = { uid: 'me', namespace: 'default', deleting: false };
  const mine = { metadata: { namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'me', controller: true }] } };
  const theirs = { metadata: { namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'y', uid: 'other', controller: true }] } };
  const orphan = { metadata: { namespace: 'default' } };
  assert.equal(claimAction(mine, owner, true), 'keep');
  assert.equal(claimAction(mine, owner, false), 'release');
  assert.equal(claimAction(mine, { ...owner, deleting: true }, false), 'ignore');
  assert.equal(claimAction(theirs, owner, true), 'ignore');
  assert.equal(claimAction(orphan, owner, true), 'adopt');
  assert.equal(claimAction(orphan, owner, false), 'ignore');
  assert.equal(claimAction({ metadata: { namespace: 'default', deletionTimestamp: ago(1) } }, owner, true), 'ignore');
  assert.equal(claimAction({ metadata: { namespace: 'other' } }, owner, true), 'ignore');
  assert.deepEqual(releasePatch('me', 'pod-uid'), { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'me' }], uid: 'pod-uid' } });
  assert.deepEqual(adoptPatch({ apiVersion: 'v', kind: 'k', name: 'n', uid: 'me' }, 'p').metadata, { ownerReferences: [{ apiVersion: 'v', kind: 'k', name: 'n', uid: 'me' }], uid: 'p' });
});

test('owner index follows controller changes', () => {
  const idx = new OwnerIndex<KubeObject>();
  const a = { metadata: { name: 'a', namespace: 'ns' } };
  idx.upsert(a);
  assert.equal(idx.orphansIn('ns').length, 1);
  idx.upsert({ metadata: { name: 'a', namespace: 'ns', ownerReferences: [{ apiVersion: 'v', kind: 'k', name: 'o', uid: 'u1', controller: true }] } });
  assert.equal(idx.orphansIn('ns').length, 0);
  assert.equal(idx.owned('u1').length, 1);
  idx.remove(a);
  assert.equal(idx.owned('u1').length, 0);
});
