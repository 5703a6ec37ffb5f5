// Semantic validation of an object before it is stored (create, or update when `old` is given), as
// the API server's registry strategies run it, returning Kubernetes' field errors as StatusCauses.
// errors.invalid(kind, group, name, causes) turns them into the 422.
import type { StatusCause } from '../errors.js';
import type { KubeObject } from '../object.js';
import type { ResourceInfo } from '../registry.js';
import { schemaForKind } from '../schema.js';
import { fe, child } from './fielderr.js';
import { nameIsDNSSubdomain, nameIsDNSLabel, nameIsDNS1035Label, nameIsPathSegment, type NameFn } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, asObj, asStr, type Obj } from './meta.js';
import * as k from './kinds.js';
import * as w from './workloads.js';
import { validateCRD, validateAgainstSchema } from './crd.js';

type KindValidator = (o: Obj, old?: Obj) => StatusCause[];

const VALIDATORS: Record<string, KindValidator> = {
  '/Pod': k.validatePod,
  '/PodTemplate': k.validatePodTemplate,
  '/ReplicationController': k.validateReplicationController,
  '/Service': k.validateService,
  '/Endpoints': k.validateEndpoints,
  '/ConfigMap': k.validateConfigMap,
  '/Secret': k.validateSecret,
  '/Namespace': k.validateNamespace,
  '/Node': k.validateNode,
  '/Event': k.validateEvent,
  '/PersistentVolume': k.validatePersistentVolume,
  '/PersistentVolumeClaim': k.validatePersistentVolumeClaim,
  'apps/Deployment': w.validateDeployment,
  'apps/ReplicaSet': w.validateReplicaSet,
  'apps/StatefulSet': w.validateStatefulSet,
  'apps/DaemonSet': w.validateDaemonSet,
  'apps/ControllerRevision': w.validateControllerRevision,
  'batch/Job': w.validateJob,
  'batch/CronJob': w.validateCronJob,
  'autoscaling/HorizontalPodAutoscaler': k.validateHPA,
  'networking.k8s.io/Ingress': k.validateIngress,
  'networking.k8s.io/IngressClass': k.validateIngressClass,
  'networking.k8s.io/NetworkPolicy': k.validateNetworkPolicy,
  'discovery.k8s.io/EndpointSlice': k.validateEndpointSlice,
  'coordination.k8s.io/Lease': k.validateLease,
  'storage.k8s.io/StorageClass': k.validateStorageClass,
  'rbac.authorization.k8s.io/Role': (o) => k.validateRbacRules(o, true),
  'rbac.authorization.k8s.io/ClusterRole': (o) => k.validateRbacRules(o, false),
  'rbac.authorization.k8s.io/RoleBinding': (o, old) => k.validateRbacBinding(o, false, old),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o, old) => k.validateRbacBinding(o, true, old),
  'policy/PodDisruptionBudget': k.validatePodDisruptionBudget,
  'scheduling.k8s.io/PriorityClass': k.validatePriorityClass,
  'apiextensions.k8s.io/CustomResourceDefinition': validateCRD,
};

/** The name rule of a kind (ValidateNameFunc). */
export function nameRuleFor(group: string, kind: string): NameFn {
  if (group === '' && kind === 'Namespace') return nameIsDNSLabel;
  if (group === '' && kind === 'Service') return nameIsDNS1035Label;
  if (group === 'rbac.authorization.k8s.io') return nameIsPathSegment;
  return nameIsDNSSubdomain;
}

/**
 * Validates `obj` for the resource `info`; with `old`, as an update of `old`. Returns the causes
 * (empty when valid), in Kubernetes' order: metadata first, then the kind's own rules.
 */
export function validateObject(obj: KubeObject, info: Pick<ResourceInfo, 'group' | 'version' | 'kind' | 'namespaced'> & { crd?: unknown }, old?: KubeObject): StatusCause[] {
  const o = obj as Obj;
  const custom = info.crd !== undefined && info.crd !== null;
  const out: StatusCause[] = [];
  const isEvent = info.group === '' && info.kind === 'Event';
  if (old) {
    out.push(...validateObjectMetaUpdate(o.metadata, (old as Obj).metadata, 'metadata', !custom));
  } else if (isEvent) {
    if (!asStr(asObj(o.metadata).name)) out.push(fe.required(child('metadata', 'name'), 'name or generateName is required'));
  } else {
    out.push(...validateObjectMeta(o.metadata, info.namespaced, nameRuleFor(info.group, info.kind), 'metadata', !custom));
  }
  if (custom) {
    const schema = schemaForKind(info.group, info.version, info.kind);
    if (schema) {
      const body: Obj = { ...o };
      delete body.metadata;
      delete body.apiVersion;
      delete body.kind;
      const rootSchema = { ...schema, required: (schema.required ?? []).filter((r) => r !== 'metadata' && r !== 'apiVersion' && r !== 'kind') };
      out.push(...validateAgainstSchema(body, rootSchema, ''));
    }
    return out;
  }
  const v = VALIDATORS[`${info.group}/${info.kind}`];
  if (v) out.push(...v(o, old as Obj | undefined));
  return out;
}

export { fe } from './fielderr.js';
