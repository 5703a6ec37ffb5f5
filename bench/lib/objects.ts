// The objects the scenarios write. Pods name a scheduler nobody runs, so that API and store
// scenarios measure the API alone even when `timonel up` runs a scheduler and a kubelet: an unbound
// pod is never scheduled, never started, and is deleted at once.
import type { Pod, ConfigMap } from 'kubernetes-types/core/v1.js';

export const UNSCHEDULED = 'timonel-bench-unscheduled';

export function podPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${namespace}/pods${name ? `/${name}` : ''}`;
}

export function configMapPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${namespace}/configmaps${name ? `/${name}` : ''}`;
}

/** A stateless one-container pod, about the size of a small Deployment's pod. */
export function benchPod(name: string, opts: { labels?: Record<string, string>; schedulerName?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'timonel-bench', ...opts.labels } },
    spec: {
      schedulerName: opts.schedulerName ?? UNSCHEDULED,
      containers: [{
        name: 'main',
        image: 'registry.k8s.io/pause:3.10',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'MODE', value: 'bench' }],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
      }],
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
