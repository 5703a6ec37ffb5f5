// metadata.managedFields: decoding entries into field sets keyed by manager identity, and
// encoding them back in Kubernetes' order.
//
// A manager's identity is (manager, operation, apiVersion for Update only, subresource): an
// applier keeps one entry whatever version it applies with, an updater gets one per version.
import type { ManagedFieldsEntry } from '../object.js';
import { isPlainObject } from '../object.js';
import { FieldSet } from './fieldpath.js';
import { goJsonString } from './value.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerInfo {
  manager: string;
  operation: Operation;
  /** for Update: the version the change was made with; for Apply: the last applied version */
  apiVersion: string;
  subresource?: string;
}

export interface ManagedEntry extends ManagerInfo {
  set: FieldSet;
  time?: string;
  /** the entry as read, reused verbatim (except time) while its set is unchanged */
  original?: ManagedFieldsEntry;
  originalSet?: FieldSet;
}

export type Managed = Map<string, ManagedEntry>;

/** The identity string Kubernetes uses for a manager (a JSON object without time or fields). */
export function managerId(m: { manager: string; operation: Operation; apiVersion?: string; subresource?: string }): string {
  const parts: string[] = [];
  if (m.manager) parts.push(`"manager":${goJsonString(m.manager)}`);
  parts.push(`"operation":${goJsonString(m.operation)}`);
  if (m.operation === 'Update' && m.apiVersion) parts.push(`"apiVersion":${goJsonString(m.apiVersion)}`);
  if (m.subresource) parts.push(`"subresource":${goJsonString(m.subresource)}`);
  return '{' + parts.join(',') + '}';
}

export class ManagedFieldsError extends Error {}

/** Decodes metadata.managedFields; throws ManagedFieldsError on an invalid entry. */
export function decodeManaged(entries: unknown): Managed {
  const out: Managed = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    if (!isPlainObject(raw)) throw new ManagedFieldsError(`invalid managed fields entry ${i}`);
    const e = raw as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new ManagedFieldsError('apiVersion must not be empty');
    if (e.fieldsType === undefined || e.fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1);
    } catch (err) {
      throw new ManagedFieldsError(`error decoding set: ${(err as Error).message}`);
    }
    const info: ManagedEntry = {
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource || undefined,
      set,
      time: e.time ?? undefined,
      original: e,
      originalSet: set,
    };
    out.set(managerId(info), info);
  });
  return out;
}

/** True when a request asks to clear managedFields: an empty list, or a list of one empty entry. */
export function isResetManagedFields(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  return v.length === 1 && isPlainObject(v[0]) && Object.values(v[0]).every((x) => x === undefined);
}

function seconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes the entries in Kubernetes' order: Apply before Update, then by time, manager, version, subresource. */
export function encodeManaged(managed: Managed): ManagedFieldsEntry[] | undefined {
  const out: ManagedFieldsEntry[] = [];
  for (const e of managed.values()) {
    if (e.set.isEmpty()) continue;
    const o = e.original;
    if (o && o.fieldsV1 !== undefined && e.originalSet && o.apiVersion === e.apiVersion && o.operation === e.operation && (e.set === e.originalSet || e.set.equals(e.originalSet))) {
      const kept: ManagedFieldsEntry = { ...o };
      if (e.time !== undefined) kept.time = e.time;
      out.push(kept);
      continue;
    }
    const entry: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time !== undefined) entry.time = e.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = e.set.toFieldsV1();
    if (e.subresource) entry.subresource = e.subresource;
    out.push(entry);
  }
  if (out.length === 0) return undefined;
  out.sort(
    (p, q) =>
      cmp(p.operation ?? '', q.operation ?? '') ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager ?? '', q.manager ?? '') ||
      cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return out;
}

/** Kubernetes keeps at most this many Update entries; older ones merge into "ancient-changes". */
export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';

/** Merges the oldest Update entries (per version) into an "ancient-changes" entry above the cap. */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === 'Update').map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => seconds(managed.get(a)!.time) - seconds(managed.get(b)!.time) || cmp(a, b));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const e = managed.get(id)!;
    const version = e.apiVersion;
    const bucketInfo = { manager: ANCIENT_CHANGES, operation: 'Update' as const, apiVersion: version };
    const bucket = managerId(bucketInfo);
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, id);
      continue;
    }
    if (id === bucket) continue; // never fold the bucket into itself
    if (!managed.has(bucket)) {
      const f = managed.get(first)!;
      managed.delete(first);
      managed.set(bucket, { ...bucketInfo, set: f.set, time: f.time });
    }
    const b = managed.get(bucket)!;
    managed.set(bucket, { ...bucketInfo, set: e.set.union(b.set), time: e.time });
    managed.delete(id);
    length--;
  }
}
