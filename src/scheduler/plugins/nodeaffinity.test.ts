import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorRequirement, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import { CycleState } from '../types.js';
import { PodInfo } from '../podinfo.js';
import { Snapshot } from '../snapshot.js';
import { makeNode, makePod, runFilter, runScore } from '../testutil.js';
import { ERR_REASON_CONFLICT, ERR_REASON_POD, NodeAffinity } from './nodeaffinity.js';
import { NodeSelectorMatcher } from './nodeselector.js';

const nodes = () => Snapshot.from([
  makeNode('a', { labels: { zone: 'z1', disk: 'ssd', gen: '5' } }),
  makeNode('b', { labels: { zone: 'z2', gen: '3' } }),
  makeNode('c', { labels: { zone: 'z3', gen: 'x' } }),
]);

const required = (...nodeSelectorTerms: NodeSelectorTerm[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } });
const expr = (key: string, operator: string, values?: string[]): NodeSelectorRequirement => ({ key, operator, values });

function fits(pod: ReturnType<typeof makePod>, s = nodes()): string[] {
  return s.nodes.filter((n) => !runFilter(NodeAffinity, pod, n.name, s)).map((n) => n.name);
}

test('node selector operators', () => {
  const m = (r: NodeSelectorRequirement) => fits(makePod('p', { affinity: required({ matchExpressions: [r] }) }));
  assert.deepEqual(m(expr('zone', 'In', ['z1', 'z3'])), ['a', 'c']);
  assert.deepEqual(m(expr('zone', 'NotIn', ['z1'])), ['b', 'c']);
  assert.deepEqual(m(expr('disk', 'NotIn', ['hdd'])), ['a', 'b', 'c']);
  assert.deepEqual(m(expr('disk', 'Exists')), ['a']);
  assert.deepEqual(m(expr('disk', 'DoesNotExist')), ['b', 'c']);
  assert.deepEqual(m(expr('gen', 'Gt', ['4'])), ['a']);
  assert.deepEqual(m(expr('gen', 'Lt', ['4'])), ['b']);
  // Invalid requirements make their term match nothing.
  assert.deepEqual(m(expr('gen', 'Gt', ['four'])), []);
  assert.deepEqual(m(expr('zone', 'In', [])), []);
  assert.deepEqual(m(expr('disk', 'Exists', ['ssd'])), []);
  assert.deepEqual(m(expr('zone', 'Near', ['z1'])), []);
});

test('terms are ORed, requirements within a term ANDed; empty terms match nothing', () => {
  const pod = makePod('p', { affinity: required({ matchExpressions: [expr('zone', 'In', ['z1', 'z2']), expr('gen', 'Lt', ['4'])] }, { matchExpressions: [expr('zone', 'In', ['z3'])] }) });
  assert.deepEqual(fits(pod), ['b', 'c']);
  assert.deepEqual(fits(makePod('p', { affinity: required({}) })), []);
  const m = new NodeSelectorMatcher([{ matchExpressions: [] }, { matchExpressions: [expr('zone', 'Exists')] }]);
  assert.equal(m.matches('a', { zone: 'z' }), true);
});

test('matchFields on metadata.name', () => {
  const pod = makePod('p', { affinity: required({ matchFields: [expr('metadata.name', 'In', ['b'])] }) });
  assert.deepEqual(fits(pod), ['b']);
  const notIn = makePod('p', { affinity: required({ matchFields: [expr('metadata.name', 'NotIn', ['b'])] }) });
  assert.deepEqual(fits(notIn), ['a', 'c']);
  // Field requirements take exactly one value.
  const two = makePod('p', { affinity: required({ matchFields: [expr('metadata.name', 'In', ['a', 'b'])] }) });
  assert.deepEqual(fits(two), []);
});

test('nodeSelector and required affinity must both match; the reason', () => {
  const pod = makePod('p', { nodeSelector: { zone: 'z1' }, affinity: required({ matchExpressions: [expr('disk', 'DoesNotExist')] }) });
  assert.deepEqual(fits(pod), []);
  assert.deepEqual(fits(makePod('p', { nodeSelector: { zone: 'z2', gen: '3' } })), ['b']);
  const st = runFilter(NodeAffinity, makePod('p', { nodeSelector: { zone: 'nowhere' } }), 'a', nodes());
  assert.equal(st?.code, 'UnschedulableAndUnresolvable');
  assert.deepEqual(st?.reasons, ["node(s) didn't match Pod's node affinity/selector"]);
  assert.equal(st?.reasons[0], ERR_REASON_POD);
});

test('PreFilter skips pods without constraints and narrows to metadata.name In', () => {
  const s = nodes();
  const pre = (pod: ReturnType<typeof makePod>) => NodeAffinity.preFilter!(new CycleState(), new PodInfo(pod), s);
  assert.equal(pre(makePod('p'))?.status?.code, 'Skip');
  assert.equal(pre(makePod('p', { nodeSelector: { zone: 'z1' } })), undefined);
  const named = pre(makePod('p', { affinity: required({ matchFields: [expr('metadata.name', 'In', ['a', 'b'])], matchExpressions: [expr('zone', 'Exists')] }, { matchFields: [expr('metadata.name', 'In', ['c'])] }) }));
  assert.deepEqual([...(named?.nodeNames ?? [])].sort(), ['a', 'b', 'c']);
  // One term without a name constraint allows every node.
  assert.equal(pre(makePod('p', { affinity: required({ matchFields: [expr('metadata.name', 'In', ['a'])] }, { matchExpressions: [expr('zone', 'Exists')] }) }))?.nodeNames, undefined);
  const conflict = pre(makePod('p', { affinity: required({ matchFields: [expr('metadata.name', 'In', ['a']), expr('metadata.name', 'In', ['b'])] }) }));
  assert.equal(conflict?.status?.code, 'UnschedulableAndUnresolvable');
  assert.deepEqual(conflict?.status?.reasons, [ERR_REASON_CONFLICT]);
});

test('preferred terms score the sum of matching weights, normalized', () => {
  const pod = makePod('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [expr('zone', 'In', ['z1', 'z2'])] } },
          { weight: 30, preference: { matchExpressions: [expr('disk', 'Exists')] } },
          { weight: 50, preference: {} },
        ],
      },
    },
  });
  assert.deepEqual(runScore(NodeAffinity, pod, nodes(), false), [40, 10, 0]);
  assert.deepEqual(runScore(NodeAffinity, pod, nodes()), [100, 25, 0]);
  assert.equal(runScore(NodeAffinity, makePod('p'), nodes()), undefined);
});
