// The node lifecycle controller (Kubernetes' node-lifecycle-controller, pkg/controller/nodelifecycle).
//
// A node's kubelet posts its conditions and renews its Lease in kube-node-lease. Every monitor period
// the controller checks, per node, when it last saw either heartbeat move (on its own clock); after
// the grace period without one it sets Ready, MemoryPressure, DiskPressure and PIDPressure to
// Unknown ("Kubelet stopped posting node status.") and marks the node's pods not Ready.
// Conditions become taints: NoSchedule ones as soon as a condition is seen (not-ready, unreachable,
// memory/disk/pid-pressure, network-unavailable, unschedulable), and NoExecute not-ready/unreachable
// ones through a rate-limited queue per zone, which stops altogether when every node of the cluster
// is down (then the problem is more likely the control plane than the nodes) and slows down when a
// large part of a zone is. The taint eviction controller then evicts the pods that do not tolerate
// the NoExecute taints (by default pods tolerate them for 300 s), and the pod garbage collector
// force-deletes pods whose node is gone. Both run inside this controller unless disabled.
import type { NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { StatusError } from '../../api/errors.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import {
  formatTime, hasTaint, nodeCondition, PodsByNode, swapNodeTaints,
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE,
  type NodeObj, type Obj, type PodObj,
} from './taints.js';
import { TaintEvictionController, type TaintEvictionOptions } from './tainteviction.js';
import { PodGCController, type PodGCOptions } from './podgc.js';

export { TaintEvictionController, type TaintEvictionOptions, TAINT_EVICTION_COMPONENT } from './tainteviction.js';
export { PodGCController, type PodGCOptions } from './podgc.js';
export {
  toleratesTaint, matchingTolerations, minTolerationMs,
  TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE, TAINT_OUT_OF_SERVICE,
} from './taints.js';

/** Kubernetes 1.32's defaults (kube-controller-manager flags). */
export const DEFAULTS = {
  /** --node-monitor-grace-period: 50 s since 1.32 (40 s before) */
  nodeMonitorGracePeriodMs: 50_000,
  /** --node-monitor-period */
  nodeMonitorPeriodMs: 5_000,
  /** --node-startup-grace-period: for a node that never posted a Ready condition */
  nodeStartupGracePeriodMs: 60_000,
  /** --node-eviction-rate: nodes tainted NoExecute per second, per zone */
  evictionLimiterQPS: 0.1,
  /** --secondary-node-eviction-rate: the rate in a partially disrupted zone of a large cluster */
  secondaryEvictionLimiterQPS: 0.01,
  /** --large-cluster-size-threshold */
  largeClusterThreshold: 50,
  /** --unhealthy-zone-threshold: share of not-Ready nodes (at least 3) that makes a zone partially disrupted */
  unhealthyZoneThreshold: 0.55,
  /** scheduler.NodeEvictionPeriod: how often the NoExecute tainting queues are worked */
  noExecuteTaintingPeriodMs: 100,
} as const;

export interface NodeLifecycleOptions {
  nodeMonitorGracePeriodMs?: number;
  nodeMonitorPeriodMs?: number;
  nodeStartupGracePeriodMs?: number;
  evictionLimiterQPS?: number;
  secondaryEvictionLimiterQPS?: number;
  largeClusterThreshold?: number;
  unhealthyZoneThreshold?: number;
  noExecuteTaintingPeriodMs?: number;
  /** clock (ms since epoch), for tests; passed on to the taint eviction controller and pod GC */
  now?: () => number;
  /** run the taint eviction controller inside this one (default true) */
  taintEviction?: boolean | TaintEvictionOptions;
  /** run the pod garbage collector inside this one (default true) */
  podGC?: boolean | PodGCOptions;
}

export const NODE_CONTROLLER_COMPONENT = 'node-controller';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

/** Condition type -> status -> the taint key it stands for (NoSchedule, and NoExecute for Ready). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));
const UNREACHABLE_NOEXECUTE: Taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };
const NOT_READY_NOEXECUTE: Taint = { key: TAINT_NOT_READY, effect: 'NoExecute' };
/** Labels whose beta twin the controller keeps in step (reconcileNodeLabels). */
const LABEL_TWINS: Array<[string, string]> = [['kubernetes.io/os', 'beta.kubernetes.io/os'], ['kubernetes.io/arch', 'beta.kubernetes.io/arch']];

type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** What the controller last saw of a node's heartbeats, and when (on its own clock). */
interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  /** the node's Ready condition as last seen (undefined: it had none) */
  ready: NodeCondition | undefined;
  /** the renewTime of the node's Lease as last seen */
  leaseRenewTime: string | undefined;
}

/** A token bucket with a burst of one (flowcontrol's TokenBucketRateLimiter, TryAccept only). */
class TokenBucket {
  private tokens = 1;
  private last: number;

  constructor(readonly qps: number, private readonly now: () => number, empty = false) {
    this.last = now();
    if (empty) this.tokens = 0;
  }

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const t = this.now();
    this.tokens = Math.min(1, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  saturated(): boolean {
    return this.qps <= 0 || this.tokens < 1;
  }
}

/**
 * RateLimitedTimedQueue: nodes waiting for their NoExecute taint, in order. A node stays in `members`
 * after it was tainted, so it is not queued again until it became reachable.
 */
class ZoneTainter {
  private items: Array<{ name: string; processAt: number }> = [];
  private members = new Set<string>();

  constructor(public limiter: TokenBucket) {}

  add(name: string, now: number): boolean {
    if (this.members.has(name)) return false;
    this.members.add(name);
    this.items.push({ name, processAt: now });
    return true;
  }

  remove(name: string): boolean {
    const had = this.members.delete(name);
    this.items = this.items.filter((i) => i.name !== name);
    return had;
  }

  swapLimiter(qps: number, now: () => number): void {
    if (qps === this.limiter.qps) return;
    // If we were waiting for a token, the new limiter starts empty too.
    this.limiter = new TokenBucket(qps, now, this.limiter.saturated());
  }

  /** Processes due items while the limiter allows; `fn` returns a retry delay (ms) on failure. */
  async work(now: () => number, fn: (name: string) => Promise<number | undefined>): Promise<void> {
    while (this.items.length) {
      if (!this.limiter.tryAccept()) return;
      const head = this.items[0]!;
      const t = now();
      if (t < head.processAt) return;
      const retry = await fn(head.name);
      if (this.items[0] !== head) continue; // removed meanwhile
      this.items.shift();
      if (retry !== undefined) {
        head.processAt = t + retry + 1;
        const at = this.items.findIndex((i) => i.processAt > head.processAt);
        this.items.splice(at < 0 ? this.items.length : at, 0, head);
      }
    }
  }
}

/** nodetopology.GetZoneKey: region and zone from the topology labels ('' when there are none). */
export function zoneKey(node: NodeObj): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region || zone ? `${region}:\x00:${zone}` : '';
}

export class NodeLifecycleController {
  readonly taintEviction: TaintEvictionController | undefined;
  readonly podGC: PodGCController | undefined;
  private readonly nodes: Informer<NodeObj>;
  private readonly pods: Informer<PodObj>;
  private readonly leases: Informer<Obj<Lease>>;
  private readonly byNode = new PodsByNode();
  private readonly health = new Map<string, NodeHealth>();
  private readonly known = new Map<string, NodeObj>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, ZoneTainter>();
  private readonly nodesToRetry = new Set<string>();
  private readonly nodeQueue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  private readonly podQueue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  private readonly events: EventRecorder;
  private readonly now: () => number;
  private readonly o: Required<Omit<NodeLifecycleOptions, 'now' | 'taintEviction' | 'podGC'>>;
  private monitorTimer: NodeJS.Timeout | undefined;
  private taintTimer: NodeJS.Timeout | undefined;
  private tainting = false;
  private stopped = false;

  constructor(private readonly factory: InformerFactory, opts: NodeLifecycleOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.o = {
      nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs ?? DEFAULTS.nodeMonitorGracePeriodMs,
      nodeMonitorPeriodMs: opts.nodeMonitorPeriodMs ?? DEFAULTS.nodeMonitorPeriodMs,
      nodeStartupGracePeriodMs: opts.nodeStartupGracePeriodMs ?? DEFAULTS.nodeStartupGracePeriodMs,
      evictionLimiterQPS: opts.evictionLimiterQPS ?? DEFAULTS.evictionLimiterQPS,
      secondaryEvictionLimiterQPS: opts.secondaryEvictionLimiterQPS ?? DEFAULTS.secondaryEvictionLimiterQPS,
      largeClusterThreshold: opts.largeClusterThreshold ?? DEFAULTS.largeClusterThreshold,
      unhealthyZoneThreshold: opts.unhealthyZoneThreshold ?? DEFAULTS.unhealthyZoneThreshold,
      noExecuteTaintingPeriodMs: opts.noExecuteTaintingPeriodMs ?? DEFAULTS.noExecuteTaintingPeriodMs,
    };
    this.events = new EventRecorder(factory.client, NODE_CONTROLLER_COMPONENT);
    this.nodes = factory.informer(R.nodes);
    this.pods = factory.informer(R.pods);
    this.leases = factory.informer(R.leases, { namespace: NODE_LEASE_NAMESPACE });
    this.nodes.on({
      add: (n) => this.nodeQueue.add(n.metadata.name ?? ''),
      update: (n) => this.nodeQueue.add(n.metadata.name ?? ''),
    });
    this.pods.on({
      add: (p) => { this.byNode.set(keyOf(p), p); if (p.spec?.nodeName) this.podQueue.add(keyOf(p)); },
      update: (p, old) => { this.byNode.set(keyOf(p), p); if (p.spec?.nodeName && p.spec.nodeName !== old.spec?.nodeName) this.podQueue.add(keyOf(p)); },
      delete: (p) => this.byNode.remove(keyOf(p)),
    });
    if (opts.taintEviction !== false) {
      this.taintEviction = new TaintEvictionController(factory, { now: opts.now, ...(typeof opts.taintEviction === 'object' ? opts.taintEviction : {}) });
    }
    if (opts.podGC !== false) {
      this.podGC = new PodGCController(factory, { now: opts.now, ...(typeof opts.podGC === 'object' ? opts.podGC : {}) });
    }
  }

  /** Waits for the informers (start the factory too), then monitors. */
  async start(): Promise<void> {
    await Promise.all([this.nodes.waitForSync(), this.pods.waitForSync(), this.leases.waitForSync()]);
    if (this.stopped) return;
    const log = (what: string) => (key: string, err: unknown) => console.error(`node lifecycle (${what}): ${key}: ${(err as Error).message}`);
    this.nodeQueue.run(4, (name) => this.reconcileNode(name), log('node'));
    this.podQueue.run(2, (key) => this.processPod(key), log('pod'));
    const monitor = async () => {
      try {
        await this.monitorNodeHealth();
      } catch (err) {
        console.error(`node lifecycle: monitoring node health: ${(err as Error).message}`);
      }
      if (!this.stopped) this.monitorTimer = setTimeout(() => void monitor(), this.o.nodeMonitorPeriodMs);
    };
    void monitor();
    this.taintTimer = setInterval(() => void this.doNoExecuteTaintingPass(), this.o.noExecuteTaintingPeriodMs);
    await Promise.all([this.taintEviction?.start(), this.podGC?.start()]);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.monitorTimer);
    clearInterval(this.taintTimer);
    this.nodeQueue.shutdown();
    this.podQueue.shutdown();
    this.taintEviction?.stop();
    this.podGC?.stop();
  }

  // ------------------------------------------------------------------ NoSchedule taints and labels

  /** doNoScheduleTaintingPass + reconcileNodeLabels for one node (level-triggered). */
  async reconcileNode(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const desired: Taint[] = [];
    for (const c of node.status?.conditions ?? []) {
      const key = CONDITION_TAINTS[c.type]?.[c.status];
      if (key) desired.push({ key, effect: 'NoSchedule' });
    }
    if (node.spec?.unschedulable) desired.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
    const current = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)));
    const toAdd = desired.filter((d) => !current.some((c) => c.key === d.key));
    const toDel = current.filter((c) => !desired.some((d) => d.key === c.key));
    if (toAdd.length || toDel.length) await swapNodeTaints(this.factory.client, name, node, toAdd, toDel, this.now());

    const labels = node.metadata.labels ?? {};
    const patch: Record<string, string> = {};
    for (const [primary, secondary] of LABEL_TWINS) {
      if (labels[primary] !== undefined && labels[secondary] !== labels[primary]) patch[secondary] = labels[primary]!;
    }
    if (Object.keys(patch).length) {
      try {
        await this.factory.client.patch(R.nodes, undefined, name, 'merge', { metadata: { labels: patch } });
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
  }

  // ------------------------------------------------------------------ health monitoring

  /** monitorNodeHealth: one pass over all nodes. */
  async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    const seen = new Set<string>();
    const added: NodeObj[] = [];
    for (const n of nodes) {
      const name = n.metadata.name ?? '';
      seen.add(name);
      if (!this.known.has(name)) added.push(n);
      else this.ensureZone(n);
    }
    for (const n of added) {
      this.nodeEvent(n, 'Normal', 'RegisteredNode', `Node ${n.metadata.name} event: Registered Node ${n.metadata.name} in Controller`);
      this.known.set(n.metadata.name ?? '', n);
      this.ensureZone(n);
      await this.markNodeAsReachable(n).catch((err) => console.error(`node lifecycle: removing taints from ${n.metadata.name}: ${(err as Error).message}`));
    }
    for (const [name, n] of this.known) {
      if (seen.has(name)) continue;
      this.nodeEvent(n, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
      this.nodesToRetry.delete(name);
    }

    const zoneConditions = new Map<string, Array<NodeCondition | undefined>>();
    await parallel(nodes, 8, async (node) => {
      const name = node.metadata.name ?? '';
      let cur = node;
      let result: { observed: NodeCondition; current: NodeCondition | undefined } | undefined;
      for (let attempt = 0; attempt < 5 && !result; attempt++) {
        try {
          result = await this.tryUpdateNodeHealth(cur);
        } catch {
          await sleep(20);
          try {
            cur = await this.factory.client.get<NodeObj>(R.nodes, undefined, name);
          } catch {
            return; // probably deleted
          }
        }
      }
      if (!result) {
        console.error(`node lifecycle: could not update the health of node ${name}; no pods will be evicted`);
        return;
      }
      const { observed, current } = result;
      if (!(EXCLUDE_DISRUPTION_LABEL in (cur.metadata.labels ?? {}))) {
        const z = zoneKey(cur);
        let list = zoneConditions.get(z);
        if (!list) zoneConditions.set(z, (list = []));
        list.push(current);
      }
      if (current) {
        await this.processTaintBasedEviction(cur, observed).catch((err) => console.error(`node lifecycle: tainting ${name}: ${(err as Error).message}`));
        const becameNotReady = current.status !== 'True' && observed.status === 'True';
        if (becameNotReady) this.nodeEvent(cur, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        if (becameNotReady || (this.nodesToRetry.has(name) && observed.status !== 'True')) {
          try {
            await this.markPodsNotReady(this.byNode.on(name), name);
          } catch (err) {
            console.error(`node lifecycle: marking the pods of ${name} not ready: ${(err as Error).message}; will retry`);
            this.nodesToRetry.add(name);
            return;
          }
        }
      }
      this.nodesToRetry.delete(name);
    });
    await this.handleDisruption(zoneConditions, nodes);
  }

  /**
   * tryUpdateNodeHealth: updates what we know of the node's heartbeats and, when none came for the
   * grace period, sets its conditions to Unknown. Returns the Ready condition as it was (observed)
   * and as it is now (current).
   */
  private async tryUpdateNodeHealth(node: NodeObj): Promise<{ observed: NodeCondition; current: NodeCondition | undefined }> {
    const name = node.metadata.name ?? '';
    const now = this.now();
    let health = this.health.get(name);
    let currentReady = nodeCondition(node, 'Ready');
    let observed: NodeCondition;
    let grace: number;
    if (!currentReady) {
      // The kubelet never posted status: count from the node's creation, with the startup grace.
      const created = node.metadata.creationTimestamp ?? formatTime(now);
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: created };
      grace = this.o.nodeStartupGracePeriodMs;
      const createdMs = Date.parse(created);
      health = health ? { ...health, ready: undefined } : { probeTimestamp: createdMs, readyTransitionTimestamp: createdMs, ready: undefined, leaseRenewTime: undefined };
    } else {
      observed = { ...currentReady };
      grace = this.o.nodeMonitorGracePeriodMs;
    }
    const saved = health?.ready;
    if (!health) {
      health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: currentReady && { ...currentReady }, leaseRenewTime: undefined };
    } else if (!saved && currentReady) {
      health = { ...health, probeTimestamp: now, readyTransitionTimestamp: now, ready: { ...currentReady } };
    } else if (saved && currentReady && saved.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
      // A new status heartbeat; a new transition time means Ready changed since we last looked.
      const transition = saved.lastTransitionTime !== currentReady.lastTransitionTime ? now : health.readyTransitionTimestamp;
      health = { ...health, probeTimestamp: now, readyTransitionTimestamp: transition, ready: { ...currentReady } };
    }
    // A renewed Lease counts as a heartbeat too.
    const renew = this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`)?.spec?.renewTime;
    if (renew && (!health.leaseRenewTime || Date.parse(health.leaseRenewTime) < Date.parse(renew))) {
      health = { ...health, leaseRenewTime: renew, probeTimestamp: now };
    }
    this.health.set(name, health);

    if (now > health.probeTimestamp + grace) {
      const conditions: NodeCondition[] = deepClone([...(node.status?.conditions ?? [])]);
      const nowStr = formatTime(now);
      for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
        // NetworkUnavailable is managed by the network, not the kubelet: left as it is.
        const i = conditions.findIndex((c) => c.type === type);
        if (i < 0) {
          conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: nowStr });
        } else if (conditions[i]!.status !== 'Unknown') {
          conditions[i] = { ...conditions[i]!, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: nowStr };
        }
      }
      const next = { ...node, status: { ...node.status, conditions } };
      currentReady = conditions.find((c) => c.type === 'Ready');
      if (!deepEqual(currentReady, observed)) {
        await this.factory.client.update(R.nodes, undefined, name, next, 'status');
        this.health.set(name, { ...health, readyTransitionTimestamp: now, ready: currentReady && { ...currentReady } });
      }
    }
    return { observed, current: currentReady };
  }

  /** processTaintBaseEviction: queue the NoExecute taint the Ready condition calls for, or clear them. */
  private async processTaintBasedEviction(node: NodeObj, observed: NodeCondition): Promise<void> {
    const client = this.factory.client;
    const name = node.metadata.name ?? '';
    switch (observed.status) {
      case 'False':
        // Unreachable -> not ready: swap at once, no need to queue.
        if (hasTaint(node, TAINT_UNREACHABLE, 'NoExecute')) await swapNodeTaints(client, name, node, [NOT_READY_NOEXECUTE], [UNREACHABLE_NOEXECUTE], this.now());
        else this.tainter(node).add(name, this.now());
        break;
      case 'Unknown':
        if (hasTaint(node, TAINT_NOT_READY, 'NoExecute')) await swapNodeTaints(client, name, node, [UNREACHABLE_NOEXECUTE], [NOT_READY_NOEXECUTE], this.now());
        else this.tainter(node).add(name, this.now());
        break;
      case 'True':
        await this.markNodeAsReachable(node);
        break;
    }
  }

  /** Removes the NoExecute not-ready/unreachable taints and forgets the node in its zone's queue. */
  private async markNodeAsReachable(node: NodeObj): Promise<void> {
    if (hasTaint(node, TAINT_UNREACHABLE, 'NoExecute') || hasTaint(node, TAINT_NOT_READY, 'NoExecute')) {
      await swapNodeTaints(this.factory.client, node.metadata.name ?? '', node, [], [UNREACHABLE_NOEXECUTE, NOT_READY_NOEXECUTE], this.now());
    }
    this.tainters.get(zoneKey(node))?.remove(node.metadata.name ?? '');
  }

  private ensureZone(node: NodeObj): void {
    const z = zoneKey(node);
    if (this.zoneStates.has(z)) return;
    this.zoneStates.set(z, 'Initial');
    if (!this.tainters.has(z)) this.tainters.set(z, new ZoneTainter(new TokenBucket(this.o.evictionLimiterQPS, this.now)));
  }

  private tainter(node: NodeObj): ZoneTainter {
    this.ensureZone(node);
    return this.tainters.get(zoneKey(node))!;
  }

  /** doNoExecuteTaintingPass: works the zone queues within their rate limits. */
  private async doNoExecuteTaintingPass(): Promise<void> {
    if (this.tainting || this.stopped) return;
    this.tainting = true;
    try {
      for (const t of this.tainters.values()) {
        await t.work(this.now, async (name) => {
          const node = this.nodes.get(name);
          if (!node) return undefined;
          const ready = nodeCondition(node, 'Ready');
          if (!ready) return 50;
          // not-ready and unreachable mirror the Ready condition: one excludes the other.
          let add: Taint;
          let remove: Taint;
          if (ready.status === 'False') { add = NOT_READY_NOEXECUTE; remove = UNREACHABLE_NOEXECUTE; }
          else if (ready.status === 'Unknown') { add = UNREACHABLE_NOEXECUTE; remove = NOT_READY_NOEXECUTE; }
          else return undefined; // ready again
          try {
            await swapNodeTaints(this.factory.client, name, node, [add], [remove], this.now());
            return undefined;
          } catch (err) {
            console.error(`node lifecycle: tainting ${name}: ${(err as Error).message}`);
            return 0;
          }
        });
      }
    } finally {
      this.tainting = false;
    }
  }

  /** handleDisruption: adjusts the zones' tainting rates to how many of their nodes are down. */
  private async handleDisruption(zoneConditions: Map<string, Array<NodeCondition | undefined>>, nodes: NodeObj[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conds] of zoneConditions) {
      const state = this.computeZoneState(conds);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) { this.zoneStates.delete(zone); continue; }
      if (state !== 'FullDisruption') { allWasFullyDisrupted = false; break; }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      // Every node is down: more likely our view of them than the nodes. Evict nothing.
      for (const n of nodes) await this.markNodeAsReachable(n).catch(() => undefined);
      for (const zone of this.zoneStates.keys()) {
        this.tainters.get(zone)?.swapLimiter(0, this.now);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFullyDisrupted) {
      // Back from a full disruption: give every node a fresh grace period.
      const now = this.now();
      for (const n of nodes) {
        const h = this.health.get(n.metadata.name ?? '');
        if (h) this.health.set(n.metadata.name ?? '', { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
      }
      for (const zone of this.zoneStates.keys()) {
        const st = newStates.get(zone) ?? 'Normal';
        this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, st);
        this.zoneStates.set(zone, st);
      }
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const st = newStates.get(zone);
      if (!st || st === state) continue;
      this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, st);
      this.zoneStates.set(zone, st);
    }
  }

  private computeZoneState(conds: Array<NodeCondition | undefined>): ZoneState {
    let ready = 0;
    let notReady = 0;
    for (const c of conds) if (c?.status === 'True') ready++; else notReady++;
    if (ready === 0 && notReady > 0) return 'FullDisruption';
    if (notReady > 2 && notReady / (notReady + ready) >= this.o.unhealthyZoneThreshold) return 'PartialDisruption';
    return 'Normal';
  }

  private setLimiterInZone(zone: string, size: number, state: ZoneState): void {
    const t = this.tainters.get(zone);
    if (!t) return;
    if (state === 'Normal' || state === 'FullDisruption') t.swapLimiter(this.o.evictionLimiterQPS, this.now);
    else if (state === 'PartialDisruption') t.swapLimiter(size > this.o.largeClusterThreshold ? this.o.secondaryEvictionLimiterQPS : 0, this.now);
  }

  // ------------------------------------------------------------------ pods

  /** processPod: a pod newly bound to a node that is not Ready is marked not Ready at once. */
  async processPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const health = this.health.get(nodeName);
    if (!health || !this.nodes.get(nodeName)) return;
    if (health.ready && health.ready.status !== 'True') await this.markPodsNotReady([pod], nodeName);
  }

  /** MarkPodsNotReady: the Ready condition of each pod goes False. */
  private async markPodsNotReady(pods: PodObj[], nodeName: string): Promise<void> {
    const errs: string[] = [];
    for (const pod of pods) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const conditions = pod.status?.conditions ?? [];
      const i = conditions.findIndex((c) => c.type === 'Ready');
      if (i < 0 || conditions[i]!.status === 'False') continue;
      const next = [...conditions];
      next[i] = { ...conditions[i]!, status: 'False', lastTransitionTime: formatTime(this.now()) };
      try {
        await this.factory.client.update(R.pods, pod.metadata.namespace, pod.metadata.name ?? '', { ...pod, status: { ...pod.status, conditions: next } }, 'status');
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) continue;
        errs.push(`${keyOf(pod)}: ${(err as Error).message}`);
        continue;
      }
      void this.events.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    if (errs.length) throw new Error(errs.join('; '));
  }

  private nodeEvent(node: NodeObj, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.events.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } }, type, reason, message);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function parallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}
