import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { LeaderElector, formatMicroTime, type LeaderElectorOptions } from './index.js';
import { startTestEnv, type TestEnv } from '../../testing/apiserver.js';
import type { ResourceRef } from '../client.js';

const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

let env: TestEnv;
before(async () => { env = await startTestEnv(); });
after(async () => { await env.stop(); });

interface Candidate {
  id: string;
  elector: LeaderElector;
  started: number[];
  stopped: number[];
  leaders: string[];
  done: Promise<void>;
}

function candidate(name: string, id: string, extra: Partial<LeaderElectorOptions> = {}): Candidate {
  const c: Partial<Candidate> & { started: number[]; stopped: number[]; leaders: string[] } = { id, started: [], stopped: [], leaders: [] };
  c.elector = new LeaderElector(env.client(id), {
    namespace: 'kube-system', name, identity: id,
    leaseDurationSeconds: 2, renewDeadlineSeconds: 1.5, retryPeriodSeconds: 0.2,
    onStartedLeading: () => c.started.push(Date.now()),
    onStoppedLeading: () => c.stopped.push(Date.now()),
    onNewLeader: (l) => c.leaders.push(l),
    ...extra,
  });
  c.done = c.elector.run();
  return c as Candidate;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const leaseOf = (name: string) => env.client().get<Lease>(LEASES, 'kube-system', name);

test('MicroTime format has six fractional digits, UTC', () => {
  assert.equal(formatMicroTime(Date.UTC(2006, 0, 2, 15, 4, 5, 7)), '2006-01-02T15:04:05.007000Z');
});

test('options are validated as client-go does', () => {
  const base = { namespace: 'ns', name: 'n', identity: 'i', onStartedLeading() {}, onStoppedLeading() {} };
  assert.throws(() => new LeaderElector(env.client(), { ...base, leaseDurationSeconds: 5, renewDeadlineSeconds: 5 }), /leaseDuration must be greater/);
  assert.throws(() => new LeaderElector(env.client(), { ...base, renewDeadlineSeconds: 2, retryPeriodSeconds: 2 }), /JitterFactor/);
  assert.throws(() => new LeaderElector(env.client(), { ...base, identity: '' }), /identity/);
  assert.doesNotThrow(() => new LeaderElector(env.client(), base));
});

test('two candidates: exactly one leads; when it stops the other takes over within the lease duration', async () => {
  const a = candidate('race', 'cand-a');
  const b = candidate('race', 'cand-b');
  await until('a leader', () => a.started.length + b.started.length > 0);
  // Several renew periods later there is still exactly one leader.
  await sleep(1500);
  assert.equal(a.started.length + b.started.length, 1);
  assert.equal(a.stopped.length + b.stopped.length, 0);
  const [leader, other] = a.started.length ? [a, b] : [b, a];
  const lease = await leaseOf('race');
  assert.equal(lease.spec?.holderIdentity, leader.id);
  assert.equal(lease.spec?.leaseDurationSeconds, 2);
  assert.match(lease.spec?.acquireTime ?? '', MICRO);
  assert.match(lease.spec?.renewTime ?? '', MICRO);
  assert.ok(Date.parse(lease.spec!.renewTime!) > Date.parse(lease.spec!.acquireTime!), 'renewed since acquisition');
  assert.ok(leader.elector.isLeader());
  assert.ok(!other.elector.isLeader());
  assert.equal(other.elector.getLeader(), leader.id);
  assert.deepEqual(other.leaders, [leader.id]);
  const transitions = lease.spec?.leaseTransitions ?? 0;

  const stoppedAt = Date.now();
  leader.elector.stop();
  await leader.done;
  assert.equal(leader.stopped.length, 1);
  const released = await leaseOf('race');
  // Released the client-go way: no holder, a 1 s lease.
  assert.equal(released.spec?.holderIdentity ?? '', '');
  assert.equal(released.spec?.leaseDurationSeconds, 1);

  await until('the other candidate to lead', () => other.started.length === 1, 4000);
  assert.ok(other.started[0]! - stoppedAt < 3000, `took over in ${other.started[0]! - stoppedAt} ms`);
  const taken = await leaseOf('race');
  assert.equal(taken.spec?.holderIdentity, other.id);
  assert.equal(taken.spec?.leaseTransitions, transitions + 1);
  assert.equal(taken.spec?.leaseDurationSeconds, 2);
  assert.deepEqual(other.leaders.slice(-1), [other.id]);
  other.elector.stop();
  await other.done;
});

test('a leader that vanishes without releasing is replaced only after the lease duration', async () => {
  const a = candidate('crash', 'crash-a', { releaseOnCancel: false });
  await until('a to lead', () => a.started.length === 1);
  const b = candidate('crash', 'crash-b');
  await sleep(300);
  a.elector.stop(); // stops renewing, leaves the lease held
  const stoppedAt = Date.now();
  await a.done;
  assert.equal((await leaseOf('crash')).spec?.holderIdentity, 'crash-a');
  await until('b to lead', () => b.started.length === 1, 6000);
  const waited = b.started[0]! - stoppedAt;
  // b must have seen the record unchanged for a full lease duration (2 s) before taking over.
  assert.ok(waited >= 1500, `took over after ${waited} ms`);
  assert.ok(waited < 5000, `took over after ${waited} ms`);
  const lease = await leaseOf('crash');
  assert.equal(lease.spec?.holderIdentity, 'crash-b');
  assert.equal(lease.spec?.leaseTransitions, 1);
  b.elector.stop();
  await b.done;
});

test('the leader steps down when it cannot renew before the deadline', async () => {
  const a = candidate('steal', 'steal-a');
  await until('a to lead', () => a.started.length === 1);
  // An intruder keeps writing itself into the lease: a's renewals conflict or find a valid foreign lease.
  const intruder = env.client('intruder');
  let stealing = true;
  const steal = (async () => {
    while (stealing) {
      try {
        const l = await intruder.get<Lease>(LEASES, 'kube-system', 'steal');
        const now = formatMicroTime(Date.now());
        await intruder.update(LEASES, 'kube-system', 'steal', { ...l, spec: { ...l.spec, holderIdentity: 'intruder', renewTime: now, acquireTime: now, leaseDurationSeconds: 10 } });
      } catch { /* conflict with a's renewal: try again */ }
      await sleep(50);
    }
  })();
  const t0 = Date.now();
  await until('a to step down', () => a.stopped.length === 1, 5000);
  stealing = false;
  await steal;
  // Renew deadline 1.5 s (+ one retry period until the next renewal round starts).
  assert.ok(a.stopped[0]! - t0 < 4000, `stepped down after ${a.stopped[0]! - t0} ms`);
  await a.done; // run() resolves by itself after losing the lease
  assert.ok(!a.elector.isLeader());
  assert.equal((await leaseOf('steal')).spec?.holderIdentity, 'intruder');
});

test('a stopped candidate that never led does not call onStoppedLeading', async () => {
  const a = candidate('idle', 'idle-a');
  await until('a to lead', () => a.started.length === 1);
  const b = candidate('idle', 'idle-b');
  await sleep(300);
  b.elector.stop();
  await b.done;
  assert.equal(b.started.length, 0);
  assert.equal(b.stopped.length, 0);
  assert.equal((await leaseOf('idle')).spec?.holderIdentity, 'idle-a');
  a.elector.stop();
  await a.done;
});
