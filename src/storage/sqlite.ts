// Embedded SQLite backend (better-sqlite3, WAL). Two tables: `kv` holds the current value of each key,
// `log` one row per revision (the watch history, trimmed by compaction). Writes that arrive in the
// same event-loop turn share one transaction (group commit): one fsync for many writes, and no
// write is acknowledged, nor shown to watchers, before its COMMIT is durable.
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CompactedError, KeyExistsError,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent, type WatchHandle, type WriteResult,
} from './interface.js';

const EV_CREATE = 0, EV_UPDATE = 1, EV_DELETE = 2;
const TYPES = ['create', 'update', 'delete'] as const;

interface Row { key: string; value: string; create_rev: number; mod_rev: number }
interface LogRow { rev: number; key: string; type: number; value: string; create_rev: number; prev_rev: number | null }

interface Watcher {
  prefix: string;
  end: string;
  onEvents: (events: StoreEvent[]) => void;
  onError: (err: Error) => void;
}

interface Pending {
  events: StoreEvent[];
  resolvers: Array<() => void>;
  rejecters: Array<(err: Error) => void>;
}

export interface SqliteStoreOptions {
  /** path of the database file; ':memory:' for tests */
  path: string;
  /** keep at most this many revisions of watch history (auto-compaction); default 100000 */
  historyRevisions?: number;
}

export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\uffff';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export class SqliteStore implements Store {
  private db!: Database.Database;
  private rev = 0;
  private committedRev = 0;
  private compactRev = 0;
  private pending: Pending | undefined;
  private watchers = new Set<Watcher>();
  private stmts!: ReturnType<SqliteStore['prepare']>;
  private closed = false;

  constructor(private readonly opts: SqliteStoreOptions) {}

  async start(): Promise<void> {
    if (this.opts.path !== ':memory:') mkdirSync(dirname(this.opts.path), { recursive: true });
    this.db = new Database(this.opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, type INTEGER NOT NULL, value TEXT NOT NULL, create_rev INTEGER NOT NULL, prev_rev INTEGER);
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    `);
    this.stmts = this.prepare();
    const get = (name: string) => (this.stmts.getMeta.get(name) as { value: number } | undefined)?.value ?? 0;
    this.rev = Math.max(get('revision'), (this.db.prepare('SELECT MAX(rev) AS r FROM log').get() as { r: number | null }).r ?? 0);
    this.committedRev = this.rev;
    this.compactRev = get('compact');
  }

  private prepare() {
    const db = this.db;
    return {
      get: db.prepare('SELECT key, value, create_rev, mod_rev FROM kv WHERE key = ?'),
      range: db.prepare('SELECT key, value, create_rev, mod_rev FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM kv WHERE key >= ? AND key < ?'),
      insert: db.prepare('INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?)'),
      update: db.prepare('UPDATE kv SET value = ?, mod_rev = ? WHERE key = ?'),
      remove: db.prepare('DELETE FROM kv WHERE key = ?'),
      log: db.prepare('INSERT INTO log (rev, key, type, value, create_rev, prev_rev) VALUES (?, ?, ?, ?, ?, ?)'),
      history: db.prepare('SELECT rev, key, type, value, create_rev, prev_rev FROM log WHERE rev > ? AND rev <= ? AND key >= ? AND key < ? ORDER BY rev'),
      logAt: db.prepare('SELECT rev, key, type, value, create_rev, prev_rev FROM log WHERE rev = ?'),
      setMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value'),
      getMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
      compact: db.prepare('DELETE FROM log WHERE rev <= ?'),
    };
  }

  private check(): void {
    if (this.closed) throw new Error('store is closed');
  }

  async get(key: string): Promise<{ kv?: KeyValue; revision: number }> {
    this.check();
    const row = this.stmts.get.get(key) as Row | undefined;
    return { kv: row ? toKv(row) : undefined, revision: this.rev };
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.check();
    if (opts.revision && opts.revision < this.compactRev) throw new CompactedError(opts.revision, this.compactRev);
    if (opts.revision && opts.revision !== this.rev) {
      // Historical ranges are not kept in SQLite; the API server's watch cache serves exact-revision reads.
      throw new CompactedError(opts.revision, this.rev);
    }
    const start = opts.startKey && opts.startKey > prefix ? opts.startKey : prefix;
    const end = prefixEnd(prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const rows = this.stmts.range.all(start, end, limit === -1 ? -1 : limit + 1) as Row[];
    const more = limit !== -1 && rows.length > limit;
    if (more) rows.pop();
    const count = (this.stmts.count.get(start, end) as { n: number }).n;
    return { kvs: rows.map(toKv), revision: this.rev, more, count };
  }

  async count(prefix: string): Promise<number> {
    this.check();
    return (this.stmts.count.get(prefix, prefixEnd(prefix)) as { n: number }).n;
  }

  async create(key: string, value: string): Promise<number> {
    this.check();
    this.begin();
    const existing = this.stmts.get.get(key) as Row | undefined;
    if (existing) throw new KeyExistsError(key);
    const rev = ++this.rev;
    this.stmts.insert.run(key, value, rev, rev);
    this.stmts.log.run(rev, key, EV_CREATE, value, rev, null);
    const kv = { key, value, createRevision: rev, modRevision: rev };
    await this.commitLater({ type: 'create', kv });
    return rev;
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<WriteResult> {
    this.check();
    this.begin();
    const existing = this.stmts.get.get(key) as Row | undefined;
    if (!existing || existing.mod_rev !== expectedModRevision) {
      return { succeeded: false, revision: this.rev, kv: existing ? toKv(existing) : undefined };
    }
    const rev = ++this.rev;
    this.stmts.update.run(value, rev, key);
    this.stmts.log.run(rev, key, EV_UPDATE, value, existing.create_rev, existing.mod_rev);
    const kv = { key, value, createRevision: existing.create_rev, modRevision: rev };
    await this.commitLater({ type: 'update', kv, prevKv: toKv(existing) });
    return { succeeded: true, revision: rev, kv };
  }

  async delete(key: string, expectedModRevision?: number): Promise<WriteResult> {
    this.check();
    this.begin();
    const existing = this.stmts.get.get(key) as Row | undefined;
    if (!existing || (expectedModRevision !== undefined && existing.mod_rev !== expectedModRevision)) {
      return { succeeded: false, revision: this.rev, kv: existing ? toKv(existing) : undefined };
    }
    const rev = ++this.rev;
    this.stmts.remove.run(key);
    this.stmts.log.run(rev, key, EV_DELETE, existing.value, existing.create_rev, existing.mod_rev);
    const prevKv = toKv(existing);
    await this.commitLater({ type: 'delete', kv: { ...prevKv, modRevision: rev }, prevKv });
    return { succeeded: true, revision: rev, kv: prevKv };
  }

  /** Opens the turn's transaction on the first write of an event-loop turn. */
  private begin(): void {
    if (this.pending) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.pending = { events: [], resolvers: [], rejecters: [] };
    setImmediate(() => this.flush());
  }

  private commitLater(event: StoreEvent): Promise<void> {
    const p = this.pending!;
    p.events.push(event);
    return new Promise<void>((resolve, reject) => {
      p.resolvers.push(resolve);
      p.rejecters.push(reject);
    });
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    try {
      this.stmts.setMeta.run('revision', this.rev);
      this.db.exec('COMMIT');
    } catch (err) {
      try { this.db.exec('ROLLBACK'); } catch { /* already rolled back */ }
      // Nothing of this batch is durable: revert the in-memory revision to the last committed one.
      this.rev = this.committedRev;
      for (const r of p.rejecters) r(err as Error);
      return;
    }
    this.committedRev = this.rev;
    this.notify(p.events);
    for (const r of p.resolvers) r();
    this.maybeAutoCompact();
  }

  private notify(events: StoreEvent[]): void {
    for (const w of this.watchers) {
      const mine = events.filter((e) => e.kv.key >= w.prefix && e.kv.key < w.end);
      if (mine.length) {
        try { w.onEvents(mine); } catch (err) { w.onError(err as Error); }
      }
    }
  }

  watch(prefix: string, afterRevision: number, onEvents: (events: StoreEvent[]) => void, onError: (err: Error) => void): WatchHandle {
    this.check();
    const w: Watcher = { prefix, end: prefixEnd(prefix), onEvents, onError };
    if (afterRevision < this.compactRev) {
      queueMicrotask(() => onError(new CompactedError(afterRevision, this.compactRev)));
      return { cancel() {} };
    }
    // History and subscription in one synchronous step: no event can fall between them.
    const rows = afterRevision < this.committedRev
      ? (this.stmts.history.all(afterRevision, this.committedRev, prefix, w.end) as LogRow[])
      : [];
    this.watchers.add(w);
    if (rows.length) {
      const events = rows.map((r) => this.logEvent(r));
      queueMicrotask(() => { if (this.watchers.has(w)) onEvents(events); });
    }
    return { cancel: () => { this.watchers.delete(w); } };
  }

  private logEvent(r: LogRow): StoreEvent {
    const type = TYPES[r.type];
    const kv: KeyValue = { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.rev };
    if (type === 'delete') return { type, kv, prevKv: { ...kv, modRevision: r.prev_rev ?? r.rev } };
    let prevKv: KeyValue | undefined;
    if (r.prev_rev) {
      const prev = this.stmts.logAt.get(r.prev_rev) as LogRow | undefined;
      if (prev) prevKv = { key: prev.key, value: prev.value, createRevision: prev.create_rev, modRevision: prev.rev };
    }
    return { type, kv, prevKv };
  }

  async currentRevision(): Promise<number> {
    return this.rev;
  }

  async compactRevision(): Promise<number> {
    return this.compactRev;
  }

  async compact(revision: number): Promise<void> {
    this.check();
    const target = Math.min(revision, this.committedRev);
    if (target <= this.compactRev) return;
    // Compaction runs in the turn's transaction if there is one, else on its own.
    if (this.pending) {
      this.stmts.compact.run(target);
      this.stmts.setMeta.run('compact', target);
    } else {
      this.db.transaction(() => {
        this.stmts.compact.run(target);
        this.stmts.setMeta.run('compact', target);
      })();
    }
    this.compactRev = target;
  }

  private maybeAutoCompact(): void {
    const keep = this.opts.historyRevisions ?? 100_000;
    // Compact in steps of 10% of the window to keep each DELETE short.
    if (this.committedRev - this.compactRev > keep + Math.max(1, Math.floor(keep / 10))) {
      void this.compact(this.committedRev - keep);
    }
  }

  async dbSize(): Promise<number> {
    if (this.opts.path === ':memory:') return (this.db.pragma('page_count', { simple: true }) as number) * (this.db.pragma('page_size', { simple: true }) as number);
    let size = 0;
    for (const suffix of ['', '-wal']) {
      try { size += statSync(this.opts.path + suffix).size; } catch { /* absent */ }
    }
    return size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.watchers.clear();
    this.db.close();
  }
}

function toKv(r: Row): KeyValue {
  return { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.mod_rev };
}
