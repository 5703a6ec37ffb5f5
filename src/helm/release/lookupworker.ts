// The worker behind SyncLookup (lookup.ts): performs the API requests of template `lookup` calls
// and hands each answer back through the message port, waking the blocked renderer.
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { KubeClient, type ClientConfig } from '../../client/client.js';
import { StatusError } from '../../api/errors.js';
import { parseApiVersion } from '../../api/object.js';

interface Init {
  config: ClientConfig;
  port: MessagePort;
  signal: SharedArrayBuffer;
}

export interface LookupRequest {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export type LookupReply = { ok: true; json: string } | { ok: false; error: string };

const init = workerData as Init;
const client = new KubeClient({ ...init.config, userAgent: 'helm' });
const signal = new Int32Array(init.signal);
const resourceLists = new Map<string, Promise<Array<{ name: string; kind: string; namespaced: boolean }>>>();

function resourcesOf(group: string, version: string): Promise<Array<{ name: string; kind: string; namespaced: boolean }>> {
  const gv = group ? `${group}/${version}` : version;
  let p = resourceLists.get(gv);
  if (!p) {
    p = client.request<{ resources?: Array<{ name: string; kind: string; namespaced: boolean }> }>('GET', group ? `/apis/${group}/${version}` : `/api/${version}`).then((l) => l.resources ?? []);
    resourceLists.set(gv, p);
    p.catch(() => resourceLists.delete(gv));
  }
  return p;
}

async function lookup(req: LookupRequest): Promise<unknown> {
  const { group, version } = parseApiVersion(req.apiVersion);
  const gvk = `${group ? group + '/' : ''}${version}, Kind=${req.kind}`;
  let resources;
  try {
    resources = await resourcesOf(group, version);
  } catch (err) {
    throw new Error(`unable to get apiresource from unstructured: ${gvk}: ${(err as Error).message}`);
  }
  const res = resources.find((r) => r.kind === req.kind && !r.name.includes('/'));
  // An unknown kind in a served group version ends in a NotFound, which lookup answers with {}.
  if (!res) return {};
  const ref = { group, version, resource: res.name, namespaced: res.namespaced };
  const ns = res.namespaced && req.namespace ? req.namespace : undefined;
  try {
    if (req.name) return await client.get(ref, ns, req.name);
    return await client.list(ref, ns);
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return {};
    throw err;
  }
}

const port = init.port;
port.on('message', (req: LookupRequest) => {
  lookup(req).then(
    (v) => port.postMessage({ ok: true, json: JSON.stringify(v) } satisfies LookupReply),
    (err: Error) => port.postMessage({ ok: false, error: err.message } satisfies LookupReply),
  ).finally(() => {
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
parentPort?.postMessage('ready');
