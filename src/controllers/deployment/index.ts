// The Deployment controller (after Kubernetes' pkg/controller/deployment): a Deployment owns
// ReplicaSets named <deployment>-<pod-template-hash>; the one whose template matches is the new
// one. It rolls from old to new within maxSurge/maxUnavailable (RollingUpdate) or by scaling the old
// ones to zero first (Recreate), spreads scaling events proportionally, keeps
// revisionHistoryLimit old ReplicaSets, moves a rolled-back-to ReplicaSet to a new revision, holds
// still while paused, and reports Available / Progressing (with progressDeadlineSeconds) and the
// replica counts `kubectl rollout status` waits for.
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { LabelSelector as LabelSelectorObject } from 'kubernetes-types/meta/v1.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { fromLabelSelectorObject, matchLabels, type LabelSelector } from '../../api/selectors.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import { OwnerIndex } from '../replicaset/ownerindex.js';
import { adoptPatch, claimObjects, controllerOf, newControllerRef, releasePatch } from '../replicaset/controllerref.js';
import type { PodObject, ReplicaSetObject } from '../replicaset/index.js';
import { timeMs } from '../replicaset/podutil.js';
import { planNewReplicaSet, planOldReplicaSets, planRecreateScaleDown, planScale, type ScaleStep } from './plan.js';
import {
  HASH_LABEL, REVISION_ANNOTATION, Reason, byRevision, calculateStatus, computeHash, deploymentComplete, deploymentProgressing,
  deploymentTimedOut, desiredReplicasAnnotation, equalIgnoreHash, filterActive, findNewReplicaSet, findOldReplicaSets,
  getCondition, hasProgressDeadline, hasRevisionHistoryLimit, maxRevision, maxSurge, newCondition, newRSNewReplicas,
  normalizeDeploymentStatus, removeCondition, replicasAnnotationsNeedUpdate, replicasOf, setCondition,
  setNewReplicaSetAnnotations, setReplicasAnnotations, sumActualReplicas,
} from './util.js';

export type DeploymentObject = Deployment & KubeObject;
type RS = ReplicaSetObject;
type Requeue = void | { requeueAfterMs?: number };

export interface DeploymentControllerOptions {
  /** concurrent reconciles (kube-controller-manager's --concurrent-deployment-syncs, 5) */
  workers?: number;
  /** clock, for tests */
  now?: () => number;
  /** where reconcile errors are reported (default console.error) */
  log?: (message: string) => void;
}

const API_VERSION = 'apps/v1';
const KIND = 'Deployment';

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;
const isConflict = (err: unknown) => err instanceof StatusError && err.code === 409 && err.reason === 'Conflict';
const isAlreadyExists = (err: unknown) => err instanceof StatusError && err.reason === 'AlreadyExists';
const namespaceTerminating = (err: unknown) => err instanceof StatusError && !!err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

function selectsNothingSpecific(sel: LabelSelectorObject | undefined): boolean {
  return !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions?.length));
}

function safeSelector(sel: LabelSelectorObject | undefined): LabelSelector | undefined {
  try {
    return fromLabelSelectorObject(sel);
  } catch {
    return undefined;
  }
}

/** The Deployment's selector with the pod-template-hash requirement added. */
function selectorWithHash(sel: LabelSelectorObject | undefined, hash: string): LabelSelectorObject {
  const out: LabelSelectorObject = { matchLabels: { ...(sel?.matchLabels ?? {}), [HASH_LABEL]: hash } };
  if (sel?.matchExpressions?.length) return { ...out, matchExpressions: deepClone(sel.matchExpressions) };
  return out;
}

export class DeploymentController {
  private readonly deployments: Informer<DeploymentObject>;
  private readonly rss: Informer<RS>;
  private readonly pods: Informer<PodObject>;
  private readonly rsIndex = new OwnerIndex<RS>();
  private readonly podIndex = new OwnerIndex<PodObject>();
  private readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly recorder: EventRecorder;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private stopped = false;

  constructor(private readonly factory: InformerFactory, private readonly opts: DeploymentControllerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((m) => console.error(m));
    this.recorder = new EventRecorder(factory.client, 'deployment-controller');
    this.deployments = factory.informer<DeploymentObject>(R.deployments);
    this.rss = factory.informer<RS>(R.replicasets);
    this.pods = factory.informer<PodObject>(R.pods);
    this.deployments.on({
      add: (d) => this.enqueue(d),
      update: (d) => this.enqueue(d),
      delete: (d) => this.enqueue(d),
    });
    this.rss.on({
      add: (rs) => { this.rsIndex.upsert(rs); this.onReplicaSetAdd(rs); },
      update: (rs, old) => { this.rsIndex.upsert(rs); this.onReplicaSetUpdate(rs, old); },
      delete: (rs) => { this.rsIndex.remove(rs); this.onReplicaSetDelete(rs); },
    });
    this.pods.on({
      add: (p) => this.podIndex.upsert(p),
      update: (p) => this.podIndex.upsert(p),
      delete: (p) => { this.podIndex.remove(p); this.onPodDelete(p); },
    });
  }

  /** Waits for the shared informers (the caller starts the factory), then runs the workers. */
  async start(): Promise<void> {
    await Promise.all([this.deployments.waitForSync(), this.rss.waitForSync(), this.pods.waitForSync()]);
    if (this.stopped) return;
    this.queue.run(this.opts.workers ?? 5, (key) => this.reconcile(key), (key, err) => {
      if (!isConflict(err)) this.log(`deployment controller: ${key}: ${errMessage(err)}`);
    });
  }

  stop(): void {
    this.stopped = true;
    this.queue.shutdown();
  }

  // ------------------------------------------------------------------ event handlers

  private enqueue(d: KubeObject): void {
    if (!this.stopped) this.queue.add(keyOf(d));
  }

  private resolve(namespace: string | undefined, ref: OwnerReference): DeploymentObject | undefined {
    if (ref.kind !== KIND) return undefined;
    const d = this.deployments.get(`${namespace}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  /** Deployments of the ReplicaSet's namespace whose selector matches it (for orphans). */
  private deploymentsFor(rs: RS): DeploymentObject[] {
    const labels = rs.metadata?.labels;
    if (!labels || !Object.keys(labels).length) return [];
    return this.deployments.list().filter((d) => {
      if (d.metadata?.namespace !== rs.metadata?.namespace) return false;
      const sel = safeSelector(d.spec?.selector);
      return !!sel && !sel.empty && matchLabels(sel, labels);
    });
  }

  private onReplicaSetAdd(rs: RS): void {
    if (rs.metadata?.deletionTimestamp) return this.onReplicaSetDelete(rs);
    const ref = controllerOf(rs);
    if (ref) {
      const d = this.resolve(rs.metadata?.namespace, ref);
      if (d) this.enqueue(d);
      return;
    }
    for (const d of this.deploymentsFor(rs)) this.enqueue(d);
  }

  private onReplicaSetUpdate(rs: RS, old: RS): void {
    if (rs.metadata?.resourceVersion === old.metadata?.resourceVersion) return;
    const ref = controllerOf(rs);
    const oldRef = controllerOf(old);
    const refChanged = !deepEqual(ref, oldRef);
    if (refChanged && oldRef) {
      const d = this.resolve(old.metadata?.namespace, oldRef);
      if (d) this.enqueue(d);
    }
    if (ref) {
      const d = this.resolve(rs.metadata?.namespace, ref);
      if (d) this.enqueue(d);
      return;
    }
    const labelsChanged = !deepEqual(rs.metadata?.labels ?? {}, old.metadata?.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.deploymentsFor(rs)) this.enqueue(d);
  }

  private onReplicaSetDelete(rs: RS): void {
    const ref = controllerOf(rs);
    const d = ref && this.resolve(rs.metadata?.namespace, ref);
    if (d) this.enqueue(d);
  }

  /** A Recreate rollout waits for the old pods to be gone: look again when the last one goes. */
  private onPodDelete(pod: PodObject): void {
    const rsRef = controllerOf(pod);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = this.rss.get(`${pod.metadata?.namespace}/${rsRef.name}`);
    if (!rs || rs.metadata?.uid !== rsRef.uid) return;
    const dRef = controllerOf(rs);
    const d = dRef && this.resolve(rs.metadata?.namespace, dRef);
    if (!d || d.spec?.strategy?.type !== 'Recreate') return;
    const remaining = this.rsIndex.owned(d.metadata!.uid!).some((r) => this.podIndex.owned(r.metadata!.uid!).length > 0);
    if (!remaining) this.enqueue(d);
  }

  // ------------------------------------------------------------------ reconcile

  /** Level-triggered sync of one Deployment (`namespace/name`). */
  async reconcile(key: string): Promise<Requeue> {
    const cached = this.deployments.get(key);
    if (!cached) return;
    const d = deepClone(cached);
    if (selectsNothingSpecific(d.spec?.selector)) {
      void this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      const gen = d.metadata?.generation ?? 0;
      if ((d.status?.observedGeneration ?? 0) < gen) {
        d.status = { ...(d.status ?? {}), observedGeneration: gen };
        await this.writeStatus(d);
      }
      return;
    }
    const rsList = await this.replicaSetsFor(d);
    if (d.metadata?.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.sync(d, rsList);
    if (await this.isScalingEvent(d, rsList)) return this.sync(d, rsList);
    if (d.spec?.strategy?.type === 'Recreate') return this.rolloutRecreate(d, rsList);
    return this.rolloutRolling(d, rsList);
  }

  /** The ReplicaSets this Deployment controls, after adopting matching orphans and releasing strays. */
  private async replicaSetsFor(d: DeploymentObject): Promise<RS[]> {
    const md = d.metadata!;
    const selector = safeSelector(d.spec?.selector);
    if (!selector) throw new Error(`invalid selector`);
    const candidates = [...this.rsIndex.owned(md.uid!), ...this.rsIndex.orphansIn(md.namespace ?? '')];
    const { claimed, errors } = await claimObjects(candidates, { uid: md.uid!, namespace: md.namespace, deleting: !!md.deletionTimestamp },
      (rs) => matchLabels(selector, rs.metadata?.labels), {
        canAdopt: async () => {
          const fresh = await this.factory.client.get<DeploymentObject>(R.deployments, md.namespace, md.name!);
          if (fresh.metadata?.uid !== md.uid) throw new Error(`original Deployment ${md.namespace}/${md.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${md.uid}`);
          if (fresh.metadata?.deletionTimestamp) throw new Error(`Deployment ${md.namespace}/${md.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
        },
        adopt: (rs) => this.factory.client.patch<RS>(R.replicasets, rs.metadata?.namespace, rs.metadata!.name!, 'strategic', adoptPatch(newControllerRef(d, API_VERSION, KIND), rs.metadata!.uid!)),
        release: async (rs) => { await this.factory.client.patch(R.replicasets, rs.metadata?.namespace, rs.metadata!.name!, 'strategic', releasePatch(md.uid!, rs.metadata!.uid!)); },
      });
    if (errors.length) throw errors[0];
    return claimed.map((rs) => deepClone(rs));
  }

  private async syncStatusOnly(d: DeploymentObject, rsList: RS[]): Promise<Requeue> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  /** Scaling events and paused Deployments: scale proportionally, no rollout progress. */
  private async sync(d: DeploymentObject, rsList: RS[]): Promise<Requeue> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false);
    await this.applySteps(d, planScale(d, newRS, oldRSs), rsList);
    const fresh = latest(rsList);
    if (d.spec?.paused) await this.cleanup(oldRSs.map(fresh), d);
    await this.syncDeploymentStatus([...oldRSs.map(fresh), fresh(newRS)], fresh(newRS), d);
  }

  private async checkPausedConditions(d: DeploymentObject): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === Reason.TimedOut) return;
    const pausedShown = cond?.reason === Reason.Paused;
    const status = (d.status ??= {});
    if (d.spec?.paused && !pausedShown) {
      setCondition(status, newCondition('Progressing', 'Unknown', Reason.Paused, 'Deployment is paused', this.now()));
    } else if (!d.spec?.paused && pausedShown) {
      setCondition(status, newCondition('Progressing', 'Unknown', Reason.Resumed, 'Deployment is resumed', this.now()));
    } else {
      return;
    }
    await this.writeStatus(d);
  }

  /** A scaling event: an active ReplicaSet was sized for another spec.replicas. */
  private async isScalingEvent(d: DeploymentObject, rsList: RS[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false);
    for (const rs of filterActive([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(d)) return true;
    }
    return false;
  }

  private async rolloutRolling(d: DeploymentObject, rsList: RS[]): Promise<Requeue> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, rsList, true);
    const fresh = latest(rsList);
    const all = () => [...oldRSs.map(fresh), fresh(newRS)];
    // Scale up, if we can.
    const target = planNewReplicaSet(d, all(), fresh(newRS)!);
    if (target !== undefined && await this.scaleAndRecord(fresh(newRS)!, target, d, rsList)) return this.syncRolloutStatus(all(), fresh(newRS), d);
    // Scale down, if we can.
    const steps = planOldReplicaSets(d, all(), filterActive(oldRSs.map(fresh)), fresh(newRS));
    if (await this.applySteps(d, steps, rsList)) return this.syncRolloutStatus(all(), fresh(newRS), d);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(oldRSs.map(fresh), d);
    return this.syncRolloutStatus(all(), fresh(newRS), d);
  }

  private async rolloutRecreate(d: DeploymentObject, rsList: RS[]): Promise<Requeue> {
    // No new ReplicaSet yet: nothing scales up before the old ones are down.
    let { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false);
    let fresh = latest(rsList);
    const all = () => [...oldRSs.map(fresh), fresh(newRS)];
    if (await this.applySteps(d, planRecreateScaleDown(filterActive(oldRSs)), rsList)) return this.syncRolloutStatus(all(), fresh(newRS), d);
    if (this.oldPodsRunning(d, fresh(newRS), oldRSs.map(fresh), rsList)) return this.syncRolloutStatus(all(), fresh(newRS), d);
    if (!newRS) {
      ({ newRS, oldRSs } = await this.allReplicaSets(d, rsList, true));
      fresh = latest(rsList);
    }
    await this.scaleAndRecord(fresh(newRS)!, replicasOf(d), d, rsList);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(oldRSs.map(fresh), d);
    return this.syncRolloutStatus(all(), fresh(newRS), d);
  }

  /** Old pods still exist (any phase but Succeeded/Failed, terminating ones included). */
  private oldPodsRunning(d: DeploymentObject, newRS: RS | undefined, oldRSs: RS[], rsList: RS[]): boolean {
    if (sumActualReplicas(oldRSs) > 0) return true;
    const selector = safeSelector(d.spec?.selector);
    for (const rs of rsList) {
      if (newRS && rs.metadata?.uid === newRS.metadata?.uid) continue;
      for (const pod of this.podIndex.owned(rs.metadata!.uid!)) {
        if (selector && !matchLabels(selector, pod.metadata?.labels)) continue;
        const phase = pod.status?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ ReplicaSets

  /** The new ReplicaSet (created if asked and missing) and all the old ones, revisions in step. */
  private async allReplicaSets(d: DeploymentObject, rsList: RS[], create: boolean): Promise<{ newRS: RS | undefined; oldRSs: RS[] }> {
    const { all } = findOldReplicaSets(d, rsList);
    const newRS = await this.newReplicaSet(d, rsList, all, create);
    return { newRS, oldRSs: all };
  }

  private async newReplicaSet(d: DeploymentObject, rsList: RS[], oldRSs: RS[], create: boolean): Promise<RS | undefined> {
    const existing = findNewReplicaSet(d, rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    const status = (d.status ??= {});
    if (existing) {
      const annotations = { ...(existing.metadata?.annotations ?? {}) };
      const annotationsUpdated = setNewReplicaSetAnnotations(d, annotations, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (existing.spec?.minReadySeconds ?? 0) !== minReady) {
        const copy: RS = { ...existing, metadata: { ...existing.metadata, annotations }, spec: { ...existing.spec!, minReadySeconds: minReady } };
        return this.updateReplicaSet(copy, rsList);
      }
      let needsUpdate = setDeploymentRevision(d, existing.metadata?.annotations?.[REVISION_ANNOTATION]);
      if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
        setCondition(status, newCondition('Progressing', 'True', Reason.FoundNewRS, `Found new replica set "${existing.metadata?.name}"`, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(d);
      return existing;
    }
    if (!create) return undefined;

    const md = d.metadata!;
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const template = deepClone(d.spec!.template);
    const labels = { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash };
    template.metadata = { ...(template.metadata ?? {}), labels };
    const name = `${md.name}-${hash}`;
    const fresh: RS = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name, namespace: md.namespace, ownerReferences: [newControllerRef(d, API_VERSION, KIND)], labels: { ...labels }, annotations: {} },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector: selectorWithHash(d.spec?.selector, hash), template },
    };
    const count = newRSNewReplicas(d, [...oldRSs, fresh], fresh);
    fresh.spec!.replicas = count;
    setNewReplicaSetAnnotations(d, fresh.metadata!.annotations!, newRevision, false);
    let created: RS;
    let alreadyExists = false;
    try {
      created = await this.factory.client.create<RS>(R.replicasets, md.namespace, fresh);
    } catch (err) {
      if (isAlreadyExists(err)) {
        // A slow cache, or a hash collision with a ReplicaSet that is not ours or not this template.
        alreadyExists = true;
        const rs = this.rss.get(`${md.namespace}/${name}`) ?? await this.factory.client.get<RS>(R.replicasets, md.namespace, name).catch(() => undefined);
        if (!rs) throw err;
        if (controllerOf(rs)?.uid === md.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
          created = deepClone(rs);
        } else {
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.writeStatus(d).catch(() => undefined);
          throw err;
        }
      } else if (namespaceTerminating(err)) {
        throw err;
      } else {
        const msg = `Failed to create new replica set "${name}": ${errMessage(err)}`;
        if (hasProgressDeadline(d)) {
          setCondition(status, newCondition('Progressing', 'False', Reason.FailedRSCreate, msg, this.now()));
          await this.writeStatus(d).catch(() => undefined);
        }
        void this.recorder.event(d, 'Warning', Reason.FailedRSCreate, msg);
        throw err;
      }
    }
    if (!rsList.some((rs) => rs.metadata?.uid === created.metadata?.uid)) rsList.push(created);
    if (!alreadyExists && count > 0) void this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} from 0 to ${count}`);
    let needsUpdate = setDeploymentRevision(d, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(status, newCondition('Progressing', 'True', Reason.NewReplicaSet, `Created new replica set "${created.metadata?.name}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(d);
    return created;
  }

  private async updateReplicaSet(rs: RS, rsList: RS[]): Promise<RS> {
    const updated = await this.factory.client.update<RS>(R.replicasets, rs.metadata?.namespace, rs.metadata!.name!, rs);
    const i = rsList.findIndex((x) => x.metadata?.uid === updated.metadata?.uid);
    if (i >= 0) rsList[i] = updated; else rsList.push(updated);
    return updated;
  }

  /** Applies scale steps in order, each on the latest copy; true if any size changed. */
  private async applySteps(d: DeploymentObject, steps: ScaleStep<RS>[], rsList: RS[]): Promise<boolean> {
    let scaled = false;
    for (const step of steps) {
      const rs = latest(rsList)(step.rs)!;
      const changed = step.operation === undefined
        ? await this.scaleAndRecord(rs, step.to, d, rsList)
        : await this.scale(rs, step.to, d, step.operation, rsList);
      scaled ||= changed;
    }
    return scaled;
  }

  private async scaleAndRecord(rs: RS, to: number, d: DeploymentObject, rsList: RS[]): Promise<boolean> {
    const from = replicasOf(rs);
    if (from === to) return false;
    return this.scale(rs, to, d, from < to ? 'up' : 'down', rsList);
  }

  /** Sets a ReplicaSet's size and its desired/max-replicas annotations; true if the size changed. */
  private async scale(rs: RS, to: number, d: DeploymentObject, operation: string, rsList: RS[]): Promise<boolean> {
    const from = replicasOf(rs);
    const desired = replicasOf(d);
    const max = desired + maxSurge(d);
    const sizeChanged = from !== to;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
    const annotations = { ...(rs.metadata?.annotations ?? {}) };
    setReplicasAnnotations(annotations, desired, max);
    const updated = await this.updateReplicaSet({ ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec!, replicas: to } }, rsList);
    if (!sizeChanged) return false;
    void this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata?.name} from ${from} to ${to}`);
    return true;
  }

  /** Deletes the oldest ReplicaSets beyond revisionHistoryLimit that are fully scaled down. */
  private async cleanup(oldRSs: RS[], d: DeploymentObject): Promise<void> {
    if (!hasRevisionHistoryLimit(d)) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const diff = cleanable.length - d.spec!.revisionHistoryLimit!;
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata?.deletionTimestamp) continue;
      await this.factory.client.delete(R.replicasets, rs.metadata?.namespace, rs.metadata!.name!).catch((err) => { if (!isNotFound(err)) throw err; });
    }
  }

  // ------------------------------------------------------------------ status

  private async syncDeploymentStatus(allRSs: Array<RS | undefined>, newRS: RS | undefined, d: DeploymentObject): Promise<void> {
    const next = calculateStatus(allRSs, newRS, d, this.now());
    if (deepEqual(normalizeDeploymentStatus(d.status), normalizeDeploymentStatus(next))) return;
    d.status = next;
    await this.writeStatus(d);
  }

  /** Status during a rollout: Progressing as the rollout moves, completes or runs out of time. */
  private async syncRolloutStatus(allRSs: Array<RS | undefined>, newRS: RS | undefined, d: DeploymentObject): Promise<Requeue> {
    const now = this.now();
    const next = calculateStatus(allRSs, newRS, d, now);
    if (!hasProgressDeadline(d)) removeCondition(next, 'Progressing');
    const current = getCondition(d.status, 'Progressing');
    const complete = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === Reason.NewRSAvailable;
    const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
    if (hasProgressDeadline(d) && !complete) {
      if (deploymentComplete(d, next)) {
        setCondition(next, newCondition('Progressing', 'True', Reason.NewRSAvailable, `${subject} has successfully progressed.`, now));
      } else if (deploymentProgressing(d, next)) {
        // Progress refreshes lastUpdateTime even with the same reason.
        const cond = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, `${subject} is progressing.`, now);
        if (current) {
          if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
          removeCondition(next, 'Progressing');
        }
        setCondition(next, cond);
      } else if (deploymentTimedOut(d, next, now)) {
        setCondition(next, newCondition('Progressing', 'False', Reason.TimedOut, `${subject} has timed out progressing.`, now));
      }
    }
    const failure = replicaFailure(allRSs, newRS);
    if (failure) setCondition(next, failure); else removeCondition(next, 'ReplicaFailure');
    if (deepEqual(normalizeDeploymentStatus(d.status), normalizeDeploymentStatus(next))) return this.requeueStuck(d, next, now);
    d.status = next;
    await this.writeStatus(d);
  }

  /** When a rollout shows no progress, look again when its progress deadline would pass. */
  private requeueStuck(d: DeploymentObject, next: DeploymentStatus, now: number): Requeue {
    const cond = getCondition(d.status, 'Progressing');
    if (!hasProgressDeadline(d) || !cond) return;
    if (deploymentComplete(d, next) || cond.reason === Reason.TimedOut) return;
    const since = timeMs(cond.lastUpdateTime);
    if (since === undefined) return;
    const after = since + d.spec!.progressDeadlineSeconds! * 1000 - now;
    return { requeueAfterMs: after < 1000 ? 100 : after + 1000 };
  }

  /**
   * Writes status through the status subresource. Kubernetes also takes the Deployment's
   * annotations from a status update (that is how the revision annotation gets there); when this
   * API server keeps them, the revision annotation is written with a patch of the Deployment.
   */
  private async writeStatus(d: DeploymentObject): Promise<void> {
    const md = d.metadata!;
    const res = await this.factory.client.update<DeploymentObject>(R.deployments, md.namespace, md.name!, d, 'status');
    Object.assign(md, { resourceVersion: res.metadata?.resourceVersion });
    const want = md.annotations?.[REVISION_ANNOTATION];
    if (want !== undefined && res.metadata?.annotations?.[REVISION_ANNOTATION] !== want) {
      const patched = await this.factory.client.patch<DeploymentObject>(R.deployments, md.namespace, md.name!, 'merge', { metadata: { annotations: { [REVISION_ANNOTATION]: want } } });
      Object.assign(md, { resourceVersion: patched.metadata?.resourceVersion });
    }
  }
}

/** Looks a ReplicaSet up by uid in the (updated in place) list: the latest copy this sync has. */
function latest(rsList: RS[]): <X extends RS | undefined>(rs: X) => X {
  return <X extends RS | undefined>(rs: X): X => (rs ? rsList.find((x) => x.metadata?.uid === rs.metadata?.uid) ?? rs : rs) as X;
}

/** Sets the Deployment's revision annotation; true if it changed. */
function setDeploymentRevision(d: DeploymentObject, revision: string | undefined): boolean {
  if (revision === undefined) return false;
  const md = d.metadata!;
  if (md.annotations?.[REVISION_ANNOTATION] === revision) return false;
  md.annotations = { ...(md.annotations ?? {}), [REVISION_ANNOTATION]: revision };
  return true;
}

/** The ReplicaFailure condition of the new ReplicaSet, else of any other, as a Deployment condition. */
function replicaFailure(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined) {
  const from = (rs: ReplicaSet | undefined) => rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  const c = from(newRS) ?? allRSs.map(from).find((x) => x);
  return c && { type: 'ReplicaFailure', status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime };
}
