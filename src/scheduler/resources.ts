// Resource vectors as kube-scheduler keeps them (framework.Resource): cpu in millicores, memory and
// ephemeral-storage in bytes, pods as a count, and "scalar" resources (extended resources such as
// example.com/gpu, hugepages-*, attachable-volumes-*) as integers. Pod requests follow
// k8s.io/component-helpers resource.PodRequests: the sum over containers, the max with each init
// container (restartable "sidecar" init containers add to everything after them), plus pod overhead —
// summed exactly in nano-units and rounded only at the end, as Quantity arithmetic does.
import type { Pod, Container } from 'kubernetes-types/core/v1.js';
import { nanoToMilli, nanoToValue, quantityToNano, tryParseQuantity } from './quantity.js';

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended/hugepages/attachable-volume resources with a non-zero amount. */
  scalar: Map<string, number> | undefined;
}

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** kube-scheduler's defaults for containers without a cpu/memory request, used when scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };
}

/** schedutil.IsScalarResourceName: extended resources, prefixed native resources, hugepages, attachable volumes. */
export function isScalarResourceName(name: string): boolean {
  return name.startsWith('hugepages-') || name.startsWith('attachable-volumes-') || (name.includes('/') && !name.startsWith('requests.'));
}

type ResourceList = { [name: string]: string | number } | undefined;
type NanoList = Map<string, bigint>;

function addList(acc: NanoList, rl: ResourceList): void {
  if (!rl) return;
  for (const name in rl) {
    const q = tryParseQuantity(rl[name]);
    if (q) acc.set(name, (acc.get(name) ?? 0n) + quantityToNano(q));
  }
}

function addNano(acc: NanoList, other: NanoList): void {
  for (const [name, v] of other) acc.set(name, (acc.get(name) ?? 0n) + v);
}

function maxNano(acc: NanoList, other: NanoList): void {
  for (const [name, v] of other) {
    const cur = acc.get(name);
    if (cur === undefined || v > cur) acc.set(name, v);
  }
}

const DEFAULT_NANO: ReadonlyArray<[string, bigint]> = [
  [CPU, BigInt(DEFAULT_MILLI_CPU_REQUEST) * 1_000_000n],
  [MEMORY, BigInt(DEFAULT_MEMORY_REQUEST) * 1_000_000_000n],
];

function containerRequests(c: Container, nonMissing: boolean): NanoList {
  const out: NanoList = new Map();
  const reqs = c.resources?.requests as ResourceList;
  addList(out, reqs);
  if (nonMissing) for (const [name, v] of DEFAULT_NANO) if (!reqs || !(name in reqs)) out.set(name, v);
  return out;
}

/**
 * resource.PodRequests: `nonMissing` substitutes the scheduler's default cpu/memory for containers
 * that do not request them (the "non-zero" requests used by the scoring plugins).
 */
export function podRequestsNano(pod: Pod, nonMissing = false): NanoList {
  const reqs: NanoList = new Map();
  for (const c of pod.spec?.containers ?? []) addNano(reqs, containerRequests(c, nonMissing));
  const sidecars: NanoList = new Map();
  const initMax: NanoList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const cr = containerRequests(c, nonMissing);
    if (c.restartPolicy === 'Always') {
      addNano(reqs, cr);
      addNano(sidecars, cr);
      maxNano(initMax, sidecars);
    } else {
      const withSidecars: NanoList = new Map(cr);
      addNano(withSidecars, sidecars);
      maxNano(initMax, withSidecars);
    }
  }
  maxNano(reqs, initMax);
  addList(reqs, pod.spec?.overhead as ResourceList);
  return reqs;
}

/** framework.Resource.Add over an exact resource list: cpu as MilliValue, the rest as Value. */
export function toResources(list: NanoList): Resources {
  const r = emptyResources();
  for (const [name, nano] of list) {
    if (name === CPU) r.milliCPU += nanoToMilli(nano);
    else if (name === MEMORY) r.memory += nanoToValue(nano);
    else if (name === EPHEMERAL_STORAGE) r.ephemeralStorage += nanoToValue(nano);
    else if (name !== PODS && isScalarResourceName(name)) {
      const v = nanoToValue(nano);
      if (v !== 0) (r.scalar ??= new Map()).set(name, (r.scalar.get(name) ?? 0) + v);
    }
  }
  return r;
}

/** The pod's requests as NodeResourcesFit checks them. */
export function podRequests(pod: Pod): Resources {
  return toResources(podRequestsNano(pod));
}

/** The pod's cpu/memory requests with the scheduler's defaults for missing ones (NonZeroRequested). */
export function podNonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  const r = toResources(podRequestsNano(pod, true));
  return { milliCPU: r.milliCPU, memory: r.memory };
}

/** A node's status.allocatable as a resource vector plus its pod count. */
export function nodeAllocatable(allocatable: ResourceList): { resources: Resources; pods: number } {
  const list: NanoList = new Map();
  addList(list, allocatable);
  const pods = list.get(PODS);
  return { resources: toResources(list), pods: pods === undefined ? 0 : nanoToValue(pods) };
}

export function addResources(acc: Resources, r: Resources, sign: 1 | -1): void {
  acc.milliCPU += sign * r.milliCPU;
  acc.memory += sign * r.memory;
  acc.ephemeralStorage += sign * r.ephemeralStorage;
  if (r.scalar) {
    acc.scalar ??= new Map();
    for (const [name, v] of r.scalar) {
      const next = (acc.scalar.get(name) ?? 0) + sign * v;
      if (next === 0) acc.scalar.delete(name); else acc.scalar.set(name, next);
    }
  }
}

export function cloneResources(r: Resources): Resources {
  return { ...r, scalar: r.scalar ? new Map(r.scalar) : undefined };
}
