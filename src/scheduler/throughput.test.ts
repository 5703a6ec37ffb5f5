// In-process throughput of the pure framework: pods scheduled one after another against a growing
// snapshot (each placement assumed at once, as the loop does). Reports pods/s; asserts no time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schedulePod } from './framework.js';
import { PodInfo } from './podinfo.js';
import { defaultProfile } from './profile.js';
import { Snapshot } from './snapshot.js';
import { makeNode, makePod, seededRandom } from './testutil.js';

function run(numNodes: number, numPods: number): { perSecond: number; snapshot: Snapshot; placed: Map<string, number> } {
  const zones = ['a', 'b', 'c'];
  const snapshot = Snapshot.from(Array.from({ length: numNodes }, (_, i) => makeNode(`node-${i}`, { cpu: '4', memory: '16Gi', labels: { 'topology.kubernetes.io/zone': zones[i % 3] } })));
  const pods = Array.from({ length: numPods }, (_, i) => new PodInfo(makePod(`pod-${i}`, { cpu: '100m', memory: '128Mi', owner: `rs-${i % 20}`, labels: { app: `app-${i % 20}` } })));
  const profile = defaultProfile();
  const random = seededRandom(1);
  const placed = new Map<string, number>();
  const t0 = performance.now();
  for (const pi of pods) {
    const r = schedulePod(pi, snapshot, profile, { random });
    if ('fitError' in r) throw new Error(r.fitError.message);
    snapshot.assumePod(pi, r.node);
    placed.set(r.node, (placed.get(r.node) ?? 0) + 1);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: numPods / seconds, snapshot, placed };
}

test('throughput: 1000 nodes x 2000 pods', (t) => {
  const { perSecond, snapshot, placed } = run(1000, 2000);
  t.diagnostic(`scheduled 2000 pods on 1000 nodes at ${Math.round(perSecond)} pods/s`);
  assert.equal(snapshot.numPods, 2000);
  // Assumed pods are seen by later cycles: the burst spreads instead of piling onto one node.
  assert.ok(Math.max(...placed.values()) <= 4, `uneven placement: max ${Math.max(...placed.values())} pods on one node`);
  for (const n of snapshot.nodes) assert.ok(n.requested.milliCPU <= n.allocatable.milliCPU);
});
