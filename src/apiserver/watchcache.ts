// The API server's watch cache: every object under /registry/ held in memory (parsed), kept current
// by one store watch, plus a bounded ring of recent events so watches can resume from a recent
// resourceVersion. LIST, GET-from-cache and WATCH are served from here; writes go to the store.
import type { Store, StoreEvent } from '../storage/interface.js';
import type { KubeObject } from '../api/object.js';
import { errors } from '../api/errors.js';

export const REGISTRY_PREFIX = '/registry/';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CachedObject {
  key: string;
  obj: KubeObject;
  rv: number;
}

export interface CacheEvent {
  type: WatchEventType;
  key: string;
  obj: KubeObject;
  prev?: KubeObject;
  rv: number;
}

interface Watcher {
  prefix: string;
  deliver: (events: CacheEvent[]) => void;
}

/** `/registry/apps/deployments/ns/name` -> `/registry/apps/deployments/` */
export function resourcePrefixOf(key: string): string {
  let slashes = 0;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '/' && ++slashes === 4) return key.slice(0, i + 1);
  }
  return key;
}

export function decodeStored(value: string, modRevision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(modRevision) };
  return obj;
}

class Bucket {
  readonly items = new Map<string, CachedObject>();
  private sorted: string[] | undefined;

  set(e: CachedObject): void {
    if (!this.items.has(e.key)) this.sorted = undefined;
    this.items.set(e.key, e);
  }

  delete(key: string): void {
    if (this.items.delete(key)) this.sorted = undefined;
  }

  sortedKeys(): string[] {
    if (!this.sorted) this.sorted = [...this.items.keys()].sort();
    return this.sorted;
  }
}

export class WatchCache {
  private buckets = new Map<string, Bucket>();
  private ring: CacheEvent[] = [];
  private ringStart = 0;
  /** events after this revision are all in the ring */
  private floor = 0;
  private rev = 0;
  private watchers = new Set<Watcher>();
  private waiters: Array<{ rev: number; resolve: () => void }> = [];
  private handle: { cancel(): void } | undefined;
  private failed: Error | undefined;

  constructor(private readonly store: Store, private readonly capacity = 100_000) {}

  async start(): Promise<void> {
    let startKey: string | undefined;
    let revision = 0;
    for (;;) {
      const page = await this.store.range(REGISTRY_PREFIX, { startKey, limit: 10_000 });
      revision = revision || page.revision;
      for (const kv of page.kvs) this.bucket(kv.key, true)!.set({ key: kv.key, obj: decodeStored(kv.value, kv.modRevision), rv: kv.modRevision });
      if (!page.more) break;
      startKey = page.kvs[page.kvs.length - 1].key + '\0';
    }
    this.rev = this.floor = revision;
    this.handle = this.store.watch(REGISTRY_PREFIX, revision, (evs) => this.apply(evs), (err) => {
      this.failed = err;
      console.error(`watch cache: store watch failed: ${err.message}`);
    });
  }

  stop(): void {
    this.handle?.cancel();
    this.watchers.clear();
  }

  /** The newest revision the cache has seen. */
  get revision(): number {
    return this.rev;
  }

  /** The oldest resourceVersion a watch may start after. */
  get oldestResumable(): number {
    return this.floor;
  }

  private bucket(key: string, create: boolean): Bucket | undefined {
    const p = resourcePrefixOf(key);
    let b = this.buckets.get(p);
    if (!b && create) this.buckets.set(p, (b = new Bucket()));
    return b;
  }

  private apply(evs: StoreEvent[]): void {
    const out: CacheEvent[] = [];
    for (const e of evs) {
      const rv = e.kv.modRevision;
      if (rv <= this.rev) continue;
      const b = this.bucket(e.kv.key, true)!;
      const prev = b.items.get(e.kv.key);
      if (e.type === 'delete') {
        const last = prev?.obj ?? decodeStored(e.kv.value, rv);
        const obj = { ...last, metadata: { ...last.metadata, resourceVersion: String(rv) } };
        b.delete(e.kv.key);
        out.push({ type: 'DELETED', key: e.kv.key, obj, prev: prev?.obj, rv });
      } else {
        const obj = decodeStored(e.kv.value, rv);
        b.set({ key: e.kv.key, obj, rv });
        out.push({ type: prev ? 'MODIFIED' : 'ADDED', key: e.kv.key, obj, prev: prev?.obj, rv });
      }
      this.rev = rv;
    }
    if (!out.length) return;
    for (const ev of out) this.ring.push(ev);
    if (this.ring.length - this.ringStart > this.capacity) {
      const drop = this.ring.length - this.ringStart - this.capacity;
      this.floor = this.ring[this.ringStart + drop - 1].rv;
      this.ringStart += drop;
      if (this.ringStart > this.capacity) {
        this.ring = this.ring.slice(this.ringStart);
        this.ringStart = 0;
      }
    }
    for (const w of this.watchers) {
      const mine = out.filter((ev) => ev.key.startsWith(w.prefix));
      if (mine.length) w.deliver(mine);
    }
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.rev <= this.rev);
      this.waiters = this.waiters.filter((w) => w.rev > this.rev);
      for (const w of ready) w.resolve();
    }
  }

  /** Resolves once the cache has seen `rev` (read-your-writes for LIST after a write). */
  waitFor(rev: number, timeoutMs = 3000): Promise<void> {
    if (this.failed) return Promise.reject(errors.internal(`watch cache failed: ${this.failed.message}`));
    if (rev <= this.rev) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { rev, resolve: () => { clearTimeout(t); resolve(); } };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(errors.timeout(`Too large resource version: ${rev}, current: ${this.rev}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  get(key: string): CachedObject | undefined {
    return this.bucket(key, false)?.items.get(key);
  }

  /** Objects under `prefix` (a resource prefix, or resource + namespace) in key order, from `startKey`. */
  *list(prefix: string, startKey?: string): Generator<CachedObject> {
    const b = this.bucket(prefix, false);
    if (!b) return;
    const keys = b.sortedKeys();
    let i = 0;
    const from = startKey && startKey > prefix ? startKey : prefix;
    // binary search for the first key >= from
    let lo = 0, hi = keys.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (keys[mid] < from) lo = mid + 1; else hi = mid; }
    for (i = lo; i < keys.length; i++) {
      const k = keys[i];
      if (!k.startsWith(prefix)) break;
      const e = b.items.get(k);
      if (e) yield e;
    }
  }

  count(prefix: string): number {
    const b = this.bucket(prefix, false);
    if (!b) return 0;
    if (resourcePrefixOf(prefix) === prefix) return b.items.size;
    let n = 0;
    for (const k of b.items.keys()) if (k.startsWith(prefix)) n++;
    return n;
  }

  /**
   * Subscribes to events under `prefix` after revision `afterRv`: first the ring's events after it,
   * then live ones. Throws 410 Gone when `afterRv` is older than the ring holds.
   */
  watch(prefix: string, afterRv: number, deliver: (events: CacheEvent[]) => void): () => void {
    if (afterRv < this.floor) {
      throw errors.gone(`too old resource version: ${afterRv} (${this.floor})`);
    }
    const backlog: CacheEvent[] = [];
    if (afterRv < this.rev) {
      // binary search the ring for the first event after afterRv
      let lo = this.ringStart, hi = this.ring.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (this.ring[mid].rv <= afterRv) lo = mid + 1; else hi = mid; }
      for (let i = lo; i < this.ring.length; i++) if (this.ring[i].key.startsWith(prefix)) backlog.push(this.ring[i]);
    }
    const w: Watcher = { prefix, deliver };
    this.watchers.add(w);
    if (backlog.length) deliver(backlog);
    return () => { this.watchers.delete(w); };
  }
}
