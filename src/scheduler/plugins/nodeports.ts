// NodePorts: the pod's host ports (protocol, port, host IP; 0.0.0.0 meaning every IP) must be free on
// the node. Used ports are an aggregate of the NodeInfo, so the check is a few map lookups.
import { SKIP, unschedulable, type Plugin } from '../types.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

const REJECTED = unschedulable(ERR_REASON_NODE_PORTS);

export const NodePorts: Plugin = {
  name: 'NodePorts',
  events: ['NodeAdd', 'AssignedPodDelete'],
  preFilter(_state, pod) {
    return pod.hostPorts.length ? undefined : { status: SKIP };
  },
  filter(_state, pod, node) {
    for (const p of pod.hostPorts) if (node.portConflicts(p)) return REJECTED;
    return undefined;
  },
};
