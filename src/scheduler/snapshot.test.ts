import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from './podinfo.js';
import { Snapshot } from './snapshot.js';
import { makeNode, makePod } from './testutil.js';

test('node aggregates follow pods added, assumed, confirmed and removed', () => {
  const s = Snapshot.from([makeNode('n1'), makeNode('n2')]);
  const a = s.addPod(makePod('a', { nodeName: 'n1', cpu: '500m', memory: '1Gi', hostPorts: [8080], owner: 'rs1' }));
  const n1 = s.get('n1')!;
  assert.equal(n1.podCount, 1);
  assert.equal(n1.requested.milliCPU, 500);
  assert.equal(n1.requested.memory, 1024 ** 3);
  assert.equal(n1.nonZeroRequested.milliCPU, 500);
  assert.equal(n1.ownerCounts.get('owner-rs1'), 1);
  assert.equal(n1.portConflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }), true);
  assert.equal(n1.portConflicts({ ip: '10.0.0.1', protocol: 'TCP', port: 8080 }), true);
  assert.equal(n1.portConflicts({ ip: '0.0.0.0', protocol: 'UDP', port: 8080 }), false);

  // Assumed pods count immediately; a failed binding forgets them.
  const b = new PodInfo(makePod('b', { cpu: '1', owner: 'rs1' }));
  s.assumePod(b, 'n1');
  assert.equal(s.isAssumed(b.uid), true);
  assert.equal(n1.requested.milliCPU, 1500);
  assert.equal(n1.ownerCounts.get('owner-rs1'), 2);
  s.forgetPod(b.uid);
  assert.equal(n1.requested.milliCPU, 500);
  assert.equal(s.has(b.uid), false);

  // Assumed, then observed bound: confirmed, counted once; forgetting a confirmed pod does nothing.
  s.assumePod(b, 'n1');
  s.addPod(makePod('b', { cpu: '1', owner: 'rs1', nodeName: 'n1' }));
  assert.equal(s.isAssumed(b.uid), false);
  assert.equal(n1.podCount, 2);
  assert.equal(n1.requested.milliCPU, 1500);
  s.forgetPod(b.uid);
  assert.equal(n1.podCount, 2);

  // An update that moves a pod (bound elsewhere than assumed) moves its aggregates.
  s.addPod(makePod('b', { cpu: '1', owner: 'rs1', nodeName: 'n2' }));
  assert.equal(n1.requested.milliCPU, 500);
  assert.equal(s.get('n2')!.requested.milliCPU, 1000);

  s.removePod(a.uid);
  assert.equal(n1.podCount, 0);
  assert.equal(n1.requested.milliCPU, 0);
  assert.equal(n1.usedPorts.size, 0);
  assert.equal(n1.ownerCounts.size, 0);
});

test('terminating pods keep their resources but leave the spreading counts', () => {
  const s = Snapshot.from([makeNode('n1')]);
  const p = makePod('a', { nodeName: 'n1', cpu: '1', owner: 'rs' });
  s.addPod({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } });
  assert.equal(s.get('n1')!.requested.milliCPU, 1000);
  assert.equal(s.get('n1')!.ownerCounts.size, 0);
});

test('pods on unknown or deleted nodes are kept off the node list until the node exists', () => {
  const s = Snapshot.from([makeNode('n1'), makeNode('n2'), makeNode('n3')]);
  const p = s.addPod(makePod('a', { nodeName: 'ghost', cpu: '1' }));
  assert.equal(s.numNodes, 3);
  assert.equal(s.get('ghost'), undefined);
  s.setNode(makeNode('ghost'));
  assert.equal(s.numNodes, 4);
  assert.equal(s.get('ghost')!.requested.milliCPU, 1000);
  s.removeNode('ghost');
  s.removeNode('n1');
  assert.deepEqual(s.nodes.map((n) => n.name).sort(), ['n2', 'n3']);
  s.removePod(p.uid);
  s.setNode(makeNode('ghost'));
  assert.equal(s.get('ghost')!.requested.milliCPU, 0);
});

test('anti-affinity bookkeeping distinguishes hostname-scoped terms', () => {
  const s = Snapshot.from([makeNode('n1', { labels: { 'topology.kubernetes.io/zone': 'z1' } })]);
  const term = (topologyKey: string) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey, labelSelector: { matchLabels: { app: 'x' } } }] } });
  const a = s.addPod(makePod('a', { nodeName: 'n1', affinity: term('kubernetes.io/hostname') }));
  const b = s.addPod(makePod('b', { nodeName: 'n1', affinity: term('topology.kubernetes.io/zone') }));
  assert.equal(s.numPodsWithRequiredAntiAffinity, 2);
  assert.deepEqual([...s.podsWithTopologyAntiAffinity.keys()], [b.uid]);
  assert.equal(s.get('n1')!.podsWithRequiredAntiAffinity.size, 2);
  s.removePod(a.uid);
  s.removePod(b.uid);
  assert.equal(s.numPodsWithRequiredAntiAffinity, 0);
  assert.equal(s.podsWithTopologyAntiAffinity.size, 0);
});

test('a clone of a NodeInfo is independent', () => {
  const s = Snapshot.from([makeNode('n1')], [makePod('a', { nodeName: 'n1', cpu: '1', hostPorts: [80] })]);
  const n1 = s.get('n1')!;
  const c = n1.clone();
  c.removePod('uid-default-a');
  assert.equal(c.requested.milliCPU, 0);
  assert.equal(c.usedPorts.size, 0);
  assert.equal(n1.requested.milliCPU, 1000);
  assert.equal(n1.usedPorts.size, 1);
});

test('nodes are listed zone by zone in turn, so a sample of them sees every zone', () => {
  const z = (zone: string) => ({ labels: { 'topology.kubernetes.io/zone': zone } });
  const s = Snapshot.from([makeNode('a1', z('a')), makeNode('a2', z('a')), makeNode('a3', z('a')), makeNode('b1', z('b')), makeNode('c1', z('c')), makeNode('b2', z('b'))]);
  assert.deepEqual(s.nodes.map((n) => n.name), ['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  // a2 moves to zone c; zones keep the order in which their first node was added (a, c, b now).
  s.setNode(makeNode('a2', z('c')));
  assert.deepEqual(s.nodes.map((n) => n.name), ['a1', 'a2', 'b1', 'a3', 'c1', 'b2']);
  s.removeNode('b1');
  assert.deepEqual(s.nodes.map((n) => n.name), ['a1', 'a2', 'b2', 'a3', 'c1']);
  assert.equal(s.numNodes, 5);
});
