// Results: one shape for the human table and the JSON file. A section is a titled table whose rows
// are plain records; the JSON keeps the records, the terminal and Markdown get aligned tables.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';
import { describeMachine } from './machine.js';
import type { Summary } from './histogram.js';

export type Cell = number | string | boolean | null;

export interface Column {
  key: string;
  label: string;
  /** digits after the point; default: by magnitude for numbers */
  digits?: number;
  /** shown after the label, e.g. "ms" */
  unit?: string;
}

export interface Section {
  title: string;
  columns: Column[];
  rows: Array<Record<string, Cell>>;
}

export type ScenarioStatus = 'ok' | 'failed' | 'skipped';

export interface ScenarioRecord {
  name: string;
  title: string;
  status: ScenarioStatus;
  /** why it failed or was skipped */
  reason?: string;
  params: Record<string, number | string>;
  startedAt: string;
  durationMs: number;
  sections: Section[];
  notes: string[];
  /** further machine-readable detail */
  data?: Record<string, unknown>;
}

export interface RunRecord {
  schema: 'timonel-bench/1';
  startedAt: string;
  finishedAt: string;
  argv: string[];
  /** the --size factor */
  size: number;
  machine: MachineInfo;
  /** 1-minute load average when the run ended (machine.loadAverage1m is at the start) */
  loadAverage1mAtEnd?: number;
  scenarios: ScenarioRecord[];
}

/** Numbers by magnitude: 0.123, 1.23, 12.3, 123, 12345. */
export function formatNumber(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '-' : String(v);
  if (digits !== undefined) return v.toFixed(digits);
  const a = Math.abs(v);
  if (Number.isInteger(v)) return String(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export function formatCell(v: Cell | undefined, col: Column): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return formatNumber(v, col.digits);
  return String(v);
}

function header(c: Column): string {
  return c.unit ? `${c.label} (${c.unit})` : c.label;
}

function isNumeric(section: Section, c: Column): boolean {
  return section.rows.some((r) => typeof r[c.key] === 'number');
}

/** A plain-text table, numbers right-aligned. */
export function renderTable(section: Section): string {
  const heads = section.columns.map(header);
  const cells = section.rows.map((r) => section.columns.map((c) => formatCell(r[c.key], c)));
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const numeric = section.columns.map((c) => isNumeric(section, c));
  const line = (vals: string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [section.title, line(heads), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function renderMarkdownTable(section: Section): string {
  const numeric = section.columns.map((c) => isNumeric(section, c));
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${section.columns.map((c) => esc(header(c))).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...section.rows.map((r) => `| ${section.columns.map((c) => esc(formatCell(r[c.key], c))).join(' | ')} |`),
  ].join('\n');
}

function paramsLine(p: Record<string, number | string>): string {
  return Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ');
}

export function renderScenario(s: ScenarioRecord): string {
  const head = `== ${s.name}: ${s.title} [${s.status.toUpperCase()}${s.status === 'ok' ? `, ${(s.durationMs / 1000).toFixed(1)} s` : ''}]`;
  const out = [head];
  if (s.reason) out.push(`   ${s.status === 'failed' ? 'FAILED' : 'skipped'}: ${s.reason}`);
  if (Object.keys(s.params).length) out.push(`   params: ${paramsLine(s.params)}`);
  for (const sec of s.sections) out.push('', renderTable(sec));
  for (const n of s.notes) out.push(`   note: ${n}`);
  return out.join('\n');
}

function endLoad(run: RunRecord): string {
  return run.loadAverage1mAtEnd !== undefined ? ` (at the end ${run.loadAverage1mAtEnd.toFixed(2)})` : '';
}

export function renderRun(run: RunRecord): string {
  return [`timonel bench on ${describeMachine(run.machine)}${endLoad(run)}`, '', ...run.scenarios.map((s) => renderScenario(s) + '\n')].join('\n');
}

/** The whole run as Markdown (for docs/performance.md). */
export function renderMarkdown(run: RunRecord): string {
  const out = [`Run ${run.startedAt} on ${describeMachine(run.machine)}${endLoad(run)}${run.size !== 1 ? ` (size factor ${run.size})` : ''}.`, ''];
  for (const s of run.scenarios) {
    out.push(`### ${s.name}: ${s.title}`, '');
    if (s.status !== 'ok') { out.push(`**${s.status}**: ${s.reason ?? ''}`, ''); continue; }
    if (Object.keys(s.params).length) out.push(`Parameters: \`${paramsLine(s.params)}\` (${(s.durationMs / 1000).toFixed(0)} s).`, '');
    for (const sec of s.sections) out.push(`**${sec.title}**`, '', renderMarkdownTable(sec), '');
    for (const n of s.notes) out.push(`- ${n}`);
    if (s.notes.length) out.push('');
  }
  return out.join('\n');
}

/** Writes `<dir>/<timestamp>.json` and `<dir>/latest.json`; returns the first path. */
export function writeRun(run: RunRecord, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(run, null, 2) + '\n';
  const file = join(dir, `${run.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return file;
}

// ---------------------------------------------------------------- latency rows

export const LATENCY_COLUMNS: Column[] = [
  { key: 'count', label: 'requests' },
  { key: 'perSec', label: 'req/s' },
  { key: 'p50', label: 'p50', unit: 'ms' },
  { key: 'p90', label: 'p90', unit: 'ms' },
  { key: 'p99', label: 'p99', unit: 'ms' },
  { key: 'max', label: 'max', unit: 'ms' },
];

/** A row of LATENCY_COLUMNS (plus the given label columns) from a histogram summary. */
export function latencyRow(labels: Record<string, Cell>, s: Summary, elapsedMs: number): Record<string, Cell> {
  return {
    ...labels,
    count: s.count,
    perSec: elapsedMs > 0 ? round((s.count * 1000) / elapsedMs, 1) : null,
    p50: round(s.p50), p90: round(s.p90), p99: round(s.p99), max: round(s.max),
  };
}

/** Rounds to 3 decimals for the JSON (microsecond resolution on milliseconds). */
export function round(v: number, digits = 3): number | null {
  if (!Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export const MiB = 1024 * 1024;
