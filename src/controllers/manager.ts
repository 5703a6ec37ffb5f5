// The controller manager: every controller of the cluster on one shared informer factory, running
// only while this process holds the `kube-controller-manager` lease (so several servers may run it
// and exactly one acts).
import type { KubeClient } from '../client/client.js';
import { InformerFactory } from '../client/factory.js';
import { GarbageCollector } from './garbagecollector/index.js';
import { NamespaceController } from './namespace/index.js';
import { ReplicaSetController } from './replicaset/index.js';
import { DeploymentController } from './deployment/index.js';
import { JobController, TTLAfterFinishedController } from './job/index.js';
import { StatefulSetController } from './statefulset/index.js';
import { DaemonSetController } from './daemonset/index.js';
import { CronJobController } from './cronjob/index.js';
import { ServiceAccountController } from './serviceaccount/index.js';
import { RootCACertPublisher } from './serviceaccount/rootca.js';
import { EndpointsController } from './endpoints/endpoints.js';
import { EndpointSliceController } from './endpoints/endpointslice.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/index.js';

export interface Controller {
  start(): Promise<void>;
  stop(): void;
}

export interface ControllerManagerOptions {
  /** cluster CA (published in every namespace as kube-root-ca.crt) */
  caPem: string;
  /** node lifecycle timings (Kubernetes' defaults otherwise) */
  nodeLifecycle?: NodeLifecycleOptions;
  /** extra controllers */
  extra?: (factory: InformerFactory) => Controller[];
}

/** Every controller on one shared informer factory. Run it under `runLeaderElected` for HA. */
export class ControllerManager {
  private factory: InformerFactory | undefined;
  private controllers: Controller[] = [];

  constructor(private readonly client: KubeClient, private readonly opts: ControllerManagerOptions) {}

  async start(): Promise<void> {
    const factory = (this.factory = new InformerFactory(this.client));
    this.controllers = [
      new GarbageCollector(factory),
      new NamespaceController(factory),
      new ReplicaSetController(factory),
      new DeploymentController(factory),
      new JobController(factory),
      new TTLAfterFinishedController(factory),
      new StatefulSetController(factory),
      new DaemonSetController(factory),
      new CronJobController(factory),
      new ServiceAccountController(factory),
      new RootCACertPublisher(factory, this.opts.caPem),
      new EndpointsController(factory),
      new EndpointSliceController(factory),
      new NodeLifecycleController(factory, this.opts.nodeLifecycle),
      ...(this.opts.extra?.(factory) ?? []),
    ];
    factory.start();
    await Promise.all(this.controllers.map((c) => c.start()));
  }

  stop(): void {
    for (const c of this.controllers) c.stop();
    this.controllers = [];
    this.factory?.stop();
    this.factory = undefined;
  }
}
