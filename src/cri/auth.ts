// Registry credentials for a pull from imagePullSecrets (kubernetes.io/dockerconfigjson and
// kubernetes.io/dockercfg), matched to an image as the kubelet's credential keyring does: by
// registry host (a `*.` wildcard matches one DNS label), then the longest matching path prefix.
import type { CriAuthConfig } from './types.js';

export interface DockerConfigEntry {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** the `auths` map of a .dockerconfigjson, or the whole map of a legacy .dockercfg */
export function parseDockerConfig(json: string): Record<string, DockerConfigEntry> {
  let v: unknown;
  try { v = JSON.parse(json); } catch { return {}; }
  if (!v || typeof v !== 'object') return {};
  const obj = v as Record<string, unknown>;
  const auths = (obj['auths'] && typeof obj['auths'] === 'object' ? obj['auths'] : obj) as Record<string, unknown>;
  const out: Record<string, DockerConfigEntry> = {};
  for (const [k, e] of Object.entries(auths)) if (e && typeof e === 'object') out[k] = e as DockerConfigEntry;
  return out;
}

/** `docker.io/library/busybox:1` -> { host: 'docker.io', path: 'library/busybox' } */
export function imageRepository(image: string): { host: string; path: string } {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const name = colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
  const first = name.split('/')[0]!;
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) return { host: 'docker.io', path: name.includes('/') ? name : `library/${name}` };
  return { host: first, path: name.slice(first.length + 1) };
}

/** a keyring key (`https://host/v1/`, `host/path`, `*.host`) as host and path */
export function parseRegistryKey(key: string): { host: string; path: string } {
  let k = key.trim().replace(/^[a-z]+:\/\//i, '');
  k = k.replace(/\/+$/, '');
  if (k.endsWith('/v1') || k.endsWith('/v2')) k = k.slice(0, -3);
  const slash = k.indexOf('/');
  let host = slash < 0 ? k : k.slice(0, slash);
  const path = slash < 0 ? '' : k.slice(slash + 1);
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  return { host: host.toLowerCase(), path };
}

function hostMatches(pattern: string, host: string): boolean {
  const [ph, pp] = pattern.split(':');
  const [hh, hp] = host.toLowerCase().split(':');
  if ((pp ?? '') !== (hp ?? '')) return false;
  const pl = ph!.split('.');
  const hl = hh!.split('.');
  if (pl.length !== hl.length) return false;
  return pl.every((p, i) => p === '*' || p === hl[i]);
}

function toAuth(e: DockerConfigEntry, server: string): CriAuthConfig {
  let { username, password } = e;
  if ((!username || !password) && e.auth) {
    const dec = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = dec.indexOf(':');
    if (i >= 0) {
      username = dec.slice(0, i);
      password = dec.slice(i + 1);
    }
  }
  const out: CriAuthConfig = { serverAddress: server };
  if (username) out.username = username;
  if (password) out.password = password;
  if (e.identitytoken) out.identityToken = e.identitytoken;
  if (e.registrytoken) out.registryToken = e.registrytoken;
  return out;
}

/**
 * Credentials for `image` from the pod's pull secrets (their decoded .dockerconfigjson/.dockercfg
 * texts, in imagePullSecrets order): every matching entry, most specific first (the kubelet tries
 * them in turn until a pull succeeds).
 */
export function credentialsForImage(image: string, dockerConfigs: string[]): CriAuthConfig[] {
  const repo = imageRepository(image);
  const found: { auth: CriAuthConfig; specificity: number; order: number }[] = [];
  let order = 0;
  for (const text of dockerConfigs) {
    for (const [key, entry] of Object.entries(parseDockerConfig(text))) {
      const k = parseRegistryKey(key);
      order++;
      if (!hostMatches(k.host, repo.host)) continue;
      if (k.path && repo.path !== k.path && !repo.path.startsWith(k.path + '/')) continue;
      found.push({ auth: toAuth(entry, repo.host), specificity: k.path.length + (k.host.includes('*') ? 0 : 1000), order });
    }
  }
  found.sort((a, b) => b.specificity - a.specificity || a.order - b.order);
  return found.map((f) => f.auth);
}

/**
 * `serverAddress` in the form containerd's CRI matches credentials with: it parses the address as a
 * URL and compares the URL's host with the registry host it contacts (`registry-1.docker.io` for
 * docker.io). A bare `host:port` does not parse as a URL there, and a bare host parses as a path.
 */
export function criServerAddress(address: string): string {
  const { host } = parseRegistryKey(address);
  return `https://${host === 'docker.io' ? 'registry-1.docker.io' : host}`;
}
