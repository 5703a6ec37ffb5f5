// `--wait` as Helm 3 does it (pkg/kube/ready.go, wait.go): every 2 seconds every resource is
// fetched and checked: Pods ready, Deployments with their new ReplicaSet observed and enough ready
// pods (replicas - maxUnavailable), StatefulSets/DaemonSets rolled out and ready, ReplicaSets and
// ReplicationControllers observed with ready pods, PVCs bound, Services with a cluster IP (and a
// load-balancer ingress for type LoadBalancer), CRDs established, Jobs complete (--wait-for-jobs).
// Anything else is ready once it exists. The reasons resources are not ready are reported as
// progress lines.
import type { KubeClient, ResourceRef } from '../../client/client.js';
import { deepEqual, type KubeObject } from '../../api/object.js';
import type { KubeResource } from './kube.js';
import { sleep } from './kube.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ReadyResult {
  ready: boolean;
  /** why not (a progress line), when not ready */
  reason?: string;
}

const READY: ReadyResult = { ready: true };
const notReady = (reason: string): ReadyResult => ({ ready: false, reason });

export function isPodReady(podIn: KubeObject): boolean {
  const pod = podIn as Obj;
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

export function jobReady(jobIn: KubeObject): ReadyResult {
  const job = jobIn as Obj;
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  const name = `${job.metadata?.namespace}/${job.metadata?.name}`;
  if ((job.status?.failed ?? 0) > backoffLimit) throw new Error(`job is failed: ${name}`);
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null && (job.status?.succeeded ?? 0) < completions) return notReady(`Job is not completed: ${name}`);
  return READY;
}

export function serviceReady(svcIn: KubeObject): ReadyResult {
  const svc = svcIn as Obj;
  const name = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
  if (svc.spec?.type === 'ExternalName') return READY;
  if (!svc.spec?.clusterIP) return notReady(`Service does not have cluster IP address: ${name}`);
  if (svc.spec?.type === 'LoadBalancer') {
    if ((svc.spec?.externalIPs ?? []).length > 0) return READY;
    if (!svc.status?.loadBalancer?.ingress) return notReady(`Service does not have load balancer ingress IP address: ${name}`);
  }
  return READY;
}

export function volumeReady(pvcIn: KubeObject): ReadyResult {
  const pvc = pvcIn as Obj;
  if (pvc.status?.phase !== 'Bound') return notReady(`PersistentVolumeClaim is not bound: ${pvc.metadata?.namespace}/${pvc.metadata?.name}`);
  return READY;
}

/** intstr.GetScaledValueFromIntOrPercent */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const s = String(v);
  if (!s.endsWith('%')) {
    const n = Number(s);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const pct = Number(s.slice(0, -1));
  if (!Number.isInteger(pct)) throw new Error(`invalid value "${s}": strconv.Atoi: parsing "${s.slice(0, -1)}": invalid syntax`);
  return roundUp ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}

/** deploymentutil.MaxUnavailable */
export function maxUnavailable(depIn: KubeObject): number {
  const dep = depIn as Obj;
  const replicas = dep.spec?.replicas ?? 1;
  const strategy = dep.spec?.strategy?.type ?? 'RollingUpdate';
  if (strategy !== 'RollingUpdate' || replicas === 0) return 0;
  const ru = dep.spec?.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge ?? '25%', replicas, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return Math.min(unavailable, replicas);
}

function generationObserved(o: Obj): boolean {
  return (o.status?.observedGeneration ?? 0) === (o.metadata?.generation ?? 0);
}

export function replicaSetReady(rsIn: KubeObject): ReadyResult {
  const rs = rsIn as Obj;
  if (!generationObserved(rs)) return notReady(`ReplicaSet is not ready: ${rs.metadata?.namespace}/${rs.metadata?.name}. observedGeneration (${rs.status?.observedGeneration ?? 0}) does not match spec generation (${rs.metadata?.generation ?? 0})`);
  return READY;
}

export function deploymentReady(rsIn: KubeObject | undefined, depIn: KubeObject): ReadyResult {
  const rs = rsIn as Obj | undefined;
  const dep = depIn as Obj;
  const name = `${dep.metadata?.namespace}/${dep.metadata?.name}`;
  if (!rs) return notReady(`Deployment is not ready: ${name}. No new ReplicaSet found`);
  const rsr = replicaSetReady(rs);
  if (!rsr.ready) return rsr;
  if (!generationObserved(dep)) return notReady(`Deployment is not ready: ${name}. observedGeneration (${dep.status?.observedGeneration ?? 0}) does not match spec generation (${dep.metadata?.generation ?? 0})`);
  const expected = (dep.spec?.replicas ?? 1) - maxUnavailable(dep);
  const readyReplicas = rs.status?.readyReplicas ?? 0;
  if (readyReplicas < expected) return notReady(`Deployment is not ready: ${name}. ${readyReplicas} out of ${expected} expected pods are ready`);
  return READY;
}

export function daemonSetReady(dsIn: KubeObject): ReadyResult {
  const ds = dsIn as Obj;
  const name = `${ds.metadata?.namespace}/${ds.metadata?.name}`;
  if (!generationObserved(ds)) return notReady(`DaemonSet is not ready: ${name}. observedGeneration (${ds.status?.observedGeneration ?? 0}) does not match spec generation (${ds.metadata?.generation ?? 0})`);
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return READY;
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const updated = ds.status?.updatedNumberScheduled ?? 0;
  if (updated !== desired) return notReady(`DaemonSet is not ready: ${name}. ${updated} out of ${desired} expected pods have been scheduled`);
  let mu: number;
  try {
    mu = scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
  } catch {
    mu = desired;
  }
  const expected = desired - mu;
  const numberReady = ds.status?.numberReady ?? 0;
  if (numberReady < expected) return notReady(`DaemonSet is not ready: ${name}. ${numberReady} out of ${expected} expected pods are ready`);
  return READY;
}

export function statefulSetReady(stsIn: KubeObject): ReadyResult {
  const sts = stsIn as Obj;
  const name = `${sts.metadata?.namespace}/${sts.metadata?.name}`;
  if (!generationObserved(sts)) return notReady(`StatefulSet is not ready: ${name}. observedGeneration (${sts.status?.observedGeneration ?? 0}) does not match spec generation (${sts.metadata?.generation ?? 0})`);
  if ((sts.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return READY;
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const replicas = sts.spec?.replicas ?? 1;
  const expected = replicas - partition;
  const updated = sts.status?.updatedReplicas ?? 0;
  if (updated < expected) return notReady(`StatefulSet is not ready: ${name}. ${updated} out of ${expected} expected pods have been scheduled`);
  const readyReplicas = sts.status?.readyReplicas ?? 0;
  if (readyReplicas !== replicas) return notReady(`StatefulSet is not ready: ${name}. ${readyReplicas} out of ${replicas} expected pods are ready`);
  if (partition === 0 && sts.status?.currentRevision !== sts.status?.updateRevision) {
    return notReady(`StatefulSet is not ready: ${name}. currentRevision ${sts.status?.currentRevision} does not yet match updateRevision ${sts.status?.updateRevision}`);
  }
  return READY;
}

export function crdReady(crdIn: KubeObject): ReadyResult {
  const crd = crdIn as Obj;
  for (const c of crd.status?.conditions ?? []) {
    if (c.type === 'Established' && c.status === 'True') return READY;
    if (c.type === 'NamesAccepted' && c.status === 'False') return READY;
  }
  return notReady(`CustomResourceDefinition is not established: ${crd.metadata?.name}`);
}

const REPLICASETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };

function withoutHash(template: Obj | undefined): Obj {
  const t = JSON.parse(JSON.stringify(template ?? {}));
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  if (t.metadata?.labels && Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  return t;
}

/** deploymentutil.FindNewReplicaSet: the oldest owned ReplicaSet whose template equals the deployment's. */
export function findNewReplicaSet(depIn: KubeObject, replicaSets: KubeObject[]): KubeObject | undefined {
  const dep = depIn as Obj;
  const uid = dep.metadata?.uid;
  const owned = (replicaSets as Obj[]).filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o: Obj) => o.controller && o.uid === uid));
  owned.sort((a, b) => String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? '')) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  const want = withoutHash(dep.spec?.template);
  return owned.find((rs) => deepEqual(withoutHash(rs.spec?.template), want));
}

function selectorString(sel: Obj | undefined): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** ReadyChecker.IsReady for one resource (fetching its live state). */
export async function checkReady(client: KubeClient, r: KubeResource, opts: { checkJobs?: boolean; pausedAsReady?: boolean } = {}): Promise<ReadyResult> {
  const ns = r.namespace || undefined;
  const get = () => client.get<Obj>(r.ref, ns, r.name);
  const group = r.ref.group;
  switch (`${group}/${r.kind}`) {
    case '/Pod': {
      const pod = await get();
      return isPodReady(pod) ? READY : notReady(`Pod is not ready: ${r.namespace}/${r.name}`);
    }
    case 'batch/Job':
      if (!opts.checkJobs) return READY;
      return jobReady(await get());
    case 'apps/Deployment': {
      const dep = await get();
      if (dep.spec?.paused) return opts.pausedAsReady ? READY : notReady(`Deployment is paused: ${r.namespace}/${r.name}`);
      const list = await client.list<Obj>(REPLICASETS, ns, { labelSelector: selectorString(dep.spec?.selector) });
      return deploymentReady(findNewReplicaSet(dep, list.items), dep);
    }
    case '/PersistentVolumeClaim':
      return volumeReady(await get());
    case '/Service':
      return serviceReady(await get());
    case 'apps/DaemonSet':
      return daemonSetReady(await get());
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      return crdReady(await get());
    case 'apps/StatefulSet':
      return statefulSetReady(await get());
    case '/ReplicationController':
    case 'apps/ReplicaSet': {
      const o = await get();
      if (!generationObserved(o)) return notReady(`${r.kind} is not ready: ${r.namespace}/${r.name}. observedGeneration (${o.status?.observedGeneration ?? 0}) does not match spec generation (${o.metadata?.generation ?? 0})`);
      const sel = r.kind === 'ReplicationController' ? selectorString({ matchLabels: o.spec?.selector ?? {} }) : selectorString(o.spec?.selector);
      const pods = await client.list<Obj>(PODS, ns, { labelSelector: sel });
      const notReadyPod = pods.items.find((p) => !isPodReady(p));
      return notReadyPod ? notReady(`Pod is not ready: ${r.namespace}/${notReadyPod.metadata?.name}`) : READY;
    }
    default:
      return READY;
  }
}

export interface WaitOptions {
  timeoutMs: number;
  waitForJobs?: boolean;
  pollMs?: number;
  /** a progress line (printed on stderr by the CLI) */
  progress?: (line: string) => void;
}

/**
 * Helm's waiter.waitForResources: polls immediately and then every 2 seconds until every resource is
 * ready; a failed Job fails the wait at once; the timeout fails it with "context deadline exceeded".
 */
export async function waitForResources(client: KubeClient, resources: KubeResource[], opts: WaitOptions): Promise<void> {
  const progress = opts.progress ?? (() => {});
  const pollMs = opts.pollMs ?? 2000;
  const deadline = Date.now() + opts.timeoutMs;
  progress(`beginning wait for ${resources.length} resources with timeout of ${formatDuration(opts.timeoutMs)}`);
  const retries = new Map<KubeResource, number>();
  let lastReason = '';
  for (;;) {
    let allReady = true;
    for (const r of resources) {
      let res: ReadyResult;
      try {
        res = await checkReady(client, r, { checkJobs: opts.waitForJobs, pausedAsReady: false });
        retries.set(r, 0);
      } catch (err) {
        const code = (err as { code?: number }).code;
        // Server errors and throttling are retried (up to 30 times in a row), anything else fails.
        if (typeof code === 'number' && (code >= 500 || code === 429)) {
          const n = (retries.get(r) ?? 0) + 1;
          retries.set(r, n);
          if (n > 30) throw err;
          res = notReady(`Retrying as current number of retries ${n - 1} less than max number of retries 30`);
        } else if (typeof code === 'number' && code === 404) {
          res = notReady(`${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name} not found`);
        } else {
          throw err;
        }
      }
      if (!res.ready) {
        allReady = false;
        if (res.reason && res.reason !== lastReason) {
          progress(res.reason);
          lastReason = res.reason;
        }
        break;
      }
    }
    if (allReady) return;
    if (Date.now() >= deadline) throw new Error('context deadline exceeded');
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}

/** Go's time.Duration.String() for a millisecond count. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const m = Math.floor(rest / 60000);
  rest -= m * 60000;
  const s = rest / 1000;
  if (h === 0 && m === 0 && s < 1) return `${neg ? '-' : ''}${rest}ms`;
  let out = '';
  if (h) out += `${h}h`;
  if (h || m) out += `${m}m`;
  out += `${Number.isInteger(s) ? s : Number(s.toFixed(3))}s`;
  return (neg ? '-' : '') + out;
}

export type { KubeObject };
