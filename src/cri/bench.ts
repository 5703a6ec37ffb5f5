// Pod startup latency through the `cri` runtime (image present): RunPodSandbox + CreateContainer +
// StartContainer until the container reports RUNNING, for N pods, one at a time and then C at once.
// A measurement, not a test: `node dist/src/cri/bench.js [N] [C]` (root, containerd installed).
import { join } from 'node:path';
import { CriRuntime } from '../kubelet/runtimes/cri.js';
import { criSkipReason, startCriTestEnv } from './testenv.js';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 50);
  const conc = Number(process.argv[3] ?? 10);
  const skip = criSkipReason();
  if (skip) {
    console.log(`skipped: ${skip}`);
    return;
  }
  const env = await startCriTestEnv('bench', '10.244.210.0/24');
  const rt = new CriRuntime({ client: env.node.client, cgroupRoot: env.node.cgroupRoot });
  try {
    await rt.pullImage({ image: env.busybox });
    const startPod = async (i: number): Promise<{ ms: number; sb: string }> => {
      const t0 = performance.now();
      const uid = `bench-${i}`;
      const cfg = {
        metadata: { name: uid, namespace: 'default', uid, attempt: 1 }, hostname: uid, logDirectory: join(env.dir, 'pods', uid),
        labels: {}, annotations: {}, portMappings: [],
      };
      const sb = await rt.runPodSandbox(cfg);
      const c = await rt.createContainer(sb, {
        metadata: { name: 'main', attempt: 0 }, image: { image: env.busybox }, command: ['sleep', '3600'], args: [], envs: [], mounts: [],
        labels: {}, annotations: {}, logPath: 'main/0.log',
      }, cfg);
      await rt.startContainer(c);
      while ((await rt.containerStatus(c))?.state !== 'CONTAINER_RUNNING') await new Promise((r) => setTimeout(r, 5));
      return { ms: performance.now() - t0, sb };
    };
    const report = (label: string, ms: number[]) => {
      const s = [...ms].sort((a, b) => a - b);
      console.log(`${label}: n=${s.length} p50=${percentile(s, 50).toFixed(0)}ms p90=${percentile(s, 90).toFixed(0)}ms p99=${percentile(s, 99).toFixed(0)}ms max=${s[s.length - 1]!.toFixed(0)}ms`);
    };
    const seq: number[] = [];
    const sandboxes: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await startPod(i);
      seq.push(r.ms);
      sandboxes.push(r.sb);
    }
    report('sequential', seq);
    for (const sb of sandboxes.splice(0)) await rt.removePodSandbox(sb);
    const par: number[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: conc }, async () => {
      while (next < n) {
        const i = next++;
        const r = await startPod(n + i);
        par.push(r.ms);
        sandboxes.push(r.sb);
      }
    }));
    report(`${conc} at once`, par);
    for (const sb of sandboxes.splice(0)) await rt.removePodSandbox(sb);
  } finally {
    await env.stop();
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
