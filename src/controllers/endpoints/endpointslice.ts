// The EndpointSlice controller (Kubernetes' endpointslice-controller): for every Service with a
// selector, discovery.k8s.io/v1 EndpointSlices list the matching pods (ready, serving and
// terminating conditions, node, zone), one set of slices per address family and per distinct port
// mapping, at most 100 endpoints a slice. Slices are owned by their Service (the garbage collector
// removes them with it) and labelled kubernetes.io/service-name and
// endpointslice.kubernetes.io/managed-by. Like Kubernetes' reconciler it changes as few slices as
// it can: endpoints stay in the slice they are in, new ones fill slices that change anyway.
import type { EndpointSlice, Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { Node, Service } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import {
  findPort, isIPv6, isPodReady, isServiceIPSet, podIPs, PodsByNamespace, SelectorIndex, serviceSelector,
  shouldPodBeInEndpoints, shouldSetHostname, type IPFamily, type Obj, type PodObj, type ServiceObj,
} from './util.js';
import { HEADLESS_LABEL } from './endpoints.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

type SliceObj = Obj<EndpointSlice>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A slice being planned: `name` is empty for one still to be created. */
type Draft = Mutable<EndpointSlice> & { endpoints: Endpoint[] };

export interface EndpointSliceControllerOptions {
  workers?: number;
  maxEndpointsPerSlice?: number;
}

class NodeNotFound extends Error {}

export class EndpointSliceController {
  private readonly services: Informer<ServiceObj>;
  private readonly pods: Informer<PodObj>;
  private readonly slices: Informer<SliceObj>;
  private readonly nodes: Informer<Obj<Node>>;
  private readonly podIndex = new PodsByNamespace();
  private readonly selectors = new SelectorIndex();
  /** service key -> our slices (by slice key), and slice key -> service key */
  private readonly slicesBySvc = new Map<string, Map<string, SliceObj>>();
  private readonly sliceOwner = new Map<string, string>();
  /** service key -> slices by name -> resourceVersion we wrote ('' = we deleted it) */
  private readonly written = new Map<string, Map<string, string>>();
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });
  private readonly maxPerSlice: number;

  constructor(private readonly factory: InformerFactory, private readonly opts: EndpointSliceControllerOptions = {}) {
    this.maxPerSlice = opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
    this.services = factory.informer(R.services);
    this.pods = factory.informer(R.pods);
    this.slices = factory.informer(R.endpointslices);
    this.nodes = factory.informer(R.nodes);
    this.services.on({
      add: (s) => { this.selectors.set(s); this.queue.add(svcKey(s)); },
      update: (s) => { this.selectors.set(s); this.queue.add(svcKey(s)); },
      delete: (s) => { this.selectors.delete(s); this.written.delete(svcKey(s)); },
    });
    this.pods.on({
      add: (p) => { this.podIndex.set(p); this.enqueueAll(this.selectors.servicesFor(p)); },
      update: (p, old) => { this.podIndex.set(p); this.enqueueAll(this.selectors.servicesForPodChange(old, p)); },
      delete: (p) => { this.podIndex.delete(p); this.enqueueAll(this.selectors.servicesFor(p)); },
    });
    // Index our slices by Service, and put them right when someone else touches them.
    const onSlice = (s: SliceObj, deleted = false) => {
      const k = keyOf(s);
      const prev = this.sliceOwner.get(k);
      if (prev !== undefined) {
        const m = this.slicesBySvc.get(prev);
        m?.delete(k);
        if (m && !m.size) this.slicesBySvc.delete(prev);
        this.sliceOwner.delete(k);
      }
      const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
      if (!svc || s.metadata.labels?.[LABEL_MANAGED_BY] !== CONTROLLER_NAME) return;
      const sk = `${s.metadata.namespace}/${svc}`;
      if (!deleted) {
        let m = this.slicesBySvc.get(sk);
        if (!m) this.slicesBySvc.set(sk, (m = new Map()));
        m.set(k, s);
        this.sliceOwner.set(k, sk);
      }
      if (prev !== undefined && prev !== sk) this.queue.add(prev);
      this.queue.add(sk);
    };
    this.slices.on({ add: (s) => onSlice(s), update: (s) => onSlice(s), delete: (s) => onSlice(s, true) });
  }

  async start(): Promise<void> {
    await Promise.all([this.services.waitForSync(), this.pods.waitForSync(), this.slices.waitForSync(), this.nodes.waitForSync()]);
    this.queue.run(this.opts.workers ?? 4, (key) => this.reconcile(key), (key, err) => {
      if (err instanceof NodeNotFound || (err instanceof StatusError && err.code === 409)) return; // retried with backoff
      console.error(`endpointslice controller: ${key}: ${(err as Error).message}`);
    });
  }

  stop(): void {
    this.queue.shutdown();
  }

  private enqueueAll(keys: Iterable<string>): void {
    for (const k of keys) this.queue.add(k);
  }

  /** The slices of a Service that we manage, as the cache has them. */
  private managedSlices(key: string): SliceObj[] {
    return [...(this.slicesBySvc.get(key)?.values() ?? [])];
  }

  /** Whether the cache reflects all our writes for this Service (else we would act on stale slices). */
  private cacheCaughtUp(key: string, existing: SliceObj[]): boolean {
    const w = this.written.get(key);
    if (!w) return true;
    const byName = new Map(existing.map((s) => [s.metadata.name ?? '', s]));
    for (const [name, rv] of w) {
      const s = byName.get(name);
      if (rv === '' ? s !== undefined : !s || Number(s.metadata.resourceVersion) < Number(rv)) return false;
    }
    this.written.delete(key);
    return true;
  }

  /** Level-triggered: the slices of Service `key` (namespace/name) hold exactly its endpoints. */
  async reconcile(key: string): Promise<void | { requeueAfterMs: number }> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const svc = this.services.get(key);
    if (!svc || svc.spec?.type === 'ExternalName') return; // slices go with their Service (ownerReferences)
    const selector = serviceSelector(svc);
    if (!selector) return; // selector-less Services get their slices from their users

    const existing = this.managedSlices(key).filter((s) => !s.metadata.deletionTimestamp);
    if (!this.cacheCaughtUp(key, existing)) return { requeueAfterMs: 100 };

    const pods = this.podIndex.selected(ns, selector);
    const families = addressTypes(svc);
    let nodeMissing = false;
    const toCreate: Draft[] = [];
    const toUpdate: Draft[] = [];
    const toDelete: SliceObj[] = [];
    const labels = sliceLabels(svc);

    const owned: SliceObj[] = [];
    for (const s of existing) {
      if (ownedBy(s, svc) && families.includes(s.addressType as IPFamily)) owned.push(s);
      else toDelete.push(s);
    }

    for (const family of families) {
      // Desired endpoints, grouped by the ports they serve.
      const desired = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
      for (const pod of pods) {
        if (!shouldPodBeInEndpoints(pod, true)) continue;
        const node = pod.spec?.nodeName ? this.nodes.get(pod.spec.nodeName) : undefined;
        if (!node && !svc.spec?.publishNotReadyAddresses) {
          // Kubernetes leaves such pods out and retries later (the pod GC removes pods of deleted nodes).
          nodeMissing = true;
          continue;
        }
        const ep = podToEndpoint(pod, node, svc, family);
        if (!ep.addresses.length) continue;
        const ports = endpointPorts(svc, pod);
        const pk = portsKey(ports);
        let d = desired.get(pk);
        if (!d) desired.set(pk, (d = { ports, endpoints: new Map() }));
        d.endpoints.set(endpointKey(ep), ep);
      }
      const mine = owned.filter((s) => s.addressType === family);
      const byPorts = new Map<string, SliceObj[]>();
      for (const s of mine) {
        const pk = portsKey((s.ports ?? []) as EndpointPort[]);
        let list = byPorts.get(pk);
        if (!list) byPorts.set(pk, (list = []));
        list.push(s);
      }
      for (const [pk, d] of desired) this.reconcilePorts(svc, family, d.ports, byPorts.get(pk) ?? [], d.endpoints, labels, toCreate, toUpdate, toDelete);
      // Slices of port mappings no pod has any more go.
      for (const [pk, list] of byPorts) if (!desired.has(pk)) toDelete.push(...list);
    }

    // A Service without endpoints keeps one empty placeholder slice.
    if (existing.length === toDelete.length && toCreate.length === 0) {
      const placeholder = newDraft(svc, 'IPv4', [], labels);
      const keep = toDelete.length === 1 && isPlaceholder(toDelete[0]!, svc, labels);
      if (keep) toDelete.length = 0;
      else toCreate.push(placeholder);
    }
    // Rather than delete one slice and create another, rewrite the one to delete.
    for (let i = 0; i < toDelete.length && toCreate.length;) {
      const victim = toDelete[i]!;
      const draft = toCreate[toCreate.length - 1]!;
      if (victim.addressType === draft.addressType && ownedBy(victim, svc)) {
        toCreate.pop();
        toUpdate.push({ ...draft, metadata: { ...victim.metadata, labels: draft.metadata?.labels, ownerReferences: draft.metadata?.ownerReferences } });
        toDelete.splice(i, 1);
      } else {
        i++;
      }
    }

    await this.apply(key, ns, toCreate, toUpdate, toDelete);
    if (nodeMissing) throw new NodeNotFound(`a pod of ${key} is on a node that does not exist`);
  }

  /** reconcileByPortMapping: one address family and one port mapping. */
  private reconcilePorts(svc: ServiceObj, family: IPFamily, ports: EndpointPort[], slices: SliceObj[], desired: Map<string, Endpoint>,
    labels: Record<string, string>, toCreate: Draft[], toUpdate: Draft[], toDelete: SliceObj[]): void {
    const remaining = new Map(desired);
    const updating: Draft[] = [];
    const unchanged: SliceObj[] = [];
    // 1. Keep endpoints where they are; drop the ones no longer wanted.
    for (const s of slices) {
      const labelsChanged = !deepEqual(s.metadata.labels ?? {}, labels);
      let endpointsChanged = false;
      const kept: Endpoint[] = [];
      for (const ep of s.endpoints ?? []) {
        const k = endpointKey(ep);
        const want = remaining.get(k);
        if (!want) { endpointsChanged = true; continue; }
        remaining.delete(k);
        if (!deepEqual(normalizeEndpoint(ep), want)) endpointsChanged = true;
        kept.push(want);
      }
      if (!endpointsChanged && !labelsChanged) { unchanged.push(s); continue; }
      if (endpointsChanged && !kept.length) { toDelete.push(s); continue; }
      updating.push({ ...s, metadata: { ...s.metadata, labels }, endpoints: kept });
    }
    // 2. Fill the slices that change anyway, fullest first.
    updating.sort((a, b) => b.endpoints.length - a.endpoints.length);
    const rest = [...remaining.values()].sort(cmpEndpoint);
    let next = 0; // rest[next..] are still to place
    for (const d of updating) {
      while (next < rest.length && d.endpoints.length < this.maxPerSlice) d.endpoints.push(rest[next++]!);
      toUpdate.push(d);
    }
    // 3. Then fit what is left into one unchanged slice if possible, else into new slices.
    while (next < rest.length) {
      let draft: Draft | undefined;
      const left = rest.length - next;
      if (left < this.maxPerSlice && unchanged.length) {
        let best = -1;
        let bestDiff = this.maxPerSlice;
        unchanged.forEach((s, i) => {
          const diff = this.maxPerSlice - (left + (s.endpoints?.length ?? 0));
          if (diff >= 0 && diff < bestDiff) { bestDiff = diff; best = i; }
        });
        if (best >= 0) {
          const s = unchanged.splice(best, 1)[0]!;
          draft = { ...s, metadata: { ...s.metadata }, endpoints: [...(s.endpoints ?? [])] };
        }
      }
      const isNew = !draft;
      draft ??= newDraft(svc, family, ports, labels);
      while (next < rest.length && draft.endpoints.length < this.maxPerSlice) draft.endpoints.push(rest[next++]!);
      (isNew ? toCreate : toUpdate).push(draft);
    }
  }

  private async apply(key: string, ns: string, toCreate: Draft[], toUpdate: Draft[], toDelete: SliceObj[]): Promise<void> {
    if (!toCreate.length && !toUpdate.length && !toDelete.length) return;
    const client = this.factory.client;
    let w = this.written.get(key);
    if (!w) this.written.set(key, (w = new Map()));
    const note = (s: SliceObj) => w!.set(s.metadata.name ?? '', s.metadata.resourceVersion ?? '0');
    for (const d of toCreate) {
      try {
        note(await client.create<SliceObj>(R.endpointslices, ns, d));
      } catch (err) {
        if (err instanceof StatusError && err.code === 403 && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
        throw err;
      }
    }
    for (const d of toUpdate) note(await client.update<SliceObj>(R.endpointslices, ns, d.metadata!.name!, d));
    for (const s of toDelete) {
      try {
        await client.delete(R.endpointslices, ns, s.metadata.name ?? '');
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
      w.set(s.metadata.name ?? '', '');
    }
  }
}

function svcKey(s: ServiceObj): string {
  return `${s.metadata.namespace}/${s.metadata.name}`;
}

/** The address families a Service's slices are for. */
export function addressTypes(svc: Service): IPFamily[] {
  const fams = (svc.spec?.ipFamilies ?? []).filter((f): f is IPFamily => f === 'IPv4' || f === 'IPv6');
  if (fams.length) return [...new Set(fams)];
  if (isServiceIPSet(svc)) return [isIPv6(svc.spec!.clusterIP!) ? 'IPv6' : 'IPv4'];
  // A headless Service the API server did not give families: Kubernetes' API server always defaults
  // them (IPv4 on a single-stack cluster), so that is what we assume.
  return ['IPv4'];
}

export function sliceLabels(svc: ServiceObj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
    if (k === LABEL_SERVICE_NAME || k === LABEL_MANAGED_BY || k === HEADLESS_LABEL) continue;
    out[k] = v;
  }
  if (!isServiceIPSet(svc)) out[HEADLESS_LABEL] = '';
  out[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  out[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return out;
}

function ownedBy(s: SliceObj, svc: ServiceObj): boolean {
  return !!s.metadata.ownerReferences?.some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

function newDraft(svc: ServiceObj, family: IPFamily, ports: EndpointPort[], labels: Record<string, string>): Draft {
  // getEndpointSlicePrefix: "<service>-" unless that is too long to be a name prefix.
  const prefix = svc.metadata.name!.length + 1 <= 253 - 5 ? `${svc.metadata.name}-` : svc.metadata.name!;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: prefix,
      namespace: svc.metadata.namespace,
      labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType: family,
    endpoints: [],
    ports,
  };
}

function isPlaceholder(s: SliceObj, svc: ServiceObj, labels: Record<string, string>): boolean {
  return s.addressType === 'IPv4' && !s.endpoints?.length && !s.ports?.length && ownedBy(s, svc) && deepEqual(s.metadata.labels ?? {}, labels);
}

/** getEndpointPorts: the service ports as they resolve on this pod (unresolvable ones left out). */
function endpointPorts(svc: Service, pod: PodObj): EndpointPort[] {
  const out: EndpointPort[] = [];
  const ports = svc.spec?.ports ?? [];
  if (!ports.length && svc.spec?.clusterIP === 'None') return out;
  for (const sp of ports) {
    const num = findPort(pod, sp);
    if (num === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port: num, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

function portsKey(ports: readonly EndpointPort[]): string {
  return JSON.stringify(ports.map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());
}

/** podToEndpoint. */
export function podToEndpoint(pod: PodObj, node: Obj<Node> | undefined, svc: Service, family: IPFamily): Endpoint & { addresses: string[] } {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = !!svc.spec?.publishNotReadyAddresses || (serving && !terminating);
  const ep: Endpoint & { addresses: string[] } = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (family === 'IPv6')),
    conditions: { ready, serving, terminating },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  return ep;
}

/** Endpoints are the same endpoint when addresses, hostname and pod name agree (Kubernetes' hash). */
function endpointKey(ep: Endpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** A stored endpoint in the form podToEndpoint produces, for comparison. */
function normalizeEndpoint(ep: Endpoint): Endpoint {
  const out: Endpoint = { addresses: [...ep.addresses], conditions: { ready: ep.conditions?.ready, serving: ep.conditions?.serving, terminating: ep.conditions?.terminating } };
  if (ep.hostname) out.hostname = ep.hostname;
  if (ep.targetRef) out.targetRef = { kind: ep.targetRef.kind, namespace: ep.targetRef.namespace, name: ep.targetRef.name, uid: ep.targetRef.uid };
  if (ep.nodeName) out.nodeName = ep.nodeName;
  if (ep.zone) out.zone = ep.zone;
  return out;
}

function cmpEndpoint(a: Endpoint, b: Endpoint): number {
  const x = a.targetRef?.name ?? '';
  const y = b.targetRef?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
