// ControllerRevisions (after Kubernetes' pkg/controller/history), shared by the StatefulSet and
// DaemonSet controllers: each distinct pod template an owner has had is kept as a ControllerRevision
// `<owner>-<hash>` holding `{"spec":{"template":{...,"$patch":"replace"}}}`, numbered by revision;
// going back to an earlier template re-numbers the old revision instead of making a new one.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../api/object.js';
import { deepClone } from '../../api/object.js';
import type { KubeClient } from '../../client/client.js';
import { R } from '../../client/factory.js';
import { canonicalJson, controllerRef, fnv32a, isAlreadyExists, isNotFound, safeEncodeString } from '../job/controllerutil.js';

export const REVISION_HASH_LABEL = 'controller-revision-hash';

export type Revision = ControllerRevision & KubeObject;

/** The data a revision stores for a pod template. */
export function revisionData(template: PodTemplateSpec | undefined): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...(deepClone(template ?? {}) as Record<string, unknown>), $patch: 'replace' } } };
}

/** The pod template a revision holds. */
export function templateOf(rev: ControllerRevision): PodTemplateSpec {
  const t = deepClone(((rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template) ?? {});
  delete t.$patch;
  return t as PodTemplateSpec;
}

/** FNV-32a of the revision data (and the collision count), spelled with Kubernetes' safe alphabet. */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  return safeEncodeString(String(fnv32a(canonicalJson(data), collisionCount)));
}

export function revisionName(owner: string, hash: string): string {
  const prefix = owner.length > 223 ? owner.slice(0, 223) : owner;
  return `${prefix}-${hash}`;
}

export function equalRevisionData(a: ControllerRevision, b: { data?: unknown }): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

export function sortRevisions<T extends ControllerRevision>(revs: T[]): T[] {
  return [...revs].sort((a, b) => (a.revision - b.revision) || (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export interface SyncedRevisions {
  update: Revision;
  /** all of the owner's revisions after the sync, oldest first */
  revisions: Revision[];
  collisionCount: number;
}

/**
 * Finds or makes the revision for the owner's current template: the latest revision if it already
 * holds this template; an older equal one re-numbered as the newest (a rollback); else a new one.
 */
export async function syncRevisions(client: KubeClient, owner: KubeObject, existing: Revision[], template: PodTemplateSpec | undefined, collisionCountIn: number): Promise<SyncedRevisions> {
  const revisions = sortRevisions(existing);
  let collisionCount = collisionCountIn;
  const data = revisionData(template);
  const nextNumber = revisions.length ? revisions[revisions.length - 1].revision + 1 : 1;
  const equal = revisions.filter((r) => equalRevisionData(r, { data }));
  if (equal.length && revisions[revisions.length - 1] === equal[equal.length - 1]) {
    return { update: equal[equal.length - 1], revisions, collisionCount };
  }
  if (equal.length) {
    const old = equal[equal.length - 1];
    const bumped = await client.patch<Revision>(R.controllerrevisions, old.metadata!.namespace, old.metadata!.name!, 'merge', { revision: nextNumber });
    return { update: bumped, revisions: sortRevisions(revisions.map((r) => (r === old ? bumped : r))), collisionCount };
  }
  const ns = owner.metadata!.namespace;
  const templateLabels = template?.metadata?.labels ?? {};
  for (;;) {
    const hash = hashRevisionData(data, collisionCount || undefined);
    const name = revisionName(owner.metadata!.name!, hash);
    const rev: Revision = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: { name, namespace: ns, labels: { ...templateLabels, [REVISION_HASH_LABEL]: hash }, ownerReferences: [controllerRef(owner)] },
      data, revision: nextNumber,
    };
    try {
      const created = await client.create<Revision>(R.controllerrevisions, ns, rev);
      return { update: created, revisions: [...revisions, created], collisionCount };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const clash = await client.get<Revision>(R.controllerrevisions, ns, name);
      if (clash.metadata?.ownerReferences?.some((o) => o.uid === owner.metadata?.uid) && equalRevisionData(clash, rev)) {
        return { update: clash, revisions: sortRevisions([...revisions.filter((r) => r.metadata?.name !== name), clash]), collisionCount };
      }
      collisionCount++;
    }
  }
}

/** Deletes the oldest revisions not in `live` beyond `limit`. */
export async function truncateHistory(client: KubeClient, revisions: Revision[], live: Set<string>, limit: number): Promise<void> {
  const dead = sortRevisions(revisions).filter((r) => !live.has(r.metadata!.name!));
  const n = dead.length - limit;
  for (let i = 0; i < n; i++) {
    await client.delete(R.controllerrevisions, dead[i].metadata!.namespace, dead[i].metadata!.name!).catch((err) => { if (!isNotFound(err)) throw err; });
  }
}
