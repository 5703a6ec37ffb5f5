// Runs the built CLI (`node bin/timonel.js helm template ...`) on a test chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const charts = join(root, 'test/charts');

function timonel(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/timonel.js'), ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const wired = !/unknown command 'helm'/.test(timonel(['helm']).stderr);

test('timonel helm template renders the webapp chart as Helm prints it', { skip: wired ? false : 'helm commands not wired into main.ts yet' }, () => {
  const r = timonel(['helm', 'template', 'web', join(charts, 'webapp'), '--namespace', 'prod', '--include-crds', '--kube-version', '1.29.3']);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, readFileSync(join(charts, 'webapp.expected.yaml'), 'utf8'));
});

test('timonel helm template --show-only and bad input', { skip: wired ? false : 'helm commands not wired into main.ts yet' }, () => {
  const r = timonel(['helm', 'template', 'web', join(charts, 'webapp'), '-s', 'templates/hpa.yaml', '--kube-version', '1.29.3']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '---\n# Source: webapp/templates/hpa.yaml\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web-webapp\nspec:\n  minReplicas: 2\n  maxReplicas: 6\n');
  const bad = timonel(['helm', 'template', 'web', join(charts, 'webapp'), '--set', 'replicaCount=two']);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nwebapp:\n- replicaCount: Invalid type. Expected: integer, given: string\n\n");
});
