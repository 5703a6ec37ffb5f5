import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { SyncLookup, toGoValues } from './lookup.js';

// The API server stand-in runs on its own thread: the lookup blocks this one.
const SERVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', generation: 3 }, data: { k: 'v' }, ratio: 0.5 };
const srv = http.createServer((req, res) => {
  const send = (code, body) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
  switch (req.url) {
    case '/api/v1': return send(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }, { name: 'configmaps/status', kind: 'ConfigMap', namespaced: true }] });
    case '/api/v1/namespaces/default/configmaps/a': return send(200, cm);
    case '/api/v1/namespaces/default/configmaps': return send(200, { apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items: [cm] });
    case '/api/v1/namespaces/default/configmaps/boom': return send(500, { kind: 'Status', reason: 'InternalError', message: 'etcd is down' });
    default: return send(404, { kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' });
  }
});
srv.listen(0, '127.0.0.1', () => parentPort.postMessage(srv.address().port));
`;

test('lookup answers synchronously from the live API: objects, lists, {} when missing, errors', async () => {
  const server = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((r) => server.once('message', r));
  const l = new SyncLookup({ server: `http://127.0.0.1:${port}` }, 5000);
  try {
    const got = l.lookup('v1', 'ConfigMap', 'default', 'a');
    assert.deepEqual(got, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', generation: 3n }, data: { k: 'v' }, ratio: 0.5 });
    const list = l.fn('v1', 'ConfigMap', 'default', '') as { kind: string; items: unknown[] };
    assert.equal(list.kind, 'ConfigMapList');
    assert.equal(list.items.length, 1);
    assert.deepEqual(l.lookup('v1', 'ConfigMap', 'default', 'missing'), {});
    assert.deepEqual(l.lookup('v1', 'Widget', 'default', 'x'), {}, 'a kind the group version does not serve is not found');
    assert.throws(() => l.lookup('example.com/v1', 'Widget', 'default', 'x'), /unable to get apiresource from unstructured: example\.com\/v1, Kind=Widget: the server could not find the requested resource/);
    assert.throws(() => l.lookup('v1', 'ConfigMap', 'default', 'boom'), /etcd is down/);
  } finally {
    await l.close();
    await server.terminate();
  }
});

test('JSON numbers become the Go value model (int64 / float64)', () => {
  assert.deepEqual(toGoValues({ a: 1, b: 1.5, c: [2, 'x', null], d: { e: true } }), { a: 1n, b: 1.5, c: [2n, 'x', null], d: { e: true } });
});
