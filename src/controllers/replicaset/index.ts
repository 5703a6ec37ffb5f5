// The ReplicaSet controller (after Kubernetes' pkg/controller/replicaset): keeps spec.replicas active
// pods for every ReplicaSet. It claims the pods its selector matches through controllerRef, creates
// missing pods from the template in slow-start batches, deletes surplus pods in Kubernetes' ranking
// order, waits (expectations) until its informer has seen its own creates and deletes before acting
// again, and reports replicas / fullyLabeled / ready / available in the status.
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { fromLabelSelectorObject, matchLabels, type LabelSelector } from '../../api/selectors.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import { Expectations } from './expectations.js';
import { OwnerIndex } from './ownerindex.js';
import { adoptPatch, claimObjects, controllerOf, newControllerRef, releasePatch } from './controllerref.js';
import { isPodActive, isPodReady } from './podutil.js';
import { podsToDelete } from './ranking.js';
import { slowStartBatch } from './slowstart.js';
import { calculateReplicaSetStatus, replicaSetStatusNeedsUpdate } from './status.js';

export type PodObject = Pod & KubeObject;
export type ReplicaSetObject = ReplicaSet & KubeObject;

/** Kubernetes' BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;
/** Kubernetes' SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH = 1;

export interface ReplicaSetControllerOptions {
  /** concurrent reconciles (kube-controller-manager's --concurrent-replicaset-syncs, 5) */
  workers?: number;
  burstReplicas?: number;
  /** clock, for tests */
  now?: () => number;
  /** where reconcile errors are reported (default console.error) */
  log?: (message: string) => void;
}

const RS_API_VERSION = 'apps/v1';
const RS_KIND = 'ReplicaSet';

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;
const isConflict = (err: unknown) => err instanceof StatusError && err.code === 409;
const namespaceTerminating = (err: unknown) => err instanceof StatusError && !!err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** generateName for a controller's pods: `<name>-`, or the name itself when that would be too long. */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return prefix.length > 253 ? controllerName : prefix;
}

/** The pod a controller creates from its template (controller.GetPodFromTemplate). */
export function podFromTemplate(template: PodTemplateSpec | undefined, parent: KubeObject, controllerRef?: OwnerReference): PodObject {
  const md = template?.metadata ?? {};
  const labels = { ...(md.labels ?? {}) };
  if (!Object.keys(labels).length) throw new Error('unable to create pods, no labels');
  const metadata: Record<string, unknown> = { generateName: podNamePrefix(parent.metadata?.name ?? ''), namespace: parent.metadata?.namespace, labels };
  if (md.annotations && Object.keys(md.annotations).length) metadata.annotations = { ...md.annotations };
  if (md.finalizers?.length) metadata.finalizers = [...md.finalizers];
  if (controllerRef) metadata.ownerReferences = [controllerRef];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: deepClone(template?.spec) } as PodObject;
}

export class ReplicaSetController {
  private readonly pods: Informer<PodObject>;
  private readonly rss: Informer<ReplicaSetObject>;
  private readonly podIndex = new OwnerIndex<PodObject>();
  private readonly rsIndex = new OwnerIndex<ReplicaSetObject>();
  private readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private stopped = false;

  constructor(private readonly factory: InformerFactory, private readonly opts: ReplicaSetControllerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((m) => console.error(m));
    this.expectations = new Expectations(this.now);
    this.recorder = new EventRecorder(factory.client, 'replicaset-controller');
    this.pods = factory.informer<PodObject>(R.pods);
    this.rss = factory.informer<ReplicaSetObject>(R.replicasets);
    this.rss.on({
      add: (rs) => { this.rsIndex.upsert(rs); this.enqueue(rs); },
      update: (rs, old) => {
        this.rsIndex.upsert(rs);
        if (rs.metadata?.uid !== old.metadata?.uid) this.expectations.delete(keyOf(old));
        this.enqueue(rs);
      },
      delete: (rs) => { this.rsIndex.remove(rs); this.expectations.delete(keyOf(rs)); this.enqueue(rs); },
    });
    this.pods.on({
      add: (pod) => { this.podIndex.upsert(pod); this.onPodAdd(pod); },
      update: (pod, old) => { this.podIndex.upsert(pod); this.onPodUpdate(pod, old); },
      delete: (pod) => { this.podIndex.remove(pod); this.onPodDelete(pod); },
    });
  }

  /** Waits for the shared informers (the caller starts the factory), then runs the workers. */
  async start(): Promise<void> {
    await Promise.all([this.pods.waitForSync(), this.rss.waitForSync()]);
    if (this.stopped) return;
    this.queue.run(this.opts.workers ?? 5, (key) => this.reconcile(key), (key, err) => {
      if (!isConflict(err)) this.log(`replicaset controller: ${key}: ${errMessage(err)}`);
    });
  }

  stop(): void {
    this.stopped = true;
    this.queue.shutdown();
  }

  // ------------------------------------------------------------------ event handlers

  private enqueue(rs: KubeObject): void {
    if (!this.stopped) this.queue.add(keyOf(rs));
  }

  /** The ReplicaSet a controllerRef points to, if it is in the cache with that uid. */
  private resolve(namespace: string | undefined, ref: OwnerReference): ReplicaSetObject | undefined {
    if (ref.kind !== RS_KIND) return undefined;
    const rs = this.rss.get(`${namespace}/${ref.name}`);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets of the pod's namespace whose selector matches the pod (for orphans). */
  private matchingReplicaSets(pod: PodObject): ReplicaSetObject[] {
    const out: ReplicaSetObject[] = [];
    const ns = pod.metadata?.namespace;
    for (const rs of this.rss.list()) {
      if (rs.metadata?.namespace !== ns) continue;
      const sel = safeSelector(rs);
      if (sel && !sel.empty && matchLabels(sel, pod.metadata?.labels)) out.push(rs);
    }
    return out;
  }

  private onPodAdd(pod: PodObject): void {
    if (pod.metadata?.deletionTimestamp) return this.onPodDelete(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata?.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.enqueue(rs);
      return;
    }
    for (const rs of this.matchingReplicaSets(pod)) this.enqueue(rs);
  }

  private onPodUpdate(pod: PodObject, old: PodObject): void {
    if (pod.metadata?.resourceVersion === old.metadata?.resourceVersion) return;
    const labelsChanged = !deepEqual(pod.metadata?.labels ?? {}, old.metadata?.labels ?? {});
    if (pod.metadata?.deletionTimestamp) {
      // A graceful delete: the replacement is created now, not when the node agent is done.
      this.onPodDelete(pod);
      if (labelsChanged) this.onPodDelete(old);
      return;
    }
    const ref = controllerOf(pod);
    const oldRef = controllerOf(old);
    const refChanged = !deepEqual(ref, oldRef);
    if (refChanged && oldRef) {
      const rs = this.resolve(old.metadata?.namespace, oldRef);
      if (rs) this.enqueue(rs);
    }
    if (ref) {
      const rs = this.resolve(pod.metadata?.namespace, ref);
      if (!rs) return;
      this.enqueue(rs);
      const minReady = rs.spec?.minReadySeconds ?? 0;
      // Availability comes minReadySeconds after readiness: look again then (plus a second of skew).
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod) && !this.stopped) this.queue.addAfter(keyOf(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.matchingReplicaSets(pod)) this.enqueue(rs);
  }

  private onPodDelete(pod: PodObject): void {
    const ref = controllerOf(pod);
    if (!ref) return;
    const rs = this.resolve(pod.metadata?.namespace, ref);
    if (!rs) return;
    const key = keyOf(rs);
    this.expectations.deletionObserved(key, keyOf(pod));
    this.enqueue(rs);
  }

  // ------------------------------------------------------------------ reconcile

  /** Level-triggered sync of one ReplicaSet (`namespace/name`). */
  async reconcile(key: string): Promise<void | { requeueAfterMs?: number }> {
    const cached = this.rss.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = deepClone(cached);
    const needsSync = this.expectations.satisfied(key);
    const selector = safeSelector(rs);
    if (!selector) {
      this.log(`replicaset controller: ${key}: invalid selector`);
      return;
    }
    const md = rs.metadata!;
    const candidates = [...this.podIndex.owned(md.uid!), ...this.podIndex.orphansIn(md.namespace ?? '')].filter(isPodActive);
    const { claimed, errors } = await claimObjects(candidates, { uid: md.uid!, namespace: md.namespace, deleting: !!md.deletionTimestamp },
      (p) => matchLabels(selector, p.metadata?.labels), {
        canAdopt: () => this.recheckNotDeleted(rs),
        adopt: (p) => this.factory.client.patch<PodObject>(R.pods, p.metadata?.namespace, p.metadata!.name!, 'strategic', adoptPatch(newControllerRef(rs, RS_API_VERSION, RS_KIND), p.metadata!.uid!)),
        release: async (p) => { await this.factory.client.patch(R.pods, p.metadata?.namespace, p.metadata!.name!, 'strategic', releasePatch(md.uid!, p.metadata!.uid!)); },
      });
    if (errors.length) throw errors[0];

    let manageError: unknown;
    if (needsSync && !md.deletionTimestamp) {
      try {
        await this.manageReplicas(claimed, rs);
      } catch (err) {
        manageError = err;
      }
    }
    const status = calculateReplicaSetStatus(rs, claimed, manageError, this.now());
    const updated = await this.updateStatus(rs, status);
    if (manageError) throw manageError;
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const replicas = updated.spec?.replicas ?? 1;
    if (minReady > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
      return { requeueAfterMs: minReady * 1000 };
    }
  }

  /** Re-reads the ReplicaSet from the API server before adopting: it must still be there, alive. */
  private async recheckNotDeleted(rs: ReplicaSetObject): Promise<void> {
    const md = rs.metadata!;
    const fresh = await this.factory.client.get<ReplicaSetObject>(R.replicasets, md.namespace, md.name!);
    if (fresh.metadata?.uid !== md.uid) throw new Error(`original ReplicaSet ${md.namespace}/${md.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${md.uid}`);
    if (fresh.metadata?.deletionTimestamp) throw new Error(`ReplicaSet ${md.namespace}/${md.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }

  private async manageReplicas(pods: PodObject[], rs: ReplicaSetObject): Promise<void> {
    const key = keyOf(rs);
    const burst = this.opts.burstReplicas ?? BURST_REPLICAS;
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, burst);
      this.expectations.expectCreations(key, count);
      const ref = newControllerRef(rs, RS_API_VERSION, RS_KIND);
      const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, () => this.createPod(rs, ref));
      // Pods never created will never be observed.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, burst);
      const victims = podsToDelete(pods, this.relatedPods(rs), count, this.now());
      this.expectations.expectDeletions(key, victims.map((p) => keyOf(p)));
      const results = await Promise.allSettled(victims.map(async (p) => {
        try {
          await this.deletePod(rs, p);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (!isNotFound(err)) throw err;
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** Pods of every ReplicaSet sharing this one's controller (for the co-location rank). */
  private relatedPods(rs: ReplicaSetObject): PodObject[] {
    const owner = controllerOf(rs);
    if (!owner) return [];
    const out: PodObject[] = [];
    for (const sibling of this.rsIndex.owned(owner.uid)) out.push(...this.podIndex.owned(sibling.metadata!.uid!));
    return out;
  }

  private async createPod(rs: ReplicaSetObject, ref: OwnerReference): Promise<void> {
    const pod = podFromTemplate(rs.spec?.template, rs, ref);
    try {
      const created = await this.factory.client.create<PodObject>(R.pods, rs.metadata?.namespace, pod);
      void this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    } catch (err) {
      // A terminating namespace refuses every create: nothing to report, nothing to retry.
      if (namespaceTerminating(err)) return;
      void this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errMessage(err)}`);
      throw err;
    }
  }

  private async deletePod(rs: ReplicaSetObject, pod: PodObject): Promise<void> {
    const name = pod.metadata!.name!;
    try {
      await this.factory.client.delete(R.pods, pod.metadata?.namespace, name);
    } catch (err) {
      if (!isNotFound(err)) void this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(err)}`);
      throw err;
    }
    void this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  /** Writes the status (with observedGeneration) when it changed; one retry on a fresh copy. */
  private async updateStatus(rs: ReplicaSetObject, status: NonNullable<ReplicaSet['status']>): Promise<ReplicaSetObject> {
    if (!replicaSetStatusNeedsUpdate(rs, status)) return rs;
    const next = { ...status, observedGeneration: rs.metadata?.generation ?? 0 };
    let target = rs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.factory.client.update<ReplicaSetObject>(R.replicasets, target.metadata?.namespace, target.metadata!.name!, { ...target, status: next }, 'status');
      } catch (err) {
        if (attempt >= 1) throw err;
        target = await this.factory.client.get<ReplicaSetObject>(R.replicasets, rs.metadata?.namespace, rs.metadata!.name!);
      }
    }
  }
}

function safeSelector(rs: ReplicaSetObject): LabelSelector | undefined {
  try {
    return fromLabelSelectorObject(rs.spec?.selector);
  } catch {
    return undefined;
  }
}
