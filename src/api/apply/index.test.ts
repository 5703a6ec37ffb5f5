import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../object.js';
import { schemaForKind } from '../schema.js';
import { StatusError } from '../errors.js';
import { FieldSet, pathToString } from './fieldpath.js';
import { conflictError, serverSideApply, trackUpdate, type ApplyArgs, type UpdateArgs } from './index.js';

const deploySchema = schemaForKind('apps', 'v1', 'Deployment');
const cmSchema = schemaForKind('', 'v1', 'ConfigMap');
const podSchema = schemaForKind('', 'v1', 'Pod');
const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:01:00Z';
const T2 = '2024-05-01T10:02:00Z';
const T3 = '2024-05-01T10:03:00Z';

type Obj = KubeObject & { spec?: any; data?: any; status?: any };

function deployment(extra: { replicas?: number; image?: string; labels?: Record<string, string> } = {}): Obj {
  const spec: Record<string, unknown> = {};
  if (extra.replicas !== undefined) spec.replicas = extra.replicas;
  spec.selector = { matchLabels: { app: 'nginx' } };
  spec.template = {
    metadata: { labels: { app: 'nginx' } },
    spec: { containers: [{ name: 'nginx', image: extra.image ?? 'nginx:1.14.2' }] },
  };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'default', ...(extra.labels ? { labels: extra.labels } : {}) }, spec };
}

function apply(live: KubeObject | undefined, config: KubeObject, manager: string, now: string, more: Partial<ApplyArgs> = {}) {
  const apiVersion = config.apiVersion ?? 'v1';
  const schema = more.schema !== undefined ? more.schema : config.kind === 'Deployment' ? deploySchema : config.kind === 'Pod' ? podSchema : cmSchema;
  return serverSideApply({ live, config, manager, force: false, schema, apiVersion, now, ...more });
}

/** Apply that must succeed; the result is given a uid/resourceVersion as the server would store it. */
function applyOk(live: KubeObject | undefined, config: KubeObject, manager: string, now: string, more: Partial<ApplyArgs> = {}): Obj {
  const r = apply(live, config, manager, now, more);
  assert.deepEqual(r.conflicts, []);
  return stored(r.object);
}

function stored(o: KubeObject): Obj {
  const out = structuredClone(o) as Obj;
  out.metadata = { ...out.metadata, uid: out.metadata?.uid ?? 'uid-1', resourceVersion: String(Number(out.metadata?.resourceVersion ?? 0) + 1) };
  return out;
}

function update(oldObj: KubeObject | undefined, newObj: KubeObject, manager: string, now: string, more: Partial<UpdateArgs> = {}): Obj {
  const apiVersion = newObj.apiVersion ?? 'v1';
  const schema = newObj.kind === 'Deployment' ? deploySchema : newObj.kind === 'Pod' ? podSchema : cmSchema;
  return stored(trackUpdate({ oldObj, newObj, manager, schema, apiVersion, now, ...more }));
}

function entries(o: KubeObject): ManagedFieldsEntry[] {
  return (o.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
}

function entry(o: KubeObject, manager: string, operation: 'Apply' | 'Update' = 'Apply'): ManagedFieldsEntry | undefined {
  return entries(o).find((e) => e.manager === manager && e.operation === operation);
}

function owned(o: KubeObject, manager: string, operation: 'Apply' | 'Update' = 'Apply'): string[] {
  const e = entry(o, manager, operation);
  return e ? FieldSet.fromFieldsV1(e.fieldsV1).paths().map(pathToString) : [];
}

function edit(o: Obj, fn: (x: Obj) => void): Obj {
  const c = structuredClone(o);
  fn(c);
  return c;
}

// ------------------------------------------------------------------------------------------
// create and re-apply

test('apply creates a missing object and records one Apply entry', () => {
  const r = apply(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.changed, true);
  const o = r.object as Obj;
  assert.equal(o.spec.replicas, 3);
  assert.equal(o.spec.template.spec.containers[0].image, 'nginx:1.14.2');
  assert.deepEqual(entries(o), [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      },
    },
  ]);
});

test('the documentation ConfigMap is owned exactly as the documentation shows', () => {
  const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', labels: { 'test-label': 'test' } }, data: { key: 'some value' } };
  const o = applyOk(undefined, config, 'kubectl', T0);
  const docs = { 'f:metadata': { 'f:labels': { 'f:test-label': {} } }, 'f:data': { 'f:key': {} } };
  assert.ok(FieldSet.fromFieldsV1(entry(o, 'kubectl')!.fieldsV1).equals(FieldSet.fromFieldsV1(docs)));
  assert.equal(JSON.stringify(entry(o, 'kubectl')!.fieldsV1), '{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}');
});

test('re-applying the same configuration changes nothing, not even the time', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const r = apply(o, deployment({ replicas: 3 }), 'kubectl', T1);
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.changed, false);
  assert.deepEqual(r.object.metadata?.managedFields, o.metadata?.managedFields);
  assert.deepEqual({ ...r.object, metadata: { ...r.object.metadata, managedFields: undefined } }, { ...o, metadata: { ...o.metadata, managedFields: undefined } });
});

test('re-applying a changed value by the same manager updates value and time without conflict', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const r = apply(o, deployment({ replicas: 5 }), 'kubectl', T1);
  assert.deepEqual(r.conflicts, []);
  assert.equal((r.object as Obj).spec.replicas, 5);
  assert.equal(entry(r.object, 'kubectl')!.time, T1);
});

test('apply keeps live fields the configuration does not mention', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const withDefaults = edit(o, (x) => {
    x.spec.progressDeadlineSeconds = 600;
    x.status = { replicas: 3 };
  });
  const r = applyOk(withDefaults, deployment({ replicas: 4 }), 'kubectl', T1);
  assert.equal(r.spec.progressDeadlineSeconds, 600);
  assert.deepEqual(r.status, { replicas: 3 });
});

// ------------------------------------------------------------------------------------------
// removal and shared ownership

test('a field dropped from the configuration is removed from the object and the entry', () => {
  const o = applyOk(undefined, deployment({ replicas: 3, labels: { a: '1', b: '2' } }), 'kubectl', T0);
  const r = applyOk(o, deployment({ replicas: 3, labels: { a: '1' } }), 'kubectl', T1);
  assert.deepEqual(r.metadata?.labels, { a: '1' });
  assert.ok(!owned(r, 'kubectl').includes('.metadata.labels.b'));
  const r2 = applyOk(r, deployment({ replicas: 3 }), 'kubectl', T2);
  assert.equal(r2.metadata?.labels, undefined, 'the emptied label map is dropped');
  const r3 = applyOk(r2, deployment({}), 'kubectl', T3);
  assert.equal(r3.spec.replicas, undefined);
});

test('a list-map item dropped from the configuration is removed', () => {
  const two = edit(deployment(), (x) => x.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox' }));
  const o = applyOk(undefined, two, 'kubectl', T0);
  assert.equal(o.spec.template.spec.containers.length, 2);
  const r = applyOk(o, deployment(), 'kubectl', T1);
  assert.deepEqual(r.spec.template.spec.containers.map((c: { name: string }) => c.name), ['nginx']);
  assert.ok(!owned(r, 'kubectl').some((p) => p.includes('sidecar')));
});

test('a field owned by another applier is kept when one applier drops it (shared ownership)', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'alice', T0);
  const shared = applyOk(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { replicas: 3 } }, 'bob', T1);
  assert.ok(owned(shared, 'alice').includes('.spec.replicas'));
  assert.ok(owned(shared, 'bob').includes('.spec.replicas'));
  const r = applyOk(shared, deployment({}), 'alice', T2);
  assert.equal(r.spec.replicas, 3);
  assert.ok(!owned(r, 'alice').includes('.spec.replicas'));
  assert.deepEqual(owned(r, 'bob'), ['.spec.replicas']);
});

test('changing a shared field conflicts with the other owner', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'alice', T0);
  const shared = applyOk(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { replicas: 3 } }, 'bob', T1);
  const r = apply(shared, deployment({ replicas: 4 }), 'alice', T2);
  assert.deepEqual(r.conflicts, [{ manager: 'bob', field: '.spec.replicas', operation: 'Apply', apiVersion: 'apps/v1' }]);
});

test('applying the value another manager owns, unchanged, is not a conflict', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'alice', T0);
  const r = apply(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { replicas: 3 } }, 'bob', T1);
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.changed, false);
  assert.equal(entry(r.object, 'bob')!.time, undefined, 'like Kubernetes, no time when the object did not change');
});

// ------------------------------------------------------------------------------------------
// conflicts

test('conflict with another applier: Kubernetes message, status and causes', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'alice', T0);
  const r = apply(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { replicas: 5 } }, 'bob', T1);
  assert.equal(r.conflicts.length, 1);
  assert.equal((r.object as Obj).spec.replicas, 3, 'the returned object is the unchanged live one');
  const err = conflictError('Deployment', 'apps', 'nginx', r.conflicts, 'apps/v1');
  assert.ok(err instanceof StatusError);
  assert.deepEqual(err.toStatus(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas',
    reason: 'Conflict',
    code: 409,
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' }] },
  });
});

test('kubectl apply --server-side, then another manager updates spec.replicas: the Kubernetes conflict', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const scaled = update(o, edit(o, (x) => (x.spec.replicas = 5)), 'kubectl-edit', T1);
  assert.ok(!owned(scaled, 'kubectl').includes('.spec.replicas'), 'the update took the field from the applier');
  assert.deepEqual(owned(scaled, 'kubectl-edit', 'Update'), ['.spec.replicas']);
  const r = apply(scaled, deployment({ replicas: 3 }), 'kubectl', T2);
  assert.deepEqual(r.conflicts, [{ manager: 'kubectl-edit', field: '.spec.replicas', operation: 'Update', apiVersion: 'apps/v1' }]);
  const err = conflictError('Deployment', 'apps', 'nginx', r.conflicts, 'apps/v1');
  assert.equal(err.code, 409);
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
  assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }]);
});

test('kubectl scale through the scale subresource: the conflict names the subresource', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const scaled = update(o, edit(o, (x) => (x.spec.replicas = 7)), 'kubectl', T1, { subresource: 'scale' });
  const e = entries(scaled).find((x) => x.operation === 'Update')!;
  assert.equal(e.subresource, 'scale');
  const r = apply(scaled, deployment({ replicas: 3 }), 'kubectl', T2);
  const err = conflictError('Deployment', 'apps', 'nginx', r.conflicts, 'apps/v1');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
});

test('several conflicts are grouped per manager, managers sorted', () => {
  const o = applyOk(undefined, deployment({ replicas: 3, image: 'nginx:1' }), 'zed', T0);
  const o2 = update(o, edit(o, (x) => (x.metadata!.labels = { team: 'a' })), 'adam', T1);
  const config = edit(deployment({ replicas: 4, image: 'nginx:2', labels: { team: 'b' } }), () => {});
  const r = apply(o2, config, 'me', T2);
  assert.deepEqual(
    r.conflicts.map((c) => `${c.manager} ${c.field}`),
    ['adam .metadata.labels.team', 'zed .spec.replicas', 'zed .spec.template.spec.containers[name="nginx"].image'],
  );
  const err = conflictError('Deployment', 'apps', 'nginx', r.conflicts, 'apps/v1');
  assert.equal(
    err.message,
    'Apply failed with 3 conflicts: conflicts with "adam" using apps/v1:\n- .metadata.labels.team\n' +
      'conflicts with "zed":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
  );
  assert.equal(err.details?.causes?.length, 3);
});

test('force takes ownership: the value is set and the other manager loses the field', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const scaled = update(o, edit(o, (x) => (x.spec.replicas = 5)), 'kubectl-edit', T1);
  const r = apply(scaled, deployment({ replicas: 3 }), 'kubectl', T2, { force: true });
  assert.deepEqual(r.conflicts, []);
  const obj = r.object as Obj;
  assert.equal(obj.spec.replicas, 3);
  assert.equal(entry(obj, 'kubectl-edit', 'Update'), undefined, 'an entry left empty is removed');
  assert.ok(owned(obj, 'kubectl').includes('.spec.replicas'));
  assert.equal(entry(obj, 'kubectl')!.time, T2);
});

test('force only moves the conflicting fields', () => {
  const o = applyOk(undefined, deployment({ replicas: 3, labels: { keep: 'x' } }), 'alice', T0);
  const r = apply(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { replicas: 9 } }, 'bob', T1, { force: true });
  assert.deepEqual(r.conflicts, []);
  assert.ok(!owned(r.object, 'alice').includes('.spec.replicas'));
  assert.ok(owned(r.object, 'alice').includes('.metadata.labels.keep'));
  assert.deepEqual(owned(r.object, 'bob'), ['.spec.replicas']);
});

test('conflicts on a container field are reported with the list-map key', () => {
  const o = applyOk(undefined, deployment({ image: 'nginx:1' }), 'alice', T0);
  const r = apply(o, deployment({ image: 'nginx:2' }), 'bob', T1);
  assert.deepEqual(r.conflicts.map((c) => c.field), ['.spec.template.spec.containers[name="nginx"].image']);
});

// ------------------------------------------------------------------------------------------
// lists

function podConfig(containers: Array<Record<string, unknown>>, finalizers?: string[]): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(finalizers ? { finalizers } : {}) }, spec: { containers } };
}

test('list-map: two managers own different containers, merged by name', () => {
  const a = applyOk(undefined, podConfig([{ name: 'app', image: 'app:1' }]), 'alice', T0);
  const b = applyOk(a, podConfig([{ name: 'log', image: 'log:1' }]), 'bob', T1);
  assert.deepEqual(b.spec.containers, [{ name: 'app', image: 'app:1' }, { name: 'log', image: 'log:1' }]);
  assert.deepEqual(owned(b, 'alice'), ['.spec.containers[name="app"]', '.spec.containers[name="app"].image', '.spec.containers[name="app"].name']);
  assert.deepEqual(owned(b, 'bob'), ['.spec.containers[name="log"]', '.spec.containers[name="log"].image', '.spec.containers[name="log"].name']);
  // alice updates her container: no conflict, bob's is untouched
  const c = applyOk(b, podConfig([{ name: 'app', image: 'app:2' }]), 'alice', T2);
  assert.deepEqual(c.spec.containers, [{ name: 'app', image: 'app:2' }, { name: 'log', image: 'log:1' }]);
  // bob drops his container: only his goes
  const d = applyOk(c, podConfig([]), 'bob', T3);
  assert.deepEqual(d.spec.containers, [{ name: 'app', image: 'app:2' }]);
  assert.equal(entry(d, 'bob'), undefined);
});

test('list-map: the same container applied by two managers is shared, each field by its setter', () => {
  const a = applyOk(undefined, podConfig([{ name: 'app', image: 'app:1' }]), 'alice', T0);
  const b = applyOk(a, podConfig([{ name: 'app', imagePullPolicy: 'Always' }]), 'bob', T1);
  assert.deepEqual(b.spec.containers, [{ name: 'app', image: 'app:1', imagePullPolicy: 'Always' }]);
  // alice drops the container: bob still owns the element, so it stays (without alice's image)
  const c = applyOk(b, podConfig([{ name: 'app', image: 'app:1' }].slice(1)), 'alice', T2);
  assert.deepEqual(c.spec.containers, [{ name: 'app', imagePullPolicy: 'Always' }]);
});

test('set-list: finalizers from two managers are unioned and removed per owner', () => {
  const a = applyOk(undefined, podConfig([{ name: 'app', image: 'x' }], ['a.io/one']), 'alice', T0);
  const b = applyOk(a, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['b.io/two'] } }, 'bob', T1);
  assert.deepEqual(b.metadata?.finalizers, ['a.io/one', 'b.io/two']);
  assert.ok(owned(b, 'bob').includes('.metadata.finalizers[="b.io/two"]'));
  assert.equal(JSON.stringify(entry(b, 'bob')!.fieldsV1), '{"f:metadata":{"f:finalizers":{"v:\\"b.io/two\\"":{}}}}');
  const c = applyOk(b, podConfig([{ name: 'app', image: 'x' }]), 'alice', T2);
  assert.deepEqual(c.metadata?.finalizers, ['b.io/two']);
});

test('atomic list: replaced as a whole and owned as a whole', () => {
  const a = applyOk(undefined, podConfig([{ name: 'app', image: 'x', args: ['--a', '--b'] }]), 'alice', T0);
  assert.ok(owned(a, 'alice').includes('.spec.containers[name="app"].args'));
  assert.ok(!owned(a, 'alice').some((p) => p.includes('args[')));
  const b = applyOk(a, podConfig([{ name: 'app', image: 'x', args: ['--c'] }]), 'alice', T1);
  assert.deepEqual(b.spec.containers[0].args, ['--c']);
  const r = apply(b, podConfig([{ name: 'app', args: ['--d'] }]), 'bob', T2);
  assert.deepEqual(r.conflicts.map((c) => c.field), ['.spec.containers[name="app"].args']);
});

// ------------------------------------------------------------------------------------------
// update tracking

test('create by update: the creator owns every field it set; server fields and status are not owned', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', labels: { app: 'x' }, uid: 'u', resourceVersion: '1', creationTimestamp: T0, generation: 1 }, data: { k: 'v' } };
  const o = trackUpdate({ oldObj: undefined, newObj: cm, manager: 'kubectl-create', schema: cmSchema, apiVersion: 'v1', now: T0 });
  assert.deepEqual(entries(o), [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    },
  ]);
  const dep = update(undefined, { ...deployment({ replicas: 2 }), status: { replicas: 2 } }, 'kube-controller', T0);
  const paths = owned(dep, 'kube-controller', 'Update');
  assert.ok(paths.includes('.spec.replicas'));
  assert.ok(!paths.some((p) => p.startsWith('.status')));
  assert.ok(!paths.includes('.spec'), 'spec exists in an empty object, so it is not itself owned');
});

test('update: only changed fields move to the writer, from every other manager', () => {
  const o = applyOk(undefined, deployment({ replicas: 3, labels: { a: '1' } }), 'kubectl', T0);
  const u = update(o, edit(o, (x) => {
    x.metadata!.labels!.a = '2';
    x.metadata!.resourceVersion = '99';
  }), 'editor', T1);
  assert.deepEqual(owned(u, 'editor', 'Update'), ['.metadata.labels.a']);
  assert.ok(owned(u, 'kubectl').includes('.spec.replicas'));
  assert.ok(!owned(u, 'kubectl').includes('.metadata.labels.a'));
  const u2 = update(u, edit(u, (x) => (x.spec.replicas = 9)), 'other', T2);
  assert.deepEqual(owned(u2, 'other', 'Update'), ['.spec.replicas']);
  assert.deepEqual(owned(u2, 'editor', 'Update'), ['.metadata.labels.a']);
});

test('update: removing a field removes it from its owners', () => {
  const o = applyOk(undefined, deployment({ replicas: 3, labels: { a: '1' } }), 'kubectl', T0);
  const u = update(o, edit(o, (x) => delete x.metadata!.labels), 'editor', T1);
  assert.ok(!owned(u, 'kubectl').some((p) => p.startsWith('.metadata')));
  assert.equal(entry(u, 'editor', 'Update'), undefined, 'a removal alone gives the writer nothing');
});

test('update without changes leaves managedFields untouched (no time churn)', () => {
  const o = update(undefined, deployment({ replicas: 1 }), 'creator', T0);
  const u = update(o, edit(o, (x) => (x.metadata!.resourceVersion = '50')), 'creator', T1);
  assert.deepEqual(u.metadata?.managedFields, o.metadata?.managedFields);
});

test('update by the same manager merges into its entry and refreshes the time', () => {
  const o = update(undefined, deployment({ replicas: 1 }), 'ctl', T0);
  const u = update(o, edit(o, (x) => (x.metadata!.labels = { z: '1' })), 'ctl', T1);
  const updates = entries(u).filter((e) => e.operation === 'Update');
  assert.equal(updates.length, 1);
  assert.equal(updates[0].time, T1);
  assert.ok(owned(u, 'ctl', 'Update').includes('.metadata.labels.z'));
  assert.ok(owned(u, 'ctl', 'Update').includes('.spec.replicas'));
});

test('Update entries are kept per API version, an applier has one entry across versions', () => {
  const o = update(undefined, deployment({ replicas: 1 }), 'ctl', T0);
  const u = update(o, edit(o, (x) => (x.spec.replicas = 2)), 'ctl', T1, { apiVersion: 'apps/v1beta2' });
  assert.deepEqual(entries(u).map((e) => `${e.manager} ${e.operation} ${e.apiVersion}`), ['ctl Update apps/v1', 'ctl Update apps/v1beta2']);
  const a = applyOk(undefined, deployment({ replicas: 1 }), 'app', T0);
  const b = applyOk(a, deployment({ replicas: 2 }), 'app', T1, { apiVersion: 'apps/v1beta2' });
  assert.deepEqual(entries(b).map((e) => `${e.manager} ${e.operation} ${e.apiVersion}`), ['app Apply apps/v1beta2']);
});

test('managedFields: [{}] clears them, and an untracked object stays untracked', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const cleared = update(o, edit(o, (x) => {
    x.metadata!.managedFields = [{}];
    x.spec.replicas = 4;
  }), 'editor', T1);
  assert.equal(cleared.metadata?.managedFields, undefined);
  const again = update(cleared, edit(cleared, (x) => (x.spec.replicas = 5)), 'editor', T2);
  assert.equal(again.metadata?.managedFields, undefined);
});

test('managedFields sent with an update replace the live ones; omitted ones are kept', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const custom: ManagedFieldsEntry[] = [{ manager: 'someone', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } }];
  const u = update(o, edit(o, (x) => (x.metadata!.managedFields = custom)), 'editor', T1);
  assert.deepEqual(entries(u), custom);
  const kept = update(o, edit(o, (x) => delete x.metadata!.managedFields), 'editor', T1);
  assert.deepEqual(kept.metadata?.managedFields, o.metadata?.managedFields);
});

test('status written through the main resource is not tracked; through the status subresource it is', () => {
  const o = applyOk(undefined, deployment({ replicas: 3 }), 'kubectl', T0);
  const main = update(o, edit(o, (x) => (x.status = { replicas: 3 })), 'ctl', T1);
  assert.equal(entry(main, 'ctl', 'Update'), undefined);
  const sub = update(o, edit(o, (x) => (x.status = { replicas: 3 })), 'ctl', T1, { subresource: 'status' });
  const e = entry(sub, 'ctl', 'Update')!;
  assert.equal(e.subresource, 'status');
  assert.deepEqual(owned(sub, 'ctl', 'Update'), ['.status', '.status.replicas']);
  // an applier's status in the main resource is not owned either
  const a = applyOk(undefined, { ...deployment({ replicas: 1 }), status: { replicas: 1 } }, 'x', T0);
  assert.ok(!owned(a, 'x').some((p) => p.startsWith('.status')));
});

test('more than ten Update managers: the oldest are folded into "ancient-changes"', () => {
  let o = update(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }, 'm0', '2024-01-01T00:00:00Z');
  for (let i = 1; i <= 11; i++) {
    o = update(o, edit(o, (x) => (x.data = { ...x.data, [`k${i}`]: 'v' })), `m${i}`, `2024-01-01T00:${String(i).padStart(2, '0')}:00Z`);
  }
  const managers = entries(o).map((e) => e.manager);
  assert.equal(managers.length, 10);
  assert.ok(managers.includes('ancient-changes'));
  assert.ok(!managers.includes('m1') && !managers.includes('m2'));
  const ancient = FieldSet.fromFieldsV1(entry(o, 'ancient-changes', 'Update')!.fieldsV1).paths().map(pathToString);
  assert.ok(ancient.includes('.data.k1') && ancient.includes('.data.k2'));
});

test('entries are ordered: Apply first, then by time, then by manager', () => {
  const o = update(undefined, deployment({ replicas: 1 }), 'zeta', T0);
  const a = applyOk(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', labels: { x: '1' } } }, 'later-applier', T2);
  const b = update(a, edit(a, (x) => (x.metadata!.annotations = { y: '1' })), 'alpha', T1);
  assert.deepEqual(entries(b).map((e) => `${e.operation} ${e.manager}`), ['Apply later-applier', 'Update zeta', 'Update alpha']);
  const c = update(b, edit(b, (x) => (x.spec.paused = true)), 'beta', T0);
  assert.deepEqual(entries(c).map((e) => `${e.operation} ${e.manager}`), ['Apply later-applier', 'Update beta', 'Update zeta', 'Update alpha']);
});

// ------------------------------------------------------------------------------------------
// first apply to an untracked object, errors, schema-less objects

test('applying to an object without managedFields attributes its fields to before-first-apply', () => {
  const live = stored({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { replicas: 2 } });
  const r = apply(live, deployment({ replicas: 3 }), 'kubectl', T1);
  assert.deepEqual(r.conflicts, [{ manager: 'before-first-apply', field: '.spec.replicas', operation: 'Update', apiVersion: 'apps/v1' }]);
  const same = apply(live, deployment({ replicas: 2 }), 'kubectl', T1);
  assert.deepEqual(same.conflicts, []);
  assert.ok(owned(same.object, 'before-first-apply', 'Update').includes('.spec.replicas'));
});

test('an apply configuration carrying managedFields is rejected with 400', () => {
  const cfg = edit(deployment(), (x) => (x.metadata!.managedFields = []));
  assert.throws(
    () => apply(undefined, cfg, 'kubectl', T0),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'metadata.managedFields must be nil',
  );
});

test('an apply configuration with duplicate list-map keys fails like Kubernetes', () => {
  const cfg = podConfig([{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }]);
  assert.throws(
    () => apply(undefined, { ...cfg, metadata: { name: 'p', namespace: 'ns' } }, 'kubectl', T0),
    (e: unknown) =>
      e instanceof StatusError &&
      e.code === 500 &&
      e.message === 'failed to create typed patch object (ns/p; /v1, Kind=Pod): .spec.containers: duplicate entries for key [name="a"]',
  );
});

test('without a schema (preserve-unknown-fields): nested maps are granular, lists atomic', () => {
  const cr = (spec: Record<string, unknown>): Obj => ({ apiVersion: 'example.com/v1', kind: 'Foo', metadata: { name: 'foo' }, spec });
  const a = applyOk(undefined, cr({ data: { key1: 'v1', key2: 'v2' }, items: [1, 2] }), 'one', T0, { schema: undefined });
  assert.deepEqual(owned(a, 'one'), ['.spec', '.spec.data', '.spec.items', '.spec.data.key1', '.spec.data.key2']);
  const b = applyOk(a, cr({ data: { key3: 'v3' } }), 'two', T1, { schema: undefined });
  assert.deepEqual(b.spec, { data: { key1: 'v1', key2: 'v2', key3: 'v3' }, items: [1, 2] });
  const c = applyOk(b, cr({ data: { key1: 'v1' }, items: [3] }), 'one', T2, { schema: undefined });
  assert.deepEqual(c.spec, { data: { key1: 'v1', key3: 'v3' }, items: [3] });
  const r = apply(c, cr({ items: [4] }), 'two', T3, { schema: undefined });
  assert.deepEqual(r.conflicts.map((x) => x.field), ['.spec.items']);
});

test('dropping a struct removes it whole unless someone else owns part of it', () => {
  const withStrategy = edit(deployment({ replicas: 1 }), (x) => (x.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }));
  const o = applyOk(undefined, withStrategy, 'kubectl', T0);
  const defaulted = edit(o, (x) => (x.spec.strategy.rollingUpdate.maxUnavailable = '25%'));
  const r = applyOk(defaulted, deployment({ replicas: 1 }), 'kubectl', T1);
  assert.equal(r.spec.strategy, undefined);
  // with another owner of strategy.type, only the applier's own part goes
  const o2 = applyOk(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { strategy: { type: 'RollingUpdate' } } }, 'ops', T1);
  const r2 = applyOk(o2, deployment({ replicas: 1 }), 'kubectl', T2);
  assert.deepEqual(r2.spec.strategy, { type: 'RollingUpdate' });
});

test('apply on the status subresource owns status with the subresource in its identity', () => {
  const o = applyOk(undefined, deployment({ replicas: 1 }), 'kubectl', T0);
  const r = applyOk(o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, status: { replicas: 1 }, spec: { replicas: 8 } }, 'ctl', T1, { subresource: 'status' });
  const e = entry(r, 'ctl')!;
  assert.equal(e.subresource, 'status');
  assert.deepEqual(owned(r, 'ctl'), ['.status.replicas']);
});

// ------------------------------------------------------------------------------------------
// upgrading from client-side apply

function clientSideApplied(replicas: number): Obj {
  const config = deployment({ replicas });
  const annotation = JSON.stringify(config) + '\n';
  const obj = edit(config, (x) => (x.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': annotation }));
  return update(undefined, obj, 'kubectl-client-side-apply', T0);
}

test('kubectl server-side apply takes over fields from client-side apply without conflicts', () => {
  const live = clientSideApplied(3);
  assert.ok(owned(live, 'kubectl-client-side-apply', 'Update').includes('.spec.replicas'));
  const r = apply(live, deployment({ replicas: 4 }), 'kubectl', T1);
  assert.deepEqual(r.conflicts, []);
  const o = r.object as Obj;
  assert.equal(o.spec.replicas, 4);
  assert.ok(owned(o, 'kubectl').includes('.spec.replicas'));
  assert.ok(!owned(o, 'kubectl-client-side-apply', 'Update').includes('.spec.replicas'));
  // the annotation follows the server-side applied configuration (Go JSON, sorted keys, newline)
  const ann = o.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration'];
  assert.ok(ann.endsWith('\n'));
  assert.equal(JSON.parse(ann).spec.replicas, 4);
  assert.ok(ann.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"spec":{"replicas":4,'));
});

test('fields changed since the last client-side apply still conflict, and other managers get no upgrade', () => {
  const live = clientSideApplied(3);
  const scaled = update(live, edit(live, (x) => (x.spec.replicas = 5)), 'kubectl-scale', T1);
  const r = apply(scaled, deployment({ replicas: 4, image: 'nginx:2' }), 'kubectl', T2);
  assert.deepEqual(r.conflicts.map((c) => `${c.manager} ${c.field}`), ['kubectl-scale .spec.replicas']);
  const other = apply(live, deployment({ replicas: 4 }), 'my-manager', T1);
  assert.deepEqual(other.conflicts.map((c) => `${c.manager} ${c.field}`), ['kubectl-client-side-apply .spec.replicas']);
});
