import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaForKind, type SchemaNode } from '../schema.js';
import { FieldSet, fieldPE, keyPE, pathToString } from './fieldpath.js';
import { rootNode, shapeOf } from './shape.js';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, type TypedError } from './typed.js';

const f = fieldPE;
const deployment = rootNode(schemaForKind('apps', 'v1', 'Deployment'));
const pod = rootNode(schemaForKind('', 'v1', 'Pod'));
const untyped = rootNode(undefined);

function paths(s: FieldSet): string[] {
  return s.paths().map(pathToString);
}

test('shapes follow list-type, map-type and the older patch strategy markers', () => {
  const podSpec = schemaForKind('', 'v1', 'Pod')!.properties!.spec;
  const spec = shapeOf(podSpec);
  assert.equal(spec.t, 'struct');
  if (spec.t !== 'struct') return;
  const containers = shapeOf(spec.fields.containers);
  assert.deepEqual(containers.t === 'list' && [containers.rel, containers.keys], ['map', ['name']]);
  assert.equal(shapeOf(spec.fields.nodeSelector).t, 'atomic', 'nodeSelector is x-kubernetes-map-type: atomic');
  assert.equal(shapeOf(schemaForKind('', 'v1', 'ConfigMap')!.properties!.data).t, 'map');
  // merge strategy with a merge key and no list-type: a list-map keyed by the merge key
  const legacy: SchemaNode = { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'id' };
  const ls = shapeOf(legacy);
  assert.deepEqual(ls.t === 'list' && [ls.rel, ls.keys], ['map', ['id']]);
  // merge strategy on scalars: a set; no marker at all: atomic
  assert.deepEqual((s => s.t === 'list' && s.rel)(shapeOf({ type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' })), 'set');
  assert.equal(shapeOf({ type: 'array', items: { type: 'string' } }).t, 'atomic');
  assert.equal(shapeOf({ type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-map-type': 'atomic' }).t, 'atomic');
  assert.equal(shapeOf(undefined).t, 'deduced');
});

test('toFieldSet: leaves, list-map items with their keys, atomic selector, no struct parents', () => {
  const errs: TypedError[] = [];
  const set = toFieldSet(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { app: 'x' } },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } },
        strategy: {},
      },
    },
    deployment,
    errs,
  );
  assert.deepEqual(errs, []);
  assert.deepEqual(paths(set), [
    '.apiVersion',
    '.kind',
    '.metadata.name',
    '.metadata.labels.app',
    '.spec.selector',
    '.spec.template.spec.containers[name="c"]',
    '.spec.template.spec.containers[name="c"].image',
    '.spec.template.spec.containers[name="c"].name',
    '.spec.template.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"]',
    '.spec.template.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"].containerPort',
  ]);
});

test('toFieldSet: set-lists by value, atomic lists as a whole', () => {
  const set = toFieldSet(
    { metadata: { finalizers: ['a', 'b'] }, spec: { containers: [{ name: 'c', args: ['x', 'y'] }] } },
    pod,
    [],
  );
  assert.deepEqual(paths(set), [
    '.metadata.finalizers[="a"]',
    '.metadata.finalizers[="b"]',
    '.spec.containers[name="c"]',
    '.spec.containers[name="c"].args',
    '.spec.containers[name="c"].name',
  ]);
});

test('toFieldSet without a schema: maps granular (keys are members), lists atomic', () => {
  const set = toFieldSet({ apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n' }, spec: { a: { b: 1 }, list: [1, 2] } }, untyped, []);
  assert.deepEqual(paths(set), ['.apiVersion', '.kind', '.spec', '.metadata.name', '.spec.a', '.spec.list', '.spec.a.b']);
});

test('toFieldSet reports missing keys and (for configurations) duplicate items as Kubernetes does', () => {
  const errs: TypedError[] = [];
  toFieldSet({ spec: { containers: [{ image: 'x' }] } }, pod, errs);
  assert.deepEqual(errs, [
    { path: '.spec.containers', message: 'element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)' },
  ]);
  const dup: TypedError[] = [];
  toFieldSet({ spec: { containers: [{ name: 'c', env: [{ name: 'A' }, { name: 'A' }] }] } }, pod, dup, { rejectDuplicates: true });
  assert.deepEqual(dup, [{ path: '.spec.containers[name="c"].env', message: 'duplicate entries for key [name="A"]' }]);
});

test('compare: modified, added (with new parents as members) and removed', () => {
  const a = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } };
  const b = { spec: { replicas: 2, paused: true, template: { spec: { containers: [{ name: 'b', image: 'y' }] } } } };
  const c = compare(a, b, deployment);
  assert.deepEqual(paths(c.modified), ['.spec.replicas']);
  assert.deepEqual(paths(c.added), ['.spec.paused', '.spec.template.spec.containers[name="b"]', '.spec.template.spec.containers[name="b"].image', '.spec.template.spec.containers[name="b"].name']);
  assert.deepEqual(paths(c.removed), ['.spec.template.spec.containers[name="a"]', '.spec.template.spec.containers[name="a"].image', '.spec.template.spec.containers[name="a"].name']);
  const same = compare(a, structuredClone(a), deployment);
  assert.ok(same.added.isEmpty() && same.modified.isEmpty() && same.removed.isEmpty());
});

test('compare: empty and absent containers are leaves', () => {
  const c = compare({ metadata: {} }, { metadata: { labels: {} } }, deployment);
  assert.deepEqual(paths(c.added), ['.metadata.labels']);
  const d = compare({ metadata: { labels: { a: '1' } } }, { metadata: {} }, deployment);
  assert.deepEqual(paths(d.removed), ['.metadata.labels', '.metadata.labels.a']);
});

test('merge: config wins on leaves, maps merge, list-maps merge by key keeping live order', () => {
  const live = {
    metadata: { labels: { a: '1', b: '2' } },
    spec: { containers: [{ name: 'x', image: 'x:1', args: ['p'] }, { name: 'y', image: 'y:1' }] },
  };
  const config = { metadata: { labels: { b: '3' } }, spec: { containers: [{ name: 'z', image: 'z:1' }, { name: 'x', image: 'x:2', args: ['q'] }] } };
  const out = merge(live, config, pod);
  assert.deepEqual(out, {
    metadata: { labels: { a: '1', b: '3' } },
    spec: {
      containers: [
        { name: 'z', image: 'z:1' },
        { name: 'x', image: 'x:2', args: ['q'] },
        { name: 'y', image: 'y:1' },
      ],
    },
  });
});

test('merge: set-lists are unioned, atomic lists replaced', () => {
  const out = merge({ metadata: { finalizers: ['a', 'b'] }, spec: { containers: [{ name: 'c', command: ['1', '2'] }] } }, { metadata: { finalizers: ['c', 'a'] }, spec: { containers: [{ name: 'c', command: ['3'] }] } }, pod) as {
    metadata: { finalizers: string[] };
    spec: { containers: Array<{ command: string[] }> };
  };
  assert.deepEqual(out.metadata.finalizers, ['c', 'a', 'b']);
  assert.deepEqual(out.spec.containers[0].command, ['3']);
});

test('removeItems removes members with their subtrees and drops emptied maps', () => {
  const obj = { metadata: { labels: { a: '1' }, annotations: { x: 'y', z: 'w' } }, spec: { containers: [{ name: 'c', image: 'i' }, { name: 'd' }] } };
  const set = FieldSet.of([f('metadata'), f('labels'), f('a')], [f('metadata'), f('annotations'), f('x')], [f('spec'), f('containers'), keyPE([['name', 'd']])]);
  assert.deepEqual(removeItems(obj, set, pod), { metadata: { annotations: { z: 'w' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  assert.deepEqual(obj.metadata.labels, { a: '1' }, 'input is not modified');
});

test('ensureNamedFieldsAreMembers adds struct fields on the way, not map keys', () => {
  const set = FieldSet.of([f('metadata'), f('labels'), f('a')], [f('spec'), f('strategy'), f('type')]);
  const en = ensureNamedFieldsAreMembers(set, deployment);
  assert.deepEqual(paths(en), ['.metadata', '.spec', '.metadata.labels', '.metadata.labels.a', '.spec.strategy', '.spec.strategy.type']);
});
