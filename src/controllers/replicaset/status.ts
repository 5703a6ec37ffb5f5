// A ReplicaSet's status from the pods it controls (Kubernetes' calculateStatus): replicas counts the
// active pods, fullyLabeledReplicas those carrying every template label, readyReplicas the ready
// ones, availableReplicas those ready for minReadySeconds; a failed create/delete shows as the
// ReplicaFailure condition until a sync succeeds.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { deepEqual } from '../../api/object.js';
import { isPodAvailable, isPodReady, rfc3339 } from './podutil.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

type MutableStatus = { -readonly [K in keyof ReplicaSetStatus]: ReplicaSetStatus[K] };

function labelsMatch(want: Record<string, string> | undefined, have: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(want ?? {})) if (have?.[k] !== v) return false;
  return true;
}

/** The status for `rs` given its active, claimed pods and the error of the last manage step. */
export function calculateReplicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: unknown, nowMs: number): ReplicaSetStatus {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = rs.spec?.template?.metadata?.labels;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (labelsMatch(templateLabels, pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const message = manageError instanceof Error ? manageError.message : String(manageError);
    conditions.push({ type: REPLICA_FAILURE, status: 'True', reason, message, lastTransitionTime: rfc3339(nowMs) });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: MutableStatus = { replicas: pods.length };
  // Go omits zero counts (omitempty); writing them the same way keeps comparisons stable.
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.status?.observedGeneration) status.observedGeneration = rs.status.observedGeneration;
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** A status in the shape Go would serialize it (zero counts omitted). */
export function normalizeReplicaSetStatus(s: ReplicaSetStatus | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { replicas: s?.replicas ?? 0 };
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
    if (s?.[k]) out[k] = s[k];
  }
  if (s?.conditions?.length) out.conditions = s.conditions;
  return out;
}

/** The status needs writing: it changed, or the current generation has not been observed. */
export function replicaSetStatusNeedsUpdate(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = normalizeReplicaSetStatus(rs.status);
  const nxt = normalizeReplicaSetStatus({ ...next, observedGeneration: rs.status?.observedGeneration });
  return !deepEqual(cur, nxt) || (rs.metadata?.generation ?? 0) !== (rs.status?.observedGeneration ?? 0);
}
