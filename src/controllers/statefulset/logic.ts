// The StatefulSet controller's decisions, free of I/O (after Kubernetes' stateful_set_control.go):
// given the set, its pods and its current/update revisions, which pods to create, delete or fix, in
// which order, and the resulting status counts. OrderedReady ("monotonic") stops at the first pod
// that is not yet Running and Ready (and available); Parallel does everything at once.
import type { Pod, PodTemplateSpec, PersistentVolumeClaim, Volume } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../api/object.js';
import { deepClone } from '../../api/object.js';
import { controllerRef, isPodAvailable, isPodReady } from '../job/controllerutil.js';
import { REVISION_HASH_LABEL } from './history.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

export function podName(setName: string, ordinal: number): string {
  return `${setName}-${ordinal}`;
}

export function claimName(claim: string, setName: string, ordinal: number): string {
  return `${claim}-${setName}-${ordinal}`;
}

/** `web-3` -> { parent: 'web', ordinal: 3 }; ordinal -1 when the name has no ordinal suffix. */
export function parentAndOrdinal(name: string): { parent: string; ordinal: number } {
  const m = /^(.*)-([0-9]+)$/.exec(name);
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? { parent: m[1], ordinal: n } : { parent: '', ordinal: -1 };
}

export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod.metadata?.name ?? '').parent === set.metadata?.name;
}

export const isCreated = (p: Pod) => !!p.status?.phase;
export const isTerminating = (p: Pod) => !!p.metadata?.deletionTimestamp;
export const isFailed = (p: Pod) => p.status?.phase === 'Failed';
export const isSucceeded = (p: Pod) => p.status?.phase === 'Succeeded';
export const isRunningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
export const isRunningAndAvailable = (p: Pod, minReadySeconds: number, now: number) => p.status?.phase === 'Running' && isPodAvailable(p, minReadySeconds, now);
export const isHealthy = (p: Pod) => isRunningAndReady(p) && !isTerminating(p);
export const podRevision = (p: Pod) => p.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';

/** The PVCs a pod of the set uses, one per volumeClaimTemplate. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const sel = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const c = deepClone(t) as PersistentVolumeClaim & { metadata: Record<string, unknown> };
    c.metadata = { ...(t.metadata ?? {}) };
    c.metadata.name = claimName(t.metadata?.name ?? '', set.metadata!.name!, ordinal);
    c.metadata.namespace = set.metadata!.namespace;
    c.metadata.labels = { ...(t.metadata?.labels ?? {}), ...sel };
    delete (c as { status?: unknown }).status;
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...c } as PersistentVolumeClaim;
  });
}

/** A new pod for `ordinal` from `template`, with its stable identity, storage and revision label. */
export function newPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, revision: string): Pod {
  const t = deepClone(template);
  const name = podName(set.metadata!.name!, ordinal);
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_HASH_LABEL]: revision };
  const spec = { ...(t.spec ?? { containers: [] }) } as NonNullable<Pod['spec']> & Record<string, unknown>;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const claims = set.spec?.volumeClaimTemplates ?? [];
  if (claims.length) {
    const names = new Set(claims.map((c) => c.metadata?.name));
    const vols: Volume[] = (spec.volumes ?? []).filter((v) => !names.has(v.name));
    for (const c of claims) vols.push({ name: c.metadata!.name!, persistentVolumeClaim: { claimName: claimName(c.metadata!.name!, set.metadata!.name!, ordinal) } });
    (spec as { volumes?: Volume[] }).volumes = vols;
  }
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: set.metadata!.namespace, labels,
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ...(t.metadata?.finalizers ? { finalizers: [...t.metadata.finalizers] } : {}),
      ownerReferences: [controllerRef(set as KubeObject)],
    },
    spec,
  };
}

/** Pod name, namespace and pod-name label as the set expects them. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata?.name ?? '');
  return ordinal >= 0 && parent === set.metadata?.name && pod.metadata?.namespace === set.metadata?.namespace
    && pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name;
}

export type Action =
  | { type: 'create'; pod: Pod; ordinal: number }
  | { type: 'delete'; pod: Pod; why: 'failed' | 'succeeded' | 'scale' | 'update' }
  | { type: 'fixIdentity'; pod: Pod };

export interface ReplicaStatus {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
}

export interface PlanInput {
  set: StatefulSet;
  pods: Pod[];
  currentTemplate: PodTemplateSpec;
  updateTemplate: PodTemplateSpec;
  currentRevision: string;
  updateRevision: string;
  /** status.currentReplicas as last written (used when rollingUpdate is absent) */
  statusCurrentReplicas: number;
  now: number;
}

export interface Plan {
  /** in order; with OrderedReady only the first step that blocks is included */
  actions: Action[];
  status: ReplicaStatus;
  /** some pod is ready but not yet available (re-check after minReadySeconds) */
  awaitingAvailability: boolean;
}

function computeStatus(pods: Pod[], minReadySeconds: number, now: number, current: string, update: string): ReplicaStatus {
  const s: ReplicaStatus = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const p of pods) {
    if (isCreated(p)) s.replicas++;
    if (isRunningAndReady(p)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(p, minReadySeconds, now)) s.availableReplicas++;
    }
    if (isCreated(p) && !isTerminating(p)) {
      const r = podRevision(p);
      if (r === current) s.currentReplicas++;
      if (r === update) s.updatedReplicas++;
    }
  }
  return s;
}

/** Decides the next steps for a StatefulSet. */
export function planStatefulSet(input: PlanInput): Plan {
  const { set, now } = input;
  const replicaCount = set.spec?.replicas ?? 1;
  const start = startOrdinal(set);
  const minReady = set.spec?.minReadySeconds ?? 0;
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
  const ru = set.spec?.updateStrategy?.type !== 'OnDelete' ? set.spec?.updateStrategy?.rollingUpdate : undefined;
  const rollingUpdate = set.spec?.updateStrategy?.type !== 'OnDelete';
  const partition = ru?.partition ?? 0;

  const versioned = (ordinal: number): Pod => {
    const useCurrent = rollingUpdate && (ru === undefined ? ordinal < start + input.statusCurrentReplicas : ordinal < start + partition);
    return useCurrent ? newPod(set, input.currentTemplate, ordinal, input.currentRevision) : newPod(set, input.updateTemplate, ordinal, input.updateRevision);
  };

  const replicas: Array<Pod | undefined> = new Array(replicaCount).fill(undefined);
  const condemned: Pod[] = [];
  for (const p of input.pods) {
    const { ordinal } = parentAndOrdinal(p.metadata?.name ?? '');
    if (ordinal >= start && ordinal < start + replicaCount) replicas[ordinal - start] = p;
    else if (ordinal >= 0) condemned.push(p);
  }
  const created = new Set<number>();
  for (let i = 0; i < replicaCount; i++) if (!replicas[i]) { replicas[i] = versioned(i + start); created.add(i); }
  condemned.sort((a, b) => parentAndOrdinal(b.metadata!.name!).ordinal - parentAndOrdinal(a.metadata!.name!).ordinal);

  let firstUnhealthy: Pod | undefined;
  for (const p of replicas) if (!isHealthy(p!)) { firstUnhealthy ??= p; }
  for (let i = condemned.length - 1; i >= 0; i--) if (!isHealthy(condemned[i])) { firstUnhealthy ??= condemned[i]; }

  const actions: Action[] = [];
  const all = () => [...(replicas as Pod[]), ...condemned];
  const awaiting = all().some((p) => isRunningAndReady(p) && !isRunningAndAvailable(p, minReady, now));
  const finish = (): Plan => ({ actions, status: computeStatus(all(), minReady, now, input.currentRevision, input.updateRevision), awaitingAvailability: awaiting });
  if (set.metadata?.deletionTimestamp) return finish();

  // living replicas, in ordinal order
  for (let i = 0; i < replicaCount; i++) {
    let p = replicas[i]!;
    if (isFailed(p) || isSucceeded(p)) {
      actions.push({ type: 'delete', pod: p, why: isFailed(p) ? 'failed' : 'succeeded' });
      p = replicas[i] = versioned(i + start);
    }
    if (!isCreated(p)) {
      actions.push({ type: 'create', pod: p, ordinal: i + start });
      if (monotonic) return finish();
      continue;
    }
    if (monotonic && (isTerminating(p) || !isRunningAndReady(p) || !isRunningAndAvailable(p, minReady, now))) return finish();
    if (!identityMatches(set, p)) actions.push({ type: 'fixIdentity', pod: p });
  }
  void created;

  // scale down: highest ordinal first; OrderedReady waits for predecessors to be healthy
  for (const p of condemned) {
    if (isTerminating(p)) { if (monotonic) return finish(); continue; }
    if (monotonic && p !== firstUnhealthy && (!isRunningAndReady(p) || !isRunningAndAvailable(p, minReady, now))) return finish();
    actions.push({ type: 'delete', pod: p, why: 'scale' });
    if (monotonic) return finish();
  }

  const plan = finish();
  if (!rollingUpdate) return plan;
  // rolling update: the highest ordinal not on the update revision goes first, one at a time
  for (let target = replicaCount - 1; target >= partition; target--) {
    const p = replicas[target]!;
    if (podRevision(p) !== input.updateRevision && !isTerminating(p)) {
      actions.push({ type: 'delete', pod: p, why: 'update' });
      plan.status.currentReplicas--;
      return plan;
    }
    if (!isRunningAndAvailable(p, minReady, now) || isTerminating(p)) return plan;
  }
  return plan;
}
