// helm install (pkg/action/install.go): the chart's CRDs first, then the release stored as
// pending-install, pre-install hooks, the objects created (or adopted when they already carry
// this release's ownership metadata), --wait, post-install hooks, deployed. A failure marks the
// release failed (and with --atomic uninstalls it).
import type { ResourceRef } from '../../client/client.js';
import { StatusError } from '../../api/errors.js';
import {
  type ActionConfig, progressOf, type Renderer, existingResourceConflict, freshHooks, hookContext, nowOf, recordRelease, setOwnershipMetadata,
  validateReleaseName,
} from './action.js';
import { execHook } from './hooks.js';
import type { KubeResource } from './kube.js';
import { crdReady, waitForResources } from './ready.js';
import { sortByRevision } from './storage.js';
import { formatHelmTime, type Release, type ReleaseChart } from './types.js';
import { uninstall } from './uninstall.js';
import { sleep } from './kube.js';

export interface InstallOptions {
  releaseName: string;
  namespace: string;
  createNamespace?: boolean;
  wait?: boolean;
  waitForJobs?: boolean;
  timeoutMs: number;
  atomic?: boolean;
  dryRun?: boolean;
  disableHooks?: boolean;
  skipCrds?: boolean;
  replace?: boolean;
  description?: string;
  labels?: Record<string, string>;
}

export interface CrdFile {
  name: string;
  content: string;
}

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };

/** Creates the chart's CRDs one file at a time (existing ones are left alone) and waits until they are established. */
export async function installCRDs(cfg: ActionConfig, crds: CrdFile[]): Promise<void> {
  const created: KubeResource[] = [];
  for (const f of crds) {
    let res: KubeResource[];
    try {
      res = await cfg.kube.build(f.content);
    } catch (err) {
      throw new Error(`failed to install CRD ${f.name}: ${(err as Error).message}`);
    }
    try {
      await cfg.kube.create(res);
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) {
        cfg.log(`CRD ${res[0]?.name} is already present. Skipping.`);
        continue;
      }
      throw new Error(`failed to install CRD ${f.name}: ${(err as Error).message}`);
    }
    created.push(...res);
  }
  if (created.length === 0) return;
  // Give time for the CRDs to be recognized (Wait with 60s).
  const deadline = Date.now() + 60_000;
  for (const r of created) {
    for (;;) {
      const live = await cfg.kube.get(r);
      if (!live || r.kind !== 'CustomResourceDefinition' || crdReady(live).ready) break;
      if (Date.now() > deadline) throw new Error('context deadline exceeded');
      await sleep(200);
    }
  }
  cfg.log('Clearing discovery cache');
  cfg.kube.mapper.reset();
}

/** availableName: a name can be reused only after an uninstall --keep-history or failure, with --replace. */
async function availableName(cfg: ActionConfig, o: InstallOptions): Promise<void> {
  try {
    validateReleaseName(o.releaseName);
  } catch (err) {
    throw new Error(`release name "${o.releaseName}": ${(err as Error).message}`);
  }
  if (o.dryRun) return;
  let h: Release[];
  try {
    h = await cfg.storage.history(o.releaseName);
  } catch {
    return;
  }
  if (h.length < 1) return;
  sortByRevision(h);
  const st = h[h.length - 1]!.info.status;
  if (o.replace && (st === 'uninstalled' || st === 'failed')) return;
  throw new Error('cannot re-use a name that is still in use');
}

async function replaceRelease(cfg: ActionConfig, rel: Release): Promise<void> {
  let hist: Release[];
  try {
    hist = await cfg.storage.history(rel.name);
  } catch {
    return;
  }
  if (hist.length === 0) return;
  sortByRevision(hist);
  const last = hist[hist.length - 1]!;
  rel.version = last.version + 1;
  if (last.info.status === 'failed') return;
  last.info.status = 'superseded';
  last.info.description = 'superseded by new release';
  await cfg.storage.update(last);
}

/**
 * Installs a release. `crds` are the chart's crds/ files: they are created before `render` is
 * called, so a renderer that reads the cluster's capabilities sees the new kinds.
 * Errors thrown after the release was stored carry the failed release in `err.release`.
 */
export async function install(cfg: ActionConfig, render: Renderer, chart: ReleaseChart, userValues: Record<string, unknown>, crds: CrdFile[], o: InstallOptions): Promise<Release> {
  await availableName(cfg, o);
  if (crds.length > 0 && !o.skipCrds) {
    if (o.dryRun) cfg.log('WARNING: This chart or one of its subcharts contains CRDs. Rendering may fail or contain inaccuracies.');
    else await installCRDs(cfg, crds);
  }
  const wait = o.wait || o.atomic;
  const ts = formatHelmTime(nowOf(cfg));
  const rel: Release = {
    name: o.releaseName,
    namespace: o.namespace,
    version: 1,
    chart,
    config: userValues,
    manifest: '',
    hooks: [],
    info: { firstDeployed: ts, lastDeployed: ts, deleted: '', description: '', status: 'unknown', notes: '' },
    labels: o.labels,
  };
  const rendered = await render(userValues, { releaseName: o.releaseName, namespace: o.namespace, revision: 1, isInstall: true, isUpgrade: false });
  rel.manifest = rendered.manifest;
  rel.hooks = freshHooks(rendered.hooks);
  rel.info.notes = rendered.notes;

  rel.info.status = 'pending-install';
  rel.info.description = 'Initial install underway';

  let resources: KubeResource[];
  try {
    resources = await cfg.kube.build(rel.manifest);
  } catch (err) {
    throw new Error(`unable to build kubernetes objects from release manifest: ${(err as Error).message}`);
  }
  setOwnershipMetadata(resources, rel.name, rel.namespace);

  let toBeAdopted: KubeResource[] = [];
  if (resources.length > 0) {
    try {
      toBeAdopted = await existingResourceConflict(cfg.kube, resources, rel.name, rel.namespace);
    } catch (err) {
      throw new Error(`Unable to continue with install: ${(err as Error).message}`);
    }
  }

  if (o.dryRun) {
    rel.info.description = 'Dry run complete';
    return rel;
  }

  if (o.createNamespace) {
    try {
      await cfg.kube.client.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace, labels: { name: o.namespace } } });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }

  if (o.replace) await replaceRelease(cfg, rel);

  // Store the release in history before continuing. We always know that this is a create operation.
  await cfg.storage.create(rel);

  try {
    await performInstall(cfg, rel, toBeAdopted, resources, { ...o, wait });
  } catch (err) {
    return failRelease(cfg, rel, err as Error, o);
  }
  return rel;
}

async function performInstall(cfg: ActionConfig, rel: Release, toBeAdopted: KubeResource[], resources: KubeResource[], o: InstallOptions): Promise<void> {
  if (!o.disableHooks) {
    try {
      await execHook(hookContext(cfg), rel, 'pre-install', o.timeoutMs);
    } catch (err) {
      throw new Error(`failed pre-install: ${(err as Error).message}`);
    }
  }
  if (toBeAdopted.length === 0 && resources.length > 0) {
    await cfg.kube.create(resources);
  } else if (resources.length > 0) {
    await cfg.kube.update(toBeAdopted, resources, false);
  }
  if (o.wait) {
    await waitForResources(cfg.kube.client, resources, { timeoutMs: o.timeoutMs, waitForJobs: o.waitForJobs, pollMs: cfg.waitPollMs, progress: progressOf(cfg) });
  }
  if (!o.disableHooks) {
    try {
      await execHook(hookContext(cfg), rel, 'post-install', o.timeoutMs);
    } catch (err) {
      throw new Error(`failed post-install: ${(err as Error).message}`);
    }
  }
  rel.info.status = 'deployed';
  rel.info.description = o.description || 'Install complete';
  // The release has been created, but if the result cannot be recorded there is nothing better to do than to say so.
  try {
    await cfg.storage.update(rel);
  } catch (err) {
    cfg.log(`failed to record the release: ${(err as Error).message}`);
  }
}

async function failRelease(cfg: ActionConfig, rel: Release, err: Error, o: InstallOptions): Promise<never> {
  rel.info.status = 'failed';
  rel.info.description = `Release "${o.releaseName}" failed: ${err.message}`;
  if (o.atomic) {
    cfg.log('Install failed and atomic is set, uninstalling release');
    try {
      await uninstall(cfg, o.releaseName, { disableHooks: o.disableHooks, keepHistory: false, timeoutMs: o.timeoutMs });
    } catch (uerr) {
      // Never leave the record pending: it says failed even if the uninstall broke half-way.
      await recordRelease(cfg, rel);
      throw Object.assign(new Error(`an error occurred while uninstalling the release. original install error: ${err.message}: ${(uerr as Error).message}`), { release: rel });
    }
    throw Object.assign(new Error(`release ${o.releaseName} failed, and has been uninstalled due to atomic being set: ${err.message}`), { release: rel });
  }
  await recordRelease(cfg, rel);
  throw Object.assign(err, { release: rel });
}
