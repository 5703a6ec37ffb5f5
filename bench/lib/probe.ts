// Loaded into a server child with `node --import <this file>` when the benchmark wants to see the
// server's own event loop: on request over the IPC channel it answers with its event-loop delay
// (monitorEventLoopDelay), event-loop utilization and heap since the last reset. It changes nothing
// in the server, and does nothing at all without an IPC channel.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { loopDelayMs, RESOLUTION_MS } from './loopdelay.js';

export const PROBE_MESSAGE = 'timonel-bench-probe';


export interface ProbeRequest {
  type: typeof PROBE_MESSAGE;
  id: number;
  /** start a new window after answering */
  reset: boolean;
}

export interface ProbeReply {
  type: typeof PROBE_MESSAGE;
  id: number;
  /** window length, ms */
  windowMs: number;
  /** event loop utilization in the window, 0..1 */
  utilization: number;
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  heapUsedBytes: number;
  /** V8's heap limit (past it the process dies with "JavaScript heap out of memory") */
  heapLimitBytes: number;
  rssBytes: number;
}

function isRequest(m: unknown): m is ProbeRequest {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === PROBE_MESSAGE;
}

if (typeof process.send === 'function') {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  let base = performance.eventLoopUtilization();
  let since = performance.now();
  process.on('message', (m: unknown) => {
    if (!isRequest(m)) return;
    const mem = process.memoryUsage();
    const reply: ProbeReply = {
      type: PROBE_MESSAGE, id: m.id, windowMs: performance.now() - since,
      utilization: performance.eventLoopUtilization(base).utilization,
      delayP50Ms: loopDelayMs(h.percentile(50)), delayP99Ms: loopDelayMs(h.percentile(99)), delayMaxMs: loopDelayMs(h.max),
      heapUsedBytes: mem.heapUsed, heapLimitBytes: getHeapStatistics().heap_size_limit, rssBytes: mem.rss,
    };
    process.send!(reply);
    if (m.reset) {
      h.reset();
      base = performance.eventLoopUtilization();
      since = performance.now();
    }
  });
  // The benchmark went away: do not outlive it.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.channel?.unref();
}
