// ControllerRef handling shared by the workload controllers (after Kubernetes'
// ControllerRefManager): an owner claims the objects its selector matches. It keeps what it already
// controls, adopts matching orphans (a strategic-merge patch adding a controller ownerReference),
// and releases what it controls but no longer matches.
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';

/** The ownerReference with controller: true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** A controller reference to `owner` (controller and blockOwnerDeletion set). */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The strategic-merge patch that makes `owner` the controller of the object with uid `uid`. */
export function adoptPatch(ref: OwnerReference, uid: string): Record<string, unknown> {
  return { metadata: { ownerReferences: [ref], uid } };
}

/** The strategic-merge patch that removes the owner reference with uid `ownerUid`. */
export function releasePatch(ownerUid: string, uid: string): Record<string, unknown> {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid } };
}

export type ClaimAction = 'keep' | 'adopt' | 'release' | 'ignore';

export interface ClaimOwner {
  uid: string;
  namespace?: string;
  /** the owner is being deleted: it neither adopts nor releases */
  deleting: boolean;
}

/** What an owner does with one candidate object (ClaimObject's decision). */
export function claimAction(obj: KubeObject, owner: ClaimOwner, matches: boolean): ClaimAction {
  const ref = controllerOf(obj);
  if (ref) {
    if (ref.uid !== owner.uid) return 'ignore';
    if (matches) return 'keep';
    return owner.deleting ? 'ignore' : 'release';
  }
  if (owner.deleting || !matches) return 'ignore';
  if (obj.metadata?.deletionTimestamp) return 'ignore';
  if (owner.namespace && owner.namespace !== obj.metadata?.namespace) return 'ignore';
  return 'adopt';
}

export interface ClaimOps<T extends KubeObject> {
  /** re-checks (once, uncached) that the owner still exists and is not being deleted */
  canAdopt: () => Promise<void>;
  adopt: (obj: T) => Promise<T>;
  release: (obj: T) => Promise<void>;
}

const isNotFound = (err: unknown) => err instanceof StatusError && err.code === 404;

/**
 * Claims objects for an owner: returns those it now controls. Every candidate is tried; the first
 * error (other than NotFound) is thrown after the others were handled, with the claimed list kept.
 */
export async function claimObjects<T extends KubeObject>(candidates: readonly T[], owner: ClaimOwner, matches: (obj: T) => boolean, ops: ClaimOps<T>): Promise<{ claimed: T[]; errors: unknown[] }> {
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptCheck: Promise<void> | undefined;
  for (const obj of candidates) {
    const action = claimAction(obj, owner, matches(obj));
    try {
      if (action === 'keep') claimed.push(obj);
      else if (action === 'release') await ops.release(obj);
      else if (action === 'adopt') {
        adoptCheck ??= ops.canAdopt();
        await adoptCheck;
        claimed.push(await ops.adopt(obj));
      }
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  return { claimed, errors };
}
