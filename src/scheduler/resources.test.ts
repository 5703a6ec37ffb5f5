import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from 'kubernetes-types/core/v1.js';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, nodeAllocatable, podNonZeroRequests, podRequests } from './resources.js';
import { makePod } from './testutil.js';

const c = (name: string, requests?: Record<string, string>, restartPolicy?: string): Container => ({ name, image: 'x', resources: requests ? { requests } : undefined, restartPolicy });

test('containers are summed, init containers taken as a max, overhead added', () => {
  // The example of computePodResourceRequest: IC1 2/1G, IC2 2/3G, C1 2/1G, C2 1/1G -> cpu 3, memory 3G.
  const pod = makePod('p', {
    initContainers: [c('ic1', { cpu: '2', memory: '1G' }), c('ic2', { cpu: '2', memory: '3G' })],
    containers: [c('c1', { cpu: '2', memory: '1G' }), c('c2', { cpu: '1', memory: '1G' })],
  });
  const r = podRequests(pod);
  assert.equal(r.milliCPU, 3000);
  assert.equal(r.memory, 3e9);
  const withOverhead = podRequests(makePod('p', { containers: [c('a', { cpu: '100m' })], overhead: { cpu: '250m', memory: '120Mi' } }));
  assert.equal(withOverhead.milliCPU, 350);
  assert.equal(withOverhead.memory, 120 * 1024 * 1024);
});

test('restartable init containers (sidecars) run alongside what follows them', () => {
  const pod = makePod('p', {
    initContainers: [c('side', { cpu: '500m' }, 'Always'), c('init', { cpu: '1' })],
    containers: [c('main', { cpu: '200m' })],
  });
  // Running: main 200m + sidecar 500m = 700m; the init container needs 1 + 500m sidecar = 1500m.
  assert.equal(podRequests(pod).milliCPU, 1500);
  const later = makePod('p', {
    initContainers: [c('init', { cpu: '1' }), c('side', { cpu: '500m' }, 'Always')],
    containers: [c('main', { cpu: '200m' })],
  });
  assert.equal(podRequests(later).milliCPU, 1000);
});

test('quantities are summed exactly before rounding', () => {
  const pod = makePod('p', { containers: [c('a', { cpu: '0.5m' }), c('b', { cpu: '0.5m' })] });
  assert.equal(podRequests(pod).milliCPU, 1);
});

test('extended resources are scalar resources; unknown native names are ignored', () => {
  const pod = makePod('p', { containers: [c('a', { 'example.com/gpu': '2', 'hugepages-2Mi': '4Mi', storage: '1Gi', 'ephemeral-storage': '1Gi' })] });
  const r = podRequests(pod);
  assert.equal(r.scalar?.get('example.com/gpu'), 2);
  assert.equal(r.scalar?.get('hugepages-2Mi'), 4 * 1024 * 1024);
  assert.equal(r.scalar?.has('storage'), false);
  assert.equal(r.ephemeralStorage, 1024 ** 3);
});

test('non-zero requests default missing cpu/memory per container', () => {
  const pod = makePod('p', { containers: [c('a'), c('b', { cpu: '300m' }), c('z', { cpu: '0', memory: '0' })] });
  const nz = podNonZeroRequests(pod);
  assert.equal(nz.milliCPU, DEFAULT_MILLI_CPU_REQUEST + 300 + 0);
  assert.equal(nz.memory, 2 * DEFAULT_MEMORY_REQUEST);
  assert.equal(podRequests(pod).milliCPU, 300);
});

test('node allocatable', () => {
  const a = nodeAllocatable({ cpu: '3910m', memory: '16410268Ki', pods: '110', 'ephemeral-storage': '93986994917', 'example.com/gpu': '1' });
  assert.equal(a.resources.milliCPU, 3910);
  assert.equal(a.resources.memory, 16410268 * 1024);
  assert.equal(a.resources.ephemeralStorage, 93986994917);
  assert.equal(a.resources.scalar?.get('example.com/gpu'), 1);
  assert.equal(a.pods, 110);
  assert.equal(nodeAllocatable(undefined).pods, 0);
});
