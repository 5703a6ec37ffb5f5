// Output as the helm CLI prints it: gosuri/uitable tables (cells padded to the column width and
// joined by a tab), the status block of install/upgrade/status, the list and history tables,
// values as YAML, and Go's time formats (time.ANSIC, Time.String()).
import { GoTime } from '../template/values.js';
import { fixedZone, formatTime } from '../sprig/time.js';
import { releaseJson } from './codec.js';
import { goJson, goStruct } from './gojson.js';
import { storedChartValues } from './chartrecord.js';
import { marshalYaml } from '../values/index.js';
import { formatAppVersion, formatChartName, parseHelmTime, type Hook, type Release } from './types.js';

/** The display width of a string (East Asian wide characters count 2, as go-runewidth does). */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0) continue;
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff)
      || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff)
      || (c >= 0x20000 && c <= 0x3fffd)) w += 2;
    else w += 1;
  }
  return w;
}

/** uitable: every cell padded (or cut with "...") to its column width, cells joined by "\t". */
export function uitable(rows: string[][], maxColWidth = 0): string {
  if (rows.length === 0) return '';
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      let w = Math.max(0, ...cell.split('\n').map(displayWidth));
      if (maxColWidth && w > maxColWidth) w = maxColWidth;
      widths[i] = Math.max(widths[i] ?? 0, w);
    });
  }
  const resize = (s: string, n: number): string => {
    const w = displayWidth(s);
    if (w === n) return s;
    if (w < n) return s + ' '.repeat(n - w);
    const b = Buffer.from(s, 'utf8');
    return b.subarray(0, Math.max(0, n - 3)).toString('utf8') + '...';
  };
  const lines: string[] = [];
  for (const row of rows) {
    const cellLines = row.map((c) => c.split('\n'));
    const height = Math.max(...cellLines.map((l) => l.length));
    for (let x = 0; x < height; x++) {
      lines.push(row.map((_, y) => resize(cellLines[y]![x] ?? '', widths[y]!)).join('\t'));
    }
  }
  return lines.join('\n');
}

/** output.EncodeTable: the table and a newline. */
export function encodeTable(rows: string[][], maxColWidth = 0): string {
  return uitable(rows, maxColWidth) + '\n';
}

/** The Go location a stored time decodes into: UTC for "Z", else Local when the offset matches, else a fixed zone. */
function goTimeOf(stored: string): GoTime | undefined {
  const d = parseHelmTime(stored);
  if (!d) return undefined;
  if (/[zZ]$/.test(stored)) return new GoTime(d, 'UTC');
  const m = /([+-])(\d\d):(\d\d)$/.exec(stored);
  if (!m) return new GoTime(d, 'Local');
  const off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  if (off === -d.getTimezoneOffset() * 60) return new GoTime(d, 'Local');
  return new GoTime(d, fixedZone('', off));
}

/** time.ANSIC ("Mon Jan _2 15:04:05 2006") of a stored time; '' for the zero time. */
export function ansic(stored: string): string {
  const t = goTimeOf(stored);
  return t ? formatTime(t, 'Mon Jan _2 15:04:05 2006') : '';
}

/** Time.String() of a stored time ("2006-01-02 15:04:05.999999999 -0700 MST"). */
export function goTimeString(stored: string): string {
  const t = goTimeOf(stored);
  return t ? formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST') : '';
}

export function formatWithLayout(stored: string, layout: string): string {
  const t = goTimeOf(stored);
  return t ? formatTime(t, layout) : '';
}

/** sigs.k8s.io/yaml's Marshal (output.EncodeYAML). */
export function toYaml(v: unknown): string {
  return marshalYaml(v ?? null);
}

/** A record as a Go struct with the same field order. */
function ordered(o: object): ReturnType<typeof goStruct> {
  return goStruct(Object.entries(o).map(([k, v]) => [k, v] as [string, unknown]));
}

export type OutputFormat = 'table' | 'json' | 'yaml';

export interface StatusPrintOptions {
  debug?: boolean;
  showDescription?: boolean;
  /** helm get all: CHART, VERSION and APP_VERSION */
  showMetadata?: boolean;
  hideNotes?: boolean;
}

/** statusPrinter.WriteTable (install, upgrade, status, test). */
export function formatStatus(rel: Release, o: StatusPrintOptions = {}): string {
  let out = `NAME: ${rel.name}\n`;
  const last = ansic(rel.info.lastDeployed);
  if (last) out += `LAST DEPLOYED: ${last}\n`;
  out += `NAMESPACE: ${rel.namespace}\n`;
  out += `STATUS: ${rel.info.status}\n`;
  out += `REVISION: ${rel.version}\n`;
  if (o.showDescription) out += `DESCRIPTION: ${rel.info.description}\n`;
  if (o.showMetadata) {
    out += `CHART: ${rel.chart?.metadata?.name ?? ''}\nVERSION: ${rel.chart?.metadata?.version ?? ''}\nAPP_VERSION: ${rel.chart?.metadata?.appVersion ?? ''}\n`;
  }
  const tests = rel.hooks.filter((h) => h.events.includes('test'));
  if (tests.length === 0) {
    out += 'TEST SUITE: None\n';
  } else {
    for (const h of tests) {
      if (!h.lastRun.startedAt) continue;
      out += `TEST SUITE:     ${h.name}\nLast Started:   ${ansic(h.lastRun.startedAt)}\nLast Completed: ${ansic(h.lastRun.completedAt)}\nPhase:          ${h.lastRun.phase}\n`;
    }
  }
  if (o.debug) {
    out += 'USER-SUPPLIED VALUES:\n' + toYaml(rel.config) + '\n';
    out += 'COMPUTED VALUES:\n' + toYaml(storedChartValues(rel.chart, rel.config)) + '\n';
  }
  if (rel.info.description.toLowerCase() === 'dry run complete' || o.debug) {
    out += 'HOOKS:\n';
    for (const h of rel.hooks) out += `---\n# Source: ${h.path}\n${h.manifest}\n`;
    out += `MANIFEST:\n${rel.manifest}\n`;
  }
  if (rel.info.notes && !o.hideNotes) out += `NOTES:\n${rel.info.notes.trim()}\n`;
  return out;
}

/** statusPrinter for any output format. */
export function writeStatus(rel: Release, format: OutputFormat, o: StatusPrintOptions = {}): string {
  if (format === 'json') return releaseJson(rel) + '\n';
  if (format === 'yaml') return toYaml(JSON.parse(releaseJson(rel)));
  return formatStatus(rel, o);
}

export interface ListElement {
  name: string;
  namespace: string;
  revision: string;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
}

export function listElements(rels: Release[], timeFormat = ''): ListElement[] {
  return rels.map((r) => {
    let updated = '-';
    if (parseHelmTime(r.info.lastDeployed)) updated = timeFormat ? formatWithLayout(r.info.lastDeployed, timeFormat) : goTimeString(r.info.lastDeployed);
    return {
      name: r.name,
      namespace: r.namespace,
      revision: String(r.version),
      updated,
      status: r.info.status,
      chart: formatChartName(r.chart),
      app_version: formatAppVersion(r.chart),
    };
  });
}

/** releaseListWriter (helm list). */
export function writeList(rels: Release[], format: OutputFormat, o: { noHeaders?: boolean; timeFormat?: string; short?: boolean } = {}): string {
  const els = listElements(rels, o.timeFormat);
  if (o.short) {
    const names = els.map((e) => e.name);
    if (format === 'json') return goJson(names) + '\n';
    if (format === 'yaml') return toYaml(names);
    return names.map((n) => n + '\n').join('');
  }
  if (format === 'json') return goJson(els.map(ordered)) + '\n';
  if (format === 'yaml') return toYaml(els);
  const rows: string[][] = [];
  if (!o.noHeaders) rows.push(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION']);
  for (const e of els) rows.push([e.name, e.namespace, e.revision, e.updated, e.status, e.chart, e.app_version]);
  return encodeTable(rows);
}

export interface HistoryElement {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

/** getHistory: the newest `max` revisions, oldest first. */
export function historyElements(rels: Release[], max = 256): HistoryElement[] {
  const sorted = [...rels].sort((a, b) => b.version - a.version).slice(0, max).reverse();
  return sorted.map((r) => ({
    revision: r.version,
    updated: r.info.lastDeployed,
    status: r.info.status,
    chart: formatChartName(r.chart),
    app_version: formatAppVersion(r.chart),
    description: r.info.description,
  }));
}

/** releaseHistory writer (helm history). */
export function writeHistory(rels: Release[], format: OutputFormat, max = 256): string {
  const els = historyElements(rels, max);
  if (format === 'json' || format === 'yaml') {
    const data = els.map((e) => ({ ...e, updated: e.updated || '' }));
    return format === 'json' ? goJson(data.map(ordered)) + '\n' : toYaml(data);
  }
  const rows: string[][] = [['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION']];
  for (const e of els) rows.push([String(e.revision), ansic(e.updated) || 'Mon Jan  1 00:00:00 0001', e.status, e.chart, e.app_version, e.description]);
  return encodeTable(rows);
}

/** valuesWriter (helm get values). */
export function writeValues(vals: Record<string, unknown> | null, format: OutputFormat, all: boolean): string {
  if (format === 'json') return goJson(vals ?? null) + '\n';
  if (format === 'yaml') return toYaml(vals);
  return (all ? 'COMPUTED VALUES:\n' : 'USER-SUPPLIED VALUES:\n') + toYaml(vals);
}

/** helm get hooks */
export function writeHooks(hooks: Hook[]): string {
  return hooks.map((h) => `---\n# Source: ${h.path}\n${h.manifest}\n`).join('');
}
