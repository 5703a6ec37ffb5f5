// NodeResourcesBalancedAllocation: favours nodes whose resource usage fractions (requested with the
// pod / allocatable, capped at 1) are close to each other: score = (1 - standard deviation) * 100.
import type { PodInfo } from '../podinfo.js';
import type { NodeInfo } from '../nodeinfo.js';
import { MAX_NODE_SCORE, type Plugin } from '../types.js';
import { allocationVectors, DEFAULT_RESOURCES, type ResourceSpec } from './noderesources.js';

export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(requested[i] / allocatable[i], 1);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export function balancedAllocation(resources: readonly ResourceSpec[] = DEFAULT_RESOURCES): Plugin {
  return {
    name: 'NodeResourcesBalancedAllocation',
    score(_state, pod: PodInfo, node: NodeInfo) {
      const { requested, allocatable } = allocationVectors(resources, true, pod, node);
      return balancedResourceScore(requested, allocatable);
    },
  };
}

export const NodeResourcesBalancedAllocation: Plugin = balancedAllocation();
