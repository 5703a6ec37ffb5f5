// The root CA publisher (Kubernetes' root-ca-cert-publisher): every namespace has a ConfigMap
// `kube-root-ca.crt` whose `ca.crt` is the cluster CA, so pods can verify the API server. Edits to
// it are reverted, and it is recreated when deleted.
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { deepEqual, type KubeObject, type ObjectMeta } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { R, type InformerFactory } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const ROOT_CA_DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. '
  + 'No other usage is guaranteed across distributions of Kubernetes clusters.';

type Obj<T> = T & KubeObject & { metadata: ObjectMeta };

export class RootCACertPublisher {
  private readonly namespaces: Informer<Obj<Namespace>>;
  private readonly configMaps: Informer<Obj<ConfigMap>>;
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });

  constructor(private readonly factory: InformerFactory, private readonly rootCaPem: string, private readonly opts: { workers?: number } = {}) {
    this.namespaces = factory.informer(R.namespaces);
    // Only the one ConfigMap name matters: no need to cache every ConfigMap of the cluster.
    this.configMaps = factory.informer(R.configmaps, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` });
    this.namespaces.on({
      add: (ns) => this.queue.add(ns.metadata.name ?? ''),
      update: (ns) => { if (ns.status?.phase === 'Active') this.queue.add(ns.metadata.name ?? ''); },
    });
    const onCm = (cm: Obj<ConfigMap>) => { if (cm.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(cm.metadata.namespace ?? ''); };
    this.configMaps.on({ update: onCm, delete: onCm });
  }

  async start(): Promise<void> {
    await Promise.all([this.namespaces.waitForSync(), this.configMaps.waitForSync()]);
    this.queue.run(this.opts.workers ?? 2, (ns) => this.reconcile(ns), (key, err) => console.error(`root CA publisher: ${key}: ${(err as Error).message}`));
  }

  stop(): void {
    this.queue.shutdown();
  }

  /** Level-triggered: namespace `ns` has the ConfigMap, with exactly the CA and the description. */
  async reconcile(ns: string): Promise<void> {
    const data = { 'ca.crt': this.rootCaPem };
    const cm = this.configMaps.get(`${ns}/${ROOT_CA_CONFIGMAP}`);
    if (!cm) {
      try {
        await this.factory.client.create(R.configmaps, ns, {
          apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations: { [ROOT_CA_DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } },
          data,
        });
      } catch (err) {
        // Don't retry a create in a namespace that is gone or being deleted.
        if (err instanceof StatusError && (err.code === 404 || (err.code === 403 && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')))) return;
        throw err; // 409: our cache lags; the retry sees it
      }
      return;
    }
    if (deepEqual(cm.data ?? {}, data) && cm.metadata.annotations?.[ROOT_CA_DESCRIPTION_ANNOTATION]) return;
    const next = { ...cm, data, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [ROOT_CA_DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION } } };
    try {
      await this.factory.client.update(R.configmaps, ns, ROOT_CA_CONFIGMAP, next);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return; // deleted meanwhile: its delete event requeues
      throw err;
    }
  }
}
