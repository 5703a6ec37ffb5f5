// `helm lint` (pkg/lint and pkg/lint/rules): Chart.yaml, values and templates checks, with Helm's
// message format `[SEVERITY] path: message`.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadChart } from '../chart/load.js';
import { isValidSemver } from '../chart/load.js';
import type { LoadedChart } from '../chart/types.js';
import { renderChart } from '../render/index.js';
import { splitManifests } from '../render/manifests.js';
import { isTable, type Values } from '../values/coalesce.js';
import { schemaErrorText } from '../values/schema.js';
import { readValuesYaml, yamlToValue } from '../values/yaml.js';
import { coalesceValues, mergeMaps } from '../values/coalesce.js';

export const enum Severity {
  Unknown = 0,
  Info = 1,
  Warning = 2,
  Error = 4,
}

const sevNames: Record<number, string> = { 0: 'UNKNOWN', 1: 'INFO', 2: 'WARNING', 4: 'ERROR' };

export interface LintMessage {
  severity: Severity;
  path: string;
  err: string;
}

export function formatMessage(m: LintMessage): string {
  return `[${sevNames[m.severity]}] ${m.path}: ${m.err}`;
}

export interface LintResult {
  messages: LintMessage[];
  highestSeverity: Severity;
}

export interface LintOptions {
  namespace?: string;
  strict?: boolean;
  kubeVersion?: string;
  /** Also lint charts/ subcharts. */
  withSubcharts?: boolean;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function lintChartfile(dir: string, add: (s: Severity, p: string, e: string) => void): Record<string, unknown> | undefined {
  const path = join(dir, 'Chart.yaml');
  if (!existsSync(path)) {
    add(Severity.Error, 'Chart.yaml', 'file does not exist');
    return undefined;
  }
  if (statSync(path).isDirectory()) {
    add(Severity.Error, 'Chart.yaml', 'should be a file, not a directory');
    return undefined;
  }
  let md: unknown;
  try {
    md = yamlToValue(readFileSync(path, 'utf8'));
  } catch (e) {
    add(Severity.Error, 'Chart.yaml', `unable to parse YAML\n\t${(e as Error).message}`);
    return undefined;
  }
  const m = isTable(md) ? md : {};
  if (!m.name) add(Severity.Error, 'Chart.yaml', 'name is required');
  if (!m.apiVersion) add(Severity.Error, 'Chart.yaml', 'apiVersion is required. The value must be either "v1" or "v2"');
  else if (m.apiVersion !== 'v1' && m.apiVersion !== 'v2') add(Severity.Error, 'Chart.yaml', `apiVersion '${String(m.apiVersion)}' is not valid. The value must be either "v1" or "v2"`);
  if (!m.version) add(Severity.Error, 'Chart.yaml', 'version is required');
  else if (typeof m.version !== 'string' || !isValidSemver(m.version)) add(Severity.Error, 'Chart.yaml', `version '${String(m.version)}' is not a valid SemVer`);
  if (Array.isArray(m.maintainers)) {
    for (const mt of m.maintainers) {
      if (!isTable(mt) || !mt.name) add(Severity.Error, 'Chart.yaml', 'each maintainer requires a name');
      else if (mt.email && !/^[^@\s]+@[^@\s]+$/.test(String(mt.email))) add(Severity.Error, 'Chart.yaml', `invalid email '${String(mt.email)}' for maintainer '${String(mt.name)}'`);
    }
  }
  if (Array.isArray(m.sources)) {
    for (const s of m.sources) if (typeof s !== 'string' || !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(s)) add(Severity.Error, 'Chart.yaml', `invalid source URL '${String(s)}'`);
  }
  if (!m.icon) add(Severity.Info, 'Chart.yaml', 'icon is recommended');
  if (m.type !== undefined && m.type !== '' && m.apiVersion === 'v1') add(Severity.Warning, 'Chart.yaml', "chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'");
  if (m.type !== undefined && m.type !== '' && m.type !== 'application' && m.type !== 'library') add(Severity.Error, 'Chart.yaml', "chart type is not valid in apiVersion 'v2'. It must be 'application' or 'library'");
  return m;
}

function lintValues(dir: string, userValues: Values, add: (s: Severity, p: string, e: string) => void): boolean {
  const path = join(dir, 'values.yaml');
  if (!existsSync(path)) {
    add(Severity.Info, 'values.yaml', 'file does not exist');
    return true;
  }
  let vals: Values;
  try {
    vals = readValuesYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    add(Severity.Error, 'values.yaml', `unable to parse YAML: ${(e as Error).message}`);
    return false;
  }
  const schemaPath = join(dir, 'values.schema.json');
  if (existsSync(schemaPath)) {
    const merged = mergeMaps(vals, userValues);
    try {
      const err = schemaErrorText(readFileSync(schemaPath, 'utf8'), merged);
      if (err) add(Severity.Error, 'values.yaml', err.replace(/\n$/, ''));
    } catch (e) {
      add(Severity.Error, 'values.yaml', (e as Error).message);
    }
  }
  return true;
}

function lintTemplates(dir: string, chart: LoadedChart, userValues: Values, opts: LintOptions, add: (s: Severity, p: string, e: string) => void): void {
  if (!existsSync(join(dir, 'templates'))) {
    add(Severity.Warning, 'templates/', 'directory does not exist');
    return;
  }
  if (chart.isLibrary()) return;
  let result;
  try {
    coalesceValues(chart, userValues);
    result = renderChart(chart, userValues, {
      releaseName: 'test-release', namespace: opts.namespace ?? 'default', revision: 1, isInstall: true, isUpgrade: false,
      kubeVersion: opts.kubeVersion, lintMode: true, strict: opts.strict,
    });
  } catch (e) {
    const msg = (e as Error).message;
    const m = /^YAML parse error on [^/]+\/(\S+): (.*)$/s.exec(msg);
    if (m) add(Severity.Error, m[1]!, `unable to parse YAML: ${m[2]}`);
    else add(Severity.Error, 'templates/', msg);
    return;
  }
  const all = [...result.manifests.map((m) => ({ name: m.name, content: m.content })), ...result.hooks.map((h) => ({ name: h.path, content: h.manifest }))];
  for (const m of all) {
    const rel = m.name.split('/').slice(1).join('/');
    for (const doc of splitManifests(m.content)) {
      let v: unknown;
      try {
        v = yamlToValue(doc);
      } catch (e) {
        add(Severity.Error, rel, `unable to parse YAML: ${(e as Error).message}`);
        continue;
      }
      if (!isTable(v)) continue;
      const md = isTable(v.metadata) ? v.metadata : {};
      const name = typeof md.name === 'string' ? md.name : '';
      if (name !== '' && !dns1123Subdomain.test(name)) {
        add(Severity.Error, rel, `object name does not conform to Kubernetes naming requirements: "${name}": metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
      }
      const ns = typeof md.namespace === 'string' ? md.namespace : '';
      if (ns !== '' && !dns1123Label.test(ns)) add(Severity.Error, rel, `object namespace does not conform to Kubernetes naming requirements: "${ns}"`);
      if (typeof v.apiVersion !== 'string' || v.apiVersion === '') add(Severity.Error, rel, 'unable to parse YAML: apiVersion not set');
    }
  }
}

/** Lints a chart directory (or archive) with user values. */
export function lintChart(path: string, userValues: Values = {}, opts: LintOptions = {}): LintResult {
  const messages: LintMessage[] = [];
  const add = (severity: Severity, p: string, err: string): void => {
    messages.push({ severity, path: p, err });
  };
  const isDir = existsSync(path) && statSync(path).isDirectory();
  if (!existsSync(path)) {
    add(Severity.Error, path, 'unable to open tarball: no such file or directory');
  } else if (isDir) {
    const md = lintChartfile(path, add);
    const okValues = lintValues(path, userValues, add);
    if (md && okValues) {
      let chart: LoadedChart | undefined;
      try {
        chart = loadChart(path);
      } catch (e) {
        add(Severity.Error, 'templates/', `unable to load chart\n\t${(e as Error).message}`);
      }
      if (chart) lintTemplates(path, chart, userValues, opts, add);
    }
  } else {
    try {
      const chart = loadChart(path);
      if (!chart.metadata.icon) add(Severity.Info, 'Chart.yaml', 'icon is recommended');
    } catch (e) {
      add(Severity.Error, path, (e as Error).message);
    }
  }
  let highest = Severity.Unknown;
  for (const m of messages) if (m.severity > highest) highest = m.severity;
  return { messages, highestSeverity: highest };
}
