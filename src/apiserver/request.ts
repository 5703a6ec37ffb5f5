// What a request addresses: parsed from the URL path against the registry.
import type { ResourceInfo, ResourceRegistry } from '../api/registry.js';
import { errors } from '../api/errors.js';

export interface RequestInfo {
  group: string;
  version: string;
  namespace?: string;
  /** the resource as addressed */
  info: ResourceInfo;
  name?: string;
  subresource?: string;
  /** rest of the path after the subresource (proxy paths) */
  subpath?: string;
}

/** Parses `/api/v1/...` and `/apis/g/v/...` resource paths; undefined when it is not one. */
export function parseResourcePath(path: string, registry: ResourceRegistry): RequestInfo | 'unknown' | undefined {
  let segs: string[];
  try {
    segs = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    throw errors.badRequest(`malformed URL path: ${path}`);
  }
  let group: string, version: string, rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = ''; version = segs[1]; rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1]; version = segs[2]; rest = segs.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  let resource: string;
  let name: string | undefined;
  let sub: string[] = [];
  if (rest[0] === 'namespaces' && rest.length >= 3 && registry.get(group, version, rest[2])?.namespaced) {
    namespace = rest[1];
    resource = rest[2];
    name = rest[3];
    sub = rest.slice(4);
  } else {
    resource = rest[0];
    name = rest[1];
    sub = rest.slice(2);
  }
  const info = registry.get(group, version, resource);
  if (!info) return 'unknown';
  if (!info.namespaced && namespace !== undefined) return 'unknown';
  return { group, version, namespace, info, name, subresource: sub[0], subpath: sub.length > 1 ? sub.slice(1).join('/') : undefined };
}

/** The store key of an object: /registry/<group|core>/<resource>/[<namespace>/]<name> */
export function storageKey(info: { group: string; resource: string; namespaced: boolean }, namespace: string | undefined, name: string): string {
  return `${resourcePrefix(info)}${info.namespaced ? `${namespace}/` : ''}${name}`;
}

export function resourcePrefix(info: { group: string; resource: string }): string {
  return `/registry/${info.group || 'core'}/${info.resource}/`;
}
