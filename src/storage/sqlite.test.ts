import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqlite.js';
import { storeConformance } from './conformance.js';

storeConformance('sqlite', async () => new SqliteStore({ path: ':memory:' }));

test('sqlite: data and revision survive reopening the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'timonel-sqlite-'));
  try {
    const path = join(dir, 'state.db');
    const a = new SqliteStore({ path });
    await a.start();
    const r1 = await a.create('/x/1', 'a');
    await a.update('/x/1', 'b', r1);
    const last = await a.currentRevision();
    await a.close();
    const b = new SqliteStore({ path });
    await b.start();
    assert.equal((await b.get('/x/1')).kv?.value, 'b');
    assert.equal(await b.currentRevision(), last);
    assert.ok((await b.create('/x/2', 'c')) > last);
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite: auto-compaction keeps a bounded history', async () => {
  const s = new SqliteStore({ path: ':memory:', historyRevisions: 50 });
  await s.start();
  let rev = await s.create('/h/a', '0');
  for (let i = 0; i < 200; i++) rev = (await s.update('/h/a', String(i), rev)).revision;
  const compacted = await s.compactRevision();
  assert.ok(compacted > 0 && rev - compacted <= 60, `compacted at ${compacted}, rev ${rev}`);
  await s.close();
});
