// Against real children (needs the project built: dist/src).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.js';
import { startHollowNodes } from './agent.js';

test('startHollowNodes: hollow nodes join a timonel server; both stop cleanly', { timeout: 120_000 }, async () => {
  const s = await startServer({ command: 'server' });
  const t = s.client({ maxSockets: 2 });
  try {
    const a = await startHollowNodes(s, { nodes: 3, prefix: 'hn' });
    try {
      assert.ok(a.readyMs > 0);
      const nodes = await t.json<{ items: Array<{ metadata: { name: string } }> }>('GET', '/api/v1/nodes');
      assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), ['hn-0', 'hn-1', 'hn-2']);
      assert.ok(a.sample().rssBytes > 20 * 1024 * 1024);
    } finally {
      await a.stop();
    }
  } finally {
    t.close();
    await s.stop();
  }
});

test('stop() right after the API answers still ends with a clean exit (it waits for the started line)', { timeout: 120_000 }, async () => {
  const s = await startServer({ args: ['--runtime', 'simulated'] });
  await s.stop();
});
