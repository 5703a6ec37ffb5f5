import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/errors.js';
import { InformerFactory, R } from '../../client/factory.js';
import type { KubeClient } from '../../client/client.js';
import { ServiceAccountController, RootCACertPublisher, ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION, ROOT_CA_DESCRIPTION_ANNOTATION } from './index.js';
import { startTestEnv, until, sleep, type TestEnv } from '../../testing/apiserver.js';

let env: TestEnv;
let client: KubeClient;
let factory: InformerFactory;
let sac: ServiceAccountController;
let pub: RootCACertPublisher;
const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

before(async () => {
  env = await startTestEnv();
  client = env.client();
  factory = new InformerFactory(env.client('controller-manager'));
  sac = new ServiceAccountController(factory);
  pub = new RootCACertPublisher(factory, CA);
  factory.start();
  await Promise.all([sac.start(), pub.start()]);
});

after(async () => {
  sac.stop();
  pub.stop();
  factory.stop();
  await env.stop();
});

const getSa = (ns: string, name = 'default') => client.get<ServiceAccount>(R.serviceaccounts, ns, name);
const getCm = (ns: string) => client.get<ConfigMap>(R.configmaps, ns, ROOT_CA_CONFIGMAP);
const exists = (p: Promise<unknown>) => p.then(() => true, (err) => { if (err instanceof StatusError && err.code === 404) return false; throw err; });

test('the built-in namespaces get a default ServiceAccount and the root CA ConfigMap', async () => {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    const sa = await until(`default SA in ${ns}`, () => getSa(ns));
    assert.equal(sa.metadata?.name, 'default');
    const cm = await until(`root CA in ${ns}`, () => getCm(ns));
    assert.deepEqual(cm.data, { 'ca.crt': CA });
    assert.equal(cm.metadata?.annotations?.[ROOT_CA_DESCRIPTION_ANNOTATION], ROOT_CA_DESCRIPTION);
  }
});

test('a new namespace gets both; a deleted default SA and ConfigMap come back', async () => {
  await client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  const sa = await until('default SA in team-a', () => getSa('team-a'));
  await until('root CA in team-a', () => getCm('team-a'));

  await client.delete(R.serviceaccounts, 'team-a', 'default');
  const again = await until('recreated SA', async () => { const s = await getSa('team-a'); return s.metadata?.uid !== sa.metadata?.uid && s; });
  assert.equal(again.metadata?.name, 'default');

  const cm = await getCm('team-a');
  await client.delete(R.configmaps, 'team-a', ROOT_CA_CONFIGMAP);
  await until('recreated ConfigMap', async () => { const c = await getCm('team-a'); return c.metadata?.uid !== cm.metadata?.uid && c; });
});

test('other service accounts are left alone', async () => {
  await client.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
  await client.delete(R.serviceaccounts, 'default', 'builder');
  await sleep(300);
  assert.equal(await exists(getSa('default', 'builder')), false);
});

test('edits to the root CA ConfigMap are reverted', async () => {
  const cm = await until('root CA in default', () => getCm('default'));
  await client.update(R.configmaps, 'default', ROOT_CA_CONFIGMAP, { ...cm, data: { 'ca.crt': 'tampered', extra: 'x' }, metadata: { ...cm.metadata, annotations: {} } });
  const fixed = await until('restored ConfigMap', async () => { const c = await getCm('default'); return c.data?.['ca.crt'] === CA && c; });
  assert.deepEqual(fixed.data, { 'ca.crt': CA });
  assert.equal(fixed.metadata?.annotations?.[ROOT_CA_DESCRIPTION_ANNOTATION], ROOT_CA_DESCRIPTION);
});

test('a terminating namespace does not get its default SA back', async () => {
  await client.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } });
  await until('default SA in going', () => getSa('going'));
  // No namespace controller runs here, so the namespace stays Terminating.
  await client.delete(R.namespaces, undefined, 'going');
  await client.delete(R.serviceaccounts, 'going', 'default');
  await sleep(400);
  assert.equal(await exists(getSa('going')), false);
});
