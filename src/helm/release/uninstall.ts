// helm uninstall (pkg/action/uninstall.go): pre-delete hooks, the release marked uninstalling,
// its objects deleted in uninstall order (except those annotated helm.sh/resource-policy: keep),
// post-delete hooks, then the history purged (or kept with --keep-history, status uninstalled).
import { type ActionConfig, hookContext, nowOf, validateReleaseName } from './action.js';
import { execHook } from './hooks.js';
import { isKeepPolicy, sortedManifestDocs, UNINSTALL_ORDER } from './manifest.js';
import { sortByRevision } from './storage.js';
import { formatHelmTime, type Release } from './types.js';

export interface UninstallOptions {
  disableHooks?: boolean;
  dryRun?: boolean;
  keepHistory?: boolean;
  ignoreNotFound?: boolean;
  wait?: boolean;
  timeoutMs: number;
  description?: string;
  /** background (default), foreground or orphan */
  cascade?: string;
}

export interface UninstallResult {
  release?: Release;
  /** "These resources were kept due to the resource policy:\n[Kind] name\n..." */
  info: string;
}

function propagation(cascade: string | undefined): string {
  switch (cascade) {
    case 'orphan': return 'Orphan';
    case 'foreground': return 'Foreground';
    default: return 'Background';
  }
}

export async function uninstall(cfg: ActionConfig, name: string, o: UninstallOptions): Promise<UninstallResult> {
  if (o.dryRun) {
    try {
      return { release: await cfg.storage.last(name), info: '' };
    } catch (err) {
      if (o.ignoreNotFound) return { info: '' };
      throw err;
    }
  }
  try {
    validateReleaseName(name);
  } catch {
    throw new Error(`uninstall: Release name is invalid: ${name}`);
  }
  let rels: Release[];
  try {
    rels = await cfg.storage.history(name);
  } catch (err) {
    if (o.ignoreNotFound) return { info: '' };
    throw new Error(`uninstall: Release not loaded: ${name}: ${(err as Error).message}`);
  }
  if (rels.length < 1) throw new Error('no release provided');
  sortByRevision(rels);
  const rel = rels[rels.length - 1]!;

  const purge = async () => {
    for (const r of rels) await cfg.storage.delete(r.name, r.version);
  };

  if (rel.info.status === 'uninstalled') {
    if (!o.keepHistory) {
      try {
        await purge();
      } catch (err) {
        throw new Error(`uninstall: Failed to purge the release: ${(err as Error).message}`);
      }
      return { release: rel, info: '' };
    }
    throw new Error(`the release named "${name}" is already deleted`);
  }

  cfg.log(`uninstall: Deleting ${name}`);
  rel.info.status = 'uninstalling';
  rel.info.deleted = formatHelmTime(nowOf(cfg));
  rel.info.description = 'Deletion in progress (or silently failed)';
  const res: UninstallResult = { release: rel, info: '' };

  if (!o.disableHooks) {
    await execHook(hookContext(cfg), rel, 'pre-delete', o.timeoutMs);
  } else {
    cfg.log('delete hooks disabled for ' + name);
  }

  // From here on out, the release is currently considered to be in StatusUninstalling state.
  try {
    await cfg.storage.update(rel);
  } catch (err) {
    cfg.log(`uninstall: Failed to store updated release: ${(err as Error).message}`);
  }

  let kept = '';
  let deletedResources: Awaited<ReturnType<typeof cfg.kube.build>> = [];
  const errs: Error[] = [];
  try {
    const docs = sortedManifestDocs(rel.manifest, UNINSTALL_ORDER);
    const toDelete: string[] = [];
    for (const d of docs) {
      if (isKeepPolicy(d.head.annotations)) kept += `[${d.head.kind}] ${d.head.name}\n`;
      else toDelete.push(d.content);
    }
    let resources;
    try {
      resources = await cfg.kube.build(toDelete.map((c) => '\n---\n' + c).join(''));
    } catch (err) {
      throw new Error(`unable to build kubernetes objects for delete: ${(err as Error).message}`);
    }
    const del = await cfg.kube.delete(resources, propagation(o.cascade));
    deletedResources = del.deleted;
    if (del.errors.length) {
      cfg.log(`uninstall: Failed to delete release: ${del.errors.map((e) => e.message).join('; ')}`);
      throw new Error(`failed to delete release: ${name}`);
    }
  } catch (err) {
    if ((err as Error).message.startsWith('failed to delete release')) throw err;
    cfg.log(`uninstall: Failed to delete release: ${(err as Error).message}`);
    throw new Error(`failed to delete release: ${name}`);
  }
  if (kept) res.info = 'These resources were kept due to the resource policy:\n' + kept;

  if (o.wait) {
    try {
      await cfg.kube.waitForDelete(deletedResources, o.timeoutMs, cfg.pollMs);
    } catch (err) {
      errs.push(err as Error);
    }
  }

  if (!o.disableHooks) {
    try {
      await execHook(hookContext(cfg), rel, 'post-delete', o.timeoutMs);
    } catch (err) {
      errs.push(err as Error);
    }
  }

  rel.info.status = 'uninstalled';
  rel.info.description = o.description || 'Uninstallation complete';

  if (!o.keepHistory) {
    cfg.log('purge requested for ' + name);
    try {
      await purge();
    } catch (err) {
      errs.push(new Error(`uninstall: Failed to purge the release: ${(err as Error).message}`));
    }
  } else {
    try {
      await cfg.storage.update(rel);
    } catch (err) {
      cfg.log(`uninstall: Failed to store updated release: ${(err as Error).message}`);
    }
  }
  if (errs.length) throw Object.assign(new Error(`uninstallation completed with ${errs.length} error(s): ${errs.map((e) => e.message).join('; ')}`), { result: res });
  return res;
}
