// The scheduler's view of the cluster (kube-scheduler's cache and snapshot in one, since a scheduling
// cycle runs synchronously on the event loop): nodes, the pods assigned to them — including
// "assumed" pods whose binding is decided but not yet observed — and namespace labels.
// Every change updates the affected NodeInfo's aggregates in O(size of the pod), never O(pods).
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { NodeInfo } from './nodeinfo.js';
import { LABEL_HOSTNAME, PodInfo, type Labels } from './podinfo.js';

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class Snapshot {
  private readonly infos = new Map<string, NodeInfo>();
  /** NodeInfos that have a Node object, in the order their nodes were added. */
  private readonly present = new Map<string, NodeInfo>();
  /** `present` interleaved by zone (kube-scheduler's nodeTree order), rebuilt when stale. */
  private list: NodeInfo[] = [];
  private listStale = false;
  private readonly podStates = new Map<string, PodState>();
  /**
   * Pods (by UID) with a required anti-affinity term on a topology wider than one node (any key but
   * kubernetes.io/hostname), with the node they are on. Hostname-scoped terms are checked per node.
   */
  readonly podsWithTopologyAntiAffinity = new Map<string, PodState>();
  /** How many pods have required anti-affinity terms of any topology. */
  numPodsWithRequiredAntiAffinity = 0;
  readonly namespaceLabels = new Map<string, Labels>();
  /** Where the next scheduling cycle starts evaluating nodes (kube-scheduler's nextStartNodeIndex). */
  nextStartNodeIndex = 0;

  /** Builds a snapshot from plain objects: pods with spec.nodeName are placed on their nodes. */
  static from(nodes: readonly Node[], pods: readonly Pod[] = []): Snapshot {
    const s = new Snapshot();
    for (const n of nodes) s.setNode(n);
    for (const p of pods) if (p.spec?.nodeName) s.addPod(p);
    return s;
  }

  /**
   * Nodes that exist (have a Node object), zones interleaved — one node of each zone in turn — so
   * that evaluating only a share of the nodes still sees every zone.
   */
  get nodes(): readonly NodeInfo[] {
    if (this.listStale) this.rebuildList();
    return this.list;
  }

  get numNodes(): number {
    return this.present.size;
  }

  private rebuildList(): void {
    const byZone = new Map<string, NodeInfo[]>();
    for (const ni of this.present.values()) {
      let zone = byZone.get(ni.zone);
      if (!zone) byZone.set(ni.zone, (zone = []));
      zone.push(ni);
    }
    const zones = [...byZone.values()];
    const list: NodeInfo[] = [];
    for (let i = 0; list.length < this.present.size; i++) for (const z of zones) if (i < z.length) list.push(z[i]);
    this.list = list;
    this.listStale = false;
  }

  get(nodeName: string): NodeInfo | undefined {
    const ni = this.infos.get(nodeName);
    return ni?.node ? ni : undefined;
  }

  namespaceLabelsOf = (ns: string): Labels | undefined => this.namespaceLabels.get(ns);

  /** Adds or replaces a node. */
  setNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    let ni = this.infos.get(name);
    if (!ni) this.infos.set(name, (ni = new NodeInfo(name)));
    const zone = ni.zone;
    ni.setNode(node);
    if (!this.present.has(name)) {
      this.present.set(name, ni);
      this.listStale = true;
    } else if (ni.zone !== zone) {
      this.listStale = true;
    }
    return ni;
  }

  removeNode(name: string): void {
    const ni = this.infos.get(name);
    if (!ni) return;
    if (this.present.delete(name)) this.listStale = true;
    // Pods still bound to a deleted node keep counting until they are deleted themselves.
    if (ni.podCount > 0) ni.setNode(undefined); else this.infos.delete(name);
  }

  private nodeInfoFor(name: string): NodeInfo {
    let ni = this.infos.get(name);
    if (!ni) this.infos.set(name, (ni = new NodeInfo(name)));
    return ni;
  }

  private place(info: PodInfo, nodeName: string, assumed: boolean): void {
    this.unplace(info.uid);
    const st: PodState = { info, nodeName, assumed };
    this.podStates.set(info.uid, st);
    this.nodeInfoFor(nodeName).addPod(info);
    if (info.requiredAntiAffinityTerms.length) this.numPodsWithRequiredAntiAffinity++;
    if (info.requiredAntiAffinityTerms.some((t) => t.topologyKey !== LABEL_HOSTNAME)) this.podsWithTopologyAntiAffinity.set(info.uid, st);
  }

  private unplace(uid: string): PodState | undefined {
    const st = this.podStates.get(uid);
    if (!st) return undefined;
    this.podStates.delete(uid);
    if (st.info.requiredAntiAffinityTerms.length) this.numPodsWithRequiredAntiAffinity--;
    this.podsWithTopologyAntiAffinity.delete(uid);
    const ni = this.infos.get(st.nodeName);
    if (ni) {
      ni.removePod(uid);
      if (!ni.node && ni.podCount === 0) this.infos.delete(st.nodeName);
    }
    return st;
  }

  /** An assigned pod observed from the API (add or update); confirms an assumed pod. */
  addPod(pod: Pod | PodInfo): PodInfo {
    const info = pod instanceof PodInfo ? pod : new PodInfo(pod);
    const nodeName = info.pod.spec?.nodeName;
    if (!nodeName) throw new Error(`pod ${info.key} has no spec.nodeName`);
    this.place(info, nodeName, false);
    return info;
  }

  /** A pod deleted (or finished) in the API, or a failed binding forgotten. */
  removePod(uid: string): void {
    this.unplace(uid);
  }

  /** Counts a pod on a node before its binding is observed, so the next cycles see it there. */
  assumePod(info: PodInfo, nodeName: string): void {
    if (this.podStates.has(info.uid)) throw new Error(`pod ${info.key} is already in the cache`);
    this.place(info, nodeName, true);
  }

  /** Drops an assumed pod whose binding failed. */
  forgetPod(uid: string): void {
    if (this.podStates.get(uid)?.assumed) this.unplace(uid);
  }

  isAssumed(uid: string): boolean {
    return this.podStates.get(uid)?.assumed ?? false;
  }

  has(uid: string): boolean {
    return this.podStates.has(uid);
  }

  nodeOf(uid: string): string | undefined {
    return this.podStates.get(uid)?.nodeName;
  }

  get numPods(): number {
    return this.podStates.size;
  }
}
