// helm rollback (pkg/action/rollback.go): a new revision carrying an earlier revision's chart,
// values, manifest and hooks ("Rollback to N"), applied with a three-way merge against the current
// revision, pre/post-rollback hooks, --wait; on success every deployed revision is superseded.
import { type ActionConfig, progressOf, hookContext, nowOf, recordRelease, setOwnershipMetadata, validateReleaseName } from './action.js';
import { execHook } from './hooks.js';
import type { KubeResource, UpdateResult } from './kube.js';
import { waitForResources } from './ready.js';
import { NoDeployedReleasesError } from './storage.js';
import { formatHelmTime, type Release } from './types.js';

export interface RollbackOptions {
  /** the revision to roll back to; 0 = the previous one */
  version: number;
  timeoutMs: number;
  wait?: boolean;
  waitForJobs?: boolean;
  disableHooks?: boolean;
  dryRun?: boolean;
  force?: boolean;
  cleanupOnFail?: boolean;
  /** 0 = unlimited */
  maxHistory?: number;
}

export async function rollback(cfg: ActionConfig, name: string, o: RollbackOptions): Promise<Release> {
  cfg.storage.maxHistory = o.maxHistory ?? 0;
  const [current, target] = await prepareRollback(cfg, name, o);
  if (!o.dryRun) await cfg.storage.create(target);
  await performRollback(cfg, current, target, o);
  if (!o.dryRun) await cfg.storage.update(target);
  return target;
}

async function prepareRollback(cfg: ActionConfig, name: string, o: RollbackOptions): Promise<[Release, Release]> {
  try {
    validateReleaseName(name);
  } catch {
    throw new Error(`prepareRollback: Release name is invalid: ${name}`);
  }
  if (o.version < 0) throw new Error('invalid release revision');
  const current = await cfg.storage.last(name);
  const previousVersion = o.version || current.version - 1;
  const history = await cfg.storage.history(name);
  if (!history.some((r) => r.version === previousVersion)) throw new Error(`release has no ${previousVersion} version`);
  cfg.log(`rolling back ${name} (current: v${current.version}, target: v${previousVersion})`);
  const previous = await cfg.storage.get(name, previousVersion);
  const target: Release = {
    name,
    namespace: current.namespace,
    chart: previous.chart,
    config: previous.config,
    info: {
      firstDeployed: current.info.firstDeployed,
      lastDeployed: formatHelmTime(nowOf(cfg)),
      deleted: '',
      status: 'pending-rollback',
      notes: previous.info.notes,
      // Because we lose the reference to previous version elsewhere, we set the message here,
      // and only override it later if we experience failure.
      description: `Rollback to ${previousVersion}`,
    },
    version: current.version + 1,
    labels: previous.labels,
    manifest: previous.manifest,
    hooks: previous.hooks,
  };
  return [current, target];
}

async function performRollback(cfg: ActionConfig, current: Release, target: Release, o: RollbackOptions): Promise<void> {
  if (o.dryRun) {
    cfg.log(`dry run for ${target.name}`);
    return;
  }
  // Helm returns from these failures with the new revision still pending-rollback; we record it
  // as failed so no release is left pending.
  const fail = async (description: string, err: Error): Promise<never> => {
    target.info.status = 'failed';
    target.info.description = description;
    await recordRelease(cfg, target);
    throw err;
  };
  let currentRes: KubeResource[];
  let targetRes: KubeResource[];
  try {
    currentRes = await cfg.kube.build(current.manifest);
  } catch (err) {
    return fail(`Rollback "${target.name}" failed: ${(err as Error).message}`, new Error(`unable to build kubernetes objects from current release manifest: ${(err as Error).message}`));
  }
  try {
    targetRes = await cfg.kube.build(target.manifest);
  } catch (err) {
    return fail(`Rollback "${target.name}" failed: ${(err as Error).message}`, new Error(`unable to build kubernetes objects from new release manifest: ${(err as Error).message}`));
  }

  if (!o.disableHooks) {
    try {
      await execHook(hookContext(cfg), target, 'pre-rollback', o.timeoutMs);
    } catch (err) {
      return fail(`Rollback "${target.name}" failed: ${(err as Error).message}`, err as Error);
    }
  } else {
    cfg.log(`rollback hooks disabled for ${target.name}`);
  }

  setOwnershipMetadata(targetRes, target.name, target.namespace);
  let results: UpdateResult;
  try {
    results = await cfg.kube.update(currentRes, targetRes, o.force);
  } catch (err) {
    const msg = `Rollback "${target.name}" failed: ${(err as Error).message}`;
    cfg.log(`warning: ${msg}`);
    current.info.status = 'superseded';
    target.info.status = 'failed';
    target.info.description = msg;
    await recordRelease(cfg, current);
    await recordRelease(cfg, target);
    if (o.cleanupOnFail) {
      const created = ((err as { result?: UpdateResult }).result?.created) ?? [];
      cfg.log(`Cleanup on fail set, cleaning up ${created.length} resources`);
      const { errors } = await cfg.kube.delete(created);
      if (errors.length) throw new Error(`an error occurred while cleaning up resources. original rollback error: unable to cleanup resources: ${errors.map((e) => e.message).join(', ')}`);
    }
    throw err;
  }
  void results;

  if (o.wait) {
    try {
      await waitForResources(cfg.kube.client, targetRes, { timeoutMs: o.timeoutMs, waitForJobs: o.waitForJobs, pollMs: cfg.waitPollMs, progress: progressOf(cfg) });
    } catch (err) {
      target.info.status = 'failed';
      target.info.description = `Release "${target.name}" failed: ${(err as Error).message}`;
      await recordRelease(cfg, current);
      await recordRelease(cfg, target);
      throw new Error(`release ${target.name} failed: ${(err as Error).message}`);
    }
  }

  if (!o.disableHooks) {
    try {
      await execHook(hookContext(cfg), target, 'post-rollback', o.timeoutMs);
    } catch (err) {
      return fail(`Rollback "${target.name}" failed: ${(err as Error).message}`, err as Error);
    }
  }

  let deployed: Release[] = [];
  try {
    deployed = await cfg.storage.deployedAll(current.name);
  } catch (err) {
    if (!(err instanceof NoDeployedReleasesError)) throw err;
  }
  // Supersede all previous deployments, see helm issue #2941.
  for (const rel of deployed) {
    cfg.log(`superseding previous deployment ${rel.version}`);
    rel.info.status = 'superseded';
    await recordRelease(cfg, rel);
  }
  target.info.status = 'deployed';
}
