// timonel's kube-scheduler: informers on nodes, pods and namespaces feed a SchedulerLoop, whose API
// writes go through the KubeClient — bindings (POST pods/<name>/binding), the PodScheduled condition
// (strategic-merge PATCH of pods/<name>/status) and core/v1 Events from "default-scheduler" (through
// the shared EventRecorder, which folds repeats into one event with a count).
import type { Namespace, Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/object.js';
import { resourcePath, type KubeClient } from '../client/client.js';
import { EventRecorder } from '../client/events.js';
import { InformerFactory, R } from '../client/factory.js';
import { SchedulerLoop, type SchedulerApi, type SchedulerEvent, type SchedulerLoopOptions } from './loop.js';
import { DEFAULT_SCHEDULER_NAME } from './profile.js';

export interface SchedulerOptions extends SchedulerLoopOptions {
  /** Events' source host and reportingInstance (default none). */
  instance?: string;
  /**
   * Informers shared with other components of the process. The caller starts the factory (informers
   * requested after it started start at once); without one the scheduler runs its own.
   */
  informers?: InformerFactory;
}

/** A SchedulerApi over the REST client. */
export function kubeSchedulerApi(client: KubeClient, opts: { component?: string; instance?: string } = {}): SchedulerApi {
  const recorder = new EventRecorder(client, opts.component ?? DEFAULT_SCHEDULER_NAME, opts.instance);
  return {
    async bind(pod: Pod, nodeName: string): Promise<void> {
      const { name = '', namespace = '', uid } = pod.metadata ?? {};
      await client.request('POST', resourcePath(R.pods, namespace, name, 'binding'), {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, ...(uid ? { uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
    },

    async setPodCondition(pod: Pod, condition: PodCondition): Promise<void> {
      const { name = '', namespace = '' } = pod.metadata ?? {};
      await client.patch(R.pods, namespace, name, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
    },

    async recordEvent(pod: Pod, e: SchedulerEvent): Promise<void> {
      // Items of a LIST carry no kind; the event's involvedObject needs it.
      await recorder.event({ ...(pod as KubeObject), apiVersion: 'v1', kind: 'Pod' }, e.type, e.reason, e.message);
    },
  };
}

const asPod = (o: KubeObject): Pod => o as unknown as Pod;
const asNode = (o: KubeObject): Node => o as unknown as Node;
const asNamespace = (o: KubeObject): Namespace => o as unknown as Namespace;

export class Scheduler {
  readonly loop: SchedulerLoop;
  private readonly factory: InformerFactory;
  private readonly ownsFactory: boolean;

  constructor(client: KubeClient, opts: SchedulerOptions = {}) {
    this.loop = new SchedulerLoop(kubeSchedulerApi(client, { instance: opts.instance }), opts);
    this.ownsFactory = !opts.informers;
    this.factory = opts.informers ?? new InformerFactory(client);
    const loop = this.loop;
    this.factory.informer(R.nodes).on({
      add: (n) => loop.onNodeAdd(asNode(n)),
      update: (n, old) => loop.onNodeUpdate(asNode(n), asNode(old)),
      delete: (n) => loop.onNodeDelete(asNode(n)),
    });
    this.factory.informer(R.namespaces).on({
      add: (ns) => loop.onNamespace(asNamespace(ns)),
      update: (ns) => loop.onNamespace(asNamespace(ns)),
      delete: (ns) => loop.onNamespaceDelete(asNamespace(ns)),
    });
    this.factory.informer(R.pods).on({
      add: (p) => loop.onPodAdd(asPod(p)),
      update: (p, old) => loop.onPodUpdate(asPod(p), asPod(old)),
      delete: (p) => loop.onPodDelete(asPod(p)),
    });
  }

  /** Starts watching; resolves once the caches are synced and scheduling has begun. */
  async start(): Promise<void> {
    if (this.ownsFactory) this.factory.start();
    await this.factory.waitForSync();
    this.loop.start();
  }

  stop(): void {
    if (this.ownsFactory) this.factory.stop();
    this.loop.stop();
  }
}
