import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { StatusError } from '../../api/errors.js';
import { InformerFactory, R } from '../../client/factory.js';
import type { KubeClient } from '../../client/client.js';
import { EndpointsController, EndpointSliceController, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, CONTROLLER_NAME, HEADLESS_LABEL, desiredSubsets } from './index.js';
import { startTestEnv, until, sleep, type TestEnv } from '../../testing/apiserver.js';

let env: TestEnv;
let client: KubeClient;
let factory: InformerFactory;
let epc: EndpointsController;
let esc: EndpointSliceController;
const NS = 'default';

before(async () => {
  env = await startTestEnv();
  client = env.client();
  factory = new InformerFactory(env.client('controller-manager'));
  epc = new EndpointsController(factory);
  esc = new EndpointSliceController(factory, { maxEndpointsPerSlice: 3 });
  factory.start();
  await Promise.all([epc.start(), esc.start()]);
  await client.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
});

after(async () => {
  epc.stop();
  esc.stop();
  factory.stop();
  await env.stop();
});

async function pod(name: string, labels: Record<string, string>, opts: { httpPort?: number; ip?: string; ready?: boolean; phase?: string; hostname?: string; subdomain?: string } = {}): Promise<Pod> {
  const created = await client.create<Pod>(R.pods, NS, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels },
    spec: {
      nodeName: 'n1',
      ...(opts.hostname ? { hostname: opts.hostname, subdomain: opts.subdomain } : {}),
      containers: [{ name: 'app', image: 'app', ports: [{ name: 'http', containerPort: opts.httpPort ?? 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }],
    },
  });
  if (opts.ip) return setStatus(name, { ip: opts.ip, ready: opts.ready ?? true, phase: opts.phase });
  return created;
}

async function setStatus(name: string, s: { ip?: string; ready?: boolean; phase?: string }): Promise<Pod> {
  const cur = await client.get<Pod>(R.pods, NS, name);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const status = {
    ...cur.status,
    phase: s.phase ?? 'Running',
    ...(s.ip ? { podIP: s.ip, podIPs: [{ ip: s.ip }] } : {}),
    conditions: [{ type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: now }],
  };
  return client.update<Pod>(R.pods, NS, name, { ...cur, status }, 'status');
}

async function service(name: string, spec: Service['spec'], labels?: Record<string, string>): Promise<Service> {
  return client.create<Service>(R.services, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name, ...(labels ? { labels } : {}) }, spec });
}

const getEp = (name: string) => client.get<Endpoints>(R.endpoints, NS, name);
const slicesOf = async (svc: string) => (await client.list<EndpointSlice>(R.endpointslices, NS, { labelSelector: `${LABEL_SERVICE_NAME}=${svc}` })).items;
const missing = (p: Promise<unknown>) => p.then(() => false, (err) => err instanceof StatusError && err.code === 404);
const ips = (addrs: Array<{ ip: string }> | undefined) => (addrs ?? []).map((a) => a.ip);

test('Endpoints: ready and not-ready pods, ports by number and by name, subsets grouped by port mapping', async () => {
  await pod('web-1', { app: 'web' }, { ip: '10.1.0.1', ready: true });
  await pod('web-2', { app: 'web' }, { ip: '10.1.0.2', ready: false, httpPort: 8081 });
  await pod('web-3', { app: 'web' }, { ip: '10.1.0.3', ready: true });
  await pod('other', { app: 'other' }, { ip: '10.1.0.9', ready: true });
  await pod('web-noip', { app: 'web' });
  await pod('web-done', { app: 'web' }, { ip: '10.1.0.8', ready: false, phase: 'Succeeded' });
  const svc = await service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9100 }] }, { tier: 'front' });

  const ep = await until('endpoints with 3 pods', async () => {
    const e = await getEp('web');
    const n = (e.subsets ?? []).reduce((k, s) => k + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
    return n >= 5 && e; // web-1 and web-3 in two subsets, web-2 in two
  });
  assert.deepEqual(ep.metadata?.labels, { tier: 'front' });
  const subsets = ep.subsets ?? [];
  // http -> 8080 on web-1/web-3 and 8081 on web-2; metrics -> 9100 on all three.
  const find = (port: number) => subsets.find((s) => s.ports?.some((p) => p.port === port));
  assert.deepEqual(ips(find(8080)?.addresses), ['10.1.0.1', '10.1.0.3']);
  assert.equal(find(8080)?.notReadyAddresses, undefined);
  assert.deepEqual(ips(find(8081)?.notReadyAddresses), ['10.1.0.2']);
  assert.equal(find(8081)?.addresses, undefined);
  assert.deepEqual(find(8081)?.ports, [{ name: 'http', port: 8081, protocol: 'TCP' }]);
  const metrics = find(9100)!;
  assert.deepEqual(ips(metrics.addresses), ['10.1.0.1', '10.1.0.3']);
  assert.deepEqual(ips(metrics.notReadyAddresses), ['10.1.0.2']);
  // web-1/web-3 serve http:8080 and metrics:9100 with the same address set? No: metrics also has web-2, so 3 subsets.
  assert.equal(subsets.length, 3);
  const a = find(8080)!.addresses![0]!;
  assert.equal(a.nodeName, 'n1');
  assert.equal(a.targetRef?.kind, 'Pod');
  assert.equal(a.targetRef?.name, 'web-1');
  assert.equal(a.targetRef?.namespace, NS);
  assert.ok(a.targetRef?.uid);
  assert.ok(!JSON.stringify(ep).includes('10.1.0.9') && !JSON.stringify(ep).includes('10.1.0.8'));

  // web-2 turns ready and serves 8080 too -> one subset per distinct address set.
  await setStatus('web-2', { ready: true });
  await until('web-2 ready', async () => ips((await getEp('web')).subsets?.find((s) => s.ports?.some((p) => p.port === 8081))?.addresses).includes('10.1.0.2'));
  assert.ok(svc.metadata?.uid);
});

test('EndpointSlices: conditions, node, zone, labels, owner, one slice set per port mapping', async () => {
  const slices = await until('slices for web', async () => {
    const list = await slicesOf('web');
    const n = list.reduce((k, s) => k + (s.endpoints?.length ?? 0), 0);
    return n === 3 && list;
  });
  const svc = await client.get<Service>(R.services, NS, 'web');
  for (const s of slices) {
    assert.equal(s.addressType, 'IPv4');
    assert.equal(s.metadata?.labels?.[LABEL_SERVICE_NAME], 'web');
    assert.equal(s.metadata?.labels?.[LABEL_MANAGED_BY], CONTROLLER_NAME);
    assert.equal(s.metadata?.labels?.tier, 'front');
    assert.ok(s.metadata?.name?.startsWith('web-'));
    assert.deepEqual(s.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
  }
  const byPorts = (http: number) => slices.find((s) => s.ports?.some((p) => p.name === 'http' && p.port === http));
  const s8080 = byPorts(8080)!;
  assert.deepEqual([...(s8080.ports ?? [])].sort((x, y) => (x.port ?? 0) - (y.port ?? 0)), [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'metrics', port: 9100, protocol: 'TCP' },
  ]);
  const e1 = s8080.endpoints.find((e) => e.targetRef?.name === 'web-1')!;
  assert.deepEqual(e1.addresses, ['10.1.0.1']);
  assert.deepEqual(e1.conditions, { ready: true, serving: true, terminating: false });
  assert.equal(e1.nodeName, 'n1');
  assert.equal(e1.zone, 'zone-a');
  assert.equal(e1.targetRef?.kind, 'Pod');
  assert.deepEqual(byPorts(8081)!.endpoints.map((e) => e.targetRef?.name), ['web-2']);
});

test('a terminating pod leaves the Endpoints but stays in its slice as terminating', async () => {
  await client.delete(R.pods, NS, 'web-3'); // bound to a node: graceful, the pod stays with a deletionTimestamp
  await until('web-3 out of the Endpoints', async () => !JSON.stringify((await getEp('web')).subsets).includes('10.1.0.3'));
  const ep = await until('web-3 terminating in its slice', async () => {
    const e = (await slicesOf('web')).flatMap((s) => s.endpoints ?? []).find((x) => x.targetRef?.name === 'web-3');
    return e?.conditions?.terminating && e;
  });
  assert.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });
  await client.delete(R.pods, NS, 'web-3', { gracePeriodSeconds: 0 });
  await until('web-3 gone from slices', async () => !(await slicesOf('web')).some((s) => s.endpoints?.some((x) => x.targetRef?.name === 'web-3')));
});

test('more endpoints than fit in one slice spread over several; shrinking removes emptied slices', async () => {
  const names = ['big-1', 'big-2', 'big-3', 'big-4', 'big-5', 'big-6', 'big-7'];
  for (const [i, n] of names.entries()) await pod(n, { app: 'big' }, { ip: `10.2.0.${i + 1}` });
  await service('big', { selector: { app: 'big' }, ports: [{ port: 80, targetPort: 8080 }] });
  const slices = await until('7 endpoints', async () => {
    const list = await slicesOf('big');
    return list.reduce((k, s) => k + s.endpoints.length, 0) === 7 && list;
  });
  assert.equal(slices.length, 3); // max 3 per slice in this test
  assert.ok(slices.every((s) => s.endpoints.length <= 3));
  assert.deepEqual(slices[0]!.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
  const all = slices.flatMap((s) => s.endpoints.map((e) => e.addresses[0])).sort();
  assert.deepEqual(all, names.map((_, i) => `10.2.0.${i + 1}`));
  const ep = await until('endpoints for big', async () => { const e = await getEp('big'); return e.subsets?.[0]?.addresses?.length === 7 && e; });
  assert.deepEqual(ep.subsets?.[0]?.ports, [{ port: 8080, protocol: 'TCP' }]);

  for (const n of names.slice(0, 5)) await client.delete(R.pods, NS, n, { gracePeriodSeconds: 0 });
  const after2 = await until('2 endpoints', async () => {
    const list = await slicesOf('big');
    return list.reduce((k, s) => k + s.endpoints.length, 0) === 2 && list;
  });
  assert.ok(after2.length <= 2, `${after2.length} slices`);
  assert.ok(after2.every((s) => s.endpoints.length > 0));
});

test('a Service without pods has empty Endpoints and one placeholder slice', async () => {
  await service('lonely', { selector: { app: 'nobody' }, ports: [{ port: 80 }] });
  const ep = await until('endpoints', () => getEp('lonely'));
  assert.equal(ep.subsets, undefined);
  const slices = await until('placeholder', async () => { const l = await slicesOf('lonely'); return l.length === 1 && l; });
  assert.deepEqual(slices[0]!.endpoints ?? [], []);
  assert.ok(!slices[0]!.ports?.length);
  await sleep(300);
  assert.equal((await slicesOf('lonely')).length, 1);
  // A pod shows up: the placeholder is reused, not deleted and recreated.
  await pod('lonely-1', { app: 'nobody' }, { ip: '10.3.0.1' });
  const filled = await until('filled slice', async () => { const l = await slicesOf('lonely'); return l.length === 1 && l[0]!.endpoints?.length === 1 && l; });
  assert.equal(filled[0]!.metadata?.name, slices[0]!.metadata?.name);
  assert.deepEqual(filled[0]!.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
});

test('headless Service without ports: addresses without ports, hostname from subdomain, headless label', async () => {
  await pod('db-0', { app: 'db' }, { ip: '10.4.0.1', hostname: 'db-0', subdomain: 'db' });
  await service('db', { selector: { app: 'db' }, clusterIP: 'None' });
  const ep = await until('db endpoints', async () => { const e = await getEp('db'); return !!e.subsets?.length && e; });
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '10.4.0.1', hostname: 'db-0', nodeName: 'n1', targetRef: ep.subsets![0]!.addresses![0]!.targetRef }] }]);
  assert.equal(ep.metadata?.labels?.[HEADLESS_LABEL], '');
  const [slice] = await until('db slice', async () => { const l = await slicesOf('db'); return !!l[0]?.endpoints?.length && l; });
  assert.equal(slice!.metadata?.labels?.[HEADLESS_LABEL], '');
  assert.equal(slice!.endpoints[0]!.hostname, 'db-0');
});

test('selector-less and ExternalName Services get nothing; a deleted Service loses its Endpoints', async () => {
  await service('manual', { ports: [{ port: 80 }] });
  await service('ext', { type: 'ExternalName', externalName: 'example.com', selector: { app: 'web' } });
  await sleep(400);
  assert.ok(await missing(getEp('manual')));
  assert.ok(await missing(getEp('ext')));
  assert.equal((await slicesOf('manual')).length, 0);
  assert.equal((await slicesOf('ext')).length, 0);

  await until('web endpoints', () => getEp('web'));
  await client.delete(R.services, NS, 'web');
  await until('web endpoints deleted', () => missing(getEp('web')));
});

test('desiredSubsets: publishNotReadyAddresses lists every pod as ready, terminating ones included', () => {
  const mk = (name: string, ip: string, ready: boolean, deleting = false) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, uid: `uid-${name}`, ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'c', ports: [{ name: 'p', containerPort: 7000 }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  }) as never;
  const svc = { metadata: { name: 's', namespace: NS }, spec: { clusterIP: '10.43.0.5', publishNotReadyAddresses: true, ports: [{ port: 1, targetPort: 'p' }] } };
  const out = desiredSubsets(svc, [mk('a', '10.0.0.2', false), mk('b', '10.0.0.1', true, true)]);
  assert.deepEqual(out.map((s) => [ips(s.addresses), s.notReadyAddresses, s.ports]), [[['10.0.0.1', '10.0.0.2'], undefined, [{ port: 7000, protocol: 'TCP' }]]]);
  const strict = desiredSubsets({ ...svc, spec: { ...svc.spec, publishNotReadyAddresses: false } }, [mk('a', '10.0.0.2', false), mk('b', '10.0.0.1', true, true)]);
  assert.deepEqual(strict.map((s) => [s.addresses, ips(s.notReadyAddresses)]), [[undefined, ['10.0.0.2']]]);
});
