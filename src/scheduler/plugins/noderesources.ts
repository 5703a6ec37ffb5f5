// NodeResourcesFit: the pod's requests (PodInfo.requests: containers summed, max with init
// containers, plus overhead) must fit in the node's allocatable minus what the pods already on it
// request — cpu, memory, ephemeral-storage, extended resources — and the node's pod count must leave
// room. Scoring (LeastAllocated by default, or MostAllocated) favours nodes by the share of each
// resource left after placing the pod, using the scheduler's non-zero defaults for unset requests.
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';
import { CPU, EPHEMERAL_STORAGE, isScalarResourceName, MEMORY } from '../resources.js';
import { MAX_NODE_SCORE, unschedulable, type Plugin } from '../types.js';

export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [{ name: CPU, weight: 1 }, { name: MEMORY, weight: 1 }];

/** The reasons a pod does not fit a node's resources (fitsRequest), in kube-scheduler's order. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.podCount + 1 > node.allowedPodNumber) reasons.push('Too many pods');
  const r = pod.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && !r.scalar?.size) return reasons;
  const a = node.allocatable;
  const used = node.requested;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - used.milliCPU) reasons.push('Insufficient cpu');
  if (r.memory > 0 && r.memory > a.memory - used.memory) reasons.push('Insufficient memory');
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  if (r.scalar) {
    for (const [name, q] of r.scalar) {
      if (q > 0 && q > (a.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
    }
  }
  return reasons;
}

/**
 * resourceAllocationScorer's inputs: for each resource, the node's allocatable and what would be
 * requested with the pod on it (0/0 for resources the node lacks or, for scalar ones, the pod does not ask for).
 */
export function allocationVectors(resources: readonly ResourceSpec[], useRequested: boolean, pod: PodInfo, node: NodeInfo): { requested: number[]; allocatable: number[] } {
  const requested: number[] = [];
  const allocatable: number[] = [];
  for (const { name } of resources) {
    let alloc = 0;
    let req = 0;
    if (name === CPU) {
      alloc = node.allocatable.milliCPU;
      req = useRequested ? node.requested.milliCPU + pod.requests.milliCPU : node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU;
    } else if (name === MEMORY) {
      alloc = node.allocatable.memory;
      req = useRequested ? node.requested.memory + pod.requests.memory : node.nonZeroRequested.memory + pod.nonZeroRequests.memory;
    } else if (name === EPHEMERAL_STORAGE) {
      alloc = node.allocatable.ephemeralStorage;
      req = node.requested.ephemeralStorage + pod.requests.ephemeralStorage;
    } else if (isScalarResourceName(name)) {
      const podReq = pod.requests.scalar?.get(name) ?? 0;
      if (podReq !== 0) {
        alloc = node.allocatable.scalar?.get(name) ?? 0;
        req = (node.requested.scalar?.get(name) ?? 0) + podReq;
      }
    }
    requested.push(alloc === 0 ? 0 : req);
    allocatable.push(alloc);
  }
  return { requested, allocatable };
}

/** ((capacity - requested) * 100) / capacity, 0 when over capacity. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** (requested * 100) / capacity, capped at capacity. */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

export interface NodeResourcesFitArgs {
  readonly scoringStrategy?: 'LeastAllocated' | 'MostAllocated';
  readonly resources?: readonly ResourceSpec[];
}

export function nodeResourcesFit(args: NodeResourcesFitArgs = {}): Plugin {
  const resources = args.resources ?? DEFAULT_RESOURCES;
  const perResource = args.scoringStrategy === 'MostAllocated' ? mostRequestedScore : leastRequestedScore;
  return {
    name: 'NodeResourcesFit',
    events: ['NodeAdd', 'NodeAllocatableChange', 'AssignedPodDelete', 'AssignedPodUpdate'],
    filter(_state, pod, node) {
      const reasons = insufficientResources(pod, node);
      return reasons.length ? unschedulable(...reasons) : undefined;
    },
    score(_state, pod, node) {
      const { requested, allocatable } = allocationVectors(resources, false, pod, node);
      let score = 0;
      let weights = 0;
      for (let i = 0; i < resources.length; i++) {
        if (allocatable[i] === 0) continue;
        score += perResource(requested[i], allocatable[i]) * resources[i].weight;
        weights += resources[i].weight;
      }
      return weights === 0 ? 0 : Math.trunc(score / weights);
    },
  };
}

export const NodeResourcesFit: Plugin = nodeResourcesFit();
