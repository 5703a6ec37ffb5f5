import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, imageTag } from './index.js';
import { registerKindSchema } from '../schema.js';
import type { KubeObject } from '../object.js';

const pod = (containers: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } });

test('PodSpec defaults', () => {
  const o = applyDefaults(pod([{ name: 'a', image: 'nginx' }]), '', 'v1', 'Pod');
  const spec = o.spec as any;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
});

test('container defaults and image pull policy from the tag', () => {
  const o = applyDefaults(pod([
    { name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx:1.25' }, { name: 'c', image: 'nginx:latest' },
    { name: 'd', image: 'registry.example.com:5000/team/app' }, { name: 'e', image: 'nginx@sha256:' + 'a'.repeat(64) },
  ]), '', 'v1', 'Pod');
  const cs = (o.spec as any).containers;
  assert.deepEqual(cs.map((c: any) => c.imagePullPolicy), ['Always', 'IfNotPresent', 'Always', 'Always', 'IfNotPresent']);
  assert.equal(cs[0].terminationMessagePath, '/dev/termination-log');
  assert.equal(cs[0].terminationMessagePolicy, 'File');
  assert.equal(imageTag('Upper/Case'), '');
});

test('probe, port and handler defaults', () => {
  const o = applyDefaults(pod([{ name: 'a', image: 'x:1', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } }, readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 } }]), '', 'v1', 'Pod');
  const c = (o.spec as any).containers[0];
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(c.readinessProbe.periodSeconds, 5);
});

test('volume defaults', () => {
  const o = applyDefaults(pod([{ name: 'a', image: 'x:1' }], { volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 's' } }, { name: 'c', configMap: { name: 'c', defaultMode: 256 } }, { name: 'h', hostPath: { path: '/x' } }] }), '', 'v1', 'Pod');
  const v = (o.spec as any).volumes;
  assert.deepEqual(v[0], { name: 'v', emptyDir: {} });
  assert.equal(v[1].secret.defaultMode, 420);
  assert.equal(v[2].configMap.defaultMode, 256);
  assert.equal(v[3].hostPath.type, '');
});

test('pods get requests from limits, templates do not', () => {
  const c = { name: 'a', image: 'x:1', resources: { limits: { cpu: '0.5', memory: '1Gi' } } };
  const p = applyDefaults(pod([structuredClone(c)]), '', 'v1', 'Pod');
  assert.deepEqual((p.spec as any).containers[0].resources.requests, { cpu: '500m', memory: '1Gi' });
  const d = applyDefaults({ spec: { selector: {}, template: { spec: { containers: [structuredClone(c)] } } } } as KubeObject, 'apps', 'v1', 'Deployment');
  const t = (d.spec as any).template.spec;
  assert.equal(t.containers[0].resources.requests, undefined);
  assert.equal(t.enableServiceLinks, undefined);
  assert.equal(t.restartPolicy, 'Always');
});

test('hostNetwork pods default hostPort', () => {
  const p = applyDefaults(pod([{ name: 'a', image: 'x:1', ports: [{ containerPort: 8080 }] }], { hostNetwork: true }), '', 'v1', 'Pod');
  assert.equal((p.spec as any).containers[0].ports[0].hostPort, 8080);
});

test('Deployment defaults', () => {
  const d = applyDefaults({ spec: { template: { spec: { containers: [] } } } } as KubeObject, 'apps', 'v1', 'Deployment');
  const s = d.spec as any;
  assert.equal(s.replicas, 1);
  assert.deepEqual(s.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(s.revisionHistoryLimit, 10);
  assert.equal(s.progressDeadlineSeconds, 600);
  const r = applyDefaults({ spec: { strategy: { type: 'Recreate' } } } as KubeObject, 'apps', 'v1', 'Deployment');
  assert.deepEqual((r.spec as any).strategy, { type: 'Recreate' });
});

test('ReplicaSet, StatefulSet, DaemonSet defaults', () => {
  assert.equal((applyDefaults({ spec: {} } as KubeObject, 'apps', 'v1', 'ReplicaSet').spec as any).replicas, 1);
  const s = applyDefaults({ spec: { volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: {} }] } } as KubeObject, 'apps', 'v1', 'StatefulSet').spec as any;
  assert.equal(s.replicas, 1);
  assert.equal(s.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(s.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.equal(s.revisionHistoryLimit, 10);
  assert.deepEqual(s.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(s.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
  assert.equal(s.volumeClaimTemplates[0].status.phase, 'Pending');
  const d = applyDefaults({ spec: {} } as KubeObject, 'apps', 'v1', 'DaemonSet').spec as any;
  assert.deepEqual(d.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(d.revisionHistoryLimit, 10);
});

test('Job and CronJob defaults', () => {
  const j = applyDefaults({ metadata: {}, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } } as KubeObject, 'batch', 'v1', 'Job');
  const s = j.spec as any;
  assert.deepEqual([s.completions, s.parallelism, s.backoffLimit, s.completionMode, s.suspend, s.podReplacementPolicy], [1, 1, 6, 'NonIndexed', false, 'TerminatingOrFailed']);
  assert.deepEqual(j.metadata!.labels, { a: 'b' });
  const p = applyDefaults({ spec: { parallelism: 3 } } as KubeObject, 'batch', 'v1', 'Job').spec as any;
  assert.equal(p.completions, undefined);
  const c = applyDefaults({ spec: { jobTemplate: { spec: {} } } } as KubeObject, 'batch', 'v1', 'CronJob').spec as any;
  assert.deepEqual([c.concurrencyPolicy, c.suspend, c.successfulJobsHistoryLimit, c.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
  assert.equal(c.jobTemplate.spec.backoffLimit, 6);
});

test('Service defaults', () => {
  const s = applyDefaults({ spec: { ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } } as KubeObject, '', 'v1', 'Service').spec as any;
  assert.equal(s.type, 'ClusterIP');
  assert.equal(s.sessionAffinity, 'None');
  assert.equal(s.internalTrafficPolicy, 'Cluster');
  assert.deepEqual(s.ports[0], { port: 80, protocol: 'TCP', targetPort: 80 });
  assert.equal(s.ports[1].targetPort, 'https');
  assert.equal(s.externalTrafficPolicy, undefined);
  const lb = applyDefaults({ spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP' } } as KubeObject, '', 'v1', 'Service').spec as any;
  assert.equal(lb.externalTrafficPolicy, 'Cluster');
  assert.equal(lb.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(lb.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('Secret, Namespace, PV, PVC defaults', () => {
  const sec = applyDefaults({ stringData: { user: 'admin' } } as KubeObject, '', 'v1', 'Secret') as any;
  assert.equal(sec.type, 'Opaque');
  assert.deepEqual(sec.data, { user: 'YWRtaW4=' });
  assert.equal(sec.stringData, undefined);
  const ns = applyDefaults({ metadata: { name: 'dev' } } as KubeObject, '', 'v1', 'Namespace') as any;
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'dev' });
  assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
  assert.equal(ns.status.phase, 'Active');
  const pv = applyDefaults({ spec: {} } as KubeObject, '', 'v1', 'PersistentVolume') as any;
  assert.deepEqual([pv.spec.persistentVolumeReclaimPolicy, pv.spec.volumeMode, pv.status.phase], ['Retain', 'Filesystem', 'Pending']);
  const pvc = applyDefaults({ spec: {} } as KubeObject, '', 'v1', 'PersistentVolumeClaim') as any;
  assert.deepEqual([pvc.spec.volumeMode, pvc.status.phase], ['Filesystem', 'Pending']);
});

test('other groups', () => {
  const np = applyDefaults({ spec: { egress: [{ ports: [{ port: 53 }] }] } } as KubeObject, 'networking.k8s.io', 'v1', 'NetworkPolicy').spec as any;
  assert.deepEqual(np.policyTypes, ['Ingress', 'Egress']);
  assert.equal(np.egress[0].ports[0].protocol, 'TCP');
  const pc = applyDefaults({ value: 10 } as KubeObject, 'scheduling.k8s.io', 'v1', 'PriorityClass') as any;
  assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  const sc = applyDefaults({ provisioner: 'x' } as KubeObject, 'storage.k8s.io', 'v1', 'StorageClass') as any;
  assert.deepEqual([sc.reclaimPolicy, sc.volumeBindingMode], ['Delete', 'Immediate']);
  const rb = applyDefaults({ roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's' }] } as KubeObject, 'rbac.authorization.k8s.io', 'v1', 'RoleBinding') as any;
  assert.equal(rb.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(rb.subjects[0].apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(rb.subjects[1].apiGroup, undefined);
  const hpa = applyDefaults({ spec: { maxReplicas: 3 } } as KubeObject, 'autoscaling', 'v2', 'HorizontalPodAutoscaler').spec as any;
  assert.equal(hpa.minReplicas, 1);
  assert.deepEqual(hpa.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  const es = applyDefaults({ addressType: 'IPv4', ports: [{ port: 80 }] } as KubeObject, 'discovery.k8s.io', 'v1', 'EndpointSlice') as any;
  assert.deepEqual(es.ports[0], { port: 80, name: '', protocol: 'TCP' });
});

test('CRD defaults', () => {
  const crd = applyDefaults({ spec: { names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] } } as KubeObject, 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition') as any;
  assert.equal(crd.spec.names.singular, 'widget');
  assert.equal(crd.spec.names.listKind, 'WidgetList');
  assert.deepEqual(crd.spec.conversion, { strategy: 'None' });
  assert.deepEqual(crd.status.storedVersions, ['v1']);
});

test('custom resources get their schema defaults', () => {
  registerKindSchema('example.com', 'v1', 'Gadget', {
    type: 'object',
    properties: {
      spec: {
        type: 'object', default: {},
        properties: {
          size: { type: 'integer', default: 3 },
          mode: { type: 'string', default: 'fast' },
          items: { type: 'array', items: { type: 'object', properties: { weight: { type: 'integer', default: 1 } } } },
          opt: { type: 'string', nullable: true, default: 'x' },
        },
      },
    },
  });
  const a = applyDefaults({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } } as KubeObject, 'example.com', 'v1', 'Gadget') as any;
  assert.deepEqual(a.spec, { size: 3, mode: 'fast', opt: 'x' });
  const b = applyDefaults({ spec: { size: 5, mode: null, items: [{}, { weight: 2 }], opt: null } } as KubeObject, 'example.com', 'v1', 'Gadget') as any;
  assert.deepEqual(b.spec, { size: 5, mode: 'fast', items: [{ weight: 1 }, { weight: 2 }], opt: null });
});
