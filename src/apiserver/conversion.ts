// Conversion between served versions of one resource. Objects are stored in the resource's storage
// version; a request through another version sees (and writes) them converted. Only the built-in
// resource served in two versions (autoscaling HorizontalPodAutoscaler v1/v2) needs field mapping;
// custom resources use the `None` strategy (only apiVersion changes).
import { apiVersionOf, deepClone, type KubeObject } from '../api/object.js';
import type { ResourceInfo } from '../api/registry.js';

type Obj = Record<string, unknown>;

export function convertToVersion(obj: KubeObject, info: ResourceInfo): KubeObject {
  const target = apiVersionOf(info.group, info.version);
  if (obj.apiVersion === target) return obj;
  if (info.group === 'autoscaling' && info.resource === 'horizontalpodautoscalers') {
    return info.version === 'v1' ? hpaV2toV1(obj) : hpaV1toV2(obj);
  }
  return { ...obj, apiVersion: target };
}

const CPU_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';

function hpaV2toV1(obj: KubeObject): KubeObject {
  if (obj.apiVersion === 'autoscaling/v1') return obj;
  const o = deepClone(obj) as Obj & KubeObject;
  const spec = (o.spec ?? {}) as Obj;
  const status = (o.status ?? {}) as Obj;
  const metrics = (spec.metrics ?? []) as Obj[];
  const cpu = metrics.find((m) => m.type === 'Resource' && (m.resource as Obj | undefined)?.name === 'cpu');
  const target = (cpu?.resource as Obj | undefined)?.target as Obj | undefined;
  const v1spec: Obj = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas };
  if (target?.averageUtilization !== undefined) v1spec.targetCPUUtilizationPercentage = target.averageUtilization;
  const current = ((status.currentMetrics ?? []) as Obj[]).find((m) => m.type === 'Resource' && (m.resource as Obj | undefined)?.name === 'cpu');
  const v1status: Obj = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
  if (status.observedGeneration !== undefined) v1status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime !== undefined) v1status.lastScaleTime = status.lastScaleTime;
  const cur = ((current?.resource as Obj | undefined)?.current as Obj | undefined)?.averageUtilization;
  if (cur !== undefined) v1status.currentCPUUtilizationPercentage = cur;
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: o.kind, metadata: o.metadata, spec: prune(v1spec) };
  if (o.status !== undefined) out.status = prune(v1status);
  void CPU_ANNOTATION;
  return out;
}

function hpaV1toV2(obj: KubeObject): KubeObject {
  if (obj.apiVersion === 'autoscaling/v2') return obj;
  const o = deepClone(obj) as Obj & KubeObject;
  const spec = (o.spec ?? {}) as Obj;
  const status = (o.status ?? {}) as Obj;
  const v2spec: Obj = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas };
  if (spec.targetCPUUtilizationPercentage !== undefined) {
    v2spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }];
  }
  const v2status: Obj = { currentReplicas: status.currentReplicas, desiredReplicas: status.desiredReplicas, observedGeneration: status.observedGeneration, lastScaleTime: status.lastScaleTime };
  if (status.currentCPUUtilizationPercentage !== undefined) {
    v2status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: o.kind, metadata: o.metadata, spec: prune(v2spec) };
  if (o.status !== undefined) out.status = prune(v2status);
  return out;
}

function prune(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
