import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import {
  wantActive, isComplete, parseIntervals, formatIntervals, intervalsTotal, intervalsHas, withIndexes,
  firstPendingIndexes, indexedPodsToRemove, pastBackoffLimitOnFailure, pastActiveDeadline, podCreationBackoffMs,
  isPodFailed, indexedGenerateName, COMPLETION_INDEX_KEY,
} from './logic.js';
import { timeLeftMs } from './ttl.js';

const job = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): Job => ({ metadata: { name: 'j', uid: 'u' }, spec: { template: {}, ...spec }, status } as Job);
const pod = (over: { phase?: string; index?: number; deleted?: boolean; finishedAt?: string; created?: string; restarts?: number; ready?: boolean }): Pod => ({
  metadata: {
    name: `p${Math.random()}`, uid: String(Math.random()), creationTimestamp: over.created ?? '2024-01-01T00:00:00Z',
    ...(over.index !== undefined ? { annotations: { [COMPLETION_INDEX_KEY]: String(over.index) } } : {}),
    ...(over.deleted ? { deletionTimestamp: '2024-01-01T00:00:05Z' } : {}),
  },
  status: {
    phase: over.phase ?? 'Running',
    conditions: over.ready ? [{ type: 'Ready', status: 'True' }] : [],
    containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: !!over.ready, restartCount: over.restarts ?? 0, state: over.finishedAt ? { terminated: { exitCode: 1, finishedAt: over.finishedAt } } : {} }],
  },
} as Pod);

test('wantActive: bounded by parallelism and remaining completions', () => {
  assert.equal(wantActive(job({ completions: 3, parallelism: 2 }), 0, 0), 2);
  assert.equal(wantActive(job({ completions: 3, parallelism: 2 }), 2, 2), 1);
  assert.equal(wantActive(job({ completions: 3, parallelism: 2 }), 0, 3), 0);
  assert.equal(wantActive(job({ completions: 3, parallelism: 2 }), 0, 5), 0);
  // work queue style (no completions): parallelism until one succeeds, then keep what runs
  assert.equal(wantActive(job({ parallelism: 4 }), 1, 0), 4);
  assert.equal(wantActive(job({ parallelism: 4 }), 3, 1), 3);
});

test('isComplete', () => {
  assert.equal(isComplete(job({ completions: 3 }), 3, 0), true);
  assert.equal(isComplete(job({ completions: 3 }), 3, 1), false);
  assert.equal(isComplete(job({ completions: 3 }), 2, 0), false);
  assert.equal(isComplete(job({}), 1, 0), true);
  assert.equal(isComplete(job({}), 0, 0), false);
});

test('completed index intervals', () => {
  const iv = parseIntervals('0,2-4,6,7', 10);
  assert.deepEqual(iv, [[0, 0], [2, 4], [6, 7]]);
  assert.equal(formatIntervals(iv), '0,2-4,6-7');
  assert.equal(intervalsTotal(iv), 6);
  assert.equal(intervalsHas(iv, 3), true);
  assert.equal(intervalsHas(iv, 5), false);
  assert.equal(formatIntervals(withIndexes(iv, [1, 5, 9])), '0-7,9');
  assert.deepEqual(parseIntervals('1-20', 5), [[1, 4]], 'clipped at completions');
  assert.equal(formatIntervals(parseIntervals('', 3)), '');
});

test('firstPendingIndexes skips succeeded and busy indexes', () => {
  assert.deepEqual(firstPendingIndexes([[0, 1], [4, 4]], new Set([2]), 3, 7), [3, 5, 6]);
  assert.deepEqual(firstPendingIndexes([], new Set(), 2, 1), [0]);
  assert.deepEqual(firstPendingIndexes([[0, 4]], new Set(), 2, 5), []);
});

test('indexedPodsToRemove: invalid, out of range and duplicated indexes', () => {
  const a = pod({ index: 0, ready: true });
  const b = pod({ index: 0 });
  const c = pod({ index: 9 });
  const d = pod({});
  const e = pod({ index: 1 });
  const rm = indexedPodsToRemove([a, b, c, d, e], 3);
  assert.deepEqual(new Set(rm), new Set([b, c, d]));
});

test('isPodFailed: failed phase; deleted pods count unless only failed pods are replaced', () => {
  assert.equal(isPodFailed(pod({ phase: 'Failed' }), job({})), true);
  assert.equal(isPodFailed(pod({ deleted: true }), job({})), true);
  assert.equal(isPodFailed(pod({ deleted: true }), job({ podReplacementPolicy: 'Failed' })), false);
  assert.equal(isPodFailed(pod({ phase: 'Succeeded', deleted: true }), job({})), false);
});

test('pastBackoffLimitOnFailure counts container restarts of live pods', () => {
  const j = job({ backoffLimit: 3, template: { spec: { restartPolicy: 'OnFailure', containers: [] } } });
  assert.equal(pastBackoffLimitOnFailure(j, [pod({ restarts: 2 })]), false);
  assert.equal(pastBackoffLimitOnFailure(j, [pod({ restarts: 2 }), pod({ restarts: 1 })]), true);
  assert.equal(pastBackoffLimitOnFailure(job({ backoffLimit: 3, template: { spec: { restartPolicy: 'Never', containers: [] } } }), [pod({ restarts: 9 })]), false);
});

test('pastActiveDeadline', () => {
  const j = job({ activeDeadlineSeconds: 10 }, { startTime: '2024-01-01T00:00:00Z' });
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(pastActiveDeadline(j, t0 + 9_999), false);
  assert.equal(pastActiveDeadline(j, t0 + 10_000), true);
  assert.equal(pastActiveDeadline(job({ activeDeadlineSeconds: 10, suspend: true }, { startTime: '2024-01-01T00:00:00Z' }), t0 + 20_000), false);
});

test('pod failure backoff: base * 2^(n-1) from the last failure, reset by a later success', () => {
  const t0 = Date.parse('2024-01-01T00:01:00Z');
  const opts = { baseMs: 10_000, maxMs: 360_000 };
  const f1 = pod({ phase: 'Failed', finishedAt: '2024-01-01T00:01:00Z' });
  assert.equal(podCreationBackoffMs(job({}), [f1], t0 + 4_000, opts), 6_000);
  const f2 = pod({ phase: 'Failed', finishedAt: '2024-01-01T00:00:50Z' });
  assert.equal(podCreationBackoffMs(job({}), [f1, f2], t0, opts), 20_000);
  assert.equal(podCreationBackoffMs(job({}), [f1, f2], t0 + 25_000, opts), 0);
  const s = pod({ phase: 'Succeeded', finishedAt: '2024-01-01T00:00:55Z' });
  assert.equal(podCreationBackoffMs(job({}), [f1, f2, s], t0, opts), 10_000, 'only the failure after the success counts');
  const many = Array.from({ length: 12 }, () => pod({ phase: 'Failed', finishedAt: '2024-01-01T00:01:00Z' }));
  assert.equal(podCreationBackoffMs(job({}), many, t0, opts), 360_000, 'capped');
});

test('indexed generateName fits the 58 characters the API server keeps', () => {
  assert.equal(indexedGenerateName('job', 3), 'job-3-');
  const g = indexedGenerateName('x'.repeat(70), 12);
  assert.equal(g.length, 58);
  assert.ok(g.endsWith('-12-'));
});

test('TTL: time left after the finish condition', () => {
  const j = job({ ttlSecondsAfterFinished: 30 }, { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] });
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(timeLeftMs(j, t0 + 10_000), 20_000);
  assert.ok(timeLeftMs(j, t0 + 31_000)! < 0);
  assert.equal(timeLeftMs(job({ ttlSecondsAfterFinished: 30 }), t0), undefined, 'not finished');
  assert.equal(timeLeftMs(job({}, { conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] }), t0), undefined, 'no TTL');
});
