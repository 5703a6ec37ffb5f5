// The direct half of the store scenario, run in a child process of its own (as the API server is):
// N clients write straight into a Store, create -> update -> delete of pod-sized values, for a
// fixed time. The parent sends one StoreJob over IPC and gets one StoreJobResult back.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closedLoop } from '../lib/loadgen.js';
import type { Summary } from '../lib/histogram.js';
import type { Store } from '../../src/storage/interface.js';
import { SqliteStore } from '../../src/storage/sqlite.js';

export interface StoreJob {
  backend: string;
  dataDir: string;
  clients: number;
  durationMs: number;
  warmupMs: number;
  /** value written by create */
  value: string;
  /** value written by update (same size) */
  updated: string;
}

export type StoreJobResult =
  | { ok: true; elapsedMs: number; verbs: Record<string, Summary>; cpuMs: number; wallMs: number; rssBytes: number }
  | { ok: false; error: string };

/** Opens the store a backend name stands for, as `timonel up` would open it. */
export async function openStore(backend: string, dataDir: string): Promise<Store> {
  switch (backend) {
    case 'sqlite': {
      // The same file layout and options as `timonel up` (src/cli/up.ts).
      const s = new SqliteStore({ path: join(dataDir, 'db', 'state.db') });
      await s.start();
      return s;
    }
    // case 'etcd': the etcd backend goes here once src/storage has one (endpoints from the job).
    default:
      throw new Error(`no store backend "${backend}" in this build`);
  }
}

export async function runStoreJob(job: StoreJob): Promise<StoreJobResult> {
  const store = await openStore(job.backend, job.dataDir);
  try {
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    const res = await closedLoop({ concurrency: job.clients, durationMs: job.durationMs, warmupMs: job.warmupMs }, async ({ worker, iteration, rec }) => {
      const key = `/registry/core/pods/bench-store/s${worker}-${iteration}`;
      const rev = await rec.time('create', () => store.create(key, job.value));
      const u = await rec.time('update', () => store.update(key, job.updated, rev));
      if (!u.succeeded) throw new Error(`update ${key} at ${rev} did not succeed (no one else writes this key)`);
      const d = await rec.time('delete', () => store.delete(key, u.revision));
      if (!d.succeeded) throw new Error(`delete ${key} at ${u.revision} did not succeed`);
    });
    const cpu = process.cpuUsage(cpu0);
    const verbs: Record<string, Summary> = {};
    for (const [name, h] of res.recorder.histograms) verbs[name] = h.summary();
    return { ok: true, elapsedMs: res.elapsedMs, verbs, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - w0, rssBytes: process.memoryUsage().rss };
  } finally {
    await store.close();
  }
}

// Run as a child: one job in, one result out.
if (typeof process.send === 'function' && process.argv.includes('--store-job')) {
  process.once('message', (job: StoreJob) => {
    runStoreJob(job)
      .then((r) => process.send!(r))
      .catch((err: unknown) => process.send!({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies StoreJobResult))
      .finally(() => process.disconnect());
  });
}
