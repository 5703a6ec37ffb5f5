// The scheduling framework's vocabulary: statuses, the per-cycle state, cluster events, the plugin
// interface (one object, any subset of extension points) and profiles.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from './nodeinfo.js';
import type { PodInfo } from './podinfo.js';
import type { Snapshot } from './snapshot.js';

export const MAX_NODE_SCORE = 100;

/** A non-success outcome; success is `undefined`. */
export type StatusCode = 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

export interface Status {
  readonly code: StatusCode;
  readonly reasons: readonly string[];
}

export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) as readonly string[] });

export function unschedulable(...reasons: string[]): Status {
  return Object.freeze({ code: 'Unschedulable', reasons: Object.freeze(reasons) });
}

export function unresolvable(...reasons: string[]): Status {
  return Object.freeze({ code: 'UnschedulableAndUnresolvable', reasons: Object.freeze(reasons) });
}

/** Status.Message(): the reasons joined with ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

/** Per-cycle storage shared by a profile's plugins (framework.CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  /** A copy for what-if evaluation; values with a `clone()` method are cloned. */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) {
      const cl = (v as { clone?: () => unknown } | null)?.clone;
      c.data.set(k, typeof cl === 'function' ? cl.call(v) : v);
    }
    for (const k of this.skipFilter) c.skipFilter.add(k);
    for (const k of this.skipScore) c.skipScore.add(k);
    return c;
  }
}

/** Node -> status of the filter that rejected it, plus one status for nodes not evaluated at all. */
export class NodeToStatus {
  private readonly map = new Map<string, Status>();
  absent: Status | undefined;

  set(node: string, s: Status): void {
    this.map.set(node, s);
  }

  get(node: string): Status | undefined {
    return this.map.get(node) ?? this.absent;
  }

  get size(): number {
    return this.map.size;
  }

  entries(): IterableIterator<[string, Status]> {
    return this.map.entries();
  }
}

/** Changes in the cluster that can make a rejected pod schedulable (queueing hints, coarse-grained). */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeAllocatableChange'
  | 'NodeLabelChange'
  | 'NodeTaintChange'
  | 'NodeSpecUnschedulableChange'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete';

export interface PreFilterResult {
  status?: Status;
  /** Only these nodes can fit (e.g. node affinity to metadata.name); undefined means all. */
  nodeNames?: ReadonlySet<string>;
}

export interface PostFilterResult {
  /** Appended to the failure message (Diagnosis.PostFilterMsg). */
  message?: string;
  /** A node where the pod would fit once lower-priority pods are evicted. */
  nominatedNodeName?: string;
}

/** What a PostFilter plugin may ask of the framework running it. */
export interface FrameworkHandle {
  readonly snapshot: Snapshot;
  /** Runs the profile's filters on one node: the first rejecting status, or undefined if it fits. */
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
  /** Tells the PreFilter plugins' state that `victim` is gone from `node` (PreFilterExtensions.RemovePod). */
  removePod(state: CycleState, pod: PodInfo, victim: PodInfo, node: NodeInfo): void;
}

/** What a Bind plugin may use: the API calls of the scheduler running it. */
export interface BindHandle {
  bind(pod: Pod, nodeName: string): Promise<void>;
}

/**
 * A scheduling plugin: a name and any subset of the extension points. Methods are called in the order
 * the profile lists the plugins. Filters and scores are called once per node and must be cheap.
 */
export interface Plugin {
  readonly name: string;
  /** Events after which a pod this plugin rejected is worth retrying; undefined: any event. */
  readonly events?: readonly ClusterEvent[];
  preFilter?(state: CycleState, pod: PodInfo, snapshot: Snapshot): PreFilterResult | void;
  /** PreFilterExtensions.RemovePod: keep PreFilter state right when a pod is removed in a what-if. */
  removePod?(state: CycleState, pod: PodInfo, victim: PodInfo, node: NodeInfo): void;
  filter?(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
  postFilter?(state: CycleState, pod: PodInfo, statuses: NodeToStatus, fw: FrameworkHandle): PostFilterResult;
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status | void;
  score?(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rewrites `scores` (aligned with `nodes`) into 0..MAX_NODE_SCORE. */
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void;
  reserve?(state: CycleState, pod: PodInfo, nodeName: string, snapshot: Snapshot): Status | void;
  unreserve?(state: CycleState, pod: PodInfo, nodeName: string, snapshot: Snapshot): void;
  /** Binds the pod; return SKIP to let the next Bind plugin do it. */
  bind?(pod: Pod, nodeName: string, handle: BindHandle): Promise<Status | void>;
}

export interface PluginEntry {
  readonly plugin: Plugin;
  /** Weight of the plugin's score (default 1). */
  readonly weight?: number;
}

export interface Profile {
  /** Pods whose spec.schedulerName is this (or unset, for "default-scheduler") use the profile. */
  readonly schedulerName: string;
  readonly plugins: readonly PluginEntry[];
  /** Percentage of nodes to find feasible before scoring; 0 or unset: adaptive, as kube-scheduler. */
  readonly percentageOfNodesToScore?: number;
}
