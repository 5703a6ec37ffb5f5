// The Endpoints controller (Kubernetes' endpoint-controller): for every Service with a selector, an
// Endpoints object of the same name lists the IPs of the matching pods, ready ones under
// `addresses` and the others under `notReadyAddresses`, grouped into subsets by the ports they
// serve (a named targetPort can resolve to different numbers on different pods). The Endpoints
// object is deleted with its Service.
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { splitKey, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import {
  findPort, isIPv6, isPodReady, isServiceIPSet, podIPs, PodsByNamespace, SelectorIndex, serviceSelector,
  shouldPodBeInEndpoints, shouldSetHostname, type IPFamily, type Obj, type PodObj, type ServiceObj,
} from './util.js';

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
/** Endpoints of leader election (client-go's old lock) have no Service and must be left alone. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
/** Kubernetes truncates an Endpoints object to this many addresses. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

type EndpointsObj = Obj<Endpoints>;

export interface EndpointsControllerOptions {
  workers?: number;
}

export class EndpointsController {
  private readonly services: Informer<ServiceObj>;
  private readonly pods: Informer<PodObj>;
  private readonly endpoints: Informer<EndpointsObj>;
  private readonly podIndex = new PodsByNamespace();
  private readonly selectors = new SelectorIndex();
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });

  constructor(private readonly factory: InformerFactory, private readonly opts: EndpointsControllerOptions = {}) {
    this.services = factory.informer(R.services);
    this.pods = factory.informer(R.pods);
    this.endpoints = factory.informer(R.endpoints);
    this.services.on({
      add: (s) => { this.selectors.set(s); this.queue.add(keyOfObj(s)); },
      update: (s) => { this.selectors.set(s); this.queue.add(keyOfObj(s)); },
      delete: (s) => { this.selectors.delete(s); this.queue.add(keyOfObj(s)); },
    });
    this.pods.on({
      add: (p) => { this.podIndex.set(p); this.enqueueAll(this.selectors.servicesFor(p)); },
      update: (p, old) => { this.podIndex.set(p); this.enqueueAll(this.selectors.servicesForPodChange(old, p)); },
      delete: (p) => { this.podIndex.delete(p); this.enqueueAll(this.selectors.servicesFor(p)); },
    });
    this.endpoints.on({ delete: (e) => this.queue.add(keyOfObj(e)) });
  }

  async start(): Promise<void> {
    await Promise.all([this.services.waitForSync(), this.pods.waitForSync(), this.endpoints.waitForSync()]);
    // Endpoints left behind by Services deleted while we were not running (checkLeftoverEndpoints).
    for (const e of this.endpoints.list()) if (!e.metadata.annotations?.[LEADER_ANNOTATION]) this.queue.add(keyOfObj(e));
    this.queue.run(this.opts.workers ?? 4, (key) => this.reconcile(key), (key, err) => {
      if (err instanceof StatusError && err.code === 409) return; // our cache lagged: the retry sees the newer object
      console.error(`endpoints controller: ${key}: ${(err as Error).message}`);
    });
  }

  stop(): void {
    this.queue.shutdown();
  }

  private enqueueAll(keys: Iterable<string>): void {
    for (const k of keys) this.queue.add(k);
  }

  /** Level-triggered: the Endpoints of Service `key` (namespace/name) list exactly its pods. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const client = this.factory.client;
    const svc = this.services.get(key);
    if (!svc) {
      const cur = this.endpoints.get(key);
      if (cur?.metadata.annotations?.[LEADER_ANNOTATION]) return;
      try {
        await client.delete(R.endpoints, ns, name);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
      return;
    }
    if (svc.spec?.type === 'ExternalName') return;
    const selector = serviceSelector(svc);
    if (!selector) return; // Endpoints of selector-less Services are written by their users

    const subsets = desiredSubsets(svc, this.podIndex.selected(ns, selector));
    const labels = { ...(svc.metadata.labels ?? {}) };
    delete labels[HEADLESS_LABEL];
    if (!isServiceIPSet(svc)) labels[HEADLESS_LABEL] = '';

    const cur = this.endpoints.get(key);
    const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
    const overCapacity = total > MAX_ENDPOINTS_CAPACITY;
    if (cur && deepEqual(normalizeSubsets(cur.subsets), subsets) && deepEqual(cur.metadata.labels ?? {}, labels)
      && !overCapacity && !cur.metadata.annotations?.[OVER_CAPACITY_ANNOTATION]) return;

    const annotations = { ...(cur?.metadata.annotations ?? {}) };
    const finalSubsets = overCapacity ? truncate(subsets) : subsets;
    if (overCapacity) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const metadata = { ...(cur?.metadata ?? { name, namespace: ns }), labels, annotations };
    if (!Object.keys(annotations).length) delete (metadata as { annotations?: unknown }).annotations;
    const next: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata };
    if (finalSubsets.length) next.subsets = finalSubsets;
    try {
      if (cur) await client.update(R.endpoints, ns, name, next);
      else await client.create(R.endpoints, ns, next);
    } catch (err) {
      // The namespace is being deleted: creates keep failing, drop the key.
      if (!cur && err instanceof StatusError && err.code === 403 && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
      throw err;
    }
  }
}

function keyOfObj(o: Obj<object>): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}

function primaryFamily(svc: Service, pod: Pod): IPFamily {
  const fam = svc.spec?.ipFamilies?.[0];
  if (fam === 'IPv4' || fam === 'IPv6') return fam;
  if (isServiceIPSet(svc)) return isIPv6(svc.spec!.clusterIP!) ? 'IPv6' : 'IPv4';
  return pod.status?.podIP && isIPv6(pod.status.podIP) ? 'IPv6' : 'IPv4';
}

function addressFor(svc: Service, pod: PodObj): EndpointAddress | undefined {
  const fam = primaryFamily(svc, pod);
  const ip = podIPs(pod).find((a) => isIPv6(a) === (fam === 'IPv6'));
  if (!ip) return undefined;
  const addr: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return addr;
}

/** The subsets for a Service, repacked and sorted (Kubernetes' RepackSubsets). */
export function desiredSubsets(svc: Service, pods: PodObj[]): EndpointSubset[] {
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  // Each port (a "no ports" sentinel for headless Services without ports) -> the addresses serving it.
  const byPort = new Map<string, { port?: EndpointPort; addrs: Map<string, { addr: EndpointAddress; ready: boolean }> }>();
  const offer = (port: EndpointPort | undefined, addr: EndpointAddress, ready: boolean) => {
    const pk = port ? JSON.stringify([port.name ?? '', port.port, port.protocol ?? '', port.appProtocol ?? '']) : '';
    let e = byPort.get(pk);
    if (!e) byPort.set(pk, (e = { port, addrs: new Map() }));
    const ak = `${addr.ip}/${addr.targetRef?.uid ?? ''}`;
    const prev = e.addrs.get(ak);
    e.addrs.set(ak, { addr, ready: ready || !!prev?.ready });
  };
  const ports = svc.spec?.ports ?? [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = addressFor(svc, pod);
    if (!addr) continue;
    const ready = publishNotReady || isPodReady(pod);
    if (!ports.length) {
      if (svc.spec?.clusterIP === 'None') offer(undefined, addr, ready);
      continue;
    }
    for (const sp of ports) {
      const num = findPort(pod, sp);
      if (num === undefined) continue;
      const ep: EndpointPort = { port: num, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      offer(ep, addr, ready);
    }
  }
  // Group the ports by the exact set of (address, readiness) serving them.
  const bySet = new Map<string, { addrs: Array<{ addr: EndpointAddress; ready: boolean }>; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const list = [...addrs.entries()].sort(([a], [b]) => cmp(a, b));
    const sk = JSON.stringify(list.map(([k, v]) => [k, v.ready]));
    let g = bySet.get(sk);
    if (!g) bySet.set(sk, (g = { addrs: list.map(([, v]) => v), ports: [] }));
    if (port) g.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of bySet.values()) {
    const ready = g.addrs.filter((a) => a.ready).map((a) => a.addr).sort(cmpAddress);
    const notReady = g.addrs.filter((a) => !a.ready).map((a) => a.addr).sort(cmpAddress);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (g.ports.length) s.ports = g.ports.sort(cmpPort);
    subsets.push(s);
  }
  return subsets.sort((a, b) => cmp(subsetSortKey(a), subsetSortKey(b)));
}

/** The stored subsets in the form desiredSubsets produces (no empty lists). */
function normalizeSubsets(subsets: readonly EndpointSubset[] | undefined): EndpointSubset[] {
  return (subsets ?? []).map((s) => {
    const out: EndpointSubset = {};
    if (s.addresses?.length) out.addresses = s.addresses.map(stripRv);
    if (s.notReadyAddresses?.length) out.notReadyAddresses = s.notReadyAddresses.map(stripRv);
    if (s.ports?.length) out.ports = [...s.ports];
    return out;
  });
}

function stripRv(a: EndpointAddress): EndpointAddress {
  if (!a.targetRef?.resourceVersion) return a;
  const { resourceVersion: _rv, ...ref } = a.targetRef;
  return { ...a, targetRef: ref };
}

/** truncateEndpoints: keeps 1000 addresses, ready ones first, spread over subsets by their share. */
function truncate(subsets: EndpointSubset[]): EndpointSubset[] {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  const truncateReady = totalReady > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  return subsets.map((s) => {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    const out = { ...s };
    if (truncateReady) {
      out.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete out.notReadyAddresses;
      canBeAdded -= out.addresses.length;
    } else {
      out.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= out.notReadyAddresses.length;
    }
    return out;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ipKey(ip: string): string {
  // IPv4 addresses sort numerically; anything else as text after them.
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return m ? m.slice(1).map((o) => o.padStart(3, '0')).join('.') : `~${ip}`;
}

function cmpAddress(a: EndpointAddress, b: EndpointAddress): number {
  return cmp(ipKey(a.ip), ipKey(b.ip)) || cmp(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

function cmpPort(a: EndpointPort, b: EndpointPort): number {
  return cmp(a.name ?? '', b.name ?? '') || a.port - b.port || cmp(a.protocol ?? '', b.protocol ?? '');
}

function subsetSortKey(s: EndpointSubset): string {
  const first = s.addresses?.[0] ?? s.notReadyAddresses?.[0];
  return `${first ? ipKey(first.ip) : ''}|${(s.ports ?? []).map((p) => `${p.name ?? ''}:${p.port}`).join(',')}`;
}
