// Release hooks as Helm 3 runs them (pkg/action/hooks.go, kube client WatchUntilReady): the hooks
// of an event run in weight order (then kind install order, then name); each is created after its
// before-hook-creation deletion, then watched until it is done: a Job until its Complete (or
// Failed) condition, a Pod until it Succeeded (or Failed); other kinds are done once created.
// Delete policies: before-hook-creation (the default), hook-succeeded, hook-failed.
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import type { KubeApplier, KubeResource } from './kube.js';
import { sleep } from './kube.js';
import { compareKinds, INSTALL_ORDER } from './manifest.js';
import { formatDuration } from './ready.js';
import type { Hook, HookEvent, Release } from './types.js';
import { formatHelmTime } from './types.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** hookByWeight: weight, then kind (InstallOrder, unknown kinds last and alphabetical), then name. */
export function compareHooks(a: Hook, b: Hook): number {
  if (a.weight !== b.weight) return a.weight - b.weight;
  const byKind = compareKinds(a.kind, b.kind, INSTALL_ORDER);
  if (byKind !== 0) return byKind;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function hooksFor(rel: Release, event: HookEvent): Hook[] {
  return rel.hooks.filter((h) => h.events.includes(event)).sort(compareHooks);
}

export interface HookContext {
  kube: KubeApplier;
  /** records the release (Storage.update); failures are only logged */
  record: (rel: Release) => Promise<void>;
  log: (line: string) => void;
  now?: () => Date;
  pollMs?: number;
}

function hasPolicy(h: Hook, policy: string): boolean {
  return h.deletePolicies.includes(policy);
}

async function deleteHookByPolicy(ctx: HookContext, h: Hook, policy: string, timeoutMs: number): Promise<void> {
  // Never delete CustomResourceDefinitions; this could cause lots of cascading garbage collection.
  if (h.kind === 'CustomResourceDefinition') return;
  if (!hasPolicy(h, policy)) return;
  let resources: KubeResource[];
  try {
    resources = await ctx.kube.build(h.manifest);
  } catch (err) {
    throw new Error(`unable to build kubernetes object for deleting hook ${h.path}: ${(err as Error).message}`);
  }
  const { errors } = await ctx.kube.delete(resources);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  await ctx.kube.waitForDelete(resources, timeoutMs, ctx.pollMs);
}

/** Runs the hooks of `event` for the release (Configuration.execHook). */
export async function execHook(ctx: HookContext, rel: Release, event: HookEvent, timeoutMs: number): Promise<void> {
  const now = ctx.now ?? (() => new Date());
  const executing = hooksFor(rel, event);
  for (const h of executing) {
    if (h.deletePolicies.length === 0) h.deletePolicies = ['before-hook-creation'];
    await deleteHookByPolicy(ctx, h, 'before-hook-creation', timeoutMs);
    let resources: KubeResource[];
    try {
      resources = await ctx.kube.build(h.manifest);
    } catch (err) {
      throw new Error(`unable to build kubernetes object for ${event} hook ${h.path}: ${(err as Error).message}`);
    }
    h.lastRun = { startedAt: formatHelmTime(now()), completedAt: '', phase: 'Running' };
    try {
      await ctx.record(rel);
    } catch (err) {
      ctx.log(`warning: Failed to update release ${rel.name}: ${(err as Error).message}`);
    }
    h.lastRun.phase = 'Unknown';
    try {
      await ctx.kube.create(resources);
    } catch (err) {
      h.lastRun.completedAt = formatHelmTime(now());
      h.lastRun.phase = 'Failed';
      throw new Error(`warning: Hook ${event} ${h.path} failed: ${(err as Error).message}`);
    }
    let watchErr: Error | undefined;
    try {
      for (const r of resources) await watchUntilReady(ctx, r, timeoutMs);
    } catch (err) {
      watchErr = err as Error;
    }
    h.lastRun.completedAt = formatHelmTime(now());
    if (watchErr) {
      h.lastRun.phase = 'Failed';
      await deleteHookByPolicy(ctx, h, 'hook-failed', timeoutMs);
      throw watchErr;
    }
    h.lastRun.phase = 'Succeeded';
  }
  // All hooks succeeded: apply hook-succeeded policies, last hook first.
  for (let i = executing.length - 1; i >= 0; i--) await deleteHookByPolicy(ctx, executing[i]!, 'hook-succeeded', timeoutMs);
}

/** Jobs: done at condition Complete, failed at condition Failed. */
export function jobDone(obj: KubeObject, name: string): { done: boolean; error?: string; progress?: string } {
  const o = obj as Obj;
  for (const c of o.status?.conditions ?? []) {
    if (c.type === 'Complete' && c.status === 'True') return { done: true };
    if (c.type === 'Failed' && c.status === 'True') return { done: true, error: `job ${name} failed: ${c.reason ?? ''}` };
  }
  return { done: false, progress: `${name}: Jobs active: ${o.status?.active ?? 0}, jobs failed: ${o.status?.failed ?? 0}, jobs succeeded: ${o.status?.succeeded ?? 0}` };
}

/** Pods: done when Succeeded, failed when Failed. */
export function podDone(obj: KubeObject): { done: boolean; error?: string; progress?: string } {
  const o = obj as Obj;
  const name = o.metadata?.name;
  switch (o.status?.phase) {
    case 'Succeeded': return { done: true };
    case 'Failed': return { done: true, error: `pod ${name} failed` };
    case 'Running': return { done: false, progress: `Pod ${name} running` };
    default: return { done: false, progress: `Pod ${name} pending` };
  }
}

/** WatchUntilReady for one hook resource. */
export async function watchUntilReady(ctx: HookContext, r: KubeResource, timeoutMs: number): Promise<void> {
  if (r.kind !== 'Job' && r.kind !== 'Pod') return;
  ctx.log(`Watching for changes to ${r.kind} ${r.name} with timeout of ${formatDuration(timeoutMs)}`);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    let obj: KubeObject | undefined;
    try {
      obj = await ctx.kube.get(r);
    } catch (err) {
      if (!(err instanceof StatusError && err.code >= 500)) throw err;
    }
    // A hook that disappeared counts as done (the watch saw it deleted).
    if (obj === undefined) return;
    const st = r.kind === 'Job' ? jobDone(obj, r.name) : podDone(obj);
    if (st.done) {
      if (st.error) throw new Error(st.error);
      return;
    }
    if (st.progress && st.progress !== last) {
      ctx.log(st.progress);
      last = st.progress;
    }
    if (Date.now() >= deadline) throw new Error('timed out waiting for the condition');
    await sleep(Math.min(ctx.pollMs ?? 500, Math.max(1, deadline - Date.now())));
  }
}
