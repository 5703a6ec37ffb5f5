// NodeName: a pod that names a node (spec.nodeName) fits only that node.
import { SKIP, unresolvable, type Plugin } from '../types.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

const REJECTED = unresolvable(ERR_REASON_NODE_NAME);

export const NodeName: Plugin = {
  name: 'NodeName',
  events: ['NodeAdd'],
  preFilter(_state, pod) {
    return pod.pod.spec?.nodeName ? undefined : { status: SKIP };
  },
  filter(_state, pod, node) {
    const want = pod.pod.spec?.nodeName;
    return !want || want === node.name ? undefined : REJECTED;
  },
};
