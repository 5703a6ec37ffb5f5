// The namespace controller: a namespace being deleted is emptied of every namespaced object, then
// its `kubernetes` finalizer is removed through /finalize so the API server deletes it.
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import type { KubeClient, ResourceRef } from '../../client/client.js';
import type { Informer } from '../../client/informer.js';
import { R, type InformerFactory } from '../../client/factory.js';
import { WorkQueue } from '../../client/workqueue.js';

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };

export class NamespaceController {
  private informer: Informer;
  private queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 10_000 });

  private readonly client: KubeClient;

  constructor(factory: InformerFactory) {
    this.client = factory.client;
    this.informer = factory.informer(R.namespaces);
  }

  async start(): Promise<void> {
    this.informer.on({
      add: (ns) => { if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name!); },
      update: (ns) => { if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name!); },
    });
    await this.informer.waitForSync();
    this.queue.run(2, (name) => this.reconcile(name), (key, err) => console.error(`namespace controller: ${key}: ${(err as Error).message}`));
  }

  stop(): void {
    this.queue.shutdown();
  }

  private async reconcile(name: string): Promise<void | { requeueAfterMs: number }> {
    const ns = this.informer.get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []);
    if (!finalizers.includes('kubernetes')) return;
    const resources = (await this.client.discover()).filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete') && !(r.group === '' && r.resource === 'events'));
    let remaining = 0;
    for (const r of resources) {
      const list = await this.client.list(r, name);
      for (const item of list.items) {
        remaining++;
        if (item.metadata?.deletionTimestamp) continue;
        await this.client.delete(r, name, item.metadata!.name!, { propagationPolicy: 'Background' }).catch(ignoreNotFound);
      }
    }
    // Events go last, without holding the namespace back.
    const events: ResourceRef = { group: '', version: 'v1', resource: 'events', namespaced: true };
    for (const e of (await this.client.list(events, name)).items) await this.client.delete(events, name, e.metadata!.name!).catch(ignoreNotFound);
    if (remaining > 0) return { requeueAfterMs: 500 };
    const next: KubeObject = { ...ns, spec: { finalizers: finalizers.filter((f) => f !== 'kubernetes') } };
    await this.client.update(NAMESPACES, undefined, name, next, 'finalize').catch(ignoreNotFound);
  }
}

function ignoreNotFound(err: unknown): void {
  if (err instanceof StatusError && err.code === 404) return;
  throw err;
}
