// The garbage collector: deletes objects whose owners are all gone (background propagation), deletes
// an owner's dependents before the owner when it is deleted in the foreground, and releases
// dependents (removes their ownerReferences) for orphan deletion. It sees every resource through
// informers and meets other parts only through API objects.
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { parseApiVersion } from '../../api/object.js';
import type { KubeClient, ResourceRef } from '../../client/client.js';
import type { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/factory.js';
import { WorkQueue } from '../../client/workqueue.js';

type Ref = ResourceRef & { kind: string; verbs: string[] };

interface Node {
  ref: Ref;
  obj: KubeObject;
}

export class GarbageCollector {
  private informers = new Map<string, Informer>();
  private byUid = new Map<string, Node>();
  private dependents = new Map<string, Set<string>>();
  private queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 10_000 });
  private kinds = new Map<string, Ref>();
  private timer: NodeJS.Timeout | undefined;

  private readonly client: KubeClient;

  constructor(private readonly factory: InformerFactory) {
    this.client = factory.client;
  }

  async start(): Promise<void> {
    await this.sync(true);
    this.timer = setInterval(() => void this.sync().catch(() => undefined), 10_000);
    this.queue.run(4, (uid) => this.reconcile(uid), (key, err) => console.error(`garbage collector: ${key}: ${(err as Error).message}`));
  }

  stop(): void {
    clearInterval(this.timer);
    this.queue.shutdown();
  }

  /** Follows the served resources (CRDs come and go). */
  private async sync(first = false): Promise<void> {
    const resources = await this.client.discover();
    for (const r of resources) {
      if (!r.verbs.includes('list') || !r.verbs.includes('watch') || !r.verbs.includes('delete')) continue;
      this.kinds.set(`${r.group}/${r.kind}`, r);
      const id = `${r.group}/${r.resource}`;
      if (this.informers.has(id)) continue;
      const inf = this.factory.informer(r);
      inf.on({
        add: (o) => this.observe(r, o),
        update: (o) => this.observe(r, o),
        delete: (o) => this.forgetObj(o),
      });
      this.informers.set(id, inf);
    }
    // The factory starts informers requested after it started; the first time, it may not have.
    if (first) this.factory.start();
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  private observe(ref: Ref, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const old = this.byUid.get(uid);
    for (const o of old?.obj.metadata?.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(uid);
    this.byUid.set(uid, { ref, obj });
    for (const o of obj.metadata?.ownerReferences ?? []) {
      let s = this.dependents.get(o.uid);
      if (!s) this.dependents.set(o.uid, (s = new Set()));
      s.add(uid);
    }
    if (obj.metadata?.ownerReferences?.length || obj.metadata?.deletionTimestamp) this.queue.add(uid);
  }

  private forgetObj(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    this.byUid.delete(uid);
    for (const o of obj.metadata?.ownerReferences ?? []) {
      this.dependents.get(o.uid)?.delete(uid);
      // an owner being deleted in the foreground may now be finished
      if (this.byUid.has(o.uid)) this.queue.add(o.uid);
    }
    // dependents of a vanished owner need a look
    for (const d of this.dependents.get(uid) ?? []) this.queue.add(d);
  }

  /** Is this owner gone? Asks the API server, not the cache, before acting on an absence. */
  private async ownerAbsent(owner: OwnerReference, namespace: string | undefined): Promise<boolean> {
    const known = this.byUid.get(owner.uid);
    if (known) return false;
    const { group } = parseApiVersion(owner.apiVersion);
    const ref = this.kinds.get(`${group}/${owner.kind}`);
    if (!ref) return false; // unknown kind: leave the dependent alone
    try {
      const live = await this.client.get(ref, ref.namespaced ? namespace : undefined, owner.name);
      return live.metadata?.uid !== owner.uid;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return true;
      throw err;
    }
  }

  private async reconcile(uid: string): Promise<void | { requeueAfterMs?: number }> {
    const node = this.byUid.get(uid);
    if (!node) return;
    const { ref, obj } = node;
    const md = obj.metadata!;
    const finalizers = md.finalizers ?? [];
    if (md.deletionTimestamp && finalizers.includes('orphan')) return this.orphanDependents(node);
    if (md.deletionTimestamp && finalizers.includes('foregroundDeletion')) return this.deleteForeground(node);
    const owners = md.ownerReferences ?? [];
    if (!owners.length || md.deletionTimestamp) return;
    const absent: OwnerReference[] = [];
    let waitingForeground = false;
    for (const o of owners) {
      if (await this.ownerAbsent(o, md.namespace)) { absent.push(o); continue; }
      const owner = this.byUid.get(o.uid);
      if (owner?.obj.metadata?.deletionTimestamp && owner.obj.metadata.finalizers?.includes('foregroundDeletion')) waitingForeground = true;
    }
    if (absent.length === owners.length) {
      await this.deleteObj(ref, obj, 'Background');
      return;
    }
    if (waitingForeground && absent.length + owners.filter((o) => {
      const n = this.byUid.get(o.uid);
      return n?.obj.metadata?.deletionTimestamp && n.obj.metadata.finalizers?.includes('foregroundDeletion');
    }).length === owners.length) {
      await this.deleteObj(ref, obj, 'Foreground');
      return;
    }
    if (absent.length) {
      // Some owners remain: drop the references to the ones that are gone.
      const keep = owners.filter((o) => !absent.includes(o));
      await this.client.patch(ref, md.namespace, md.name!, 'merge', { metadata: { ownerReferences: keep, uid: md.uid } }).catch(ignoreNotFound);
    }
  }

  private async deleteObj(ref: Ref, obj: KubeObject, propagationPolicy: string): Promise<void> {
    await this.client.delete(ref, obj.metadata?.namespace, obj.metadata!.name!, { propagationPolicy, preconditions: { uid: obj.metadata!.uid } }).catch(ignoreNotFound);
  }

  private async orphanDependents(node: Node): Promise<void> {
    const uid = node.obj.metadata!.uid!;
    for (const d of [...(this.dependents.get(uid) ?? [])]) {
      const dep = this.byUid.get(d);
      if (!dep) continue;
      const refs = (dep.obj.metadata?.ownerReferences ?? []).filter((o) => o.uid !== uid);
      await this.client.patch(dep.ref, dep.obj.metadata?.namespace, dep.obj.metadata!.name!, 'merge', { metadata: { ownerReferences: refs.length ? refs : null } }).catch(ignoreNotFound);
    }
    await this.removeFinalizer(node, 'orphan');
  }

  private async deleteForeground(node: Node): Promise<void | { requeueAfterMs?: number }> {
    const uid = node.obj.metadata!.uid!;
    const deps = [...(this.dependents.get(uid) ?? [])].map((d) => this.byUid.get(d)).filter((d): d is Node => !!d);
    const blocking = deps.filter((d) => d.obj.metadata?.ownerReferences?.some((o) => o.uid === uid && o.blockOwnerDeletion));
    for (const d of deps) {
      if (!d.obj.metadata?.deletionTimestamp) await this.deleteObj(d.ref, d.obj, 'Foreground');
    }
    if (blocking.length) return { requeueAfterMs: 1000 };
    await this.removeFinalizer(node, 'foregroundDeletion');
  }

  private async removeFinalizer(node: Node, finalizer: string): Promise<void> {
    const md = node.obj.metadata!;
    const rest = (md.finalizers ?? []).filter((f) => f !== finalizer);
    await this.client.patch(node.ref, md.namespace, md.name!, 'json', [
      { op: 'test', path: '/metadata/uid', value: md.uid },
      { op: 'replace', path: '/metadata/finalizers', value: rest },
    ]).catch(ignoreNotFound);
  }
}

function ignoreNotFound(err: unknown): void {
  if (err instanceof StatusError && err.code === 404) return;
  throw err;
}
