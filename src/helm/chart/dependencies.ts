// Dependency processing at install/template time (pkg/chartutil/dependencies.go): aliases,
// conditions and tags enabling subcharts, and import-values from children into parents.

import { SemverConstraints, SemverVersion } from '../sprig/semver.js';
import {
  coalesceTables, coalesceValues, ErrNoValue, isTable, mergeTables, mergeValues, pathToMap, pathValue, table, trimNilValues, deepCopyValues,
  type Printf, type Values,
} from '../values/coalesce.js';
import type { ChartDependency, LoadedChart } from './types.js';

/** chartutil.IsCompatibleRange. */
export function isCompatibleRange(constraint: string | undefined, ver: string): boolean {
  let v: SemverVersion;
  try {
    v = SemverVersion.parse(ver);
  } catch {
    return false;
  }
  try {
    return SemverConstraints.parse(constraint ?? '').check(v);
  } catch {
    return false;
  }
}

function getAliasDependency(charts: LoadedChart[], dep: ChartDependency): LoadedChart | undefined {
  for (const c of charts) {
    if (c.name() !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    return dep.alias ? c.cloneWithName(dep.alias) : c.cloneWithName(c.name());
  }
  return undefined;
}

function processDependencyTags(reqs: ChartDependency[], cvals: Values, printf: Printf): void {
  let vt: Values;
  try {
    vt = table(cvals, 'tags');
  } catch {
    return;
  }
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags ?? []) {
      if (!Object.prototype.hasOwnProperty.call(vt, k)) continue;
      const b = vt[k];
      if (typeof b === 'boolean') {
        if (b) hasTrue = true;
        else hasFalse = true;
      } else {
        printf(`Warning: Tag '${k}' for chart ${r.name} returned non-bool value`);
      }
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.enabled = true;
  }
}

function processDependencyConditions(reqs: ChartDependency[], cvals: Values, cpath: string, printf: Printf): void {
  for (const r of reqs) {
    for (const c of (r.condition ?? '').trim().split(',')) {
      if (c.length === 0) continue;
      try {
        const vv = pathValue(cvals, cpath + c);
        if (typeof vv === 'boolean') {
          r.enabled = vv;
          break;
        }
        printf(`Warning: Condition path '${c}' for chart ${r.name} returned non-bool value`);
      } catch (e) {
        if (!(e instanceof ErrNoValue)) printf(`Warning: PathValue returned error ${(e as Error).message}`);
      }
    }
  }
}

function processDependencyEnabled(c: LoadedChart, v: Values, path: string, printf: Printf): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const chartDependencies: LoadedChart[] = [];
  outer: for (const existing of c.dependencies()) {
    for (const req of reqs) {
      if (req && existing.name() === req.name && isCompatibleRange(req.version, existing.metadata.version)) continue outer;
    }
    chartDependencies.push(existing);
  }
  for (const req of reqs) {
    if (!req) continue;
    const dep = getAliasDependency(c.dependencies(), req);
    if (dep) chartDependencies.push(dep);
    if (req.alias) req.name = req.alias;
  }
  c.setDependencies(chartDependencies);
  for (const r of reqs) if (r) r.enabled = true;
  const cvals = coalesceValues(c, v);
  processDependencyTags(reqs.filter(Boolean), cvals, printf);
  processDependencyConditions(reqs.filter(Boolean), cvals, path, printf);
  const rm = new Set<string>();
  for (const r of reqs) if (r && !r.enabled) rm.add(r.name);
  const cd = c.dependencies().filter((n) => !rm.has(n.metadata.name));
  const cdMetadata = reqs.filter((n) => n && !rm.has(n.name));
  for (const t of cd) processDependencyEnabled(t, cvals, `${path}${t.metadata.name}.`, printf);
  c.metadata.dependencies = cdMetadata;
  c.setDependencies(cd);
}

function processImportValues(c: LoadedChart, merge: boolean, printf: Printf): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  let cvals = merge ? mergeValues(c, null) : coalesceValues(c, null);
  let b: Values = {};
  for (const r of reqs) {
    const outiv: unknown[] = [];
    for (const riv of r['import-values'] ?? []) {
      if (isTable(riv)) {
        const child = String(riv.child ?? '');
        const parent = String(riv.parent ?? '');
        outiv.push({ child, parent });
        let vv: Values;
        try {
          vv = table(cvals, `${r.name}.${child}`);
        } catch (e) {
          printf(`Warning: ImportValues missing table from chart ${r.name}: ${(e as Error).message}`);
          continue;
        }
        const m = pathToMap(parent, deepCopyValues(vv));
        b = (merge ? mergeTables(b, m) : coalesceTables(b, m)) ?? {};
      } else if (typeof riv === 'string') {
        const child = `exports.${riv}`;
        outiv.push({ child, parent: '.' });
        let vm: Values;
        try {
          vm = table(cvals, `${r.name}.${child}`);
        } catch (e) {
          printf(`Warning: ImportValues missing table: ${(e as Error).message}`);
          continue;
        }
        b = (merge ? mergeTables(b, deepCopyValues(vm)) : coalesceTables(b, deepCopyValues(vm))) ?? {};
      }
    }
    if (r['import-values'] !== undefined) r['import-values'] = outiv;
  }
  if (merge) {
    cvals = deepCopyValues(cvals);
    c.values = mergeTables(cvals, b) ?? {};
  } else {
    cvals = trimNilValues(cvals);
    c.values = mergeTables(cvals, b) ?? {};
  }
}

function processDependencyImportValues(c: LoadedChart, merge: boolean, printf: Printf): void {
  for (const d of c.dependencies()) processDependencyImportValues(d, merge, printf);
  processImportValues(c, merge, printf);
}

/**
 * chartutil.ProcessDependenciesWithMerge: removes disabled subcharts (conditions/tags), applies
 * aliases and imports values. Mutates `c` (pass a clone).
 */
export function processDependencies(c: LoadedChart, userValues: Values, printf: Printf = () => {}): void {
  processDependencyEnabled(c, userValues, '', printf);
  processDependencyImportValues(c, true, printf);
}
