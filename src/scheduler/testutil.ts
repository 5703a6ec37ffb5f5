// Builders of Node and Pod objects for the scheduler's tests and benchmarks.
import type { Affinity, Container, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { PodInfo } from './podinfo.js';
import type { Snapshot } from './snapshot.js';
import { CycleState, type Plugin, type Status } from './types.js';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  ephemeralStorage?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function makeNode(name: string, s: NodeSpec = {}): Node {
  const allocatable: Record<string, string> = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110', ...(s.extra ?? {}) };
  if (s.ephemeralStorage) allocatable['ephemeral-storage'] = s.ephemeralStorage;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { taints: s.taints, unschedulable: s.unschedulable },
    status: { allocatable, capacity: allocatable },
  };
}

export interface PodSpecLite {
  namespace?: string;
  uid?: string;
  cpu?: string;
  memory?: string;
  containers?: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  labels?: Record<string, string>;
  nodeName?: string;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  hostPorts?: number[];
  owner?: string;
  priority?: number;
  preemptionPolicy?: string;
  schedulerName?: string;
}

export function makePod(name: string, s: PodSpecLite = {}): Pod {
  const requests: Record<string, string> = {};
  if (s.cpu) requests.cpu = s.cpu;
  if (s.memory) requests.memory = s.memory;
  const containers: Container[] = s.containers ?? [{
    name: 'c',
    image: 'busybox',
    resources: Object.keys(requests).length ? { requests } : undefined,
    ports: s.hostPorts?.map((p) => ({ containerPort: p, hostPort: p })),
  }];
  const namespace = s.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: s.uid ?? `uid-${namespace}-${name}`,
      labels: s.labels,
      ownerReferences: s.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: s.owner, uid: `owner-${s.owner}`, controller: true }] : undefined,
    },
    spec: {
      containers,
      initContainers: s.initContainers,
      overhead: s.overhead,
      nodeName: s.nodeName,
      tolerations: s.tolerations,
      nodeSelector: s.nodeSelector,
      affinity: s.affinity,
      priority: s.priority,
      preemptionPolicy: s.preemptionPolicy,
      schedulerName: s.schedulerName,
    },
  };
}

/** A deterministic PRNG (mulberry32) for reproducible tie-breaking. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs one plugin's PreFilter then Filter for a pod on a node of the snapshot (Skip: passes). */
export function runFilter(plugin: Plugin, pod: Pod, nodeName: string, snapshot: Snapshot): Status | undefined {
  const state = new CycleState();
  const pi = new PodInfo(pod);
  const pre = plugin.preFilter?.(state, pi, snapshot);
  if (pre?.status?.code === 'Skip') return undefined;
  if (pre?.status) return pre.status;
  const node = snapshot.get(nodeName);
  if (!node) throw new Error(`no node ${nodeName}`);
  return plugin.filter?.(state, pi, node);
}

/** Runs one plugin's PreScore, Score and NormalizeScore over the snapshot's nodes (Skip: undefined). */
export function runScore(plugin: Plugin, pod: Pod, snapshot: Snapshot, normalize = true): number[] | undefined {
  const state = new CycleState();
  const pi = new PodInfo(pod);
  const nodes = snapshot.nodes;
  if (plugin.preScore?.(state, pi, nodes, snapshot)?.code === 'Skip') return undefined;
  const scores = nodes.map((n) => plugin.score!(state, pi, n));
  if (normalize) plugin.normalizeScore?.(state, pi, nodes, scores);
  return scores;
}
