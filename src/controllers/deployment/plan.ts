// What the Deployment controller scales, decided without side effects (after Kubernetes' rolling.go,
// recreate.go and sync.go's scale): each plan is a list of steps the controller applies in order.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import {
  byCreation, bySizeNewer, bySizeOlder, filterActive, findActiveOrLatest, isRollingUpdate, isSaturated, maxSurge,
  maxUnavailable, newRSNewReplicas, proportion, replicasOf, sumReplicas,
} from './util.js';

export interface ScaleStep<T extends ReplicaSet = ReplicaSet> {
  rs: T;
  to: number;
  /**
   * Set for proportional scaling: the ReplicaSet is written even at the same size when its
   * desired/max-replicas annotations are stale (scaleReplicaSet); unset, an unchanged size is a
   * no-op (scaleReplicaSetAndRecordEvent).
   */
  operation?: 'up' | 'down' | '';
}

/** The new ReplicaSet's target size in a rolling update (reconcileNewReplicaSet); undefined: leave it. */
export function planNewReplicaSet(d: Deployment, allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet): number | undefined {
  const want = replicasOf(d);
  const have = replicasOf(newRS);
  if (have === want) return undefined;
  if (have > want) return want;
  const n = newRSNewReplicas(d, allRSs, newRS);
  return n === have ? undefined : n;
}

/**
 * Old ReplicaSets to scale down in a rolling update (reconcileOldReplicaSets): first the replicas
 * that are not available anyway (cleanupUnhealthyReplicas), then as many available ones as keep
 * spec.replicas - maxUnavailable available (scaleDownOldReplicaSetsForRollingUpdate).
 *
 * One safeguard beyond Kubernetes: a ReplicaSet counts at most spec.replicas available pods, so a
 * status that has not caught up with an earlier scale-down cannot justify scaling down again.
 */
export function planOldReplicaSets<T extends ReplicaSet>(d: Deployment, allRSs: ReadonlyArray<T | undefined>, activeOldRSs: readonly T[], newRS: T | undefined): ScaleStep<T>[] {
  const oldCount = sumReplicas(activeOldRSs);
  if (oldCount === 0) return [];
  const allCount = sumReplicas(allRSs);
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = newRS ? replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const steps: ScaleStep<T>[] = [];
  const size = new Map<T, number>(activeOldRSs.map((rs) => [rs, replicasOf(rs)]));
  const olds = [...activeOldRSs].sort(byCreation);

  // Unhealthy replicas first: removing them costs no availability.
  let cleaned = 0;
  for (const rs of olds) {
    if (cleaned >= maxScaledDown) break;
    const n = size.get(rs)!;
    const available = rs.status?.availableReplicas ?? 0;
    if (n === 0 || n <= available) continue;
    const down = Math.min(maxScaledDown - cleaned, n - available);
    size.set(rs, n - down);
    steps.push({ rs, to: n - down });
    cleaned += down;
  }

  // Then available replicas, as long as enough stay available.
  const availableOf = (rs: T, n: number) => Math.min(rs.status?.availableReplicas ?? 0, n);
  let available = newRS ? availableOf(newRS, replicasOf(newRS)) : 0;
  for (const rs of olds) available += availableOf(rs, size.get(rs)!);
  if (available <= minAvailable) return steps;
  const toScaleDown = available - minAvailable;
  let scaled = 0;
  for (const rs of olds) {
    if (scaled >= toScaleDown) break;
    const n = size.get(rs)!;
    if (n === 0) continue;
    const down = Math.min(n, toScaleDown - scaled);
    size.set(rs, n - down);
    steps.push({ rs, to: n - down });
    scaled += down;
  }
  return steps;
}

/** Recreate: every active old ReplicaSet to 0 (scaleDownOldReplicaSetsForRecreate). */
export function planRecreateScaleDown<T extends ReplicaSet>(activeOldRSs: readonly T[]): ScaleStep<T>[] {
  return activeOldRSs.filter((rs) => replicasOf(rs) !== 0).map((rs) => ({ rs, to: 0 }));
}

/**
 * A scaling event, or a paused Deployment (sync.go's scale): a single active ReplicaSet takes the
 * whole count; a saturated new ReplicaSet takes it and the old ones go to 0; otherwise, in a rolling
 * update, the difference between spec.replicas + maxSurge and the current total is spread over the
 * active ReplicaSets in proportion to their size, leftovers to the largest.
 */
export function planScale<T extends ReplicaSet>(d: Deployment, newRS: T | undefined, oldRSs: readonly T[]): ScaleStep<T>[] {
  const want = replicasOf(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    return replicasOf(activeOrLatest) === want ? [] : [{ rs: activeOrLatest, to: want }];
  }
  if (isSaturated(d, newRS)) return filterActive(oldRSs).map((rs) => ({ rs, to: 0 }));
  if (!isRollingUpdate(d)) return [];

  const all = filterActive([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(all);
  let operation: 'up' | 'down' | '' = '';
  if (toAdd > 0) { all.sort(bySizeNewer); operation = 'up'; }
  else if (toAdd < 0) { all.sort(bySizeOlder); operation = 'down'; }

  let added = 0;
  const sizes = new Map<T, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs, replicasOf(rs) + p);
      added += p;
    } else {
      sizes.set(rs, replicasOf(rs));
    }
  }
  return all.map((rs, i) => {
    let to = sizes.get(rs)!;
    if (i === 0 && toAdd !== 0) to = Math.max(to + toAdd - added, 0);
    return { rs, to, operation };
  });
}
