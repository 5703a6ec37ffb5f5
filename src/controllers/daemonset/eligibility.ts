// Which nodes a DaemonSet's pod belongs on (after Kubernetes' daemon controller and
// component-helpers scheduling): nodeSelector, required node affinity, taints against the pod's
// tolerations (with the tolerations every DaemonSet pod gets), and the per-node affinity
// `matchFields metadata.name In [node]` that lets the scheduler place the pod.
import { toleratesTaint as tolerates } from '../../api/tolerations.js';
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Affinity, Taint, Toleration, PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import { deepClone } from '../../api/object.js';

/** The tolerations the DaemonSet controller adds to every daemon pod (Exists, no tolerationSeconds). */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const out: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec?.hostNetwork) out.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return out;
}

/** Adds the daemon tolerations a pod spec does not already have (an identical key/operator/effect counts). */
export function withDaemonTolerations(spec: PodSpec): PodSpec {
  const tols = [...(spec.tolerations ?? [])];
  for (const t of daemonTolerations(spec)) {
    const i = tols.findIndex((x) => x.key === t.key && x.effect === t.effect && (x.operator ?? 'Equal') === t.operator);
    if (i >= 0) tols[i] = t; else tols.push(t);
  }
  return { ...spec, tolerations: tols };
}


export { tolerates };

export function untoleratedTaint(taints: readonly Taint[] | undefined, tols: readonly Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!filter(taint)) continue;
    if (!(tols ?? []).some((t) => tolerates(t, taint))) return taint;
  }
  return undefined;
}

function matchRequirement(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  switch (r.operator) {
    case 'In': return has && (r.values ?? []).includes(value);
    case 'NotIn': return !has || !(r.values ?? []).includes(value);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': case 'Lt': {
      if (!has || (r.values ?? []).length !== 1) return false;
      const a = Number(value);
      const b = Number(r.values![0]);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

/** A term matches when all its expressions (labels) and fields (metadata.name) match; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  for (const r of exprs) if (!matchRequirement(r, node.metadata?.labels?.[r.key])) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!matchRequirement(r, node.metadata?.name)) return false;
  }
  return true;
}

/** A node selector (OR of terms). */
export function nodeSelectorMatches(sel: NodeSelector, node: Node): boolean {
  return sel.nodeSelectorTerms.some((t) => termMatches(t, node));
}

/** spec.nodeSelector and required node affinity. */
export function fitsNodeAffinity(spec: PodSpec | undefined, node: Node): boolean {
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (node.metadata?.labels?.[k] !== v) return false;
  const req = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req && !nodeSelectorMatches(req, node)) return false;
  return true;
}

/**
 * Kubernetes' NodeShouldRunDaemonPod: `shouldRun` — a daemon pod belongs on this node;
 * `shouldContinueRunning` — an existing one may stay (it tolerates the node's NoExecute taints).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = withDaemonTolerations(deepClone(ds.spec?.template?.spec ?? { containers: [] }));
  if (spec.nodeName && spec.nodeName !== node.metadata?.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!fitsNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  if (untoleratedTaint(taints, spec.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
    const noExec = untoleratedTaint(taints, spec.tolerations, (t) => t.effect === 'NoExecute');
    return { shouldRun: false, shouldContinueRunning: !noExec };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The required node affinity replaced by `metadata.name In [node]`; preferred terms stay. */
export function affinityForNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const a = deepClone(affinity ?? {}) as Affinity & { nodeAffinity?: Record<string, unknown> };
  const na = { ...(a.nodeAffinity ?? {}) } as Record<string, unknown>;
  na.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  return { ...a, nodeAffinity: na } as Affinity;
}

/** The node a daemon pod is for: spec.nodeName, else its `metadata.name In [x]` affinity term. */
export function targetNodeName(spec: PodSpec | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  for (const t of spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** The template daemon pods are made from: the DaemonSet's, with tolerations and revision labels. */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const t = deepClone(ds.spec?.template ?? {}) as PodTemplateSpec;
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}), 'pod-template-generation': String(ds.metadata?.generation ?? 1) };
  if (hash) labels['controller-revision-hash'] = hash;
  return { ...t, metadata: { ...(t.metadata ?? {}), labels }, spec: withDaemonTolerations(t.spec ?? { containers: [] }) };
}
