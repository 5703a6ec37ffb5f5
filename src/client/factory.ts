// One shared informer per resource (and selector) for all controllers of a process, as client-go's
// SharedInformerFactory: each resource is listed and watched once, however many controllers read it.
import type { KubeObject } from '../api/object.js';
import type { KubeClient, ResourceRef } from './client.js';
import { Informer } from './informer.js';

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export class InformerFactory {
  private informers = new Map<string, Informer>();
  private started = false;

  constructor(readonly client: KubeClient) {}

  /** The shared informer for a resource; created on first request, started with the factory. */
  informer<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: InformerOptions = {}): Informer<T> {
    const key = `${ref.group}/${ref.version}/${ref.resource}?${opts.namespace ?? ''}&${opts.labelSelector ?? ''}&${opts.fieldSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, ref, opts);
      this.informers.set(key, inf);
      if (this.started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer requested so far (and later ones on request); calling it again is harmless. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const i of this.informers.values()) i.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
  }
}

/** Well-known resources, for controllers. */
export const R = {
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false },
  namespaces: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  services: { group: '', version: 'v1', resource: 'services', namespaced: true },
  endpoints: { group: '', version: 'v1', resource: 'endpoints', namespaced: true },
  events: { group: '', version: 'v1', resource: 'events', namespaced: true },
  configmaps: { group: '', version: 'v1', resource: 'configmaps', namespaced: true },
  secrets: { group: '', version: 'v1', resource: 'secrets', namespaced: true },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  controllerrevisions: { group: 'apps', version: 'v1', resource: 'controllerrevisions', namespaced: true },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true },
  hpas: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespaced: true },
} as const satisfies Record<string, ResourceRef>;
