// Slow-start batching (Kubernetes' slowStartBatch): call `fn` `count` times in batches of 1, 2, 4,
// ... run concurrently within a batch; after a batch with a failure the remaining calls are skipped,
// so a namespace out of quota does not receive hundreds of doomed creates.

export interface SlowStartResult {
  successes: number;
  /** the first error of the failed batch, if any */
  error?: unknown;
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length) return { successes, error: failed[0].reason };
    remaining -= batch;
  }
  return { successes };
}
