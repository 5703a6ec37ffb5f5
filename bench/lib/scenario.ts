// What a scenario is, its parameters, and the command line that selects and sizes scenarios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';
import type { Section } from './report.js';

export type ParamValue = number | string;

export interface ParamSpec {
  name: string;
  description: string;
  /** int and number: numeric; list: comma-separated integers; string: as given */
  kind: 'int' | 'number' | 'list' | 'string';
  default: ParamValue;
  /** multiplied by --size (counts and durations) */
  scales?: boolean;
  /** lower bound after scaling (default 1 for scaled ints) */
  min?: number;
}

export interface ScenarioOutcome {
  sections: Section[];
  notes?: string[];
  data?: Record<string, unknown>;
}

export interface ScenarioContext {
  params: Record<string, ParamValue>;
  int(name: string): number;
  num(name: string): number;
  list(name: string): number[];
  str(name: string): string;
  /** progress to stderr (the table goes to stdout) */
  log(message: string): void;
  /** a fresh temporary directory, removed when the scenario ends */
  tmpDir(prefix: string): string;
  machine: MachineInfo;
}

export interface Scenario {
  name: string;
  title: string;
  description: string;
  params: ParamSpec[];
  /** set for a scenario that cannot run yet: the reason, printed as "skipped" */
  notBuilt?: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** Thrown by a scenario that cannot run here (e.g. containerd missing): reported as skipped, not failed. */
export class SkipScenario extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipScenario';
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function parseValue(spec: ParamSpec, raw: string, where: string): ParamValue {
  if (spec.kind === 'string') return raw;
  if (spec.kind === 'list') {
    const parts = raw.split(',').map((x) => x.trim()).filter(Boolean);
    if (!parts.length || parts.some((x) => !/^\d+$/.test(x))) throw new UsageError(`${where}: expected comma-separated whole numbers, got "${raw}"`);
    return parts.join(',');
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${where}: expected a non-negative number, got "${raw}"`);
  if (spec.kind === 'int' && !Number.isInteger(n)) throw new UsageError(`${where}: expected a whole number, got "${raw}"`);
  return n;
}

function scale(spec: ParamSpec, v: ParamValue, size: number): ParamValue {
  if (!spec.scales || size === 1) return v;
  const min = spec.min ?? 1;
  if (spec.kind === 'int') return Math.max(min, Math.round((v as number) * size));
  if (spec.kind === 'number') return Math.max(spec.min ?? 0, Math.round((v as number) * size * 1000) / 1000);
  if (spec.kind === 'list') return String(v).split(',').map((x) => Math.max(min, Math.round(Number(x) * size))).join(',');
  return v;
}

/** Defaults scaled by `size`; explicit values are taken as given (not scaled). */
export function resolveParams(s: Scenario, explicit: Map<string, string>, size: number): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const spec of s.params) {
    const raw = explicit.get(spec.name);
    out[spec.name] = raw !== undefined ? parseValue(spec, raw, `--${spec.name}`) : scale(spec, spec.default, size);
  }
  return out;
}

export interface ParsedArgs {
  scenarios: Scenario[];
  /** explicit parameter values per scenario name */
  params: Map<string, Map<string, string>>;
  size: number;
  outDir?: string;
  write: boolean;
  help: boolean;
  list: boolean;
  /** render this results file as Markdown and exit */
  markdown?: string;
}

/**
 * `[scenario ...] [--size F] [--NAME V | --SCENARIO.NAME V]... [--out DIR] [--no-write] [--list] [--markdown FILE]`.
 * A bare `--NAME` applies to every selected scenario that has that parameter (and must match one).
 */
export function parseArgs(argv: string[], registry: Scenario[]): ParsedArgs {
  const byName = new Map(registry.map((s) => [s.name, s]));
  const names: string[] = [];
  const raw: Array<{ scope?: string; name: string; value: string }> = [];
  const res: ParsedArgs = { scenarios: [], params: new Map(), size: 1, write: true, help: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      if (!byName.has(a)) throw new UsageError(`unknown scenario "${a}" (known: ${registry.map((s) => s.name).join(', ')})`);
      names.push(a);
      continue;
    }
    let key = a.slice(2), value: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) { value = key.slice(eq + 1); key = key.slice(0, eq); }
    const takeValue = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`--${key} needs a value`);
      return v;
    };
    switch (key) {
      case 'help': res.help = true; break;
      case 'list': res.list = true; break;
      case 'no-write': res.write = false; break;
      case 'out': res.outDir = takeValue(); break;
      case 'markdown': res.markdown = takeValue(); break;
      case 'size': {
        const v = takeValue();
        const n = Number(v);
        if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--size: expected a positive factor, got "${v}"`);
        res.size = n;
        break;
      }
      default: {
        const dot = key.indexOf('.');
        raw.push(dot > 0 ? { scope: key.slice(0, dot), name: key.slice(dot + 1), value: takeValue() } : { name: key, value: takeValue() });
      }
    }
  }
  res.scenarios = names.length ? [...new Set(names)].map((n) => byName.get(n)!) : registry;
  for (const s of res.scenarios) res.params.set(s.name, new Map());
  for (const p of raw) {
    const targets = p.scope
      ? res.scenarios.filter((s) => s.name === p.scope)
      : res.scenarios.filter((s) => s.params.some((x) => x.name === p.name));
    if (p.scope && !byName.has(p.scope)) throw new UsageError(`--${p.scope}.${p.name}: unknown scenario "${p.scope}"`);
    const matching = targets.filter((s) => s.params.some((x) => x.name === p.name));
    if (!matching.length) throw new UsageError(`--${p.scope ? `${p.scope}.` : ''}${p.name}: no selected scenario has this parameter`);
    for (const s of matching) res.params.get(s.name)!.set(p.name, p.value);
  }
  return res;
}

export function makeContext(s: Scenario, params: Record<string, ParamValue>, machine: MachineInfo, log: (m: string) => void): { ctx: ScenarioContext; cleanup(): void } {
  const dirs: string[] = [];
  const get = (name: string): ParamValue => {
    if (!(name in params)) throw new Error(`scenario ${s.name} has no parameter "${name}"`);
    return params[name];
  };
  const ctx: ScenarioContext = {
    params,
    int: (n) => Math.round(Number(get(n))),
    num: (n) => Number(get(n)),
    list: (n) => String(get(n)).split(',').filter(Boolean).map(Number),
    str: (n) => String(get(n)),
    log: (m) => log(`[${s.name}] ${m}`),
    tmpDir: (prefix) => {
      const d = mkdtempSync(join(tmpdir(), `timonel-bench-${prefix}-`));
      dirs.push(d);
      return d;
    },
    machine,
  };
  return { ctx, cleanup: () => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); } };
}

export function usage(registry: Scenario[]): string {
  const lines = [
    'usage: npm run bench -- [scenario ...] [--size F] [--PARAM V | --SCENARIO.PARAM V ...] [--out DIR] [--no-write]',
    '       npm run bench -- --markdown bench/results/latest.json',
    '',
    'Runs every scenario when none is named. --size multiplies the default counts and durations',
    '(--size 0.1 for a quick smoke run); explicit --PARAM values are taken as given.',
    'Results: a table on stdout, JSON in bench/results/<timestamp>.json and bench/results/latest.json.',
    '',
  ];
  for (const s of registry) {
    lines.push(`${s.name}: ${s.title}${s.notBuilt ? `  [not built: ${s.notBuilt}]` : ''}`);
    lines.push(`    ${s.description}`);
    for (const p of s.params) lines.push(`    --${p.name} (default ${p.default}${p.scales ? ', scales' : ''}): ${p.description}`);
    lines.push('');
  }
  return lines.join('\n');
}
