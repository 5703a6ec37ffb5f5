// Runs a component only while this process holds its lease in kube-system (as kube-scheduler and
// kube-controller-manager do), so several servers can run it and exactly one acts.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KubeClient } from '../client.js';
import { LeaderElector } from './index.js';

export interface Component {
  start(): Promise<void>;
  stop(): void;
}

export interface LeaderElected {
  stop(): void;
}

export function runLeaderElected(client: KubeClient, lease: string, make: () => Component, opts: { identity?: string; onError?: (err: unknown) => void } = {}): LeaderElected {
  let current: Component | undefined;
  const elector = new LeaderElector(client, {
    namespace: 'kube-system',
    name: lease,
    identity: opts.identity ?? `${hostname()}_${randomUUID()}`,
    onStartedLeading: () => {
      current = make();
      current.start().catch((err) => (opts.onError ?? ((e) => console.error(`${lease}: failed to start:`, e)))(err));
    },
    onStoppedLeading: () => {
      current?.stop();
      current = undefined;
    },
  });
  void elector.run();
  return {
    stop() {
      elector.stop();
      current?.stop();
      current = undefined;
    },
  };
}
