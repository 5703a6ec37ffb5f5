import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, ContainerStatus } from 'kubernetes-types/core/v1.js';
import { podRow, podSummary } from './pod.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;

function pod(p: { containers?: string[]; init?: Array<{ name: string; restartPolicy?: string }>; status?: Pod['status']; deletion?: boolean }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: ago(30 * MIN), ...(p.deletion ? { deletionTimestamp: ago(MIN) } : {}) },
    spec: {
      containers: (p.containers ?? ['app']).map((name) => ({ name, image: `${name}:1` })),
      ...(p.init ? { initContainers: p.init.map((c) => ({ name: c.name, image: 'busybox', restartPolicy: c.restartPolicy })) } : {}),
    },
    status: p.status,
  };
}

const running = (name: string, ready = true, restartCount = 0, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name, image: `${name}:1`, imageID: '', ready, restartCount, state: { running: { startedAt: ago(10 * MIN) } }, ...extra,
});
const waiting = (name: string, reason: string, restartCount = 0, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name, image: `${name}:1`, imageID: '', ready: false, restartCount, state: { waiting: { reason } }, ...extra,
});
const terminated = (name: string, exitCode: number, reason?: string, signal?: number): ContainerStatus => ({
  name, image: `${name}:1`, imageID: '', ready: false, restartCount: 0,
  state: { terminated: { exitCode, ...(reason ? { reason } : {}), ...(signal ? { signal } : {}) } },
});

const summary = (p: Pod) => podSummary(p, NOW);

test('pending pod without container statuses', () => {
  assert.deepEqual(summary(pod({ status: { phase: 'Pending' } })), { ready: '0/1', status: 'Pending', restarts: '0' });
});

test('pod with no status at all', () => {
  assert.deepEqual(summary(pod({})), { ready: '0/1', status: '', restarts: '0' });
});

test('ContainerCreating and ImagePullBackOff come from the waiting reason', () => {
  assert.equal(summary(pod({ status: { phase: 'Pending', containerStatuses: [waiting('app', 'ContainerCreating')] } })).status, 'ContainerCreating');
  assert.equal(summary(pod({ status: { phase: 'Pending', containerStatuses: [waiting('app', 'ImagePullBackOff')] } })).status, 'ImagePullBackOff');
});

test('running pod counts ready containers', () => {
  const p = pod({ containers: ['app', 'proxy'], status: { phase: 'Running', containerStatuses: [running('app'), running('proxy', false)] } });
  assert.deepEqual(summary(p), { ready: '1/2', status: 'Running', restarts: '0' });
});

test('CrashLoopBackOff shows restarts with the time of the last one', () => {
  const p = pod({
    status: {
      phase: 'Running',
      containerStatuses: [waiting('app', 'CrashLoopBackOff', 3, { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MIN) } } })],
    },
  });
  assert.deepEqual(summary(p), { ready: '0/1', status: 'CrashLoopBackOff', restarts: '3 (5m ago)' });
});

test('restarts without a last termination time are a bare count', () => {
  const p = pod({ status: { phase: 'Running', containerStatuses: [running('app', true, 2)] } });
  assert.equal(summary(p).restarts, '2');
});

test('restarts sum over containers and take the latest termination', () => {
  const p = pod({
    containers: ['a', 'b'],
    status: {
      phase: 'Running',
      containerStatuses: [
        running('a', true, 1, { lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * 60 * MIN) } } }),
        running('b', true, 4, { lastState: { terminated: { exitCode: 137, finishedAt: ago(90_000) } } }),
      ],
    },
  });
  assert.equal(summary(p).restarts, '5 (90s ago)');
});

test('succeeded pod shows Completed and carries the Completed row condition', () => {
  const p = pod({ status: { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] } });
  assert.deepEqual(summary(p), { ready: '0/1', status: 'Completed', restarts: '0' });
  assert.deepEqual(podRow(p, NOW).conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
});

test('failed pod shows the container termination reason', () => {
  const p = pod({ status: { phase: 'Failed', containerStatuses: [terminated('app', 1, 'Error')] } });
  assert.equal(summary(p).status, 'Error');
  assert.equal(podRow(p, NOW).conditions?.[0].reason, 'Failed');
});

test('OOMKilled container', () => {
  const p = pod({ status: { phase: 'Running', containerStatuses: [terminated('app', 137, 'OOMKilled')] } });
  assert.equal(summary(p).status, 'OOMKilled');
});

test('terminated container without a reason shows the signal or exit code', () => {
  assert.equal(summary(pod({ status: { phase: 'Failed', containerStatuses: [terminated('app', 2)] } })).status, 'ExitCode:2');
  assert.equal(summary(pod({ status: { phase: 'Failed', containerStatuses: [terminated('app', 137, undefined, 9)] } })).status, 'Signal:9');
});

test('a finished container beside a running one reads Running or NotReady from the Ready condition', () => {
  const base = { phase: 'Running', containerStatuses: [running('a'), terminated('b', 0, 'Completed')] };
  const ready = pod({ containers: ['a', 'b'], status: { ...base, conditions: [{ type: 'Ready', status: 'True' }] } });
  const notReady = pod({ containers: ['a', 'b'], status: { ...base, conditions: [{ type: 'Ready', status: 'False' }] } });
  assert.deepEqual(summary(ready), { ready: '1/2', status: 'Running', restarts: '0' });
  assert.equal(summary(notReady).status, 'NotReady');
});

test('init containers: progress, waiting reasons and failures', () => {
  const init = [{ name: 'migrate' }, { name: 'seed' }];
  const first = pod({ init, status: { phase: 'Pending', initContainerStatuses: [running('migrate', false), waiting('seed', 'PodInitializing')] } });
  assert.equal(summary(first).status, 'Init:0/2');
  const second = pod({ init, status: { phase: 'Pending', initContainerStatuses: [terminated('migrate', 0, 'Completed'), running('seed', false)] } });
  assert.equal(summary(second).status, 'Init:1/2');
  const podInit = pod({ init, status: { phase: 'Pending', initContainerStatuses: [waiting('migrate', 'PodInitializing'), waiting('seed', 'PodInitializing')] } });
  assert.equal(summary(podInit).status, 'Init:0/2');
  const crash = pod({ init, status: { phase: 'Pending', initContainerStatuses: [waiting('migrate', 'CrashLoopBackOff', 4)], containerStatuses: [waiting('app', 'PodInitializing')] } });
  assert.deepEqual(summary(crash), { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '4' });
  const failed = pod({ init, status: { phase: 'Failed', initContainerStatuses: [terminated('migrate', 1, 'Error')] } });
  assert.equal(summary(failed).status, 'Init:Error');
  const code = pod({ init, status: { phase: 'Pending', initContainerStatuses: [terminated('migrate', 3)] } });
  assert.equal(summary(code).status, 'Init:ExitCode:3');
  const sig = pod({ init, status: { phase: 'Pending', initContainerStatuses: [terminated('migrate', 0 + 143, undefined, 15)] } });
  assert.equal(summary(sig).status, 'Init:Signal:15');
});

test('init statuses are ignored for STATUS once all init containers succeeded', () => {
  const p = pod({
    init: [{ name: 'migrate' }],
    status: { phase: 'Running', initContainerStatuses: [terminated('migrate', 0, 'Completed')], containerStatuses: [running('app', true)] },
  });
  assert.deepEqual(summary(p), { ready: '1/1', status: 'Running', restarts: '0' });
});

test('sidecar (restartable init) containers count towards READY and RESTARTS', () => {
  const p = pod({
    init: [{ name: 'mesh', restartPolicy: 'Always' }],
    status: {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [running('mesh', true, 2, { started: true, lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * MIN) } } })],
      containerStatuses: [running('app', true)],
    },
  });
  assert.deepEqual(summary(p), { ready: '2/2', status: 'Running', restarts: '2 (10m ago)' });
});

test('deleting pods read Terminating unless finished; NodeLost reads Unknown', () => {
  const p = pod({ deletion: true, status: { phase: 'Running', containerStatuses: [running('app')] } });
  assert.equal(summary(p).status, 'Terminating');
  const done = pod({ deletion: true, status: { phase: 'Succeeded', containerStatuses: [terminated('app', 0, 'Completed')] } });
  assert.equal(summary(done).status, 'Completed');
  const lost = pod({ deletion: true, status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] } });
  assert.equal(summary(lost).status, 'Unknown');
});

test('status.reason overrides the phase (Evicted) and scheduling gates show SchedulingGated', () => {
  assert.equal(summary(pod({ status: { phase: 'Failed', reason: 'Evicted' } })).status, 'Evicted');
  const gated = pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
  assert.equal(summary(gated).status, 'SchedulingGated');
});

test('wide cells: IP, node, nominated node and readiness gates', () => {
  const p = pod({
    status: {
      phase: 'Running', podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }, { ip: 'fd00::7' }], nominatedNodeName: '',
      conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }],
      containerStatuses: [running('app')],
    },
  });
  p.spec!.nodeName = 'node-1';
  p.spec!.readinessGates = [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }];
  assert.deepEqual(podRow(p, NOW).cells, ['web-0', '1/1', 'Running', '0', '30m', '10.244.0.7', 'node-1', '<none>', '1/2']);
  const bare = pod({ status: { phase: 'Pending' } });
  assert.deepEqual(podRow(bare, NOW).cells.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  assert.equal(podRow(bare, NOW).conditions, undefined);
  const legacy = pod({ status: { phase: 'Running', podIP: '10.1.2.3' } });
  assert.equal(podRow(legacy, NOW).cells[5], '10.1.2.3');
});
