import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, comparePE, fieldPE, indexPE, keyPE, parsePE, pathToString, valuePE } from './fieldpath.js';
import { goJson, goJsonString, valueToString } from './value.js';

const f = fieldPE;

test('path elements serialize like structured-merge-diff (keys sorted, Go JSON)', () => {
  assert.equal(f('replicas').s, 'f:replicas');
  assert.equal(keyPE([['protocol', 'TCP'], ['containerPort', 80]]).s, 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(valuePE('example.com/finalizer').s, 'v:"example.com/finalizer"');
  assert.equal(valuePE(3).s, 'v:3');
  assert.equal(indexPE(2).s, 'i:2');
});

test('Go JSON escapes HTML characters and sorts object keys', () => {
  assert.equal(goJsonString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goJsonString('tab\there\u0001'), '"tab\\there\\u0001"');
  assert.equal(goJsonString('line\u2028sep'), '"line\\u2028sep"');
  assert.equal(goJson({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
  assert.equal(keyPE([['name', 'a<b']]).s, 'k:{"name":"a\\u003cb"}');
});

test('path elements parse back to equal elements', () => {
  for (const s of ['f:spec', 'k:{"containerPort":80,"protocol":"TCP"}', 'v:"foo"', 'v:5', 'i:7']) {
    const pe = parsePE(s)!;
    assert.equal(pe.s, s);
  }
  // key fields given out of order are normalized
  assert.equal(parsePE('k:{"protocol":"TCP","containerPort":80}')!.s, 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(parsePE('x:whatever'), undefined);
  assert.throws(() => parsePE('fspec'));
});

test('path element order: fields by name, then keys, values, indexes', () => {
  const list = [indexPE(1), valuePE('b'), keyPE([['name', 'a']]), f('z'), f('a'), valuePE(2)];
  const sorted = [...list].sort(comparePE).map((p) => p.s);
  assert.deepEqual(sorted, ['f:a', 'f:z', 'k:{"name":"a"}', 'v:2', 'v:"b"', 'i:1']);
});

test('paths print as Kubernetes prints them in conflicts', () => {
  assert.equal(pathToString([f('spec'), f('replicas')]), '.spec.replicas');
  assert.equal(pathToString([f('spec'), f('containers'), keyPE([['name', 'nginx']]), f('image')]), '.spec.containers[name="nginx"].image');
  assert.equal(
    pathToString([f('spec'), f('ports'), keyPE([['port', 80], ['protocol', 'TCP']])]),
    '.spec.ports[port=80,protocol="TCP"]',
  );
  assert.equal(pathToString([f('metadata'), f('finalizers'), valuePE('a/b')]), '.metadata.finalizers[="a/b"]');
  assert.equal(pathToString([f('x'), indexPE(3)]), '.x[3]');
  assert.equal(valueToString(1.5), '1.5');
  assert.equal(valueToString(true), 'true');
});

test('FieldsV1: the example of the brief round-trips byte for byte', () => {
  const wire = '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{}}}}}';
  const set = FieldSet.fromFieldsV1(wire);
  assert.equal(set.toJSON(), wire);
  assert.equal(JSON.stringify(set.toFieldsV1()), wire);
  assert.ok(set.has([f('spec'), f('containers'), keyPE([['name', 'nginx']])]));
  assert.ok(set.has([f('spec'), f('containers'), keyPE([['name', 'nginx']]), f('image')]));
  assert.ok(!set.has([f('spec'), f('containers')]));
  assert.ok(!set.has([f('metadata'), f('labels')]));
});

test('FieldsV1: the documentation ConfigMap example decodes and re-encodes in Kubernetes order', () => {
  // As printed on the Server-Side Apply page (YAML order: metadata first).
  const docs = { 'f:metadata': { 'f:labels': { 'f:test-label': {} } }, 'f:data': { 'f:key': {} } };
  const set = FieldSet.fromFieldsV1(docs);
  assert.deepEqual(
    set.paths().map(pathToString),
    ['.data.key', '.metadata.labels.test-label'],
  );
  assert.equal(set.toJSON(), '{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}');
  assert.deepEqual(FieldSet.fromFieldsV1(set.toJSON()).toFieldsV1(), set.toFieldsV1());
});

test('FieldsV1: a kubectl-created Deployment entry round-trips exactly', () => {
  const wire =
    '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},' +
    '"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},' +
    '"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":' +
    '{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":' +
    '{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{}}},"f:dnsPolicy":{},"f:restartPolicy":{}}}}}';
  const set = FieldSet.fromFieldsV1(wire);
  assert.equal(set.toJSON(), wire);
  assert.ok(set.has([f('spec'), f('template'), f('spec'), f('containers'), keyPE([['name', 'nginx']]), f('ports')]));
});

test('FieldsV1: "." is written first, members and children interleave in element order', () => {
  const s = new FieldSet();
  s.insert([f('b')]);
  s.insert([f('a'), f('x')]);
  s.insert([f('a')]);
  s.insert([f('c'), valuePE('v')]);
  assert.equal(s.toJSON(), '{"f:a":{".":{},"f:x":{}},"f:b":{},"f:c":{"v:\\"v\\"":{}}}');
  assert.deepEqual(Object.keys(s.toFieldsV1()['f:a']), ['.', 'f:x']);
});

test('FieldsV1: unknown element types are dropped, empty input is the empty set', () => {
  const set = FieldSet.fromFieldsV1({ 'f:a': {}, 'z:future': { 'f:b': {} } });
  assert.equal(set.toJSON(), '{"f:a":{}}');
  assert.ok(FieldSet.fromFieldsV1({}).isEmpty());
  assert.ok(FieldSet.fromFieldsV1(undefined).isEmpty());
  assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }));
});

test('set operations: union, difference, intersection', () => {
  const a = FieldSet.of([f('spec'), f('replicas')], [f('spec'), f('paused')], [f('metadata'), f('labels'), f('a')]);
  const b = FieldSet.of([f('spec'), f('replicas')], [f('data'), f('k')]);
  assert.deepEqual(a.union(b).paths().map(pathToString), ['.data.k', '.metadata.labels.a', '.spec.paused', '.spec.replicas']);
  assert.deepEqual(a.difference(b).paths().map(pathToString), ['.metadata.labels.a', '.spec.paused']);
  assert.deepEqual(a.intersection(b).paths().map(pathToString), ['.spec.replicas']);
  assert.ok(a.intersection(FieldSet.of([f('spec')])).isEmpty(), 'a member does not intersect children');
  assert.ok(b.difference(b).isEmpty());
  assert.ok(a.union(b).equals(b.union(a)));
});

test('recursive difference removes whole subtrees; plain difference only members', () => {
  const a = FieldSet.of([f('status'), f('replicas')], [f('status')], [f('spec'), f('x')]);
  const status = FieldSet.of([f('status')]);
  assert.deepEqual(a.difference(status).paths().map(pathToString), ['.spec.x', '.status.replicas']);
  assert.deepEqual(a.recursiveDifference(status).paths().map(pathToString), ['.spec.x']);
});
