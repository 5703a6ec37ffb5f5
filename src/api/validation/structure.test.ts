import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStructure, structureError, strictDecodingStatus, unknownFieldWarnings, typeError, strictError } from './structure.js';
import { schemaForKind, registerKindSchema, type SchemaNode } from '../schema.js';
import { parseQuantity, formatQuantity, compareQuantity, QUANTITY_REGEX_ERROR, QUANTITY_SUFFIX_ERROR } from './quantity.js';
import { parseGoTime, RFC3339, RFC3339_MICRO, formatRFC3339 } from './gotime.js';
import { goBase64Decode } from './gobase64.js';

const deploy = schemaForKind('apps', 'v1', 'Deployment');
const check = (o: unknown) => checkStructure(o, deploy);

test('type error: string into int32 field, with Kubernetes wording', () => {
  const r = check({ spec: { replicas: '3' } });
  assert.equal(r.decodeError, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  const err = structureError('Deployment', 'v1', r)!;
  assert.equal(err.code, 400);
  assert.equal(err.reason, 'BadRequest');
  assert.equal(err.message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
});

test('type error inside arrays names the innermost struct and drops indices', () => {
  const r = check({ spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: 1 }] }] } } } });
  assert.equal(r.decodeError, 'json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string');
  assert.equal(r.typeErrors[0].field, 'spec.template.spec.containers[0].env[0].value');
});

test('type error: object into a slice', () => {
  const r = check({ spec: { template: { spec: { tolerations: {} } } } });
  assert.equal(r.decodeError, 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.tolerations of type []v1.Toleration');
});

test('type error: string into a struct', () => {
  const r = check({ spec: { template: { spec: { volumes: [{ name: 'v', emptyDir: 'x' }] } } } });
  assert.equal(r.decodeError, 'json: cannot unmarshal string into Go struct field Volume.spec.template.spec.volumes.emptyDir of type v1.EmptyDirVolumeSource');
});

test('type error: map values of labels', () => {
  const r = check({ metadata: { labels: { a: 1 } } });
  assert.equal(r.decodeError, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
});

test('type error: non-integral and overflowing numbers', () => {
  assert.equal(check({ spec: { replicas: 1.5 } }).decodeError, 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(check({ spec: { replicas: 3000000000 } }).decodeError, 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(check({ spec: { paused: 'yes' } }).decodeError, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool');
});

test('IntOrString accepts both and reports bools with int32', () => {
  assert.equal(check({ spec: { strategy: { rollingUpdate: { maxSurge: '30%', maxUnavailable: 2 } } } }).decodeError, undefined);
  assert.equal(check({ spec: { strategy: { rollingUpdate: { maxSurge: true } } } }).decodeError,
    'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32');
});

test('named Go types appear in messages', () => {
  const r = check({ spec: { template: { spec: { restartPolicy: 1 } } } });
  assert.equal(r.decodeError, 'json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.restartPolicy of type v1.RestartPolicy');
});

test('an error of a custom decoder aborts and wins over earlier type errors', () => {
  const r = check({ metadata: { labels: { a: 1 } }, spec: { template: { spec: { containers: [{ resources: { limits: { cpu: 'abc' } } }] } } } });
  assert.equal(r.decodeError, QUANTITY_REGEX_ERROR);
  assert.equal(r.typeErrors[0].message, QUANTITY_REGEX_ERROR);
  assert.equal(typeError('Deployment', 'v1', 'apps', r.typeErrors).message, `Deployment in version "v1" cannot be handled as a Deployment: ${QUANTITY_REGEX_ERROR}`);
});

test('unknown fields are reported with Kubernetes paths and dropped', () => {
  const r = check({ spec: { foo: 1, template: { spec: { containers: [{ name: 'a', image: 'i', imagePullPolicyy: 'x' }] } } } });
  assert.deepEqual(r.unknownFields, ['spec.foo', 'spec.template.spec.containers[0].imagePullPolicyy']);
  assert.deepEqual(r.object, { spec: { template: { spec: { containers: [{ name: 'a', image: 'i' }] } } } });
  assert.equal(r.pruned, r.object);
});

test('field names are case sensitive', () => {
  assert.deepEqual(check({ spec: { Replicas: 1 } }).unknownFields, ['spec.Replicas']);
});

test('strict decoding error text and status', () => {
  const err = strictDecodingStatus('Deployment', 'v1', ['spec.foo', 'spec.bar']);
  assert.equal(err.code, 400);
  assert.equal(err.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
  assert.equal(strictError(['spec.foo'], 'Pod', 'v1').message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"');
  assert.deepEqual(unknownFieldWarnings(['spec.foo']), ['unknown field "spec.foo"']);
});

test('structureError depends on the fieldValidation mode', () => {
  const r = check({ spec: { foo: 1 } });
  assert.ok(structureError('Deployment', 'v1', r, 'Strict'));
  assert.equal(structureError('Deployment', 'v1', r, 'Warn'), undefined);
  assert.equal(structureError('Deployment', 'v1', r, 'Ignore'), undefined);
});

test('quantities come back canonical', () => {
  const r = check({ spec: { template: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: '0.5', memory: '1024Mi', 'example.com/x': 2 } } }] } } } });
  const c = (r.object.spec as any).template.spec.containers[0];
  assert.deepEqual(c.resources.limits, { cpu: '500m', memory: '1Gi', 'example.com/x': '2' });
});

test('times are parsed with Go errors and normalized to UTC seconds', () => {
  assert.equal(check({ metadata: { creationTimestamp: '2024-01-01' } }).decodeError,
    'parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"');
  assert.equal(check({ metadata: { creationTimestamp: 5 } }).decodeError,
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string');
  const r = check({ metadata: { creationTimestamp: '2024-01-01T10:00:00.5+02:00' } });
  assert.equal((r.object.metadata as any).creationTimestamp, '2024-01-01T08:00:00Z');
});

test('Secret data must be base64 (Go offsets) and is re-encoded', () => {
  const s = schemaForKind('', 'v1', 'Secret');
  assert.equal(checkStructure({ data: { a: 'abc' } }, s).decodeError, 'illegal base64 data at input byte 0');
  assert.equal(checkStructure({ data: { a: 'YW!j' } }, s).decodeError, 'illegal base64 data at input byte 2');
  assert.deepEqual(checkStructure({ data: { a: 'YWJj\n' } }, s).object, { data: { a: 'YWJj' } });
  assert.equal(checkStructure({ data: 'x' }, s).decodeError, 'json: cannot unmarshal string into Go struct field Secret.data of type map[string][]uint8');
});

test('nulls are dropped like Go pointers', () => {
  assert.deepEqual(check({ spec: { replicas: null, paused: true } }).object, { spec: { paused: true } });
});

test('RawExtension content is kept as is', () => {
  const s = schemaForKind('apps', 'v1', 'ControllerRevision');
  const r = checkStructure({ revision: 1, data: { anything: { goes: [1] } } }, s);
  assert.deepEqual(r.unknownFields, []);
  assert.deepEqual(r.object, { revision: 1, data: { anything: { goes: [1] } } });
});

test('CRD schemas decode JSONSchemaPropsOrBool and report bad values', () => {
  const s = schemaForKind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition');
  const good = { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', additionalProperties: true, properties: { a: { type: 'string', xFoo: 1 } } } } }] } };
  assert.equal(checkStructure(good, s).decodeError, undefined);
  const bad = { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', additionalProperties: 'yes' } } }] } };
  assert.equal(checkStructure(bad, s).decodeError, 'boolean or JSON schema expected');
});

const crSchema: SchemaNode = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
        containers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: {} } } },
      },
    },
  },
};

test('custom resources are pruned to their structural schema', () => {
  registerKindSchema('example.com', 'v1', 'Widget', crSchema);
  const r = checkStructure({
    apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', foo: 1 },
    spec: { replicas: 1, bogus: true, containers: [{ name: 'a', ports: [] }], free: { x: 1, known: { a: 'b', z: 2 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bar: 2 }, spec: { q: 1 } } },
  }, crSchema, { group: 'example.com', version: 'v1', kind: 'Widget' });
  assert.deepEqual(r.unknownFields, ['metadata.foo', 'spec.bogus', 'spec.containers[0].ports', 'spec.free.known.z', 'spec.template.spec.q', 'spec.template.metadata.bar']);
  const spec = r.object.spec as any;
  assert.deepEqual(spec.free, { x: 1, known: { a: 'b' } });
  assert.equal(spec.template.metadata.name, 'p');
  assert.equal(spec.template.metadata.bar, undefined);
  assert.equal(r.decodeError, undefined);
  const err = structureError('Widget', 'v1', r, 'Strict')!;
  assert.ok(err.message.startsWith('Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "metadata.foo", unknown field "spec.bogus"'));
});

test('custom resources with preserveUnknownFields keep everything but typed metadata', () => {
  const r = checkStructure({ metadata: { name: 'x' }, spec: { anything: 1 } }, crSchema, { custom: true, preserveUnknownFields: true });
  assert.deepEqual(r.unknownFields, []);
  assert.deepEqual(r.object.spec, { anything: 1 });
});

test('custom resource metadata is decoded as ObjectMeta', () => {
  const r = checkStructure({ metadata: { labels: 'x' } }, crSchema, { custom: true });
  assert.equal(r.decodeError, 'json: cannot unmarshal string into Go struct field ObjectMeta.labels of type map[string]string');
});

test('quantity parsing and canonical form', () => {
  const f = (s: string) => formatQuantity(parseQuantity(s));
  assert.equal(f('0.5'), '500m');
  assert.equal(f('1000m'), '1');
  assert.equal(f('1.5Gi'), '1536Mi');
  assert.equal(f('2048Ki'), '2Mi');
  assert.equal(f('100M'), '100M');
  assert.equal(f('1e3'), '1e3');
  assert.equal(f('1500'), '1500');
  assert.equal(f('0.1'), '100m');
  assert.equal(f('-2'), '-2');
  assert.equal(f('512'), '512');
  assert.equal(f('1.0000000001'), '1000000001n');
  assert.throws(() => parseQuantity('1.5.5'), { message: QUANTITY_REGEX_ERROR });
  assert.throws(() => parseQuantity('5Qi'), { message: QUANTITY_REGEX_ERROR });
  assert.throws(() => parseQuantity('5e'), { message: QUANTITY_SUFFIX_ERROR });
  assert.equal(compareQuantity(parseQuantity('1Gi'), parseQuantity('1G')), 1);
  assert.equal(compareQuantity(parseQuantity('500m'), parseQuantity('0.5')), 0);
});

test('Go time parse errors', () => {
  assert.throws(() => parseGoTime(RFC3339, '2024-13-01T00:00:00Z'), { message: 'parsing time "2024-13-01T00:00:00Z": month out of range' });
  assert.throws(() => parseGoTime(RFC3339, '2024-02-30T00:00:00Z'), { message: 'parsing time "2024-02-30T00:00:00Z": day out of range' });
  assert.throws(() => parseGoTime(RFC3339, 'abc'), { message: 'parsing time "abc" as "2006-01-02T15:04:05Z07:00": cannot parse "abc" as "2006"' });
  assert.throws(() => parseGoTime(RFC3339, '2024-01-01T00:00:00Zx'), { message: 'parsing time "2024-01-01T00:00:00Zx": extra text: "x"' });
  assert.throws(() => parseGoTime(RFC3339_MICRO, '2024-01-01T00:00:00Z'), { message: 'parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"' });
  assert.equal(formatRFC3339(parseGoTime(RFC3339, '2024-06-01T23:30:00-01:00')), '2024-06-02T00:30:00Z');
});

test('Go base64 decoding', () => {
  assert.equal(goBase64Decode('aGVsbG8=').toString(), 'hello');
  assert.equal(goBase64Decode('aGVs\nbG8=').toString(), 'hello');
  assert.throws(() => goBase64Decode('aGVsbG8'), { message: 'illegal base64 data at input byte 4' });
  assert.throws(() => goBase64Decode('aGVsbG8=x'), { message: 'illegal base64 data at input byte 8' });
});
