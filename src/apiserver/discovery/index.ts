// API discovery documents: what kubectl and client-go read to learn which groups, versions and
// resources the server serves. Pure functions of the ResourceRegistry, plus a small request helper
// that picks the representation (legacy or aggregated v2/v2beta1) from the Accept header and
// answers conditional requests (ETag / If-None-Match -> 304).
import { createHash } from 'node:crypto';
import type { ResourceInfo, ResourceRegistry } from '../../api/registry.js';
import { apiVersionOf } from '../../api/object.js';

// ---------------------------------------------------------------------------------------------
// Types of the documents (field names as in k8s.io/apimachinery meta/v1 and k8s.io/api apidiscovery/v2)

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: Array<{ clientCIDR: string; serverAddress: string }>;
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  metadata: { name: string };
  versions: APIVersionDiscovery[];
}

export type AggregatedVersion = 'v2' | 'v2beta1';

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: `apidiscovery.k8s.io/${AggregatedVersion}`;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

// ---------------------------------------------------------------------------------------------
// Legacy discovery

/** `GET /api`. */
export function apiVersions(serverAddress = '127.0.0.1:6443'): APIVersions {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string, versions: string[], preferred: string): APIGroup {
  const gv = (v: string): GroupVersionForDiscovery => ({ groupVersion: apiVersionOf(group, v), version: v });
  return { name: group, versions: versions.map(gv), preferredVersion: gv(preferred) };
}

/** `GET /apis`: every named group (the legacy group "" is served under /api), preferred version first. */
export function apiGroupList(registry: ResourceRegistry): APIGroupList {
  const groups = registry
    .groupVersions()
    .filter((g) => g.group !== '')
    .map((g) => groupEntry(g.group, g.versions, g.preferred));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `GET /apis/<group>`; undefined when the group is not served. */
export function apiGroup(registry: ResourceRegistry, group: string): APIGroup | undefined {
  if (group === '') return undefined;
  const g = registry.groupVersions().find((x) => x.group === group);
  if (!g) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.group, g.versions, g.preferred) };
}

/** The storage version hash Kubernetes publishes: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

function resourcesOf(registry: ResourceRegistry, group: string, version: string): ResourceInfo[] {
  return registry
    .all()
    .filter((r) => r.group === group && r.version === version)
    .sort((a, b) => cmp(a.resource, b.resource));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `GET /api/v1` and `GET /apis/<group>/<version>`: resources and their subresources ("pods/log"),
 * sorted by name as Kubernetes lists them; undefined when the group/version is not served.
 */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): APIResourceList | undefined {
  const resources = resourcesOf(registry, group, version);
  if (resources.length === 0) return undefined;
  const out: APIResource[] = [];
  for (const r of resources) {
    const main: APIResource = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] };
    if (r.shortNames.length) main.shortNames = [...r.shortNames];
    if (r.categories.length) main.categories = [...r.categories];
    main.storageVersionHash = storageVersionHash(r.group, r.storageVersion || r.version, r.kind);
    out.push(main);
    for (const s of r.subresources) {
      const sub: APIResource = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: [...s.verbs] };
      // Group/version are only spelled out when they differ from the list's (e.g. deployments/scale).
      if (s.group !== group || s.version !== version) {
        sub.group = s.group;
        sub.version = s.version;
      }
      out.push(sub);
    }
  }
  out.sort((a, b) => cmp(a.name, b.name));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources: out };
}

// ---------------------------------------------------------------------------------------------
// Aggregated discovery (apidiscovery.k8s.io v2 / v2beta1)

function resourceDiscovery(r: ResourceInfo): APIResourceDiscovery {
  const d: APIResourceDiscovery = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length) d.shortNames = [...r.shortNames];
  if (r.categories.length) d.categories = [...r.categories];
  if (r.subresources.length) {
    d.subresources = [...r.subresources]
      .sort((a, b) => cmp(a.name, b.name))
      .map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: [...s.verbs] }));
  }
  return d;
}

/**
 * The aggregated discovery document: for `GET /api` (legacy = true: only the group "") or
 * `GET /apis` (legacy = false: every named group, in priority order, preferred version first).
 */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean, version: AggregatedVersion = 'v2'): APIGroupDiscoveryList {
  const byGV = new Map<string, ResourceInfo[]>();
  for (const r of registry.all()) {
    const k = `${r.group}/${r.version}`;
    let list = byGV.get(k);
    if (!list) byGV.set(k, (list = []));
    list.push(r);
  }
  const items: APIGroupDiscovery[] = [];
  for (const g of registry.groupVersions()) {
    if ((g.group === '') !== legacy) continue;
    const versions: APIVersionDiscovery[] = g.versions.map((v) => ({
      version: v,
      resources: (byGV.get(`${g.group}/${v}`) ?? []).sort((a, b) => cmp(a.resource, b.resource)).map(resourceDiscovery),
      freshness: 'Current',
    }));
    items.push({ metadata: { name: g.group }, versions });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** The Content-Type of an aggregated discovery reply. */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
  index: number;
}

function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  let index = 0;
  for (const part of splitOutsideQuotes(header, ',')) {
    const [typePart, ...paramParts] = splitOutsideQuotes(part, ';');
    const type = (typePart ?? '').trim().toLowerCase();
    if (!type) continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      let value = p.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (key === 'q') {
        const n = Number(value);
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 1;
      } else params.set(key, value);
    }
    out.push({ type, params, q, index: index++ });
  }
  return out;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function isJsonish(type: string): boolean {
  return type === 'application/json' || type === 'application/*' || type === '*/*';
}

/**
 * Which representation of `/api` or `/apis` the client asked for: the aggregated v2 or v2beta1
 * document, or false for the legacy one. Follows the client's preference order (q-values, then
 * list order); media types this server cannot produce (e.g. protobuf) are skipped.
 */
export function acceptsAggregated(acceptHeader: string | undefined): AggregatedVersion | false {
  if (!acceptHeader) return false;
  const ranges = parseAccept(acceptHeader)
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranges) {
    const g = r.params.get('g');
    const as = r.params.get('as');
    if (g !== undefined || as !== undefined) {
      // A typed request: usable only when it names the aggregated discovery list in JSON.
      const v = r.params.get('v');
      if (r.type === 'application/json' && g === 'apidiscovery.k8s.io' && as === 'APIGroupDiscoveryList' && (v === 'v2' || v === 'v2beta1')) return v;
      continue;
    }
    if (isJsonish(r.type)) return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Conditional requests

/** A strong ETag for a response body (quoted upper-case hex sha512, as Kubernetes computes hashes). */
export function etagOf(body: string): string {
  return `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`;
}

/** Whether an If-None-Match header matches the ETag (weak comparison, lists and `*` understood). */
export function ifNoneMatchHits(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const want = etag.replace(/^W\//, '');
  for (const raw of splitOutsideQuotes(ifNoneMatch, ',')) {
    const t = raw.trim();
    if (t === '*') return true;
    if (t.replace(/^W\//, '') === want) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Request helper

export interface DiscoveryRequest {
  /** URL path without the query, e.g. "/apis" or "/apis/apps/v1" (a trailing slash is tolerated). */
  path: string;
  accept?: string;
  ifNoneMatch?: string;
}

export interface DiscoveryReply {
  status: 200 | 304 | 404;
  headers: Record<string, string>;
  body: string;
}

export interface DiscoveryOptions {
  /** The address advertised in APIVersions.serverAddressByClientCIDRs. */
  serverAddress?: string;
}

/**
 * Answers the discovery endpoints (`/api`, `/api/v1`, `/apis`, `/apis/<g>`, `/apis/<g>/<v>`).
 * Returns undefined for paths that are not discovery paths (e.g. `/api/v1/pods`) so the caller can
 * route them elsewhere; a 404 reply for discovery-shaped paths of unknown groups/versions.
 */
export function handleDiscovery(registry: ResourceRegistry, req: DiscoveryRequest, opts: DiscoveryOptions = {}): DiscoveryReply | undefined {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  const parts = path.split('/').filter(Boolean);
  let doc: unknown;
  let contentType = 'application/json';
  let vary = false;
  if (parts[0] === 'api' && parts.length <= 2) {
    if (parts.length === 1) {
      vary = true;
      const agg = acceptsAggregated(req.accept);
      if (agg) {
        doc = aggregatedDiscovery(registry, true, agg);
        contentType = aggregatedContentType(agg);
      } else doc = apiVersions(opts.serverAddress);
    } else doc = apiResourceList(registry, '', parts[1]!);
  } else if (parts[0] === 'apis' && parts.length <= 3) {
    if (parts.length === 1) {
      vary = true;
      const agg = acceptsAggregated(req.accept);
      if (agg) {
        doc = aggregatedDiscovery(registry, false, agg);
        contentType = aggregatedContentType(agg);
      } else doc = apiGroupList(registry);
    } else if (parts.length === 2) doc = apiGroup(registry, parts[1]!);
    else doc = apiResourceList(registry, parts[1]!, parts[2]!);
  } else return undefined;

  if (doc === undefined) {
    const body = JSON.stringify({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404,
    });
    return { status: 404, headers: { 'Content-Type': 'application/json' }, body };
  }
  const body = JSON.stringify(doc);
  const etag = etagOf(body);
  const headers: Record<string, string> = { 'Content-Type': contentType, ETag: etag };
  if (vary) headers['Vary'] = 'Accept';
  if (ifNoneMatchHits(req.ifNoneMatch, etag)) return { status: 304, headers, body: '' };
  return { status: 200, headers, body };
}
