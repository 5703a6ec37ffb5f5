// What the scheduler needs to know about a pod, computed once per pod object (framework.PodInfo):
// its requests, host ports, controller, priority and parsed required (anti-)affinity terms.
import type { Pod, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { fromLabelSelectorObject, matchLabels, type LabelSelector } from '../api/selectors.js';
import { podNonZeroRequests, podRequests, type Resources } from './resources.js';

export type Labels = Readonly<Record<string, string>>;

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

/** A parsed PodAffinityTerm (framework.AffinityTerm). A null selector matches nothing, as a nil one does in Go. */
export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector: LabelSelector | null;
  readonly selector: LabelSelector | null;
  readonly topologyKey: string;
}

export const DEFAULT_BIND_ALL_HOST_IP = '0.0.0.0';
/** The well-known per-node topology label (v1.LabelHostname). */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

function parseTerm(namespace: string, t: PodAffinityTerm): AffinityTerm {
  const namespaces = t.namespaces?.length || t.namespaceSelector ? new Set(t.namespaces ?? []) : new Set([namespace]);
  return {
    namespaces,
    namespaceSelector: t.namespaceSelector ? fromLabelSelectorObject(t.namespaceSelector) : null,
    selector: t.labelSelector ? fromLabelSelectorObject(t.labelSelector) : null,
    topologyKey: t.topologyKey,
  };
}

/**
 * AffinityTerm.Matches: the pod is in one of the term's namespaces (listed, or selected by the term's
 * namespaceSelector through the namespace's labels) and its labels match the term's selector.
 */
export function termMatches(term: AffinityTerm, pod: PodInfo, namespaceLabels: (ns: string) => Labels | undefined): boolean {
  if (term.selector === null) return false;
  const inNamespace = term.namespaces.has(pod.namespace) || (term.namespaceSelector !== null && matchLabels(term.namespaceSelector, namespaceLabels(pod.namespace) ?? {}));
  return inNamespace && matchLabels(term.selector, pod.labels);
}

export class PodInfo {
  readonly key: string;
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly priority: number;
  readonly terminating: boolean;
  /** UID of the controlling owner (ReplicaSet, StatefulSet, Job...), the spreading group. */
  readonly ownerKey: string | undefined;
  readonly requests: Resources;
  readonly nonZeroRequests: { readonly milliCPU: number; readonly memory: number };
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];

  constructor(readonly pod: Pod) {
    const md = pod.metadata ?? {};
    this.name = md.name ?? '';
    this.namespace = md.namespace ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = md.uid ?? this.key;
    this.labels = md.labels ?? {};
    this.priority = pod.spec?.priority ?? 0;
    this.terminating = !!md.deletionTimestamp;
    this.ownerKey = md.ownerReferences?.find((r) => r.controller)?.uid;
    this.requests = podRequests(pod);
    this.nonZeroRequests = podNonZeroRequests(pod);
    const ports: HostPort[] = [];
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        if ((p.hostPort ?? 0) > 0) ports.push({ ip: p.hostIP || DEFAULT_BIND_ALL_HOST_IP, protocol: p.protocol || 'TCP', port: p.hostPort! });
      }
    }
    this.hostPorts = ports;
    const aff = pod.spec?.affinity;
    this.requiredAffinityTerms = (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(this.namespace, t));
    this.requiredAntiAffinityTerms = (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(this.namespace, t));
  }
}
