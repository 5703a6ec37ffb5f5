// An index over an informer's objects by controller: the objects a given controller uid controls,
// and the orphans (no controller) of each namespace. Kept current from the informer's handlers, so
// a controller finds its candidates without scanning every object of the cluster.
import type { KubeObject } from '../../api/object.js';
import { keyOf } from '../../client/informer.js';
import { controllerOf } from './controllerref.js';

interface Slot {
  owner?: string;
  namespace: string;
}

export class OwnerIndex<T extends KubeObject> {
  private byOwner = new Map<string, Map<string, T>>();
  private orphans = new Map<string, Map<string, T>>();
  private slots = new Map<string, Slot>();

  upsert(obj: T): void {
    const key = keyOf(obj);
    this.removeKey(key);
    const owner = controllerOf(obj)?.uid;
    const namespace = obj.metadata?.namespace ?? '';
    const bucket = owner ? this.bucket(this.byOwner, owner) : this.bucket(this.orphans, namespace);
    bucket.set(key, obj);
    this.slots.set(key, { owner, namespace });
  }

  remove(obj: T): void {
    this.removeKey(keyOf(obj));
  }

  /** Objects whose controller has this uid. */
  owned(uid: string): T[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  /** Objects without a controller in this namespace. */
  orphansIn(namespace: string): T[] {
    return [...(this.orphans.get(namespace)?.values() ?? [])];
  }

  private bucket(m: Map<string, Map<string, T>>, k: string): Map<string, T> {
    let b = m.get(k);
    if (!b) m.set(k, (b = new Map()));
    return b;
  }

  private removeKey(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    const m = slot.owner ? this.byOwner : this.orphans;
    const k = slot.owner ?? slot.namespace;
    const b = m.get(k);
    b?.delete(key);
    if (b && !b.size) m.delete(k);
  }
}
