import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageReferenceError, imageTag } from './imageref.js';

test('valid references', () => {
  for (const ok of [
    'busybox', 'busybox:1.36', 'library/busybox', 'docker.io/library/busybox:latest', '127.0.0.1:5000/busybox:1.36',
    'localhost/app', 'registry.k8s.io/pause:3.10', 'timonel.local/busybox:1.36', 'a/b/c-d__e.f:v1.2_3',
    `busybox@sha256:${'a'.repeat(64)}`, `quay.io/x/y:1@sha256:${'0'.repeat(64)}`, 'Registry.Example.COM:443/app',
  ]) assert.equal(imageReferenceError(ok), undefined, ok);
});

test('invalid references, with Go\'s messages', () => {
  assert.equal(imageReferenceError('UPPER/Case:bad'), 'invalid reference format: repository name must be lowercase');
  assert.equal(imageReferenceError('busybox:'), 'invalid reference format');
  assert.equal(imageReferenceError('busy box'), 'invalid reference format');
  assert.equal(imageReferenceError('a//b'), 'invalid reference format');
  assert.equal(imageReferenceError('busybox:-x'), 'invalid reference format');
  assert.equal(imageReferenceError('a'.repeat(64)), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`);
  assert.match(imageReferenceError(`x/${'a'.repeat(260)}`) ?? '', /not be more than 255 characters/);
});

test('no catastrophic backtracking on long near-misses', () => {
  const t0 = Date.now();
  imageReferenceError(`${'a-'.repeat(400)}!`);
  imageReferenceError(`${'a.'.repeat(400)}/!`);
  imageReferenceError(`${'a'.repeat(1000)}!`);
  assert.ok(Date.now() - t0 < 200, `took ${Date.now() - t0} ms`);
});

test('tags: latest by default, none with a digest', () => {
  assert.equal(imageTag('busybox'), 'latest');
  assert.equal(imageTag('127.0.0.1:5000/busybox'), 'latest');
  assert.equal(imageTag('127.0.0.1:5000/busybox:1.36'), '1.36');
  assert.equal(imageTag(`busybox@sha256:${'a'.repeat(64)}`), '');
});
