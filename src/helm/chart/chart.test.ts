import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadChart, loadArchive, saveChartArchive, HelmIgnore, readTar, gunzip, metadataYaml, isCompatibleRange } from './index.js';

const chartsDir = fileURLToPath(new URL('../../../../test/charts/', import.meta.url));

test('loads a chart directory: templates, files, values, schema, subcharts, .helmignore', () => {
  const c = loadChart(join(chartsDir, 'webapp'));
  assert.equal(c.name(), 'webapp');
  assert.deepEqual(c.dependencies().map((d) => d.name()), ['cache', 'common', 'metrics']);
  assert.ok(c.templates.some((t) => t.name === 'templates/tests/test-connection.yaml'));
  assert.ok(c.files.some((f) => f.name === 'crds/widgets.yaml'));
  assert.ok(!c.files.some((f) => f.name.startsWith('notes/')), '.helmignore applies');
  assert.equal(c.values.replicaCount, 2);
  assert.ok(c.schema);
  assert.equal(c.dependencies()[0]!.chartFullPath(), 'webapp/charts/cache');
});

test('package round trip: <name>/ paths in a tar.gz, loadable again', () => {
  const c = loadChart(join(chartsDir, 'webapp'));
  const tgz = saveChartArchive(c);
  const names = readTar(gunzip(tgz)).map((e) => e.name);
  assert.equal(names[0], 'webapp/Chart.yaml');
  assert.ok(names.includes('webapp/charts/cache/values.yaml'));
  assert.ok(names.every((n) => n.startsWith('webapp/')));
  const back = loadArchive(tgz);
  assert.equal(back.metadata.version, '2.4.0');
  assert.deepEqual(back.dependencies().map((d) => d.name()).sort(), ['cache', 'common', 'metrics']);
  assert.match(metadataYaml(c.metadata), /^apiVersion: v2\nappVersion: 3\.1\.4\ndependencies:\n- name: common\n  repository: file:\/\/\.\.\/common\n  version: 1\.x\.x\n/);
});

test('.helmignore rules', () => {
  const r = HelmIgnore.parse('*.swp\n/secret.txt\nlogs/\n# comment\n').addDefaults();
  assert.equal(r.ignore('a.swp', false), true);
  assert.equal(r.ignore('dir/b.swp', false), true);
  assert.equal(r.ignore('secret.txt', false), true);
  assert.equal(r.ignore('logs', true), true);
  assert.equal(r.ignore('logs', false), false);
  assert.equal(r.ignore('templates/.hidden', false), true);
  assert.equal(r.ignore('values.yaml', false), false);
  // Helm's negation quirk: a path that does not match a negated pattern is ignored.
  const n = HelmIgnore.parse('!keep.swp\n');
  assert.equal(n.ignore('keep.swp', false), false);
  assert.equal(n.ignore('values.yaml', false), true);
});

test('semver constraints for dependencies', () => {
  assert.equal(isCompatibleRange('~0.3.0', '0.3.1'), true);
  assert.equal(isCompatibleRange('1.x.x', '2.0.0'), false);
  assert.equal(isCompatibleRange('', '1.0.0'), false);
  assert.equal(isCompatibleRange('>=1.20.0-0', '1.29.3'), true);
});
