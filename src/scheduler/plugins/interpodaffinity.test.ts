import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Affinity, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { CycleState } from '../types.js';
import { PodInfo } from '../podinfo.js';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runFilter } from '../testutil.js';
import { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY, InterPodAffinity } from './interpodaffinity.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const term = (topologyKey: string, app: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ topologyKey, labelSelector: { matchLabels: { app } }, ...extra });
const anti = (...t: PodAffinityTerm[]): Affinity => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: t } });
const aff = (...t: PodAffinityTerm[]): Affinity => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: t } });

const cluster = () => Snapshot.from([
  makeNode('a1', { labels: { [ZONE]: 'a' } }),
  makeNode('a2', { labels: { [ZONE]: 'a' } }),
  makeNode('b1', { labels: { [ZONE]: 'b' } }),
]);

function fits(pod: ReturnType<typeof makePod>, s: Snapshot): string[] {
  return s.nodes.filter((n) => !runFilter(InterPodAffinity, pod, n.name, s)).map((n) => n.name).sort();
}

test('required anti-affinity on hostname keeps replicas apart', () => {
  const s = cluster();
  s.addPod(makePod('web-1', { nodeName: 'a1', labels: { app: 'web' } }));
  const pod = makePod('web-2', { labels: { app: 'web' }, affinity: anti(term(HOST, 'web')) });
  assert.deepEqual(fits(pod, s), ['a2', 'b1']);
  const st = runFilter(InterPodAffinity, pod, 'a1', s);
  assert.equal(st?.code, 'Unschedulable');
  assert.deepEqual(st?.reasons, [ERR_REASON_ANTI_AFFINITY]);
  assert.equal(ERR_REASON_ANTI_AFFINITY, "node(s) didn't match pod anti-affinity rules");
  // Other namespaces do not count unless the term names them.
  const other = makePod('web-2', { namespace: 'other', labels: { app: 'web' }, affinity: anti(term(HOST, 'web')) });
  assert.deepEqual(fits(other, s), ['a1', 'a2', 'b1']);
  const named = makePod('web-2', { namespace: 'other', labels: { app: 'web' }, affinity: anti(term(HOST, 'web', { namespaces: ['default'] })) });
  assert.deepEqual(fits(named, s), ['a2', 'b1']);
});

test('required anti-affinity on a zone excludes the whole zone', () => {
  const s = cluster();
  s.addPod(makePod('db-1', { nodeName: 'a1', labels: { app: 'db' } }));
  assert.deepEqual(fits(makePod('db-2', { labels: { app: 'db' }, affinity: anti(term(ZONE, 'db')) }), s), ['b1']);
});

test("existing pods' anti-affinity repels matching pods", () => {
  const s = cluster();
  s.addPod(makePod('loner', { nodeName: 'a1', labels: { app: 'loner' }, affinity: anti(term(HOST, 'noisy')) }));
  s.addPod(makePod('zonal', { nodeName: 'b1', labels: { app: 'zonal' }, affinity: anti(term(ZONE, 'noisy')) }));
  const noisy = makePod('n', { labels: { app: 'noisy' } });
  assert.deepEqual(fits(noisy, s), ['a2']);
  assert.deepEqual(runFilter(InterPodAffinity, noisy, 'a1', s)?.reasons, [ERR_REASON_EXISTING_ANTI_AFFINITY]);
  assert.equal(ERR_REASON_EXISTING_ANTI_AFFINITY, "node(s) didn't satisfy existing pods anti-affinity rules");
  assert.deepEqual(fits(makePod('q', { labels: { app: 'quiet' } }), s), ['a1', 'a2', 'b1']);
});

test('required affinity needs a matching pod in the domain; the first pod of a self-affine group may go anywhere', () => {
  const s = cluster();
  const follower = makePod('f', { labels: { app: 'f' }, affinity: aff(term(ZONE, 'cache')) });
  assert.deepEqual(fits(follower, s), []);
  const st = runFilter(InterPodAffinity, follower, 'a1', s);
  assert.equal(st?.code, 'UnschedulableAndUnresolvable');
  assert.deepEqual(st?.reasons, [ERR_REASON_AFFINITY]);
  const first = makePod('c1', { labels: { app: 'cache' }, affinity: aff(term(ZONE, 'cache')) });
  assert.deepEqual(fits(first, s), ['a1', 'a2', 'b1']);
  s.addPod(makePod('cache-0', { nodeName: 'b1', labels: { app: 'cache' } }));
  assert.deepEqual(fits(follower, s), ['b1']);
  assert.deepEqual(fits(first, s), ['b1']);
  // Nodes without the topology label never match an affinity term.
  s.setNode(makeNode('b1'));
  assert.deepEqual(fits(follower, s), []);
});

test('namespaceSelector selects namespaces by their labels', () => {
  const s = cluster();
  s.namespaceLabels.set('team-a', { team: 'a' });
  s.addPod(makePod('web-1', { namespace: 'team-a', nodeName: 'a1', labels: { app: 'web' } }));
  const sel = makePod('p', { labels: { app: 'web' }, affinity: anti(term(HOST, 'web', { namespaceSelector: { matchLabels: { team: 'a' } } })) });
  assert.deepEqual(fits(sel, s), ['a2', 'b1']);
  const all = makePod('p', { labels: { app: 'web' }, affinity: anti(term(HOST, 'web', { namespaceSelector: {} })) });
  assert.deepEqual(fits(all, s), ['a2', 'b1']);
  const none = makePod('p', { labels: { app: 'web' }, affinity: anti(term(HOST, 'web', { namespaceSelector: { matchLabels: { team: 'b' } } })) });
  assert.deepEqual(fits(none, s), ['a1', 'a2', 'b1']);
});

test('PreFilter skips when no pod involved has required (anti-)affinity; RemovePod undoes a pod', () => {
  const s = cluster();
  s.addPod(makePod('x', { nodeName: 'a1', labels: { app: 'db' } }));
  assert.equal(InterPodAffinity.preFilter!(new CycleState(), new PodInfo(makePod('p')), s)?.status?.code, 'Skip');
  const pod = new PodInfo(makePod('db-2', { labels: { app: 'db' }, affinity: anti(term(ZONE, 'db')) }));
  const state = new CycleState();
  InterPodAffinity.preFilter!(state, pod, s);
  assert.ok(InterPodAffinity.filter!(state, pod, s.get('a2')!));
  const copy = state.clone();
  const a1 = s.get('a1')!.clone();
  const victim = [...a1.pods.values()][0];
  a1.removePod(victim.uid);
  InterPodAffinity.removePod!(copy, pod, victim, a1);
  assert.equal(InterPodAffinity.filter!(copy, pod, s.get('a2')!), undefined);
  // The original state is untouched.
  assert.ok(InterPodAffinity.filter!(state, pod, s.get('a2')!));
});
