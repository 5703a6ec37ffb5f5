import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runFilter } from '../testutil.js';
import { ERR_REASON_NODE_PORTS, NodePorts } from './nodeports.js';

function withPorts(name: string, ports: Array<{ hostPort: number; protocol?: string; hostIP?: string }>, nodeName?: string): Pod {
  return makePod(name, { nodeName, containers: [{ name: 'c', image: 'x', ports: ports.map((p) => ({ containerPort: p.hostPort, ...p })) }] });
}

test('NodePorts rejects nodes where a requested host port is taken', () => {
  const s = Snapshot.from([makeNode('a'), makeNode('b')], [withPorts('used', [{ hostPort: 8080 }], 'a'), withPorts('udp', [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }], 'b')]);
  const st = runFilter(NodePorts, withPorts('p', [{ hostPort: 8080 }]), 'a', s);
  assert.equal(st?.code, 'Unschedulable');
  assert.deepEqual(st?.reasons, [ERR_REASON_NODE_PORTS]);
  assert.equal(ERR_REASON_NODE_PORTS, "node(s) didn't have free ports for the requested pod ports");
  assert.equal(runFilter(NodePorts, withPorts('p', [{ hostPort: 8080 }]), 'b', s), undefined);
  // Another protocol, or another port, is free.
  assert.equal(runFilter(NodePorts, withPorts('p', [{ hostPort: 8080, protocol: 'UDP' }]), 'a', s), undefined);
  assert.equal(runFilter(NodePorts, withPorts('p', [{ hostPort: 8081 }]), 'a', s), undefined);
  // A specific IP conflicts with a wildcard use, and a wildcard with any use.
  assert.ok(runFilter(NodePorts, withPorts('p', [{ hostPort: 8080, hostIP: '10.0.0.2' }]), 'a', s));
  assert.ok(runFilter(NodePorts, withPorts('p', [{ hostPort: 53, protocol: 'UDP' }]), 'b', s));
  assert.ok(runFilter(NodePorts, withPorts('p', [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }]), 'b', s));
  assert.equal(runFilter(NodePorts, withPorts('p', [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.2' }]), 'b', s), undefined);
  // Pods without host ports skip the plugin.
  assert.equal(runFilter(NodePorts, makePod('plain'), 'a', s), undefined);
});
