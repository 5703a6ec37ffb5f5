// helm upgrade (pkg/action/upgrade.go): the next revision rendered (values reused or reset as
// asked), stored as pending-upgrade, pre-upgrade hooks, the objects updated by a three-way merge of
// the old manifest, the new manifest and the live objects (objects dropped from the chart are
// deleted), --wait, post-upgrade hooks; then the old revision is superseded and the new one
// deployed. A failure marks the new revision failed; --cleanup-on-fail deletes what it created;
// --atomic rolls back to the last successful revision.
import {
  type ActionConfig, progressOf, type Renderer, errPending, existingResourceConflict, freshHooks, hookContext, nowOf, recordRelease,
  setOwnershipMetadata, validateReleaseName,
} from './action.js';
import { execHook } from './hooks.js';
import { type KubeResource, type UpdateResult, resourceKey } from './kube.js';
import { waitForResources } from './ready.js';
import { rollback } from './rollback.js';
import { NoDeployedReleasesError, ReleaseNotFoundError, sortByRevision } from './storage.js';
import { formatHelmTime, isPending, type Release, type ReleaseChart } from './types.js';
import { storedChartValues } from './chartrecord.js';
import { coalesceTables, deepCopyValues } from '../values/index.js';

export interface UpgradeOptions {
  namespace?: string;
  timeoutMs: number;
  wait?: boolean;
  waitForJobs?: boolean;
  atomic?: boolean;
  dryRun?: boolean;
  disableHooks?: boolean;
  force?: boolean;
  resetValues?: boolean;
  reuseValues?: boolean;
  resetThenReuseValues?: boolean;
  /** 0 = unlimited (default 10 on the command line) */
  maxHistory?: number;
  cleanupOnFail?: boolean;
  description?: string;
  labels?: Record<string, string>;
}

/** Upgrade.reuseValues: the user values of the new revision and, with --reuse-values, the chart defaults to render with. */
export function reuseValues(current: Release, newVals: Record<string, unknown>, o: Pick<UpgradeOptions, 'resetValues' | 'reuseValues' | 'resetThenReuseValues'>, warn: (m: string) => void = () => {}): { values: Record<string, unknown>; chartValues?: Record<string, unknown> } {
  if (o.resetValues) return { values: newVals };
  if (o.reuseValues) {
    // Regenerate the old coalesced values; they become the chart's defaults.
    const oldVals = storedChartValues(current.chart, current.config, warn);
    const values = coalesceTables(newVals, deepCopyValues(current.config)) ?? {};
    return { values, chartValues: oldVals };
  }
  if (o.resetThenReuseValues) {
    return { values: coalesceTables(newVals, deepCopyValues(current.config)) ?? {} };
  }
  if (Object.keys(newVals).length === 0 && current.config && Object.keys(current.config).length > 0) {
    warn(`copying values from ${current.name} (v${current.version}) to new release.`);
    return { values: current.config };
  }
  return { values: newVals };
}

export async function upgrade(cfg: ActionConfig, name: string, render: Renderer, chart: ReleaseChart, vals: Record<string, unknown>, o: UpgradeOptions): Promise<Release> {
  const wait = o.wait || o.atomic;
  try {
    validateReleaseName(name);
  } catch {
    throw new Error(`release name is invalid: ${name}`);
  }
  const { current, upgraded } = await prepareUpgrade(cfg, name, render, chart, vals, o);
  cfg.storage.maxHistory = o.maxHistory ?? 0;
  const res = await performUpgrade(cfg, current, upgraded, { ...o, wait });
  if (!o.dryRun) await cfg.storage.update(upgraded);
  return res;
}

async function prepareUpgrade(cfg: ActionConfig, name: string, render: Renderer, chart: ReleaseChart, vals: Record<string, unknown>, o: UpgradeOptions): Promise<{ current: Release; upgraded: Release }> {
  let last: Release;
  try {
    last = await cfg.storage.last(name);
  } catch (err) {
    if (err instanceof ReleaseNotFoundError) throw new NoDeployedReleasesError(name);
    throw err;
  }
  // Concurrent upgrades fail here (or when creating the revision): a pessimistic lock.
  if (isPending(last.info.status)) throw errPending();

  let current: Release;
  if (last.info.status === 'deployed') {
    current = last;
  } else {
    try {
      current = await cfg.storage.deployed(name);
    } catch (err) {
      if (err instanceof NoDeployedReleasesError && (last.info.status === 'failed' || last.info.status === 'superseded')) current = last;
      else throw err;
    }
  }

  const { values, chartValues } = reuseValues(current, vals, o, cfg.log);
  const revision = last.version + 1;
  const rendered = await render(values, { releaseName: name, namespace: current.namespace, revision, isInstall: false, isUpgrade: true, chartValues });

  const upgraded: Release = {
    name,
    namespace: current.namespace,
    // With --reuse-values the chart is rendered (and stored) with the old computed values as its defaults.
    chart: chartValues ? { ...chart, values: chartValues } : chart,
    config: values,
    info: {
      firstDeployed: current.info.firstDeployed,
      lastDeployed: formatHelmTime(nowOf(cfg)),
      deleted: '',
      status: 'pending-upgrade',
      description: 'Preparing upgrade', // This should be overwritten later.
      notes: rendered.notes,
    },
    version: revision,
    manifest: rendered.manifest,
    hooks: freshHooks(rendered.hooks),
    labels: mergeLabels(last.labels, o.labels),
  };
  // validateManifest
  try {
    await cfg.kube.build(upgraded.manifest);
  } catch (err) {
    throw new Error(`unable to build kubernetes objects from new release manifest: ${(err as Error).message}`);
  }
  return { current, upgraded };
}

function mergeLabels(current: Record<string, string> | undefined, desired: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!current && !desired) return undefined;
  const out: Record<string, string> = { ...(current ?? {}), ...(desired ?? {}) };
  for (const [k, v] of Object.entries(out)) if (v === 'null') delete out[k];
  return out;
}

async function performUpgrade(cfg: ActionConfig, original: Release, upgraded: Release, o: UpgradeOptions): Promise<Release> {
  let current: KubeResource[];
  try {
    current = await cfg.kube.build(original.manifest);
  } catch (err) {
    const msg = (err as Error).message;
    if (msg.includes('no matches for kind')) {
      throw new Error(`current release manifest contains removed kubernetes api(s) for this kubernetes version and it is therefore unable to build the kubernetes objects for performing the diff. error from kubernetes: ${msg}`);
    }
    throw new Error(`unable to build kubernetes objects from current release manifest: ${msg}`);
  }
  let target: KubeResource[];
  try {
    target = await cfg.kube.build(upgraded.manifest);
  } catch (err) {
    throw new Error(`unable to build kubernetes objects from new release manifest: ${(err as Error).message}`);
  }
  setOwnershipMetadata(target, upgraded.name, upgraded.namespace);

  // Objects new to the chart must not exist yet unless they can be adopted.
  const existing = new Set(current.map(resourceKey));
  const toBeCreated = target.filter((r) => !existing.has(resourceKey(r)));
  let toBeUpdated: KubeResource[];
  try {
    toBeUpdated = await existingResourceConflict(cfg.kube, toBeCreated, upgraded.name, upgraded.namespace);
  } catch (err) {
    throw new Error(`Unable to continue with update: ${(err as Error).message}`);
  }
  current.push(...toBeUpdated);

  if (o.dryRun) {
    cfg.log(`dry run for ${upgraded.name}`);
    upgraded.info.description = o.description || 'Dry run complete';
    return upgraded;
  }

  cfg.log(`creating upgraded release for ${upgraded.name}`);
  await cfg.storage.create(upgraded);

  let created: KubeResource[] = [];
  try {
    if (!o.disableHooks) {
      try {
        await execHook(hookContext(cfg), upgraded, 'pre-upgrade', o.timeoutMs);
      } catch (err) {
        throw new Error(`pre-upgrade hooks failed: ${(err as Error).message}`);
      }
    } else {
      cfg.log(`upgrade hooks disabled for ${upgraded.name}`);
    }
    try {
      const res = await cfg.kube.update(current, target, o.force);
      created = res.created;
    } catch (err) {
      created = (err as { result?: UpdateResult }).result?.created ?? [];
      await recordRelease(cfg, original);
      throw err;
    }
    if (o.wait) {
      try {
        await waitForResources(cfg.kube.client, target, { timeoutMs: o.timeoutMs, waitForJobs: o.waitForJobs, pollMs: cfg.waitPollMs, progress: progressOf(cfg) });
      } catch (err) {
        await recordRelease(cfg, original);
        throw err;
      }
    }
    if (!o.disableHooks) {
      try {
        await execHook(hookContext(cfg), upgraded, 'post-upgrade', o.timeoutMs);
      } catch (err) {
        throw new Error(`post-upgrade hooks failed: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    return failRelease(cfg, upgraded, created, err as Error, o);
  }

  original.info.status = 'superseded';
  await recordRelease(cfg, original);
  upgraded.info.status = 'deployed';
  upgraded.info.description = o.description || 'Upgrade complete';
  return upgraded;
}

async function failRelease(cfg: ActionConfig, rel: Release, created: KubeResource[], err: Error, o: UpgradeOptions): Promise<never> {
  const msg = `Upgrade "${rel.name}" failed: ${err.message}`;
  cfg.log(`warning: ${msg}`);
  rel.info.status = 'failed';
  rel.info.description = msg;
  await recordRelease(cfg, rel);
  if (o.cleanupOnFail && created.length > 0) {
    cfg.log(`Cleanup on fail set, cleaning up ${created.length} resources`);
    const { errors } = await cfg.kube.delete(created);
    if (errors.length) {
      throw Object.assign(new Error(`an error occurred while cleaning up resources. original upgrade error: ${err.message}: unable to cleanup resources: ${errors.map((e) => e.message).join(', ')}`), { release: rel });
    }
    cfg.log('Resource cleanup complete');
  }
  if (o.atomic) {
    cfg.log('Upgrade failed and atomic is set, rolling back to last successful release');
    // As a protection, get the last successful release before rollback; failed releases are not
    // superseded unless the next release is successful, so this is relatively safe.
    let hist: Release[];
    try {
      hist = await cfg.storage.history(rel.name);
    } catch (herr) {
      throw Object.assign(new Error(`an error occurred while finding last successful release. original upgrade error: ${err.message}: ${(herr as Error).message}`), { release: rel });
    }
    const ok = sortByRevision(hist.filter((r) => r.info.status === 'superseded' || r.info.status === 'deployed'));
    if (ok.length === 0) {
      throw Object.assign(new Error(`unable to find a previously successful release when attempting to rollback. original upgrade error: ${err.message}`), { release: rel });
    }
    try {
      await rollback(cfg, rel.name, {
        version: ok[ok.length - 1]!.version,
        wait: true,
        waitForJobs: o.waitForJobs,
        disableHooks: o.disableHooks,
        force: o.force,
        timeoutMs: o.timeoutMs,
        maxHistory: o.maxHistory,
      });
    } catch (rerr) {
      throw Object.assign(new Error(`an error occurred while rolling back the release. original upgrade error: ${err.message}: ${(rerr as Error).message}`), { release: rel });
    }
    throw Object.assign(new Error(`release ${rel.name} failed, and has been rolled back due to atomic being set: ${err.message}`), { release: rel });
  }
  throw Object.assign(err, { release: rel });
}
