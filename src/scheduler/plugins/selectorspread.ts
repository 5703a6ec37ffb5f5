// SelectorSpread: spreads the pods of one controller (the controlling ownerReference: ReplicaSet,
// StatefulSet, Job...) over nodes and zones. A node scores by how many of the controller's
// non-terminating pods it already has (an O(1) lookup in the node's aggregates); normalization maps
// fewer pods to a higher score and, when nodes carry zone labels, blends in the zone's count with
// weight 2/3 — the formula of kube-scheduler's former SelectorSpread plugin, with "pods matching the
// selectors of the pod's services and controllers" simplified to "pods with the same controller".
import type { NodeInfo } from '../nodeinfo.js';
import { MAX_NODE_SCORE, SKIP, type Plugin } from '../types.js';

const ZONE_WEIGHTING = 2 / 3;

export const SelectorSpread: Plugin = {
  name: 'SelectorSpread',
  preScore(_state, pod) {
    return pod.ownerKey ? undefined : SKIP;
  },
  score(_state, pod, node: NodeInfo) {
    return node.ownerCounts.get(pod.ownerKey!) ?? 0;
  },
  normalizeScore(_state, _pod, nodes, scores) {
    let maxByNode = 0;
    const byZone = new Map<string, number>();
    const zones: string[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      if (scores[i] > maxByNode) maxByNode = scores[i];
      zones[i] = nodes[i].zone;
      if (zones[i]) byZone.set(zones[i], (byZone.get(zones[i]) ?? 0) + scores[i]);
    }
    let maxByZone = 0;
    for (const n of byZone.values()) if (n > maxByZone) maxByZone = n;
    for (let i = 0; i < nodes.length; i++) {
      let f = maxByNode > 0 ? MAX_NODE_SCORE * ((maxByNode - scores[i]) / maxByNode) : MAX_NODE_SCORE;
      if (byZone.size && zones[i]) {
        const zoneScore = maxByZone > 0 ? MAX_NODE_SCORE * ((maxByZone - byZone.get(zones[i])!) / maxByZone) : MAX_NODE_SCORE;
        f = f * (1 - ZONE_WEIGHTING) + ZONE_WEIGHTING * zoneScore;
      }
      scores[i] = Math.trunc(f);
    }
  },
};
