// Pod status as the kubelet computes it from what runs (pure functions): phase, conditions and
// container statuses with state, lastState, restartCount, ready and started.
import type { Container, ContainerState as K8sContainerState, ContainerStatus as K8sContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus } from './runtime.js';

export type ContainerRole = 'init' | 'sidecar' | 'app';

export interface ContainerView {
  spec: Container;
  role: ContainerRole;
  /** the newest attempt in the runtime */
  latest?: ContainerStatus;
  /** the attempt before it */
  previous?: ContainerStatus;
  restartCount: number;
  /** a waiting state the kubelet imposes while the container is not running (CrashLoopBackOff, ...) */
  waiting?: { reason: string; message?: string };
  /** readiness (running and the readiness probe, if any, passes) */
  ready: boolean;
  /** started (running and the startup probe, if any, has passed) */
  started: boolean;
}

export interface PodStatusInput {
  pod: Pod;
  init: ContainerView[];
  app: ContainerView[];
  /** every init container completed (sidecars started) */
  initialized: boolean;
  /** an init container failed and will not be retried (restartPolicy Never) */
  initFailed: boolean;
  /** the pod is being torn down (deletion): a stopped pod is then terminal whatever its policy */
  terminating: boolean;
  sandboxReady: boolean;
  podIPs: string[];
  hostIPs: string[];
  startTime?: string;
  runtimeName: string;
  now: number;
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function terminated(s: ContainerStatus, runtimeName: string): K8sContainerState {
  return {
    terminated: {
      exitCode: s.exitCode,
      reason: s.reason || (s.exitCode === 0 ? 'Completed' : 'Error'),
      ...(s.message ? { message: s.message } : {}),
      startedAt: s.startedAt ? rfc3339(s.startedAt) : undefined,
      finishedAt: rfc3339(s.finishedAt || s.startedAt || s.createdAt),
      containerID: `${runtimeName}://${s.id}`,
    } as K8sContainerState['terminated'] & object,
  };
}

/** The state and lastState of one container. */
export function containerStates(v: ContainerView, initialized: boolean, runtimeName: string): { state: K8sContainerState; lastState: K8sContainerState } {
  const l = v.latest;
  const prevTerminated = v.previous && (v.previous.state === 'CONTAINER_EXITED' || v.previous.state === 'CONTAINER_UNKNOWN') ? terminated(v.previous, runtimeName) : {};
  if (!l) {
    const reason = v.waiting?.reason ?? (v.role === 'app' && !initialized ? 'PodInitializing' : 'ContainerCreating');
    return { state: { waiting: { reason, ...(v.waiting?.message ? { message: v.waiting.message } : {}) } }, lastState: {} };
  }
  switch (l.state) {
    case 'CONTAINER_RUNNING':
      return { state: { running: { startedAt: rfc3339(l.startedAt) } }, lastState: prevTerminated };
    case 'CONTAINER_EXITED':
      if (v.waiting) return { state: { waiting: { reason: v.waiting.reason, ...(v.waiting.message ? { message: v.waiting.message } : {}) } }, lastState: terminated(l, runtimeName) };
      return { state: terminated(l, runtimeName), lastState: prevTerminated };
    case 'CONTAINER_CREATED':
      return { state: { waiting: { reason: v.waiting?.reason ?? 'ContainerCreating', ...(v.waiting?.message ? { message: v.waiting.message } : {}) } }, lastState: prevTerminated };
    default:
      return {
        state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', finishedAt: rfc3339(l.finishedAt || l.createdAt), containerID: `${runtimeName}://${l.id}` } as K8sContainerState['terminated'] & object },
        lastState: prevTerminated,
      };
  }
}

export function containerStatus(v: ContainerView, initialized: boolean, runtimeName: string): K8sContainerStatus {
  const { state, lastState } = containerStates(v, initialized, runtimeName);
  const running = !!state.running;
  const out: K8sContainerStatus = {
    name: v.spec.name,
    state,
    lastState,
    ready: v.role === 'init' ? !!state.terminated && state.terminated.exitCode === 0 : running && v.ready,
    restartCount: v.restartCount,
    image: v.spec.image ?? '',
    imageID: v.latest?.imageRef ?? '',
    started: v.role === 'init' ? false : running && v.started,
  };
  if (v.latest) out.containerID = `${runtimeName}://${v.latest.id}`;
  return out;
}

interface Counts { running: number; waiting: number; stopped: number; succeeded: number; unknown: number }

function count(views: ContainerView[]): Counts {
  const c: Counts = { running: 0, waiting: 0, stopped: 0, succeeded: 0, unknown: 0 };
  for (const v of views) {
    const l = v.latest;
    if (!l) { c.waiting++; continue; }
    if (l.state === 'CONTAINER_RUNNING') c.running++;
    else if (l.state === 'CONTAINER_EXITED') {
      c.stopped++;
      if (!v.waiting && l.exitCode === 0) c.succeeded++;
    } else if (l.state === 'CONTAINER_CREATED') c.waiting++;
    else c.unknown++;
  }
  return c;
}

/** The pod phase (after the kubelet's getPhase). */
export function podPhase(pod: Pod, app: ContainerView[], initialized: boolean, initFailed: boolean, terminating: boolean): NonNullable<PodStatus['phase']> {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (!initialized) {
    if (initFailed && policy === 'Never') return 'Failed';
    if (!terminating) return 'Pending';
  }
  const c = count(app);
  if (terminating) {
    if (c.running > 0) return 'Running';
    if (c.stopped + c.unknown === 0 && c.waiting > 0) return initialized ? 'Pending' : 'Failed';
    return c.stopped === c.succeeded && c.unknown === 0 && c.waiting === 0 ? 'Succeeded' : 'Failed';
  }
  if (c.waiting > 0) return 'Pending';
  if (c.running > 0 && c.unknown === 0) return 'Running';
  if (c.running === 0 && c.stopped > 0 && c.unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (c.stopped === c.succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  if (c.unknown > 0) return 'Unknown';
  return 'Pending';
}

function condition(prev: PodCondition[] | undefined, type: string, status: 'True' | 'False', now: number, reason?: string, message?: string): PodCondition {
  const old = prev?.find((c) => c.type === type);
  const lastTransitionTime = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now);
  const c: PodCondition = { type, status, lastProbeTime: null as unknown as string, lastTransitionTime };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

const OWNED = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

export function podConditions(input: PodStatusInput, phase: string, initStatuses: K8sContainerStatus[], appStatuses: K8sContainerStatus[]): PodCondition[] {
  const prev = input.pod.status?.conditions;
  const now = input.now;
  const out: PodCondition[] = [];
  out.push(condition(prev, 'PodReadyToStartContainers', input.sandboxReady ? 'True' : 'False', now));
  if (input.initialized || phase === 'Succeeded') {
    out.push(condition(prev, 'Initialized', 'True', now, phase === 'Succeeded' && input.init.length ? 'PodCompleted' : undefined));
  } else {
    const incomplete = input.init.filter((v, i) => v.role === 'sidecar' ? !initStatuses[i]?.started : !initStatuses[i]?.ready).map((v) => v.spec.name);
    out.push(condition(prev, 'Initialized', 'False', now, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`));
  }
  let ready: PodCondition;
  let containersReady: PodCondition;
  if (phase === 'Succeeded') {
    ready = condition(prev, 'Ready', 'False', now, 'PodCompleted');
    containersReady = condition(prev, 'ContainersReady', 'False', now, 'PodCompleted');
  } else {
    const unready: string[] = [];
    input.init.forEach((v, i) => { if (v.role === 'sidecar' && !initStatuses[i]?.ready) unready.push(v.spec.name); });
    input.app.forEach((v, i) => { if (!appStatuses[i]?.ready) unready.push(v.spec.name); });
    if (unready.length) {
      const msg = `containers with unready status: [${unready.join(' ')}]`;
      containersReady = condition(prev, 'ContainersReady', 'False', now, 'ContainersNotReady', msg);
      ready = condition(prev, 'Ready', 'False', now, 'ContainersNotReady', msg);
    } else {
      containersReady = condition(prev, 'ContainersReady', 'True', now);
      const gateProblem = readinessGateProblem(input.pod);
      ready = gateProblem ? condition(prev, 'Ready', 'False', now, 'ReadinessGatesNotReady', gateProblem) : condition(prev, 'Ready', 'True', now);
    }
  }
  out.push(ready, containersReady);
  for (const c of prev ?? []) if (!OWNED.has(c.type)) out.push(c);
  return out;
}

function readinessGateProblem(pod: Pod): string | undefined {
  const problems: string[] = [];
  for (const g of pod.spec?.readinessGates ?? []) {
    const c = pod.status?.conditions?.find((x) => x.type === g.conditionType);
    if (!c) problems.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') problems.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  return problems.length ? problems.join(', ') : undefined;
}

/** The whole status the kubelet writes (server-owned fields like qosClass are kept). */
export function computePodStatus(input: PodStatusInput): PodStatus {
  const old = input.pod.status ?? {};
  const initStatuses = input.init.map((v) => containerStatus(v, input.initialized, input.runtimeName));
  const appStatuses = input.app.map((v) => containerStatus(v, input.initialized, input.runtimeName));
  let phase = podPhase(input.pod, input.app, input.initialized, input.initFailed, input.terminating);
  // a terminal phase is final
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase;
  const status: PodStatus = { ...old, phase };
  status.conditions = podConditions(input, phase, initStatuses, appStatuses);
  if (input.hostIPs.length) {
    status.hostIP = input.hostIPs[0];
    status.hostIPs = input.hostIPs.map((ip) => ({ ip }));
  }
  if (input.podIPs.length) {
    status.podIP = input.podIPs[0];
    status.podIPs = input.podIPs.map((ip) => ({ ip }));
  }
  if (input.startTime) status.startTime = input.startTime;
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  else delete status.initContainerStatuses;
  status.containerStatuses = appStatuses;
  return status;
}
