import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, parsePodEvent } from './podwatch.js';

const ev = (type: string, pod: unknown) => JSON.stringify({ type, object: pod });
const pod = (over: { nodeName?: string; phase?: string; statuses?: unknown[]; containers?: number; restartPolicy?: string }) => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { nodeName: over.nodeName, restartPolicy: over.restartPolicy, containers: Array.from({ length: over.containers ?? 1 }, (_, i) => ({ name: `c${i}` })) },
  status: { phase: over.phase, containerStatuses: over.statuses },
});

test('parsePodEvent: bound, running only when every container runs', () => {
  assert.deepEqual(parsePodEvent(ev('ADDED', pod({}))), { type: 'ADDED', namespace: 'ns', name: 'p', node: undefined, running: false, failure: undefined });
  assert.equal(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n1' }))).node, 'n1');
  const one = [{ name: 'c0', state: { running: { startedAt: 'x' } } }];
  assert.equal(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n1', phase: 'Running', statuses: one }))).running, true);
  // two containers, one still waiting
  const half = [{ name: 'c0', state: { running: {} } }, { name: 'c1', state: { waiting: { reason: 'ContainerCreating' } } }];
  assert.equal(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n1', phase: 'Running', statuses: half, containers: 2 }))).running, false);
  // running containers but the phase not updated yet
  assert.equal(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n1', phase: 'Pending', statuses: one }))).running, false);
});

test('parsePodEvent: pods that will not start, and watch errors, are failures', () => {
  const crash = [{ name: 'c0', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } } }];
  assert.match(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n', phase: 'Running', statuses: crash }))).failure ?? '', /c0: CrashLoopBackOff/);
  const exited = [{ name: 'c0', state: { terminated: { reason: 'Error', exitCode: 127 } } }];
  assert.match(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n', phase: 'Running', statuses: exited }))).failure ?? '', /terminated: Error \(exit code 127\)/);
  // a run-to-completion pod may terminate
  assert.equal(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n', phase: 'Running', statuses: exited, restartPolicy: 'Never' }))).failure, undefined);
  assert.match(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n', phase: 'Failed' }))).failure ?? '', /pod failed/);
  assert.match(parsePodEvent(ev('ERROR', { kind: 'Status', message: 'too old resource version' })).failure ?? '', /watch error: too old/);
  assert.equal(parsePodEvent(ev('MODIFIED', pod({ nodeName: 'n', statuses: [{ name: 'c0', state: { waiting: { reason: 'ContainerCreating' } } }] }))).failure, undefined);
  // containers of a pod being deleted stop: no failure
  const deleting = { ...pod({ nodeName: 'n', phase: 'Running', statuses: exited }), metadata: { name: 'p', namespace: 'ns', deletionTimestamp: '2026-01-01T00:00:00Z' } };
  assert.equal(parsePodEvent(ev('MODIFIED', deleting)).failure, undefined);
});

test('LineSplitter: lines across chunk boundaries, empty lines skipped', () => {
  const s = new LineSplitter();
  const got: string[] = [];
  for (const c of ['{"a":', '1}\n{"b"', ':2}\n\n{"c":3}', '\n', 'tail']) s.push(c, (l) => got.push(l));
  assert.deepEqual(got, ['{"a":1}', '{"b":2}', '{"c":3}']);
  s.push('\n', (l) => got.push(l));
  assert.deepEqual(got.at(-1), 'tail');
});
