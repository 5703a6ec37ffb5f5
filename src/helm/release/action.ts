// What the release actions share (pkg/action/action.go, validate.go): the configuration (cluster
// client, release storage, logging), the rendering input, release-name validation, Helm's
// ownership metadata and the adoption check for objects that already exist.
import type { KubeObject } from '../../api/object.js';
import type { KubeApplier, KubeResource } from './kube.js';
import { resourceString } from './kube.js';
import type { Storage } from './storage.js';
import type { Hook, Release } from './types.js';

export interface ActionConfig {
  kube: KubeApplier;
  storage: Storage;
  /** debug lines (the CLI prints them on stderr with --debug) */
  log: (line: string) => void;
  /** progress while waiting for resources and hooks (the CLI prints them on stderr); defaults to log */
  progress?: (line: string) => void;
  now?: () => Date;
  /** poll interval of hook watches and deletion waits (ms) */
  pollMs?: number;
  /** poll interval of --wait (ms); Helm polls every 2s */
  waitPollMs?: number;
}

export function progressOf(cfg: ActionConfig): (line: string) => void {
  return cfg.progress ?? cfg.log;
}

export function nowOf(cfg: ActionConfig): Date {
  return cfg.now ? cfg.now() : new Date();
}

/** What rendering a chart yields, as the actions need it. */
export interface RenderedRelease {
  /** the manifest as Helm stores it ("---\n# Source: chart/templates/x.yaml\n...") */
  manifest: string;
  hooks: Hook[];
  notes: string;
}

export interface RenderRequest {
  releaseName: string;
  namespace: string;
  revision: number;
  isInstall: boolean;
  isUpgrade: boolean;
  /** --reuse-values: the chart's default values are replaced by these (the old release's computed values) */
  chartValues?: Record<string, unknown>;
}

/** Renders the chart with the given user values (the computed values are the renderer's business). */
export type Renderer = (values: Record<string, unknown>, req: RenderRequest) => Promise<RenderedRelease> | RenderedRelease;

export const MAX_RELEASE_NAME_LEN = 53;
const RELEASE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** chartutil.ValidateReleaseName; throws errInvalidName. */
export function validateReleaseName(name: string): void {
  if (name === '' || name.length > MAX_RELEASE_NAME_LEN || !RELEASE_NAME_RE.test(name)) {
    throw new Error('invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53');
  }
}

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_HELM = 'Helm';
export const RELEASE_NAME_ANNOTATION = 'meta.helm.sh/release-name';
export const RELEASE_NAMESPACE_ANNOTATION = 'meta.helm.sh/release-namespace';

/** setMetadataVisitor(force=true): Helm's ownership label and annotations on every release object. */
export function setOwnershipMetadata(resources: KubeResource[], releaseName: string, releaseNamespace: string): void {
  for (const r of resources) {
    const md = (r.object.metadata ??= {});
    md.labels = { ...(md.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_HELM };
    md.annotations = { ...(md.annotations ?? {}), [RELEASE_NAME_ANNOTATION]: releaseName, [RELEASE_NAMESPACE_ANNOTATION]: releaseNamespace };
  }
}

function requireValue(meta: Record<string, string> | undefined, k: string, v: string): string | undefined {
  const actual = meta?.[k];
  if (actual === undefined) return `missing key "${k}": must be set to "${v}"`;
  if (actual !== v) return `key "${k}" must equal "${v}": current value is "${actual}"`;
  return undefined;
}

/** checkOwnership: the object must carry this release's label and annotations. */
export function checkOwnership(obj: KubeObject, releaseName: string, releaseNamespace: string): void {
  const labels = obj.metadata?.labels as Record<string, string> | undefined;
  const annos = obj.metadata?.annotations as Record<string, string> | undefined;
  const errs: string[] = [];
  let e = requireValue(labels, MANAGED_BY_LABEL, MANAGED_BY_HELM);
  if (e) errs.push(`label validation error: ${e}`);
  e = requireValue(annos, RELEASE_NAME_ANNOTATION, releaseName);
  if (e) errs.push(`annotation validation error: ${e}`);
  e = requireValue(annos, RELEASE_NAMESPACE_ANNOTATION, releaseNamespace);
  if (e) errs.push(`annotation validation error: ${e}`);
  if (errs.length) throw new Error(['invalid ownership metadata', ...errs].join('; '));
}

/**
 * existingResourceConflict: the resources that already exist and may be adopted (they carry this
 * release's ownership metadata); an existing object owned by something else is an error.
 */
export async function existingResourceConflict(kube: KubeApplier, resources: KubeResource[], releaseName: string, releaseNamespace: string): Promise<KubeResource[]> {
  const adopt: KubeResource[] = [];
  for (const r of resources) {
    let existing: KubeObject | undefined;
    try {
      existing = await kube.get(r);
    } catch (err) {
      throw new Error(`could not get information about the resource ${resourceString(r)}: ${(err as Error).message}`);
    }
    if (!existing) continue;
    try {
      checkOwnership(existing, releaseName, releaseNamespace);
    } catch (err) {
      throw new Error(`${resourceString(r)} exists and cannot be imported into the current release: ${(err as Error).message}`);
    }
    adopt.push(r);
  }
  return adopt;
}

export const errPending = () => new Error('another operation (install/upgrade/rollback) is in progress');

/** Records a release, logging (not throwing) on failure, as cfg.recordRelease does. */
export async function recordRelease(cfg: ActionConfig, rel: Release): Promise<void> {
  try {
    await cfg.storage.update(rel);
  } catch (err) {
    cfg.log(`warning: Failed to update release ${rel.name}: ${(err as Error).message}`);
  }
}

export function hookContext(cfg: ActionConfig) {
  return { kube: cfg.kube, record: (r: Release) => cfg.storage.update(r), log: progressOf(cfg), now: cfg.now, pollMs: cfg.pollMs };
}

/** Fresh copies of rendered hooks for a new release (lastRun empty). */
export function freshHooks(hooks: Hook[]): Hook[] {
  return hooks.map((h) => ({ ...h, events: [...h.events], deletePolicies: [...h.deletePolicies], lastRun: { startedAt: '', completedAt: '', phase: '' } }));
}
