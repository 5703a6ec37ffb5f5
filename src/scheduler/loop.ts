// The scheduling loop, independent of how the cluster is observed and written to: feed it pod, node
// and namespace events (from informers, or directly in tests) and give it a SchedulerApi; it keeps
// the snapshot and the queue, schedules one pod at a time on the event loop (in slices of at most
// ~20 ms), assumes each chosen placement at once so the next pods see it, binds asynchronously, and
// reports pods that do not fit (PodScheduled=False condition and a FailedScheduling event).
import type { Namespace, Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../api/object.js';
import { fitErrorMessage, newDiagnosis, truncateEventMessage } from './fiterror.js';
import { schedulePod } from './framework.js';
import { PodInfo } from './podinfo.js';
import { defaultProfile, DEFAULT_SCHEDULER_NAME } from './profile.js';
import { SchedulingQueue, type QueuedPod } from './queue.js';
import { Snapshot } from './snapshot.js';
import { statusMessage, type BindHandle, type ClusterEvent, type CycleState, type Plugin, type Profile } from './types.js';

/** The writes the scheduler makes to the API. */
export interface SchedulerApi extends BindHandle {
  /** POST pods/<name>/binding. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Sets the pod's PodScheduled condition (PATCH of the status subresource). */
  setPodCondition(pod: Pod, condition: PodCondition): Promise<void>;
  /** Records an Event about the pod. */
  recordEvent(pod: Pod, event: SchedulerEvent): Promise<void>;
}

export interface SchedulerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface SchedulerLoopOptions {
  profile?: Profile;
  /** podInitialBackoffSeconds, in ms (default 1000). */
  podInitialBackoffMs?: number;
  /** podMaxBackoffSeconds, in ms (default 10000). */
  podMaxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration, in ms (default 5 minutes). */
  podMaxInUnschedulableMs?: number;
  /** Tie-breaking between equally good nodes (default Math.random). */
  random?: () => number;
  /** Record a "Scheduled" event for each bound pod, as kube-scheduler does (default true). */
  recordScheduledEvents?: boolean;
  /** Where errors of background API calls go (default console.error). */
  onError?: (err: unknown, what: string) => void;
  now?: () => Date;
}

export const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

/** metav1.Time's wire form: RFC 3339 in seconds. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function keyOf(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

const isAssigned = (p: Pod): boolean => !!p.spec?.nodeName;
const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isGated = (p: Pod): boolean => (p.spec?.schedulingGates?.length ?? 0) > 0;

/** nodeSchedulingPropertiesChange: which scheduling-relevant parts of a node changed. */
export function nodeChanges(old: Node, cur: Node): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!deepEqual(old.status?.allocatable, cur.status?.allocatable)) out.push('NodeAllocatableChange');
  if (!deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {})) out.push('NodeLabelChange');
  if (!deepEqual(old.spec?.taints ?? [], cur.spec?.taints ?? [])) out.push('NodeTaintChange');
  if (!!old.spec?.unschedulable !== !!cur.spec?.unschedulable) out.push('NodeSpecUnschedulableChange');
  return out;
}

interface InFlight {
  qp: QueuedPod;
  info: PodInfo;
  nodeName: string;
}

export class SchedulerLoop {
  readonly snapshot = new Snapshot();
  readonly queue: SchedulingQueue;
  readonly profile: Profile;
  readonly stats = { attempts: 0, scheduled: 0, unschedulable: 0, errors: 0 };
  private readonly inflight = new Map<string, InFlight>();
  private readonly reservePlugins: readonly Plugin[];
  private readonly bindPlugins: readonly Plugin[];
  private running = false;
  private pumpScheduled = false;
  private pendingWrites = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly api: SchedulerApi, private readonly opts: SchedulerLoopOptions = {}) {
    this.profile = opts.profile ?? defaultProfile();
    const plugins = this.profile.plugins.map((e) => e.plugin);
    this.reservePlugins = plugins.filter((p) => p.reserve || p.unreserve);
    this.bindPlugins = plugins.filter((p) => p.bind);
    this.queue = new SchedulingQueue({
      initialBackoffMs: opts.podInitialBackoffMs,
      maxBackoffMs: opts.podMaxBackoffMs,
      maxUnschedulableMs: opts.podMaxInUnschedulableMs,
      pluginEvents: new Map(plugins.map((p) => [p.name, p.events])),
      onReady: () => this.pump(),
    });
  }

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === this.profile.schedulerName;
  }

  // ---- cluster events -------------------------------------------------------------------------

  onPodAdd(pod: Pod): void {
    this.onPodUpdate(pod, undefined);
  }

  onPodUpdate(pod: Pod, old: Pod | undefined): void {
    const key = keyOf(pod);
    const uid = pod.metadata?.uid ?? key;
    if (isAssigned(pod)) {
      this.queue.delete(key);
      if (isTerminal(pod)) {
        // Finished pods no longer hold resources on their node.
        if (this.snapshot.has(uid) && !this.snapshot.isAssumed(uid)) {
          this.snapshot.removePod(uid);
          this.queue.moveOnEvent('AssignedPodDelete');
        }
        return;
      }
      const wasKnown = this.snapshot.has(uid) && !this.snapshot.isAssumed(uid);
      this.snapshot.addPod(pod);
      if (!wasKnown || !old || !isAssigned(old)) this.queue.moveOnEvent('AssignedPodAdd');
      else if (!deepEqual(old.metadata?.labels, pod.metadata?.labels) || !deepEqual(old.spec?.containers?.map((c) => c.resources), pod.spec?.containers?.map((c) => c.resources))) {
        this.queue.moveOnEvent('AssignedPodUpdate');
      }
      return;
    }
    if (!this.responsibleFor(pod) || pod.metadata?.deletionTimestamp || isTerminal(pod)) {
      this.queue.delete(key);
      return;
    }
    if (isGated(pod)) {
      this.queue.delete(key);
      this.setCondition(pod, 'SchedulingGated', SCHEDULING_GATED_MESSAGE);
      return;
    }
    const fl = this.inflight.get(key);
    if (fl && fl.info.uid === uid) {
      fl.qp.pod = pod;
      return;
    }
    this.queue.add(pod);
  }

  onPodDelete(pod: Pod): void {
    const key = keyOf(pod);
    this.queue.delete(key);
    const uid = pod.metadata?.uid ?? key;
    if (this.snapshot.has(uid)) {
      this.snapshot.removePod(uid);
      this.queue.moveOnEvent('AssignedPodDelete');
    }
  }

  onNodeAdd(node: Node): void {
    this.snapshot.setNode(node);
    this.queue.moveOnEvent('NodeAdd');
  }

  onNodeUpdate(node: Node, old: Node | undefined): void {
    this.snapshot.setNode(node);
    if (!old) return this.queue.moveOnEvent('NodeAdd');
    for (const e of nodeChanges(old, node)) this.queue.moveOnEvent(e);
  }

  onNodeDelete(node: Node): void {
    this.snapshot.removeNode(node.metadata?.name ?? '');
  }

  onNamespace(ns: Namespace): void {
    this.snapshot.namespaceLabels.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
  }

  onNamespaceDelete(ns: Namespace): void {
    this.snapshot.namespaceLabels.delete(ns.metadata?.name ?? '');
  }

  // ---- the loop -------------------------------------------------------------------------------

  start(): void {
    this.running = true;
    this.pump();
  }

  stop(): void {
    this.running = false;
    this.queue.close();
    this.checkIdle();
  }

  /** Resolves once no pod is ready to schedule and no binding or status write is in flight. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  private checkIdle(): void {
    if (!this.idleWaiters.length) return;
    const busy = this.running && (this.queue.activeLength > 0 || this.pumpScheduled);
    if (busy || this.inflight.size > 0 || this.pendingWrites > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private pump(): void {
    if (!this.running || this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      const deadline = performance.now() + 20;
      while (this.running && performance.now() < deadline) {
        if (!this.scheduleOne()) return this.checkIdle();
      }
      if (this.running) this.pump();
      else this.checkIdle();
    });
  }

  /** Runs one scheduling cycle; false when no pod was ready. */
  scheduleOne(): boolean {
    const qp = this.queue.pop();
    if (!qp) return false;
    this.stats.attempts++;
    const info = new PodInfo(qp.pod);
    let result;
    try {
      result = schedulePod(info, this.snapshot, this.profile, { random: this.opts.random });
    } catch (err) {
      this.failed(qp, 'SchedulerError', err instanceof Error ? err.message : String(err), undefined);
      return true;
    }
    if ('fitError' in result) {
      this.failed(qp, 'Unschedulable', result.fitError.message, result.fitError.diagnosis.unschedulablePlugins);
      return true;
    }
    const nodeName = result.node;
    this.snapshot.assumePod(info, nodeName);
    const reserved: Plugin[] = [];
    for (const pl of this.reservePlugins) {
      const s = pl.reserve?.(result.state, info, nodeName, this.snapshot);
      reserved.push(pl);
      if (s) {
        // As kube-scheduler: a Reserve rejection is reported as a fit error on the chosen node.
        this.unreserve(reserved, result.state, info, nodeName);
        this.snapshot.forgetPod(info.uid);
        const d = newDiagnosis();
        d.nodeToStatus.set(nodeName, s);
        d.unschedulablePlugins.add(pl.name);
        this.failed(qp, 'Unschedulable', fitErrorMessage(1, d), d.unschedulablePlugins);
        return true;
      }
    }
    this.inflight.set(qp.key, { qp, info, nodeName });
    void this.bindCycle(qp, info, nodeName, result.state);
    return true;
  }

  private unreserve(plugins: readonly Plugin[], state: CycleState, info: PodInfo, nodeName: string): void {
    for (let i = plugins.length - 1; i >= 0; i--) plugins[i].unreserve?.(state, info, nodeName, this.snapshot);
  }

  private async bindCycle(qp: QueuedPod, info: PodInfo, nodeName: string, state: CycleState): Promise<void> {
    let plugin = '';
    try {
      let bound = false;
      for (const pl of this.bindPlugins) {
        plugin = pl.name;
        const s = await pl.bind!(info.pod, nodeName, this.api);
        if (s?.code === 'Skip') continue;
        if (s) throw new Error(statusMessage(s));
        bound = true;
        break;
      }
      if (!bound) throw new Error('no Bind plugin bound the pod');
      this.stats.scheduled++;
      this.queue.done(qp);
      if (this.opts.recordScheduledEvents ?? true) {
        this.write('recording Scheduled event', this.api.recordEvent(info.pod, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${info.namespace}/${info.name} to ${nodeName}` }));
      }
    } catch (err) {
      this.snapshot.forgetPod(info.uid);
      this.unreserve(this.reservePlugins, state, info, nodeName);
      this.queue.moveOnEvent('AssignedPodDelete');
      const msg = err instanceof Error ? err.message : String(err);
      this.failed(qp, 'SchedulerError', plugin ? `running Bind plugin "${plugin}": ${msg}` : msg, undefined);
    } finally {
      this.inflight.delete(qp.key);
      this.checkIdle();
    }
  }

  /**
   * handleSchedulingFailure: requeue (parked when unschedulable, after backoff on errors), then
   * report through the PodScheduled condition and a FailedScheduling event.
   */
  private failed(qp: QueuedPod, reason: 'Unschedulable' | 'SchedulerError', message: string, plugins: ReadonlySet<string> | undefined): void {
    if (reason === 'Unschedulable') this.stats.unschedulable++; else this.stats.errors++;
    // A pod deleted (or bound elsewhere) meanwhile is no longer ours to report on.
    if (!this.queue.isCurrent(qp)) return;
    if (plugins) this.queue.addUnschedulable(qp, plugins); else this.queue.addBackoff(qp);
    const pod = qp.pod;
    this.write('recording FailedScheduling event', this.api.recordEvent(pod, { type: 'Warning', reason: 'FailedScheduling', message: truncateEventMessage(message) }));
    this.setCondition(pod, reason, message);
  }

  /** Patches PodScheduled=False unless the pod already has that exact condition. */
  private setCondition(pod: Pod, reason: string, message: string): void {
    const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (old && old.status === 'False' && old.reason === reason && old.message === message) return;
    const now = rfc3339(this.opts.now?.() ?? new Date());
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : now,
      reason,
      message,
    };
    this.write('updating pod condition', this.api.setPodCondition(pod, condition));
  }

  private write(what: string, p: Promise<void>): void {
    this.pendingWrites++;
    p.catch((err) => (this.opts.onError ?? ((e, w) => console.error(`scheduler: ${w}:`, e)))(err, what)).finally(() => {
      this.pendingWrites--;
      this.checkIdle();
    });
  }
}
