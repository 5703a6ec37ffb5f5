// The StatefulSet controller (after Kubernetes' pkg/controller/statefulset): pods `<set>-<ordinal>`
// with stable hostnames (subdomain = serviceName) and their own PVCs `<claim>-<set>-<ordinal>` from
// volumeClaimTemplates; OrderedReady or Parallel pod management; RollingUpdate (reverse ordinal
// order, one at a time, down to the partition) or OnDelete; ControllerRevisions with the
// `controller-revision-hash` pod label; persistentVolumeClaimRetentionPolicy (Retain by default).
import type { Pod, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { deepClone, deepEqual } from '../../api/object.js';
import type { InformerFactory } from '../../client/factory.js';
import { R } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import {
  claimObjects, controllerOf, isAlreadyExists, isNotFound, logError, OwnerIndex, realClock, selectorOf, type Clock,
} from '../job/controllerutil.js';
import { Expectations } from '../job/expectations.js';
import { syncRevisions, templateOf, truncateHistory, type Revision } from './history.js';
import { claimsFor, isMemberOf, parentAndOrdinal, planStatefulSet, podRevision, POD_NAME_LABEL, POD_INDEX_LABEL, type Action } from './logic.js';

export { planStatefulSet, type Plan, type Action } from './logic.js';
export { syncRevisions, truncateHistory, REVISION_HASH_LABEL } from './history.js';

export interface StatefulSetControllerOptions {
  clock?: Clock;
  workers?: number;
  recorder?: EventRecorder;
}

type Sts = StatefulSet & KubeObject;

export class StatefulSetController {
  private readonly sets: Informer<Sts>;
  private readonly pods: Informer<Pod & KubeObject>;
  private readonly revisions: Informer<Revision>;
  private readonly podIndex = new OwnerIndex<Pod & KubeObject>();
  private readonly revIndex = new OwnerIndex<Revision>();
  private readonly queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 30_000 });
  private readonly expectations = new Expectations();
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;

  constructor(private readonly factory: InformerFactory, private readonly opts: StatefulSetControllerOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.recorder = opts.recorder ?? new EventRecorder(factory.client, 'statefulset-controller');
    this.sets = factory.informer<Sts>(R.statefulsets);
    this.pods = factory.informer<Pod & KubeObject>(R.pods);
    this.revisions = factory.informer<Revision>(R.controllerrevisions);
  }

  async start(): Promise<void> {
    this.sets.on({
      add: (s) => this.queue.add(keyOf(s)),
      update: (s) => this.queue.add(keyOf(s)),
      delete: (s) => this.expectations.forget(keyOf(s)),
    });
    const setKey = (p: KubeObject) => {
      const ref = controllerOf(p);
      return ref?.kind === 'StatefulSet' ? `${p.metadata?.namespace}/${ref.name}` : undefined;
    };
    this.pods.on({
      add: (p) => {
        this.podIndex.upsert(p);
        const k = setKey(p);
        if (k) { this.expectations.creationObserved(k); this.queue.add(k); } else this.enqueueMatching(p);
      },
      update: (p, old) => {
        this.podIndex.upsert(p);
        const k = setKey(p);
        if (k) {
          if (p.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) this.expectations.deletionObserved(k);
          this.queue.add(k);
        } else this.enqueueMatching(p);
        const ok = setKey(old);
        if (ok && ok !== k) this.queue.add(ok);
      },
      delete: (p) => {
        this.podIndex.remove(p);
        const k = setKey(p);
        if (k) { if (!p.metadata?.deletionTimestamp) this.expectations.deletionObserved(k); this.queue.add(k); }
      },
    });
    this.revisions.on({
      add: (r) => this.revIndex.upsert(r),
      update: (r) => this.revIndex.upsert(r),
      delete: (r) => this.revIndex.remove(r),
    });
    this.factory.start();
    await Promise.all([this.sets.waitForSync(), this.pods.waitForSync(), this.revisions.waitForSync()]);
    this.queue.run(this.opts.workers ?? 4, (key) => this.reconcile(key), logError('statefulset-controller'));
  }

  stop(): void {
    this.queue.shutdown();
  }

  private enqueueMatching(p: Pod): void {
    if (!p.metadata?.labels) return;
    for (const s of this.sets.list()) {
      if (s.metadata?.namespace !== p.metadata.namespace || !isMemberOf(s, p)) continue;
      const sel = selectorOf(s.spec?.selector);
      if (!sel.empty) this.queue.add(keyOf(s));
    }
  }

  async reconcile(key: string): Promise<void | { requeueAfterMs?: number }> {
    const cached = this.sets.get(key);
    if (!cached) return;
    const set: Sts = { ...deepClone(cached), apiVersion: 'apps/v1', kind: 'StatefulSet' };
    const ns = set.metadata!.namespace!;
    const uid = set.metadata!.uid!;
    const selector = selectorOf(set.spec?.selector);
    if (selector.empty) return; // an empty selector would select everything: Kubernetes refuses to act
    const pods = await claimObjects(this.factory.client, R.pods, set, selector, [...this.podIndex.owned(uid), ...this.podIndex.orphansIn(ns)], {
      extraMatch: (p) => isMemberOf(set, p),
    }) as Pod[];
    const revs = await claimObjects(this.factory.client, R.controllerrevisions, set, selector, [...this.revIndex.owned(uid), ...this.revIndex.orphansIn(ns)]) as Revision[];
    const status = (set.status ?? {}) as StatefulSetStatus;
    const synced = await syncRevisions(this.factory.client, set, revs, set.spec?.template, status.collisionCount ?? 0);
    const updateRev = synced.update;
    const currentRev = synced.revisions.find((r) => r.metadata?.name === status.currentRevision) ?? updateRev;
    const now = this.clock.now();
    if (!this.expectations.satisfied(key)) {
      return { requeueAfterMs: 1000 };
    }
    const plan = planStatefulSet({
      set, pods,
      currentTemplate: templateOf(currentRev),
      updateTemplate: set.spec!.template,
      currentRevision: currentRev.metadata!.name!,
      updateRevision: updateRev.metadata!.name!,
      statusCurrentReplicas: status.currentReplicas ?? 0,
      now,
    });
    let err: unknown;
    try {
      await this.execute(key, set, plan.actions);
    } catch (e) {
      err = e;
    }
    // status
    const next: StatefulSetStatus = {
      ...status,
      observedGeneration: set.metadata?.generation,
      replicas: plan.status.replicas,
      readyReplicas: plan.status.readyReplicas,
      currentReplicas: plan.status.currentReplicas,
      updatedReplicas: plan.status.updatedReplicas,
      availableReplicas: plan.status.availableReplicas,
      currentRevision: currentRev.metadata!.name!,
      updateRevision: updateRev.metadata!.name!,
      collisionCount: synced.collisionCount,
    };
    if (set.spec?.updateStrategy?.type !== 'OnDelete' && next.updatedReplicas === next.replicas && next.readyReplicas === next.replicas) {
      next.currentReplicas = next.updatedReplicas;
      next.currentRevision = next.updateRevision;
    }
    if (!deepEqual(next, set.status ?? {})) {
      await this.factory.client.update(R.statefulsets, ns, set.metadata!.name!, { ...set, status: next }, 'status');
    }
    // history: keep the live revisions plus revisionHistoryLimit others
    const live = new Set<string>([next.currentRevision!, next.updateRevision!]);
    for (const p of pods) { const r = podRevision(p); if (r) live.add(r); }
    await truncateHistory(this.factory.client, synced.revisions, live, set.spec?.revisionHistoryLimit ?? 10);
    if (err) throw err;
    if (plan.awaitingAvailability && (set.spec?.minReadySeconds ?? 0) > 0) return { requeueAfterMs: 1000 };
  }

  private async execute(key: string, set: Sts, actions: Action[]): Promise<void> {
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const run = async (a: Action) => {
      switch (a.type) {
        case 'create': return this.createPod(key, set, a.pod, a.ordinal);
        case 'delete': return this.deletePod(key, set, a.pod, a.why);
        case 'fixIdentity': return this.fixIdentity(set, a.pod);
      }
    };
    if (monotonic) {
      for (const a of actions) await run(a);
      return;
    }
    // Parallel: a failed pod's delete must precede its re-creation; everything else at once
    const deletes = actions.filter((a) => a.type === 'delete');
    const rest = actions.filter((a) => a.type !== 'delete');
    const results = await Promise.allSettled(deletes.map(run));
    const results2 = await Promise.allSettled(rest.map(run));
    const failed = [...results, ...results2].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async createPod(key: string, set: Sts, pod: Pod, ordinal: number): Promise<void> {
    const ns = set.metadata!.namespace!;
    const setName = set.metadata!.name!;
    const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
    for (const claim of claimsFor(set, ordinal)) {
      if (policy?.whenDeleted === 'Delete') (claim.metadata as { ownerReferences?: OwnerReference[] }).ownerReferences = [setOwnerRef(set)];
      try {
        await this.factory.client.create<PersistentVolumeClaim>(R.persistentvolumeclaims, ns, claim);
        void this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata?.name} Pod ${pod.metadata?.name} in StatefulSet ${setName} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        void this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata?.name} for Pod ${pod.metadata?.name} in StatefulSet ${setName} failed error: ${(err as Error).message}`);
        throw err;
      }
    }
    this.expectations.expect(key, 1, 0);
    try {
      await this.factory.client.create(R.pods, ns, pod);
      void this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${setName} successful`);
    } catch (err) {
      this.expectations.creationObserved(key);
      if (isAlreadyExists(err)) return;
      void this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${setName} failed error: ${(err as Error).message}`);
      throw err;
    }
  }

  private async deletePod(key: string, set: Sts, pod: Pod, why: string): Promise<void> {
    const setName = set.metadata!.name!;
    if (why === 'failed') void this.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${set.metadata!.namespace}/${setName} is recreating failed Pod ${pod.metadata?.name}`);
    if (why === 'succeeded') void this.recorder.event(set, 'Normal', 'RecreatingTerminatedPod', `StatefulSet ${set.metadata!.namespace}/${setName} is recreating terminated Pod ${pod.metadata?.name}`);
    if (why === 'scale' && set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete') await this.claimsFollowPod(set, pod);
    this.expectations.expect(key, 0, 1);
    try {
      await this.factory.client.delete(R.pods, pod.metadata!.namespace, pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
      void this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${setName} successful`);
    } catch (err) {
      this.expectations.deletionObserved(key);
      if (isNotFound(err)) return;
      void this.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${setName} failed error: ${(err as Error).message}`);
      throw err;
    }
  }

  /** whenScaled: Delete — the condemned pod's claims get the pod as owner, so they go with it. */
  private async claimsFollowPod(set: Sts, pod: Pod): Promise<void> {
    const { ordinal } = parentAndOrdinal(pod.metadata!.name!);
    for (const c of claimsFor(set, ordinal)) {
      const ref: OwnerReference = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid! };
      try {
        const live = await this.factory.client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, c.metadata!.namespace, c.metadata!.name!);
        const refs = [...(live.metadata?.ownerReferences ?? []).filter((r) => r.uid !== set.metadata?.uid || set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete'), ref];
        if ((live.metadata?.ownerReferences ?? []).some((r) => r.uid === ref.uid)) continue;
        await this.factory.client.patch(R.persistentvolumeclaims, c.metadata!.namespace, c.metadata!.name!, 'merge', { metadata: { ownerReferences: refs } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async fixIdentity(set: Sts, pod: Pod): Promise<void> {
    const { ordinal } = parentAndOrdinal(pod.metadata!.name!);
    await this.factory.client.patch(R.pods, pod.metadata!.namespace, pod.metadata!.name!, 'merge', {
      metadata: { labels: { [POD_NAME_LABEL]: pod.metadata!.name, [POD_INDEX_LABEL]: String(ordinal) } },
    }).catch((err) => { if (!isNotFound(err)) throw err; });
    void set;
  }
}

function setOwnerRef(set: Sts): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata!.name!, uid: set.metadata!.uid! };
}
