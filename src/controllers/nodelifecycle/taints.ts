// Taints and tolerations as the node lifecycle and taint eviction controllers use them (after
// k8s.io/api/core/v1 toleration.go and pkg/util/taints), plus the one write they need: swapping
// taints on a Node with optimistic concurrency.
import { toleratesTaint } from '../../api/tolerations.js';
import type { Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject, ObjectMeta } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import type { KubeClient } from '../../client/client.js';
import { R } from '../../client/factory.js';

export type Obj<T> = T & KubeObject & { metadata: ObjectMeta };
export type NodeObj = Obj<Node>;
export type PodObj = Obj<Pod>;

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export { toleratesTaint };

export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';


/** GetMatchingTolerations: whether every taint is tolerated, and the tolerations used to do so. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  if (!taints.length) return { all: true, used: [] };
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** getMinTolerationTime in ms: the shortest tolerationSeconds, -1 when all tolerate forever. */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (!used.length) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

export function hasTaint(node: Node, key: string, effect: string): boolean {
  return !!node.spec?.taints?.some((t) => t.key === key && t.effect === effect);
}

export function hasTaintKey(node: Node, key: string): boolean {
  return !!node.spec?.taints?.some((t) => t.key === key);
}

export function nodeCondition(node: Node | undefined, type: string) {
  return node?.status?.conditions?.find((c) => c.type === type);
}

export function isNodeReady(node: Node | undefined): boolean {
  return nodeCondition(node, 'Ready')?.status === 'True';
}

/** metav1.Time as serialized: RFC 3339 in whole seconds, UTC. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * SwapNodeControllerTaint: adds `add` (stamped with timeAdded; a taint already there with the same key
 * and effect is kept as it is) and removes `remove` (matched by key and effect) in one write. Starts
 * from `cached` and re-reads the Node on conflicts. Returns false if the node is gone.
 */
export async function swapNodeTaints(client: KubeClient, nodeName: string, cached: Node | undefined, add: Taint[], remove: Taint[], nowMs: number): Promise<boolean> {
  let node = cached;
  for (let attempt = 0; ; attempt++) {
    try {
      node ??= await client.get<Node>(R.nodes, undefined, nodeName);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return false;
      throw err;
    }
    const cur = node.spec?.taints ?? [];
    const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
    let next = cur.filter((t) => !remove.some((r) => same(r, t)));
    for (const t of add) if (!next.some((x) => same(x, t))) next = [...next, { ...t, timeAdded: formatTime(nowMs) }];
    if (next.length === cur.length && next.every((t, i) => t === cur[i])) return true;
    const spec = { ...node.spec };
    if (next.length) spec.taints = next;
    else delete spec.taints;
    try {
      await client.update(R.nodes, undefined, nodeName, { ...node, spec });
      return true;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return false;
      if (!(err instanceof StatusError && err.code === 409) || attempt >= 5) throw err;
      node = undefined; // re-read and try again
    }
  }
}

/** Pods by the node they are bound to, kept in step with a pod informer's events. */
export class PodsByNode {
  private byNode = new Map<string, Map<string, PodObj>>();
  private nodeOf = new Map<string, string>();

  set(key: string, pod: PodObj): void {
    const node = pod.spec?.nodeName ?? '';
    const prev = this.nodeOf.get(key);
    if (prev !== undefined && prev !== node) this.remove(key);
    if (!node) return;
    let m = this.byNode.get(node);
    if (!m) this.byNode.set(node, (m = new Map()));
    m.set(key, pod);
    this.nodeOf.set(key, node);
  }

  remove(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const m = this.byNode.get(node);
    m?.delete(key);
    if (m && !m.size) this.byNode.delete(node);
  }

  on(node: string): PodObj[] {
    return [...(this.byNode.get(node)?.values() ?? [])];
  }

  keysOn(node: string): string[] {
    return [...(this.byNode.get(node)?.keys() ?? [])];
  }

  nodes(): string[] {
    return [...this.byNode.keys()];
  }
}
