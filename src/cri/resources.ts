// Container resources -> CRI LinuxContainerResources, and a pod's QoS class, with the kubelet's
// arithmetic (pkg/kubelet/cm helpers and kuberuntime): cpu.shares from the CPU request (limit when
// there is no request; 2 when neither), CFS quota from the CPU limit over a 100 ms period (at
// least 1 ms), memory limit in bytes, oom_score_adj by QoS class.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD_US = 100_000;
export const MIN_QUOTA_US = 1000;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** a resource.Quantity in base units (cores, bytes); throws on malformed input */
export function quantityValue(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(q.trim());
  if (!m) throw new Error(`invalid quantity ${JSON.stringify(q)}`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * (BINARY[m[3] ?? ''] ?? DECIMAL[m[3] ?? ''] ?? 1);
}

/** milli-CPU, rounded up as resource.Quantity.MilliValue does */
export function milliValue(q: string | number): number {
  return Math.ceil(quantityValue(q) * 1000 - 1e-9);
}

/** Value(): bytes rounded up */
export function byteValue(q: string | number): number {
  return Math.ceil(quantityValue(q) - 1e-9);
}

export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu <= 0) return MIN_SHARES;
  const shares = Math.floor((milliCpu * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

export function milliCpuToQuota(milliCpu: number, periodUs = QUOTA_PERIOD_US): number {
  if (milliCpu <= 0) return 0;
  const quota = Math.floor((milliCpu * periodUs) / 1000);
  return Math.max(MIN_QUOTA_US, quota);
}

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

type ResourceList = Record<string, string | number>;

function lists(c: Container): { requests: ResourceList; limits: ResourceList } {
  const r = c.resources ?? {};
  const limits = { ...((r.limits ?? {}) as ResourceList) };
  // as the API server defaults it: a limit without a request requests the limit
  const requests = { ...limits, ...((r.requests ?? {}) as ResourceList) };
  return { requests, limits };
}

/** the pod's QoS class, as pkg/apis/core/v1/helper/qos computes it (cpu and memory only) */
export function podQosClass(pod: Pod): QosClass {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const { requests, limits } = lists(c);
    for (const res of ['cpu', 'memory']) {
      const req = requests[res];
      const lim = limits[res];
      if ((req !== undefined && quantityValue(req) !== 0) || (lim !== undefined && quantityValue(lim) !== 0)) anySet = true;
      if (lim === undefined || req === undefined || quantityValue(lim) !== quantityValue(req)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export interface ContainerResourceSettings {
  cpuShares: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj: number;
}

/**
 * oom_score_adj by QoS (pkg/kubelet/qos/policy.go): Guaranteed -997, BestEffort 1000, Burstable
 * 1000 - 1000*memoryRequest/nodeMemory clamped to 2..999. (containerd here runs with
 * restrict_oom_score_adj, so values below its own are raised to it.)
 */
export function oomScoreAdj(qos: QosClass, memoryRequestBytes: number, nodeMemoryBytes: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = 1000 - Math.floor((1000 * memoryRequestBytes) / Math.max(1, nodeMemoryBytes));
  return Math.min(999, Math.max(2, adj));
}

/** the CRI linux resources of one container */
export function linuxResources(c: Container, qos: QosClass, nodeMemoryBytes: number): ContainerResourceSettings {
  const { requests, limits } = lists(c);
  const cpuReq = requests['cpu'] !== undefined ? milliValue(requests['cpu']) : 0;
  const cpuLim = limits['cpu'] !== undefined ? milliValue(limits['cpu']) : 0;
  const out: ContainerResourceSettings = {
    cpuShares: milliCpuToShares(cpuReq === 0 && cpuLim !== 0 ? cpuLim : cpuReq),
    oomScoreAdj: oomScoreAdj(qos, requests['memory'] !== undefined ? byteValue(requests['memory']) : 0, nodeMemoryBytes),
  };
  if (limits['memory'] !== undefined && byteValue(limits['memory']) > 0) out.memoryLimitInBytes = byteValue(limits['memory']);
  if (cpuLim > 0) {
    out.cpuPeriod = QUOTA_PERIOD_US;
    out.cpuQuota = milliCpuToQuota(cpuLim, QUOTA_PERIOD_US);
  }
  return out;
}

/**
 * The pod's memory limit as the kubelet's pod cgroup gets it (cm.ResourceConfigForPod): only when
 * every container has one; the larger of the app containers' (and sidecars') sum and the largest
 * init container's. Undefined when some container is unlimited.
 */
export function podMemoryLimit(pod: Pod): number | undefined {
  const limitOf = (c: Container): number | undefined => {
    const l = lists(c).limits['memory'];
    const v = l !== undefined ? byteValue(l) : 0;
    return v > 0 ? v : undefined;
  };
  let sum = 0;
  let initMax = 0;
  for (const c of pod.spec?.containers ?? []) {
    const v = limitOf(c);
    if (v === undefined) return undefined;
    sum += v;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const v = limitOf(c);
    if (v === undefined) return undefined;
    if (c.restartPolicy === 'Always') sum += v;
    else initMax = Math.max(initMax, v);
  }
  return Math.max(sum, initMax);
}

/**
 * Size of a `medium: Memory` emptyDir (the kubelet's calculateEmptyDirMemorySize): the node's
 * allocatable memory, lowered to the pod's memory limit, lowered to the volume's sizeLimit (each
 * only when positive and smaller).
 */
export function emptyDirMemorySize(pod: Pod, sizeLimit: string | number | undefined, allocatableMemory: number): number {
  let size = allocatableMemory;
  const podLimit = podMemoryLimit(pod);
  if (podLimit !== undefined && podLimit > 0 && podLimit <= size) size = podLimit;
  if (sizeLimit !== undefined && sizeLimit !== null) {
    const v = byteValue(sizeLimit);
    if (v > 0 && v <= size) size = v;
  }
  return size;
}
