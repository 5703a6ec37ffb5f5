// Why a pod did not fit, and the message Kubernetes shows for it (framework.FitError.Error()):
//   "0/3 nodes are available: 2 Insufficient cpu, 1 node(s) had untolerated taint {k: v}. preemption: ..."
// The filter reasons are counted over nodes, printed "<count> <reason>", sorted as strings (Go's
// sort.Strings), joined with ", " and closed with "."; a PreFilter rejection replaces the histogram.
import type { PodInfo } from './podinfo.js';
import { NodeToStatus } from './types.js';

/** ErrNoNodesAvailable's text: the message when the cluster has no nodes at all. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface Diagnosis {
  readonly nodeToStatus: NodeToStatus;
  /** Plugins that rejected the pod on some node (drives which cluster events retry it). */
  readonly unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new NodeToStatus(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

/** FitError.Error() for `numAllNodes` nodes. */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const [, s] of d.nodeToStatus.entries()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.nodeToStatus.absent) for (const r of d.nodeToStatus.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

export class FitError {
  constructor(readonly pod: PodInfo, readonly numAllNodes: number, readonly diagnosis: Diagnosis) {}

  /** The PodScheduled=False condition's message and the FailedScheduling event's. */
  get message(): string {
    return this.numAllNodes === 0 ? NO_NODES_AVAILABLE : fitErrorMessage(this.numAllNodes, this.diagnosis);
  }
}

/** Events' note limit (validation.NoteLengthLimit) and the scheduler's truncation of longer messages. */
export const EVENT_MESSAGE_LIMIT = 1024;

export function truncateEventMessage(m: string): string {
  if (m.length <= EVENT_MESSAGE_LIMIT) return m;
  const suffix = ' ...';
  return m.slice(0, EVENT_MESSAGE_LIMIT - suffix.length) + suffix;
}
