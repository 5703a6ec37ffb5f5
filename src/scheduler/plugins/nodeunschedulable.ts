// NodeUnschedulable: a cordoned node (spec.unschedulable) only takes pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import type { Taint } from 'kubernetes-types/core/v1.js';
import { unresolvable, type Plugin } from '../types.js';
import { tolerationsTolerateTaint } from './helpers.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };
const REJECTED = unresolvable(ERR_REASON_UNSCHEDULABLE);

export const NodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  events: ['NodeAdd', 'NodeSpecUnschedulableChange', 'NodeTaintChange'],
  filter(_state, pod, node) {
    if (!node.unschedulable) return undefined;
    return tolerationsTolerateTaint(pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT) ? undefined : REJECTED;
  },
};
