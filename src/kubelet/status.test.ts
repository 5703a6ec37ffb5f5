import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { computePodStatus, podPhase, type ContainerView } from './status.js';
import type { ContainerStatus } from './runtime.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function cs(name: string, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id: `${name}-id`, metadata: { name, attempt: 0 }, state, createdAt: T0, startedAt: state === 'CONTAINER_CREATED' ? 0 : T0, finishedAt: state === 'CONTAINER_EXITED' ? T0 + 5000 : 0,
    exitCode: 0, image: { image: 'img' }, imageRef: 'sha256:abc', reason: '', message: '', labels: {}, annotations: {}, mounts: [], logPath: '/x', ...extra,
  };
}

function view(name: string, latest?: ContainerStatus, o: Partial<ContainerView> = {}): ContainerView {
  return { spec: { name, image: 'img' }, role: 'app', latest, restartCount: latest?.metadata.attempt ?? 0, ready: latest?.state === 'CONTAINER_RUNNING', started: latest?.state === 'CONTAINER_RUNNING', ...o };
}

function pod(policy: 'Always' | 'OnFailure' | 'Never' = 'Always'): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u' },
    spec: { restartPolicy: policy, containers: [{ name: 'a', image: 'img' }] },
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-01T09:00:00Z' }] },
  };
}

const base = { initialized: true, initFailed: false, terminating: false, sandboxReady: true, podIPs: ['127.1.0.2'], hostIPs: ['127.0.0.1'], startTime: '2024-05-01T10:00:00Z', runtimeName: 'process', now: T0 + 6000, init: [] as ContainerView[] };

test('phase follows the kubelet rules', () => {
  const running = view('a', cs('a', 'CONTAINER_RUNNING'));
  const ok = view('a', cs('a', 'CONTAINER_EXITED', { exitCode: 0 }));
  const failed = view('a', cs('a', 'CONTAINER_EXITED', { exitCode: 2 }));
  const waiting = view('a', undefined);
  const crashloop = view('a', cs('a', 'CONTAINER_EXITED', { exitCode: 1 }), { waiting: { reason: 'CrashLoopBackOff' } });
  assert.equal(podPhase(pod(), [waiting], true, false, false), 'Pending');
  assert.equal(podPhase(pod(), [running], true, false, false), 'Running');
  assert.equal(podPhase(pod(), [running], false, false, false), 'Pending', 'init containers still running');
  assert.equal(podPhase(pod('Never'), [waiting], false, true, false), 'Failed', 'init failed with restartPolicy Never');
  assert.equal(podPhase(pod('Always'), [ok], true, false, false), 'Running');
  assert.equal(podPhase(pod('Never'), [ok], true, false, false), 'Succeeded');
  assert.equal(podPhase(pod('Never'), [failed], true, false, false), 'Failed');
  assert.equal(podPhase(pod('OnFailure'), [ok], true, false, false), 'Succeeded');
  assert.equal(podPhase(pod('OnFailure'), [crashloop], true, false, false), 'Running');
  assert.equal(podPhase(pod('Always'), [crashloop], true, false, false), 'Running');
  assert.equal(podPhase(pod('Always'), [failed], true, false, true), 'Failed', 'a stopped pod being deleted is terminal');
});

test('status of a running, ready pod', () => {
  const p = pod();
  const st = computePodStatus({ ...base, pod: p, app: [view('a', cs('a', 'CONTAINER_RUNNING'))] });
  assert.equal(st.phase, 'Running');
  assert.equal(st.podIP, '127.1.0.2');
  assert.deepEqual(st.podIPs, [{ ip: '127.1.0.2' }]);
  assert.equal(st.hostIP, '127.0.0.1');
  assert.equal(st.qosClass, 'BestEffort', 'server-owned fields are kept');
  const c = st.containerStatuses![0]!;
  assert.equal(c.ready, true);
  assert.equal(c.started, true);
  assert.equal(c.containerID, 'process://a-id');
  assert.equal(c.imageID, 'sha256:abc');
  assert.deepEqual(c.state, { running: { startedAt: '2024-05-01T10:00:00Z' } });
  const types = st.conditions!.map((x) => `${x.type}=${x.status}`);
  assert.deepEqual(types, ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  assert.equal(st.conditions!.find((x) => x.type === 'PodScheduled')!.lastTransitionTime, '2024-05-01T09:00:00Z');
});

test('CrashLoopBackOff shows waiting with lastState terminated; lastTransitionTime is kept', () => {
  const p = pod();
  const latest = cs('a', 'CONTAINER_EXITED', { exitCode: 3, metadata: { name: 'a', attempt: 2 } });
  const v = view('a', latest, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=a pod=p_ns(u)' } });
  const st = computePodStatus({ ...base, pod: p, app: [v] });
  const c = st.containerStatuses![0]!;
  assert.equal(c.restartCount, 2);
  assert.equal(c.state!.waiting!.reason, 'CrashLoopBackOff');
  assert.equal(c.lastState!.terminated!.exitCode, 3);
  assert.equal(c.lastState!.terminated!.reason, 'Error');
  assert.equal(c.ready, false);
  const ready = st.conditions!.find((x) => x.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [a]');
  // computing again from the written status keeps the transition time
  const again = computePodStatus({ ...base, now: base.now + 60_000, pod: { ...p, status: st }, app: [v] });
  assert.equal(again.conditions!.find((x) => x.type === 'Ready')!.lastTransitionTime, ready.lastTransitionTime);
});

test('a completed pod: Succeeded, PodCompleted, terminated Completed', () => {
  const p = pod('Never');
  const st = computePodStatus({ ...base, pod: p, app: [view('a', cs('a', 'CONTAINER_EXITED', { exitCode: 0 }))] });
  assert.equal(st.phase, 'Succeeded');
  const t = st.containerStatuses![0]!.state!.terminated!;
  assert.equal(t.reason, 'Completed');
  assert.equal(t.finishedAt, '2024-05-01T10:00:05Z');
  assert.equal(st.conditions!.find((x) => x.type === 'Ready')!.reason, 'PodCompleted');
});

test('init containers: not initialized while one runs; app containers wait in PodInitializing', () => {
  const p = pod();
  p.spec!.initContainers = [{ name: 'init', image: 'img' }];
  const init: ContainerView = { ...view('init', cs('init', 'CONTAINER_RUNNING')), role: 'init' };
  const st = computePodStatus({ ...base, initialized: false, pod: p, init: [init], app: [view('a', undefined)] });
  assert.equal(st.phase, 'Pending');
  assert.equal(st.containerStatuses![0]!.state!.waiting!.reason, 'PodInitializing');
  const initialized = st.conditions!.find((x) => x.type === 'Initialized')!;
  assert.equal(initialized.status, 'False');
  assert.equal(initialized.message, 'containers with incomplete status: [init]');
  assert.equal(st.initContainerStatuses![0]!.ready, false);
});

test('a terminal phase is never left', () => {
  const p = pod('Never');
  p.status!.phase = 'Failed';
  const st = computePodStatus({ ...base, pod: p, app: [view('a', cs('a', 'CONTAINER_RUNNING'))] });
  assert.equal(st.phase, 'Failed');
});
