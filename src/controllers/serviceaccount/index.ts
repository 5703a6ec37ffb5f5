// The service account controller (Kubernetes' serviceaccounts-controller): every active namespace
// has a `default` ServiceAccount, created when missing and recreated when deleted. The root CA
// publisher (Kubernetes' root-ca-cert-publisher) lives beside it in rootca.ts.
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/errors.js';
import type { KubeObject, ObjectMeta } from '../../api/object.js';
import { R, type InformerFactory } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';

export { RootCACertPublisher, ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION_ANNOTATION, ROOT_CA_DESCRIPTION } from './rootca.js';

export interface ServiceAccountControllerOptions {
  /** the service accounts every namespace gets (Kubernetes: just `default`) */
  serviceAccounts?: string[];
  workers?: number;
}

type Obj<T> = T & KubeObject & { metadata: ObjectMeta };

export class ServiceAccountController {
  private readonly namespaces: Informer<Obj<Namespace>>;
  private readonly serviceAccounts: Informer<Obj<ServiceAccount>>;
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });
  private readonly names: string[];

  constructor(private readonly factory: InformerFactory, private readonly opts: ServiceAccountControllerOptions = {}) {
    this.names = opts.serviceAccounts ?? ['default'];
    this.namespaces = factory.informer(R.namespaces);
    this.serviceAccounts = factory.informer(R.serviceaccounts);
    this.namespaces.on({
      add: (ns) => this.queue.add(ns.metadata.name ?? ''),
      update: (ns) => this.queue.add(ns.metadata.name ?? ''),
    });
    this.serviceAccounts.on({
      delete: (sa) => { if (this.names.includes(sa.metadata.name ?? '')) this.queue.add(sa.metadata.namespace ?? ''); },
    });
  }

  /** Waits for the informers (start the factory too), then reconciles. */
  async start(): Promise<void> {
    await Promise.all([this.namespaces.waitForSync(), this.serviceAccounts.waitForSync()]);
    this.queue.run(this.opts.workers ?? 2, (ns) => this.reconcile(ns), (key, err) => console.error(`serviceaccount controller: ${key}: ${(err as Error).message}`));
  }

  stop(): void {
    this.queue.shutdown();
  }

  /** Level-triggered: makes sure namespace `name` has its service accounts. */
  async reconcile(name: string): Promise<void> {
    const ns = this.namespaces.get(name);
    if (!ns || ns.status?.phase !== 'Active') return;
    for (const sa of this.names) {
      if (this.serviceAccounts.get(`${name}/${sa}`)) continue;
      try {
        await this.factory.client.create(R.serviceaccounts, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: name } });
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        // Already there (our cache lags), the namespace is gone, or it is being deleted: nothing to do.
        if (err.code === 409 || err.code === 404 || isNamespaceTerminating(err)) continue;
        throw err;
      }
    }
  }
}

export function isNamespaceTerminating(err: StatusError): boolean {
  return err.code === 403 && !!err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
}
