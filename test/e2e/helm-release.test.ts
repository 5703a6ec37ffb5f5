// Acceptance (issue 6, cluster side): `timonel helm` installs, upgrades, rolls back and uninstalls
// releases on a real cluster, stores them as Helm 3 does, runs hooks and waits for readiness.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startCluster, kubectl, kc, eventually, REPO, TIMONEL, type Cluster } from './harness.js';

let c: Cluster;
let chartDir: string;
/** how to run `timonel helm ...`: the real CLI once it is wired, else a runner around registerReleaseCommands */
let helmArgv: string[];

const RUNNER = `
import { Command } from ${JSON.stringify(join(REPO, 'node_modules/commander/esm.mjs'))};
const { registerReleaseCommands } = await import(${JSON.stringify(join(REPO, 'dist/src/helm/release/commands.js'))});
const program = new Command('timonel');
const helm = program.command('helm').option('--debug', 'enable verbose output', false);
registerReleaseCommands(helm);
await program.parseAsync(['node', 'timonel', 'helm', ...process.argv.slice(1)]);
`;

interface Run { code: number; stdout: string; stderr: string }

function helm(args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...helmArgv, ...args], { env: { ...process.env, KUBECONFIG: c.kubeconfig, HELM_NAMESPACE: '' }, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function helmOk(args: string[]): Promise<string> {
  const r = await helm(args);
  assert.equal(r.code, 0, `helm ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

function writeChart(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

const CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: webapp\nversion: 0.1.0\nappVersion: "1.16.0"\ndescription: e2e chart\n',
  'values.yaml': 'color: blue\nlb: false\n',
  'templates/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  color: {{ .Values.color | quote }}\n  revision: {{ .Release.Revision | quote }}\n',
  'templates/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\nspec:\n  selector:\n    app: {{ .Release.Name }}\n  ports:\n  - port: 80\n    targetPort: 8080\n',
  'templates/lb.yaml': '{{- if .Values.lb }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-lb\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n{{- end }}\n',
  'templates/pre-install.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-preinstall\n  annotations:\n    "helm.sh/hook": pre-install\n    "helm.sh/hook-weight": "-1"\ndata:\n  ran: "yes"\n',
  'templates/NOTES.txt': 'Thanks for installing {{ .Chart.Name }} as {{ .Release.Name }}.\n',
};

before(async () => {
  c = await startCluster();
  chartDir = join(c.dataDir, 'webapp');
  writeChart(chartDir, CHART);
  // Use the real CLI when `timonel helm install` exists, else the runner.
  const probe = await new Promise<Run>((resolve) => {
    execFile(process.execPath, [TIMONEL, 'helm', 'install', '--help'], (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
  helmArgv = probe.code === 0 && probe.stdout.includes('--create-namespace') ? [TIMONEL, 'helm'] : ['--input-type=module', '-e', RUNNER];
});
after(async () => { await c?.cleanup(); });

async function nodesReady(): Promise<boolean> {
  const r = await kubectl(c, ['get', 'nodes', '-o', 'json']);
  if (r.code !== 0) return false;
  const nodes = JSON.parse(r.stdout).items as Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
  return nodes.some((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
}

const obj = async (kind: string, name: string, ns = 'default') => JSON.parse(await kc(c, ['-n', ns, 'get', kind, name, '-o', 'json']));

test('install --wait creates the objects after the pre-install hook and returns once they are ready', async () => {
  const r = await helm(['install', 'web', chartDir, '--wait', '--timeout', '60s', '--set', 'color=red']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME: web\nLAST DEPLOYED: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\nNOTES:\nThanks for installing webapp as web.\n$/);
  assert.match(r.stderr, /beginning wait for 2 resources with timeout of 1m0s/);
  const cm = await obj('configmap', 'web-config');
  assert.deepEqual(cm.data, { color: 'red', revision: '1' });
  assert.equal(cm.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
  assert.equal(cm.metadata.annotations['meta.helm.sh/release-name'], 'web');
  assert.equal(cm.metadata.annotations['meta.helm.sh/release-namespace'], 'default');
  const svc = await obj('service', 'web-svc');
  assert.ok(svc.spec.clusterIP, 'the Service --wait waited for has a cluster IP');
  const hook = await obj('configmap', 'web-preinstall');
  assert.equal(hook.data.ran, 'yes');
  assert.ok(Number(hook.metadata.resourceVersion) < Number(cm.metadata.resourceVersion), 'the pre-install hook ran before the release objects were created');
  assert.equal(hook.metadata.labels, undefined, 'hooks are not release objects');
});

test('the release Secret decodes (base64, gunzip, JSON) to Helm\'s release shape', async () => {
  const s = await obj('secret', 'sh.helm.release.v1.web.v1');
  assert.equal(s.type, 'helm.sh/release.v1');
  assert.equal(s.metadata.labels.name, 'web');
  assert.equal(s.metadata.labels.owner, 'helm');
  assert.equal(s.metadata.labels.status, 'deployed');
  assert.equal(s.metadata.labels.version, '1');
  const stored = Buffer.from(s.data.release, 'base64').toString('utf8'); // the Secret's data bytes
  const rel = JSON.parse(gunzipSync(Buffer.from(stored, 'base64')).toString('utf8'));
  assert.deepEqual(Object.keys(rel), ['name', 'info', 'chart', 'config', 'manifest', 'hooks', 'version', 'namespace']);
  assert.equal(rel.name, 'web');
  assert.equal(rel.version, 1);
  assert.equal(rel.namespace, 'default');
  assert.deepEqual(Object.keys(rel.info), ['first_deployed', 'last_deployed', 'deleted', 'description', 'status', 'notes']);
  assert.equal(rel.info.status, 'deployed');
  assert.equal(rel.info.description, 'Install complete');
  assert.equal(rel.info.deleted, '');
  assert.deepEqual(Object.keys(rel.chart), ['metadata', 'lock', 'templates', 'values', 'schema', 'files']);
  assert.equal(rel.chart.metadata.name, 'webapp');
  assert.equal(rel.chart.metadata.appVersion, '1.16.0');
  assert.deepEqual(rel.chart.values, { color: 'blue', lb: false });
  assert.deepEqual(rel.config, { color: 'red' });
  assert.ok(rel.chart.templates.some((t: { name: string; data: string }) => t.name === 'templates/configmap.yaml' && Buffer.from(t.data, 'base64').toString().includes('kind: ConfigMap')));
  assert.match(rel.manifest, /^---\n# Source: webapp\/templates\/configmap.yaml\n/);
  assert.equal(rel.hooks.length, 1);
  assert.deepEqual(Object.keys(rel.hooks[0]), ['name', 'kind', 'path', 'manifest', 'events', 'last_run', 'weight', 'delete_policies']);
  assert.equal(rel.hooks[0].last_run.phase, 'Succeeded');
  assert.deepEqual(rel.hooks[0].events, ['pre-install']);
});

test('upgrade with changed values changes the live objects; history shows 1 superseded, 2 deployed', async () => {
  const out = await helmOk(['upgrade', 'web', chartDir, '--set', 'color=green']);
  assert.match(out, /^Release "web" has been upgraded\. Happy Helming!\nNAME: web\n/);
  assert.equal((await obj('configmap', 'web-config')).data.color, 'green');
  const h = JSON.parse(await helmOk(['history', 'web', '-o', 'json'])) as Array<{ revision: number; status: string; description: string }>;
  assert.deepEqual(h.map((x) => [x.revision, x.status, x.description]), [[1, 'superseded', 'Install complete'], [2, 'deployed', 'Upgrade complete']]);
  const table = await helmOk(['history', 'web']);
  assert.match(table.split('\n')[0]!, /^REVISION\tUPDATED\s+\tSTATUS\s+\tCHART\s+\tAPP VERSION\tDESCRIPTION\s*$/);
  assert.match(table.split('\n')[2]!, /^2\s+\t.+\tdeployed\s*\twebapp-0\.1\.0\t1\.16\.0\s+\tUpgrade complete\s*$/);
  const list = await helmOk(['list']);
  assert.match(list, /^NAME\tNAMESPACE\tREVISION\tUPDATED\s+\tSTATUS\s+\tCHART\s+\tAPP VERSION\nweb \tdefault  \t2       \t.+\tdeployed\twebapp-0\.1\.0\t1\.16\.0\s*\n$/);
  assert.equal(await helmOk(['get', 'values', 'web']), 'USER-SUPPLIED VALUES:\ncolor: green\n');
});

test('rollback to 1 makes revision 3 deployed with revision 1\'s manifest', async () => {
  assert.equal(await helmOk(['rollback', 'web', '1']), 'Rollback was a success! Happy Helming!\n');
  const h = JSON.parse(await helmOk(['history', 'web', '-o', 'json'])) as Array<{ revision: number; status: string; description: string }>;
  assert.deepEqual(h.map((x) => [x.revision, x.status]), [[1, 'superseded'], [2, 'superseded'], [3, 'deployed']]);
  assert.equal(h[2]!.description, 'Rollback to 1');
  assert.equal(await helmOk(['get', 'manifest', 'web']), await helmOk(['get', 'manifest', 'web', '--revision', '1']));
  assert.equal((await obj('configmap', 'web-config')).data.color, 'red');
  const status = await helmOk(['status', 'web', '--show-desc']);
  assert.match(status, /REVISION: 3\nDESCRIPTION: Rollback to 1\n/);
});

test('a failing upgrade with --atomic rolls back by itself', async () => {
  // No load balancer controller runs, so a LoadBalancer Service never becomes ready.
  const r = await helm(['upgrade', 'web', chartDir, '--set', 'lb=true,color=pink', '--atomic', '--timeout', '3s']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Service does not have load balancer ingress IP address: default\/web-lb/);
  assert.match(r.stderr, /Error: UPGRADE FAILED: release web failed, and has been rolled back due to atomic being set: context deadline exceeded\n$/);
  const h = JSON.parse(await helmOk(['history', 'web', '-o', 'json'])) as Array<{ revision: number; status: string; description: string }>;
  assert.deepEqual(h.slice(3).map((x) => [x.revision, x.status, x.description]), [
    [4, 'failed', 'Upgrade "web" failed: context deadline exceeded'],
    [5, 'deployed', 'Rollback to 3'],
  ]);
  assert.equal(h.filter((x) => x.status.startsWith('pending')).length, 0);
  assert.equal((await kubectl(c, ['get', 'service', 'web-lb'])).code, 1, 'the object the failed revision added is gone');
  assert.equal((await obj('configmap', 'web-config')).data.color, 'red');
});

test('objects owned by someone else are not taken over; bad templates apply nothing', async () => {
  await kc(c, ['create', 'configmap', 'other-config']);
  const r = await helm(['install', 'other', chartDir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error: INSTALLATION FAILED: Unable to continue with install: ConfigMap "other-config" in namespace "default" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key "app\.kubernetes\.io\/managed-by": must be set to "Helm"/);
  assert.equal((await kubectl(c, ['get', 'secret', 'sh.helm.release.v1.other.v1'])).code, 1);

  const bad = join(c.dataDir, 'bad');
  writeChart(bad, { 'Chart.yaml': 'apiVersion: v2\nname: bad\nversion: 0.1.0\n', 'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  x: {{ required "x is required" .Values.x }}\n' });
  const rb = await helm(['install', 'bad', bad]);
  assert.equal(rb.code, 1);
  assert.match(rb.stderr, /Error: INSTALLATION FAILED: execution error at \(bad\/templates\/cm\.yaml:6:\d+\): x is required/);
  assert.equal((await kubectl(c, ['get', 'configmap', 'bad'])).code, 1);
  assert.equal((await kubectl(c, ['get', 'secret', 'sh.helm.release.v1.bad.v1'])).code, 1);
});

test('uninstall removes the objects and the history; --keep-history keeps an uninstalled record', async () => {
  await helmOk(['install', 'kept', chartDir, '--create-namespace', '-n', 'e2e-kept']);
  assert.equal(await helmOk(['uninstall', 'kept', '-n', 'e2e-kept', '--keep-history']), 'release "kept" uninstalled\n');
  assert.equal((await kubectl(c, ['-n', 'e2e-kept', 'get', 'configmap', 'kept-config'])).code, 1);
  assert.match(await helmOk(['status', 'kept', '-n', 'e2e-kept']), /STATUS: uninstalled\n/);
  assert.match(await helmOk(['list', '-A', '--uninstalled']), /\nkept\s*\te2e-kept\s*\t1\s*\t.+\tuninstalled\t/);

  assert.equal(await helmOk(['uninstall', 'web']), 'release "web" uninstalled\n');
  for (const name of ['web-config', 'web-svc']) {
    const kind = name.endsWith('svc') ? 'service' : 'configmap';
    await eventually(async () => (await kubectl(c, ['get', kind, name])).code !== 0, 20_000, `${kind} ${name} to be deleted`);
  }
  const secrets = JSON.parse(await kc(c, ['get', 'secrets', '-l', 'owner=helm,name=web', '-o', 'json']));
  assert.equal(secrets.items.length, 0, 'no history is left');
  const st = await helm(['status', 'web']);
  assert.equal(st.code, 1);
  assert.equal(st.stderr, 'Error: release: not found\n');
});

test('a Deployment with --wait and a hook Job (needs a node agent)', async (t) => {
  if (!(await nodesReady())) {
    t.skip('no Ready node: pods cannot run, so Deployments never become available and hook Jobs never complete');
    return;
  }
  const dir = join(c.dataDir, 'withpods');
  writeChart(dir, {
    'Chart.yaml': 'apiVersion: v2\nname: withpods\nversion: 0.1.0\n',
    'templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: {{ .Release.Name }}}\n  template:\n    metadata:\n      labels: {app: {{ .Release.Name }}}\n    spec:\n      containers:\n      - name: main\n        image: busybox:1.36\n        command: ["sh", "-c", "sleep 3600"]\n',
    'templates/job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    "helm.sh/hook": pre-install\n    "helm.sh/hook-delete-policy": hook-succeeded\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: busybox:1.36\n        command: ["sh", "-c", "echo migrated"]\n',
  });
  const r = await helm(['install', 'pods', dir, '--wait', '--timeout', '4m'], 300_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Watching for changes to Job pods-migrate/);
  const d = await obj('deployment', 'pods');
  assert.ok((d.status.availableReplicas ?? 0) >= 1, 'the Deployment is available when --wait returns');
  assert.equal((await kubectl(c, ['get', 'job', 'pods-migrate'])).code, 1, 'hook-succeeded deleted the hook Job');
  await helmOk(['uninstall', 'pods']);
});
