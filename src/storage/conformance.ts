// A backend-independent test suite for the Store contract: every backend (SQLite, etcd) runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, KeyExistsError, type Store, type StoreEvent } from './interface.js';

export function storeConformance(name: string, make: () => Promise<Store>): void {
  const withStore = (fn: (s: Store) => Promise<void>) => async () => {
    const s = await make();
    await s.start();
    try { await fn(s); } finally { await s.close(); }
  };

  test(`${name}: create, get, revisions increase`, withStore(async (s) => {
    const r0 = await s.currentRevision();
    const r1 = await s.create('/a/1', 'one');
    const r2 = await s.create('/a/2', 'two');
    assert.ok(r1 > r0 && r2 === r1 + 1);
    const got = await s.get('/a/1');
    assert.equal(got.kv?.value, 'one');
    assert.equal(got.kv?.createRevision, r1);
    assert.equal(got.kv?.modRevision, r1);
    assert.equal((await s.get('/a/3')).kv, undefined);
    await assert.rejects(s.create('/a/1', 'again'), KeyExistsError);
  }));

  test(`${name}: update and delete compare on modRevision`, withStore(async (s) => {
    const r1 = await s.create('/b/x', 'v1');
    const ok = await s.update('/b/x', 'v2', r1);
    assert.equal(ok.succeeded, true);
    assert.equal(ok.kv?.createRevision, r1);
    const stale = await s.update('/b/x', 'v3', r1);
    assert.equal(stale.succeeded, false);
    assert.equal(stale.kv?.value, 'v2');
    const missing = await s.update('/b/none', 'v', 1);
    assert.equal(missing.succeeded, false);
    assert.equal(missing.kv, undefined);
    const badDel = await s.delete('/b/x', r1);
    assert.equal(badDel.succeeded, false);
    const del = await s.delete('/b/x', ok.revision);
    assert.equal(del.succeeded, true);
    assert.equal(del.kv?.value, 'v2');
    assert.equal((await s.get('/b/x')).kv, undefined);
    // A deleted key can be created again with a new createRevision.
    const again = await s.create('/b/x', 'v9');
    assert.ok(again > ok.revision);
  }));

  test(`${name}: range with prefix, limit and continue`, withStore(async (s) => {
    for (let i = 0; i < 25; i++) await s.create(`/c/k${String(i).padStart(2, '0')}`, `v${i}`);
    await s.create('/cz', 'outside');
    await s.create('/c0', 'outside too');
    const all = await s.range('/c/');
    assert.equal(all.kvs.length, 25);
    assert.equal(all.more, false);
    const seen: string[] = [];
    let start: string | undefined;
    for (;;) {
      const page = await s.range('/c/', { limit: 10, startKey: start });
      seen.push(...page.kvs.map((kv) => kv.key));
      if (!page.more) break;
      start = page.kvs[page.kvs.length - 1].key + '\0';
    }
    assert.equal(seen.length, 25);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(await s.count('/c/'), 25);
  }));

  test(`${name}: watch replays history after a revision, then streams live events`, withStore(async (s) => {
    const r1 = await s.create('/w/a', '1');
    await s.update('/w/a', '2', r1);
    await s.create('/other/z', 'x');
    const events: StoreEvent[] = [];
    const h = s.watch('/w/', r1, (evs) => events.push(...evs), (err) => assert.fail(err));
    const r4 = await s.create('/w/b', '3');
    await s.delete('/w/b', r4);
    await new Promise((r) => setTimeout(r, 50));
    h.cancel();
    assert.deepEqual(events.map((e) => [e.type, e.kv.key, e.kv.value]), [
      ['update', '/w/a', '2'], ['create', '/w/b', '3'], ['delete', '/w/b', '3'],
    ]);
    assert.equal(events[0].prevKv?.value, '1');
    const revs = events.map((e) => e.kv.modRevision);
    assert.deepEqual(revs, [...revs].sort((a, b) => a - b));
  }));

  test(`${name}: watch from a compacted revision fails with CompactedError`, withStore(async (s) => {
    let rev = await s.create('/k/a', '0');
    for (let i = 1; i < 10; i++) rev = (await s.update('/k/a', String(i), rev)).revision;
    await s.compact(rev - 2);
    assert.ok((await s.compactRevision()) >= rev - 2);
    const err = await new Promise<Error>((resolve) => {
      s.watch('/k/', 1, () => resolve(new Error('unexpected events')), resolve);
    });
    assert.ok(err instanceof CompactedError);
    // A watch after the compaction point still works.
    const got = await new Promise<StoreEvent[]>((resolve, reject) => { s.watch('/k/', rev - 1, resolve, reject); });
    assert.equal(got[0].kv.value, '9');
  }));

  test(`${name}: concurrent writes in one turn all commit, in order`, withStore(async (s) => {
    const revs = await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`/p/${i}`, String(i))));
    assert.equal(new Set(revs).size, 200);
    assert.equal(await s.count('/p/'), 200);
  }));
}
