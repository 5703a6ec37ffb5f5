// The control plane of one server: store, API server, controller manager and scheduler (the latter
// two leader-elected), state under the data dir. `timonel up` adds a node agent; `timonel server`
// runs just this.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteStore } from '../storage/sqlite.js';
import type { Store } from '../storage/interface.js';
import { ApiServer } from '../apiserver/server.js';
import { ensurePki, newToken, type Pki } from '../apiserver/pki.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { KubeClient } from '../client/client.js';
import { runLeaderElected, type LeaderElected } from '../client/leaderelection/run.js';
import { ControllerManager } from '../controllers/manager.js';
import { Scheduler } from '../scheduler/index.js';

export interface ControlPlaneOptions {
  dataDir: string;
  port: number;
  host: string;
  /** node lifecycle: how long a silent node stays Ready (Kubernetes: 50 s) */
  nodeMonitorGracePeriodSeconds?: number;
  /** DefaultTolerationSeconds for not-ready / unreachable nodes (Kubernetes: 300 s) */
  defaultTolerationSeconds?: number;
}

export interface ControlPlane {
  url: string;
  dataDir: string;
  pki: Pki;
  adminToken: string;
  /** token node agents use to join (`timonel agent --token-file DATA_DIR/pki/node.token`) */
  nodeToken: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export function readOrCreateToken(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const t = newToken();
  writeFileSync(path, t + '\n', { mode: 0o600 });
  return t;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pkiDir = join(dataDir, 'pki');
  const pki = await ensurePki(pkiDir);
  const adminToken = readOrCreateToken(join(pkiDir, 'admin.token'));
  const nodeToken = readOrCreateToken(join(pkiDir, 'node.token'));
  const store: Store = new SqliteStore({ path: join(dataDir, 'db', 'state.db') });
  await store.start();
  const server = new ApiServer({
    store,
    tls: { certPem: pki.certPem, keyPem: pki.keyPem },
    tokens: [
      { token: adminToken, user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } },
      { token: nodeToken, user: { name: 'system:node-bootstrap', groups: ['system:nodes', 'system:authenticated'] } },
    ],
    host: opts.host,
    port: opts.port,
    // Node agents accept the join token from the API server (their streaming servers check it).
    kubeletClientToken: nodeToken,
    defaultNotReadyTolerationSeconds: opts.defaultTolerationSeconds,
    defaultUnreachableTolerationSeconds: opts.defaultTolerationSeconds,
  });
  await server.start();
  const url = `https://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${server.port}`;
  const client = (agent: string) => new KubeClient({ server: url, token: adminToken, ca: pki.caCertPem, userAgent: agent });
  const cmClient = client('timonel-controller-manager');
  const schedClient = client('timonel-scheduler');
  const elected: LeaderElected[] = [
    runLeaderElected(cmClient, 'kube-controller-manager', () => new ControllerManager(cmClient, {
      caPem: pki.caCertPem,
      nodeLifecycle: opts.nodeMonitorGracePeriodSeconds !== undefined ? { nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodSeconds * 1000 } : undefined,
    })),
    runLeaderElected(schedClient, 'kube-scheduler', () => new Scheduler(schedClient)),
  ];
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const tmp = kubeconfigPath + '.tmp';
  writeFileSync(tmp, kubeconfigYaml({ server: url, caPem: pki.caCertPem, token: adminToken }), { mode: 0o600 });
  renameSync(tmp, kubeconfigPath);
  return {
    url, dataDir, pki, adminToken, nodeToken, kubeconfigPath,
    async stop() {
      for (const e of elected) e.stop();
      cmClient.close();
      schedClient.close();
      await server.stop();
      await store.close();
    },
  };
}

/** Stops `stop` once on SIGTERM/SIGINT, then exits. */
export function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`timonel: ${signal} received, stopping`);
    stop().catch((err) => console.error('timonel: error while stopping:', err)).finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
