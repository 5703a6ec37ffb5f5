import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { emptyDirMemorySize, linuxResources, milliCpuToQuota, podMemoryLimit, milliCpuToShares, milliValue, oomScoreAdj, podQosClass, quantityValue } from './resources.js';
import { credentialsForImage, criServerAddress, imageRepository, parseRegistryKey } from './auth.js';

const GiB = 2 ** 30;

test('cpu shares and quota as the kubelet computes them', () => {
  assert.equal(milliCpuToShares(0), 2);
  assert.equal(milliCpuToShares(1), 2);
  assert.equal(milliCpuToShares(100), 102);
  assert.equal(milliCpuToShares(1000), 1024);
  assert.equal(milliCpuToShares(1_000_000), 262144);
  assert.equal(milliCpuToQuota(0), 0);
  assert.equal(milliCpuToQuota(500), 50_000);
  assert.equal(milliCpuToQuota(5), 1000, 'at least 1 ms');
  assert.equal(milliCpuToQuota(250, 50_000), 12_500);
});

test('quantities', () => {
  assert.equal(quantityValue('64Mi'), 64 * 2 ** 20);
  assert.equal(quantityValue('1G'), 1e9);
  assert.equal(milliValue('250m'), 250);
  assert.equal(milliValue('1.5'), 1500);
  assert.equal(milliValue('0.0001'), 1, 'rounded up');
  assert.throws(() => quantityValue('12 apples'), /invalid quantity/);
});

const ctr = (resources: Container['resources']): Container => ({ name: 'c', image: 'i', resources });
const pod = (...containers: Container[]): Pod => ({ spec: { containers } });

test('QoS classes', () => {
  assert.equal(podQosClass(pod(ctr(undefined))), 'BestEffort');
  assert.equal(podQosClass(pod(ctr({ limits: { cpu: '1', memory: '1Gi' } }))), 'Guaranteed', 'requests default to limits');
  assert.equal(podQosClass(pod(ctr({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }))), 'Guaranteed');
  assert.equal(podQosClass(pod(ctr({ requests: { cpu: '500m' }, limits: { cpu: '1', memory: '1Gi' } }))), 'Burstable');
  assert.equal(podQosClass(pod(ctr({ limits: { cpu: '1' } }))), 'Burstable', 'memory limit missing');
  assert.equal(podQosClass(pod(ctr({ limits: { cpu: '1', memory: '1Gi' } }), ctr(undefined))), 'Burstable');
  assert.equal(podQosClass(pod(ctr({ requests: { cpu: '0' } }))), 'BestEffort', 'zero requests count as none');
});

test('linux resources of a container', () => {
  assert.deepEqual(linuxResources(ctr({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }), 'Burstable', 4 * GiB), {
    cpuShares: 256, cpuPeriod: 100_000, cpuQuota: 50_000, memoryLimitInBytes: 128 * 2 ** 20,
    oomScoreAdj: 1000 - Math.floor((1000 * 64 * 2 ** 20) / (4 * GiB)),
  });
  assert.deepEqual(linuxResources(ctr({ limits: { cpu: '2' } }), 'Burstable', GiB), {
    cpuShares: 2048, cpuPeriod: 100_000, cpuQuota: 200_000, oomScoreAdj: 999,
  });
  assert.deepEqual(linuxResources(ctr(undefined), 'BestEffort', GiB), { cpuShares: 2, oomScoreAdj: 1000 });
  assert.equal(oomScoreAdj('Guaranteed', GiB, GiB), -997);
  assert.equal(oomScoreAdj('Burstable', GiB, GiB), 2, 'clamped to 2');
});

test('image repositories and registry keys', () => {
  assert.deepEqual(imageRepository('busybox'), { host: 'docker.io', path: 'library/busybox' });
  assert.deepEqual(imageRepository('me/app:1'), { host: 'docker.io', path: 'me/app' });
  assert.deepEqual(imageRepository('127.0.0.1:5000/team/busybox:1.36'), { host: '127.0.0.1:5000', path: 'team/busybox' });
  assert.deepEqual(imageRepository('localhost/x@sha256:abc'), { host: 'localhost', path: 'x' });
  assert.deepEqual(parseRegistryKey('https://index.docker.io/v1/'), { host: 'docker.io', path: '' });
  assert.deepEqual(parseRegistryKey('registry.example.com/team'), { host: 'registry.example.com', path: 'team' });
});

test('pull credentials from imagePullSecrets: host, wildcard and path matching, most specific first', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const secretA = JSON.stringify({ auths: {
    '127.0.0.1:5000': { auth: b64('alice:pw1') },
    '127.0.0.1:5000/team': { username: 'bob', password: 'pw2' },
    '*.example.com': { username: 'carol', password: 'pw3' },
  } });
  const legacy = JSON.stringify({ 'https://index.docker.io/v1/': { auth: b64('dave:pw4') } });
  assert.deepEqual(credentialsForImage('127.0.0.1:5000/team/app:1', [secretA, legacy]).map((a) => a.username), ['bob', 'alice']);
  assert.deepEqual(credentialsForImage('127.0.0.1:5000/other/app:1', [secretA]).map((a) => [a.username, a.password, a.serverAddress]), [['alice', 'pw1', '127.0.0.1:5000']]);
  assert.deepEqual(credentialsForImage('reg.example.com/x', [secretA]).map((a) => a.username), ['carol']);
  assert.deepEqual(credentialsForImage('a.b.example.com/x', [secretA]), [], 'a wildcard matches one label');
  assert.deepEqual(credentialsForImage('busybox', [secretA, legacy]).map((a) => a.username), ['dave']);
  assert.deepEqual(credentialsForImage('127.0.0.1:5001/x', [secretA]), [], 'ports must match');
  assert.deepEqual(credentialsForImage('x', ['not json']), []);
});

test('memory-backed emptyDir size: allocatable, then the pod limit, then sizeLimit', () => {
  const MiB = 2 ** 20;
  const pod = (app: Array<string | undefined>, init: Array<{ limit?: string; sidecar?: boolean }> = []): Pod => ({
    spec: {
      containers: app.map((m, i) => ({ name: `a${i}`, image: 'i', resources: m ? { limits: { memory: m } } : {} })),
      initContainers: init.map((x, i) => ({ name: `i${i}`, image: 'i', ...(x.sidecar ? { restartPolicy: 'Always' } : {}), resources: x.limit ? { limits: { memory: x.limit } } : {} })),
    },
  });
  assert.equal(podMemoryLimit(pod(['64Mi', '32Mi'])), 96 * MiB);
  assert.equal(podMemoryLimit(pod(['64Mi', undefined])), undefined, 'one unlimited container: no pod limit');
  assert.equal(podMemoryLimit(pod(['64Mi'], [{ limit: '256Mi' }])), 256 * MiB, 'a bigger init container');
  assert.equal(podMemoryLimit(pod(['64Mi'], [{ limit: '16Mi', sidecar: true }])), 80 * MiB, 'sidecars add up');
  assert.equal(emptyDirMemorySize(pod([undefined]), undefined, 1024 * MiB), 1024 * MiB);
  assert.equal(emptyDirMemorySize(pod([undefined]), '4Mi', 1024 * MiB), 4 * MiB);
  assert.equal(emptyDirMemorySize(pod(['64Mi']), undefined, 1024 * MiB), 64 * MiB);
  assert.equal(emptyDirMemorySize(pod(['64Mi']), '128Mi', 1024 * MiB), 64 * MiB, 'sizeLimit above the pod limit is ignored');
  assert.equal(emptyDirMemorySize(pod(['64Mi']), '0', 1024 * MiB), 64 * MiB, 'zero is no limit');
});

test('server addresses as containerd matches them (a URL whose host is the registry contacted)', () => {
  assert.equal(criServerAddress('127.0.0.1:5000'), 'https://127.0.0.1:5000');
  assert.equal(criServerAddress('https://index.docker.io/v1/'), 'https://registry-1.docker.io');
  assert.equal(criServerAddress('docker.io'), 'https://registry-1.docker.io');
  assert.equal(criServerAddress('quay.io'), 'https://quay.io');
  assert.equal(criServerAddress('http://registry.local:5000/team'), 'https://registry.local:5000');
});
