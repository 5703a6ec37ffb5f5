// Which pods a ReplicaSet deletes first when it has too many (Kubernetes' ActivePodsWithRanks with
// PodDeletionCost and LogarithmicScaleDown, both on by default): unscheduled before scheduled,
// Pending before Unknown before Running, not ready before ready, lower deletion cost first, pods
// doubled up on a node first, ready for less time first, more restarts first, newer first.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodActive, isPodReady, maxContainerRestarts, podDeletionCost, podReadyTime, timeMs } from './podutil.js';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: Pod): number {
  return PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;
}

/** t1 is zero (unknown), or t1 is after t2 (when both are known). */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** Difference of floor(log2(age in ns)) of two times; an age <= 0 ranks -1. */
export function logarithmicRankDiff(t1: number, t2: number, nowMs: number): number {
  const rank = (t: number) => {
    const d = (nowMs - t) * 1e6;
    return d > 0 ? Math.floor(Math.log2(d)) : -1;
  };
  return rank(t1) - rank(t2);
}

/**
 * True when pod a (with its co-location rank) should be deleted before pod b. `nowMs` enables the
 * logarithmic comparison of ready and creation times; without it times compare exactly.
 */
export function deleteBefore(a: Pod, rankA: number, b: Pod, rankB: number, nowMs?: number): boolean {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  // 1. unassigned < assigned
  if (na !== nb && (na === '' || nb === '')) return na === '';
  // 2. Pending < Unknown < Running
  const pa = phaseOrdinal(a);
  const pb = phaseOrdinal(b);
  if (pa !== pb) return pa < pb;
  // 3. not ready < ready
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  // 4. lower pod-deletion-cost < higher
  const ca = podDeletionCost(a);
  const cb = podDeletionCost(b);
  if (ca !== cb) return ca < cb;
  // 5. doubled up (more active related pods on the same node) < not doubled up
  if (rankA !== rankB) return rankA > rankB;
  const uidLess = () => (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
  // 6. ready for a shorter time < ready for longer
  if (ra && rb) {
    const ta = podReadyTime(a);
    const tb = podReadyTime(b);
    if (ta !== tb) {
      if (nowMs === undefined || ta === undefined || tb === undefined) return afterOrZero(ta, tb);
      const diff = logarithmicRankDiff(ta, tb, nowMs);
      return diff === 0 ? uidLess() : diff < 0;
    }
  }
  // 7. more restarts < fewer restarts
  const xa = maxContainerRestarts(a);
  const xb = maxContainerRestarts(b);
  if (xa !== xb) return xa > xb;
  // 8. newer < older (an unknown creation time first)
  const ka = timeMs(a.metadata?.creationTimestamp);
  const kb = timeMs(b.metadata?.creationTimestamp);
  if (ka !== kb) {
    if (nowMs === undefined || ka === undefined || kb === undefined) return afterOrZero(ka, kb);
    const diff = logarithmicRankDiff(ka, kb, nowMs);
    return diff === 0 ? uidLess() : diff < 0;
  }
  return false;
}

/**
 * Ranks each pod by the number of active related pods (pods of the same owner's ReplicaSets)
 * running on its node.
 */
export function colocationRanks(pods: readonly Pod[], related: readonly Pod[]): number[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  return pods.map((p) => onNode.get(p.spec?.nodeName ?? '') ?? 0);
}

/** Sorts pods (a copy) in deletion order: the pods to delete first come first. */
export function sortForDeletion<P extends Pod>(pods: readonly P[], related: readonly Pod[], nowMs?: number): P[] {
  const ranks = colocationRanks(pods, related);
  const items = pods.map((pod, i) => ({ pod, rank: ranks[i] }));
  items.sort((x, y) => (deleteBefore(x.pod, x.rank, y.pod, y.rank, nowMs) ? -1 : deleteBefore(y.pod, y.rank, x.pod, x.rank, nowMs) ? 1 : 0));
  return items.map((i) => i.pod);
}

/** The `diff` pods to delete out of `pods` (getPodsToDelete). */
export function podsToDelete<P extends Pod>(pods: readonly P[], related: readonly Pod[], diff: number, nowMs?: number): P[] {
  if (diff >= pods.length) return pods.slice();
  return sortForDeletion(pods, related, nowMs).slice(0, diff);
}
