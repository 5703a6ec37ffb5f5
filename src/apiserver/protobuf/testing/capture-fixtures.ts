// Regenerates the protobuf fixtures from the real kubectl (developer tool; the unit tests only read them).
//   npx tsc -p <tsconfig> && node dist/src/apiserver/protobuf/testing/capture-fixtures.js
// For every case it records the body `kubectl create ...` POSTs (fixtures/<name>.pb) and the object the
// same command prints client-side with `-o json --dry-run=client` (fixtures/<name>.json), which is what
// kubectl means the server to receive. fixtures/index.json lists the cases with their request line.
// Commands without a client-side dry run (dryRun: false) keep a hand-written fixtures/<name>.json, derived
// from the Go types; re-capturing certificate-approve changes its condition's lastUpdateTime (capture time).
// Optional arguments: the names of the cases to capture again.
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKubectl, startCaptureServer } from './capture-server.js';
import { FIXTURE_DIR, type FixtureEntry } from './fixtures.js';

export interface FixtureCase {
  name: string;
  args: string[];
  /** false when the command has no client-side dry run */
  dryRun?: boolean;
}

export const CASES: FixtureCase[] = [
  { name: 'configmap', args: ['create', 'configmap', 'c1', '--from-literal=a=b'] },
  { name: 'configmap-files', args: ['create', 'configmap', 'c2', '--from-literal=empty=', '--from-literal=multi=line1\nline2', '--from-file=bin=@BINARY@', '--from-file=text.txt=@TEXT@'] },
  { name: 'deployment', args: ['create', 'deployment', 'd', '--image=nginx:1.25', '--replicas=3', '--port=80'] },
  { name: 'deployment-multi', args: ['create', 'deployment', 'd2', '--image=nginx:1.25', '--image=busybox:1.36'] },
  { name: 'deployment-zero', args: ['create', 'deployment', 'd0', '--image=nginx', '--replicas=0'] },
  { name: 'secret-generic', args: ['create', 'secret', 'generic', 's', '--from-literal=k=v', '--from-literal=empty=', '--from-file=bin=@BINARY@', '--type=Opaque'] },
  { name: 'secret-docker', args: ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example.com', '--docker-username=u', '--docker-password=p', '--docker-email=e@example.com'] },
  { name: 'service-clusterip', args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https'] },
  { name: 'service-headless', args: ['create', 'service', 'clusterip', 'hl', '--clusterip=None'] },
  { name: 'service-nodeport', args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'] },
  { name: 'service-loadbalancer', args: ['create', 'service', 'loadbalancer', 'lb', '--tcp=5678:8080'] },
  { name: 'service-externalname', args: ['create', 'service', 'externalname', 'ext', '--external-name=example.com'] },
  { name: 'namespace', args: ['create', 'namespace', 'n'] },
  { name: 'job', args: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'] },
  { name: 'cronjob', args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/1 * * * *', '--restart=OnFailure', '--', 'date'] },
  { name: 'role', args: ['create', 'role', 'r', '--verb=get', '--verb=list', '--resource=pods', '--resource=deployments.apps', '--resource-name=x'] },
  { name: 'role-subresource', args: ['create', 'role', 'r2', '--verb=get', '--resource=pods/log'] },
  { name: 'clusterrole', args: ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/healthz', '--non-resource-url=/logs/*'] },
  { name: 'clusterrole-aggregate', args: ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate=true'] },
  { name: 'rolebinding', args: ['create', 'rolebinding', 'rb', '--role=r', '--user=u', '--group=g', '--serviceaccount=default:sa'] },
  { name: 'clusterrolebinding', args: ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--user=admin'] },
  { name: 'ingress', args: ['create', 'ingress', 'ing', '--rule=a.com/p=svc:80'] },
  { name: 'ingress-full', args: ['create', 'ingress', 'ing2', '--class=nginx', '--rule=a.com/p*=svc:http,tls=sec', '--rule=/=other:8080', '--default-backend=def:80', '--annotation=x=y'] },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa'] },
  { name: 'pdb', args: ['create', 'pdb', 'p', '--selector=app=x', '--min-available=1'] },
  { name: 'pdb-percent', args: ['create', 'poddisruptionbudget', 'p2', '--selector=app in (x,y),tier notin (db),!legacy', '--max-unavailable=50%'] },
  { name: 'priorityclass', args: ['create', 'priorityclass', 'pc', '--value=10'] },
  { name: 'priorityclass-full', args: ['create', 'priorityclass', 'pc2', '--value=1000', '--global-default=true', '--description=high', '--preemption-policy=Never'] },
  { name: 'quota', args: ['create', 'quota', 'q', '--hard=pods=5'] },
  { name: 'quota-full', args: ['create', 'quota', 'q2', '--hard=cpu=1500m,memory=2Gi,requests.storage=10G,count/deployments.apps=0', '--scopes=BestEffort,NotTerminating'] },
  { name: 'token', args: ['create', 'token', 'sa', '--duration=10m', '--audience=a1', '--audience=a2'], dryRun: false },
  // a Job built from a CronJob the server holds: the whole PodSpec tree goes through Go and back out
  { name: 'job-from-cronjob', args: ['create', 'job', 'from-rich', '--from=cronjob/rich'] },
  { name: 'certificate-approve', args: ['certificate', 'approve', 'csr1'], dryRun: false },
  { name: 'auth-can-i', args: ['auth', 'can-i', 'get', 'pods', '--subresource=log', '--namespace=default'], dryRun: false },
  { name: 'auth-can-i-nonresource', args: ['auth', 'can-i', 'get', '/logs'], dryRun: false },
  { name: 'auth-can-i-list', args: ['auth', 'can-i', '--list', '--namespace=kube-system'], dryRun: false },
  { name: 'auth-whoami', args: ['auth', 'whoami'], dryRun: false },
];

/** Objects the server returns to GETs (fixtures/source-*.json), by path. */
export const SOURCES: Readonly<Record<string, string>> = {
  '/apis/batch/v1/namespaces/default/cronjobs/rich': 'source-cronjob-rich.json',
  '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr1': 'source-csr.json',
};

async function main(only: string[]): Promise<void> {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'pb-fixtures-'));
  const files: Record<string, string> = {
    '@BINARY@': join(work, 'bin.dat'), '@TEXT@': join(work, 'text.txt'),
  };
  writeFileSync(files['@BINARY@']!, Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80, 0x0a]));
  writeFileSync(files['@TEXT@']!, 'hello\nworld\n');
  type Entry = FixtureEntry;
  const indexPath = join(FIXTURE_DIR, 'index.json');
  const previous: Entry[] = only.length && existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, 'utf8')) as Entry[] : [];
  const index = new Map<string, Entry>(previous.map((e) => [e.name, e]));
  const objects = new Map<string, unknown>();
  for (const [path, file] of Object.entries(SOURCES)) objects.set(path, JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')));
  const server = await startCaptureServer(objects);
  try {
    for (const c of CASES.filter((k) => !only.length || only.includes(k.name))) {
      const args = c.args.map((a) => a.replace(/@[A-Z]+@/g, (k) => files[k] ?? k));
      const before = server.requests.length;
      const live = await runKubectl(server, args);
      const post = server.requests.slice(before).find((r) => r.method === 'POST' || r.method === 'PUT');
      if (live.code !== 0 || !post) {
        console.error(`${c.name}: kubectl failed (${live.code}): ${live.stderr.trim()}`);
        continue;
      }
      writeFileSync(join(FIXTURE_DIR, `${c.name}.pb`), post.body);
      if (c.dryRun !== false) {
        const dash = args.indexOf('--');
        const at = dash < 0 ? args.length : dash;
        const dry = await runKubectl(server, [...args.slice(0, at), '-o', 'json', '--dry-run=client', ...args.slice(at)]);
        if (dry.code !== 0) { console.error(`${c.name}: dry run failed: ${dry.stderr.trim()}`); continue; }
        writeFileSync(join(FIXTURE_DIR, `${c.name}.json`), dry.stdout);
      }
      index.set(c.name, { name: c.name, args: c.args, method: post.method, path: post.url.split('?')[0]!, contentType: post.contentType, expected: c.dryRun === false ? 'hand-written' : 'dry-run' });
      console.error(`${c.name}: ${post.method} ${post.url} ${post.contentType} ${post.body.length} bytes`);
    }
  } finally {
    await server.close();
  }
  const ordered = CASES.map((c) => index.get(c.name)).filter((e): e is Entry => e !== undefined);
  writeFileSync(indexPath, JSON.stringify(ordered, null, 2) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => { console.error(err); process.exit(1); });
}
