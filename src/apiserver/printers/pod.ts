// The pod row of `kubectl get pods`: READY, the STATUS kubectl derives from phase, init and container
// states (ContainerCreating, CrashLoopBackOff, Init:1/2, Completed, Terminating...), RESTARTS with the
// time of the last restart, and the wide columns.
import type { Pod, ContainerStatus, Container, PodCondition } from 'kubernetes-types/core/v1.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';
import { NONE } from './format.js';

export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** Summarises a pod the way `kubectl get pods` does (READY, STATUS, RESTARTS). */
export function podSummary(pod: Pod, now: number): PodSummary {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const containers = spec.containers ?? [];
  const initContainers = spec.initContainers ?? [];
  const conditions = status.conditions ?? [];

  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = containers.length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const phase = status.phase ?? '';
  let reason = status.reason ? status.reason : phase;

  for (const c of conditions) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, Container>();
  for (const c of initContainers) {
    initByName.set(c.name, c);
    if (isRestartable(c)) totalContainers++;
  }

  const later = (cur: number | undefined, cs: ContainerStatus): number | undefined => {
    const t = parseTimestamp(cs.lastState?.terminated?.finishedAt);
    if (t === undefined || Number.isNaN(t)) return cur;
    return cur === undefined || cur < t ? t : cur;
  };

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, cs);
    const sidecar = isRestartable(initByName.get(cs.name));
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, cs);
    }
    const term = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) {
        reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      } else {
        reason = `Init:${term.reason}`;
      }
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs);
      const waiting = cs.state?.waiting;
      const term = cs.state?.terminated;
      if (waiting && waiting.reason) {
        reason = waiting.reason;
      } else if (term && term.reason) {
        reason = term.reason;
      } else if (term) {
        reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsText = `${restarts} (${humanDuration(now - lastRestart)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

/** All cells of a pod row (wide columns included) plus the row conditions for finished pods. */
export function podRow(pod: Pod, now: number): { cells: unknown[]; conditions?: RowCondition[] } {
  const s = podSummary(pod, now);
  const status = pod.status ?? {};
  const spec = pod.spec;
  const podIP = status.podIPs?.[0]?.ip || status.podIP || NONE;
  const nodeName = spec?.nodeName || NONE;
  const nominated = status.nominatedNodeName || NONE;
  let gates = NONE;
  const readinessGates = spec?.readinessGates ?? [];
  if (readinessGates.length > 0) {
    let trueCount = 0;
    for (const g of readinessGates) {
      const c = (status.conditions ?? []).find((x) => x.type === g.conditionType);
      if (c && c.status === 'True') trueCount++;
    }
    gates = `${trueCount}/${readinessGates.length}`;
  }
  const cells = [pod.metadata?.name ?? '', s.ready, s.status, s.restarts, translateTimestampSince(pod.metadata?.creationTimestamp, now),
    podIP, nodeName, nominated, gates];
  let conditions: RowCondition[] | undefined;
  if (status.phase === 'Succeeded') conditions = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  else if (status.phase === 'Failed') conditions = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return { cells, conditions };
}

function isRestartable(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function conditionTrue(conditions: PodCondition[], type: string): boolean {
  for (const c of conditions) if (c.type === type) return c.status === 'True';
  return false;
}
