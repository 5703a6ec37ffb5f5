// Defaulting: what Kubernetes 1.32's registered defaulters (pkg/apis/*/v1/defaults.go plus the
// declarative `+default` markers) set on a decoded object before validation, and the `default`s of a
// custom resource's structural schema. Objects are changed in place (and returned).
import { isPlainObject, deepClone } from '../object.js';
import type { KubeObject } from '../object.js';
import { definitionName, schemaForKind } from '../schema.js';
import type { SchemaNode } from '../schema.js';
import { parseQuantity, roundUpQuantity, formatQuantity } from '../validation/quantity.js';

type Obj = Record<string, unknown>;

function obj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isPlainObject(v)) return v;
  const o: Obj = {};
  parent[key] = o;
  return o;
}
function objIf(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  return isPlainObject(v) ? v : undefined;
}
function arr(parent: Obj | undefined, key: string): Obj[] {
  const v = parent?.[key];
  return Array.isArray(v) ? (v.filter((e) => isPlainObject(e)) as Obj[]) : [];
}
function unset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}
function setIfUnset(o: Obj, key: string, value: unknown): void {
  if (unset(o[key])) o[key] = value;
}

/** Applies Kubernetes' defaults for group/version/kind to `o` (in place); returns `o`. */
export function applyDefaults<T extends KubeObject>(o: T, group: string, version: string, kind: string): T {
  if (!isPlainObject(o)) return o;
  const fn = BUILTIN[`${group}/${kind}`];
  if (fn && definitionName(group, version, kind) !== undefined) {
    fn(o as Obj, version);
    return o;
  }
  const schema = schemaForKind(group, version, kind);
  if (schema && definitionName(group, version, kind) === undefined) applySchemaDefaults(o, schema, true);
  return o;
}

// ---------------------------------------------------------------------------------------------
// core/v1 building blocks

/** The tag of an image reference as parsers.ParseImageName sees it ('' when there is a digest or it does not parse). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : '';
  if (at >= 0 && !/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(digest)) return '';
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  let repo = name;
  let tag = '';
  if (colon > slash) {
    repo = name.slice(0, colon);
    tag = name.slice(colon + 1);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return '';
  }
  // Domain (first component with '.' or ':' or 'localhost') may have upper case; path components may not.
  const parts = repo.split('/');
  const first = parts[0];
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const path = hasDomain ? parts.slice(1) : parts;
  if (hasDomain && !/^[A-Za-z0-9.-]+(:[0-9]+)?$/.test(first)) return '';
  if (path.length === 0 || !path.every((c) => /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$/.test(c))) return '';
  if (tag === '' && at < 0) return 'latest';
  return tag;
}

function defaultResourceList(list: unknown): void {
  if (!isPlainObject(list)) return;
  for (const [k, v] of Object.entries(list)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    try {
      list[k] = formatQuantity(roundUpQuantity(parseQuantity(String(v).trim()), -3));
    } catch {
      // left for validation / decoding to report
    }
  }
}

function defaultHandler(h: Obj | undefined): void {
  if (!h) return;
  const http = objIf(h, 'httpGet');
  if (http) {
    setIfUnset(http, 'path', '/');
    setIfUnset(http, 'scheme', 'HTTP');
  }
  const grpc = objIf(h, 'grpc');
  if (grpc && (grpc.service === undefined || grpc.service === null)) grpc.service = '';
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[k] === undefined || p[k] === null || p[k] === 0) p[k] = v;
  }
  defaultHandler(p);
}

function defaultFieldRef(fr: Obj | undefined): void {
  if (fr) setIfUnset(fr, 'apiVersion', 'v1');
}

export function defaultContainer(c: Obj): void {
  if (unset(c.imagePullPolicy)) {
    c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setIfUnset(c, 'terminationMessagePath', '/dev/termination-log');
  setIfUnset(c, 'terminationMessagePolicy', 'File');
  for (const p of arr(c, 'ports')) setIfUnset(p, 'protocol', 'TCP');
  defaultProbe(objIf(c, 'livenessProbe'));
  defaultProbe(objIf(c, 'readinessProbe'));
  defaultProbe(objIf(c, 'startupProbe'));
  const lc = objIf(c, 'lifecycle');
  if (lc) {
    defaultHandler(objIf(lc, 'postStart'));
    defaultHandler(objIf(lc, 'preStop'));
  }
  for (const e of arr(c, 'env')) defaultFieldRef(objIf(objIf(e, 'valueFrom') ?? {}, 'fieldRef'));
  const res = objIf(c, 'resources');
  if (res) {
    defaultResourceList(res.limits);
    defaultResourceList(res.requests);
  }
}

const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume',
  'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image'];

function defaultDownwardAPIItems(items: Obj[]): void {
  for (const it of items) defaultFieldRef(objIf(it, 'fieldRef'));
}

export function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  const secret = objIf(v, 'secret');
  if (secret) setIfUnset(secret, 'defaultMode', 420);
  const cm = objIf(v, 'configMap');
  if (cm) setIfUnset(cm, 'defaultMode', 420);
  const dapi = objIf(v, 'downwardAPI');
  if (dapi) {
    setIfUnset(dapi, 'defaultMode', 420);
    defaultDownwardAPIItems(arr(dapi, 'items'));
  }
  const proj = objIf(v, 'projected');
  if (proj) {
    setIfUnset(proj, 'defaultMode', 420);
    for (const src of arr(proj, 'sources')) {
      const sat = objIf(src, 'serviceAccountToken');
      if (sat) setIfUnset(sat, 'expirationSeconds', 3600);
      const d = objIf(src, 'downwardAPI');
      if (d) defaultDownwardAPIItems(arr(d, 'items'));
    }
  }
  const hp = objIf(v, 'hostPath');
  if (hp && (hp.type === undefined || hp.type === null)) hp.type = '';
  const iscsi = objIf(v, 'iscsi');
  if (iscsi) setIfUnset(iscsi, 'iscsiInterface', 'default');
  const rbd = objIf(v, 'rbd');
  if (rbd) {
    setIfUnset(rbd, 'pool', 'rbd');
    setIfUnset(rbd, 'user', 'admin');
    setIfUnset(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = objIf(v, 'azureDisk');
  if (azureDisk) {
    setIfUnset(azureDisk, 'cachingMode', 'ReadWrite');
    setIfUnset(azureDisk, 'fsType', 'ext4');
    if (azureDisk.readOnly === undefined) azureDisk.readOnly = false;
    setIfUnset(azureDisk, 'kind', 'Shared');
  }
  const eph = objIf(v, 'ephemeral');
  const vct = eph ? objIf(eph, 'volumeClaimTemplate') : undefined;
  if (vct) defaultPVCSpec(objIf(vct, 'spec'));
  const img = objIf(v, 'image');
  if (img && unset(img.pullPolicy)) img.pullPolicy = imageTag(typeof img.reference === 'string' ? img.reference : '') === 'latest' ? 'Always' : 'IfNotPresent';
}

/** PodSpec defaults; `isPod` adds what only a Pod (not a template) gets. */
export function defaultPodSpec(spec: Obj, isPod: boolean): void {
  setIfUnset(spec, 'dnsPolicy', 'ClusterFirst');
  setIfUnset(spec, 'restartPolicy', 'Always');
  if (!isPlainObject(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) spec.terminationGracePeriodSeconds = 30;
  setIfUnset(spec, 'schedulerName', 'default-scheduler');
  for (const c of [...arr(spec, 'containers'), ...arr(spec, 'initContainers'), ...arr(spec, 'ephemeralContainers')]) defaultContainer(c);
  for (const v of arr(spec, 'volumes')) defaultVolume(v);
  defaultResourceList(spec.overhead);
  if (!isPod) return;
  for (const c of [...arr(spec, 'containers'), ...arr(spec, 'initContainers')]) {
    const res = objIf(c, 'resources');
    const limits = res ? objIf(res, 'limits') : undefined;
    if (!res || !limits) continue;
    const req = obj(res, 'requests');
    for (const [k, v] of Object.entries(limits)) if (!(k in req)) req[k] = v;
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const c of [...arr(spec, 'containers'), ...arr(spec, 'initContainers')]) {
      for (const p of arr(c, 'ports')) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

function defaultTemplate(parent: Obj | undefined): void {
  const t = parent ? objIf(parent, 'template') : undefined;
  const spec = t ? objIf(t, 'spec') : undefined;
  if (spec) defaultPodSpec(spec, false);
}

function defaultPVCSpec(spec: Obj | undefined): void {
  if (!spec) return;
  setIfUnset(spec, 'volumeMode', 'Filesystem');
  const res = objIf(spec, 'resources');
  if (res) {
    defaultResourceList(res.limits);
    defaultResourceList(res.requests);
  }
}

function defaultPVC(o: Obj): void {
  defaultPVCSpec(objIf(o, 'spec'));
  setIfUnset(obj(o, 'status'), 'phase', 'Pending');
}

function defaultService(o: Obj): void {
  const spec = obj(o, 'spec');
  setIfUnset(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = objIf(spec, 'sessionAffinityConfig');
    const cip = cfg ? objIf(cfg, 'clientIP') : undefined;
    if (!cip || cip.timeoutSeconds === undefined || cip.timeoutSeconds === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setIfUnset(spec, 'type', 'ClusterIP');
  for (const p of arr(spec, 'ports')) {
    setIfUnset(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const externallyAccessible = spec.type === 'LoadBalancer' || spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (externallyAccessible) setIfUnset(spec, 'externalTrafficPolicy', 'Cluster');
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec.type as string)) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null) spec.allocateLoadBalancerNodePorts = true;
    const lb = objIf(objIf(o, 'status') ?? {}, 'loadBalancer');
    for (const ing of arr(lb, 'ingress')) if (ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
  }
  // ipFamilyPolicy/ipFamilies/clusterIP(s) are set with the allocation of the cluster IP, not here.
}

/** Secret.stringData is merged into data (base64) on decoding and is never stored. */
function defaultSecret(o: Obj): void {
  setIfUnset(o, 'type', 'Opaque');
  const sd = objIf(o, 'stringData');
  if (sd) {
    const data = obj(o, 'data');
    for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
  }
  delete o.stringData;
}

function defaultNamespace(o: Obj): void {
  const meta = objIf(o, 'metadata');
  const name = meta?.name;
  if (meta && typeof name === 'string' && name.length > 0) obj(meta, 'labels')['kubernetes.io/metadata.name'] = name;
  setIfUnset(obj(o, 'status'), 'phase', 'Active');
  // The namespace strategy (PrepareForCreate) sets the "kubernetes" finalizer.
  const spec = obj(o, 'spec');
  const fin = Array.isArray(spec.finalizers) ? (spec.finalizers as unknown[]) : [];
  if (!fin.includes('kubernetes')) spec.finalizers = [...fin, 'kubernetes'];
}

function defaultLimitRange(o: Obj): void {
  for (const item of arr(objIf(o, 'spec'), 'limits')) {
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) defaultResourceList(item[k]);
    if (item.type !== 'Container') continue;
    const def = obj(item, 'default');
    const defReq = obj(item, 'defaultRequest');
    for (const [k, v] of Object.entries(objIf(item, 'max') ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(objIf(item, 'min') ?? {})) if (!(k in defReq)) defReq[k] = v;
  }
}

// ---------------------------------------------------------------------------------------------
// other groups

function defaultDeployment(o: Obj): void {
  const spec = obj(o, 'spec');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  const strategy = obj(spec, 'strategy');
  setIfUnset(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = obj(strategy, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
}

function defaultReplicaSet(o: Obj): void {
  const spec = obj(o, 'spec');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultTemplate(spec);
}

function defaultStatefulSet(o: Obj): void {
  const spec = obj(o, 'spec');
  setIfUnset(spec, 'podManagementPolicy', 'OrderedReady');
  const us = obj(spec, 'updateStrategy');
  if (unset(us.type)) {
    us.type = 'RollingUpdate';
    if (!isPlainObject(us.rollingUpdate)) us.rollingUpdate = {};
  }
  const ru = objIf(us, 'rollingUpdate');
  if (us.type === 'RollingUpdate' && ru && (ru.partition === undefined || ru.partition === null)) ru.partition = 0;
  const pol = obj(spec, 'persistentVolumeClaimRetentionPolicy');
  setIfUnset(pol, 'whenDeleted', 'Retain');
  setIfUnset(pol, 'whenScaled', 'Retain');
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
  for (const pvc of arr(spec, 'volumeClaimTemplates')) defaultPVC(pvc);
}

function defaultDaemonSet(o: Obj): void {
  const spec = obj(o, 'spec');
  const us = obj(spec, 'updateStrategy');
  setIfUnset(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = obj(us, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
}

function defaultJobSpec(spec: Obj): void {
  const none = (v: unknown) => v === undefined || v === null;
  if (none(spec.completions) && none(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (none(spec.parallelism)) spec.parallelism = 1;
  if (none(spec.backoffLimit)) spec.backoffLimit = none(spec.backoffLimitPerIndex) ? 6 : 2147483647;
  if (none(spec.completionMode)) spec.completionMode = 'NonIndexed';
  if (none(spec.suspend)) spec.suspend = false;
  const pfp = objIf(spec, 'podFailurePolicy');
  for (const rule of arr(pfp, 'rules')) for (const pat of arr(rule, 'onPodConditions')) setIfUnset(pat, 'status', 'True');
  if (none(spec.podReplacementPolicy)) spec.podReplacementPolicy = pfp ? 'Failed' : 'TerminatingOrFailed';
  defaultTemplate(spec);
}

function defaultJob(o: Obj): void {
  const spec = obj(o, 'spec');
  defaultJobSpec(spec);
  const tmeta = objIf(objIf(spec, 'template') ?? {}, 'metadata');
  const labels = tmeta ? objIf(tmeta, 'labels') : undefined;
  const meta = obj(o, 'metadata');
  if (labels && (!isPlainObject(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...labels };
}

function defaultCronJob(o: Obj): void {
  const spec = obj(o, 'spec');
  setIfUnset(spec, 'concurrencyPolicy', 'Allow');
  if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit === undefined || spec.successfulJobsHistoryLimit === null) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit === undefined || spec.failedJobsHistoryLimit === null) spec.failedJobsHistoryLimit = 1;
  const jt = objIf(spec, 'jobTemplate');
  const js = jt ? objIf(jt, 'spec') : undefined;
  if (js) defaultJobSpec(js);
}

function defaultHPA(o: Obj, version: string): void {
  const spec = obj(o, 'spec');
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  if (version !== 'v2') return;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = objIf(spec, 'behavior');
  if (behavior) {
    behavior.scaleUp = scalingRules(objIf(behavior, 'scaleUp'), {
      stabilizationWindowSeconds: 0, selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    behavior.scaleDown = scalingRules(objIf(behavior, 'scaleDown'), { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  }
}

function scalingRules(from: Obj | undefined, to: Obj): Obj {
  if (!from) return to;
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies']) if (from[k] !== undefined && from[k] !== null) to[k] = from[k];
  return to;
}

function defaultNetworkPolicy(o: Obj): void {
  const spec = obj(o, 'spec');
  for (const rule of [...arr(spec, 'ingress'), ...arr(spec, 'egress')]) for (const p of arr(rule, 'ports')) setIfUnset(p, 'protocol', 'TCP');
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function defaultRbacBinding(o: Obj): void {
  const ref = objIf(o, 'roleRef');
  if (ref) setIfUnset(ref, 'apiGroup', 'rbac.authorization.k8s.io');
  for (const s of arr(o, 'subjects')) {
    if (unset(s.apiGroup) && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = 'rbac.authorization.k8s.io';
  }
}

function defaultCRD(o: Obj): void {
  const spec = obj(o, 'spec');
  const names = obj(spec, 'names');
  if (unset(names.singular) && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
  if (unset(names.listKind) && typeof names.kind === 'string' && names.kind) names.listKind = `${names.kind}List`;
  const conv = obj(spec, 'conversion');
  setIfUnset(conv, 'strategy', 'None');
  const svc = objIf(objIf(objIf(conv, 'webhook') ?? {}, 'clientConfig') ?? {}, 'service');
  if (svc && (svc.port === undefined || svc.port === null)) svc.port = 443;
  const status = obj(o, 'status');
  if (!Array.isArray(status.storedVersions) || status.storedVersions.length === 0) {
    const storage = arr(spec, 'versions').find((v) => v.storage === true);
    if (storage) status.storedVersions = [storage.name];
  }
}

const BUILTIN: Record<string, (o: Obj, version: string) => void> = {
  '/Pod': (o) => defaultPodSpec(obj(o, 'spec'), true),
  '/PodTemplate': (o) => defaultTemplate(o),
  '/ReplicationController': (o) => {
    const spec = obj(o, 'spec');
    const labels = objIf(objIf(objIf(spec, 'template') ?? {}, 'metadata') ?? {}, 'labels');
    if (labels) {
      if (!isPlainObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
      const meta = obj(o, 'metadata');
      if (!isPlainObject(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
    }
    if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
    defaultTemplate(spec);
  },
  '/Service': defaultService,
  '/Endpoints': (o) => {
    for (const ss of arr(o, 'subsets')) for (const p of arr(ss, 'ports')) setIfUnset(p, 'protocol', 'TCP');
  },
  '/Secret': defaultSecret,
  '/Namespace': defaultNamespace,
  '/Node': (o) => {
    const status = objIf(o, 'status');
    if (!status) return;
    defaultResourceList(status.capacity);
    defaultResourceList(status.allocatable);
    if (isPlainObject(status.capacity) && (status.allocatable === undefined || status.allocatable === null)) status.allocatable = deepClone(status.capacity);
  },
  '/PersistentVolume': (o) => {
    const spec = obj(o, 'spec');
    setIfUnset(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setIfUnset(spec, 'volumeMode', 'Filesystem');
    defaultResourceList(spec.capacity);
    setIfUnset(obj(o, 'status'), 'phase', 'Pending');
  },
  '/PersistentVolumeClaim': defaultPVC,
  '/LimitRange': defaultLimitRange,
  '/ResourceQuota': (o) => defaultResourceList(objIf(o, 'spec')?.hard),
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/StatefulSet': defaultStatefulSet,
  'apps/DaemonSet': defaultDaemonSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'autoscaling/HorizontalPodAutoscaler': defaultHPA,
  'networking.k8s.io/NetworkPolicy': defaultNetworkPolicy,
  'networking.k8s.io/IngressClass': (o) => {
    const params = objIf(objIf(o, 'spec') ?? {}, 'parameters');
    if (params) setIfUnset(params, 'scope', 'Cluster');
  },
  'discovery.k8s.io/EndpointSlice': (o) => {
    for (const p of arr(o, 'ports')) {
      if (p.name === undefined || p.name === null) p.name = '';
      setIfUnset(p, 'protocol', 'TCP');
    }
  },
  'rbac.authorization.k8s.io/RoleBinding': defaultRbacBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultRbacBinding,
  'scheduling.k8s.io/PriorityClass': (o) => setIfUnset(o, 'preemptionPolicy', 'PreemptLowerPriority'),
  'storage.k8s.io/StorageClass': (o) => {
    setIfUnset(o, 'reclaimPolicy', 'Delete');
    setIfUnset(o, 'volumeBindingMode', 'Immediate');
  },
  'apiextensions.k8s.io/CustomResourceDefinition': defaultCRD,
};

// ---------------------------------------------------------------------------------------------
// custom resources: structural schema defaults

function isNonNullableNull(v: unknown, s: SchemaNode | undefined): boolean {
  return v === null && !!s && s.nullable !== true && s.default !== undefined;
}

/**
 * Applies `default`s of a structural schema (apiextensions structural defaulting): absent fields (and
 * nulls of non-nullable fields) get a copy of their default, then defaulting recurses into the result.
 * `metadata` at the root is left alone.
 */
export function applySchemaDefaults(x: unknown, s: SchemaNode | undefined, isRoot = false): void {
  if (!s || x === undefined) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], s.items)) x[i] = deepClone(s.items!.default);
      applySchemaDefaults(x[i], s.items);
    }
    return;
  }
  if (!isPlainObject(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (isRoot && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
    if (prop.default === undefined) continue;
    if (!(k in x) || isNonNullableNull(x[k], prop)) x[k] = deepClone(prop.default);
  }
  for (const [k, v] of Object.entries(x)) {
    if (isRoot && k === 'metadata') continue;
    const prop = s.properties?.[k];
    if (prop) applySchemaDefaults(v, prop);
    else if (isPlainObject(s.additionalProperties)) {
      const ap = s.additionalProperties as SchemaNode;
      if (isNonNullableNull(v, ap)) x[k] = deepClone(ap.default);
      applySchemaDefaults(x[k], ap);
    }
  }
}
