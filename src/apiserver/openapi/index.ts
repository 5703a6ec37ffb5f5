// The OpenAPI documents the server publishes, built from the ResourceRegistry and the schema facts
// of src/api/schema.ts:
// - `/openapi/v3`: an index of per group/version documents, each addressed with a content hash;
// - `/openapi/v3/api/v1`, `/openapi/v3/apis/<g>/<v>`: OpenAPI 3.0 documents (paths + component
//   schemas) — what `kubectl apply` (patch GVK, fieldValidation, merge keys) and `kubectl explain` read;
// - `/openapi/v2`: the whole API as one Swagger 2.0 document (JSON only).
// Documents are generated on first use, cached per registry and rebuilt when the registry changes
// (or when a kind's registered schema object is replaced).
import { createHash } from 'node:crypto';
import type { ResourceInfo, ResourceRegistry, SubresourceInfo } from '../../api/registry.js';
import { definitionName, schemaForKind, type SchemaNode } from '../../api/schema.js';
import type { JsonObject } from '../../api/object.js';
import { etagOf, ifNoneMatchHits } from '../discovery/index.js';
import { buildPaths, groupTag, referencedDefinitions, renderV2Paths, renderV3Paths, type DefinitionNames, type PathSpec } from './paths.js';
import {
  builtinSource, convertSchema, crdDefinitionName, crdKindDefinition, crdListDefinition, definitionClosure,
  type DefinitionSource,
} from './schemas.js';

export { crdDefinitionName } from './schemas.js';

export interface OpenAPIV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenAPIV3Document {
  components: { schemas: Record<string, JsonObject> };
  info: { title: string; version: string };
  openapi: '3.0.0';
  paths: JsonObject;
}

export interface OpenAPIV2Document {
  definitions: Record<string, JsonObject>;
  info: { title: string; version: string };
  paths: JsonObject;
  swagger: '2.0';
}

/** A generated document with its serialisation and hash (upper-case hex sha512 of `json`). */
export interface Published<T> {
  doc: T;
  json: string;
  hash: string;
}

/** "api/v1" for the legacy group, "apis/<group>/<version>" otherwise: the keys of the v3 index. */
export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Inverse of gvPath ("apis/apps/v1" -> apps, v1); undefined for anything else. */
export function parseGVPath(path: string): { group: string; version: string } | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 2 && parts[0] === 'api') return { group: '', version: parts[1]! };
  if (parts.length === 3 && parts[0] === 'apis') return { group: parts[1]!, version: parts[2]! };
  return undefined;
}

function sha512Hex(s: string): string {
  return createHash('sha512').update(s).digest('hex').toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Definitions of one document

/** Converted built-in definitions (immutable inputs, so shared by every document). */
const convertedBuiltins = { v2: new Map<string, JsonObject>(), v3: new Map<string, JsonObject>() };

/** Synthesised definitions (CRD kinds, missing kinds) plus the naming of each resource's kinds. */
class DefinitionSet {
  readonly extra = new Map<string, SchemaNode>();
  readonly kindNames = new Set<string>();

  namesFor(r: ResourceInfo): DefinitionNames {
    let kind: string;
    let list: string;
    if (r.crd) {
      kind = crdDefinitionName(r.group, r.version, r.kind);
      list = crdDefinitionName(r.group, r.version, r.listKind);
      this.extra.set(kind, crdKindDefinition(r.group, r.version, r.kind));
      this.extra.set(list, crdListDefinition(r.group, r.version, r.listKind, kind));
    } else {
      kind = this.builtin(r.group, r.version, r.kind);
      list = this.builtin(r.group, r.version, r.listKind);
    }
    this.kindNames.add(kind);
    this.kindNames.add(list);
    const own = { group: r.group, version: r.version, kind: r.kind };
    return {
      kind,
      list,
      sub: (s: SubresourceInfo) => {
        if (s.kind.endsWith('Options')) return undefined;
        if (s.group === own.group && s.version === own.version && s.kind === own.kind) return kind;
        return this.builtin(s.group, s.version, s.kind);
      },
    };
  }

  /** The built-in definition of a kind; a permissive stand-in if the tables do not know it. */
  private builtin(group: string, version: string, kind: string): string {
    const name = definitionName(group, version, kind);
    if (name) return name;
    const stand = crdDefinitionName(group || 'core', version, kind);
    if (!this.extra.has(stand)) {
      const registered = schemaForKind(group, version, kind);
      this.extra.set(stand, {
        ...(registered ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
        'x-kubernetes-group-version-kind': [{ group, kind, version }],
      });
    }
    return stand;
  }

  source(): DefinitionSource {
    return builtinSource(this.extra);
  }

  /** Every definition reachable from the paths, converted for the target version, by name. */
  render(paths: PathSpec[], target: 'v2' | 'v3'): Record<string, JsonObject> {
    const source = this.source();
    const roots = new Set([...referencedDefinitions(paths), ...this.kindNames]);
    const names = definitionClosure(roots, source);
    const present = new Set(names);
    const has = (n: string) => present.has(n);
    const out: Record<string, JsonObject> = {};
    const cache = convertedBuiltins[target];
    for (const name of names) {
      const node = source(name)!;
      if (this.extra.has(name)) {
        out[name] = convertSchema(node, target, has);
        continue;
      }
      let c = cache.get(name);
      if (!c) cache.set(name, (c = convertSchema(node, target, has)));
      out[name] = c;
    }
    return out;
  }
}

function buildV3(group: string, version: string, resources: ResourceInfo[]): Published<OpenAPIV3Document> {
  const defs = new DefinitionSet();
  const paths = buildPaths(group, version, resources, (r) => defs.namesFor(r));
  const doc: OpenAPIV3Document = {
    components: { schemas: defs.render(paths, 'v3') },
    info: { title: 'Kubernetes', version: 'unversioned' },
    openapi: '3.0.0',
    paths: renderV3Paths(paths, `${groupTag(group)}_${version}`),
  };
  const json = JSON.stringify(doc);
  return { doc, json, hash: sha512Hex(json) };
}

function buildV2(byGV: Map<string, { group: string; version: string; resources: ResourceInfo[] }>): Published<OpenAPIV2Document> {
  const defs = new DefinitionSet();
  const allPaths: PathSpec[] = [];
  const rendered: JsonObject = {};
  for (const { group, version, resources } of byGV.values()) {
    const paths = buildPaths(group, version, resources, (r) => defs.namesFor(r));
    allPaths.push(...paths);
    Object.assign(rendered, renderV2Paths(paths, `${groupTag(group)}_${version}`));
  }
  const sortedPaths: JsonObject = {};
  for (const k of Object.keys(rendered).sort()) sortedPaths[k] = rendered[k]!;
  const doc: OpenAPIV2Document = {
    definitions: defs.render(allPaths, 'v2'),
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: sortedPaths,
    swagger: '2.0',
  };
  const json = JSON.stringify(doc);
  return { doc, json, hash: sha512Hex(json) };
}

// ---------------------------------------------------------------------------------------------
// Per-registry cache

const schemaIds = new WeakMap<object, number>();
let nextSchemaId = 1;
function schemaId(node: SchemaNode | undefined): number {
  if (!node) return 0;
  let id = schemaIds.get(node);
  if (id === undefined) schemaIds.set(node, (id = nextSchemaId++));
  return id;
}

/** What a group/version document depends on: its resources and the identity of CRD schemas. */
function fingerprint(resources: ResourceInfo[]): string {
  return JSON.stringify(resources.map((r) => [r, r.crd ? schemaId(schemaForKind(r.group, r.version, r.kind)) : 0]));
}

interface GVEntry {
  fingerprint: string;
  published: Published<OpenAPIV3Document>;
}

class Publisher {
  private gv = new Map<string, GVEntry>();
  private v2?: { fingerprint: string; published: Published<OpenAPIV2Document> };
  private grouped?: Map<string, { group: string; version: string; resources: ResourceInfo[] }>;

  constructor(private readonly registry: ResourceRegistry) {
    registry.onChange(() => {
      this.grouped = undefined;
      // Documents of group/versions no longer served are dropped; the others are revalidated by
      // fingerprint on their next use (a CRD added to one group leaves the others' documents alone).
      const served = new Set(registry.all().map((r) => gvPath(r.group, r.version)));
      for (const k of this.gv.keys()) if (!served.has(k)) this.gv.delete(k);
    });
  }

  /** Served resources by gvPath, each list sorted by resource name; in discovery order. */
  private byGV(): Map<string, { group: string; version: string; resources: ResourceInfo[] }> {
    if (this.grouped) return this.grouped;
    const out = new Map<string, { group: string; version: string; resources: ResourceInfo[] }>();
    for (const g of this.registry.groupVersions()) {
      for (const v of g.versions) out.set(gvPath(g.group, v), { group: g.group, version: v, resources: [] });
    }
    for (const r of this.registry.all()) out.get(gvPath(r.group, r.version))?.resources.push(r);
    for (const e of out.values()) e.resources.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
    this.grouped = out;
    return out;
  }

  groupVersion(group: string, version: string): Published<OpenAPIV3Document> | undefined {
    const key = gvPath(group, version);
    const entry = this.byGV().get(key);
    if (!entry || entry.resources.length === 0) return undefined;
    const fp = fingerprint(entry.resources);
    const cached = this.gv.get(key);
    if (cached && cached.fingerprint === fp) return cached.published;
    const published = buildV3(group, version, entry.resources);
    this.gv.set(key, { fingerprint: fp, published });
    return published;
  }

  index(): Published<OpenAPIV3Index> {
    const paths: OpenAPIV3Index['paths'] = {};
    const keys = [...this.byGV().keys()].sort();
    for (const key of keys) {
      const gv = parseGVPath(key)!;
      const p = this.groupVersion(gv.group, gv.version);
      if (p) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${p.hash}` };
    }
    const doc: OpenAPIV3Index = { paths };
    const json = JSON.stringify(doc);
    return { doc, json, hash: sha512Hex(json) };
  }

  swagger(): Published<OpenAPIV2Document> {
    const grouped = this.byGV();
    const fp = JSON.stringify([...grouped.values()].map((e) => fingerprint(e.resources)));
    if (this.v2 && this.v2.fingerprint === fp) return this.v2.published;
    const published = buildV2(grouped);
    this.v2 = { fingerprint: fp, published };
    return published;
  }
}

const publishers = new WeakMap<ResourceRegistry, Publisher>();
function publisher(registry: ResourceRegistry): Publisher {
  let p = publishers.get(registry);
  if (!p) publishers.set(registry, (p = new Publisher(registry)));
  return p;
}

// ---------------------------------------------------------------------------------------------
// Public API (returned documents are cached and shared: treat them as read-only)

/** `GET /openapi/v3`: `{paths: {"api/v1": {serverRelativeURL: "/openapi/v3/api/v1?hash=<HASH>"}, ...}}`. */
export function openapiV3Index(registry: ResourceRegistry): OpenAPIV3Index {
  return publisher(registry).index().doc;
}

/** `GET /openapi/v3/<gvPath>`: the OpenAPI 3.0 document of one served group/version. */
export function openapiV3GroupVersion(registry: ResourceRegistry, group: string, version: string): OpenAPIV3Document | undefined {
  return publisher(registry).groupVersion(group, version)?.doc;
}

/** The same, with its serialisation and hash (the `hash` query parameter of the index). */
export function openapiV3GroupVersionPublished(registry: ResourceRegistry, group: string, version: string): Published<OpenAPIV3Document> | undefined {
  return publisher(registry).groupVersion(group, version);
}

/** `GET /openapi/v2`: every served group/version in one Swagger 2.0 document. */
export function openapiV2(registry: ResourceRegistry): OpenAPIV2Document {
  return publisher(registry).swagger().doc;
}

// ---------------------------------------------------------------------------------------------
// Request helper

export interface OpenAPIRequest {
  /** URL path without the query: "/openapi/v3", "/openapi/v3/apis/apps/v1", "/openapi/v2". */
  path: string;
  /** The `hash` query parameter, when present. */
  hash?: string;
  accept?: string;
  ifNoneMatch?: string;
}

export interface OpenAPIReply {
  status: 200 | 301 | 304 | 404 | 406;
  headers: Record<string, string>;
  body: string;
}

function notFound(): OpenAPIReply {
  const body = JSON.stringify({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404,
  });
  return { status: 404, headers: { 'Content-Type': 'application/json' }, body };
}

function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const t = part.split(';')[0]!.trim().toLowerCase();
    const qm = /;\s*q=([0-9.]+)/.exec(part);
    return (t === 'application/json' || t === 'application/*' || t === '*/*') && (!qm || Number(qm[1]) > 0);
  });
}

function reply(json: string, req: OpenAPIRequest, extra: Record<string, string> = {}): OpenAPIReply {
  const etag = etagOf(json);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: etag, ...extra };
  if (ifNoneMatchHits(req.ifNoneMatch, etag)) return { status: 304, headers, body: '' };
  return { status: 200, headers, body: json };
}

/**
 * Answers `/openapi/v3`, `/openapi/v3/<gvPath>` and `/openapi/v2` like kube-apiserver: a group/version
 * document asked for with a stale `hash` is redirected (301) to its current hash; with the current
 * hash it may be cached forever. `/openapi/v2` is JSON only: a client that accepts only protobuf
 * gets 406. Returns undefined for other paths.
 */
export function handleOpenAPI(registry: ResourceRegistry, req: OpenAPIRequest): OpenAPIReply | undefined {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  if (path === '/openapi/v2') {
    if (!acceptsJson(req.accept)) {
      return { status: 406, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'only application/json is served', reason: 'NotAcceptable', code: 406,
      }) };
    }
    return reply(publisher(registry).swagger().json, req);
  }
  if (path === '/openapi/v3') return reply(publisher(registry).index().json, req);
  if (!path.startsWith('/openapi/v3/')) return undefined;
  const rest = path.slice('/openapi/v3/'.length);
  const gv = parseGVPath(rest);
  if (!gv) return notFound();
  const published = publisher(registry).groupVersion(gv.group, gv.version);
  if (!published) return notFound();
  if (req.hash !== undefined && req.hash !== '') {
    if (req.hash !== published.hash) {
      const location = `/openapi/v3/${gvPath(gv.group, gv.version)}?hash=${published.hash}`;
      return { status: 301, headers: { Location: location, 'Content-Type': 'application/json' }, body: '' };
    }
    const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
    return reply(published.json, req, { 'Cache-Control': 'public, immutable', Expires: expires, Vary: 'Accept' });
  }
  return reply(published.json, req);
}
