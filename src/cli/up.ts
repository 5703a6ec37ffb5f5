// `timonel up`: a whole single-node cluster in one process, state under --data-dir.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteStore } from '../storage/sqlite.js';
import { ApiServer } from '../apiserver/server.js';
import { ensurePki, newToken } from '../apiserver/pki.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { KubeClient } from '../client/client.js';
import { ControllerManager } from '../controllers/manager.js';

export interface UpOptions {
  dataDir: string;
  port: number;
  host: string;
}

function readOrCreateToken(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const t = newToken();
  writeFileSync(path, t + '\n', { mode: 0o600 });
  return t;
}

export async function up(opts: UpOptions): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pki = await ensurePki(join(dataDir, 'pki'));
  const adminToken = readOrCreateToken(join(dataDir, 'pki', 'admin.token'));
  const store = new SqliteStore({ path: join(dataDir, 'db', 'state.db') });
  await store.start();
  const server = new ApiServer({
    store,
    tls: { certPem: pki.certPem, keyPem: pki.keyPem },
    tokens: [{ token: adminToken, user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } }],
    host: opts.host,
    port: opts.port,
  });
  await server.start();
  const url = `https://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${server.port}`;
  // The controller manager's loops talk to the API server like any other client.
  const client = new KubeClient({ server: url, token: adminToken, ca: pki.caCertPem, userAgent: 'timonel-controller-manager' });
  const controllers = new ControllerManager(client, { caPem: pki.caCertPem });
  await controllers.start();
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const tmp = kubeconfigPath + '.tmp';
  writeFileSync(tmp, kubeconfigYaml({ server: url, caPem: pki.caCertPem, token: adminToken }), { mode: 0o600 });
  renameSync(tmp, kubeconfigPath);
  console.log(`timonel is up: API server at ${url}`);
  console.log(`  export KUBECONFIG=${kubeconfigPath}`);
  console.log(`  kubectl get nodes`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`timonel: ${signal} received, stopping`);
    try {
      controllers.stop();
      client.close();
      await server.stop();
      await store.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
