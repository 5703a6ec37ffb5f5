// Loading charts from a directory or a .tgz archive (pkg/chart/loader), with Helm's validation
// and error messages.

import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isTable } from '../values/coalesce.js';
import { readValuesYaml, yamlToValue } from '../values/yaml.js';
import { SemverVersion } from '../sprig/semver.js';
import { HelmIgnore } from './helmignore.js';
import { gunzip, isGzip, readTar } from './tar.js';
import { LoadedChart, type ChartFile, type ChartLock, type ChartMetadata } from './types.js';

export class ChartLoadError extends Error {}

const stringFields = ['apiVersion', 'name', 'version', 'kubeVersion', 'description', 'type', 'home', 'icon', 'appVersion', 'condition', 'tags'];

function parseMetadata(data: Buffer, file: string): ChartMetadata {
  let v: unknown;
  try {
    v = yamlToValue(data.toString('utf8'));
  } catch (e) {
    throw new ChartLoadError(`cannot load ${file}: ${(e as Error).message}`);
  }
  if (v === null) v = {};
  if (!isTable(v)) throw new ChartLoadError(`cannot load ${file}: error unmarshaling JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type chart.Metadata`);
  for (const f of stringFields) {
    const x = v[f];
    if (x !== undefined && x !== null && typeof x !== 'string') {
      const t = typeof x === 'number' ? 'number' : typeof x === 'boolean' ? 'bool' : Array.isArray(x) ? 'array' : 'object';
      throw new ChartLoadError(`cannot load ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${t} into Go struct field Metadata.${f} of type string`);
    }
  }
  const md = { ...v } as unknown as ChartMetadata;
  for (const f of stringFields) if ((md as unknown as Record<string, unknown>)[f] === null) delete (md as unknown as Record<string, unknown>)[f];
  md.apiVersion ??= '';
  md.name ??= '';
  md.version ??= '';
  return md;
}

export function isValidSemver(v: string): boolean {
  try {
    SemverVersion.parse(v);
    return true;
  } catch {
    return false;
  }
}

const aliasNameFormat = /^[a-zA-Z0-9_-]+$/;

/** chart.Metadata.Validate. */
export function validateMetadata(md: ChartMetadata | undefined): void {
  if (!md) throw new ChartLoadError('validation: chart.metadata is required');
  if (!md.apiVersion) throw new ChartLoadError('validation: chart.metadata.apiVersion is required');
  if (!md.name) throw new ChartLoadError('validation: chart.metadata.name is required');
  if (md.name !== posix.basename(md.name) || md.name === '.' || md.name === '..') {
    throw new ChartLoadError(`validation: chart.metadata.name "${md.name}" is invalid`);
  }
  if (!md.version) throw new ChartLoadError('validation: chart.metadata.version is required');
  if (!isValidSemver(md.version)) throw new ChartLoadError(`validation: chart.metadata.version "${md.version}" is invalid`);
  if (md.type !== undefined && md.type !== '' && md.type !== 'application' && md.type !== 'library') {
    throw new ChartLoadError('validation: chart.metadata.type must be application or library');
  }
  for (const d of md.dependencies ?? []) {
    if (!d || typeof d !== 'object') throw new ChartLoadError('validation: dependencies must not contain empty or null nodes');
    if (d.alias && !aliasNameFormat.test(d.alias)) throw new ChartLoadError(`validation: dependency "${d.name}" has disallowed characters in the alias`);
  }
}

/** Builds a chart from its files (paths relative to the chart root), as loader.LoadFiles does. */
export function loadFiles(files: ChartFile[]): LoadedChart {
  let md: ChartMetadata | undefined;
  for (const f of files) {
    if (f.name === 'Chart.yaml') md = parseMetadata(f.data, 'Chart.yaml');
  }
  if (!md) throw new ChartLoadError('Chart.yaml file is missing');
  if (!md.apiVersion) md.apiVersion = 'v1';
  const c = new LoadedChart(md);
  const subcharts = new Map<string, ChartFile[]>();
  for (const f of files) {
    c.raw.push(f);
    switch (true) {
      case f.name === 'Chart.yaml':
        break;
      case f.name === 'Chart.lock':
      case f.name === 'requirements.lock': {
        try {
          c.lock = yamlToValue(f.data.toString('utf8')) as ChartLock;
        } catch (e) {
          throw new ChartLoadError(`cannot load ${f.name}: ${(e as Error).message}`);
        }
        break;
      }
      case f.name === 'values.yaml':
        try {
          c.values = readValuesYaml(f.data.toString('utf8'));
        } catch (e) {
          throw new ChartLoadError(`cannot load values.yaml: ${(e as Error).message}`);
        }
        break;
      case f.name === 'values.schema.json':
        c.schema = f.data;
        break;
      case f.name === 'requirements.yaml': {
        if (c.metadata.apiVersion !== 'v1') {
          c.files.push(f);
          break;
        }
        try {
          const r = yamlToValue(f.data.toString('utf8'));
          if (isTable(r) && Array.isArray(r.dependencies)) c.metadata.dependencies = r.dependencies as ChartMetadata['dependencies'];
        } catch (e) {
          throw new ChartLoadError(`cannot load requirements.yaml: ${(e as Error).message}`);
        }
        break;
      }
      case f.name.startsWith('templates/'):
        c.templates.push(f);
        break;
      case f.name.startsWith('charts/'): {
        if (f.name.endsWith('.prov')) {
          c.files.push(f);
          break;
        }
        const fname = f.name.slice('charts/'.length);
        const cname = fname.split('/')[0]!;
        const list = subcharts.get(cname) ?? [];
        list.push({ name: fname, data: f.data });
        subcharts.set(cname, list);
        break;
      }
      default:
        c.files.push(f);
    }
  }
  validateMetadata(c.metadata);
  for (const name of [...subcharts.keys()].sort()) {
    const sfiles = subcharts.get(name)!;
    let sc: LoadedChart;
    try {
      if (name.endsWith('.tgz')) {
        const file = sfiles[0]!;
        if (file.name !== name) throw new ChartLoadError(`error unpacking tar in ${c.name()}: expected ${name}, got ${file.name}`);
        sc = loadArchive(file.data);
      } else {
        const buff = sfiles.map((f) => ({ name: f.name.split('/').slice(1).join('/'), data: f.data }));
        sc = loadFiles(buff);
      }
    } catch (e) {
      throw new ChartLoadError(`error unpacking subchart ${name} in ${c.name()}: ${(e as Error).message}`);
    }
    c.addDependency(sc);
  }
  return c;
}

/** Files of a chart archive (.tgz) with the top directory stripped. */
export function archiveFiles(buf: Buffer): ChartFile[] {
  let tar: Buffer;
  try {
    tar = isGzip(buf) ? gunzip(buf) : buf;
  } catch (e) {
    throw new ChartLoadError(`gzip: invalid header`);
  }
  const files: ChartFile[] = [];
  for (const e of readTar(tar)) {
    if (e.type !== '0' && e.type !== '7') continue;
    const parts = e.name.split('/');
    let n = parts.slice(1).join('/');
    if (n.startsWith('/')) throw new ChartLoadError('chart illegally contains absolute paths');
    n = posix.normalize(n).replace(/\/$/, '');
    if (n === '.' || n === '') throw new ChartLoadError('chart illegally contains content outside the base directory');
    if (n.startsWith('..')) throw new ChartLoadError('chart illegally references parent directory');
    if (parts[0] === 'Chart.yaml') throw new ChartLoadError('chart yaml not in base directory');
    files.push({ name: n, data: e.data });
  }
  if (files.length === 0) throw new ChartLoadError('no files in chart archive');
  return files;
}

/** loader.LoadArchive. */
export function loadArchive(buf: Buffer): LoadedChart {
  return loadFiles(archiveFiles(buf));
}

function walk(root: string, rel: string, rules: HelmIgnore, out: ChartFile[]): void {
  const dir = rel === '' ? root : join(root, rel);
  for (const ent of readdirSync(dir).sort()) {
    const r = rel === '' ? ent : `${rel}/${ent}`;
    const full = join(root, r);
    const st = statSync(full);
    if (st.isDirectory()) {
      if (rules.ignore(r, true)) continue;
      walk(root, r, rules, out);
    } else if (st.isFile()) {
      if (rules.ignore(r, false)) continue;
      out.push({ name: r, data: readFileSync(full) });
    }
  }
}

/** The files of a chart directory after .helmignore. */
export function dirFiles(dir: string): ChartFile[] {
  const ignorePath = join(dir, '.helmignore');
  const rules = existsSync(ignorePath) ? HelmIgnore.parse(readFileSync(ignorePath, 'utf8')) : new HelmIgnore();
  rules.addDefaults();
  const files: ChartFile[] = [];
  walk(dir, '', rules, files);
  return files;
}

/** loader.LoadDir. */
export function loadDir(dir: string): LoadedChart {
  return loadFiles(dirFiles(dir));
}

/** loader.Load: a chart directory or archive. Throws ChartLoadError with Helm's messages. */
export function loadChart(pathOrTgz: string): LoadedChart {
  let st;
  try {
    st = statSync(pathOrTgz);
  } catch {
    throw new ChartLoadError(`path "${pathOrTgz}" not found`);
  }
  if (st.isDirectory()) return loadDir(pathOrTgz);
  const buf = readFileSync(pathOrTgz);
  if (!isGzip(buf)) throw new ChartLoadError(`file '${pathOrTgz}' does not appear to be a gzipped archive; got 'application/octet-stream'`);
  return loadArchive(buf);
}
