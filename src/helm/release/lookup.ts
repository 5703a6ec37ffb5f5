// Template `lookup` against the live cluster (Helm's engine.NewLookupFunction). Rendering is
// synchronous, so the requests run on a worker thread and the renderer blocks (Atomics.wait) until
// the worker posts the answer. Answers are in the template value model: integers become int64
// (bigint) as in Go's unstructured objects; a missing object (or kind) is an empty map.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ClientConfig } from '../../client/client.js';
import type { LookupReply, LookupRequest } from './lookupworker.js';

export type LookupFn = (apiVersion: string, kind: string, namespace: string, name: string) => unknown;

/** JSON numbers as the Go value model has them: integers int64, others float64. */
export function toGoValues(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toGoValues);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toGoValues(x);
    return out;
  }
  return v;
}

export class SyncLookup {
  private readonly worker: Worker;
  private readonly port;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));

  constructor(config: ClientConfig, private readonly timeoutMs = 60_000) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./lookupworker.js', import.meta.url), {
      workerData: { config, port: port2, signal: this.signal.buffer },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** One lookup; blocks the calling thread until the answer arrives. */
  lookup(apiVersion: string, kind: string, namespace: string, name: string): Record<string, unknown> {
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ apiVersion, kind, namespace, name } satisfies LookupRequest);
    const r = Atomics.wait(this.signal, 0, 0, this.timeoutMs);
    const msg = receiveMessageOnPort(this.port);
    if (!msg) throw new Error(r === 'timed-out' ? 'lookup: timed out waiting for the API server' : 'lookup: no answer');
    const reply = msg.message as LookupReply;
    if (!reply.ok) throw new Error(reply.error);
    return toGoValues(JSON.parse(reply.json)) as Record<string, unknown>;
  }

  get fn(): LookupFn {
    return (a, k, ns, n) => this.lookup(a, k, ns, n);
  }

  close(): Promise<number> {
    this.port.close();
    return this.worker.terminate();
  }
}
