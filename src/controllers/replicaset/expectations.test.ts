import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations } from './expectations.js';
import { slowStartBatch } from './slowstart.js';

test('creations must be observed before the key is satisfied again', () => {
  let now = 0;
  const e = new Expectations(() => now, 1000);
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectCreations('ns/rs', 2);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);
});

test('deletions are counted once per expected pod', () => {
  const e = new Expectations();
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a'); // seen again as the final delete: not counted twice
  e.deletionObserved('ns/rs', 'ns/other');
  assert.equal(e.satisfied('ns/rs'), false);
  assert.deepEqual(e.pending('ns/rs'), { add: 0, del: 1 });
  e.deletionObserved('ns/rs', 'ns/b');
  assert.equal(e.satisfied('ns/rs'), true);
});

test('expectations expire after the TTL and can be deleted', () => {
  let now = 0;
  const e = new Expectations(() => now, 1000);
  e.expectCreations('k', 3);
  now = 1000;
  assert.equal(e.satisfied('k'), false);
  now = 1001;
  assert.equal(e.satisfied('k'), true);
  e.expectCreations('k', 1);
  e.delete('k');
  assert.equal(e.satisfied('k'), true);
  assert.equal(e.pending('k'), undefined);
});

test('slow start: batches of 1, 2, 4, ... and a failing batch stops the rest', async () => {
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => { calls++; });
  assert.deepEqual(ok, { successes: 10 });
  assert.equal(calls, 10);

  // count the size of each batch by watching concurrency
  const sizes: number[] = [];
  let current = 0;
  let pending = 0;
  await slowStartBatch(10, 1, async () => {
    pending++;
    current++;
    await new Promise((r) => setImmediate(r));
    pending--;
    if (pending === 0) { sizes.push(current); current = 0; }
  });
  assert.deepEqual(sizes, [1, 2, 4, 3]);

  let n = 0;
  const failing = await slowStartBatch(10, 1, async () => {
    n++;
    if (n === 3) throw new Error('quota exceeded');
  });
  // batch 1 (1 call) ok, batch 2 (2 calls) has the failure: 2 successes, 7 never attempted
  assert.equal(n, 3);
  assert.equal(failing.successes, 2);
  assert.equal((failing.error as Error).message, 'quota exceeded');
});
