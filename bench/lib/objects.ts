// The objects the scenarios write. Pods name a scheduler nobody runs, so that API and store
// scenarios measure the API alone even when `timonel up` runs a scheduler and a kubelet: an unbound
// pod is never scheduled, never started, and is deleted at once.
import type { Pod, ConfigMap, Node } from 'kubernetes-types/core/v1.js';

export const UNSCHEDULED = 'timonel-bench-unscheduled';

export function podPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${namespace}/pods${name ? `/${name}` : ''}`;
}

export function configMapPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${namespace}/configmaps${name ? `/${name}` : ''}`;
}

export interface BenchPodOptions {
  labels?: Record<string, string>;
  /** default: a scheduler nobody runs (the pod stays unbound); DEFAULT_SCHEDULER to have it scheduled */
  schedulerName?: string;
  /** the container's image (default registry.k8s.io/pause:3.10) */
  image?: string;
  /** the container's command (the process runtime runs it on the host) */
  command?: string[];
  /** resource requests (default cpu 10m, memory 16Mi) and limits (default memory 32Mi) */
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  /** spec.terminationGracePeriodSeconds (Kubernetes' default: 30) */
  terminationGracePeriodSeconds?: number;
}

export const DEFAULT_SCHEDULER = 'default-scheduler';

/** A stateless one-container pod, about the size of a small Deployment's pod. */
export function benchPod(name: string, opts: BenchPodOptions = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'timonel-bench', ...opts.labels } },
    spec: {
      schedulerName: opts.schedulerName ?? UNSCHEDULED,
      ...(opts.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: opts.terminationGracePeriodSeconds } : {}),
      containers: [{
        name: 'main',
        image: opts.image ?? 'registry.k8s.io/pause:3.10',
        ...(opts.command ? { command: opts.command } : {}),
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'MODE', value: 'bench' }],
        resources: { requests: opts.requests ?? { cpu: '10m', memory: '16Mi' }, limits: opts.limits ?? { memory: '32Mi' } },
      }],
    },
  };
}

/**
 * A Node object with no kubelet behind it, Ready, as scheduler_perf's node template
 * (capacity pods 110, cpu 4, memory 32Gi): the scheduler sees it, nothing runs its pods.
 */
export function benchNode(name: string, labels: Record<string, string> = {}): Node {
  const capacity = { pods: '110', cpu: '4', memory: '32Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } },
    spec: {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'no kubelet: a benchmark node' }],
      phase: 'Running',
    },
  };
}

export function benchConfigMap(name: string, labels: Record<string, string> = {}): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'timonel-bench', ...labels } },
    data: {
      'app.properties': 'mode=bench\nthreads=4\ntimeout=30s\n',
      'feature-flags': 'alpha=false,beta=true,gamma=false',
      note: 'x'.repeat(200),
    },
  };
}

export function namespaceBody(name: string): { apiVersion: 'v1'; kind: 'Namespace'; metadata: { name: string } } {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
