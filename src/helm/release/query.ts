// The read-only release actions (pkg/action/history.go, list.go, status.go, get*.go) and
// helm test (pkg/action/release_testing.go).
import { type ActionConfig, hookContext, validateReleaseName } from './action.js';
import { execHook } from './hooks.js';
import type { Storage } from './storage.js';
import { sortByRevision } from './storage.js';
import { parseHelmTime, type Release, type ReleaseStatus } from './types.js';
import { storedChartValues } from './chartrecord.js';

export async function history(storage: Storage, name: string): Promise<Release[]> {
  try {
    validateReleaseName(name);
  } catch {
    throw new Error(`release name is invalid: ${name}`);
  }
  return storage.history(name);
}

/** releaseContent: a revision, or the latest one when version <= 0. */
export async function releaseContent(storage: Storage, name: string, version = 0): Promise<Release> {
  try {
    validateReleaseName(name);
  } catch {
    throw new Error(`releaseContent: Release name is invalid: ${name}`);
  }
  if (version <= 0) return storage.last(name);
  return storage.get(name, version);
}

/** helm get values: the user-supplied values, or (all) the chart's values coalesced under them. */
export async function getValues(storage: Storage, name: string, version = 0, all = false): Promise<Record<string, unknown> | null> {
  const rel = await releaseContent(storage, name, version);
  if (all) return storedChartValues(rel.chart, rel.config);
  return rel.config;
}

export interface ListOptions {
  all?: boolean;
  deployed?: boolean;
  failed?: boolean;
  pending?: boolean;
  superseded?: boolean;
  uninstalled?: boolean;
  uninstalling?: boolean;
  byDate?: boolean;
  sortReverse?: boolean;
  /** regular expression on the release name */
  filter?: string;
  /** 0 = no limit */
  limit?: number;
  offset?: number;
}

/** List.SetStateMask: the statuses shown (deployed and failed unless asked otherwise). */
export function stateMask(o: ListOptions): Set<ReleaseStatus> {
  const all: ReleaseStatus[] = ['unknown', 'deployed', 'uninstalled', 'superseded', 'failed', 'uninstalling', 'pending-install', 'pending-upgrade', 'pending-rollback'];
  if (o.all) return new Set(all);
  const s = new Set<ReleaseStatus>();
  if (o.deployed) s.add('deployed');
  if (o.uninstalled) s.add('uninstalled');
  if (o.uninstalling) s.add('uninstalling');
  if (o.pending) { s.add('pending-install'); s.add('pending-upgrade'); s.add('pending-rollback'); }
  if (o.failed) s.add('failed');
  if (o.superseded) s.add('superseded');
  if (s.size === 0) { s.add('deployed'); s.add('failed'); }
  return s;
}

/** helm list over the releases the storage can see (one namespace, or all with an all-namespace driver). */
export async function list(storage: Storage, o: ListOptions = {}): Promise<Release[]> {
  let re: RegExp | undefined;
  if (o.filter) {
    try {
      re = new RegExp(o.filter);
    } catch (err) {
      throw new Error(`error parsing regexp: ${(err as Error).message}`);
    }
  }
  let results = (await storage.listReleases()).filter((r) => !re || re.test(r.name));
  const mask = stateMask(o);
  // Superseded releases are never the latest; only when asking for them alone skip the latest filter.
  const onlySuperseded = mask.size === 1 && mask.has('superseded');
  if (!onlySuperseded) {
    const latest = new Map<string, Release>();
    for (const r of results) {
      const k = `${r.name}\u0000${r.namespace}`;
      const cur = latest.get(k);
      if (!cur || cur.version < r.version) latest.set(k, r);
    }
    results = [...latest.values()];
  }
  results = results.filter((r) => mask.has(r.info.status));
  if (o.byDate) {
    results.sort((a, b) => (parseHelmTime(a.info.lastDeployed)?.getTime() ?? 0) - (parseHelmTime(b.info.lastDeployed)?.getTime() ?? 0));
  } else {
    results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  if (o.sortReverse) results.reverse();
  const offset = Math.max(0, o.offset ?? 0);
  if (offset >= results.length) return [];
  const limit = o.limit ?? 0;
  const end = limit > 0 ? Math.min(results.length, offset + limit) : results.length;
  return results.slice(offset, end);
}

/** The revision history sorted by revision. */
export async function sortedHistory(storage: Storage, name: string): Promise<Release[]> {
  return sortByRevision(await history(storage, name));
}

export interface TestOptions {
  timeoutMs: number;
  /** name=... includes, !name=... excludes */
  filters?: { include?: string[]; exclude?: string[] };
}

/** helm test: runs the test hooks of the latest revision and records their results. */
export async function releaseTest(cfg: ActionConfig, name: string, o: TestOptions): Promise<{ release: Release; error?: Error }> {
  try {
    validateReleaseName(name);
  } catch {
    throw new Error(`releaseTest: Release name is invalid: ${name}`);
  }
  const rel = await cfg.storage.last(name);
  const skipped = [];
  const executing = [];
  const inc = o.filters?.include ?? [];
  const exc = o.filters?.exclude ?? [];
  for (const h of rel.hooks) {
    const isTest = h.events.includes('test');
    if (isTest && ((inc.length && !inc.includes(h.name)) || exc.includes(h.name))) skipped.push(h);
    else executing.push(h);
  }
  rel.hooks = executing;
  let error: Error | undefined;
  try {
    await execHook(hookContext(cfg), rel, 'test', o.timeoutMs);
  } catch (err) {
    error = err as Error;
  }
  rel.hooks = [...skipped, ...rel.hooks];
  try {
    await cfg.storage.update(rel);
  } catch (err) {
    if (!error) error = err as Error;
  }
  return { release: rel, error };
}
