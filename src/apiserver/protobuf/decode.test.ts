import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { decodeProtobufObject, isProtobufContentType, PROTOBUF_CONTENT_TYPE } from './index.js';
import { goDuration } from './decode.js';
import { concat, double, entry, envelope, fixed32, fixed64, len, tag, varint, vint } from './testing/encode.js';

const meta = (...fields: Uint8Array[]) => len(1, ...fields);

function decode(apiVersion: string, kind: string, ...fields: Uint8Array[]): Record<string, unknown> {
  return decodeProtobufObject(envelope(apiVersion, kind, concat(...fields)));
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a StatusError');
}

test('content type helper', () => {
  assert.equal(PROTOBUF_CONTENT_TYPE, 'application/vnd.kubernetes.protobuf');
  assert.ok(isProtobufContentType('application/vnd.kubernetes.protobuf'));
  assert.ok(isProtobufContentType('Application/Vnd.Kubernetes.Protobuf; charset=x'));
  assert.ok(!isProtobufContentType('application/json'));
  assert.ok(!isProtobufContentType(undefined));
});

test('a ConfigMap: strings, maps, bytes as base64, a pointer bool', () => {
  const got = decode('v1', 'ConfigMap',
    meta(len(1, 'cm'), len(3, 'ns'), entry(11, 'app', 'x')),
    entry(2, 'a', 'b'), entry(2, 'empty', ''),
    entry(3, 'bin', [0, 1, 2, 0xfe, 0xff]),
    vint(4, false));
  assert.deepEqual(got, {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'ns', labels: { app: 'x' }, creationTimestamp: null },
    data: { a: 'b', empty: '' },
    binaryData: { bin: Buffer.from([0, 1, 2, 0xfe, 0xff]).toString('base64') },
    immutable: false,
  });
});

test('Secret data is base64, stringData stays text, type is a plain string', () => {
  const got = decode('v1', 'Secret', meta(len(1, 's')), entry(2, 'k', 'v'), len(3, 'Opaque'), entry(4, 'plain', 'text'));
  assert.deepEqual(got.data, { k: 'dg==' });
  assert.equal(got.type, 'Opaque');
  assert.deepEqual(got.stringData, { plain: 'text' });
  assert.ok(!('immutable' in got));
});

test('Go presence: pointer zero is kept, absent pointer is dropped, omitempty zero is dropped', () => {
  const withZero = decode('apps/v1', 'Deployment', meta(len(1, 'd'), len(2, ''), vint(7, 0)), len(2, vint(1, 0)));
  const spec = withZero.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 0);
  assert.deepEqual(withZero.metadata, { name: 'd', creationTimestamp: null });
  const absent = decode('apps/v1', 'Deployment', meta(len(1, 'd')), len(2));
  assert.ok(!('replicas' in (absent.spec as object)));
});

test('Go zero values for fields another encoder left out', () => {
  // DeploymentSpec with nothing: template and strategy are non-pointer structs; selector is a nil pointer
  // without omitempty (null)
  const got = decode('apps/v1', 'Deployment', len(2));
  assert.deepEqual(got, {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { creationTimestamp: null },
    spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
    status: {},
  });
  // a container with no fields: name has no omitempty (""), resources is a struct ({})
  const pod = decode('v1', 'Pod', len(2, len(2), len(2, len(1, 'c'), len(6, vint(3, 0)))));
  const containers = (pod.spec as Record<string, unknown>).containers;
  assert.deepEqual(containers, [{ name: '', resources: {} }, { name: 'c', ports: [{ containerPort: 0 }], resources: {} }]);
  // a nil slice without omitempty is null (PolicyRule.verbs, Role.rules)
  assert.deepEqual(decode('rbac.authorization.k8s.io/v1', 'Role', len(2, len(3, 'pods'))).rules, [{ verbs: null, resources: ['pods'] }]);
  assert.equal(decode('rbac.authorization.k8s.io/v1', 'Role').rules, null);
});

test('integers: negative int32 and int64, big int64, fixed encodings, bools', () => {
  assert.equal(decode('scheduling.k8s.io/v1', 'PriorityClass', vint(2, -5)).value, -5);
  assert.equal(decode('scheduling.k8s.io/v1', 'PriorityClass', vint(2, 2 ** 31 - 1)).value, 2 ** 31 - 1);
  assert.equal(decode('scheduling.k8s.io/v1', 'PriorityClass', fixed32(2, -7)).value, -7);
  const m = decode('v1', 'ConfigMap', meta(vint(7, 2n ** 40n))).metadata as Record<string, unknown>;
  assert.equal(m.generation, 2 ** 40);
  const neg = decode('v1', 'ConfigMap', meta(fixed64(7, -3n))).metadata as Record<string, unknown>;
  assert.equal(neg.generation, -3);
  assert.equal(decode('scheduling.k8s.io/v1', 'PriorityClass', vint(3, 1)).globalDefault, true);
  // globalDefault is a non-pointer omitempty bool: false is dropped
  assert.ok(!('globalDefault' in decode('scheduling.k8s.io/v1', 'PriorityClass', vint(3, 0))));
});

test('repeated integers packed and unpacked', () => {
  const sc = (payload: Uint8Array) => {
    const got = decode('v1', 'Pod', len(2, len(14, payload)));
    return ((got.spec as Record<string, unknown>).securityContext as Record<string, unknown>).supplementalGroups;
  };
  assert.deepEqual(sc(concat(vint(4, 1), vint(4, 2))), [1, 2]);
  assert.deepEqual(sc(len(4, varint(3), varint(300), varint(-1))), [3, 300, -1]);
  assert.deepEqual(sc(concat(vint(4, 1), len(4, varint(2), varint(3)))), [1, 2, 3]);
});

test('unknown fields of every wire type are skipped', () => {
  const group = concat(tag(50, 3), vint(1, 1), len(2, 'x'), tag(50, 4));
  const got = decode('v1', 'ConfigMap',
    vint(99, 12345), fixed64(98, 1n), fixed32(97, 1), len(96, 'junk'), group, double(95, 1.5),
    meta(len(1, 'c'), vint(1000, 1)), entry(2, 'a', 'b'));
  assert.deepEqual(got, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', creationTimestamp: null }, data: { a: 'b' } });
});

test('a singular message sent twice is merged; a scalar sent twice keeps the last', () => {
  const got = decode('v1', 'ConfigMap', meta(len(1, 'first'), len(3, 'ns')), meta(len(1, 'second'), entry(11, 'a', 'b')));
  assert.deepEqual(got.metadata, { name: 'second', namespace: 'ns', labels: { a: 'b' }, creationTimestamp: null });
});

test('map entries without a key or a value get Go zero values', () => {
  const got = decode('v1', 'ConfigMap', len(2, len(1, 'k')), len(2, len(2, 'v')), len(3, len(1, 'b')));
  assert.deepEqual(got.data, { k: '', '': 'v' });
  assert.deepEqual(got.binaryData, { b: '' });
});

test('times: Time is RFC 3339 in seconds, zero is null, MicroTime keeps microseconds', () => {
  const ts = (seconds: number, nanos = 0) => concat(vint(1, seconds), nanos ? vint(2, nanos) : []);
  const m = decode('v1', 'ConfigMap', meta(len(8, ts(1700000000, 999_999_999)), len(9, ts(0)))).metadata as Record<string, unknown>;
  assert.equal(m.creationTimestamp, '2023-11-14T22:13:20Z');
  assert.equal(m.deletionTimestamp, '1970-01-01T00:00:00Z');
  assert.equal((decode('v1', 'ConfigMap', meta(len(8))).metadata as Record<string, unknown>).creationTimestamp, null);
  const lease = decode('coordination.k8s.io/v1', 'Lease', len(2, len(3, ts(1700000000, 123_456_789)), len(4)));
  assert.deepEqual(lease.spec, { acquireTime: '2023-11-14T22:13:20.123456Z', renewTime: null });
  const before1970 = decode('v1', 'ConfigMap', meta(len(8, ts(-86400)))).metadata as Record<string, unknown>;
  assert.equal(before1970.creationTimestamp, '1969-12-31T00:00:00Z');
});

test('IntOrString and Quantity', () => {
  const svc = decode('v1', 'Service', len(2,
    len(1, len(1, 'http'), vint(3, 80), len(4, vint(1, 1), len(3, 'web'))),
    len(1, vint(3, 81), len(4, vint(1, 0), vint(2, 8081))),
    len(1, vint(3, 82), len(4))));
  const ports = (svc.spec as Record<string, unknown>).ports;
  assert.deepEqual(ports, [{ name: 'http', port: 80, targetPort: 'web' }, { port: 81, targetPort: 8081 }, { port: 82, targetPort: 0 }]);
  const q = decode('v1', 'ResourceQuota', len(2, len(1, len(1, 'cpu'), len(2, len(1, '1500m'))), len(1, len(1, 'pods'), len(2))));
  assert.deepEqual((q.spec as Record<string, unknown>).hard, { cpu: '1500m', pods: '0' });
});

test('inlined structs (Volume.volumeSource, Probe.handler) merge into their parent', () => {
  const pod = decode('v1', 'Pod', len(2,
    len(1, len(1, 'scratch'), len(2, len(2, len(1, 'Memory')))),
    len(2, len(1, 'c'), len(10, len(1, len(2, len(1, '/healthz'), len(2, vint(1, 0), vint(2, 8080)))), vint(2, 5)))));
  const spec = pod.spec as Record<string, unknown>;
  assert.deepEqual(spec.volumes, [{ name: 'scratch', emptyDir: { medium: 'Memory' } }]);
  const c = (spec.containers as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual(c.livenessProbe, { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5 });
});

test('RawExtension holds JSON or a nested protobuf object; FieldsV1 holds JSON', () => {
  const json = decode('apps/v1', 'ControllerRevision', len(2, len(1, '{"spec":{"x":[1,2]}}')), vint(3, 2));
  assert.deepEqual(json.data, { spec: { x: [1, 2] } });
  assert.equal(json.revision, 2);
  const nested = envelope('v1', 'ConfigMap', concat(meta(len(1, 'inner')), entry(2, 'a', 'b')));
  const pb = decode('apps/v1', 'ControllerRevision', len(2, len(1, nested)));
  assert.deepEqual(pb.data, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner', creationTimestamp: null }, data: { a: 'b' } });
  assert.equal(decode('apps/v1', 'ControllerRevision', len(2)).data, null);
  const mf = decode('v1', 'ConfigMap', meta(len(17, len(1, 'kubectl'), len(6, 'FieldsV1'), len(7, len(1, '{"f:data":{}}')))));
  assert.deepEqual((mf.metadata as Record<string, unknown>).managedFields, [{ manager: 'kubectl', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }]);
  const bad = statusOf(() => decode('apps/v1', 'ControllerRevision', len(2, len(1, '{nope'))));
  assert.equal(bad.code, 400);
  assert.match(bad.message, /data/);
});

test('wrapped []string map values (UserInfo.extra style)', () => {
  const got = decode('authorization.k8s.io/v1', 'SubjectAccessReview',
    len(2, len(3, 'alice'), len(5, len(1, 'scopes'), len(2, len(1, 'a'), len(1, 'b'))), len(5, len(1, 'none'), len(2))));
  assert.deepEqual(got.spec, { user: 'alice', extra: { scopes: ['a', 'b'], none: null } });
});

test('DeleteOptions is served in every group version', () => {
  const got = decode('apps/v1', 'DeleteOptions', vint(1, 0), len(4, 'Foreground'), len(5, 'All'));
  assert.deepEqual(got, { apiVersion: 'apps/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] });
});

test('envelope errors', () => {
  const e1 = statusOf(() => decodeProtobufObject(new TextEncoder().encode('{"kind":"ConfigMap"}')));
  assert.equal(e1.code, 400);
  assert.equal(e1.reason, 'BadRequest');
  assert.match(e1.message, /k8s\\x00/);
  assert.equal(statusOf(() => decodeProtobufObject(new Uint8Array(0))).code, 400);
  const unknownKind = statusOf(() => decode('example.com/v1', 'Widget'));
  assert.equal(unknownKind.code, 415);
  assert.equal(unknownKind.reason, 'UnsupportedMediaType');
  assert.match(unknownKind.message, /Widget/);
  assert.match(unknownKind.message, /application\/json/);
  assert.equal(statusOf(() => decode('v1', 'NoSuchKind')).code, 415);
  assert.equal(statusOf(() => decodeProtobufObject(envelope('v1', '', new Uint8Array(0)))).code, 400);
  const gz = statusOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', new Uint8Array(0), { contentEncoding: 'gzip' })));
  assert.equal(gz.code, 415);
  assert.match(gz.message, /gzip/);
  const yaml = statusOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', new Uint8Array(0), { contentType: 'application/yaml' })));
  assert.equal(yaml.code, 415);
});

test('an envelope carrying JSON is accepted', () => {
  const raw = new TextEncoder().encode('{"metadata":{"name":"j"},"data":{"a":"b"}}');
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', raw, { contentType: 'application/json' })),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { a: 'b' } });
});

test('malformed bodies name the field where decoding failed', () => {
  const wrongWire = statusOf(() => decode('v1', 'ConfigMap', vint(2, 1)));
  assert.equal(wrongWire.code, 400);
  assert.match(wrongWire.message, /at data/);
  const deep = statusOf(() => decode('apps/v1', 'Deployment', len(2, len(3, len(2, len(2, len(1, 'x'), vint(3, 5)))))));
  assert.match(deep.message, /spec\.template\.spec\.containers\[0\]\.command/);
  const truncated = statusOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', concat(tag(2, 2), varint(50), [1, 2]))));
  assert.equal(truncated.code, 400);
});

test('deeply nested RawExtensions are refused, not a stack overflow', () => {
  let body = envelope('v1', 'ConfigMap', new Uint8Array(0));
  for (let i = 0; i < 300; i++) body = envelope('apps/v1', 'ControllerRevision', len(2, len(1, body)));
  const err = statusOf(() => decodeProtobufObject(body));
  assert.equal(err.code, 400);
  assert.match(err.message, /nested too deeply/);
});

test('goDuration formats like Go', () => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'], [1n, '1ns'], [1100n, '1.1µs'], [2_200_000n, '2.2ms'], [1_500_000_000n, '1.5s'], [60_000_000_000n, '1m0s'],
    [3_600_000_000_000n, '1h0m0s'], [3_723_000_000_001n, '1h2m3.000000001s'], [-90_000_000_000n, '-1m30s'],
    [9_223_372_036_854_775_807n, '2562047h47m16.854775807s'],
  ];
  for (const [ns, s] of cases) assert.equal(goDuration(ns), s, String(ns));
});
