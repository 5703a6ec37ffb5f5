// The resources the API server serves: one entry per group/version/resource, with what discovery,
// the REST handlers and the printers need to know about it. CRDs add entries at run time.
import { apiVersionOf } from './object.js';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';
export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceInfo {
  /** 'status', 'scale', 'binding', 'log', 'exec', 'portforward', 'eviction', 'finalize', 'token' ... */
  name: string;
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  /** plural lower-case name used in URLs: 'deployments' */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** The version objects are stored in; other served versions of the resource are converted. */
  storageVersion: string;
  /** Served but not written through this entry's version (e.g. autoscaling/v1 beside v2). */
  preferred: boolean;
  /** Set for resources defined by a CustomResourceDefinition. */
  crd?: { name: string; additionalPrinterColumns?: PrinterColumn[]; preserveUnknownFields?: boolean };
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

interface Def {
  r: string;
  k: string;
  ns?: boolean;
  short?: string[];
  cat?: string[];
  sub?: Array<string | [string, string, string, string[]]>;
  verbs?: string[];
}

const STATUS_VERBS = ['get', 'patch', 'update'];

function build(group: string, version: string, defs: Def[], storageVersion = version, preferred = true): ResourceInfo[] {
  return defs.map((d) => {
    const subresources: SubresourceInfo[] = (d.sub ?? []).map((s) => {
      if (typeof s === 'string') {
        if (s === 'scale') return { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: STATUS_VERBS };
        return { name: s, group, version, kind: d.k, verbs: STATUS_VERBS };
      }
      const [name, g, k, verbs] = s;
      return { name, group: g, version: g === '' || g === group ? version : 'v1', kind: k, verbs };
    });
    return {
      group, version, resource: d.r, singular: d.k.toLowerCase(), kind: d.k, listKind: `${d.k}List`,
      namespaced: d.ns !== false, shortNames: d.short ?? [], categories: d.cat ?? [], verbs: d.verbs ?? ALL_VERBS,
      subresources, storageVersion, preferred,
    };
  });
}

const POD_SUBS: Def['sub'] = [
  'status',
  ['binding', '', 'Binding', ['create']],
  ['eviction', 'policy', 'Eviction', ['create']],
  ['log', '', 'Pod', ['get']],
  ['exec', '', 'PodExecOptions', ['create', 'get']],
  ['attach', '', 'PodAttachOptions', ['create', 'get']],
  ['portforward', '', 'PodPortForwardOptions', ['create', 'get']],
  ['proxy', '', 'PodProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
  'ephemeralcontainers',
];

export const BUILTIN_RESOURCES: ResourceInfo[] = [
  ...build('', 'v1', [
    { r: 'namespaces', k: 'Namespace', ns: false, short: ['ns'], sub: ['status', ['finalize', '', 'Namespace', ['update']]], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
    { r: 'pods', k: 'Pod', short: ['po'], cat: ['all'], sub: POD_SUBS },
    { r: 'services', k: 'Service', short: ['svc'], cat: ['all'], sub: ['status', ['proxy', '', 'ServiceProxyOptions', ['create', 'delete', 'get', 'patch', 'update']]] },
    { r: 'endpoints', k: 'Endpoints', short: ['ep'] },
    { r: 'configmaps', k: 'ConfigMap', short: ['cm'] },
    { r: 'secrets', k: 'Secret' },
    { r: 'nodes', k: 'Node', ns: false, short: ['no'], sub: ['status', ['proxy', '', 'NodeProxyOptions', ['create', 'delete', 'get', 'patch', 'update']]] },
    { r: 'events', k: 'Event', short: ['ev'] },
    { r: 'serviceaccounts', k: 'ServiceAccount', short: ['sa'], sub: [['token', 'authentication.k8s.io', 'TokenRequest', ['create']]] },
    { r: 'persistentvolumes', k: 'PersistentVolume', ns: false, short: ['pv'], sub: ['status'] },
    { r: 'persistentvolumeclaims', k: 'PersistentVolumeClaim', short: ['pvc'], sub: ['status'] },
    { r: 'replicationcontrollers', k: 'ReplicationController', short: ['rc'], cat: ['all'], sub: ['status', 'scale'] },
    { r: 'podtemplates', k: 'PodTemplate' },
    { r: 'limitranges', k: 'LimitRange', short: ['limits'] },
    { r: 'resourcequotas', k: 'ResourceQuota', short: ['quota'], sub: ['status'] },
  ]),
  ...build('apps', 'v1', [
    { r: 'deployments', k: 'Deployment', short: ['deploy'], cat: ['all'], sub: ['status', 'scale'] },
    { r: 'replicasets', k: 'ReplicaSet', short: ['rs'], cat: ['all'], sub: ['status', 'scale'] },
    { r: 'statefulsets', k: 'StatefulSet', short: ['sts'], cat: ['all'], sub: ['status', 'scale'] },
    { r: 'daemonsets', k: 'DaemonSet', short: ['ds'], cat: ['all'], sub: ['status'] },
    { r: 'controllerrevisions', k: 'ControllerRevision' },
  ]),
  ...build('batch', 'v1', [
    { r: 'jobs', k: 'Job', cat: ['all'], sub: ['status'] },
    { r: 'cronjobs', k: 'CronJob', short: ['cj'], cat: ['all'], sub: ['status'] },
  ]),
  ...build('autoscaling', 'v2', [{ r: 'horizontalpodautoscalers', k: 'HorizontalPodAutoscaler', short: ['hpa'], cat: ['all'], sub: ['status'] }]),
  ...build('autoscaling', 'v1', [{ r: 'horizontalpodautoscalers', k: 'HorizontalPodAutoscaler', short: ['hpa'], cat: ['all'], sub: ['status'] }], 'v2', false),
  ...build('networking.k8s.io', 'v1', [
    { r: 'ingresses', k: 'Ingress', short: ['ing'], sub: ['status'] },
    { r: 'ingressclasses', k: 'IngressClass', ns: false },
    { r: 'networkpolicies', k: 'NetworkPolicy', short: ['netpol'] },
  ]),
  ...build('discovery.k8s.io', 'v1', [{ r: 'endpointslices', k: 'EndpointSlice' }]),
  ...build('coordination.k8s.io', 'v1', [{ r: 'leases', k: 'Lease' }]),
  ...build('storage.k8s.io', 'v1', [{ r: 'storageclasses', k: 'StorageClass', ns: false, short: ['sc'] }]),
  ...build('rbac.authorization.k8s.io', 'v1', [
    { r: 'roles', k: 'Role' },
    { r: 'rolebindings', k: 'RoleBinding' },
    { r: 'clusterroles', k: 'ClusterRole', ns: false },
    { r: 'clusterrolebindings', k: 'ClusterRoleBinding', ns: false },
  ]),
  ...build('policy', 'v1', [{ r: 'poddisruptionbudgets', k: 'PodDisruptionBudget', short: ['pdb'], sub: ['status'] }]),
  ...build('scheduling.k8s.io', 'v1', [{ r: 'priorityclasses', k: 'PriorityClass', ns: false, short: ['pc'] }]),
  ...build('apiextensions.k8s.io', 'v1', [{ r: 'customresourcedefinitions', k: 'CustomResourceDefinition', ns: false, short: ['crd', 'crds'], sub: ['status'] }]),
];

/** Well-known group order for discovery (Kubernetes lists groups by priority). */
export const GROUP_ORDER = ['', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch',
  'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io',
  'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io'];

/** A mutable set of served resources: the built-ins plus CRD-defined ones. */
export class ResourceRegistry {
  private byGVR = new Map<string, ResourceInfo>();
  private listeners = new Set<() => void>();

  constructor(resources: ResourceInfo[] = BUILTIN_RESOURCES) {
    for (const r of resources) this.byGVR.set(key(r.group, r.version, r.resource), r);
  }

  all(): ResourceInfo[] {
    return [...this.byGVR.values()];
  }

  get(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byGVR.get(key(group, version, resource));
  }

  /** Finds the resource serving a kind in a group/version (for apiVersion+kind in bodies). */
  byKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    for (const r of this.byGVR.values()) if (r.group === group && r.version === version && r.kind === kind) return r;
    return undefined;
  }

  /** Served group/versions, preferred version first within a group. */
  groupVersions(): Array<{ group: string; versions: string[]; preferred: string }> {
    const groups = new Map<string, { versions: Set<string>; preferred?: string }>();
    for (const r of this.byGVR.values()) {
      let g = groups.get(r.group);
      if (!g) groups.set(r.group, (g = { versions: new Set() }));
      g.versions.add(r.version);
      if (r.preferred && !g.preferred) g.preferred = r.version;
    }
    const order = (g: string) => { const i = GROUP_ORDER.indexOf(g); return i < 0 ? GROUP_ORDER.length : i; };
    return [...groups.entries()]
      .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
      .map(([group, g]) => {
        const preferred = g.preferred ?? [...g.versions][0];
        const versions = [preferred, ...[...g.versions].filter((v) => v !== preferred).sort(compareVersions)];
        return { group, versions, preferred };
      });
  }

  add(r: ResourceInfo): void {
    this.byGVR.set(key(r.group, r.version, r.resource), r);
    this.changed();
  }

  remove(group: string, version: string, resource: string): void {
    if (this.byGVR.delete(key(group, version, resource))) this.changed();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}

function key(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** Kubernetes version priority: v1 > v1beta2 > v1beta1 > v1alpha1; GA first, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v] as const;
    const stage = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0), v] as const;
  };
  const pa = parse(a), pb = parse(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  return a.localeCompare(b);
}

export function gvOf(r: { group: string; version: string }): string {
  return apiVersionOf(r.group, r.version);
}
