// Chart repositories (pkg/repo, pkg/helmpath, pkg/downloader): repositories.yaml under the Helm
// config home, index caches under the cache home, index.yaml fetching over HTTP(S), version
// resolution, chart downloads and `helm repo index`.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { archiveFiles, loadFiles } from '../chart/load.js';
import type { ChartMetadata } from '../chart/types.js';
import { SemverConstraints, SemverVersion, compareVersions } from '../sprig/semver.js';
import { isTable } from '../values/coalesce.js';
import { marshalYaml, yamlToValue } from '../values/yaml.js';

export interface RepoEntry {
  name: string;
  url: string;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure_skip_tls_verify?: boolean;
  pass_credentials_all?: boolean;
}

export interface RepoFile {
  apiVersion: string;
  generated: string;
  repositories: RepoEntry[];
}

export interface ChartVersion extends Partial<ChartMetadata> {
  name: string;
  version: string;
  urls: string[];
  created?: string;
  digest?: string;
}

export interface IndexFile {
  apiVersion: string;
  generated: string;
  entries: Record<string, ChartVersion[]>;
}

/** helmpath: config, cache and repository locations from HELM_* / XDG_* variables. */
export function helmPaths(env: NodeJS.ProcessEnv = process.env): { configHome: string; cacheHome: string; repositoryConfig: string; repositoryCache: string } {
  const home = env.HOME ?? homedir();
  const configHome = env.HELM_CONFIG_HOME ?? join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'helm');
  const cacheHome = env.HELM_CACHE_HOME ?? join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'helm');
  return {
    configHome,
    cacheHome,
    repositoryConfig: env.HELM_REPOSITORY_CONFIG ?? join(configHome, 'repositories.yaml'),
    repositoryCache: env.HELM_REPOSITORY_CACHE ?? join(cacheHome, 'repository'),
  };
}

export function loadRepoFile(path: string): RepoFile {
  if (!existsSync(path)) return { apiVersion: '', generated: '0001-01-01T00:00:00Z', repositories: [] };
  const v = yamlToValue(readFileSync(path, 'utf8'));
  const f = (isTable(v) ? v : {}) as Partial<RepoFile>;
  return { apiVersion: f.apiVersion ?? '', generated: f.generated ?? '0001-01-01T00:00:00Z', repositories: Array.isArray(f.repositories) ? f.repositories : [] };
}

export function saveRepoFile(path: string, f: RepoFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const repos = f.repositories.map((r) => ({
    caFile: r.caFile ?? '', certFile: r.certFile ?? '', insecure_skip_tls_verify: r.insecure_skip_tls_verify ?? false, keyFile: r.keyFile ?? '',
    name: r.name, pass_credentials_all: r.pass_credentials_all ?? false, password: r.password ?? '', url: r.url, username: r.username ?? '',
  }));
  writeFileSync(path, marshalYaml({ apiVersion: f.apiVersion, generated: f.generated, repositories: repos }), { mode: 0o600 });
}

/** GET a URL (http/https, following redirects), with optional basic auth. */
export function fetchUrl(url: string, auth?: { username?: string; password?: string }, redirects = 10): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const get = u.protocol === 'https:' ? httpsGet : u.protocol === 'http:' ? httpGet : undefined;
    if (!get) {
      reject(new Error(`could not find protocol handler for: ${u.protocol.replace(/:$/, '')}`));
      return;
    }
    const headers: Record<string, string> = { 'User-Agent': 'Helm/3.21.0' };
    if (auth?.username) headers.Authorization = 'Basic ' + Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64');
    const req = get(u, { headers, timeout: 120000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        fetchUrl(new URL(res.headers.location, u).toString(), auth, redirects - 1).then(resolve, reject);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (status !== 200) reject(new Error(`failed to fetch ${url} : ${status} ${res.statusMessage ?? ''}`.trimEnd()));
        else resolve(Buffer.concat(chunks));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout fetching ${url}`)));
    req.on('error', reject);
  });
}

/** Parses and validates an index.yaml (repo.loadIndex). */
export function parseIndex(data: Buffer | string, source = 'index.yaml'): IndexFile {
  const text = data.toString();
  if (text.trim() === '') throw new Error('no API version specified');
  const v = yamlToValue(text);
  if (!isTable(v)) throw new Error(`error unmarshaling JSON: ${source} is not a map`);
  if (!v.apiVersion) throw new Error('no API version specified');
  const entries: Record<string, ChartVersion[]> = {};
  const raw = isTable(v.entries) ? v.entries : {};
  for (const [name, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) continue;
    const valid: ChartVersion[] = [];
    for (const cv of list) {
      if (!isTable(cv) || typeof cv.version !== 'string' || typeof cv.name !== 'string') continue;
      try {
        SemverVersion.parse(cv.version);
      } catch {
        continue;
      }
      valid.push({ ...(cv as unknown as ChartVersion), urls: Array.isArray(cv.urls) ? (cv.urls as string[]) : [] });
    }
    valid.sort((a, b) => compareVersions(SemverVersion.parse(b.version), SemverVersion.parse(a.version)));
    entries[name] = valid;
  }
  return { apiVersion: String(v.apiVersion), generated: String(v.generated ?? ''), entries };
}

export function indexCachePath(cacheDir: string, repoName: string): string {
  return join(cacheDir, `${repoName}-index.yaml`);
}

/** Downloads a repository's index.yaml into the cache; returns the parsed index. */
export async function downloadIndex(entry: RepoEntry, cacheDir: string): Promise<IndexFile> {
  const base = entry.url.replace(/\/+$/, '');
  let data: Buffer;
  try {
    data = await fetchUrl(`${base}/index.yaml`, entry);
  } catch (e) {
    throw new Error(`looks like "${entry.url}" is not a valid chart repository or cannot be reached: ${(e as Error).message}`);
  }
  const idx = parseIndex(data);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(indexCachePath(cacheDir, entry.name), data);
  const names = Object.keys(idx.entries).sort().join('\n') + '\n';
  writeFileSync(join(cacheDir, `${entry.name}-charts.txt`), names);
  return idx;
}

/** IndexFile.Get: the highest version matching a constraint ("" = latest stable). */
export function findChartVersion(idx: IndexFile, name: string, version: string | undefined): ChartVersion | undefined {
  const list = idx.entries[name];
  if (!list || list.length === 0) return undefined;
  let constraint: SemverConstraints | undefined;
  if (version && version !== '') {
    try {
      constraint = SemverConstraints.parse(version);
    } catch {
      return list.find((v) => v.version === version);
    }
  }
  for (const cv of list) {
    const sv = SemverVersion.parse(cv.version);
    if (!constraint) {
      if (sv.pre === '') return cv;
      continue;
    }
    if (constraint.check(sv)) return cv;
  }
  return undefined;
}

/** Resolves a chart URL from an index entry relative to the repository URL. */
export function resolveChartUrl(repoUrl: string, cv: ChartVersion): string {
  const u = cv.urls[0];
  if (!u) throw new Error(`chart "${cv.name}" version "${cv.version}" has no downloadable URLs`);
  return new URL(u, repoUrl.replace(/\/*$/, '/')).toString();
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `helm repo index`: builds index.yaml for the .tgz archives in a directory. */
export function indexDirectory(dir: string, baseUrl: string, mergeWith?: IndexFile, now = new Date()): IndexFile {
  const idx: IndexFile = mergeWith ? structuredClone(mergeWith) : { apiVersion: 'v1', generated: '', entries: {} };
  const files = readdirSync(dir).filter((f) => f.endsWith('.tgz')).sort();
  for (const f of files) {
    const data = readFileSync(join(dir, f));
    const ch = loadFiles(archiveFiles(data));
    const md = ch.metadata;
    const list = (idx.entries[md.name] ??= []);
    if (list.some((v) => v.version === md.version)) continue;
    const url = baseUrl ? `${baseUrl.replace(/\/+$/, '')}/${f}` : f;
    const entry: ChartVersion = { ...stripEmpty(md), name: md.name, version: md.version, urls: [url], created: now.toISOString(), digest: sha256(data) };
    list.push(entry);
  }
  for (const list of Object.values(idx.entries)) {
    list.sort((a, b) => compareVersions(SemverVersion.parse(b.version), SemverVersion.parse(a.version)));
  }
  idx.generated = now.toISOString();
  return idx;
}

function stripEmpty(md: ChartMetadata): Partial<ChartMetadata> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(md)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as Partial<ChartMetadata>;
}

export function indexYaml(idx: IndexFile): string {
  return marshalYaml({ apiVersion: idx.apiVersion, entries: idx.entries, generated: idx.generated });
}

export function loadCachedIndex(cacheDir: string, repoName: string): IndexFile {
  const p = indexCachePath(cacheDir, repoName);
  if (!existsSync(p)) throw new Error(`no cached repo found. (try 'helm repo update'): open ${p}: no such file or directory`);
  return parseIndex(readFileSync(p));
}

export interface ResolvedChart {
  data: Buffer;
  filename: string;
  version: ChartVersion;
}

/** Downloads chart `name` (version constraint) from a repository URL. */
export async function downloadChartFromRepo(repoUrl: string, name: string, version: string | undefined, auth?: RepoEntry, cacheDir?: string): Promise<ResolvedChart> {
  let idx: IndexFile;
  if (auth && cacheDir && existsSync(indexCachePath(cacheDir, auth.name))) idx = loadCachedIndex(cacheDir, auth.name);
  else idx = parseIndex(await fetchUrl(`${repoUrl.replace(/\/+$/, '')}/index.yaml`, auth));
  const cv = findChartVersion(idx, name, version);
  if (!cv) {
    if (version) throw new Error(`chart "${name}" matching ${version} not found in ${auth?.name ?? repoUrl} index. (try 'helm repo update'): no chart version found for ${name}-${version}`);
    throw new Error(`chart "${name}" not found in ${repoUrl} repository`);
  }
  const url = resolveChartUrl(repoUrl, cv);
  const data = await fetchUrl(url, auth?.pass_credentials_all || sameHost(url, repoUrl) ? auth : undefined);
  return { data, filename: basename(new URL(url).pathname), version: cv };
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}

/** Finds the repository entry a reference names: "@name", "alias:name", or a URL. */
export function findRepo(repos: RepoEntry[], ref: string): RepoEntry | undefined {
  if (ref.startsWith('@')) return repos.find((r) => r.name === ref.slice(1));
  if (ref.startsWith('alias:')) return repos.find((r) => r.name === ref.slice(6));
  const norm = ref.replace(/\/+$/, '');
  return repos.find((r) => r.url.replace(/\/+$/, '') === norm);
}

export function digestOf(data: Buffer): string {
  return sha256(data);
}
