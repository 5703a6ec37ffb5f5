// The DaemonSet controller (after Kubernetes' pkg/controller/daemon): one pod per eligible node
// (nodeSelector, required node affinity, taints vs. tolerations), each created with the affinity
// `matchFields metadata.name In [node]` so that the scheduler binds it there (spec.nodeName is not
// set); failed daemon pods are replaced (with a per-node backoff); RollingUpdate with maxUnavailable
// or maxSurge, or OnDelete; ControllerRevisions; the status counts Kubernetes reports.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../api/object.js';
import { deepClone, deepEqual } from '../../api/object.js';
import type { InformerFactory } from '../../client/factory.js';
import { R } from '../../client/factory.js';
import { matchLabels } from '../../api/selectors.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../client/events.js';
import {
  claimObjects, controllerOf, controllerRef, intOrPercent, isNotFound, isPodAvailable, isPodReady, logError, OwnerIndex,
  parseTime, realClock, selectorOf, type Clock,
} from '../job/controllerutil.js';
import { Expectations } from '../job/expectations.js';
import { syncRevisions, truncateHistory, REVISION_HASH_LABEL, type Revision } from '../statefulset/history.js';
import { affinityForNode, daemonPodTemplate, nodeShouldRunDaemonPod, targetNodeName } from './eligibility.js';

export * from './eligibility.js';

export interface DaemonSetControllerOptions {
  clock?: Clock;
  workers?: number;
  recorder?: EventRecorder;
  /** first delay before replacing a failed daemon pod on a node again (default 1 s, doubling to 15 min) */
  failedPodBackoffMs?: number;
}

type Ds = DaemonSet & KubeObject;
type P = Pod & KubeObject;

const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** Scheduled pods first, then oldest first, then by name. */
function byCreationAndPhase(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 0 : 1;
  const sb = b.spec?.nodeName ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const ta = parseTime(a.metadata?.creationTimestamp) || 0;
  const tb = parseTime(b.metadata?.creationTimestamp) || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

function isPodUpdated(pod: Pod, hash: string, ds: DaemonSet): boolean {
  const gen = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  const templateMatches = gen !== undefined && pod.metadata?.labels?.['pod-template-generation'] === gen;
  const hashMatches = hash.length > 0 && pod.metadata?.labels?.[REVISION_HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}

export class DaemonSetController {
  private readonly sets: Informer<Ds>;
  private readonly pods: Informer<P>;
  private readonly nodes: Informer<Node & KubeObject>;
  private readonly revisions: Informer<Revision>;
  private readonly podIndex = new OwnerIndex<P>();
  private readonly revIndex = new OwnerIndex<Revision>();
  private readonly queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 30_000 });
  private readonly expectations = new Expectations();
  private readonly backoff = new Map<string, { delay: number; until: number }>();
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;

  constructor(private readonly factory: InformerFactory, private readonly opts: DaemonSetControllerOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.recorder = opts.recorder ?? new EventRecorder(factory.client, 'daemonset-controller');
    this.sets = factory.informer<Ds>(R.daemonsets);
    this.pods = factory.informer<P>(R.pods);
    this.nodes = factory.informer<Node & KubeObject>(R.nodes);
    this.revisions = factory.informer<Revision>(R.controllerrevisions);
  }

  async start(): Promise<void> {
    this.sets.on({
      add: (s) => this.queue.add(keyOf(s)),
      update: (s) => this.queue.add(keyOf(s)),
      delete: (s) => this.expectations.forget(keyOf(s)),
    });
    const dsKey = (p: KubeObject) => {
      const ref = controllerOf(p);
      return ref?.kind === 'DaemonSet' ? `${p.metadata?.namespace}/${ref.name}` : undefined;
    };
    this.pods.on({
      add: (p) => {
        this.podIndex.upsert(p);
        const k = dsKey(p);
        if (k) { this.expectations.creationObserved(k); this.queue.add(k); } else if (p.metadata?.labels) this.enqueueNamespace(p.metadata.namespace);
      },
      update: (p, old) => {
        this.podIndex.upsert(p);
        const k = dsKey(p);
        if (k) {
          if (p.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) this.expectations.deletionObserved(k);
          this.queue.add(k);
        }
        const ok = dsKey(old);
        if (ok && ok !== k) this.queue.add(ok);
      },
      delete: (p) => {
        this.podIndex.remove(p);
        const k = dsKey(p);
        if (k) { if (!p.metadata?.deletionTimestamp) this.expectations.deletionObserved(k); this.queue.add(k); }
      },
    });
    // any node change may change where daemons belong
    const allSets = () => { for (const s of this.sets.list()) this.queue.add(keyOf(s)); };
    this.nodes.on({
      add: allSets,
      update: (n, old) => { if (!deepEqual(n.metadata?.labels, old.metadata?.labels) || !deepEqual(n.spec, old.spec)) allSets(); },
      delete: allSets,
    });
    this.revisions.on({
      add: (r) => this.revIndex.upsert(r),
      update: (r) => this.revIndex.upsert(r),
      delete: (r) => this.revIndex.remove(r),
    });
    this.factory.start();
    await Promise.all([this.sets.waitForSync(), this.pods.waitForSync(), this.nodes.waitForSync(), this.revisions.waitForSync()]);
    this.queue.run(this.opts.workers ?? 2, (key) => this.reconcile(key), logError('daemonset-controller'));
  }

  stop(): void {
    this.queue.shutdown();
  }

  private enqueueNamespace(ns: string | undefined): void {
    for (const s of this.sets.list()) if (s.metadata?.namespace === ns) this.queue.add(keyOf(s));
  }

  async reconcile(key: string): Promise<void | { requeueAfterMs?: number }> {
    const cached = this.sets.get(key);
    if (!cached) return;
    const ds: Ds = { ...deepClone(cached), apiVersion: 'apps/v1', kind: 'DaemonSet' };
    const ns = ds.metadata!.namespace!;
    const uid = ds.metadata!.uid!;
    const selector = selectorOf(ds.spec?.selector);
    if (selector.empty) return;
    const nodes = this.nodes.list();
    const pods = await claimObjects(this.factory.client, R.pods, ds, selector, [...this.podIndex.owned(uid), ...this.podIndex.orphansIn(ns)]) as P[];
    const revs = await claimObjects(this.factory.client, R.controllerrevisions, ds, selector, [...this.revIndex.owned(uid), ...this.revIndex.orphansIn(ns)]) as Revision[];
    const synced = ds.metadata?.deletionTimestamp ? undefined : await syncRevisions(this.factory.client, ds, revs, ds.spec?.template, ds.status?.collisionCount ?? 0);
    const hash = synced?.update.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
    const now = this.clock.now();
    let requeue: number | undefined;
    let err: unknown;
    if (!ds.metadata?.deletionTimestamp && this.expectations.satisfied(key)) {
      try {
        requeue = await this.manage(key, ds, nodes, pods, hash, now);
        if (this.expectations.satisfied(key) && ds.spec?.updateStrategy?.type !== 'OnDelete') {
          // re-read the pods: the ones manage() just created or deleted must be seen here
          const fresh = this.podIndex.owned(uid).filter((p) => matchLabels(selector, p.metadata?.labels));
          await this.rollingUpdate(key, ds, nodes, this.nodeToPods(fresh, false), hash, now);
        }
      } catch (e) {
        err = e;
      }
      if (synced) {
        const live = new Set<string>([synced.update.metadata!.name!]);
        const hashes = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL]).filter((h): h is string => !!h));
        for (const r of synced.revisions) if (hashes.has(r.metadata?.labels?.[REVISION_HASH_LABEL] ?? '')) live.add(r.metadata!.name!);
        await truncateHistory(this.factory.client, synced.revisions, live, ds.spec?.revisionHistoryLimit ?? 10);
      }
    }
    await this.updateStatus(ds, nodes, this.nodeToPods(pods, false), hash, now, synced?.collisionCount);
    if (err) throw err;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && pods.some((p) => isPodReady(p) && !isPodAvailable(p, minReady, now))) requeue = Math.min(requeue ?? Infinity, 1000);
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  }

  /** Daemon pods by the node they are for (spec.nodeName or their node affinity). */
  private nodeToPods(pods: P[], includeDeletedTerminal: boolean): Map<string, P[]> {
    const m = new Map<string, P[]>();
    for (const p of pods) {
      const terminal = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
      if (!includeDeletedTerminal && terminal && p.metadata?.deletionTimestamp) continue;
      const n = targetNodeName(p.spec);
      if (!n) continue;
      let l = m.get(n);
      if (!l) m.set(n, (l = []));
      l.push(p);
    }
    return m;
  }

  /** Creates missing daemon pods and deletes the ones that should go; returns a requeue delay for backoffs. */
  private async manage(key: string, ds: Ds, nodes: Node[], pods: P[], hash: string, now: number): Promise<number | undefined> {
    const byNode = this.nodeToPods(pods, true);
    const create: string[] = [];
    const del: P[] = [];
    let requeue: number | undefined;
    for (const node of nodes) {
      const name = node.metadata!.name!;
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      const daemonPods = byNode.get(name) ?? [];
      if (shouldRun && daemonPods.length === 0) { create.push(name); continue; }
      if (shouldContinueRunning) {
        const running: P[] = [];
        for (const p of daemonPods) {
          if (p.metadata?.deletionTimestamp) continue;
          if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') {
            const bk = `${key}/${name}`;
            const b = this.backoff.get(bk);
            if (b && now < b.until) { requeue = Math.min(requeue ?? Infinity, b.until - now); continue; }
            const delay = b ? Math.min(b.delay * 2, 15 * 60_000) : (this.opts.failedPodBackoffMs ?? 1000);
            this.backoff.set(bk, { delay, until: now + delay });
            if (p.status?.phase === 'Failed') void this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata?.namespace}/${p.metadata?.name} on node ${name}, will try to kill it`);
            else void this.recorder.event(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${p.metadata?.namespace}/${p.metadata?.name} on node ${name}, will try to delete it`);
            del.push(p);
          } else running.push(p);
        }
        if (running.length <= 1) continue;
        running.sort(byCreationAndPhase);
        const surge = intOrPercent(ds.spec?.updateStrategy?.rollingUpdate?.maxSurge as number | string | undefined, 1, true, 0) > 0 && ds.spec?.updateStrategy?.type !== 'OnDelete';
        if (!surge) { del.push(...running.slice(1)); continue; }
        // surge: keep the oldest new and the oldest old pod; the rolling update retires the old one
        let newest: P | undefined;
        let oldest: P | undefined;
        for (const p of running) {
          if (isPodUpdated(p, hash, ds)) { if (!newest) { newest = p; continue; } } else if (!oldest) { oldest = p; continue; }
          del.push(p);
        }
      } else {
        for (const p of daemonPods) if (!p.metadata?.deletionTimestamp) del.push(p);
      }
    }
    await this.syncNodes(key, ds, del, create, hash);
    return requeue;
  }

  private async syncNodes(key: string, ds: Ds, del: P[], create: string[], hash: string): Promise<void> {
    this.expectations.expect(key, create.length, del.length);
    const template = daemonPodTemplate(ds, hash);
    let firstErr: unknown;
    // slow start for creations: 1, 2, 4, ... stop at the first failure
    let i = 0;
    let batch = 1;
    while (i < create.length && !firstErr) {
      const nodesNow = create.slice(i, i + batch);
      const results = await Promise.allSettled(nodesNow.map((n) => this.createPod(ds, template, n)));
      for (const r of results) if (r.status === 'rejected') { this.expectations.creationObserved(key); firstErr ??= r.reason; }
      i += nodesNow.length;
      batch *= 2;
    }
    for (; i < create.length; i++) this.expectations.creationObserved(key);
    await Promise.all(del.map(async (p) => {
      try {
        await this.factory.client.delete(R.pods, p.metadata!.namespace, p.metadata!.name!, { preconditions: { uid: p.metadata!.uid } });
        void this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
      } catch (err) {
        this.expectations.deletionObserved(key);
        if (isNotFound(err)) return;
        void this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
        firstErr ??= err;
      }
    }));
    if (firstErr) throw firstErr;
  }

  private async createPod(ds: Ds, template: ReturnType<typeof daemonPodTemplate>, node: string): Promise<void> {
    const t = deepClone(template);
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { ...(t.metadata ?? {}), generateName: `${ds.metadata!.name}-`, namespace: ds.metadata!.namespace, ownerReferences: [controllerRef(ds)] },
      spec: { ...t.spec!, affinity: affinityForNode(t.spec?.affinity, node) },
    };
    try {
      const created = await this.factory.client.create<Pod>(R.pods, ds.metadata!.namespace, pod);
      void this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    } catch (err) {
      void this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  private desired(ds: Ds, nodes: Node[]): number {
    return nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).length;
  }

  /** One step of a rolling update (maxUnavailable, or maxSurge when it is non-zero). */
  private async rollingUpdate(key: string, ds: Ds, nodes: Node[], byNode: Map<string, P[]>, hash: string, now: number): Promise<void> {
    const desired = this.desired(ds, nodes);
    const ru = ds.spec?.updateStrategy?.rollingUpdate;
    const maxSurge = intOrPercent(ru?.maxSurge as number | string | undefined, desired, true, 0);
    let maxUnavailable = intOrPercent(ru?.maxUnavailable as number | string | undefined, desired, true, 1);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const available = (p: Pod) => isPodAvailable(p, minReady, now);
    const nodeByName = new Map(nodes.map((n) => [n.metadata!.name!, n]));
    const split = (ps: P[]): { newPod?: P; oldPod?: P; ok: boolean } => {
      let newPod: P | undefined;
      let oldPod: P | undefined;
      for (const p of ps) {
        if (p.metadata?.deletionTimestamp) continue;
        if (isPodUpdated(p, hash, ds)) { if (newPod) return { ok: false }; newPod = p; } else { if (oldPod) return { ok: false }; oldPod = p; }
      }
      return { newPod, oldPod, ok: true };
    };
    if (maxSurge === 0) {
      let unavailable = 0;
      const allowed: P[] = [];
      const candidates: P[] = [];
      for (const [, ps] of byNode) {
        const { newPod, oldPod, ok } = split(ps);
        if (!ok) { unavailable++; continue; }
        if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
        else if (newPod) { if (!available(newPod)) unavailable++; }
        else if (!available(oldPod!)) { allowed.push(oldPod!); unavailable++; }
        else if (unavailable < maxUnavailable) candidates.push(oldPod!);
      }
      const remaining = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
      const del = [...allowed, ...candidates.slice(0, remaining)];
      if (del.length) await this.syncNodes(key, ds, del, [], hash);
      return;
    }
    const oldToDelete: P[] = [];
    const shouldNotRun: P[] = [];
    const candidateNodes: string[] = [];
    const allowedNodes: string[] = [];
    let surge = 0;
    let numAvailable = 0;
    for (const [nodeName, ps] of byNode) {
      const { newPod, oldPod, ok } = split(ps);
      if (!ok) { surge++; continue; }
      if (oldPod) { if (available(oldPod)) numAvailable++; } else if (newPod && available(newPod)) numAvailable++;
      if (!oldPod) continue;
      const node = nodeByName.get(nodeName);
      const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
      if (!newPod) {
        if (!available(oldPod)) {
          if (!shouldRun) { oldToDelete.push(oldPod); continue; }
          allowedNodes.push(nodeName);
        } else {
          if (!shouldRun) { shouldNotRun.push(oldPod); continue; }
          if (surge >= maxSurge) continue;
          candidateNodes.push(nodeName);
        }
      } else {
        if (!available(newPod)) { surge++; continue; }
        oldToDelete.push(oldPod);
      }
    }
    const deletable = Math.min(Math.max(0, numAvailable - desired), shouldNotRun.length);
    oldToDelete.push(...shouldNotRun.slice(0, deletable));
    const remaining = Math.max(0, Math.min(maxSurge - surge, candidateNodes.length));
    const create = [...allowedNodes, ...candidateNodes.slice(0, remaining)];
    if (oldToDelete.length || create.length) await this.syncNodes(key, ds, oldToDelete, create, hash);
  }

  private async updateStatus(ds: Ds, nodes: Node[], byNode: Map<string, P[]>, hash: string, now: number, collisionCount: number | undefined): Promise<void> {
    let desired = 0;
    let current = 0;
    let mis = 0;
    let ready = 0;
    let avail = 0;
    let updated = 0;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const ps = byNode.get(node.metadata!.name!) ?? [];
      const scheduled = ps.length > 0;
      if (!shouldRun) { if (scheduled) mis++; continue; }
      desired++;
      if (!scheduled) continue;
      current++;
      const p = [...ps].sort(byCreationAndPhase)[0];
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) avail++;
      }
      if (isPodUpdated(p, hash, ds)) updated++;
    }
    const status: DaemonSetStatus = {
      ...(ds.status ?? {}),
      currentNumberScheduled: current,
      numberMisscheduled: mis,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata?.generation,
      updatedNumberScheduled: updated,
      numberAvailable: avail,
      numberUnavailable: desired - avail,
      ...(collisionCount ? { collisionCount } : {}),
    };
    if (deepEqual(status, ds.status ?? {})) return;
    await this.factory.client.update(R.daemonsets, ds.metadata!.namespace, ds.metadata!.name!, { ...ds, status }, 'status');
  }
}
