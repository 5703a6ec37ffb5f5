// A shared informer (after client-go's): LIST then WATCH one resource, keep an in-memory cache keyed
// `namespace/name`, tell handlers about adds, updates and deletes, and start over with a fresh LIST
// when the watch ends or the server answers 410 Gone.
import type { KubeObject } from '../api/object.js';
import { StatusError } from '../api/errors.js';
import type { KubeClient, ResourceRef, WatchEvent } from './client.js';

export interface InformerHandlers<T extends KubeObject = KubeObject> {
  add?: (obj: T) => void;
  update?: (obj: T, old: T) => void;
  delete?: (obj: T) => void;
}

export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : obj.metadata?.name ?? '';
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class Informer<T extends KubeObject = KubeObject> {
  private items = new Map<string, T>();
  private handlers: InformerHandlers<T>[] = [];
  private rv = '';
  private stopWatch: (() => void) | undefined;
  private stopped = false;
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly client: KubeClient, readonly resource: ResourceRef, private readonly opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}) {}

  on(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.items.values()) h.add?.(o);
  }

  start(): void {
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
    clearTimeout(this.retryTimer);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  private query(): Record<string, string> {
    const q: Record<string, string> = {};
    if (this.opts.labelSelector) q.labelSelector = this.opts.labelSelector;
    if (this.opts.fieldSelector) q.fieldSelector = this.opts.fieldSelector;
    return q;
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await this.client.list<T>(this.resource, this.opts.namespace, this.query());
      const fresh = new Map<string, T>();
      for (const o of list.items) fresh.set(keyOf(o), o);
      const old = this.items;
      this.items = fresh;
      for (const [k, o] of fresh) {
        const prev = old.get(k);
        if (!prev) this.emit('add', o);
        else if (prev.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.emit('update', o, prev);
      }
      for (const [k, o] of old) if (!fresh.has(k)) this.emit('delete', o);
      this.rv = list.metadata.resourceVersion ?? '';
      if (!this.synced) {
        this.synced = true;
        for (const w of this.syncWaiters.splice(0)) w();
      }
      this.watch();
    } catch {
      this.retry();
    }
  }

  private retry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.relist(), 1000);
  }

  private watch(): void {
    if (this.stopped) return;
    this.stopWatch = this.client.watch<T>(this.resource, this.opts.namespace, { ...this.query(), resourceVersion: this.rv, allowWatchBookmarks: 'true' }, (e) => this.onEvent(e), (err) => {
      if (this.stopped) return;
      if (err instanceof StatusError && err.code === 410) return void this.relist();
      // The stream ended: resume from the last resourceVersion seen (a 410 then makes us re-list).
      if (err) this.retryTimer = setTimeout(() => this.watch(), 500);
      else this.watch();
    });
  }

  private onEvent(e: WatchEvent<T>): void {
    if (e.type === 'ERROR') {
      const st = e.object as unknown as { code?: number };
      this.stopWatch?.();
      if (st.code === 410) void this.relist(); else this.retry();
      return;
    }
    const rv = e.object.metadata?.resourceVersion;
    if (rv) this.rv = rv;
    if (e.type === 'BOOKMARK') return;
    const k = keyOf(e.object);
    const prev = this.items.get(k);
    if (e.type === 'DELETED') {
      this.items.delete(k);
      this.emit('delete', e.object);
    } else {
      this.items.set(k, e.object);
      if (prev) this.emit('update', e.object, prev); else this.emit('add', e.object);
    }
  }

  private emit(kind: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        if (kind === 'add') h.add?.(obj);
        else if (kind === 'update') h.update?.(obj, old!);
        else h.delete?.(obj);
      } catch (err) {
        console.error(`informer ${this.resource.resource}: handler failed:`, err);
      }
    }
  }
}
