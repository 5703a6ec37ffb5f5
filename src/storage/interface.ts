// The storage contract: a small key/value interface shaped like etcd (after kine). Every write
// advances one global revision, which the API server exposes as resourceVersion. Updates and
// deletes are compare-and-swap on the key's modRevision. Backends: SQLite (embedded) and etcd.

export interface KeyValue {
  key: string;
  value: string;
  /** revision at which the key was created */
  createRevision: number;
  /** revision of the last write to the key */
  modRevision: number;
}

export interface StoreEvent {
  type: 'create' | 'update' | 'delete';
  /** for delete: the key's last value, with modRevision = the revision of the delete */
  kv: KeyValue;
  /** the value before this event, where the backend still has it */
  prevKv?: KeyValue;
}

export interface RangeOptions {
  /** first key to return (inclusive); used for continue tokens */
  startKey?: string;
  /** at most this many keys; 0 or undefined = all */
  limit?: number;
  /** read as of this revision (backends may only support the current one, or fail with CompactedError) */
  revision?: number;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** the store revision the range was read at */
  revision: number;
  /** more keys follow the last one returned */
  more: boolean;
  /** total keys under the prefix (from startKey on), if the backend counts them cheaply */
  count: number;
}

export interface WriteResult {
  succeeded: boolean;
  /** the store's revision after the operation (the new modRevision when succeeded) */
  revision: number;
  /** the current value when a compare failed (or the deleted value on delete) */
  kv?: KeyValue;
}

export class CompactedError extends Error {
  constructor(readonly requested: number, readonly compactRevision: number) {
    super(`required revision ${requested} has been compacted (compacted revision ${compactRevision})`);
    this.name = 'CompactedError';
  }
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = 'KeyExistsError';
  }
}

export interface WatchHandle {
  cancel(): void;
}

export interface Store {
  /** Opens the backend (creating it on first use). */
  start(): Promise<void>;
  get(key: string): Promise<{ kv?: KeyValue; revision: number }>;
  /** All keys with this prefix in key order. */
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  count(prefix: string): Promise<number>;
  /** Creates a key that must not exist; throws KeyExistsError. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /** Writes the key if its modRevision is still `expectedModRevision`. */
  update(key: string, value: string, expectedModRevision: number): Promise<WriteResult>;
  /** Deletes the key (if `expectedModRevision` is given, only if it still matches). */
  delete(key: string, expectedModRevision?: number): Promise<WriteResult>;
  /**
   * Streams events under `prefix` whose revision is greater than `afterRevision`, in revision order:
   * first the history the backend still holds, then live. Throws (or reports through onError)
   * CompactedError when `afterRevision` is older than what history holds.
   */
  watch(prefix: string, afterRevision: number, onEvents: (events: StoreEvent[]) => void, onError: (err: Error) => void): WatchHandle;
  currentRevision(): Promise<number>;
  /** The oldest revision a watch may resume after. */
  compactRevision(): Promise<number>;
  /** Drops history up to and including `revision`. */
  compact(revision: number): Promise<void>;
  dbSize(): Promise<number>;
  close(): Promise<void>;
}
