// The taint eviction controller (Kubernetes' taint-eviction-controller, formerly the NoExecute taint
// manager): a pod on a node with NoExecute taints it does not tolerate is deleted at once; one that
// tolerates them for a while (tolerationSeconds) is deleted when the shortest of those runs out,
// counted from when the controller first saw the pod on the tainted node; one that tolerates them
// forever stays. Removing the taints (or adding a forever toleration) cancels a pending eviction.
// Eviction marks the pod with a DisruptionTarget condition, then deletes it (gracefully).
import type { PodCondition } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/errors.js';
import { deepEqual } from '../../api/object.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import { formatTime, matchingTolerations, minTolerationMs, noExecuteTaints, PodsByNode, type NodeObj, type PodObj } from './taints.js';

export interface TaintEvictionOptions {
  /** clock (ms since epoch), for tests */
  now?: () => number;
  workers?: number;
}

export const TAINT_EVICTION_COMPONENT = 'taint-eviction-controller';

export class TaintEvictionController {
  private readonly pods: Informer<PodObj>;
  private readonly nodes: Informer<NodeObj>;
  private readonly byNode = new PodsByNode();
  /** pod key -> when the controller started counting its toleration time */
  private readonly scheduled = new Map<string, number>();
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  private readonly events: EventRecorder;
  private readonly now: () => number;

  constructor(private readonly factory: InformerFactory, private readonly opts: TaintEvictionOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.events = new EventRecorder(factory.client, TAINT_EVICTION_COMPONENT);
    this.pods = factory.informer(R.pods);
    this.nodes = factory.informer(R.nodes);
    this.pods.on({
      add: (p) => { this.byNode.set(keyOf(p), p); if (p.spec?.nodeName) this.queue.add(keyOf(p)); },
      update: (p, old) => {
        this.byNode.set(keyOf(p), p);
        if (p.spec?.nodeName !== old.spec?.nodeName || !deepEqual(p.spec?.tolerations ?? [], old.spec?.tolerations ?? [])) this.queue.add(keyOf(p));
      },
      delete: (p) => { this.byNode.remove(keyOf(p)); this.queue.add(keyOf(p)); },
    });
    const onNode = (n: NodeObj, old?: NodeObj) => {
      if (old && deepEqual(noExecuteTaints(n), noExecuteTaints(old))) return;
      for (const k of this.byNode.keysOn(n.metadata.name ?? '')) this.queue.add(k);
    };
    this.nodes.on({ add: (n) => onNode(n), update: onNode, delete: (n) => onNode(n) });
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
    this.queue.run(this.opts.workers ?? 4, (key) => this.reconcile(key), (key, err) => console.error(`taint eviction: ${key}: ${(err as Error).message}`));
  }

  stop(): void {
    this.queue.shutdown();
  }

  /** Level-triggered: evicts pod `key` now, later (requeued), or never. */
  async reconcile(key: string): Promise<void | { requeueAfterMs: number }> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp) { this.scheduled.delete(key); return; }
    const nodeName = pod.spec?.nodeName;
    const taints = nodeName ? noExecuteTaints(this.nodes.get(nodeName)) : [];
    if (!taints.length) return this.cancel(key);
    const { all, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    const now = this.now();
    if (all) {
      const min = minTolerationMs(used);
      if (min < 0) return this.cancel(key); // tolerated forever
      let start = this.scheduled.get(key);
      if (start === undefined) this.scheduled.set(key, (start = now));
      if (now < start + min) return { requeueAfterMs: start + min - now };
    }
    await this.evict(pod);
    this.scheduled.delete(key);
  }

  private cancel(key: string): void {
    if (!this.scheduled.delete(key)) return;
    const { namespace, name } = splitKey(key);
    void this.events.event({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } }, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** addConditionAndDeletePod. */
  private async evict(pod: PodObj): Promise<void> {
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    void this.events.event({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns } }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${name}`);
    const client = this.factory.client;
    try {
      const cond: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
      const prev = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
      if (!prev || prev.status !== cond.status || prev.reason !== cond.reason || prev.message !== cond.message) {
        await client.patch(R.pods, ns, name, 'strategic', { status: { conditions: [{ ...cond, lastTransitionTime: formatTime(this.now()) }] } }, { subresource: 'status' });
      }
      await client.delete(R.pods, ns, name, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      // Gone already, or replaced by a pod of the same name (uid precondition): nothing to evict.
      if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }
}
