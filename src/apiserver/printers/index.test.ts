import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES, type ResourceInfo, type PrinterColumn } from '../../api/registry.js';
import type { KubeObject } from '../../api/object.js';
import { toTable } from './index.js';

const NOW_MS = Date.parse('2024-06-01T12:00:00Z');
const NOW = new Date(NOW_MS);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
const ago = (ms: number) => new Date(NOW_MS - ms).toISOString().replace('.000Z', 'Z');

function info(group: string, version: string, resource: string): ResourceInfo {
  const r = BUILTIN_RESOURCES.find((x) => x.group === group && x.version === version && x.resource === resource);
  if (!r) throw new Error(`no resource ${group}/${version}/${resource}`);
  return r;
}

function meta(name: string, age: number, extra: Record<string, unknown> = {}): KubeObject['metadata'] {
  return { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '42', creationTimestamp: ago(age), ...extra };
}

function cells(group: string, version: string, resource: string, o: KubeObject): unknown[] {
  const t = toTable(info(group, version, resource), [o], { now: NOW });
  assert.equal(t.rows.length, 1);
  assert.equal(t.rows[0].cells.length, t.columnDefinitions.length, 'one cell per column');
  return t.rows[0].cells;
}

function headers(group: string, version: string, resource: string): string[] {
  return toTable(info(group, version, resource), [], { now: NOW }).columnDefinitions.map((c) => (c.priority ? `${c.name}*` : c.name));
}

const template = (containers: Array<[string, string]>, labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { labels },
  spec: { containers: containers.map(([name, image]) => ({ name, image })) },
});

// ------------------------------------------------------------------ column definitions

test('column headers of the workload kinds', () => {
  assert.deepEqual(headers('', 'v1', 'pods'), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP*', 'Node*', 'Nominated Node*', 'Readiness Gates*']);
  assert.deepEqual(headers('apps', 'v1', 'deployments'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(headers('apps', 'v1', 'replicasets'), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(headers('apps', 'v1', 'statefulsets'), ['Name', 'Ready', 'Age', 'Containers*', 'Images*']);
  assert.deepEqual(headers('apps', 'v1', 'daemonsets'), ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(headers('batch', 'v1', 'jobs'), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(headers('batch', 'v1', 'cronjobs'), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers*', 'Images*', 'Selector*']);
});

test('column headers of the other kinds', () => {
  assert.deepEqual(headers('', 'v1', 'services'), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
  assert.deepEqual(headers('', 'v1', 'nodes'), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']);
  assert.deepEqual(headers('', 'v1', 'events'), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']);
  assert.deepEqual(headers('', 'v1', 'resourcequotas'), ['Name', 'Age', 'Request', 'Limit']);
  assert.deepEqual(headers('autoscaling', 'v2', 'horizontalpodautoscalers'), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  assert.deepEqual(headers('networking.k8s.io', 'v1', 'ingresses'), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
  assert.deepEqual(headers('rbac.authorization.k8s.io', 'v1', 'roles'), ['Name', 'Created At']);
  assert.deepEqual(headers('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'), ['Name', 'Created At']);
  const pod = toTable(info('', 'v1', 'pods'), [], { now: NOW }).columnDefinitions;
  assert.deepEqual(pod[0], { ...pod[0], name: 'Name', type: 'string', format: 'name', priority: 0 });
  assert.equal(pod[3].type, 'string');
  const cj = toTable(info('batch', 'v1', 'cronjobs'), [], { now: NOW }).columnDefinitions;
  assert.equal(cj[3].type, 'boolean');
  assert.equal(cj[4].type, 'integer');
  const crd = toTable(info('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'), [], { now: NOW }).columnDefinitions;
  assert.equal(crd[1].type, 'date');
});

test('every served built-in resource produces a table with one cell per column', () => {
  for (const r of BUILTIN_RESOURCES) {
    const t = toTable(r, [{ apiVersion: 'v1', kind: r.kind, metadata: { name: 'x', creationTimestamp: ago(MIN) } }], { now: NOW });
    assert.ok(t.columnDefinitions.length >= 2, r.resource);
    assert.equal(t.rows[0].cells.length, t.columnDefinitions.length, r.resource);
    assert.ok(t.columnDefinitions.every((c) => c.description.length > 0), r.resource);
  }
});

// ------------------------------------------------------------------ core/v1

test('pod row', () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: meta('web-7c9d', 5 * H + 3 * MIN),
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'nginx' }] },
    status: {
      phase: 'Running', podIPs: [{ ip: '10.244.1.5' }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 1, image: 'nginx', imageID: '', state: { running: {} }, lastState: { terminated: { exitCode: 137, finishedAt: ago(2 * H) } } }],
    },
  };
  assert.deepEqual(cells('', 'v1', 'pods', pod), ['web-7c9d', '1/1', 'Running', '1 (120m ago)', '5h3m', '10.244.1.5', 'node-a', '<none>', '<none>']);
});

test('pod template row', () => {
  const pt = { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('tpl', H), template: template([['app', 'nginx:1.27'], ['log', 'fluent-bit']], { tier: 'fe', app: 'web' }) };
  assert.deepEqual(cells('', 'v1', 'podtemplates', pt), ['tpl', 'app,log', 'nginx:1.27,fluent-bit', 'app=web,tier=fe']);
});

test('replication controller row', () => {
  const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('legacy', 3 * D), spec: { replicas: 3, selector: { app: 'legacy' }, template: template([['app', 'legacy:2']]) }, status: { replicas: 3, readyReplicas: 2 } };
  assert.deepEqual(cells('', 'v1', 'replicationcontrollers', rc), ['legacy', 3, 3, 2, '3d', 'app', 'legacy:2', 'app=legacy']);
});

test('service rows: ClusterIP, NodePort, headless, ExternalName', () => {
  const base = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name, 10 * D), spec, status });
  assert.deepEqual(cells('', 'v1', 'services', base('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] })),
    ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '10d', '<none>']);
  assert.deepEqual(cells('', 'v1', 'services', base('web', { type: 'NodePort', clusterIPs: ['10.96.7.8'], selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] })),
    ['web', 'NodePort', '10.96.7.8', '<none>', '80:30080/TCP,53/UDP', '10d', 'app=web,tier=fe']);
  assert.deepEqual(cells('', 'v1', 'services', base('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], externalIPs: ['1.2.3.4'], selector: { app: 'db' } })),
    ['db', 'ClusterIP', 'None', '1.2.3.4', '<none>', '10d', 'app=db']);
  assert.deepEqual(cells('', 'v1', 'services', base('ext', { type: 'ExternalName', externalName: 'db.example.com' })),
    ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '10d', '<none>']);
});

test('service rows: LoadBalancer pending, assigned, and with external IPs', () => {
  const lb = (status: Record<string, unknown>, externalIPs?: string[]) => ({
    apiVersion: 'v1', kind: 'Service', metadata: meta('lb', 90 * S),
    spec: { type: 'LoadBalancer', clusterIPs: ['10.96.3.3'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }], ...(externalIPs ? { externalIPs } : {}) },
    status,
  });
  assert.deepEqual(cells('', 'v1', 'services', lb({})), ['lb', 'LoadBalancer', '10.96.3.3', '<pending>', '443:31443/TCP', '90s', '<none>']);
  assert.equal(cells('', 'v1', 'services', lb({ loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.9' }] } }))[3],
    '203.0.113.9,lb.example.com');
  assert.equal(cells('', 'v1', 'services', lb({ loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } }, ['198.51.100.1']))[3], '203.0.113.9,198.51.100.1');
});

test('endpoints rows', () => {
  const ep = (subsets: unknown[]) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: meta('web', 2 * D + 5 * H), subsets });
  assert.deepEqual(cells('', 'v1', 'endpoints', ep([])), ['web', '<none>', '2d5h']);
  assert.equal(cells('', 'v1', 'endpoints', ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 8080 }] }]))[1], '10.0.0.1:8080,10.0.0.2:8080');
  assert.equal(cells('', 'v1', 'endpoints', ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }]))[1],
    '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
  assert.equal(cells('', 'v1', 'endpoints', ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 53 }] }, { addresses: [{ ip: '10.0.0.9' }] }]))[1], '[fd00::1]:53,10.0.0.9');
});

test('configmap and secret rows count data keys', () => {
  assert.deepEqual(cells('', 'v1', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('kube-root-ca.crt', 40 * D), data: { 'ca.crt': 'x', extra: 'y' }, binaryData: { logo: 'AA==' } }),
    ['kube-root-ca.crt', 3, '40d']);
  assert.deepEqual(cells('', 'v1', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('empty', S) }), ['empty', 0, '1s']);
  assert.deepEqual(cells('', 'v1', 'secrets', { apiVersion: 'v1', kind: 'Secret', metadata: meta('tls', 3 * 365 * D + 20 * D), type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' } }),
    ['tls', 'kubernetes.io/tls', 2, '3y20d']);
});

test('node rows', () => {
  const node = (extra: { conditions?: unknown[]; labels?: Record<string, string>; unschedulable?: boolean; info?: Record<string, string>; addresses?: unknown[] }) => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', creationTimestamp: ago(45 * D), labels: extra.labels ?? {} },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    status: { conditions: extra.conditions ?? [], nodeInfo: extra.info ?? {}, addresses: extra.addresses ?? [] },
  });
  const full = node({
    conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
    labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/': 'x' },
    info: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'containerd://1.7.13' },
    addresses: [{ type: 'Hostname', address: 'node-a' }, { type: 'InternalIP', address: '172.18.0.2' }, { type: 'InternalIP', address: '172.18.0.3' }],
  });
  assert.deepEqual(cells('', 'v1', 'nodes', full),
    ['node-a', 'Ready', 'control-plane,etcd,master', '45d', 'v1.32.0', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.7.13']);
  assert.deepEqual(cells('', 'v1', 'nodes', node({ conditions: [{ type: 'Ready', status: 'Unknown' }], unschedulable: true })),
    ['node-a', 'NotReady,SchedulingDisabled', '<none>', '45d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  assert.equal(cells('', 'v1', 'nodes', node({}))[1], 'Unknown');
});

test('event rows (core/v1 style and series)', () => {
  const ev = {
    apiVersion: 'v1', kind: 'Event', metadata: meta('web-0.17d2', 10 * MIN),
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff', message: 'Back-off restarting failed container\n', type: 'Warning', count: 7,
    firstTimestamp: ago(10 * MIN), lastTimestamp: ago(30 * S), source: { component: 'kubelet', host: 'node-a' },
  };
  assert.deepEqual(cells('', 'v1', 'events', ev),
    ['30s', 'Warning', 'BackOff', 'pod/web-0', 'spec.containers{app}', 'kubelet, node-a', 'Back-off restarting failed container', '10m', 7, 'web-0.17d2']);
  const newer = {
    apiVersion: 'v1', kind: 'Event', metadata: meta('lease.1', 3 * MIN), involvedObject: { kind: 'Node' },
    reason: 'Renewed', message: 'ok', type: 'Normal', eventTime: ago(3 * MIN + 500), reportingComponent: 'scheduler', reportingInstance: 'scheduler-x',
    series: { count: 4, lastObservedTime: ago(20 * S) },
  };
  assert.deepEqual(cells('', 'v1', 'events', newer), ['20s', 'Normal', 'Renewed', 'node', '', 'scheduler, scheduler-x', 'ok', '3m', 4, 'lease.1']);
  const single = { apiVersion: 'v1', kind: 'Event', metadata: meta('one', MIN), involvedObject: { kind: 'Deployment', name: 'web' }, reason: 'ScalingReplicaSet', type: 'Normal', message: 'Scaled up', eventTime: ago(MIN), reportingComponent: 'deployment-controller' };
  assert.deepEqual(cells('', 'v1', 'events', single), ['60s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '60s', 1, 'one']);
  const unknown = { apiVersion: 'v1', kind: 'Event', metadata: meta('u', MIN), involvedObject: { kind: 'Pod', name: 'p' }, reason: 'X' };
  assert.deepEqual(cells('', 'v1', 'events', unknown).slice(0, 1), ['<unknown>']);
});

test('namespace and service account rows', () => {
  assert.deepEqual(cells('', 'v1', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', creationTimestamp: ago(200 * D) }, status: { phase: 'Active' } }),
    ['kube-system', 'Active', '200d']);
  assert.deepEqual(cells('', 'v1', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old', creationTimestamp: ago(HOUR(7) + 59 * MIN), deletionTimestamp: ago(S) }, status: { phase: 'Terminating' } }),
    ['old', 'Terminating', '7h59m']);
  assert.deepEqual(cells('', 'v1', 'serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default', 9 * MIN + 5 * S) }), ['default', 0, '9m5s']);
  assert.deepEqual(cells('', 'v1', 'serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('builder', D), secrets: [{ name: 'builder-token' }] }), ['builder', 1, '24h']);
});

function HOUR(n: number) { return n * H; }

test('persistent volume rows', () => {
  const pv = {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1', creationTimestamp: ago(2 * D) },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'standard', claimRef: { namespace: 'default', name: 'data-db-0' }, volumeMode: 'Filesystem' },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(cells('', 'v1', 'persistentvolumes', pv), ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data-db-0', 'standard', '<unset>', '', '2d', 'Filesystem']);
  const released = {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-2', creationTimestamp: ago(D), deletionTimestamp: ago(S), annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    spec: { accessModes: ['ReadOnlyMany', 'ReadWriteOncePod'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeAttributesClassName: 'gold' },
    status: { phase: 'Failed', reason: 'ProvisioningFailed' },
  };
  assert.deepEqual(cells('', 'v1', 'persistentvolumes', released), ['pv-2', '0', 'ROX,RWOP', 'Delete', 'Terminating', '', 'legacy', 'gold', 'ProvisioningFailed', '24h', '<unset>']);
});

test('persistent volume claim rows', () => {
  const bound = {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data-db-0', 2 * D),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'standard', volumeName: 'pv-1', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } },
  };
  assert.deepEqual(cells('', 'v1', 'persistentvolumeclaims', bound), ['data-db-0', 'Bound', 'pv-1', '10Gi', 'RWO', 'standard', '<unset>', '2d', 'Filesystem']);
  const pending = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('scratch', 4 * MIN), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
  assert.deepEqual(cells('', 'v1', 'persistentvolumeclaims', pending), ['scratch', 'Pending', '', '', '', '', '<unset>', '4m', '<unset>']);
});

test('resource quota row splits requests and limits', () => {
  const rq = {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('compute', 3 * H),
    status: {
      hard: { 'requests.cpu': '4', 'limits.memory': '8Gi', pods: '10', 'limits.cpu': '8', 'requests.memory': '4Gi' },
      used: { 'requests.cpu': '500m', 'limits.memory': '1Gi', pods: '3', 'requests.memory': '512Mi' },
    },
  };
  assert.deepEqual(cells('', 'v1', 'resourcequotas', rq),
    ['compute', '3h', 'pods: 3/10, requests.cpu: 500m/4, requests.memory: 512Mi/4Gi', 'limits.cpu: 0/8, limits.memory: 1Gi/8Gi']);
});

test('limit ranges use the generic NAME / CREATED AT table', () => {
  const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: meta('defaults', 0, { creationTimestamp: '2024-05-30T08:15:42.123Z' }), spec: { limits: [] } };
  assert.deepEqual(cells('', 'v1', 'limitranges', lr), ['defaults', '2024-05-30T08:15:42Z']);
  assert.deepEqual(cells('', 'v1', 'limitranges', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'x' } }), ['x', '0001-01-01T00:00:00Z']);
});

// ------------------------------------------------------------------ apps/v1

test('deployment rows', () => {
  const d = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web', 20 * D),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }, { key: 'canary', operator: 'DoesNotExist' }] }, template: template([['nginx', 'nginx:1.27'], ['sidecar', 'envoy:1.30']]) },
    status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
  };
  assert.deepEqual(cells('apps', 'v1', 'deployments', d), ['web', '2/3', 3, 2, '20d', 'nginx,sidecar', 'nginx:1.27,envoy:1.30', 'app=web,!canary,tier in (be,fe)']);
  const fresh = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('api', 5 * S), spec: { replicas: 0, selector: { matchLabels: { app: 'api' } }, template: template([['api', 'api:v2']]) } };
  assert.deepEqual(cells('apps', 'v1', 'deployments', fresh), ['api', '0/0', 0, 0, '5s', 'api', 'api:v2', 'app=api']);
  const bad = { ...fresh, spec: { ...fresh.spec, selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } } };
  assert.equal(cells('apps', 'v1', 'deployments', bad)[7], '<invalid>');
});

test('replica set rows', () => {
  const rs = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-5d8f7b', 20 * D),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f7b' } }, template: template([['nginx', 'nginx:1.27']]) },
    status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 },
  };
  assert.deepEqual(cells('apps', 'v1', 'replicasets', rs), ['web-5d8f7b', 3, 3, 3, '20d', 'nginx', 'nginx:1.27', 'app=web,pod-template-hash=5d8f7b']);
  const old = { ...rs, spec: { ...rs.spec, replicas: 0, selector: {} }, status: { replicas: 0 } };
  assert.deepEqual(cells('apps', 'v1', 'replicasets', old).slice(1, 4), [0, 0, 0]);
  assert.equal(cells('apps', 'v1', 'replicasets', old)[7], '<none>');
});

test('stateful set row', () => {
  const ss = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db', 2 * H + 30 * MIN), spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template([['pg', 'postgres:16']]) }, status: { replicas: 2, readyReplicas: 1 } };
  assert.deepEqual(cells('apps', 'v1', 'statefulsets', ss), ['db', '1/3', '150m', 'pg', 'postgres:16']);
});

test('daemon set row', () => {
  const ds = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('kube-proxy', 100 * D),
    spec: { selector: { matchLabels: { 'k8s-app': 'kube-proxy' } }, template: { metadata: { labels: { 'k8s-app': 'kube-proxy' } }, spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.0' }] } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  };
  assert.deepEqual(cells('apps', 'v1', 'daemonsets', ds),
    ['kube-proxy', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '100d', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.32.0', 'k8s-app=kube-proxy']);
});

test('controller revision row names its controller by lower-case kind.group', () => {
  const cr = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: meta('db-6c8b9', 2 * D, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] }),
    revision: 4, data: {},
  };
  assert.deepEqual(cells('apps', 'v1', 'controllerrevisions', cr), ['db-6c8b9', 'statefulset.apps/db', 4, '2d']);
  const orphan = { ...cr, metadata: meta('lost-1', S) };
  assert.deepEqual(cells('apps', 'v1', 'controllerrevisions', orphan), ['lost-1', '<none>', 4, '1s']);
});

// ------------------------------------------------------------------ batch/v1

test('job rows', () => {
  const job = (spec: Record<string, unknown>, status: Record<string, unknown>, extraMeta: Record<string, unknown> = {}) => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: meta('pi', 10 * MIN, extraMeta),
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template: template([['pi', 'perl:5.34']]), ...spec },
    status,
  });
  assert.deepEqual(cells('batch', 'v1', 'jobs', job({ completions: 1, parallelism: 1 }, { succeeded: 1, startTime: ago(10 * MIN), completionTime: ago(10 * MIN - 37 * S), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] })),
    ['pi', 'Complete', '1/1', '37s', '10m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=abc']);
  assert.deepEqual(cells('batch', 'v1', 'jobs', job({ completions: 5, parallelism: 2 }, { succeeded: 2, active: 2, startTime: ago(4 * MIN) })).slice(1, 4), ['Running', '2/5', '4m']);
  assert.deepEqual(cells('batch', 'v1', 'jobs', job({ parallelism: 3 }, { succeeded: 0 })).slice(1, 4), ['Running', '0/1 of 3', '']);
  assert.deepEqual(cells('batch', 'v1', 'jobs', job({}, { succeeded: 0, failed: 6, conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }] })).slice(1, 3), ['Failed', '0/1']);
  assert.equal(cells('batch', 'v1', 'jobs', job({ completions: 1, suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }))[1], 'Suspended');
  assert.equal(cells('batch', 'v1', 'jobs', job({ completions: 1 }, { conditions: [{ type: 'FailureTarget', status: 'True' }] }))[1], 'FailureTarget');
  assert.equal(cells('batch', 'v1', 'jobs', job({ completions: 1 }, {}, { deletionTimestamp: ago(S) }))[1], 'Terminating');
  assert.equal(cells('batch', 'v1', 'jobs', job({ completions: 1 }, { conditions: [{ type: 'Complete', status: 'False' }] }))[1], 'Running');
});

test('cron job rows', () => {
  const cj = {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('backup', 6 * D),
    spec: { schedule: '0 3 * * *', timeZone: 'Etc/UTC', suspend: false, jobTemplate: { spec: { template: template([['backup', 'restic:0.16']]) } } },
    status: { active: [{ name: 'backup-28620', namespace: 'default' }], lastScheduleTime: ago(9 * H) },
  };
  assert.deepEqual(cells('batch', 'v1', 'cronjobs', cj), ['backup', '0 3 * * *', 'Etc/UTC', 'False', 1, '9h', '6d', 'backup', 'restic:0.16', '<none>']);
  const never = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('hourly', MIN), spec: { schedule: '@hourly', suspend: true, jobTemplate: { spec: { template: template([['t', 'busybox']]) } } } };
  assert.deepEqual(cells('batch', 'v1', 'cronjobs', never).slice(1, 7), ['@hourly', '<none>', 'True', 0, '<none>', '60s']);
  const unset = { ...never, spec: { schedule: '* * * * *', jobTemplate: { spec: {} } } };
  assert.equal(cells('batch', 'v1', 'cronjobs', unset)[3], '<unset>');
});

// ------------------------------------------------------------------ autoscaling

test('horizontal pod autoscaler rows (v2)', () => {
  const hpa = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web', 3 * D),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      ],
    },
    status: {
      currentReplicas: 3, desiredReplicas: 3,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } },
        { type: 'Resource', resource: { name: 'memory', current: { averageValue: '210Mi' } } },
      ],
    },
  };
  assert.deepEqual(cells('autoscaling', 'v2', 'horizontalpodautoscalers', hpa), ['web', 'Deployment/web', 'cpu: 45%/70%, memory: 210Mi/500Mi', '2', 10, 3, '3d']);
  const fresh = { ...hpa, spec: { ...hpa.spec, minReplicas: undefined, metrics: [...hpa.spec.metrics, { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '100' } } }] }, status: { desiredReplicas: 0 } };
  assert.deepEqual(cells('autoscaling', 'v2', 'horizontalpodautoscalers', fresh).slice(2, 6), ['cpu: <unknown>/70%, memory: <unknown>/500Mi + 1 more...', '<unset>', 10, 0]);
  const other = {
    ...hpa,
    spec: {
      ...hpa.spec,
      metrics: [
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
        { type: 'Object', object: { metric: { name: 'rps' }, describedObject: { kind: 'Ingress', name: 'main' }, target: { type: 'AverageValue', averageValue: '2k' } } },
      ],
    },
    status: { currentMetrics: [{ type: 'External', external: { metric: { name: 'queue' }, current: { value: '12' } } }] },
  };
  assert.equal(cells('autoscaling', 'v2', 'horizontalpodautoscalers', other)[2], '12/30, <unknown>/2k (avg)');
  const none = { ...hpa, spec: { ...hpa.spec, metrics: [] } };
  assert.equal(cells('autoscaling', 'v2', 'horizontalpodautoscalers', none)[2], '<none>');
});

test('horizontal pod autoscaler row (v1 shape)', () => {
  const hpa = {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta('php', 20 * MIN),
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'php-apache' }, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 0 },
  };
  assert.deepEqual(cells('autoscaling', 'v1', 'horizontalpodautoscalers', hpa), ['php', 'Deployment/php-apache', 'cpu: 0%/50%', '1', 10, 1, '20m']);
});

// ------------------------------------------------------------------ networking, discovery, coordination

test('ingress rows', () => {
  const ing = {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('main', 12 * H),
    spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'], secretName: 'tls' }], rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }] },
    status: { loadBalancer: { ingress: [{ ip: '192.168.49.2' }] } },
  };
  assert.deepEqual(cells('networking.k8s.io', 'v1', 'ingresses', ing), ['main', 'nginx', 'a.example.com,b.example.com', '192.168.49.2', '80, 443', '12h']);
  const wild = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('catch-all', 5 * MIN), spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } };
  assert.deepEqual(cells('networking.k8s.io', 'v1', 'ingresses', wild), ['catch-all', '<none>', '*', '', '80', '5m']);
  const many = { ...wild, spec: { rules: [{ host: 'a' }, {}, { host: 'b' }, { host: 'c' }, { host: 'd' }] } };
  assert.equal(cells('networking.k8s.io', 'v1', 'ingresses', many)[2], 'a,b,c + 2 more...');
});

test('ingress class row', () => {
  const ic = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', creationTimestamp: ago(30 * D) }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } };
  assert.deepEqual(cells('networking.k8s.io', 'v1', 'ingressclasses', ic), ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '30d']);
  const plain = { ...ic, spec: { controller: 'example.com/ctrl' } };
  assert.deepEqual(cells('networking.k8s.io', 'v1', 'ingressclasses', plain).slice(1, 3), ['example.com/ctrl', '<none>']);
});

test('network policy rows', () => {
  const np = (podSelector: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('deny', 4 * D), spec: { podSelector, policyTypes: ['Ingress'] } });
  assert.deepEqual(cells('networking.k8s.io', 'v1', 'networkpolicies', np({})), ['deny', '<none>', '4d']);
  assert.deepEqual(cells('networking.k8s.io', 'v1', 'networkpolicies', np({ matchLabels: { role: 'db' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] })), ['deny', 'env notin (dev),role=db', '4d']);
});

test('endpoint slice rows', () => {
  const es = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('web-abc12', 2 * H), addressType: 'IPv4',
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'named' }, {}],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }, { addresses: ['10.0.0.5'] }],
  };
  assert.deepEqual(cells('discovery.k8s.io', 'v1', 'endpointslices', es), ['web-abc12', 'IPv4', '80,named,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '120m']);
  const empty = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('empty', S), addressType: 'IPv6', endpoints: [] };
  assert.deepEqual(cells('discovery.k8s.io', 'v1', 'endpointslices', empty), ['empty', 'IPv6', '<unset>', '<unset>', '1s']);
});

test('lease rows', () => {
  assert.deepEqual(cells('coordination.k8s.io', 'v1', 'leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('kube-controller-manager', 15 * D), spec: { holderIdentity: 'cp-1_2f6b', leaseDurationSeconds: 15 } }),
    ['kube-controller-manager', 'cp-1_2f6b', '15d']);
  assert.deepEqual(cells('coordination.k8s.io', 'v1', 'leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('free', S), spec: {} }), ['free', '', '1s']);
});

// ------------------------------------------------------------------ storage, rbac, policy, scheduling

test('storage class rows', () => {
  const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', creationTimestamp: ago(60 * D), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };
  assert.deepEqual(cells('storage.k8s.io', 'v1', 'storageclasses', sc), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '60d']);
  const fast = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', creationTimestamp: ago(D), annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'false' } }, provisioner: 'ebs.csi.aws.com', allowVolumeExpansion: true };
  assert.deepEqual(cells('storage.k8s.io', 'v1', 'storageclasses', fast), ['fast', 'ebs.csi.aws.com', 'Delete', 'Immediate', true, '24h']);
});

test('role binding and cluster role binding rows', () => {
  const rb = {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('read-pods', 7 * D),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'build' }, { kind: 'Group', name: 'devs' }, { kind: 'User', name: 'joe' }],
  };
  assert.deepEqual(cells('rbac.authorization.k8s.io', 'v1', 'rolebindings', rb), ['read-pods', 'Role/pod-reader', '7d', 'jane, joe', 'devs', 'build/ci']);
  const crb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin', creationTimestamp: ago(400 * D) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] };
  assert.deepEqual(cells('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', crb), ['cluster-admin', 'ClusterRole/cluster-admin', '400d', '', 'system:masters', '']);
});

test('roles and cluster roles use the generic table', () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view', creationTimestamp: '2024-01-15T09:30:00Z' }, rules: [] };
  assert.deepEqual(cells('rbac.authorization.k8s.io', 'v1', 'clusterroles', role), ['view', '2024-01-15T09:30:00Z']);
  assert.deepEqual(cells('rbac.authorization.k8s.io', 'v1', 'roles', { ...role, kind: 'Role', metadata: { ...role.metadata, name: 'pod-reader' } }), ['pod-reader', '2024-01-15T09:30:00Z']);
});

test('pod disruption budget rows', () => {
  const pdb = (spec: Record<string, unknown>, allowed: number) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web', 5 * D), spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, status: { disruptionsAllowed: allowed } });
  assert.deepEqual(cells('policy', 'v1', 'poddisruptionbudgets', pdb({ minAvailable: 2 }, 1)), ['web', '2', 'N/A', 1, '5d']);
  assert.deepEqual(cells('policy', 'v1', 'poddisruptionbudgets', pdb({ maxUnavailable: '25%' }, 0)), ['web', 'N/A', '25%', 0, '5d']);
});

test('priority class rows', () => {
  const pc = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical', creationTimestamp: ago(90 * D) }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' };
  assert.deepEqual(cells('scheduling.k8s.io', 'v1', 'priorityclasses', pc), ['system-node-critical', 2000001000, false, '90d', 'PreemptLowerPriority']);
  const dflt = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch', creationTimestamp: ago(H) }, value: -10, globalDefault: true, preemptionPolicy: 'Never' };
  assert.deepEqual(cells('scheduling.k8s.io', 'v1', 'priorityclasses', dflt), ['batch', -10, true, '60m', 'Never']);
});

test('custom resource definitions use the generic table', () => {
  const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'certificates.cert-manager.io', creationTimestamp: '2024-05-01T00:00:00Z' }, spec: {} };
  assert.deepEqual(cells('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', crd), ['certificates.cert-manager.io', '2024-05-01T00:00:00Z']);
});

// ------------------------------------------------------------------ custom resources

function crInfo(columns?: PrinterColumn[]): ResourceInfo {
  return {
    group: 'cert-manager.io', version: 'v1', resource: 'certificates', singular: 'certificate', kind: 'Certificate', listKind: 'CertificateList',
    namespaced: true, shortNames: ['cert'], categories: [], verbs: ['get', 'list'], subresources: [], storageVersion: 'v1', preferred: true,
    crd: { name: 'certificates.cert-manager.io', additionalPrinterColumns: columns },
  };
}

const cert: KubeObject = {
  apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('site-tls', 3 * D),
  spec: { secretName: 'site-tls', dnsNames: ['a.example.com', 'b.example.com'], duration: '2160h', renew: true, replicas: 2, ratio: 0.75, labels: { b: '2', a: '<1>' }, nothing: null },
  status: { conditions: [{ type: 'Issuing', status: 'False' }, { type: 'Ready', status: 'True', message: 'Certificate is up to date and has not expired' }], notAfter: ago(-80 * D), renewalTime: 'soon' },
};

test('custom resources without printer columns get NAME and AGE', () => {
  const t = toTable(crInfo(), [cert], { now: NOW });
  assert.deepEqual(t.columnDefinitions.map((c) => [c.name, c.type, c.format]), [['Name', 'string', 'name'], ['Age', 'date', '']]);
  assert.deepEqual(t.rows[0].cells, ['site-tls', '3d']);
  assert.deepEqual(toTable(crInfo([]), [cert], { now: NOW }).rows[0].cells, ['site-tls', '3d']);
});

test('custom resource printer columns: cert-manager style', () => {
  const cols: PrinterColumn[] = [
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
    { name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name', priority: 1 },
    { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message', priority: 1, description: 'Ready message' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
  const t = toTable(crInfo(cols), [cert], { now: NOW });
  assert.deepEqual(t.columnDefinitions.map((c) => [c.name, c.priority]), [['Name', 0], ['Ready', 0], ['Secret', 0], ['Issuer', 1], ['Status', 1], ['Age', 0]]);
  assert.equal(t.columnDefinitions[2].description, 'Custom resource definition column (in JSONPath format): .spec.secretName');
  assert.equal(t.columnDefinitions[4].description, 'Ready message');
  assert.deepEqual(t.rows[0].cells, ['site-tls', 'True', 'site-tls', null, 'Certificate is up to date and has not expired', '3d']);
});

test('custom resource cells follow the declared column type', () => {
  const cols: PrinterColumn[] = [
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'RatioInt', type: 'integer', jsonPath: '.spec.ratio' },
    { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
    { name: 'Renew', type: 'boolean', jsonPath: '.spec.renew' },
    { name: 'RenewText', type: 'string', jsonPath: '.spec.renew' },
    { name: 'Hosts', type: 'string', jsonPath: '.spec.dnsNames' },
    { name: 'FirstHost', type: 'string', jsonPath: '.spec.dnsNames[0]' },
    { name: 'Labels', type: 'string', jsonPath: '.spec.labels' },
    { name: 'Null', type: 'string', jsonPath: '.spec.nothing' },
    { name: 'NullInt', type: 'integer', jsonPath: '.spec.nothing' },
    { name: 'WrongType', type: 'integer', jsonPath: '.spec.secretName' },
    // A future date prints <invalid>, as kubectl shows it.
    { name: 'Expires', type: 'date', jsonPath: '.status.notAfter' },
    { name: 'Renewal', type: 'date', jsonPath: '.status.renewalTime' },
    { name: 'Count', type: 'string', jsonPath: '.spec.replicas' },
    { name: 'RatioText', type: 'string', jsonPath: '.spec.ratio' },
  ];
  const t = toTable(crInfo(cols), [cert], { now: NOW });
  assert.deepEqual(t.rows[0].cells, [
    'site-tls', 2, 0, 0.75, true, 'true', '["a.example.com","b.example.com"]', 'a.example.com', '{"a":"\\u003c1\\u003e","b":"2"}',
    '<no value>', null, null, '<invalid>', '<invalid>', '2', '0.75',
  ]);
});

test('an unparsable printer column keeps the columns before it', () => {
  const cols: PrinterColumn[] = [
    { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
    { name: 'Broken', type: 'string', jsonPath: '.spec.dnsNames[' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
  const t = toTable(crInfo(cols), [cert], { now: NOW });
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Secret']);
  assert.deepEqual(t.rows[0].cells, ['site-tls', 'site-tls']);
});

// ------------------------------------------------------------------ table envelope

test('rows carry PartialObjectMetadata by default, the object or null on request', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg', MIN, { labels: { app: 'x' } }), data: { a: '1' } };
  const t = toTable(info('', 'v1', 'configmaps'), [cm], { now: NOW });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata });
  assert.equal(toTable(info('', 'v1', 'configmaps'), [cm], { now: NOW, includeObject: 'Object' }).rows[0].object, cm);
  assert.equal(toTable(info('', 'v1', 'configmaps'), [cm], { now: NOW, includeObject: 'None' }).rows[0].object, null);
  assert.equal('conditions' in t.rows[0], false);
});

test('noHeaders omits the column definitions but keeps full rows', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: meta('p', MIN), spec: { containers: [{ name: 'a', image: 'a' }] }, status: { phase: 'Succeeded' } };
  const t = toTable(info('', 'v1', 'pods'), [pod], { now: NOW, noHeaders: true });
  assert.deepEqual(t.columnDefinitions, []);
  assert.equal(t.rows[0].cells.length, 9);
  assert.equal(t.rows[0].conditions?.[0].type, 'Completed');
});

test('list metadata is copied into the table; rows keep input order', () => {
  const mk = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta(name, MIN), type: 'Opaque' });
  const t = toTable(info('', 'v1', 'secrets'), [mk('b'), mk('a')], { now: NOW, listMeta: { resourceVersion: '981', continue: 'tok', remainingItemCount: 5 } });
  assert.deepEqual(t.metadata, { resourceVersion: '981', continue: 'tok', remainingItemCount: 5 });
  assert.deepEqual(t.rows.map((r) => r.cells[0]), ['b', 'a']);
  assert.deepEqual(toTable(info('', 'v1', 'secrets'), [], { now: NOW }).metadata, {});
});

test('ages default to the current time', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'now', creationTimestamp: new Date(Date.now() - 3 * D).toISOString() } };
  assert.equal(toTable(info('', 'v1', 'configmaps'), [cm]).rows[0].cells[2], '3d');
});
