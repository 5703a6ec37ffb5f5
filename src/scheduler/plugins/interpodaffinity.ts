// InterPodAffinity (required terms): the node must be in a topology domain that has a pod matching
// all of the pod's affinity terms (or, for the first pod of a self-affine group, any domain with the
// topology labels), must not be in a domain with a pod matching one of its anti-affinity terms, and
// must not be in a domain where an existing pod's anti-affinity term matches the pod.
// Domain counts are computed once per cycle at PreFilter, as kube-scheduler does, except for
// anti-affinity on kubernetes.io/hostname, which is checked against the candidate node's own pods
// (a node is its own hostname domain): that keeps the common "one replica per node" rule O(pods on
// the node) instead of O(pods in the cluster).
import type { NodeInfo } from '../nodeinfo.js';
import { LABEL_HOSTNAME, termMatches, type AffinityTerm, type Labels, type PodInfo } from '../podinfo.js';
import { SKIP, unresolvable, unschedulable, type Plugin } from '../types.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

const KEY = 'PreFilterInterPodAffinity';
const AFFINITY_REJECTED = unresolvable(ERR_REASON_AFFINITY);
const ANTI_AFFINITY_REJECTED = unschedulable(ERR_REASON_ANTI_AFFINITY);
const EXISTING_REJECTED = unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);

type NamespaceLabels = (ns: string) => Labels | undefined;

/** Topology pair ("key\0value") -> number of matching pods. */
class Counts extends Map<string, number> {
  add(labels: Labels, topologyKey: string, delta: number): void {
    const v = labels[topologyKey];
    if (v === undefined) return;
    const k = `${topologyKey}\0${v}`;
    const n = (this.get(k) ?? 0) + delta;
    if (n === 0) this.delete(k); else this.set(k, n);
  }

  hasAny(topologyKey: string, value: string): boolean {
    return (this.get(`${topologyKey}\0${value}`) ?? 0) > 0;
  }
}

function matchesAll(terms: readonly AffinityTerm[], pod: PodInfo, ns: NamespaceLabels): boolean {
  if (!terms.length) return false;
  for (const t of terms) if (!termMatches(t, pod, ns)) return false;
  return true;
}

class State {
  existingAnti = new Counts();
  affinity = new Counts();
  anti = new Counts();
  constructor(
    readonly pod: PodInfo,
    readonly ns: NamespaceLabels,
    /** The pod's anti-affinity terms checked through domain counts / on the node itself. */
    readonly topologyAnti: readonly AffinityTerm[],
    readonly hostnameAnti: readonly AffinityTerm[],
  ) {}

  /** Adds (delta 1) or removes (-1) an existing pod's contribution on `node`. */
  update(other: PodInfo, node: NodeInfo, delta: number): void {
    for (const t of other.requiredAntiAffinityTerms) {
      if (t.topologyKey !== LABEL_HOSTNAME && termMatches(t, this.pod, this.ns)) this.existingAnti.add(node.labels, t.topologyKey, delta);
    }
    if (matchesAll(this.pod.requiredAffinityTerms, other, this.ns)) {
      for (const t of this.pod.requiredAffinityTerms) this.affinity.add(node.labels, t.topologyKey, delta);
    }
    for (const t of this.topologyAnti) if (termMatches(t, other, this.ns)) this.anti.add(node.labels, t.topologyKey, delta);
  }

  clone(): State {
    const c = new State(this.pod, this.ns, this.topologyAnti, this.hostnameAnti);
    c.existingAnti = copy(this.existingAnti);
    c.affinity = copy(this.affinity);
    c.anti = copy(this.anti);
    return c;
  }
}

function copy(m: Counts): Counts {
  const c = new Counts();
  for (const [k, v] of m) c.set(k, v);
  return c;
}

function satisfiesAffinity(s: State, node: NodeInfo): boolean {
  const terms = s.pod.requiredAffinityTerms;
  let podsExist = true;
  for (const t of terms) {
    const v = node.labels[t.topologyKey];
    if (v === undefined) return false;
    if (!s.affinity.hasAny(t.topologyKey, v)) podsExist = false;
  }
  // The first pod of a group with affinity to itself may go anywhere the topology labels exist.
  return podsExist || (s.affinity.size === 0 && matchesAll(terms, s.pod, s.ns));
}

function satisfiesAntiAffinity(s: State, node: NodeInfo): boolean {
  if (s.anti.size > 0) {
    for (const t of s.topologyAnti) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && s.anti.hasAny(t.topologyKey, v)) return false;
    }
  }
  if (s.hostnameAnti.length && node.labels[LABEL_HOSTNAME] !== undefined) {
    for (const other of node.pods.values()) for (const t of s.hostnameAnti) if (termMatches(t, other, s.ns)) return false;
  }
  return true;
}

function satisfiesExistingAntiAffinity(s: State, node: NodeInfo): boolean {
  if (s.existingAnti.size > 0) {
    for (const k in node.labels) if (s.existingAnti.hasAny(k, node.labels[k])) return false;
  }
  if (node.podsWithRequiredAntiAffinity.size && node.labels[LABEL_HOSTNAME] !== undefined) {
    for (const other of node.podsWithRequiredAntiAffinity.values()) {
      for (const t of other.requiredAntiAffinityTerms) if (t.topologyKey === LABEL_HOSTNAME && termMatches(t, s.pod, s.ns)) return false;
    }
  }
  return true;
}

export const InterPodAffinity: Plugin = {
  name: 'InterPodAffinity',
  events: ['NodeAdd', 'NodeLabelChange', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'],
  preFilter(state, pod, snapshot) {
    const own = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
    if (!own && snapshot.numPodsWithRequiredAntiAffinity === 0) return { status: SKIP };
    const hostnameAnti = pod.requiredAntiAffinityTerms.filter((t) => t.topologyKey === LABEL_HOSTNAME);
    const topologyAnti = pod.requiredAntiAffinityTerms.filter((t) => t.topologyKey !== LABEL_HOSTNAME);
    const s = new State(pod, snapshot.namespaceLabelsOf, topologyAnti, hostnameAnti);
    for (const { info, nodeName } of snapshot.podsWithTopologyAntiAffinity.values()) {
      const node = snapshot.get(nodeName);
      if (!node) continue;
      for (const t of info.requiredAntiAffinityTerms) {
        if (t.topologyKey !== LABEL_HOSTNAME && termMatches(t, pod, s.ns)) s.existingAnti.add(node.labels, t.topologyKey, 1);
      }
    }
    if (pod.requiredAffinityTerms.length || topologyAnti.length) {
      for (const node of snapshot.nodes) {
        for (const other of node.pods.values()) {
          if (matchesAll(pod.requiredAffinityTerms, other, s.ns)) for (const t of pod.requiredAffinityTerms) s.affinity.add(node.labels, t.topologyKey, 1);
          for (const t of topologyAnti) if (termMatches(t, other, s.ns)) s.anti.add(node.labels, t.topologyKey, 1);
        }
      }
    }
    state.write(KEY, s);
  },
  removePod(state, _pod, victim, node) {
    state.read<State>(KEY)?.update(victim, node, -1);
  },
  filter(state, _pod, node) {
    const s = state.read<State>(KEY);
    if (!s) return undefined;
    if (!satisfiesAffinity(s, node)) return AFFINITY_REJECTED;
    if (!satisfiesAntiAffinity(s, node)) return ANTI_AFFINITY_REJECTED;
    if (!satisfiesExistingAntiAffinity(s, node)) return EXISTING_REJECTED;
    return undefined;
  },
};
