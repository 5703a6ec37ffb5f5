// Helm's rendering engine (pkg/engine/engine.go): every template of a chart and its enabled
// subcharts parsed into one template set (deeper paths first, then reverse lexical order, so the
// shallowest/alphabetically first definition wins), executed with its chart's scope, with Helm's
// error reformatting.

import type { LoadedChart } from '../chart/types.js';
import { ChartView, Files, helmFuncs, type Capabilities, type HelmFuncOptions } from '../funcs/index.js';
import { ExecError, ParseError, TemplateSet } from '../template/index.js';
import { isTable, table, type Values } from '../values/coalesce.js';

interface Renderable {
  tpl: string;
  vals: Record<string, unknown>;
  basePath: string;
}

export interface EngineOptions extends HelmFuncOptions {
  strict?: boolean;
}

/** An error of rendering, carrying the template file it happened in. */
export class RenderError extends Error {}

function slashCount(s: string): number {
  let n = 0;
  for (const c of s) if (c === '/') n++;
  return n;
}

/** Helm's sortTemplates: reverse of (fewer slashes first, then lexical). */
export function sortTemplates(keys: string[]): string[] {
  return keys.slice().sort((a, b) => {
    const ca = slashCount(a);
    const cb = slashCount(b);
    if (ca !== cb) return cb - ca;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

function isTemplateValid(c: LoadedChart, name: string): boolean {
  if (c.isLibrary()) return name.slice(name.lastIndexOf('/') + 1).startsWith('_');
  return true;
}

function recAllTpls(c: LoadedChart, templates: Map<string, Renderable>, vals: Record<string, unknown>): Record<string, unknown> {
  const subCharts: Record<string, unknown> = {};
  const next: Record<string, unknown> = {
    Chart: new ChartView(c.metadata, c.isRoot()),
    Files: new Files(c.files),
    Release: vals.Release,
    Capabilities: vals.Capabilities,
    Values: {},
    Subcharts: subCharts,
  };
  if (c.isRoot()) next.Values = vals.Values;
  else {
    try {
      next.Values = table(vals as Values, `Values.${c.name()}`);
    } catch {
      // not a table: empty values
    }
  }
  for (const child of c.dependencies()) subCharts[child.name()] = recAllTpls(child, templates, next);
  const parentId = c.chartFullPath();
  for (const t of c.templates) {
    if (!isTemplateValid(c, t.name)) continue;
    templates.set(`${parentId}/${t.name}`, { tpl: t.data.toString('utf8'), vals: next, basePath: `${parentId}/templates` });
  }
  return next;
}

function cleanupParseError(filename: string, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const tokens = msg.split(': ');
  if (tokens.length === 1) return new RenderError(`parse error in (${filename}): ${msg}`);
  return new RenderError(`parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`);
}

const warnRegex = /HELM_ERR_START(.*)HELM_ERR_END/;

function reformatExecError(filename: string, err: unknown): Error {
  if (!(err instanceof ExecError)) return err instanceof Error ? err : new Error(String(err));
  const msg = err.message;
  const first = msg.indexOf(': ');
  const second = first < 0 ? -1 : msg.indexOf(': ', first + 2);
  if (first < 0 || second < 0) return new RenderError(`execution error in (${filename}): ${msg}`);
  const location = msg.slice(first + 2, second);
  const rest = msg.slice(second + 2);
  const parts = warnRegex.exec(rest);
  if (parts) return new RenderError(`execution error at (${location}): ${parts[1]}`);
  return new RenderError(msg);
}

/**
 * Renders every template of the chart tree. `topVals` holds Release, Capabilities and Values
 * (the root's coalesced values). Returns path -> output (partials skipped).
 */
export function renderTemplates(chart: LoadedChart, topVals: Record<string, unknown>, opts: EngineOptions = {}): Map<string, string> {
  const templates = new Map<string, Renderable>();
  recAllTpls(chart, templates, topVals);
  const funcs = helmFuncs(opts);
  const set = new TemplateSet({ name: 'gotpl', missingKey: opts.strict ? 'error' : 'zero', funcs });
  const keys = sortTemplates([...templates.keys()]);
  for (const filename of keys) {
    try {
      set.parse(filename, templates.get(filename)!.tpl);
    } catch (e) {
      if (e instanceof ParseError || e instanceof Error) throw cleanupParseError(filename, e);
      throw e;
    }
  }
  const rendered = new Map<string, string>();
  for (const filename of keys) {
    if (filename.slice(filename.lastIndexOf('/') + 1).startsWith('_')) continue;
    const r = templates.get(filename)!;
    r.vals.Template = { Name: filename, BasePath: r.basePath };
    let out: string;
    try {
      out = set.execute(filename, r.vals);
    } catch (e) {
      if (e instanceof RangeError) throw new RenderError(`rendering template failed: ${e.message}`);
      throw reformatExecError(filename, e);
    }
    rendered.set(filename, out.replaceAll('<no value>', ''));
  }
  return rendered;
}

export function isValues(v: unknown): v is Values {
  return isTable(v);
}

export type { Capabilities };
