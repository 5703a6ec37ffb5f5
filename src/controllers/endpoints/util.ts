// What the Endpoints and EndpointSlice controllers share (after k8s.io/endpointslice's util): which
// pods back a Service, their readiness, the port a service port resolves to on a pod, and indexes
// from pods to the Services selecting them.
import type { Container, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject, ObjectMeta } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import { keyOf } from '../../client/informer.js';

export type Obj<T> = T & KubeObject & { metadata: ObjectMeta };
export type PodObj = Obj<Pod>;
export type ServiceObj = Obj<Service>;

export type IPFamily = 'IPv4' | 'IPv6';

export function isPodReady(pod: Pod): boolean {
  return !!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Failed' || phase === 'Succeeded';
}

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** A pod's hostname is published when its subdomain names the Service (same namespace). */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && svc.metadata?.namespace === pod.metadata?.namespace;
}

export function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** The pod's IPs (status.podIPs, or status.podIP when the list is missing). */
export function podIPs(pod: Pod): string[] {
  const list = pod.status?.podIPs?.map((p) => p.ip).filter((ip): ip is string => !!ip) ?? [];
  if (list.length) return list;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** A Service without a ClusterIP (headless) or with `None`. */
export function isServiceIPSet(svc: Service): boolean {
  return !!svc.spec?.clusterIP && svc.spec.clusterIP !== 'None';
}

/**
 * The Service's selector, or undefined when it has none. An empty map counts as none: it is what
 * the Go API types make of `selector: {}` (omitempty).
 */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length ? sel : undefined;
}

export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up among the ports (same
 * protocol) of the pod's containers, then of its sidecars (init containers with restartPolicy
 * Always). Undefined when the pod has no such port.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const proto = sp.protocol ?? 'TCP';
  const match = (containers: readonly Container[]) => {
    for (const c of containers) for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === proto) return p.containerPort;
    return undefined;
  };
  const inMain = match(pod.spec?.containers ?? []);
  if (inMain !== undefined) return inMain;
  return match((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'));
}

/** Pods by namespace, kept in step with a pod informer's events. */
export class PodsByNamespace {
  private byNs = new Map<string, Map<string, PodObj>>();

  set(pod: PodObj): void {
    const ns = pod.metadata.namespace ?? '';
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    m.set(keyOf(pod), pod);
  }

  delete(pod: PodObj): void {
    const ns = pod.metadata.namespace ?? '';
    const m = this.byNs.get(ns);
    m?.delete(keyOf(pod));
    if (m && !m.size) this.byNs.delete(ns);
  }

  selected(namespace: string, selector: Record<string, string>): PodObj[] {
    const out: PodObj[] = [];
    for (const p of this.byNs.get(namespace)?.values() ?? []) if (selects(selector, p.metadata.labels)) out.push(p);
    return out;
  }
}

/** Services with a selector, by namespace: which Services select a pod. */
export class SelectorIndex {
  private byNs = new Map<string, Map<string, Record<string, string>>>();

  set(svc: ServiceObj): void {
    const ns = svc.metadata.namespace ?? '';
    const sel = serviceSelector(svc);
    let m = this.byNs.get(ns);
    if (!sel) { m?.delete(keyOf(svc)); return; }
    if (!m) this.byNs.set(ns, (m = new Map()));
    m.set(keyOf(svc), sel);
  }

  delete(svc: ServiceObj): void {
    this.byNs.get(svc.metadata.namespace ?? '')?.delete(keyOf(svc));
  }

  servicesFor(pod: PodObj, into: Set<string> = new Set()): Set<string> {
    for (const [key, sel] of this.byNs.get(pod.metadata.namespace ?? '') ?? []) if (selects(sel, pod.metadata.labels)) into.add(key);
    return into;
  }

  /**
   * GetServicesToUpdateOnPodChange: the Services to resync after a pod update, or none when nothing
   * an endpoint is made of changed.
   */
  servicesForPodChange(old: PodObj, cur: PodObj): Set<string> {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return new Set();
    const labelsChanged = !deepEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {})
      || old.spec?.hostname !== cur.spec?.hostname || old.spec?.subdomain !== cur.spec?.subdomain;
    const podChanged = old.metadata.deletionTimestamp !== cur.metadata.deletionTimestamp
      || isPodReady(old) !== isPodReady(cur)
      || isPodTerminal(old) !== isPodTerminal(cur)
      || old.spec?.nodeName !== cur.spec?.nodeName
      || !deepEqual(podIPs(old), podIPs(cur));
    if (!podChanged && !labelsChanged) return new Set();
    const out = this.servicesFor(cur);
    if (labelsChanged) this.servicesFor(old, out);
    return out;
  }
}
