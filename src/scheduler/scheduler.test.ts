// The Scheduler against a tiny in-process stand-in for the API server (lists, watches, binding,
// status patch, events): checks the wire format of what the scheduler sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../client/client.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './testutil.js';

interface Recorded {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

class FakeApiServer {
  readonly requests: Recorded[] = [];
  private rv = 10;
  private readonly objects: Record<string, Map<string, { metadata?: { name?: string; namespace?: string; resourceVersion?: string } }>> = { nodes: new Map(), pods: new Map(), namespaces: new Map() };
  private readonly watchers: Record<string, http.ServerResponse[]> = { nodes: [], pods: [], namespaces: [] };
  readonly server = http.createServer((req, res) => this.handle(req, res));

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    for (const ws of Object.values(this.watchers)) for (const w of ws) w.end();
    this.server.closeAllConnections();
    this.server.close();
  }

  put(kind: 'nodes' | 'pods' | 'namespaces', obj: Node | Pod, type: 'ADDED' | 'MODIFIED' = 'ADDED'): void {
    const o = structuredClone(obj) as { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };
    o.metadata = { ...o.metadata, resourceVersion: String(++this.rv) };
    this.objects[kind].set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    for (const w of this.watchers[kind]) w.write(JSON.stringify({ type, object: o }) + '\n');
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const body = text ? JSON.parse(text) : undefined;
      const reply = (code: number, obj: unknown) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const list = /^\/api\/v1\/(nodes|pods|namespaces)$/.exec(url.pathname);
      if (req.method === 'GET' && list) {
        const kind = list[1];
        if (url.searchParams.get('watch') === 'true') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          this.watchers[kind].push(res);
          return;
        }
        return reply(200, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items: [...this.objects[kind].values()] });
      }
      this.requests.push({ method: req.method ?? '', path: url.pathname, contentType: req.headers['content-type'], body });
      const binding = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/binding$/.exec(url.pathname);
      if (req.method === 'POST' && binding) {
        const pod = this.objects.pods.get(`${binding[1]}/${binding[2]}`) as Pod | undefined;
        if (!pod) return reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
        this.put('pods', { ...pod, spec: { ...pod.spec!, nodeName: body.target.name } }, 'MODIFIED');
        return reply(201, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 });
      }
      return reply(req.method === 'POST' ? 201 : 200, body ?? {});
    });
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('Scheduler: binds through pods/binding, reports failures through status and events, reacts to watch events', async () => {
  const api = new FakeApiServer();
  const server = await api.listen();
  api.put('nodes', makeNode('n1', { cpu: '1' }));
  api.put('pods', makePod('small', { cpu: '500m' }));
  api.put('pods', makePod('big', { cpu: '4' }));
  api.put('pods', makePod('running', { cpu: '200m', nodeName: 'n1' }));
  const client = new KubeClient({ server });
  const scheduler = new Scheduler(client, { instance: 'test-instance', podInitialBackoffMs: 5, recordScheduledEvents: false });
  try {
    await scheduler.start();
    await until(() => api.requests.some((r) => r.path.endsWith('/small/binding')) && api.requests.some((r) => r.path.endsWith('/big/status')) && api.requests.some((r) => r.path.endsWith('/events')), 'the first cycle');

    const bind = api.requests.find((r) => r.path === '/api/v1/namespaces/default/pods/small/binding')!;
    assert.equal(bind.method, 'POST');
    assert.deepEqual(bind.body, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'small', namespace: 'default', uid: 'uid-default-small' }, target: { apiVersion: 'v1', kind: 'Node', name: 'n1' } });

    const message = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    const status = api.requests.find((r) => r.path === '/api/v1/namespaces/default/pods/big/status')!;
    assert.equal(status.method, 'PATCH');
    assert.equal(status.contentType, 'application/strategic-merge-patch+json');
    const cond = (status.body as { status: { conditions: Array<Record<string, string>> } }).status.conditions[0];
    assert.match(cond.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual({ ...cond, lastTransitionTime: undefined }, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: undefined });

    const event = api.requests.find((r) => r.path === '/api/v1/namespaces/default/events')!;
    assert.equal(event.method, 'POST');
    const e = event.body as Record<string, unknown> & { metadata: { name: string } };
    assert.match(e.metadata.name, /^big\.[0-9a-f]+$/);
    assert.deepEqual(e.involvedObject, { kind: 'Pod', namespace: 'default', name: 'big', uid: 'uid-default-big', apiVersion: 'v1', resourceVersion: (e.involvedObject as { resourceVersion: string }).resourceVersion });
    assert.equal(e.reason, 'FailedScheduling');
    assert.equal(e.type, 'Warning');
    assert.equal(e.message, message);
    assert.equal((e.source as { component: string }).component, 'default-scheduler');
    assert.equal(e.reportingComponent, 'default-scheduler');
    assert.equal(e.reportingInstance, 'test-instance');
    assert.equal(e.count, 1);

    // A bigger node arrives through the watch: the parked pod is retried and bound there.
    api.put('nodes', makeNode('n2', { cpu: '8' }));
    await until(() => api.requests.some((r) => r.path.endsWith('/big/binding')), 'the big pod to be bound');
    const bigBind = api.requests.find((r) => r.path.endsWith('/big/binding'))!;
    assert.equal((bigBind.body as { target: { name: string } }).target.name, 'n2');
    // The bindings came back through the pod watch and are confirmed in the cache.
    await until(() => scheduler.loop.snapshot.get('n2')!.podCount === 1 && !scheduler.loop.snapshot.isAssumed('uid-default-big'), 'the binding to be observed');
    assert.equal(scheduler.loop.snapshot.get('n1')!.requested.milliCPU, 700);
  } finally {
    scheduler.stop();
    client.close();
    api.close();
  }
});
