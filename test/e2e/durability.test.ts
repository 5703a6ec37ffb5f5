// Acceptance (issue 2): restarts keep every object; resourceVersions keep increasing; a kill -9
// during a burst of writes loses no acknowledged write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, kc, request } from './harness.js';

test('restart keeps objects and resourceVersions keep increasing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'timonel-dur-'));
  const c = await startCluster({ dataDir: dir });
  try {
    await kc(c, ['create', 'namespace', 'keep']);
    await kc(c, ['-n', 'keep', 'create', 'configmap', 'a', '--from-literal=x=1']);
    const before = JSON.parse(await kc(c, ['-n', 'keep', 'get', 'cm', 'a', '-o', 'json']));
    await c.stop();
    await c.restart();
    const after = JSON.parse(await kc(c, ['-n', 'keep', 'get', 'cm', 'a', '-o', 'json']));
    assert.equal(after.metadata.uid, before.metadata.uid);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.deepEqual(after.data, { x: '1' });
    // the restarted server's watch history starts now: a watch from an older revision is told to re-list
    const gone = await request(c, 'GET', '/api/v1/namespaces/keep/configmaps?watch=true&resourceVersion=1');
    assert.equal(gone.status, 410);
    assert.match(JSON.parse(gone.body).message, /too old resource version/);
    await kc(c, ['-n', 'keep', 'create', 'configmap', 'b']);
    const b = JSON.parse(await kc(c, ['-n', 'keep', 'get', 'cm', 'b', '-o', 'json']));
    assert.ok(Number(b.metadata.resourceVersion) > Number(before.metadata.resourceVersion));
  } finally {
    await c.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 during a burst of writes loses no acknowledged write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'timonel-kill-'));
  const c = await startCluster({ dataDir: dir });
  try {
    const acked: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `w${w}-${i}`;
        try {
          const r = await request(c, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } }));
          if (r.status === 201) acked.push(name);
        } catch {
          return; // connection died with the server
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500));
    await c.kill9();
    stop = true;
    await Promise.all(writers);
    assert.ok(acked.length > 50, `only ${acked.length} writes were acknowledged before the kill`);
    await c.restart();
    const names = new Set((await kc(c, ['get', 'cm', '-n', 'default', '-o', 'name'])).trim().split('\n').map((l) => l.replace('configmap/', '')));
    const lost = acked.filter((n) => !names.has(n));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes were lost`);
  } finally {
    await c.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
