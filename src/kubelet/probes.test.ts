import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from './clock.js';
import { ProbeWorker, httpProbe, tcpProbe, type ProbeResult } from './probes.js';

function worker(kind: 'liveness' | 'readiness' | 'startup', spec: object, outcomes: boolean[], clock: FakeClock, gate?: () => boolean) {
  const results: ProbeResult[] = [];
  let runs = 0;
  const w = new ProbeWorker(kind, spec, clock, {
    startedAt: clock.now(),
    run: async () => ({ ok: outcomes[Math.min(runs++, outcomes.length - 1)]!, output: 'out' }),
    gate,
    onResult: (r) => results.push(r),
  });
  return { w, results, runs: () => runs };
}

test('readiness starts failing and turns ready after successThreshold', async () => {
  const clock = new FakeClock();
  const { w, results, runs } = worker('readiness', { periodSeconds: 2, successThreshold: 2, initialDelaySeconds: 5 }, [true], clock);
  assert.equal(w.result, 'failure');
  w.start();
  await clock.advance(4999);
  assert.equal(runs(), 0, 'initialDelaySeconds is honoured');
  await clock.advance(1);
  assert.equal(runs(), 1);
  assert.equal(w.result, 'failure', 'one success is not enough');
  await clock.advance(2000);
  assert.equal(w.result, 'success');
  assert.deepEqual(results, ['success']);
});

test('liveness fails after failureThreshold and goes on hold', async () => {
  const clock = new FakeClock();
  const { w, results, runs } = worker('liveness', { periodSeconds: 1, failureThreshold: 3 }, [true, false, false, false, false], clock);
  assert.equal(w.result, 'success');
  w.start();
  await clock.advance(0);
  await clock.advance(1000);
  await clock.advance(1000);
  assert.equal(w.result, 'success', 'two failures are below the threshold');
  await clock.advance(1000);
  assert.equal(w.result, 'failure');
  assert.deepEqual(results, ['failure']);
  const n = runs();
  await clock.advance(10_000);
  assert.equal(runs(), n, 'on hold: no more probing');
  assert.ok(w.done);
});

test('liveness waits for the startup probe (gate)', async () => {
  const clock = new FakeClock();
  let started = false;
  const { w, runs } = worker('liveness', { periodSeconds: 1 }, [false], clock, () => started);
  w.start();
  await clock.advance(5000);
  assert.equal(runs(), 0);
  started = true;
  await clock.advance(1000);
  assert.equal(runs(), 1);
  w.stop();
});

test('startup probe stops after its first success', async () => {
  const clock = new FakeClock();
  const { w, runs } = worker('startup', { periodSeconds: 1, failureThreshold: 30 }, [false, false, true], clock);
  assert.equal(w.result, 'unknown');
  w.start();
  for (let i = 0; i < 6; i++) await clock.advance(1000);
  assert.equal(w.result, 'success');
  assert.equal(runs(), 3);
});

test('http and tcp probes talk to a real server', async () => {
  const srv = http.createServer((req, res) => { res.statusCode = req.url === '/ok' ? 200 : req.url === '/redir' ? 302 : 500; res.end('body'); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  try {
    assert.equal((await httpProbe({ scheme: 'HTTP', host: '127.0.0.1', port, path: '/ok', headers: [] }, 1000)).ok, true);
    assert.equal((await httpProbe({ scheme: 'HTTP', host: '127.0.0.1', port, path: '/redir', headers: [] }, 1000)).ok, true);
    const bad = await httpProbe({ scheme: 'HTTP', host: '127.0.0.1', port, path: '/fail', headers: [] }, 1000);
    assert.equal(bad.ok, false);
    assert.match(bad.output, /statuscode: 500/);
    assert.equal((await tcpProbe('127.0.0.1', port, 1000)).ok, true);
  } finally {
    srv.close();
  }
  const refused = await tcpProbe('127.0.0.1', port, 1000);
  assert.equal(refused.ok, false);
  assert.match(refused.output, /connection refused/);
});
