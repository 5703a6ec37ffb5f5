import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject } from './index.js';
import { applyDefaults } from '../defaults/index.js';
import { BUILTIN_RESOURCES } from '../registry.js';
import { registerKindSchema } from '../schema.js';
import { errors, type StatusCause } from '../errors.js';
import type { KubeObject } from '../object.js';
import { parseSchedule as parseStandardCron } from '../cron.js';

const info = (group: string, kind: string) => {
  const r = BUILTIN_RESOURCES.find((x) => x.group === group && x.kind === kind && x.preferred);
  if (!r) throw new Error(kind);
  return r;
};
const lines = (c: StatusCause[]): string[] => c.map((x) => (x.field ? `${x.field}: ${x.message}` : x.message ?? ''));
/** Defaults then validates, like the server does. */
function check(group: string, kind: string, o: KubeObject, old?: KubeObject): string[] {
  const i = info(group, kind);
  applyDefaults(o, group, i.version, kind);
  if (old) applyDefaults(old, group, i.version, kind);
  return lines(validateObject(o, i, old));
}
const meta = (name = 'x', extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', ...extra });
const container = (extra: Record<string, unknown> = {}) => ({ name: 'app', image: 'nginx:1.25', ...extra });
const pod = (spec: Record<string, unknown> = {}, m: Record<string, unknown> = meta()): KubeObject => ({ metadata: m, spec: { containers: [container()], ...spec } });
const deployment = (spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: 'a' }): KubeObject => ({
  metadata: meta('web'),
  spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels }, spec: { containers: [container()] } }, ...spec },
});

const RFC1123_SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('a valid pod has no errors', () => {
  assert.deepEqual(check('', 'Pod', pod()), []);
});

test('metadata.name is required unless generateName', () => {
  assert.deepEqual(check('', 'Pod', pod({}, { namespace: 'default' })), ['metadata.name: Required value: name or generateName is required']);
});

test('metadata.name must be a DNS subdomain for pods', () => {
  assert.deepEqual(check('', 'Pod', pod({}, meta('Bad_Name'))), [`metadata.name: Invalid value: "Bad_Name": ${RFC1123_SUBDOMAIN}`]);
});

test('service names are DNS-1035 labels', () => {
  const r = check('', 'Service', { metadata: meta('1abc'), spec: { ports: [{ port: 80 }] } });
  assert.deepEqual(r, ["metadata.name: Invalid value: \"1abc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]);
});

test('namespace names are DNS labels and namespaces are cluster scoped', () => {
  const r = check('', 'Namespace', { metadata: { name: 'a.b', namespace: 'x' } });
  assert.deepEqual(r, ['metadata.name: Invalid value: "a.b": must not contain dots', 'metadata.namespace: Forbidden: not allowed on this type']);
});

test('namespaced objects need a namespace', () => {
  assert.deepEqual(check('', 'ConfigMap', { metadata: { name: 'c' } }), ['metadata.namespace: Required value']);
});

test('generateName is validated as a prefix', () => {
  assert.deepEqual(check('', 'ConfigMap', { metadata: { generateName: 'web-', name: 'web-abcde', namespace: 'd' } }), []);
  assert.ok(check('', 'ConfigMap', { metadata: { generateName: 'Web-', name: 'web-x', namespace: 'd' } })[0].startsWith('metadata.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain'));
});

test('RBAC names are path segments', () => {
  assert.deepEqual(check('rbac.authorization.k8s.io', 'ClusterRole', { metadata: { name: 'system:controller:x' }, rules: [] }), []);
  assert.deepEqual(check('rbac.authorization.k8s.io', 'ClusterRole', { metadata: { name: 'a/b' } }), ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]);
});

test('label values: Kubernetes message', () => {
  const r = check('', 'ConfigMap', { metadata: meta('c', { labels: { ok: 'bad value!' } }) });
  assert.deepEqual(r, ["metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]);
});

test('label keys: prefix and name parts, 63 characters', () => {
  const long = 'a'.repeat(64);
  const r = check('', 'ConfigMap', { metadata: meta('c', { labels: { [long]: 'v', 'Bad_Prefix/x': 'v' } }) });
  assert.equal(r[0], `metadata.labels: Invalid value: "${long}": name part must be no more than 63 characters`);
  assert.ok(r[1].startsWith('metadata.labels: Invalid value: "Bad_Prefix/x": prefix part a lowercase RFC 1123 subdomain'));
  assert.equal(check('', 'ConfigMap', { metadata: meta('c', { labels: { v: 'x'.repeat(64) } }) })[0], `metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`);
});

test('annotations: total size 256 KiB', () => {
  const r = check('', 'ConfigMap', { metadata: meta('c', { annotations: { a: 'x'.repeat(262144) } }) });
  assert.deepEqual(r, ['metadata.annotations: Too long: may not be more than 262144 bytes']);
});

test('finalizers without a domain must be standard ones', () => {
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('c', { finalizers: ['foo'] }) }), ['metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified']);
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('c', { finalizers: ['example.com/foo', 'kubernetes'] }) }), []);
});

test('pods need containers', () => {
  assert.deepEqual(check('', 'Pod', pod({ containers: [] })), ['spec.containers: Required value']);
});

test('container names unique, image required', () => {
  const r = check('', 'Pod', pod({ containers: [container(), container({ image: '' })] }));
  assert.deepEqual(r, ['spec.containers[1].image: Required value', 'spec.containers[1].name: Duplicate value: "app"']);
});

test('container ports range and protocol', () => {
  const r = check('', 'Pod', pod({ containers: [container({ ports: [{ containerPort: 70000 }, { containerPort: 80, protocol: 'HTTP' }] })] }));
  assert.deepEqual(r, [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
});

test('restartPolicy values', () => {
  assert.deepEqual(check('', 'Pod', pod({ restartPolicy: 'Sometimes' })), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']);
});

test('resources: requests must not exceed limits', () => {
  const r = check('', 'Pod', pod({ containers: [container({ resources: { limits: { cpu: '1' }, requests: { cpu: '1500m' } } })] }));
  assert.deepEqual(r, ['spec.containers[0].resources.requests: Invalid value: "1500m": must be less than or equal to cpu limit of 1']);
});

test('resources: extended resources need equal limits', () => {
  const r = check('apps', 'Deployment', deployment({ template: { metadata: { labels: { app: 'a' } }, spec: { containers: [container({ resources: { requests: { 'example.com/gpu': '1' } } })] } } }));
  assert.deepEqual(r, ['spec.template.spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources']);
});

test('resources: negative quantities', () => {
  const r = check('', 'Pod', pod({ containers: [container({ resources: { requests: { memory: '-1Gi' } } })] }));
  assert.deepEqual(r, ['spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0']);
});

test('volume names unique and mounts must refer to volumes', () => {
  const r = check('', 'Pod', pod({
    volumes: [{ name: 'data' }, { name: 'data', emptyDir: {} }],
    containers: [container({ volumeMounts: [{ name: 'missing', mountPath: '/a' }, { name: 'data', mountPath: '/a' }] })],
  }));
  assert.deepEqual(r, [
    'spec.volumes[1].name: Duplicate value: "data"',
    'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
  ]);
});

test('volumes may have one source only; secret needs a name; modes are checked', () => {
  const r = check('', 'Pod', pod({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }, { name: 's', secret: { defaultMode: 1000 } }] }));
  assert.deepEqual(r, [
    'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[1].secret.secretName: Required value',
    'spec.volumes[1].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
  ]);
});

test('env var names (relaxed in 1.32) and valueFrom', () => {
  const r = check('', 'Pod', pod({ containers: [container({ env: [{ name: 'A=B' }, { name: '' }, { name: 'X', valueFrom: {} }] })] }));
  assert.deepEqual(r, [
    "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
    'spec.containers[0].env[1].name: Required value',
    'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
  ]);
});

test('probes: liveness successThreshold must be 1, handler required', () => {
  const r = check('', 'Pod', pod({ containers: [container({ livenessProbe: { exec: { command: ['x'] }, successThreshold: 2 }, readinessProbe: { periodSeconds: 3 } })] }));
  assert.deepEqual(r, [
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
  ]);
});

test('init containers may not have probes without restartPolicy Always', () => {
  const r = check('', 'Pod', pod({ initContainers: [container({ name: 'init', livenessProbe: { exec: { command: ['x'] } } })] }));
  assert.deepEqual(r, ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always']);
});

test('tolerations', () => {
  const r = check('', 'Pod', pod({ tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Exists', effect: 'Sometimes' }] }));
  assert.deepEqual(r, [
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    'spec.tolerations[1].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
});

test('pod image must not have whitespace (pods only)', () => {
  assert.deepEqual(check('', 'Pod', pod({ containers: [container({ image: ' nginx' })] })), ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']);
});

test('pod update may change only image, activeDeadlineSeconds and tolerations', () => {
  const old = pod({}, meta('x', { resourceVersion: '1', uid: 'u' }));
  const upd = pod({ containers: [container({ image: 'nginx:1.26' })] }, meta('x', { resourceVersion: '1', uid: 'u' }));
  assert.deepEqual(check('', 'Pod', upd, old), []);
  const bad = pod({ containers: [container({ ports: [{ containerPort: 80 }] })] }, meta('x', { resourceVersion: '1', uid: 'u' }));
  const r = check('', 'Pod', bad, pod({}, meta('x', { resourceVersion: '1', uid: 'u' })));
  assert.equal(r.length, 1);
  assert.ok(r[0].startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'));
});

test('metadata update: name, uid, resourceVersion', () => {
  const old = { metadata: meta('c', { uid: 'u1', resourceVersion: '5' }) };
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('c', { uid: 'u2' }) }, old), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('d', { uid: 'u1', resourceVersion: '5' }) }, old), ['metadata.name: Invalid value: "d": field is immutable']);
});

test('deployment: selector required and must match template labels', () => {
  const r = check('apps', 'Deployment', deployment({}, { app: 'b' }));
  assert.deepEqual(r, ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`']);
  const d = deployment();
  delete (d.spec as any).selector;
  assert.deepEqual(check('apps', 'Deployment', d), ['spec.selector: Required value']);
});

test('deployment: empty selector, replicas, restartPolicy', () => {
  const r = check('apps', 'Deployment', deployment({ selector: {}, replicas: -1, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [container()], restartPolicy: 'Never' } } }));
  assert.deepEqual(r, [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
});

test('deployment: rolling update bounds', () => {
  const r = check('apps', 'Deployment', deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '110%' } } }));
  assert.deepEqual(r, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%']);
  const z = check('apps', 'Deployment', deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }));
  assert.deepEqual(z, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']);
});

test('deployment: progressDeadlineSeconds > minReadySeconds', () => {
  assert.deepEqual(check('apps', 'Deployment', deployment({ minReadySeconds: 700 })), ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds']);
});

test('deployment selector is immutable, with the Go rendering', () => {
  const old = deployment();
  old.metadata = meta('web', { resourceVersion: '1' });
  const upd = deployment({ selector: { matchLabels: { app: 'a', tier: 'x' } } }, { app: 'a', tier: 'x' });
  upd.metadata = meta('web', { resourceVersion: '1' });
  assert.deepEqual(check('apps', 'Deployment', upd, old), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
});

test('replicaset and daemonset selectors', () => {
  const rs = deployment({}, { app: 'z' });
  assert.deepEqual(check('apps', 'ReplicaSet', rs), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"z"}: `selector` does not match template `labels`']);
  const ds = deployment({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } });
  assert.deepEqual(check('apps', 'DaemonSet', ds), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero']);
});

test('statefulset: policy values and forbidden spec updates', () => {
  const sts = deployment({ serviceName: 'svc', podManagementPolicy: 'Random' });
  assert.deepEqual(check('apps', 'StatefulSet', sts), ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]);
  const old = deployment({ serviceName: 'svc' });
  old.metadata = meta('web', { resourceVersion: '1' });
  const scaled = deployment({ serviceName: 'svc', replicas: 5 });
  scaled.metadata = meta('web', { resourceVersion: '1' });
  assert.deepEqual(check('apps', 'StatefulSet', scaled, structuredClone(old)), []);
  const renamed = deployment({ serviceName: 'other' });
  renamed.metadata = meta('web', { resourceVersion: '1' });
  assert.deepEqual(check('apps', 'StatefulSet', renamed, structuredClone(old)), ["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]);
});

const job = (spec: Record<string, unknown> = {}): KubeObject => ({ metadata: meta('j'), spec: { template: { spec: { containers: [container()], restartPolicy: 'Never' } }, ...spec } });

test('job: restartPolicy must be OnFailure or Never', () => {
  const j = job();
  (j.spec as any).template.spec.restartPolicy = 'Always';
  assert.deepEqual(check('batch', 'Job', j), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  assert.deepEqual(check('batch', 'Job', job()), []);
});

test('job: manual selector required and must match; completion mode; negative backoff', () => {
  assert.deepEqual(check('batch', 'Job', job({ manualSelector: true })), ['spec.selector: Required value']);
  const r = check('batch', 'Job', job({ completionMode: 'Sometimes', backoffLimit: -1 }));
  assert.deepEqual(r, ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0', 'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']);
});

test('job: template is immutable', () => {
  const old = job();
  old.metadata = meta('j', { resourceVersion: '1' });
  const upd = job();
  upd.metadata = meta('j', { resourceVersion: '1' });
  (upd.spec as any).template.spec.containers[0].image = 'nginx:2';
  assert.deepEqual(check('batch', 'Job', upd, old), ['spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable']);
});

test('cronjob: schedule parse errors', () => {
  const cj = (schedule: string, name = 'c'): KubeObject => ({ metadata: meta(name), spec: { schedule, jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'OnFailure' } } } } } });
  assert.deepEqual(check('batch', 'CronJob', cj('*/5 * * * *')), []);
  assert.deepEqual(check('batch', 'CronJob', cj('* * * *')), ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']);
  assert.deepEqual(check('batch', 'CronJob', cj('61 * * * *')), ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
  assert.deepEqual(check('batch', 'CronJob', cj('TZ=UTC 0 * * * *')), ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
  assert.deepEqual(check('batch', 'CronJob', cj('@daily', 'n'.repeat(53))), [`metadata.name: Invalid value: "${'n'.repeat(53)}": must be no more than 52 characters`]);
});

test('cron parser details', () => {
  assert.throws(() => parseStandardCron('a * * * *'), { message: 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax' });
  assert.throws(() => parseStandardCron('@weird'), { message: 'unrecognized descriptor: @weird' });
  assert.throws(() => parseStandardCron('5-1 * * * *'), { message: 'beginning of range (5) beyond end of range (1): 5-1' });
  assert.doesNotThrow(() => parseStandardCron('0 0 * JAN-MAR MON-FRI'));
});

test('service: ports required, names required when several, duplicates', () => {
  assert.deepEqual(check('', 'Service', { metadata: meta('s'), spec: {} }), ['spec.ports: Required value']);
  assert.deepEqual(check('', 'Service', { metadata: meta('s'), spec: { clusterIP: 'None', clusterIPs: ['None'] } }), []);
  const r = check('', 'Service', { metadata: meta('s'), spec: { ports: [{ port: 80 }, { name: 'b', port: 80 }] } });
  assert.deepEqual(r, [
    'spec.ports[0].name: Required value',
    'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
});

test('service: port range, type values, nodePort on ClusterIP', () => {
  const r = check('', 'Service', { metadata: meta('s'), spec: { ports: [{ port: 0, nodePort: 30000 }] } });
  assert.deepEqual(r, [
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ]);
  assert.deepEqual(check('', 'Service', { metadata: meta('s'), spec: { type: 'Public', ports: [{ port: 80 }] } }), ['spec.type: Unsupported value: "Public": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
});

test('service: clusterIPs may not change once set', () => {
  const old: KubeObject = { metadata: meta('s', { resourceVersion: '1' }), spec: { ports: [{ port: 80 }], clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'] } };
  const upd: KubeObject = { metadata: meta('s', { resourceVersion: '1' }), spec: { ports: [{ port: 80 }], clusterIP: '10.0.0.6', clusterIPs: ['10.0.0.6'] } };
  assert.deepEqual(check('', 'Service', upd, old), ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.6"}: may not change once set']);
});

test('configmap keys and size', () => {
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('c'), data: { 'bad key': 'v' } }), ["data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('c'), data: { a: 'x'.repeat(1024 * 1024 + 1) } }), ['Too long: may not be more than 1048576 bytes']);
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('c'), data: { '..x': 'v' } }), ["data[..x]: Invalid value: \"..x\": must not start with '..'"]);
});

test('immutable configmaps and secrets', () => {
  const old: KubeObject = { metadata: meta('c', { resourceVersion: '1' }), immutable: true, data: { a: 'b' } };
  assert.deepEqual(check('', 'ConfigMap', { metadata: meta('c', { resourceVersion: '1' }), immutable: true, data: { a: 'c' } }, old), ['data: Forbidden: field is immutable when `immutable` is set']);
  const sOld: KubeObject = { metadata: meta('s', { resourceVersion: '1' }), immutable: true, data: { a: 'Yg==' } };
  assert.deepEqual(check('', 'Secret', { metadata: meta('s', { resourceVersion: '1' }), data: { a: 'Yg==' } }, sOld), ['immutable: Forbidden: field is immutable when `immutable` is set']);
});

test('secret types need their keys; secret type is immutable', () => {
  assert.deepEqual(check('', 'Secret', { metadata: meta('s'), type: 'kubernetes.io/tls', data: {} }), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  const old: KubeObject = { metadata: meta('s', { resourceVersion: '1' }), type: 'Opaque' };
  assert.deepEqual(check('', 'Secret', { metadata: meta('s', { resourceVersion: '1' }), type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } }, old), ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
});

test('pvc: access modes and storage request required; spec immutable', () => {
  assert.deepEqual(check('', 'PersistentVolumeClaim', { metadata: meta('p'), spec: {} }), ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']);
  const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  const old: KubeObject = { metadata: meta('p', { resourceVersion: '1' }), spec: structuredClone(spec) };
  const upd: KubeObject = { metadata: meta('p', { resourceVersion: '1' }), spec: { ...structuredClone(spec), storageClassName: 'fast' } };
  assert.deepEqual(check('', 'PersistentVolumeClaim', upd, old), ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
});

test('pv: capacity and source', () => {
  const r = check('', 'PersistentVolume', { metadata: { name: 'pv' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } });
  assert.deepEqual(r, ['spec: Required value: must specify a volume type']);
});

test('ingress: pathType is required and paths must be absolute', () => {
  const ing = (paths: unknown[]): KubeObject => ({ metadata: meta('i'), spec: { rules: [{ host: 'example.com', http: { paths } }] } });
  const backend = { service: { name: 'web', port: { number: 80 } } };
  assert.deepEqual(check('networking.k8s.io', 'Ingress', ing([{ path: '/', backend }])), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
  assert.deepEqual(check('networking.k8s.io', 'Ingress', ing([{ path: 'api', pathType: 'Prefix', backend }])), ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']);
  assert.deepEqual(check('networking.k8s.io', 'Ingress', ing([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web' } } }])), ['spec.rules[0].http.paths[0].backend: Required value: port name or number is required']);
  assert.deepEqual(check('networking.k8s.io', 'Ingress', ing([{ path: '/', pathType: 'Exact', backend }])), []);
});

test('networkpolicy peers and ports', () => {
  const r = check('networking.k8s.io', 'NetworkPolicy', { metadata: meta('n'), spec: { podSelector: {}, ingress: [{ from: [{}], ports: [{ protocol: 'ICMP' }] }] } });
  assert.deepEqual(r, ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"', 'spec.ingress[0].from[0]: Required value: must specify a peer']);
});

test('hpa min/max and target ref', () => {
  const r = check('autoscaling', 'HorizontalPodAutoscaler', { metadata: meta('h'), spec: { minReplicas: 5, maxReplicas: 2, scaleTargetRef: { kind: 'Deployment' } } });
  assert.deepEqual(r, ['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`', 'spec.scaleTargetRef.name: Required value']);
});

test('rbac: rules need verbs, bindings need a valid roleRef', () => {
  assert.deepEqual(check('rbac.authorization.k8s.io', 'Role', { metadata: meta('r'), rules: [{ apiGroups: [''], resources: ['pods'] }] }), ['rules[0].verbs: Required value: verbs must contain at least one value']);
  const rb = check('rbac.authorization.k8s.io', 'ClusterRoleBinding', { metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] });
  assert.deepEqual(rb, ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"', 'subjects[0].namespace: Required value']);
});

test('pdb: minAvailable and maxUnavailable exclusive', () => {
  const r = check('policy', 'PodDisruptionBudget', { metadata: meta('p'), spec: { minAvailable: 1, maxUnavailable: '10%', selector: { matchLabels: { a: 'b' } } } });
  assert.deepEqual(r, ['spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set']);
});

test('priorityclass value range and system prefix', () => {
  assert.deepEqual(check('scheduling.k8s.io', 'PriorityClass', { metadata: { name: 'high' }, value: 2000000000 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(check('scheduling.k8s.io', 'PriorityClass', { metadata: { name: 'system-foo' }, value: 1 }), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class"]);
});

test('lease, storageclass, endpointslice', () => {
  assert.deepEqual(check('coordination.k8s.io', 'Lease', { metadata: meta('l'), spec: { leaseDurationSeconds: 0 } }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(check('storage.k8s.io', 'StorageClass', { metadata: { name: 's' } }), ['provisioner: Required value']);
  assert.deepEqual(check('discovery.k8s.io', 'EndpointSlice', { metadata: meta('e'), addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }] }), []);
  assert.deepEqual(check('discovery.k8s.io', 'EndpointSlice', { metadata: meta('e'), addressType: 'IP' }), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
});

const crd = (over: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    ...over,
  },
});

test('crd: valid, name, storage versions', () => {
  assert.deepEqual(check('apiextensions.k8s.io', 'CustomResourceDefinition', crd()), []);
  const bad = crd({ versions: [{ name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } }] });
  bad.metadata = { name: 'widget.example.com' };
  assert.deepEqual(check('apiextensions.k8s.io', 'CustomResourceDefinition', bad), [
    'metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group',
    'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version',
  ]);
  assert.deepEqual(check('apiextensions.k8s.io', 'CustomResourceDefinition', crd({ scope: 'Global' })), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']);
});

test('custom resources are validated against their schema', () => {
  registerKindSchema('example.com', 'v1', 'Thing', {
    type: 'object',
    properties: {
      spec: {
        type: 'object', required: ['size'],
        properties: {
          size: { type: 'integer', minimum: 1, maximum: 10 },
          color: { type: 'string', enum: ['red', 'blue'] },
          code: { type: 'string', pattern: '^[0-9]+$', maxLength: 4 },
          tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
        },
      },
    },
  });
  const ci = { group: 'example.com', version: 'v1', kind: 'Thing', namespaced: true, crd: { name: 'things.example.com' } };
  const v = (spec: unknown) => lines(validateObject({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: meta('t'), spec } as KubeObject, ci));
  assert.deepEqual(v({ size: 3 }), []);
  assert.deepEqual(v({}), ['spec.size: Required value']);
  assert.deepEqual(v({ size: 'big' }), ['spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"']);
  assert.deepEqual(v({ size: 0 }), ['spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1']);
  assert.deepEqual(v({ size: 11 }), ['spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10']);
  assert.deepEqual(v({ size: 1, color: 'green' }), ['spec.color: Unsupported value: "green": supported values: "red", "blue"']);
  assert.deepEqual(v({ size: 1, code: 'ab' }), ["spec.code: Invalid value: \"ab\": spec.code in body should match '^[0-9]+$'"]);
  assert.deepEqual(v({ size: 1, code: '12345' }), ['spec.code: Too long: may not be longer than 4']);
  assert.deepEqual(v({ size: 1, tags: ['a', 'b', 'c'] }), ['spec.tags: Too many: 3: must have at most 2 items']);
});

test('custom resource finalizers are not limited to standard names', () => {
  const ci = { group: 'example.com', version: 'v1', kind: 'Thing', namespaced: true, crd: { name: 'things.example.com' } };
  assert.deepEqual(lines(validateObject({ metadata: meta('t', { finalizers: ['foo'] }), spec: { size: 1 } } as KubeObject, ci)), []);
});

test('causes become the 422 message Kubernetes prints', () => {
  const i = info('apps', 'Deployment');
  const d = deployment({}, { app: 'b' });
  applyDefaults(d, 'apps', 'v1', 'Deployment');
  const err = errors.invalid('Deployment', 'apps', 'web', validateObject(d, i));
  assert.equal(err.code, 422);
  assert.equal(err.message, 'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`');
});
