// The pod garbage collector (Kubernetes' pod-garbage-collector). Every check period it force-deletes
// (grace period 0, after marking the pod Failed when it was not finished):
//   - orphaned pods: bound to a node that does not exist (the node must stay missing for a
//     quarantine period and a fresh GET must confirm it is gone), with a DisruptionTarget condition;
//   - terminating pods that were never scheduled;
//   - terminating pods on a node that is not Ready and carries the node.kubernetes.io/out-of-service
//     taint (an operator's statement that the node is down for good);
//   - the oldest finished pods beyond `terminatedPodThreshold` (evicted ones first).
// Kubernetes never force-deletes a terminating pod just because its node stopped answering: the
// pod stays Terminating until the node comes back, is deleted, or is marked out-of-service (its
// controller has already replaced it). `forceDeleteTerminatingOnNotReadyNodes` opts into doing so
// once the pod's grace period has run out.
import type { PodCondition } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/errors.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { formatTime, hasTaintKey, isNodeReady, TAINT_OUT_OF_SERVICE, type NodeObj, type PodObj } from './taints.js';

export interface PodGCOptions {
  /** how often to collect (Kubernetes: 20 s) */
  gcCheckPeriodMs?: number;
  /** how long a pod's node must be missing before its pods count as orphaned (Kubernetes: 40 s) */
  quarantineMs?: number;
  /** finished pods kept before the oldest are deleted; 0 disables (kube-controller-manager: 12500) */
  terminatedPodThreshold?: number;
  /** not Kubernetes: also force-delete terminating pods on any not-Ready node once their grace period is over */
  forceDeleteTerminatingOnNotReadyNodes?: boolean;
  now?: () => number;
}

export class PodGCController {
  private readonly pods: Informer<PodObj>;
  private readonly nodes: Informer<NodeObj>;
  /** node name -> when we first saw pods bound to it while it was missing */
  private readonly missingSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => number;
  private readonly period: number;
  private readonly quarantine: number;
  private readonly threshold: number;

  constructor(private readonly factory: InformerFactory, private readonly opts: PodGCOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.period = opts.gcCheckPeriodMs ?? 20_000;
    this.quarantine = opts.quarantineMs ?? 40_000;
    this.threshold = opts.terminatedPodThreshold ?? 12_500;
    this.pods = factory.informer(R.pods);
    this.nodes = factory.informer(R.nodes);
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
    if (this.stopped) return;
    const tick = () => {
      this.running ??= this.gc().catch((err) => console.error(`pod GC: ${(err as Error).message}`)).finally(() => { this.running = undefined; });
    };
    this.timer = setInterval(tick, this.period);
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One collection pass. */
  async gc(): Promise<void> {
    const pods = this.pods.list();
    if (this.threshold > 0) await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: PodObj[]): Promise<void> {
    const done = pods.filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
    const excess = done.length - this.threshold;
    if (excess <= 0) return;
    const evicted = (p: PodObj) => p.status?.phase === 'Failed' && p.status.reason === 'Evicted';
    done.sort((a, b) => Number(evicted(b)) - Number(evicted(a))
      || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')
      || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    await this.each(done.slice(0, excess), (p) => this.markFailedAndDelete(p));
  }

  private async gcTerminating(pods: PodObj[]): Promise<void> {
    const now = this.now();
    const victims = pods.filter((p) => {
      if (!p.metadata.deletionTimestamp || !p.spec?.nodeName) return false;
      const node = this.nodes.get(p.spec.nodeName);
      if (!node || isNodeReady(node)) return false;
      if (hasTaintKey(node, TAINT_OUT_OF_SERVICE)) return true;
      // deletionTimestamp is when the grace period ends.
      return !!this.opts.forceDeleteTerminatingOnNotReadyNodes && Date.parse(p.metadata.deletionTimestamp) <= now;
    });
    await this.each(victims, (p) => this.markFailedAndDelete(p));
  }

  private async gcOrphaned(pods: PodObj[]): Promise<void> {
    const now = this.now();
    const wanted = new Set<string>();
    for (const p of pods) {
      const n = p.spec?.nodeName;
      if (!n || this.nodes.get(n)) continue;
      wanted.add(n);
      if (!this.missingSince.has(n)) this.missingSince.set(n, now);
    }
    const deleted = new Set<string>();
    for (const [n, since] of this.missingSince) {
      if (!wanted.has(n) || this.nodes.get(n)) { this.missingSince.delete(n); continue; }
      if (now - since < this.quarantine) continue;
      try {
        await this.factory.client.get(R.nodes, undefined, n);
        this.missingSince.delete(n); // it exists after all: our cache lags
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) deleted.add(n);
        else console.error(`pod GC: checking node ${n}: ${(err as Error).message}`);
      }
    }
    if (!deleted.size) return;
    const condition: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' };
    await this.each(pods.filter((p) => deleted.has(p.spec?.nodeName ?? '')), (p) => this.markFailedAndDelete(p, condition));
  }

  private async gcUnscheduledTerminating(pods: PodObj[]): Promise<void> {
    await this.each(pods.filter((p) => p.metadata.deletionTimestamp && !p.spec?.nodeName), (p) => this.markFailedAndDelete(p));
  }

  private async each(pods: PodObj[], fn: (p: PodObj) => Promise<void>): Promise<void> {
    // A few at a time: these are independent API calls.
    for (let i = 0; i < pods.length; i += 8) {
      await Promise.all(pods.slice(i, i + 8).map((p) => fn(p).catch((err) => console.error(`pod GC: ${keyOf(p)}: ${(err as Error).message}`))));
    }
  }

  /** markFailedAndDeletePodWithCondition: phase Failed (if unfinished), then a force delete. */
  private async markFailedAndDelete(pod: PodObj, condition?: PodCondition): Promise<void> {
    const client = this.factory.client;
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    try {
      if (pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') {
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (condition) status.conditions = [{ ...condition, lastTransitionTime: formatTime(this.now()) }];
        await client.patch(R.pods, ns, name, 'strategic', { status }, { subresource: 'status' });
      }
      await client.delete(R.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }
}
