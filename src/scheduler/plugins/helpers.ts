// Small pieces several plugins share: taint toleration (v1helper) and score normalization (pluginhelper).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { MAX_NODE_SCORE } from '../types.js';
import { toleratesTaint, tolerationsTolerateTaint } from '../../api/tolerations.js';

export { toleratesTaint, tolerationsTolerateTaint };



/** The first taint (in node order) passing `filter` that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints) if (filter(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  return undefined;
}

/**
 * DefaultNormalizeScore: scales scores to 0..max by the highest one (integer arithmetic), optionally
 * reversed; all-zero scores become max when reversed.
 */
export function defaultNormalizeScore(scores: number[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let highest = 0;
  for (const s of scores) if (s > highest) highest = s;
  if (highest === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((max * scores[i]) / highest);
    scores[i] = reverse ? max - s : s;
  }
}
