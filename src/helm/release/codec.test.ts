import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeRelease, encodeRelease, releaseFromSecret, releaseJson, releaseKey, releaseSecret, RELEASE_SECRET_TYPE } from './codec.js';
import { goJson, goJsonFloat, goJsonString } from './gojson.js';
import type { Release } from './types.js';

function sample(): Release {
  return {
    name: 'web',
    namespace: 'apps',
    version: 3,
    info: {
      firstDeployed: '2024-05-01T10:00:00.123456789Z',
      lastDeployed: '2024-05-02T11:30:00Z',
      deleted: '',
      description: 'Upgrade complete',
      status: 'deployed',
      notes: 'Visit <http://example> & enjoy\n',
    },
    chart: {
      metadata: { name: 'web', version: '1.2.0', apiVersion: 'v2', appVersion: '2.0', description: 'a chart', maintainers: [{ name: 'me' }] },
      lock: null,
      templates: [{ name: 'templates/cm.yaml', data: Buffer.from('kind: ConfigMap\n').toString('base64') }],
      values: { replicas: 1, image: { tag: 'v1' } },
      schema: null,
      files: null,
    },
    config: { image: { tag: 'v2' }, big: 1000000, count: 12n },
    manifest: '---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n',
    hooks: [{
      name: 'pre', kind: 'Job', path: 'web/templates/job.yaml', manifest: 'kind: Job', events: ['pre-install', 'pre-upgrade'],
      lastRun: { startedAt: '', completedAt: '', phase: '' }, weight: 0, deletePolicies: ['before-hook-creation'],
    }],
  };
}

test('release JSON has Helm\'s keys, order and zero values', () => {
  const j = releaseJson(sample());
  const keys = Object.keys(JSON.parse(j));
  assert.deepEqual(keys, ['name', 'info', 'chart', 'config', 'manifest', 'hooks', 'version', 'namespace']);
  const info = JSON.parse(j).info;
  assert.deepEqual(Object.keys(info), ['first_deployed', 'last_deployed', 'deleted', 'description', 'status', 'notes']);
  assert.equal(info.deleted, '', 'the zero helm time is ""');
  assert.deepEqual(Object.keys(JSON.parse(j).chart), ['metadata', 'lock', 'templates', 'values', 'schema', 'files']);
  assert.ok(j.includes('"lock":null') && j.includes('"schema":null') && j.includes('"files":null'));
  const hook = JSON.parse(j).hooks[0];
  assert.deepEqual(Object.keys(hook), ['name', 'kind', 'path', 'manifest', 'events', 'last_run', 'delete_policies']);
  assert.deepEqual(hook.last_run, { started_at: '', completed_at: '', phase: '' });
  // Go's HTML-safe escaping, sorted map keys, int64 and float64
  assert.ok(j.includes('Visit \\u003chttp://example\\u003e \\u0026 enjoy\\n'));
  assert.ok(j.includes('"config":{"big":1000000,"count":12,"image":{"tag":"v2"}}'));
  // metadata in struct order, empty fields omitted
  assert.ok(j.includes('"metadata":{"name":"web","version":"1.2.0","description":"a chart","maintainers":[{"name":"me"}],"apiVersion":"v2","appVersion":"2.0"}'));
});

test('omitempty drops empty release fields', () => {
  const r = sample();
  r.hooks = [];
  r.config = null;
  r.manifest = '';
  const o = JSON.parse(releaseJson(r));
  assert.equal('hooks' in o, false);
  assert.equal('config' in o, false);
  assert.equal('manifest' in o, false);
});

test('encode/decode round trip', () => {
  const r = sample();
  const back = decodeRelease(encodeRelease(r));
  assert.equal(back.name, 'web');
  assert.equal(back.version, 3);
  assert.deepEqual(back.info, r.info);
  assert.deepEqual(back.chart, r.chart);
  assert.deepEqual(back.config, { image: { tag: 'v2' }, big: 1000000, count: 12 });
  assert.equal(back.manifest, r.manifest);
  assert.deepEqual(back.hooks, r.hooks);
  // and re-encoding a decoded record gives the same JSON (numbers are float64 after decoding, as in Go)
  assert.equal(releaseJson(back), releaseJson({ ...r, config: { image: { tag: 'v2' }, big: 1000000, count: 12 } }));
});

test('encodeRelease is base64 of gzip (Go header, best compression) of the JSON', () => {
  const enc = encodeRelease(sample());
  const gz = Buffer.from(enc, 'base64');
  assert.deepEqual([...gz.subarray(0, 3)], [0x1f, 0x8b, 0x08]);
  assert.equal(gz[9], 0xff, 'OS byte "unknown" as Go writes it');
  assert.equal(gunzipSync(gz).toString('utf8'), releaseJson(sample()));
});

test('the Secret carries base64(base64(gzip(json))) on the wire with Helm\'s name, type and labels', () => {
  const now = new Date('2024-05-02T11:30:00Z');
  const s = releaseSecret({ ...sample(), labels: { team: 'a', status: 'spoof' } }, 'create', now);
  assert.equal(s.metadata.name, 'sh.helm.release.v1.web.v3');
  assert.equal(releaseKey('web', 3), s.metadata.name);
  assert.equal(s.type, RELEASE_SECRET_TYPE);
  assert.deepEqual(s.metadata.labels, { team: 'a', createdAt: '1714649400', name: 'web', owner: 'helm', status: 'deployed', version: '3' });
  const stored = Buffer.from(s.data.release, 'base64').toString('utf8'); // what Secret.Data["release"] holds
  assert.match(stored, /^[A-Za-z0-9+/]+=*$/);
  const json = gunzipSync(Buffer.from(stored, 'base64')).toString('utf8');
  assert.equal(JSON.parse(json).info.status, 'deployed');
  const u = releaseSecret(sample(), 'update', now);
  assert.equal(u.metadata.labels.modifiedAt, '1714649400');
  assert.equal('createdAt' in u.metadata.labels, false);
  const back = releaseFromSecret({ metadata: { labels: s.metadata.labels }, data: s.data });
  assert.deepEqual(back.labels, { team: 'a' });
  assert.equal(back.info.notes, sample().info.notes);
});

test('decodes a record as Helm wrote it, including legacy uncompressed ones', () => {
  const helmJson = '{"name":"x","info":{"first_deployed":"2023-01-02T03:04:05.999999999+01:00","last_deployed":"2023-01-02T03:04:05.999999999+01:00","deleted":"","description":"Install complete","status":"deployed","notes":"hi"},"chart":{"metadata":{"name":"c","version":"0.1.0","apiVersion":"v2","appVersion":"1.16.0","type":"application"},"lock":null,"templates":[{"name":"templates/a.yaml","data":"YTogMQo="}],"values":{"a":1},"schema":null,"files":null},"manifest":"---\\n# Source: c/templates/a.yaml\\na: 1\\n","version":1,"namespace":"default"}';
  const gz = Buffer.from(gzipSync(Buffer.from(helmJson))).toString('base64');
  const r = decodeRelease(gz);
  assert.equal(r.info.firstDeployed, '2023-01-02T03:04:05.999999999+01:00');
  assert.equal(r.chart?.metadata?.appVersion, '1.16.0');
  assert.deepEqual(r.hooks, []);
  assert.equal(r.config, null);
  // re-encoding reproduces Helm's bytes for the same record
  assert.equal(releaseJson(r), helmJson);
  const legacy = decodeRelease(Buffer.from(helmJson).toString('base64'));
  assert.equal(legacy.name, 'x');
  // Helm 3.0's zero time and capitalised Description
  const old = decodeRelease(Buffer.from('{"name":"o","info":{"first_deployed":"2020-01-01T00:00:00Z","deleted":"0001-01-01T00:00:00Z","Description":"Install complete","status":"deployed"},"version":1}').toString('base64'));
  assert.equal(old.info.deleted, '');
  assert.equal(old.info.description, 'Install complete');
  assert.throws(() => decodeRelease(Buffer.from('not json').toString('base64')));
});

test('Go JSON encoding details', () => {
  assert.equal(goJsonString('a"\\\u0001\u2028<>&é'), '"a\\"\\\\\\u0001\\u2028\\u003c\\u003e\\u0026é"');
  assert.equal(goJsonString('\ud800x'), '"\ufffdx"');
  assert.equal(goJsonFloat(1e21), '1e+21');
  assert.equal(goJsonFloat(1e20), '100000000000000000000');
  assert.equal(goJsonFloat(0.000001), '0.000001');
  assert.equal(goJsonFloat(1e-7), '1e-7');
  assert.equal(goJsonFloat(1.5), '1.5');
  assert.equal(goJson({ b: 1, a: [true, null, 'x'], c: new Uint8Array([1, 2]) }), '{"a":[true,null,"x"],"b":1,"c":"AQI="}');
  assert.equal(goJson({ 'é': 1, z: 2, Z: 3 }), '{"Z":3,"z":2,"é":1}');
});
