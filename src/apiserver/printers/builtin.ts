// Column definitions and row printers of the built-in kinds, matching what kube-apiserver 1.32 returns
// for `Accept: application/json;as=Table` (its printers run in wide mode, so priority-1 cells are always
// present). Kinds without a printer there (Role, ClusterRole, LimitRange, CRD) use the generic
// NAME / CREATED AT convertor, see defaultPrinter.
import type * as core from 'kubernetes-types/core/v1.js';
import type * as apps from 'kubernetes-types/apps/v1.js';
import type * as batch from 'kubernetes-types/batch/v1.js';
import type * as networking from 'kubernetes-types/networking/v1.js';
import type * as discovery from 'kubernetes-types/discovery/v1.js';
import type * as coordination from 'kubernetes-types/coordination/v1.js';
import type * as storage from 'kubernetes-types/storage/v1.js';
import type * as rbac from 'kubernetes-types/rbac/v1.js';
import type * as policy from 'kubernetes-types/policy/v1.js';
import type * as scheduling from 'kubernetes-types/scheduling/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/object.js';
import { parseApiVersion } from '../../api/object.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';
import {
  NONE, UNKNOWN, UNSET, arr, boolPtr, count, formatLabelSelector, formatLabels, get, intOrString, joinHostPort,
  labelSelectorString, num, obj, quantity, quantityOrNil, str,
} from './format.js';
import { podRow, type RowCondition } from './pod.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface PrintedRow {
  cells: unknown[];
  conditions?: RowCondition[];
}

export interface Printer {
  columns: ColumnDefinition[];
  row(obj: KubeObject, now: number): PrintedRow;
}

function col(name: string, description: string, opts: { type?: string; priority?: number; format?: string } = {}): ColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

const NAME = col('Name', 'Name of the object, unique within its namespace (or the cluster).', { format: 'name' });
const AGE = col('Age', 'Time since the object was created.');
const CONTAINERS = col('Containers', 'Names of the containers in the pod template.', { priority: 1 });
const IMAGES = col('Images', 'Images of the containers in the pod template.', { priority: 1 });
const wideSelector = (what: string) => col('Selector', `Label selector of the ${what}.`, { priority: 1 });

interface HasMeta { metadata?: KubeObject['metadata'] }
const nameOf = (o: HasMeta) => o.metadata?.name ?? '';
const ageOf = (o: HasMeta, now: number) => translateTimestampSince(o.metadata?.creationTimestamp, now);

/** layoutContainerCells: container names and images, comma separated. */
function containerCells(containers: core.Container[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

function printer<T>(columns: ColumnDefinition[], row: (o: T, now: number) => unknown[]): Printer {
  return { columns, row: (o, now) => ({ cells: row(o as unknown as T, now) }) };
}

// ---------------------------------------------------------------- core/v1

const podPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'Ready containers of the pod over its containers.'),
    col('Status', 'The aggregate status of the pod and its containers.'),
    col('Restarts', 'Container restarts, and how long ago the last one happened.'),
    AGE,
    col('IP', 'IP address of the pod.', { priority: 1 }),
    col('Node', 'Node the pod is bound to.', { priority: 1 }),
    col('Nominated Node', 'Node nominated by preemption.', { priority: 1 }),
    col('Readiness Gates', 'Readiness gates satisfied over readiness gates declared.', { priority: 1 }),
  ],
  row: (o, now) => podRow(o as core.Pod, now),
};

const podTemplatePrinter = printer<core.PodTemplate>([
  NAME,
  col('Containers', 'Names of the containers in the template.'),
  col('Images', 'Images of the containers in the template.'),
  col('Pod Labels', 'Labels of the pod template.'),
], (o) => {
  const [names, images] = containerCells(o.template?.spec?.containers);
  return [nameOf(o), names, images, formatLabels(o.template?.metadata?.labels)];
});

const replicationControllerPrinter = printer<core.ReplicationController>([
  NAME,
  col('Desired', 'Desired number of replicas.', { type: 'integer' }),
  col('Current', 'Observed number of replicas.', { type: 'integer' }),
  col('Ready', 'Ready replicas.', { type: 'integer' }),
  AGE, CONTAINERS, IMAGES, wideSelector('replication controller'),
], (o, now) => {
  const [names, images] = containerCells(o.spec?.template?.spec?.containers);
  return [nameOf(o), num(o.spec?.replicas, 1), num(o.status?.replicas), num(o.status?.readyReplicas), ageOf(o, now),
    names, images, formatLabels(o.spec?.selector)];
});

function formatServicePorts(ports: core.ServicePort[] | undefined): string {
  const text = (ports ?? []).map((p) => {
    const proto = p.protocol || 'TCP';
    return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
  }).join(',');
  return text === '' ? NONE : text;
}

function loadBalancerAddresses(ingress: Array<{ ip?: string; hostname?: string }> | undefined): string {
  const set = new Set<string>();
  for (const i of ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

function serviceExternalIP(svc: core.Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : NONE;
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc.status?.loadBalancer?.ingress);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return UNKNOWN;
}

const servicePrinter = printer<core.Service>([
  NAME,
  col('Type', 'How the service is exposed.'),
  col('Cluster-IP', 'Cluster IP address of the service.'),
  col('External-IP', 'External addresses of the service.'),
  col('Port(s)', 'Ports exposed by the service.'),
  AGE,
  col('Selector', 'Labels of the pods the service routes to.', { priority: 1 }),
], (o, now) => {
  const spec = o.spec ?? {};
  const clusterIP = spec.clusterIPs?.[0] || spec.clusterIP || NONE;
  return [nameOf(o), spec.type ?? 'ClusterIP', clusterIP, serviceExternalIP(o), formatServicePorts(spec.ports), ageOf(o, now),
    formatLabels(spec.selector)];
});

/** formatEndpoints: up to three ip:port pairs, then "+ N more...". */
function formatEndpoints(ep: core.Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return NONE;
  const max = 3;
  const list: string[] = [];
  let more = false;
  let total = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      total += addrs.length;
      for (const a of addrs) {
        if (list.length === max) { more = true; break; }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      total += addrs.length;
      for (const a of addrs) {
        if (list.length === max) { more = true; break; }
        list.push(joinHostPort(a.ip, p.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${total - max} more...` : ret;
}

const endpointsPrinter = printer<core.Endpoints>([
  NAME, col('Endpoints', 'Addresses and ports of the endpoints.'), AGE,
], (o, now) => [nameOf(o), formatEndpoints(o), ageOf(o, now)]);

const configMapPrinter = printer<core.ConfigMap>([
  NAME, col('Data', 'Number of data and binaryData entries.'), AGE,
], (o, now) => [nameOf(o), count(o.data) + count(o.binaryData), ageOf(o, now)]);

const secretPrinter = printer<core.Secret>([
  NAME, col('Type', 'Type of the secret.'), col('Data', 'Number of data entries.'), AGE,
], (o, now) => [nameOf(o), o.type ?? '', count(o.data), ageOf(o, now)]);

function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.add(v);
    }
  }
  return roles.size === 0 ? NONE : [...roles].sort().join(',');
}

function nodeAddress(node: core.Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? NONE;
}

const nodePrinter = printer<core.Node>([
  NAME,
  col('Status', 'Readiness and schedulability of the node.'),
  col('Roles', 'Roles of the node, from node-role labels.'),
  AGE,
  col('Version', 'Kubelet version.'),
  col('Internal-IP', 'Internal address of the node.', { priority: 1 }),
  col('External-IP', 'External address of the node.', { priority: 1 }),
  col('OS-Image', 'Operating system image.', { priority: 1 }),
  col('Kernel-Version', 'Kernel version.', { priority: 1 }),
  col('Container-Runtime', 'Container runtime and version.', { priority: 1 }),
], (o, now) => {
  let ready: core.NodeCondition | undefined;
  for (const c of o.status?.conditions ?? []) if (c.type === 'Ready') ready = c;
  const status: string[] = [];
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (o.spec?.unschedulable) status.push('SchedulingDisabled');
  const info = o.status?.nodeInfo;
  return [nameOf(o), status.join(','), nodeRoles(o.metadata?.labels), ageOf(o, now), info?.kubeletVersion ?? '',
    nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), info?.osImage || UNKNOWN, info?.kernelVersion || UNKNOWN,
    info?.containerRuntimeVersion || UNKNOWN];
});

function eventSource(e: core.Event): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

const eventPrinter = printer<core.Event>([
  col('Last Seen', 'Time since the event was last observed.'),
  col('Type', 'Type of the event (Normal, Warning).'),
  col('Reason', 'Short, machine-understandable reason for the event.'),
  col('Object', 'The object the event is about.'),
  col('Subobject', 'Field path of the part of the object the event is about.', { priority: 1 }),
  col('Source', 'Component (and host) reporting the event.', { priority: 1 }),
  col('Message', 'Human-readable description of the event.'),
  col('First Seen', 'Time since the event was first observed.', { priority: 1 }),
  col('Count', 'Number of times the event occurred.', { priority: 1 }),
  col('Name', 'Name of the event object.', { priority: 1, format: 'name' }),
], (o, now) => {
  const first = parseTimestamp(o.firstTimestamp) !== undefined
    ? translateTimestampSince(o.firstTimestamp, now)
    : translateTimestampSince(o.eventTime, now);
  let last = parseTimestamp(o.lastTimestamp) !== undefined ? translateTimestampSince(o.lastTimestamp, now) : first;
  let n = num(o.count);
  if (o.series) {
    last = translateTimestampSince(o.series.lastObservedTime, now);
    n = num(o.series.count);
  } else if (n === 0) {
    n = 1;
  }
  const inv = o.involvedObject ?? {};
  const kind = (inv.kind ?? '').toLowerCase();
  const target = inv.name ? `${kind}/${inv.name}` : kind;
  return [last, o.type ?? '', o.reason ?? '', target, inv.fieldPath ?? '', eventSource(o), (o.message ?? '').trim(), first, n, nameOf(o)];
});

const namespacePrinter = printer<core.Namespace>([
  NAME, col('Status', 'Phase of the namespace.'), AGE,
], (o, now) => [nameOf(o), o.status?.phase ?? '', ageOf(o, now)]);

const serviceAccountPrinter = printer<core.ServiceAccount>([
  NAME, col('Secrets', 'Number of secrets referenced by the service account.'), AGE,
], (o, now) => [nameOf(o), count(o.secrets), ageOf(o, now)]);

/** GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, duplicates dropped. */
function accessModes(modes: string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

function hasKey(m: Record<string, string> | undefined, k: string): m is Record<string, string> {
  return !!m && Object.prototype.hasOwnProperty.call(m, k);
}

const persistentVolumePrinter = printer<core.PersistentVolume>([
  NAME,
  col('Capacity', 'Storage capacity of the volume.'),
  col('Access Modes', 'Access modes of the volume.'),
  col('Reclaim Policy', 'What happens to the volume when released from its claim.'),
  col('Status', 'Phase of the volume.'),
  col('Claim', 'Claim bound to the volume.'),
  col('StorageClass', 'Storage class of the volume.'),
  col('VolumeAttributesClass', 'Volume attributes class of the volume.'),
  col('Reason', 'Reason for a failed phase.'),
  AGE,
  col('VolumeMode', 'Block or Filesystem.', { priority: 1 }),
], (o, now) => {
  const spec = o.spec ?? {};
  const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
  const ann = o.metadata?.annotations;
  const sc = hasKey(ann, BETA_STORAGE_CLASS) ? ann[BETA_STORAGE_CLASS] : spec.storageClassName ?? '';
  const phase = o.metadata?.deletionTimestamp ? 'Terminating' : o.status?.phase ?? '';
  return [nameOf(o), quantity(spec.capacity?.storage), accessModes(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '',
    phase, claim, sc, spec.volumeAttributesClassName ?? UNSET, o.status?.reason ?? '', ageOf(o, now), spec.volumeMode ?? UNSET];
});

const persistentVolumeClaimPrinter = printer<core.PersistentVolumeClaim>([
  NAME,
  col('Status', 'Phase of the claim.'),
  col('Volume', 'Volume bound to the claim.'),
  col('Capacity', 'Capacity of the bound volume.'),
  col('Access Modes', 'Access modes of the bound volume.'),
  col('StorageClass', 'Storage class of the claim.'),
  col('VolumeAttributesClass', 'Volume attributes class of the claim.'),
  AGE,
  col('VolumeMode', 'Block or Filesystem.', { priority: 1 }),
], (o, now) => {
  const spec = o.spec ?? {};
  const phase = o.metadata?.deletionTimestamp ? 'Terminating' : o.status?.phase ?? '';
  let capacity = '';
  let modes = '';
  if (spec.volumeName) {
    modes = accessModes(o.status?.accessModes);
    capacity = quantity(o.status?.capacity?.storage);
  }
  const ann = o.metadata?.annotations;
  const sc = hasKey(ann, BETA_STORAGE_CLASS) ? ann[BETA_STORAGE_CLASS] : spec.storageClassName ?? '';
  return [nameOf(o), phase, spec.volumeName ?? '', capacity, modes, sc, spec.volumeAttributesClassName ?? UNSET, ageOf(o, now),
    spec.volumeMode ?? UNSET];
});

const resourceQuotaPrinter = printer<core.ResourceQuota>([
  NAME, AGE,
  col('Request', 'Used over hard quota of request-type resources.'),
  col('Limit', 'Used over hard quota of limits.* resources.'),
], (o, now) => {
  const hard = o.status?.hard ?? {};
  const used = o.status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const r of Object.keys(hard).sort()) {
    const pieces = r.split('.');
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
    target.push(`${r}: ${quantity(used[r])}/${quantity(hard[r])}`);
  }
  return [nameOf(o), ageOf(o, now), requests.join(', '), limits.join(', ')];
});

// ---------------------------------------------------------------- apps/v1

const deploymentPrinter = printer<apps.Deployment>([
  NAME,
  col('Ready', 'Ready replicas over desired replicas.'),
  col('Up-to-date', 'Replicas updated to the latest template.'),
  col('Available', 'Replicas available to users.'),
  AGE, CONTAINERS, IMAGES, wideSelector('deployment'),
], (o, now) => {
  const [names, images] = containerCells(o.spec?.template?.spec?.containers);
  const selector = labelSelectorString(o.spec?.selector as LabelSelector | undefined) ?? '<invalid>';
  return [nameOf(o), `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas, 1)}`, num(o.status?.updatedReplicas),
    num(o.status?.availableReplicas), ageOf(o, now), names, images, selector];
});

const replicaSetPrinter = printer<apps.ReplicaSet>([
  NAME,
  col('Desired', 'Desired number of replicas.', { type: 'integer' }),
  col('Current', 'Observed number of replicas.', { type: 'integer' }),
  col('Ready', 'Ready replicas.', { type: 'integer' }),
  AGE, CONTAINERS, IMAGES, wideSelector('replica set'),
], (o, now) => {
  const [names, images] = containerCells(o.spec?.template?.spec?.containers);
  return [nameOf(o), num(o.spec?.replicas, 1), num(o.status?.replicas), num(o.status?.readyReplicas), ageOf(o, now),
    names, images, formatLabelSelector(o.spec?.selector)];
});

const statefulSetPrinter = printer<apps.StatefulSet>([
  NAME, col('Ready', 'Ready replicas over desired replicas.'), AGE, CONTAINERS, IMAGES,
], (o, now) => {
  const [names, images] = containerCells(o.spec?.template?.spec?.containers);
  return [nameOf(o), `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas, 1)}`, ageOf(o, now), names, images];
});

const daemonSetPrinter = printer<apps.DaemonSet>([
  NAME,
  col('Desired', 'Nodes that should run the daemon pod.', { type: 'integer' }),
  col('Current', 'Nodes running the daemon pod.', { type: 'integer' }),
  col('Ready', 'Nodes with a ready daemon pod.', { type: 'integer' }),
  col('Up-to-date', 'Nodes running the updated daemon pod.', { type: 'integer' }),
  col('Available', 'Nodes with an available daemon pod.', { type: 'integer' }),
  col('Node Selector', 'Node selector of the pod template.'),
  AGE, CONTAINERS, IMAGES, wideSelector('daemon set'),
], (o, now) => {
  const s = o.status;
  const [names, images] = containerCells(o.spec?.template?.spec?.containers);
  return [nameOf(o), num(s?.desiredNumberScheduled), num(s?.currentNumberScheduled), num(s?.numberReady),
    num(s?.updatedNumberScheduled), num(s?.numberAvailable), formatLabels(o.spec?.template?.spec?.nodeSelector), ageOf(o, now),
    names, images, formatLabelSelector(o.spec?.selector)];
});

const controllerRevisionPrinter = printer<apps.ControllerRevision>([
  NAME, col('Controller', 'Controller owning the revision.'), col('Revision', 'Revision number.'), AGE,
], (o, now) => {
  const ref = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  let controller = NONE;
  if (ref) {
    const { group } = parseApiVersion(ref.apiVersion ?? '');
    const gk = group ? `${ref.kind}.${group}` : ref.kind ?? '';
    controller = gk ? `${gk.toLowerCase()}/${ref.name}` : ref.name;
  }
  return [nameOf(o), controller, num(o.revision), ageOf(o, now)];
});

// ---------------------------------------------------------------- batch/v1

function jobConditionTrue(job: batch.Job, type: string): boolean {
  for (const c of job.status?.conditions ?? []) if (c.type === type) return c.status === 'True';
  return false;
}

const jobPrinter = printer<batch.Job>([
  NAME,
  col('Status', 'Status of the job.'),
  col('Completions', 'Successful completions over desired completions.'),
  col('Duration', 'Time the job took (or has been running).'),
  AGE, CONTAINERS, IMAGES, wideSelector('job'),
], (o, now) => {
  const succeeded = num(o.status?.succeeded);
  let completions: string;
  if (typeof o.spec?.completions === 'number') completions = `${succeeded}/${o.spec.completions}`;
  else {
    const parallelism = num(o.spec?.parallelism);
    completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  }
  let duration = '';
  const start = parseTimestamp(o.status?.startTime);
  if (start !== undefined && !Number.isNaN(start)) {
    const end = parseTimestamp(o.status?.completionTime);
    duration = humanDuration((end === undefined || Number.isNaN(end) ? now : end) - start);
  }
  let status: string;
  if (jobConditionTrue(o, 'Complete')) status = 'Complete';
  else if (jobConditionTrue(o, 'Failed')) status = 'Failed';
  else if (o.metadata?.deletionTimestamp) status = 'Terminating';
  else if (jobConditionTrue(o, 'Suspended')) status = 'Suspended';
  else if (jobConditionTrue(o, 'FailureTarget')) status = 'FailureTarget';
  else status = 'Running';
  const [names, images] = containerCells(o.spec?.template?.spec?.containers);
  return [nameOf(o), status, completions, duration, ageOf(o, now), names, images, formatLabelSelector(o.spec?.selector)];
});

const cronJobPrinter = printer<batch.CronJob>([
  NAME,
  col('Schedule', 'Cron schedule.'),
  col('Timezone', 'Time zone of the schedule.'),
  col('Suspend', 'Whether new runs are suspended.', { type: 'boolean' }),
  col('Active', 'Number of running jobs.', { type: 'integer' }),
  col('Last Schedule', 'Time since a job was last scheduled.'),
  AGE, CONTAINERS, IMAGES, wideSelector('job template'),
], (o, now) => {
  const last = o.status?.lastScheduleTime ? translateTimestampSince(o.status.lastScheduleTime, now) : NONE;
  const jobSpec = o.spec?.jobTemplate?.spec;
  const [names, images] = containerCells(jobSpec?.template?.spec?.containers);
  return [nameOf(o), o.spec?.schedule ?? '', o.spec?.timeZone ?? NONE, boolPtr(o.spec?.suspend), count(o.status?.active), last,
    ageOf(o, now), names, images, formatLabelSelector(jobSpec?.selector)];
});

// ---------------------------------------------------------------- autoscaling

interface MetricTarget { type?: string; value?: string; averageValue?: string; averageUtilization?: number }
interface MetricCurrent { value?: string; averageValue?: string; averageUtilization?: number }

/** autoscaling/v1 objects carry one CPU target; view them as the v2 metric they convert to. */
function hpaMetrics(o: KubeObject): { specs: unknown[]; statuses: unknown[] } {
  const spec = obj(o.spec);
  const status = obj(o.status);
  if (Array.isArray(spec.metrics) || !('targetCPUUtilizationPercentage' in spec)) {
    return { specs: arr(spec.metrics), statuses: arr(status.currentMetrics) };
  }
  const specs = typeof spec.targetCPUUtilizationPercentage === 'number'
    ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }]
    : [];
  const statuses = typeof status.currentCPUUtilizationPercentage === 'number'
    ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
    : [];
  return { specs, statuses };
}

function formatHPAMetrics(specs: unknown[], statuses: unknown[]): string {
  if (specs.length === 0) return NONE;
  const list: string[] = [];
  specs.forEach((s, i) => {
    const type = str(get(s, 'type'));
    const st = statuses[i];
    const source = (name: string) => (st !== undefined ? get(st, name) : undefined);
    switch (type) {
      case 'External':
      case 'Object': {
        const field = type === 'External' ? 'external' : 'object';
        const target = obj(get(s, field, 'target')) as MetricTarget;
        const cur = source(field);
        const current = obj(get(cur, 'current')) as MetricCurrent;
        if (target.averageValue !== undefined && target.averageValue !== null) {
          const c = cur !== undefined && cur !== null && current.averageValue != null ? String(current.averageValue) : UNKNOWN;
          list.push(`${c}/${target.averageValue} (avg)`);
        } else {
          const c = cur !== undefined && cur !== null ? quantityOrNil(current.value) : UNKNOWN;
          list.push(`${c}/${quantityOrNil(target.value)}`);
        }
        break;
      }
      case 'Pods': {
        const target = obj(get(s, 'pods', 'target')) as MetricTarget;
        const cur = source('pods');
        const c = cur !== undefined && cur !== null ? quantityOrNil((obj(get(cur, 'current')) as MetricCurrent).averageValue) : UNKNOWN;
        list.push(`${c}/${quantityOrNil(target.averageValue)}`);
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const field = type === 'Resource' ? 'resource' : 'containerResource';
        const name = str(get(s, field, 'name'));
        const target = obj(get(s, field, 'target')) as MetricTarget;
        const cur = source(field);
        const current = obj(get(cur, 'current')) as MetricCurrent;
        if (target.averageValue !== undefined && target.averageValue !== null) {
          const c = cur !== undefined && cur !== null ? quantityOrNil(current.averageValue) : UNKNOWN;
          list.push(`${name}: ${c}/${target.averageValue}`);
        } else {
          const c = cur !== undefined && cur !== null && typeof current.averageUtilization === 'number' ? `${current.averageUtilization}%` : UNKNOWN;
          const t = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
          list.push(`${name}: ${c}/${t}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

const hpaPrinter = printer<KubeObject>([
  NAME,
  col('Reference', 'The scaled object.'),
  col('Targets', 'Current over target metric values.'),
  col('MinPods', 'Lower replica limit.'),
  col('MaxPods', 'Upper replica limit.'),
  col('Replicas', 'Current replicas.'),
  AGE,
], (o, now) => {
  const spec = obj(o.spec);
  const ref = obj(spec.scaleTargetRef);
  const { specs, statuses } = hpaMetrics(o);
  const minPods = typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : UNSET;
  return [nameOf(o), `${str(ref.kind)}/${str(ref.name)}`, formatHPAMetrics(specs, statuses), minPods, num(spec.maxReplicas),
    num(get(o, 'status', 'currentReplicas')), ageOf(o, now)];
});

// ---------------------------------------------------------------- networking, discovery, coordination

function formatIngressHosts(rules: networking.IngressRule[] | undefined): string {
  const rs = rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rs) {
    if (list.length === max) more = true;
    if (!more && r.host) list.push(r.host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rs.length - max} more...` : ret;
}

const ingressPrinter = printer<networking.Ingress>([
  NAME,
  col('Class', 'Ingress class handling the ingress.'),
  col('Hosts', 'Hosts matched by the rules.'),
  col('Address', 'Load balancer addresses.'),
  col('Ports', 'Ports the ingress serves.'),
  AGE,
], (o, now) => [nameOf(o), o.spec?.ingressClassName ?? NONE, formatIngressHosts(o.spec?.rules),
  loadBalancerAddresses(o.status?.loadBalancer?.ingress), (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80', ageOf(o, now)]);

const ingressClassPrinter = printer<networking.IngressClass>([
  NAME, col('Controller', 'Controller implementing the class.'), col('Parameters', 'Resource holding extra parameters.'), AGE,
], (o, now) => {
  const p = o.spec?.parameters;
  let params = NONE;
  if (p) params = `${p.kind}${typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : ''}/${p.name}`;
  return [nameOf(o), o.spec?.controller ?? '', params, ageOf(o, now)];
});

const networkPolicyPrinter = printer<networking.NetworkPolicy>([
  NAME, col('Pod-Selector', 'Pods the policy applies to.'), AGE,
], (o, now) => [nameOf(o), formatLabelSelector(o.spec?.podSelector ?? {}), ageOf(o, now)]);

function listWithMore(list: string[], more: boolean, total: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${total - max} more...`;
  return ret === '' ? UNSET : ret;
}

const endpointSlicePrinter = printer<discovery.EndpointSlice>([
  NAME,
  col('AddressType', 'Address family of the endpoints.'),
  col('Ports', 'Ports of the slice.'),
  col('Endpoints', 'Addresses of the endpoints.'),
  AGE,
], (o, now) => {
  const max = 3;
  const ports: string[] = [];
  let morePorts = false;
  let portCount = 0;
  for (const p of o.ports ?? []) {
    if (ports.length < max) ports.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*');
    else if (ports.length === max) morePorts = true;
    portCount++;
  }
  const addrs: string[] = [];
  let moreAddrs = false;
  let addrCount = 0;
  for (const e of o.endpoints ?? []) {
    for (const a of e.addresses ?? []) {
      if (addrs.length < max) addrs.push(a);
      else if (addrs.length === max) moreAddrs = true;
      addrCount++;
    }
  }
  return [nameOf(o), o.addressType ?? '', listWithMore(ports, morePorts, portCount, max), listWithMore(addrs, moreAddrs, addrCount, max),
    ageOf(o, now)];
});

const leasePrinter = printer<coordination.Lease>([
  NAME, col('Holder', 'Identity of the lease holder.'), AGE,
], (o, now) => [nameOf(o), o.spec?.holderIdentity ?? '', ageOf(o, now)]);

// ---------------------------------------------------------------- storage, rbac, policy, scheduling

const storageClassPrinter = printer<storage.StorageClass>([
  NAME,
  col('Provisioner', 'Volume provisioner.'),
  col('ReclaimPolicy', 'Reclaim policy of provisioned volumes.'),
  col('VolumeBindingMode', 'When volumes are bound and provisioned.'),
  col('AllowVolumeExpansion', 'Whether volumes can be expanded.'),
  AGE,
], (o, now) => {
  const ann = o.metadata?.annotations ?? {};
  const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true'
    || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
  return [isDefault ? `${nameOf(o)} (default)` : nameOf(o), o.provisioner ?? '', o.reclaimPolicy ?? 'Delete',
    o.volumeBindingMode ?? 'Immediate', o.allowVolumeExpansion ?? false, ageOf(o, now)];
});

function subjects(list: rbac.Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of list ?? []) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(what: string): Printer {
  return printer<rbac.RoleBinding>([
    NAME,
    col('Role', 'The role bound.'),
    AGE,
    col('Users', `Users in the ${what}.`, { priority: 1 }),
    col('Groups', `Groups in the ${what}.`, { priority: 1 }),
    col('ServiceAccounts', `Service accounts in the ${what}.`, { priority: 1 }),
  ], (o, now) => [nameOf(o), `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, ageOf(o, now), ...subjects(o.subjects)]);
}

const pdbPrinter = printer<policy.PodDisruptionBudget>([
  NAME,
  col('Min Available', 'Minimum number of pods that must be available.'),
  col('Max Unavailable', 'Maximum number of pods that may be unavailable.'),
  col('Allowed Disruptions', 'Pods that may be disrupted right now.', { type: 'integer' }),
  AGE,
], (o, now) => {
  const min = o.spec?.minAvailable;
  const max = o.spec?.maxUnavailable;
  return [nameOf(o), min === undefined || min === null ? 'N/A' : intOrString(min), max === undefined || max === null ? 'N/A' : intOrString(max),
    num(o.status?.disruptionsAllowed), ageOf(o, now)];
});

const priorityClassPrinter = printer<scheduling.PriorityClass>([
  NAME,
  col('Value', 'Priority value.', { type: 'integer' }),
  col('Global-Default', 'Whether this is the default priority class.', { type: 'boolean' }),
  AGE,
  col('PreemptionPolicy', 'Whether pods of this class may preempt others.'),
], (o, now) => [nameOf(o), num(o.value), o.globalDefault === true, ageOf(o, now), o.preemptionPolicy ?? '']);

// ---------------------------------------------------------------- registry

/** The generic convertor of kube-apiserver (rest.NewDefaultTableConvertor): NAME, CREATED AT. */
export const defaultPrinter: Printer = {
  columns: [NAME, col('Created At', 'Time the object was created.', { type: 'date' })],
  row: (o) => ({ cells: [nameOf(o), createdAt(o.metadata?.creationTimestamp)] }),
};

/** creationTimestamp in UTC RFC 3339 without fractional seconds; Go's zero time when unset. */
function createdAt(ts: unknown): string {
  const t = parseTimestamp(ts);
  if (t === undefined || Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const PRINTERS = new Map<string, Printer>([
  ['/Pod', podPrinter],
  ['/PodTemplate', podTemplatePrinter],
  ['/ReplicationController', replicationControllerPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/Node', nodePrinter],
  ['/Event', eventPrinter],
  ['/Namespace', namespacePrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['autoscaling/HorizontalPodAutoscaler', hpaPrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['networking.k8s.io/NetworkPolicy', networkPolicyPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', bindingPrinter('roleBinding')],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', bindingPrinter('clusterRoleBinding')],
  ['policy/PodDisruptionBudget', pdbPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
]);

/** The printer of a built-in kind, or undefined when kube-apiserver uses the generic NAME / CREATED AT table. */
export function builtinPrinter(group: string, kind: string): Printer | undefined {
  return PRINTERS.get(`${group}/${kind}`);
}
