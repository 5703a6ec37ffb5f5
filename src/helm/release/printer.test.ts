import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ansic, formatStatus, goTimeString, uitable, writeHistory, writeList, writeValues } from './printer.js';
import type { Release } from './types.js';

function rel(version: number, status: Release['info']['status'], description: string, extra: Partial<Release> = {}): Release {
  return {
    name: 'web', namespace: 'default', version,
    info: { firstDeployed: '2024-03-04T05:06:07Z', lastDeployed: `2024-03-0${version}T05:06:07.25Z`, deleted: '', description, status, notes: '' },
    chart: { metadata: { name: 'mychart', version: '0.1.0', appVersion: '1.16.0' }, lock: null, templates: null, values: { a: 1 }, schema: null, files: null },
    config: null, manifest: 'kind: ConfigMap\n', hooks: [], ...extra,
  };
}

test('uitable pads every cell to the column width and separates with tabs', () => {
  assert.equal(uitable([['NAME', 'X'], ['longer-name', 'yy']]), 'NAME       \tX \nlonger-name\tyy');
  assert.equal(uitable([['a', 'b']], 0), 'a\tb');
  assert.equal(uitable([['abcdefgh']], 5), 'ab...');
});

test('Go time formats of stored times', () => {
  assert.equal(ansic('2024-03-04T05:06:07Z'), 'Mon Mar  4 05:06:07 2024');
  assert.equal(goTimeString('2024-03-04T05:06:07.25Z'), '2024-03-04 05:06:07.25 +0000 UTC');
  assert.equal(goTimeString('2024-03-04T05:06:07+02:00').endsWith('+0200'), true);
  assert.equal(ansic(''), '');
});

test('helm list table', () => {
  const out = writeList([rel(2, 'deployed', 'Upgrade complete')], 'table');
  assert.equal(out,
    'NAME\tNAMESPACE\tREVISION\tUPDATED                         \tSTATUS  \tCHART        \tAPP VERSION\n' +
    'web \tdefault  \t2       \t2024-03-02 05:06:07.25 +0000 UTC\tdeployed\tmychart-0.1.0\t1.16.0     \n');
  assert.equal(writeList([rel(2, 'deployed', '')], 'table', { short: true }), 'web\n');
  assert.deepEqual(JSON.parse(writeList([rel(2, 'deployed', '')], 'json')), [{ name: 'web', namespace: 'default', revision: '2', updated: '2024-03-02 05:06:07.25 +0000 UTC', status: 'deployed', chart: 'mychart-0.1.0', app_version: '1.16.0' }]);
});

test('helm history table, oldest first, limited to the newest --max', () => {
  const rels = [rel(2, 'deployed', 'Upgrade complete'), rel(1, 'superseded', 'Install complete')];
  const out = writeHistory(rels, 'table');
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], 'REVISION\tUPDATED                 \tSTATUS    \tCHART        \tAPP VERSION\tDESCRIPTION     ');
  assert.equal(lines[1], '1       \tFri Mar  1 05:06:07 2024\tsuperseded\tmychart-0.1.0\t1.16.0     \tInstall complete');
  assert.equal(lines[2], '2       \tSat Mar  2 05:06:07 2024\tdeployed  \tmychart-0.1.0\t1.16.0     \tUpgrade complete');
  assert.equal(writeHistory(rels, 'table', 1).trimEnd().split('\n').length, 2);
  assert.equal(JSON.parse(writeHistory(rels, 'json'))[0].updated, '2024-03-01T05:06:07.25Z');
});

test('the status block of install/status', () => {
  const r = rel(1, 'deployed', 'Install complete', { info: { ...rel(1, 'deployed', 'Install complete').info, notes: '  Thanks!\n\n' } });
  assert.equal(formatStatus(r), 'NAME: web\nLAST DEPLOYED: Fri Mar  1 05:06:07 2024\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\nNOTES:\nThanks!\n');
  assert.ok(formatStatus(r, { showDescription: true }).includes('REVISION: 1\nDESCRIPTION: Install complete\n'));
  assert.ok(!formatStatus(r, { hideNotes: true }).includes('NOTES'));
  const dry = rel(1, 'pending-install', 'Dry run complete', { hooks: [{ name: 'h', kind: 'Pod', path: 'mychart/templates/h.yaml', manifest: 'kind: Pod', events: ['pre-install'], lastRun: { startedAt: '', completedAt: '', phase: '' }, weight: 0, deletePolicies: [] }] });
  assert.ok(formatStatus(dry).endsWith('TEST SUITE: None\nHOOKS:\n---\n# Source: mychart/templates/h.yaml\nkind: Pod\nMANIFEST:\nkind: ConfigMap\n\n'));
  const tested = rel(1, 'deployed', '', { hooks: [{ name: 't', kind: 'Pod', path: 'p', manifest: '', events: ['test'], lastRun: { startedAt: '2024-03-01T05:06:07Z', completedAt: '2024-03-01T05:06:09Z', phase: 'Succeeded' }, weight: 0, deletePolicies: [] }] });
  assert.ok(formatStatus(tested).includes('TEST SUITE:     t\nLast Started:   Fri Mar  1 05:06:07 2024\nLast Completed: Fri Mar  1 05:06:09 2024\nPhase:          Succeeded\n'));
  const debug = formatStatus(rel(1, 'deployed', '', { config: { b: 2 } }), { debug: true });
  assert.ok(debug.includes('USER-SUPPLIED VALUES:\nb: 2\n\nCOMPUTED VALUES:\na: 1\nb: 2\n\n'));
});

test('helm get values output', () => {
  assert.equal(writeValues(null, 'table', false), 'USER-SUPPLIED VALUES:\nnull\n');
  assert.equal(writeValues({ b: { c: [1, 'x'] }, a: true }, 'table', true), 'COMPUTED VALUES:\na: true\nb:\n  c:\n  - 1\n  - x\n');
  assert.equal(writeValues({ a: 1 }, 'json', false), '{"a":1}\n');
});
