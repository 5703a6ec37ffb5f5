// Against a real `timonel up` child (needs the project built: dist/src).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startServer, ServerExited } from './server.js';
import { UnexpectedStatus } from './http.js';
import { closedLoop, LoadError } from './loadgen.js';
import { benchConfigMap, configMapPath } from './objects.js';

test('startServer: a real timonel up, its probe and /proc numbers; non-2xx replies are errors', async () => {
  const s = await startServer({ probe: true });
  const t = s.client({ maxSockets: 4 });
  try {
    assert.ok(s.timings.kubeconfigMs > 0 && s.timings.apiReadyMs >= s.timings.kubeconfigMs);
    assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ns = await t.json<{ metadata: { name: string } }>('GET', '/api/v1/namespaces/default');
    assert.equal(ns.metadata.name, 'default');
    await assert.rejects(t.request('GET', configMapPath('default', 'absent')), (e: unknown) => e instanceof UnexpectedStatus && e.status === 404);
    await t.request('POST', configMapPath('default'), { body: JSON.stringify(benchConfigMap('dup')), expect: [201] });
    await assert.rejects(t.request('POST', configMapPath('default'), { body: JSON.stringify(benchConfigMap('dup')) }), (e: unknown) => e instanceof UnexpectedStatus && e.status === 409);
    // One failing request fails a whole load run.
    await assert.rejects(closedLoop({ concurrency: 3, iterations: 30 }, async ({ seq, rec }) => {
      await rec.time('get', () => t.request('GET', configMapPath('default', seq === 10 ? 'absent' : 'dup')));
    }), LoadError);
    const p = await s.probe(true);
    assert.ok(p.utilization >= 0 && p.utilization <= 1 && p.heapUsedBytes > 0 && p.windowMs > 0);
    const sample = s.sample();
    assert.ok(sample.rssBytes > 20 * 1024 * 1024 && sample.cpuMs > 0);
  } finally {
    t.close();
    await s.stop();
  }
  assert.ok(!existsSync(s.dataDir), 'a temporary data dir is removed on stop');
});

test('startServer: a server that dies is noticed, and stop() fails', async () => {
  const s = await startServer();
  process.kill(s.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  assert.throws(() => s.assertAlive(), ServerExited);
  assert.throws(() => s.sample(), ServerExited);
  await assert.rejects(s.stop(), ServerExited);
  assert.ok(!existsSync(s.dataDir), 'the temporary data dir is removed even so');
});

test('startServer: a server that cannot start fails with its output', async () => {
  await assert.rejects(startServer({ args: ['--no-such-flag'] }), /exited .* before writing its kubeconfig[\s\S]*no-such-flag/);
});
