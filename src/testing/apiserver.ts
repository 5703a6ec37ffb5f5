// Test support: a real API server in this process (in-memory store, throwaway PKI, port 0) and an
// admin client for it. Used only by tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../storage/sqlite.js';
import { ApiServer } from '../apiserver/server.js';
import { ensurePki, newToken } from '../apiserver/pki.js';
import { KubeClient } from '../client/client.js';
import { kubeconfigYaml } from '../cli/kubeconfig.js';

export interface TestEnv {
  server: ApiServer;
  /** a scratch directory removed by stop(), holding `kubeconfig` for kubectl */
  dir: string;
  kubeconfig: string;
  url: string;
  caPem: string;
  token: string;
  client(userAgent?: string): KubeClient;
  stop(): Promise<void>;
}

export async function startTestEnv(opts: { kubeletClientIsAdmin?: boolean } = {}): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'timonel-ctl-'));
  const pki = await ensurePki(join(dir, 'pki'));
  const token = newToken();
  const store = new SqliteStore({ path: ':memory:' });
  await store.start();
  const server = new ApiServer({
    store,
    tls: { certPem: pki.certPem, keyPem: pki.keyPem },
    tokens: [{ token, user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } }],
    host: '127.0.0.1',
    port: 0,
    // node agents in tests accept the admin token from the API server
    kubeletClientToken: opts.kubeletClientIsAdmin ? token : undefined,
  });
  await server.start();
  const url = `https://127.0.0.1:${server.port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml({ server: url, caPem: pki.caCertPem, token }), { mode: 0o600 });
  const clients: KubeClient[] = [];
  return {
    server, dir, kubeconfig, url, caPem: pki.caCertPem, token,
    client(userAgent = 'test') {
      const c = new KubeClient({ server: url, token, ca: pki.caCertPem, userAgent });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await server.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` until it returns a truthy value (returned), or fails after `ms`. */
export async function until<T>(what: string, cond: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let lastErr: unknown;
  while (Date.now() < end) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
