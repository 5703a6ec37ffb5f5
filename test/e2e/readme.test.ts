// Acceptance (issue 2): a newcomer's path. The README's start command, run as written (with a
// throw-away data dir and a free port), gives a cluster that `kubectl get ns` answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, KUBECTL } from './harness.js';

test('the README start command brings up a cluster kubectl can use', async () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.includes('./bin/timonel.js up'));
  assert.ok(line, 'README gives a ./bin/timonel.js up command');
  assert.match(readme, /^npm test$/m, 'README gives `npm test`');
  // the part after the build: the `up` invocation itself
  const upArgs = line.slice(line.indexOf('./bin/timonel.js up') + './bin/timonel.js '.length).trim().split(/\s+/);
  const dir = mkdtempSync(join(tmpdir(), 'timonel-readme-'));
  const args = upArgs.map((a) => (a === '.timonel' ? dir : a));
  const proc = spawn(join(REPO, 'bin', 'timonel.js'), [...args, '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  try {
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(dir, 'kubeconfig')) || !/export KUBECONFIG=/.test(out)) {
      assert.ok(Date.now() < deadline && proc.exitCode === null, `the cluster did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ns = execFileSync(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), 'get', 'ns'], { encoding: 'utf8' });
    assert.match(ns, /^default\s+Active/m);
    assert.match(ns, /^kube-system\s+Active/m);
    const nodes = execFileSync(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), 'get', 'nodes'], { encoding: 'utf8' });
    assert.match(nodes, /\sReady\s+control-plane/);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
