// Per-node aggregates (framework.NodeInfo), kept up to date incrementally as pods are added and
// removed so that a filter or score never has to walk the pods on a node: requested and "non-zero"
// requested resources, used host ports, pods per controlling owner, pods with anti-affinity.
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { addResources, cloneResources, emptyResources, nodeAllocatable, type Resources } from './resources.js';
import { DEFAULT_BIND_ALL_HOST_IP, type HostPort, type Labels, type PodInfo } from './podinfo.js';

const NO_TAINTS: readonly Taint[] = [];

export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';
const LABEL_ZONE_BETA = 'failure-domain.beta.kubernetes.io/zone';
const LABEL_REGION_BETA = 'failure-domain.beta.kubernetes.io/region';

/** utilnode.GetZoneKey: "region:\0:zone", or "" when the node has neither label. */
export function zoneKey(labels: Labels): string {
  const zone = labels[LABEL_ZONE] ?? labels[LABEL_ZONE_BETA] ?? '';
  const region = labels[LABEL_REGION] ?? labels[LABEL_REGION_BETA] ?? '';
  return zone === '' && region === '' ? '' : `${region}:\0:${zone}`;
}

export class NodeInfo {
  node: Node | undefined;
  labels: Labels = {};
  /** The node's zone key (region and zone labels), "" without them. */
  zone = '';
  taints: readonly Taint[] = NO_TAINTS;
  unschedulable = false;
  allocatable: Resources = emptyResources();
  allowedPodNumber = 0;
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 };
  readonly pods = new Map<string, PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Map<string, PodInfo>();
  /** `protocol/port` -> host IP -> number of pods using it. */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** Controlling owner UID -> number of non-terminating pods it owns here. */
  readonly ownerCounts = new Map<string, number>();
  /** Bumped on every change. */
  generation = 0;

  constructor(readonly name: string, node?: Node) {
    if (node) this.setNode(node);
  }

  setNode(node: Node | undefined): void {
    this.node = node;
    this.labels = node?.metadata?.labels ?? {};
    this.zone = zoneKey(this.labels);
    this.taints = node?.spec?.taints ?? NO_TAINTS;
    this.unschedulable = !!node?.spec?.unschedulable;
    const a = nodeAllocatable(node?.status?.allocatable);
    this.allocatable = a.resources;
    this.allowedPodNumber = a.pods;
    this.generation++;
  }

  get podCount(): number {
    return this.pods.size;
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.uid)) this.removePod(pi.uid);
    this.pods.set(pi.uid, pi);
    this.update(pi, 1);
  }

  removePod(uid: string): PodInfo | undefined {
    const pi = this.pods.get(uid);
    if (!pi) return undefined;
    this.pods.delete(uid);
    this.update(pi, -1);
    return pi;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    addResources(this.requested, pi.requests, sign);
    this.nonZeroRequested.milliCPU += sign * pi.nonZeroRequests.milliCPU;
    this.nonZeroRequested.memory += sign * pi.nonZeroRequests.memory;
    for (const p of pi.hostPorts) this.updatePort(p, sign);
    if (pi.ownerKey && !pi.terminating) {
      const n = (this.ownerCounts.get(pi.ownerKey) ?? 0) + sign;
      if (n === 0) this.ownerCounts.delete(pi.ownerKey); else this.ownerCounts.set(pi.ownerKey, n);
    }
    if (pi.requiredAntiAffinityTerms.length) {
      if (sign > 0) this.podsWithRequiredAntiAffinity.set(pi.uid, pi); else this.podsWithRequiredAntiAffinity.delete(pi.uid);
    }
    this.generation++;
  }

  private updatePort(p: HostPort, sign: 1 | -1): void {
    const k = `${p.protocol}/${p.port}`;
    let ips = this.usedPorts.get(k);
    if (!ips) this.usedPorts.set(k, (ips = new Map()));
    const n = (ips.get(p.ip) ?? 0) + sign;
    if (n <= 0) ips.delete(p.ip); else ips.set(p.ip, n);
    if (ips.size === 0) this.usedPorts.delete(k);
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every IP on the same protocol/port. */
  portConflicts(p: HostPort): boolean {
    const ips = this.usedPorts.get(`${p.protocol}/${p.port}`);
    if (!ips) return false;
    if (p.ip === DEFAULT_BIND_ALL_HOST_IP) return ips.size > 0;
    return ips.has(p.ip) || ips.has(DEFAULT_BIND_ALL_HOST_IP);
  }

  /** A copy whose aggregates can be changed without touching this one (preemption dry runs). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.zone = this.zone;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatable = this.allocatable;
    c.allowedPodNumber = this.allowedPodNumber;
    Object.assign(c.requested, cloneResources(this.requested));
    Object.assign(c.nonZeroRequested, this.nonZeroRequested);
    for (const [k, v] of this.pods) c.pods.set(k, v);
    for (const [k, v] of this.podsWithRequiredAntiAffinity) c.podsWithRequiredAntiAffinity.set(k, v);
    for (const [k, v] of this.usedPorts) c.usedPorts.set(k, new Map(v));
    for (const [k, v] of this.ownerCounts) c.ownerCounts.set(k, v);
    c.generation = this.generation;
    return c;
  }
}
