// For integration tests of the workload controllers: a real API server in-process (in-memory SQLite,
// port 0) with a client and a shared informer factory — and a stand-in for the node agent (there is
// no scheduler or kubelet in these tests: the test itself moves pods through their lifecycle).
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ApiServer } from '../../apiserver/server.js';
import type { KubeClient } from '../../client/client.js';
import { startTestEnv } from '../../testing/apiserver.js';
import { InformerFactory, R } from '../../client/factory.js';
import { rfc3339 } from './controllerutil.js';

export interface TestCluster {
  client: KubeClient;
  factory: InformerFactory;
  server: ApiServer;
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const env = await startTestEnv();
  const client = env.client('controller-test');
  const factory = new InformerFactory(client);
  return {
    client, factory, server: env.server,
    async stop() {
      factory.stop();
      await env.stop();
    },
  };
}

export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * NODE AGENT STAND-IN (tests only): what a kubelet would report for a pod — phase, Ready condition and
 * container states — written through the pods/status subresource.
 */
export async function setPodPhase(client: KubeClient, pod: Pod, phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed', opts: { ready?: boolean; exitCode?: number } = {}): Promise<Pod> {
  const now = rfc3339(Date.now());
  const ready = opts.ready ?? phase === 'Running';
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const terminated = phase === 'Succeeded' || phase === 'Failed';
  const containerStatuses = names.map((name) => ({
    name, image: pod.spec?.containers.find((c) => c.name === name)?.image ?? '', imageID: '', ready, restartCount: 0, started: phase === 'Running',
    state: terminated
      ? { terminated: { exitCode: opts.exitCode ?? (phase === 'Succeeded' ? 0 : 1), reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: now, finishedAt: now } }
      : phase === 'Running' ? { running: { startedAt: now } } : { waiting: { reason: 'ContainerCreating' } },
  }));
  const conditions = [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
    { type: 'Initialized', status: 'True', lastTransitionTime: now },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
    { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
  ];
  return client.patch<Pod>(R.pods, pod.metadata!.namespace, pod.metadata!.name!, 'merge', {
    status: { phase, conditions, containerStatuses, ...(phase !== 'Pending' ? { startTime: now } : {}) },
  }, { subresource: 'status' });
}

/** NODE AGENT STAND-IN: a kubelet finishing a graceful deletion (the API server then removes the pod once finalizers are gone). */
export async function finishDeletion(client: KubeClient, pod: Pod): Promise<void> {
  await client.delete(R.pods, pod.metadata!.namespace, pod.metadata!.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
}

/** SCHEDULER STAND-IN: binds a pod to a node through pods/binding. */
export async function bindPod(client: KubeClient, pod: Pod, node: string): Promise<void> {
  await client.request('POST', `/api/v1/namespaces/${pod.metadata!.namespace}/pods/${pod.metadata!.name}/binding`, {
    apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata!.name, namespace: pod.metadata!.namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node },
  });
}
