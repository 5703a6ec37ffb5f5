// Per-kind behaviour of the generic REST handler (after Kubernetes' registry strategies): which
// kinds track generation, how status is split from spec, server-set fields on create, graceful
// deletion, and the fields a field selector may name.
import type { KubeObject } from '../api/object.js';
import type { ResourceInfo } from '../api/registry.js';

export interface Strategy {
  /** metadata.generation starts at 1 and is bumped when anything but metadata/status changes */
  generation: boolean;
  /** the main resource ignores status on write; the status subresource only writes status */
  statusSubresource: boolean;
  /** fields (beyond metadata.name/namespace) a field selector may use, with their values */
  fieldLabels?: (obj: KubeObject) => Record<string, string>;
  /** server-side changes on create (after defaulting, before validation) */
  prepareForCreate?: (obj: KubeObject) => void;
}

const get = (obj: unknown, path: string): unknown => {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
};
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

const podFields = (o: KubeObject) => ({
  'spec.nodeName': str(get(o, 'spec.nodeName')),
  'spec.restartPolicy': str(get(o, 'spec.restartPolicy')),
  'spec.schedulerName': str(get(o, 'spec.schedulerName')),
  'spec.serviceAccountName': str(get(o, 'spec.serviceAccountName')),
  'spec.hostNetwork': str(get(o, 'spec.hostNetwork') ?? false),
  'status.phase': str(get(o, 'status.phase')),
  'status.podIP': str(get(o, 'status.podIP')),
  'status.nominatedNodeName': str(get(o, 'status.nominatedNodeName')),
});

const eventFields = (o: KubeObject) => {
  const io = (o.involvedObject ?? {}) as Record<string, unknown>;
  const src = (o.source ?? {}) as Record<string, unknown>;
  return {
    'involvedObject.kind': str(io.kind), 'involvedObject.namespace': str(io.namespace), 'involvedObject.name': str(io.name),
    'involvedObject.uid': str(io.uid), 'involvedObject.apiVersion': str(io.apiVersion), 'involvedObject.resourceVersion': str(io.resourceVersion),
    'involvedObject.fieldPath': str(io.fieldPath), reason: str(o.reason), reportingComponent: str(o.reportingComponent),
    source: str(src.component), type: str(o.type),
  };
};

function qosClass(pod: KubeObject): string {
  const spec = (pod.spec ?? {}) as { containers?: Array<{ resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }>; initContainers?: Array<{ resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }> };
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let anySet = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (!l || q !== l) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const GENERATION_GROUPS = new Set(['apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'apiextensions.k8s.io']);

export function strategyFor(info: ResourceInfo): Strategy {
  const hasStatus = info.subresources.some((s) => s.name === 'status');
  const base: Strategy = {
    generation: !!info.crd || GENERATION_GROUPS.has(info.group) && !['controllerrevisions', 'ingressclasses'].includes(info.resource),
    statusSubresource: hasStatus,
  };
  switch (`${info.group}/${info.resource}`) {
    case '/pods':
      return {
        ...base,
        fieldLabels: podFields,
        prepareForCreate(pod) {
          const spec = (pod.spec ??= {}) as Record<string, unknown>;
          if (!spec.serviceAccountName) spec.serviceAccountName = (spec.serviceAccount as string | undefined) ?? 'default';
          spec.serviceAccount = spec.serviceAccountName;
          // Priority admission: no priority class means priority 0.
          if (spec.priority === undefined && !spec.priorityClassName) spec.priority = 0;
          const status = { phase: 'Pending', qosClass: qosClass(pod) } as Record<string, unknown>;
          if (spec.nodeName) status.conditions = [];
          pod.status = status;
        },
      };
    case '/events':
      return { ...base, fieldLabels: eventFields };
    case '/secrets':
      return { ...base, fieldLabels: (o) => ({ type: str(o.type) }) };
    case '/nodes':
      return { ...base, fieldLabels: (o) => ({ 'spec.unschedulable': str(get(o, 'spec.unschedulable') ?? false) }) };
    case '/namespaces':
      return {
        ...base,
        fieldLabels: (o) => ({ 'status.phase': str(get(o, 'status.phase')) }),
        prepareForCreate(ns) {
          ns.spec = { finalizers: ['kubernetes'] };
          ns.status = { phase: 'Active' };
        },
      };
    case '/services':
      return { ...base, fieldLabels: (o) => ({ 'spec.clusterIP': str(get(o, 'spec.clusterIP')), 'spec.type': str(get(o, 'spec.type')) }) };
    case 'apps/replicasets':
      return { ...base, fieldLabels: (o) => ({ 'status.replicas': str(get(o, 'status.replicas') ?? 0) }) };
    case 'batch/jobs':
      return {
        ...base,
        fieldLabels: (o) => ({ 'status.successful': str(get(o, 'status.successful') ?? 0) }),
        prepareForCreate(job) {
          // Unless the user manages the selector, a Job selects its pods by its own uid.
          const spec = (job.spec ??= {}) as { manualSelector?: boolean; selector?: unknown; template?: { metadata?: { labels?: Record<string, string> } } };
          if (spec.manualSelector) return;
          const uid = job.metadata!.uid!;
          const name = job.metadata!.name!;
          spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
          const tmd = ((spec.template ??= {}).metadata ??= {});
          tmd.labels = { ...(tmd.labels ?? {}), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
        },
      };
    default:
      return base;
  }
}

/** Field selector values of an object: metadata.name/namespace plus the kind's own. */
export function fieldsOf(strategy: Strategy, obj: KubeObject): Record<string, string> {
  return {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
    ...(strategy.fieldLabels ? strategy.fieldLabels(obj) : {}),
  };
}

export function supportedFieldLabels(strategy: Strategy): string[] {
  return ['metadata.name', 'metadata.namespace', ...(strategy.fieldLabels ? Object.keys(strategy.fieldLabels({})) : [])];
}
