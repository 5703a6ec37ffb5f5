import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResults, parseJSONPath, JSONPathError } from './jsonpath.js';

const doc = {
  metadata: { name: 'db', labels: { 'app.kubernetes.io/name': 'pg', tier: 'data' }, creationTimestamp: '2024-06-01T10:00:00Z' },
  spec: { replicas: 3, paused: false, version: '16.2', empty: null, ports: [{ name: 'pg', port: 5432 }, { name: 'metrics', port: 9187 }] },
  status: {
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'Scaling' },
      { type: 'Degraded', status: 'True', count: 2 },
    ],
    nodes: ['a', 'b', 'c', 'd'],
  },
};

const q = (path: string) => findResults(parseJSONPath(path), doc);

test('dotted fields', () => {
  assert.deepEqual(q('.spec.replicas'), [3]);
  assert.deepEqual(q('.metadata.name'), ['db']);
  assert.deepEqual(q('.spec.paused'), [false]);
});

test('root and brace forms are accepted', () => {
  assert.deepEqual(q('$.spec.replicas'), [3]);
  assert.deepEqual(q('{.spec.replicas}'), [3]);
  assert.deepEqual(q('{$.spec.version}'), ['16.2']);
});

test('missing keys yield no results, present nulls yield null', () => {
  assert.deepEqual(q('.spec.nothing'), []);
  assert.deepEqual(q('.nothing.at.all'), []);
  assert.deepEqual(q('.spec.empty'), [null]);
  assert.deepEqual(q('.spec.replicas.deeper'), []);
});

test('bracket keys and escaped dots reach keys containing dots and slashes', () => {
  assert.deepEqual(q(".metadata.labels['app.kubernetes.io/name']"), ['pg']);
  assert.deepEqual(q('.metadata.labels["tier"]'), ['data']);
  assert.deepEqual(q('.metadata.labels.app\\.kubernetes\\.io/name'), ['pg']);
});

test('indices, negative indices, out of range, slices and unions', () => {
  assert.deepEqual(q('.status.nodes[0]'), ['a']);
  assert.deepEqual(q('.status.nodes[-1]'), ['d']);
  assert.deepEqual(q('.status.nodes[9]'), []);
  assert.deepEqual(q('.status.nodes[1:3]'), ['b', 'c']);
  assert.deepEqual(q('.status.nodes[:2]'), ['a', 'b']);
  assert.deepEqual(q('.status.nodes[::2]'), ['a', 'c']);
  assert.deepEqual(q('.status.nodes[0,2]'), ['a', 'c']);
  assert.deepEqual(q('.spec.ports[1].port'), [9187]);
});

test('wildcards and recursive descent', () => {
  assert.deepEqual(q('.spec.ports[*].name'), ['pg', 'metrics']);
  assert.deepEqual(q('.status.nodes.*'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(q('..port'), [5432, 9187]);
  assert.deepEqual(q('.status..reason'), ['Scaling']);
});

test('filters on string equality (the common Ready-condition column)', () => {
  assert.deepEqual(q('.status.conditions[?(@.type=="Ready")].status'), ['False']);
  assert.deepEqual(q(".status.conditions[?(@.type == 'Ready')].reason"), ['Scaling']);
  assert.deepEqual(q('.status.conditions[?(@.status=="True")].type'), ['Initialized', 'Degraded']);
  assert.deepEqual(q('.status.conditions[?(@.type!="Ready")].type'), ['Initialized', 'Degraded']);
  assert.deepEqual(q('.status.conditions[?(@.type=="Missing")].status'), []);
});

test('filters on existence and numeric comparison', () => {
  assert.deepEqual(q('.status.conditions[?(@.reason)].type'), ['Ready']);
  assert.deepEqual(q('.status.conditions[?(@.count > 1)].type'), ['Degraded']);
  assert.deepEqual(q('.status.conditions[?(@.count >= 3)].type'), []);
  assert.deepEqual(q('.spec.ports[?(@.port<6000)].name'), ['pg']);
});

test('comparing incompatible types is an error, as in client-go', () => {
  assert.throws(() => q('.status.conditions[?(@.type==3)].status'), JSONPathError);
});

test('syntax errors are reported', () => {
  assert.throws(() => parseJSONPath('.spec.ports[0'), JSONPathError);
  assert.throws(() => parseJSONPath('.spec.ports[x]'), JSONPathError);
  assert.throws(() => parseJSONPath('.status.conditions[?(@.type=="Ready"]'), JSONPathError);
  assert.throws(() => parseJSONPath('.spec..'), JSONPathError);
});
