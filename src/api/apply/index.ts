// Server-side apply and managedFields tracking, as pure functions.
//
// serverSideApply merges an applied configuration into the live object the way Kubernetes'
// structured-merge-diff does (list-maps by key, set-lists by value, atomic values replaced),
// prunes what the applier owned before and no longer applies (unless someone else owns it),
// and reports conflicts with other managers. trackUpdate records, for an ordinary
// create/update/patch, which fields the writer changed. Both keep metadata.managedFields.
import { StatusError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { deepClone, deepEqual, isPlainObject, parseApiVersion } from '../object.js';
import type { SchemaNode } from '../schema.js';
import { FieldSet, fieldPE, pathToString, type Path } from './fieldpath.js';
import {
  ManagedFieldsError,
  capUpdateManagers,
  decodeManaged,
  encodeManaged,
  isResetManagedFields,
  managerId,
  type Managed,
  type ManagerInfo,
  type Operation,
} from './managed.js';
import { emptySkeleton, rootNode } from './shape.js';
import {
  compare,
  ensureNamedFieldsAreMembers,
  excludeFields,
  formatTypedErrors,
  merge,
  removeItems,
  toFieldSet,
  type TypedError,
} from './typed.js';
import { goJson, goQuote } from './value.js';

export { FieldSet, fieldPE, keyPE, valuePE, indexPE, parsePE, pathToString, peToString } from './fieldpath.js';
export type { FieldsV1, KeyField, Path, PathElement } from './fieldpath.js';
export { compare, merge, toFieldSet, removeItems, ensureNamedFieldsAreMembers } from './typed.js';
export type { Comparison, TypedError } from './typed.js';
export { decodeManaged, encodeManaged, managerId, capUpdateManagers, MAX_UPDATE_MANAGERS } from './managed.js';
export type { Managed, ManagedEntry, ManagerInfo, Operation } from './managed.js';

export interface Conflict {
  /** the other manager's name */
  manager: string;
  /** the conflicting field as Kubernetes prints it: `.spec.replicas`, `.spec.containers[name="nginx"].image` */
  field: string;
  /** the other manager's operation; Update managers are printed with their API version */
  operation?: Operation;
  apiVersion?: string;
  subresource?: string;
}

export interface ApplyResult {
  /** the object to store; when conflicts is non-empty this is the unchanged input and must not be stored */
  object: KubeObject;
  conflicts: Conflict[];
  /** whether anything but managedFields differs from the live object */
  changed?: boolean;
}

export interface ApplyArgs {
  live: KubeObject | undefined;
  config: KubeObject;
  manager: string;
  force: boolean;
  schema: SchemaNode | undefined;
  apiVersion: string;
  now: string;
  subresource?: string;
  /** Whether the kind has a status subresource (then `status` is not owned through the main resource). Default true. */
  hasStatusSubresource?: boolean;
}

export interface UpdateArgs {
  oldObj: KubeObject | undefined;
  newObj: KubeObject;
  manager: string;
  schema: SchemaNode | undefined;
  apiVersion: string;
  now: string;
  subresource?: string;
  /** Whether the kind has a status subresource (then `status` is not owned through the main resource). Default true. */
  hasStatusSubresource?: boolean;
}

/** Fields the API server maintains itself; never part of anyone's managed set. */
const STRIP = FieldSet.of(
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  [fieldPE('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => [fieldPE('metadata'), fieldPE(f)],
  ),
);

/** Manager name used for the fields of an object applied to for the first time with no managedFields. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Fields whose changes are not tracked for the request (the strategy resets them). */
function ignoredFields(subresource: string | undefined, hasStatusSubresource: boolean | undefined): FieldSet {
  if (subresource === 'status') return FieldSet.of([fieldPE('spec')]);
  if (hasStatusSubresource === false) return new FieldSet();
  return FieldSet.of([fieldPE('status')]);
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const out = deepClone(obj);
  if (isPlainObject(out.metadata) && 'managedFields' in out.metadata) delete out.metadata.managedFields;
  return out;
}

function setManagedFields(obj: KubeObject, managed: Managed): void {
  const entries = encodeManaged(managed);
  if (!entries) {
    if (isPlainObject(obj.metadata)) delete obj.metadata.managedFields;
    return;
  }
  obj.metadata = { ...(obj.metadata ?? {}) };
  delete obj.metadata.managedFields;
  obj.metadata.managedFields = entries;
}

/** "ns/name; group/version, Kind=Kind" as Kubernetes names an object in typed-conversion errors. */
function objectGVKNN(obj: KubeObject): string {
  const { group, version } = parseApiVersion(obj.apiVersion ?? '');
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}; ${group}/${version}, Kind=${obj.kind ?? ''}`;
}

function typedError(what: string, obj: KubeObject, errs: TypedError[]): StatusError {
  return new StatusError(500, 'InternalError', `failed to create typed ${what} object (${objectGVKNN(obj)}): ${formatTypedErrors(errs)}`);
}

/**
 * Records an Update by `info` from oldV to newV: every other entry loses the fields that
 * changed; the writer gains the fields it added or modified (merged into its previous entry,
 * whose time becomes `now`). Returns whether the writer's entry changed.
 */
function recordUpdate(oldV: unknown, newV: unknown, managed: Managed, info: ManagerInfo, now: string, root: SchemaNode, ignored: FieldSet): void {
  const c = excludeFields(compare(oldV, newV, root), ignored);
  const changed = c.modified.union(c.added);
  for (const [id, e] of managed) {
    let s = e.set.difference(changed);
    if (!c.removed.isEmpty()) s = s.difference(c.removed);
    if (s.isEmpty()) managed.delete(id);
    else e.set = s;
  }
  const self = changed.difference(c.removed).recursiveDifference(ignored).difference(STRIP);
  if (self.isEmpty()) return;
  const id = managerId(info);
  const prev = managed.get(id);
  managed.set(id, {
    ...info,
    set: prev ? self.union(prev.set) : self,
    time: now,
    original: prev?.original,
    originalSet: prev?.originalSet,
  });
}

/** Removes what the applier owned last time and no longer applies, unless another manager owns it. */
function prune(merged: unknown, managed: Managed, lastSet: FieldSet, root: SchemaNode): unknown {
  const last = ensureNamedFieldsAreMembers(lastSet, root);
  const fieldsOf = (v: unknown) => ensureNamedFieldsAreMembers(toFieldSet(v, root, []), root);
  let pruned = removeItems(merged, last, root);
  // add back what any manager (including the applier's new configuration) owns
  const owned = new FieldSet();
  for (const e of managed.values()) owned.unionInPlace(e.set);
  const mergedSet = fieldsOf(merged);
  pruned = removeItems(merged, mergedSet.difference(fieldsOf(pruned).union(ensureNamedFieldsAreMembers(owned, root))), root);
  // add back what was removed without having been the applier's
  return removeItems(merged, mergedSet.difference(fieldsOf(pruned)).intersection(last), root);
}

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The manager name `kubectl apply --server-side` uses; only it upgrades from client-side apply. */
const KUBECTL_MANAGER = 'kubectl';
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function lastAppliedOf(obj: KubeObject | undefined): string | undefined {
  const v = obj?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Conflicts kubectl may override when upgrading from client-side apply: fields of the
 * last-applied configuration whose live value has not changed since.
 */
function allowedFromLastApplied(live: KubeObject, root: SchemaNode): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(last)) return undefined;
  const errs: TypedError[] = [];
  const liveObj = withoutManagedFields(live);
  const lastSet = toFieldSet(last, root, errs);
  toFieldSet(liveObj, root, errs);
  if (errs.length > 0) return undefined;
  const c = compare(last, liveObj, root);
  return lastSet.difference(c.modified.union(c.added).union(c.removed));
}

/** Keeps kubectl's last-applied annotation in step with server-side applies by `kubectl`. */
function syncLastApplied(obj: KubeObject, config: KubeObject): void {
  const cfg = withoutManagedFields(config);
  if (isPlainObject(cfg.metadata?.annotations)) delete cfg.metadata!.annotations![LAST_APPLIED_ANNOTATION];
  const annotations: Record<string, string> = { ...(obj.metadata?.annotations ?? {}) };
  annotations[LAST_APPLIED_ANNOTATION] = goJson(cfg) + '\n';
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
  obj.metadata = { ...(obj.metadata ?? {}), annotations };
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: the object is created).
 * Throws StatusError for a request Kubernetes rejects outright (managedFields in the
 * configuration, a configuration that does not fit the schema).
 *
 * As in Kubernetes, the manager "kubectl" upgrades objects managed by client-side apply:
 * conflicts on fields of the last-applied annotation that nobody changed since are
 * overridden, and that annotation is kept up to date.
 */
export function serverSideApply(args: ApplyArgs): ApplyResult {
  let result = applyOnce(args, args.force);
  if (args.manager === KUBECTL_MANAGER) {
    if (result.conflicts.length > 0 && args.live) {
      const allowed = allowedFromLastApplied(args.live, rootNode(args.schema));
      if (allowed) {
        const remaining = result.conflicts.filter((c) => !allowed.has(conflictPaths.get(c) ?? []));
        result = remaining.length === 0 ? applyOnce(args, true) : { ...result, conflicts: remaining };
      }
    }
    if (result.conflicts.length === 0 && lastAppliedOf(result.object)) {
      const before = deepClone(result.object);
      syncLastApplied(result.object, args.config);
      if (!deepEqual(before, result.object)) result.changed = true;
    }
  }
  return result;
}

/** The field path of each conflict applyOnce reports. */
const conflictPaths = new WeakMap<Conflict, Path>();

function applyOnce(args: ApplyArgs, force: boolean): ApplyResult {
  const { live, manager, schema, apiVersion, now, subresource } = args;
  const configMeta = args.config.metadata as Record<string, unknown> | undefined;
  if (isPlainObject(configMeta) && configMeta.managedFields !== undefined && configMeta.managedFields !== null) {
    throw new StatusError(400, 'BadRequest', 'metadata.managedFields must be nil');
  }
  const root = rootNode(schema);
  const config = withoutManagedFields(args.config);
  const errs: TypedError[] = [];
  const configSet = toFieldSet(config, root, errs, { rejectDuplicates: true });
  if (errs.length > 0) throw typedError('patch', args.config, errs);

  const ignored = ignoredFields(subresource, args.hasStatusSubresource);
  let managed: Managed;
  let liveObj: KubeObject;
  if (live) {
    try {
      managed = decodeManaged(live.metadata?.managedFields);
    } catch (e) {
      throw new StatusError(500, 'InternalError', `failed to decode managed fields: ${(e as Error).message}`);
    }
    liveObj = withoutManagedFields(live);
    const liveErrs: TypedError[] = [];
    toFieldSet(liveObj, root, liveErrs);
    if (liveErrs.length > 0) throw typedError('live', live, liveErrs);
    if (managed.size === 0) {
      // An object nobody tracked yet: its current fields belong to "before-first-apply".
      const info: ManagerInfo = { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion, subresource };
      recordUpdate(emptySkeleton(schema), liveObj, managed, info, now, root, ignored);
    }
  } else {
    managed = new Map();
    liveObj = {};
  }

  const selfInfo: ManagerInfo = { manager, operation: 'Apply', apiVersion, subresource };
  const selfId = managerId(selfInfo);
  const prev = managed.get(selfId);
  const lastSet = prev?.set;
  let merged = merge(liveObj, config, root) as KubeObject;
  managed.set(selfId, { ...selfInfo, set: configSet.recursiveDifference(ignored), time: prev?.time, original: prev?.original, originalSet: prev?.originalSet });
  if (lastSet && !lastSet.isEmpty()) merged = prune(merged, managed, lastSet, root) as KubeObject;

  // Ownership moves with every value the apply changes; other owners of such values conflict.
  const c = excludeFields(compare(liveObj, merged, root), ignored);
  const changedSet = c.modified.union(c.added);
  const conflictSets = new Map<string, FieldSet>();
  for (const [id, e] of managed) {
    if (id === selfId) continue;
    const x = e.set.intersection(changedSet);
    if (!x.isEmpty()) conflictSets.set(id, x);
  }
  if (!force && conflictSets.size > 0) {
    const conflicts: Conflict[] = [];
    for (const id of [...conflictSets.keys()].sort()) {
      const e = managed.get(id)!;
      for (const p of conflictSets.get(id)!.paths()) {
        const conflict: Conflict = { manager: e.manager, field: pathToString(p), operation: e.operation, apiVersion: e.apiVersion };
        if (e.subresource) conflict.subresource = e.subresource;
        conflictPaths.set(conflict, p);
        conflicts.push(conflict);
      }
    }
    return { object: deepClone(live ?? args.config), conflicts, changed: false };
  }
  for (const [id, e] of managed) {
    if (id === selfId) continue;
    let s = e.set;
    const x = conflictSets.get(id);
    if (x) s = s.difference(x);
    if (!c.removed.isEmpty()) s = s.difference(c.removed);
    e.set = s;
  }
  const self = managed.get(selfId)!;
  self.set = self.set.difference(STRIP);
  for (const [id, e] of managed) if (e.set.isEmpty()) managed.delete(id);

  const changed = !deepEqual(liveObj, merged);
  if (changed && managed.has(selfId)) managed.get(selfId)!.time = now;
  const object = changed ? merged : liveObj;
  setManagedFields(object, managed);
  return { object, conflicts: [], changed };
}

/**
 * Managed-fields tracking for a create (oldObj undefined), update or non-apply patch by
 * `manager`: returns newObj with metadata.managedFields updated.
 */
export function trackUpdate(args: UpdateArgs): KubeObject {
  const { oldObj, newObj, manager, schema, apiVersion, now, subresource } = args;
  const root = rootNode(schema);
  const liveManaged = (): Managed => {
    try {
      return decodeManaged(oldObj?.metadata?.managedFields);
    } catch (e) {
      if (e instanceof ManagedFieldsError) return new Map();
      throw e;
    }
  };
  let managed: Managed;
  const requested = newObj.metadata?.managedFields as unknown;
  if (subresource) managed = liveManaged();
  else if (isResetManagedFields(requested)) managed = new Map();
  else {
    // Managed fields sent with the request replace the live ones (clients may edit them);
    // absent, empty or invalid ones keep the live entries.
    let fromRequest: Managed | undefined;
    try {
      fromRequest = decodeManaged(requested);
    } catch (e) {
      if (!(e instanceof ManagedFieldsError)) throw e;
    }
    managed = fromRequest && fromRequest.size > 0 ? fromRequest : liveManaged();
  }
  const out = withoutManagedFields(newObj);
  const isCreate = !oldObj || !oldObj.metadata?.uid;
  // An existing object without managed fields stays untracked (that is how they are cleared).
  if (managed.size === 0 && !isCreate) return out;

  const oldV = oldObj ? withoutManagedFields(oldObj) : emptySkeleton(schema);
  const errs: TypedError[] = [];
  toFieldSet(out, root, errs);
  toFieldSet(oldV, root, errs);
  if (errs.length > 0) return out; // Kubernetes drops managedFields it cannot compute

  const info: ManagerInfo = { manager, operation: 'Update', apiVersion, subresource };
  recordUpdate(oldV, out, managed, info, now, root, ignoredFields(subresource, args.hasStatusSubresource));
  for (const [id, e] of managed) if (e.set.isEmpty()) managed.delete(id);
  capUpdateManagers(managed);
  setManagedFields(out, managed);
  return out;
}

/** How Kubernetes names a manager in conflict messages. */
function printManager(c: Conflict, fallbackApiVersion: string): string {
  let s = goQuote(c.manager);
  if (c.subresource) s += ` with subresource ${goQuote(c.subresource)}`;
  if (c.operation === 'Update') s += ` using ${c.apiVersion || fallbackApiVersion}`;
  return s;
}

/**
 * The 409 Conflict status for apply conflicts, as Kubernetes words it:
 * `Apply failed with 1 conflict: conflict with "mgr" using apps/v1: .spec.replicas`.
 * (Kubernetes puts only the causes in details, not the object's name or kind.)
 */
export function conflictError(kind: string, group: string, name: string, conflicts: Conflict[], apiVersion: string): StatusError {
  void kind;
  void group;
  void name;
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c, apiVersion)}`,
    field: c.field,
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0], apiVersion)}: ${conflicts[0].field}`;
  } else {
    const byManager = new Map<string, { c: Conflict; fields: string[] }>();
    for (const c of conflicts) {
      const id = managerId({ manager: c.manager, operation: c.operation ?? 'Apply', apiVersion: c.apiVersion || apiVersion, subresource: c.subresource });
      const g = byManager.get(id);
      if (g) g.fields.push(c.field);
      else byManager.set(id, { c, fields: [c.field] });
    }
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort()) {
      const g = byManager.get(id)!;
      lines.push(`conflicts with ${printManager(g.c, apiVersion)}:`);
      for (const f of g.fields) lines.push(`- ${f}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
