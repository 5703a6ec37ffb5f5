// Test helper: a throwaway HTTP server that plays just enough of a 1.32 API server for kubectl to send
// its create requests (version, legacy discovery), and records every request body it gets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { StatusError } from '../../../api/errors.js';
import { decodeProtobufObject, isProtobufContentType } from '../index.js';

export interface CapturedRequest {
  method: string;
  url: string;
  contentType: string;
  accept: string;
  body: Buffer;
}

interface Resource { name: string; kind: string; namespaced: boolean; verbs?: string[]; shortNames?: string[] }

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The resources the capture server advertises, by group version ('v1' = core). */
export const DISCOVERY: Readonly<Record<string, readonly Resource[]>> = {
  v1: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'] },
    { name: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'] },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
    { name: 'serviceaccounts/token', kind: 'TokenRequest', namespaced: true, verbs: ['create'] },
    { name: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, shortNames: ['quota'] },
    { name: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  ],
  'apps/v1': [{ name: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] }],
  'batch/v1': [
    { name: 'jobs', kind: 'Job', namespaced: true },
    { name: 'cronjobs', kind: 'CronJob', namespaced: true, shortNames: ['cj'] },
  ],
  'rbac.authorization.k8s.io/v1': [
    { name: 'roles', kind: 'Role', namespaced: true },
    { name: 'rolebindings', kind: 'RoleBinding', namespaced: true },
    { name: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    { name: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  ],
  'networking.k8s.io/v1': [{ name: 'ingresses', kind: 'Ingress', namespaced: true, shortNames: ['ing'] }],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'] }],
  'scheduling.k8s.io/v1': [{ name: 'priorityclasses', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }],
  'certificates.k8s.io/v1': [
    { name: 'certificatesigningrequests', kind: 'CertificateSigningRequest', namespaced: false, shortNames: ['csr'] },
    { name: 'certificatesigningrequests/approval', kind: 'CertificateSigningRequest', namespaced: false, verbs: ['get', 'patch', 'update'] },
  ],
  'authorization.k8s.io/v1': [
    { name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
    { name: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: ['create'] },
  ],
  'authentication.k8s.io/v1': [{ name: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] }],
};

function apiResourceList(gv: string): unknown {
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
    resources: (DISCOVERY[gv] ?? []).map((r) => ({
      name: r.name, singularName: r.name.includes('/') ? '' : r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind,
      verbs: r.verbs ?? VERBS, ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    })),
  };
}

function apiGroupList(): unknown {
  const groups = Object.keys(DISCOVERY).filter((gv) => gv.includes('/')).map((gv) => {
    const [group, version] = gv.split('/') as [string, string];
    const v = { groupVersion: gv, version };
    return { name: group, versions: [v], preferredVersion: v };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

export interface CaptureServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  /** Writes a kubeconfig for this server into dir and returns its path. */
  kubeconfig(dir: string): string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 on a free port. */
export async function startCaptureServer(objects: ReadonlyMap<string, unknown> = new Map()): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = req.url ?? '/';
      const path = url.split('?')[0]!;
      const contentType = req.headers['content-type'] ?? '';
      requests.push({ method: req.method ?? 'GET', url, contentType, accept: req.headers.accept ?? '', body });
      if (req.method === 'GET') {
        if (path === '/version') {
          return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2025-04-22T00:00:00Z', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64' });
        }
        if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${(server.address() as AddressInfo).port}` }] });
        if (path === '/apis') return send(res, 200, apiGroupList());
        if (path === '/api/v1') return send(res, 200, apiResourceList('v1'));
        const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
        if (m && DISCOVERY[`${m[1]}/${m[2]}`]) return send(res, 200, apiResourceList(`${m[1]}/${m[2]}`));
        if (objects.has(path)) return send(res, 200, objects.get(path));
        return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
      }
      // a write: answer with the object as we understood it
      let obj: Record<string, unknown>;
      try {
        obj = isProtobufContentType(contentType) ? decodeProtobufObject(body) : JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch (err) {
        if (err instanceof StatusError) return send(res, err.code, err.toStatus());
        return send(res, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400, message: String(err) });
      }
      // what kubectl needs to read back from the reviews
      if (obj.kind === 'TokenRequest') obj.status = { token: 'captured', expirationTimestamp: '2030-01-01T00:00:00Z' };
      if (obj.kind === 'SelfSubjectAccessReview') obj.status = { allowed: true };
      if (obj.kind === 'SelfSubjectRulesReview') obj.status = { resourceRules: [], nonResourceRules: [], incomplete: false };
      if (obj.kind === 'SelfSubjectReview') obj.status = { userInfo: { username: 'captured', groups: ['system:authenticated'] } };
      return send(res, req.method === 'POST' ? 201 : 200, obj);
    }, () => send(res, 500, {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    kubeconfig(dir: string): string {
      const p = join(dir, 'kubeconfig');
      writeFileSync(p, [
        'apiVersion: v1', 'kind: Config',
        'clusters:', '- name: capture', '  cluster:', `    server: ${url}`,
        'users:', '- name: capture', '  user: {}',
        'contexts:', '- name: capture', '  context:', '    cluster: capture', '    user: capture', '    namespace: default',
        'current-context: capture', '',
      ].join('\n'));
      return p;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface KubectlResult { code: number; stdout: string; stderr: string }

/** Runs kubectl against a capture server with a private kubeconfig and cache dir. */
export function runKubectl(server: CaptureServer, args: readonly string[], timeoutMs = 30_000): Promise<KubectlResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-capture-'));
  const kubeconfig = server.kubeconfig(dir);
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: timeoutMs, env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig } },
      (err, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
  });
}
