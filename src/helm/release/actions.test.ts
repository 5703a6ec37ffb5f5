import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { type ActionConfig, type Renderer } from './action.js';
import { releaseFromSecret } from './codec.js';
import { install } from './install.js';
import { KubeApplier } from './kube.js';
import { list, releaseTest, getValues, sortedHistory } from './query.js';
import { rollback } from './rollback.js';
import { SecretsDriver, Storage } from './storage.js';
import { FakeCluster } from './testutil.js';
import type { Hook, ReleaseChart } from './types.js';
import { uninstall } from './uninstall.js';
import { upgrade } from './upgrade.js';

const chart: ReleaseChart = {
  metadata: { name: 'demo', version: '0.1.0', apiVersion: 'v2', appVersion: '1.0' },
  lock: null, templates: [], values: { color: 'blue', size: { a: 1 } }, schema: null, files: null,
};

function hook(name: string, events: string[], extra: Partial<Hook> = {}, kind = 'ConfigMap'): Hook {
  const manifest = kind === 'Job'
    ? `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]`
    : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  hook: "yes"`;
  return { name, kind, path: `demo/templates/${name}.yaml`, manifest, events, lastRun: { startedAt: '', completedAt: '', phase: '' }, weight: 0, deletePolicies: [], ...extra };
}

interface Opts { hooks?: Hook[]; extra?: string }

function renderer(o: Opts = {}): Renderer {
  return (values, req) => {
    const v = { ...(req.chartValues ?? chart.values), ...values } as Record<string, unknown>;
    let manifest = `---\n# Source: demo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${req.releaseName}-cm\ndata:\n  color: ${String(v.color)}\n  revision: "${req.revision}"\n`;
    if (v.withSecret) manifest += `---\n# Source: demo/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${req.releaseName}-s\nstringData:\n  k: v\n`;
    if (v.lb) manifest += `---\n# Source: demo/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${req.releaseName}-lb\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n`;
    if (o.extra) manifest += o.extra;
    return { manifest, hooks: o.hooks ?? [], notes: `rev ${req.revision} in ${req.namespace}` };
  };
}

function setup(extra?: (f: FakeCluster) => void) {
  const fake = new FakeCluster();
  extra?.(fake);
  const logs: string[] = [];
  const storage = new Storage(new SecretsDriver(fake.client, 'default'));
  const cfg: ActionConfig = { kube: new KubeApplier(fake.client, 'default', (l) => logs.push(l)), storage, log: (l) => logs.push(l), pollMs: 5, waitPollMs: 5 };
  return { fake, cfg, storage, logs };
}

const T = { timeoutMs: 2000 };

function data(fake: FakeCluster, name: string): Record<string, string> | undefined {
  return fake.find('ConfigMap', 'default', name)?.data as Record<string, string> | undefined;
}

test('install creates the objects with Helm\'s ownership metadata and stores revision 1 deployed', async () => {
  const { fake, cfg, storage } = setup();
  const rel = await install(cfg, renderer(), chart, { color: 'red' }, [], { releaseName: 'demo', namespace: 'default', ...T });
  assert.equal(rel.info.status, 'deployed');
  assert.equal(rel.info.description, 'Install complete');
  assert.equal(rel.info.notes, 'rev 1 in default');
  const cm = fake.find('ConfigMap', 'default', 'demo-cm')!;
  assert.deepEqual(cm.data, { color: 'red', revision: '1' });
  assert.equal(cm.metadata!.labels!['app.kubernetes.io/managed-by'], 'Helm');
  assert.deepEqual(cm.metadata!.annotations, { 'meta.helm.sh/release-name': 'demo', 'meta.helm.sh/release-namespace': 'default' });
  const secret = fake.find('Secret', 'default', 'sh.helm.release.v1.demo.v1')!;
  assert.equal(secret.type, 'helm.sh/release.v1');
  assert.deepEqual(secret.metadata!.labels && { ...secret.metadata!.labels, createdAt: undefined, modifiedAt: undefined }, { name: 'demo', owner: 'helm', status: 'deployed', version: '1', createdAt: undefined, modifiedAt: undefined });
  const stored = releaseFromSecret(secret as never);
  assert.deepEqual(stored.config, { color: 'red' });
  assert.equal((await storage.last('demo')).info.status, 'deployed');
  await assert.rejects(install(cfg, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T }), /cannot re-use a name that is still in use/);
  await assert.rejects(install(cfg, renderer(), chart, {}, [], { releaseName: 'Bad_Name', namespace: 'default', ...T }), /release name "Bad_Name": invalid release name/);
});

test('upgrade, rollback and history: 1 superseded, 2 deployed; rollback makes 3 with revision 1\'s manifest', async () => {
  const { fake, cfg, storage } = setup();
  await install(cfg, renderer(), chart, { color: 'red' }, [], { releaseName: 'demo', namespace: 'default', ...T });
  const r1 = await storage.get('demo', 1);
  const r2 = await upgrade(cfg, 'demo', renderer(), chart, { color: 'green', withSecret: true }, { ...T, maxHistory: 10 });
  assert.equal(r2.version, 2);
  assert.equal(r2.info.description, 'Upgrade complete');
  assert.equal(r2.info.firstDeployed, r1.info.firstDeployed);
  assert.equal(data(fake, 'demo-cm')?.color, 'green');
  assert.ok(fake.find('Secret', 'default', 'demo-s'));
  let h = await sortedHistory(storage, 'demo');
  assert.deepEqual(h.map((r) => [r.version, r.info.status]), [[1, 'superseded'], [2, 'deployed']]);

  const r3 = await rollback(cfg, 'demo', { version: 1, ...T });
  assert.equal(r3.version, 3);
  assert.equal(r3.info.status, 'deployed');
  assert.equal(r3.info.description, 'Rollback to 1');
  assert.equal(r3.manifest, r1.manifest);
  assert.deepEqual(r3.config, { color: 'red' });
  assert.equal(data(fake, 'demo-cm')?.color, 'red');
  assert.equal(fake.find('Secret', 'default', 'demo-s'), undefined, 'objects not in the target revision are deleted');
  h = await sortedHistory(storage, 'demo');
  assert.deepEqual(h.map((r) => [r.version, r.info.status]), [[1, 'superseded'], [2, 'superseded'], [3, 'deployed']]);
  await assert.rejects(rollback(cfg, 'demo', { version: 9, ...T }), /release has no 9 version/);
});

test('a failing upgrade with --atomic rolls back by itself', async () => {
  const { fake, cfg, storage } = setup();
  await install(cfg, renderer(), chart, { color: 'red' }, [], { releaseName: 'demo', namespace: 'default', ...T });
  // A LoadBalancer Service never gets an ingress here, so --wait cannot succeed.
  await assert.rejects(
    upgrade(cfg, 'demo', renderer(), chart, { color: 'green', lb: true }, { timeoutMs: 50, atomic: true, maxHistory: 10 }),
    /release demo failed, and has been rolled back due to atomic being set: context deadline exceeded/,
  );
  const h = await sortedHistory(storage, 'demo');
  assert.deepEqual(h.map((r) => [r.version, r.info.status]), [[1, 'superseded'], [2, 'failed'], [3, 'deployed']]);
  assert.equal(h[1]!.info.description, 'Upgrade "demo" failed: context deadline exceeded');
  assert.equal(h[2]!.info.description, 'Rollback to 1');
  assert.equal(data(fake, 'demo-cm')?.color, 'red');
  assert.equal(fake.find('Service', 'default', 'demo-lb'), undefined);
});

test('a failing upgrade without --atomic leaves the new revision failed and the old one deployed', async () => {
  const { fake, cfg, storage } = setup();
  await install(cfg, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  fake.failOn = (verb, o) => (verb === 'patch' && o.kind === 'ConfigMap' ? new Error('admission webhook denied') : undefined);
  await assert.rejects(upgrade(cfg, 'demo', renderer(), chart, { color: 'pink' }, { ...T }), /cannot patch "demo-cm" with kind ConfigMap: admission webhook denied/);
  const h = await sortedHistory(storage, 'demo');
  assert.deepEqual(h.map((r) => [r.version, r.info.status]), [[1, 'deployed'], [2, 'failed']]);
  // the next upgrade works from the deployed revision
  fake.failOn = () => undefined;
  const r3 = await upgrade(cfg, 'demo', renderer(), chart, { color: 'pink' }, { ...T });
  assert.equal(r3.version, 3);
  assert.deepEqual((await sortedHistory(storage, 'demo')).map((r) => r.info.status), ['superseded', 'failed', 'deployed']);
});

test('--cleanup-on-fail deletes the objects the failed upgrade created', async () => {
  const { fake, cfg } = setup();
  await install(cfg, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  await assert.rejects(upgrade(cfg, 'demo', renderer(), chart, { lb: true }, { timeoutMs: 30, wait: true, cleanupOnFail: true }), /context deadline exceeded/);
  assert.equal(fake.find('Service', 'default', 'demo-lb'), undefined);
});

test('a failed install is recorded failed (never pending); with --atomic it is uninstalled', async () => {
  const { fake, cfg, storage } = setup();
  await assert.rejects(install(cfg, renderer(), chart, { lb: true }, [], { releaseName: 'one', namespace: 'default', timeoutMs: 30, wait: true }), /context deadline exceeded/);
  const r = await storage.last('one');
  assert.equal(r.info.status, 'failed');
  assert.equal(r.info.description, 'Release "one" failed: context deadline exceeded');
  await assert.rejects(install(cfg, renderer(), chart, { lb: true }, [], { releaseName: 'two', namespace: 'default', timeoutMs: 30, atomic: true }),
    /release two failed, and has been uninstalled due to atomic being set: context deadline exceeded/);
  await assert.rejects(storage.history('two'), /release: not found/);
  assert.equal(fake.find('ConfigMap', 'default', 'two-cm'), undefined);
  // --replace reuses the failed name
  const again = await install(cfg, renderer(), chart, {}, [], { releaseName: 'one', namespace: 'default', replace: true, ...T });
  assert.equal(again.version, 2);
});

test('objects that exist without Helm\'s metadata are not adopted; owned ones are', async () => {
  const { fake, cfg } = setup();
  await fake.client.create({ group: '', version: 'v1', resource: 'configmaps', namespaced: true }, 'default', { metadata: { name: 'demo-cm' }, data: { color: 'old' } });
  await assert.rejects(install(cfg, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T }), (err: Error) => {
    assert.equal(err.message, 'Unable to continue with install: ConfigMap "demo-cm" in namespace "default" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"; annotation validation error: missing key "meta.helm.sh/release-name": must be set to "demo"; annotation validation error: missing key "meta.helm.sh/release-namespace": must be set to "default"');
    return true;
  });
  fake.mutate('ConfigMap', 'default', 'demo-cm', (o) => {
    o.metadata!.labels = { 'app.kubernetes.io/managed-by': 'Helm' };
    o.metadata!.annotations = { 'meta.helm.sh/release-name': 'demo', 'meta.helm.sh/release-namespace': 'default' };
  });
  await install(cfg, renderer(), chart, { color: 'adopted' }, [], { releaseName: 'demo', namespace: 'default', ...T });
  assert.equal(data(fake, 'demo-cm')?.color, 'adopted');
});

test('uninstall removes objects and history; --keep-history keeps an uninstalled record; keep policy', async () => {
  const { fake, cfg, storage } = setup();
  const keep = `---\n# Source: demo/templates/keep.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    helm.sh/resource-policy: keep\n`;
  await install(cfg, renderer({ extra: keep }), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  await upgrade(cfg, 'demo', renderer({ extra: keep }), chart, { color: 'x' }, { ...T });
  const res = await uninstall(cfg, 'demo', { ...T });
  assert.equal(res.info, 'These resources were kept due to the resource policy:\n[ConfigMap] kept\n');
  assert.equal(fake.find('ConfigMap', 'default', 'demo-cm'), undefined);
  assert.ok(fake.find('ConfigMap', 'default', 'kept'));
  await assert.rejects(storage.history('demo'), /not found/);
  await assert.rejects(uninstall(cfg, 'demo', { ...T }), /uninstall: Release not loaded: demo: release: not found/);

  await install(cfg, renderer(), chart, {}, [], { releaseName: 'hist', namespace: 'default', ...T });
  await uninstall(cfg, 'hist', { ...T, keepHistory: true });
  const last = await storage.last('hist');
  assert.equal(last.info.status, 'uninstalled');
  assert.equal(last.info.description, 'Uninstallation complete');
  assert.ok(last.info.deleted);
  await assert.rejects(uninstall(cfg, 'hist', { ...T, keepHistory: true }), /the release named "hist" is already deleted/);
  assert.equal((await list(storage, {})).some((r) => r.name === 'hist'), false);
  assert.equal((await list(storage, { uninstalled: true })).map((r) => r.name).join(), 'hist');
  await uninstall(cfg, 'hist', { ...T });
  await assert.rejects(storage.history('hist'), /not found/);
});

test('hooks run in weight order around the install, with their delete policies', async () => {
  const { fake, cfg, storage } = setup();
  const hooks = [
    hook('late', ['pre-install'], { weight: 5 }),
    hook('early', ['pre-install'], { weight: -1, deletePolicies: ['hook-succeeded'] }),
    hook('after', ['post-install']),
  ];
  await install(cfg, renderer({ hooks }), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  const creates = fake.calls.filter((c) => c.startsWith('create ConfigMap'));
  assert.deepEqual(creates, ['create ConfigMap default/early', 'create ConfigMap default/late', 'create ConfigMap default/demo-cm', 'create ConfigMap default/after']);
  assert.equal(fake.find('ConfigMap', 'default', 'early'), undefined, 'hook-succeeded deletes the hook');
  assert.ok(fake.find('ConfigMap', 'default', 'late'));
  assert.equal(fake.find('ConfigMap', 'default', 'late')!.metadata!.labels, undefined, 'hooks are not labelled as release objects');
  const rel = await storage.last('demo');
  const late = rel.hooks.find((h) => h.name === 'late')!;
  assert.equal(late.lastRun.phase, 'Succeeded');
  assert.deepEqual(late.deletePolicies, ['before-hook-creation']);
  assert.ok(late.lastRun.startedAt && late.lastRun.completedAt);
  // before-hook-creation: the next upgrade deletes and recreates the hook
  const upHooks = [hook('late', ['pre-upgrade'], { weight: 5 })];
  const uid = fake.find('ConfigMap', 'default', 'late')!.metadata!.uid;
  await upgrade(cfg, 'demo', renderer({ hooks: upHooks }), chart, {}, { ...T });
  assert.notEqual(fake.find('ConfigMap', 'default', 'late')!.metadata!.uid, uid);
});

test('a hook Job that fails fails the install with Helm\'s message; hook-failed deletes it', async () => {
  const { fake, cfg, storage } = setup((f) => {
    f.onCreate = (obj: KubeObject) => {
      if (obj.kind === 'Job') obj.status = { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] };
    };
  });
  const hooks = [hook('migrate', ['pre-install'], { deletePolicies: ['hook-failed'] }, 'Job')];
  await assert.rejects(install(cfg, renderer({ hooks }), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T }),
    /failed pre-install: job migrate failed: BackoffLimitExceeded/);
  const rel = await storage.last('demo');
  assert.equal(rel.info.status, 'failed');
  assert.equal(rel.hooks[0]!.lastRun.phase, 'Failed');
  assert.equal(fake.find('Job', 'default', 'migrate'), undefined);
  assert.equal(fake.find('ConfigMap', 'default', 'demo-cm'), undefined, 'nothing else was applied');
});

test('a hook Job is waited for until it completes', async () => {
  const { fake, cfg } = setup();
  const hooks = [hook('migrate', ['pre-install'], {}, 'Job')];
  setTimeout(() => fake.mutate('Job', 'default', 'migrate', (o) => { o.status = { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }; }), 30);
  const rel = await install(cfg, renderer({ hooks }), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  assert.equal(rel.hooks[0]!.lastRun.phase, 'Succeeded');
  await assert.rejects(
    install(cfg, renderer({ hooks: [hook('never', ['pre-install'], {}, 'Job')] }), chart, {}, [], { releaseName: 'other', namespace: 'default', timeoutMs: 30 }),
    /failed pre-install: timed out waiting for the condition/,
  );
});

test('upgrade refuses while another operation is pending, and without a deployed release', async () => {
  const { cfg, storage } = setup();
  await assert.rejects(upgrade(cfg, 'none', renderer(), chart, {}, { ...T }), /"none" has no deployed releases/);
  await install(cfg, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  const r = await storage.last('demo');
  r.info.status = 'pending-upgrade';
  await storage.update(r);
  await assert.rejects(upgrade(cfg, 'demo', renderer(), chart, {}, { ...T }), /another operation \(install\/upgrade\/rollback\) is in progress/);
});

test('values: reuse, reset-then-reuse, and copied when none are given; get values --all coalesces', async () => {
  const { fake, cfg, storage } = setup();
  await install(cfg, renderer(), chart, { color: 'red', size: { b: 2 } }, [], { releaseName: 'demo', namespace: 'default', ...T });
  let r = await upgrade(cfg, 'demo', renderer(), chart, {}, { ...T });
  assert.deepEqual(r.config, { color: 'red', size: { b: 2 } }, 'no values: the old ones are used');
  r = await upgrade(cfg, 'demo', renderer(), chart, { extra: 1 }, { ...T, reuseValues: true });
  assert.deepEqual(r.config, { extra: 1, color: 'red', size: { b: 2 } });
  r = await upgrade(cfg, 'demo', renderer(), chart, { color: 'teal' }, { ...T, resetThenReuseValues: true });
  assert.deepEqual(r.config, { color: 'teal', extra: 1, size: { b: 2 } });
  assert.equal(data(fake, 'demo-cm')?.color, 'teal');
  r = await upgrade(cfg, 'demo', renderer(), chart, { size: null }, { ...T, resetValues: true });
  assert.deepEqual(r.config, { size: null });
  assert.deepEqual(await getValues(storage, 'demo', 0, true), { color: 'blue' });
  assert.deepEqual(await getValues(storage, 'demo', 1, true), { color: 'red', size: { a: 1, b: 2 } });
  assert.deepEqual(await getValues(storage, 'demo', 1), { color: 'red', size: { b: 2 } });
});

test('--history-max prunes the oldest revisions but never the deployed one', async () => {
  const { cfg, storage } = setup();
  await install(cfg, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  for (let i = 0; i < 4; i++) await upgrade(cfg, 'demo', renderer(), chart, { color: `c${i}` }, { ...T, maxHistory: 3 });
  assert.deepEqual((await sortedHistory(storage, 'demo')).map((r) => r.version), [3, 4, 5]);
});

test('list shows the latest revision of each release, deployed and failed by default', async () => {
  const { cfg, storage } = setup();
  await install(cfg, renderer(), chart, {}, [], { releaseName: 'b', namespace: 'default', ...T });
  await upgrade(cfg, 'b', renderer(), chart, { color: 'x' }, { ...T });
  await install(cfg, renderer(), chart, {}, [], { releaseName: 'a', namespace: 'default', ...T });
  await assert.rejects(install(cfg, renderer(), chart, { lb: true }, [], { releaseName: 'c', namespace: 'default', timeoutMs: 20, wait: true }));
  const names = (await list(storage)).map((r) => `${r.name}:${r.version}:${r.info.status}`);
  assert.deepEqual(names, ['a:1:deployed', 'b:2:deployed', 'c:1:failed']);
  assert.deepEqual((await list(storage, { failed: true })).map((r) => r.name), ['c']);
  assert.deepEqual((await list(storage, { superseded: true })).map((r) => `${r.name}:${r.version}`), ['b:1']);
  assert.deepEqual((await list(storage, { filter: '^[ab]$', sortReverse: true })).map((r) => r.name), ['b', 'a']);
  assert.equal((await list(storage, { all: true })).length, 3);
});

test('dry runs store nothing and apply nothing', async () => {
  const { fake, cfg, storage } = setup();
  const rel = await install(cfg, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'default', dryRun: true, ...T });
  assert.equal(rel.info.description, 'Dry run complete');
  assert.equal(fake.calls.length, 0);
  await assert.rejects(storage.history('demo'));
});

test('helm test runs the test hooks and records the results', async () => {
  const { cfg, storage } = setup();
  const hooks = [hook('t1', ['test']), hook('t2', ['test'], { weight: 1 })];
  await install(cfg, renderer({ hooks }), chart, {}, [], { releaseName: 'demo', namespace: 'default', ...T });
  const { release, error } = await releaseTest(cfg, 'demo', { ...T });
  assert.equal(error, undefined);
  assert.deepEqual(release.hooks.map((h) => h.lastRun.phase), ['Succeeded', 'Succeeded']);
  assert.equal((await storage.last('demo')).hooks[0]!.lastRun.phase, 'Succeeded');
});

test('--create-namespace creates the release namespace', async () => {
  const { fake, cfg } = setup();
  const kube = new KubeApplier(fake.client, 'team');
  await assert.rejects(install({ ...cfg, kube, storage: new Storage(new SecretsDriver(fake.client, 'team')) }, renderer(), chart, {}, [], { releaseName: 'demo', namespace: 'team', ...T }), /namespaces "team" not found/);
  await install({ ...cfg, kube, storage: new Storage(new SecretsDriver(fake.client, 'team')) }, renderer(), chart, {}, [], { releaseName: 'demo2', namespace: 'team', createNamespace: true, ...T });
  assert.deepEqual(fake.find('Namespace', '', 'team')!.metadata!.labels, { name: 'team' });
  assert.ok(fake.find('ConfigMap', 'team', 'demo2-cm'));
});
