// TaintToleration: a node's NoSchedule/NoExecute taints must all be tolerated (the first one that is
// not is named in the reason); among feasible nodes, fewer untolerated PreferNoSchedule taints score
// higher (normalized and reversed).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { unresolvable, type Plugin } from '../types.js';
import { defaultNormalizeScore, findUntoleratedTaint, tolerationsTolerateTaint } from './helpers.js';

const PRE_SCORE_KEY = 'PreScoreTaintToleration';

const doNotSchedule = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

export function untoleratedTaintReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
}

export const TaintToleration: Plugin = {
  name: 'TaintToleration',
  events: ['NodeAdd', 'NodeTaintChange'],
  filter(_state, pod, node) {
    if (node.taints.length === 0) return undefined;
    const t = findUntoleratedTaint(node.taints, pod.pod.spec?.tolerations, doNotSchedule);
    return t ? unresolvable(untoleratedTaintReason(t)) : undefined;
  },
  preScore(state, pod) {
    // An empty effect tolerates every effect, PreferNoSchedule included.
    const prefer = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.write(PRE_SCORE_KEY, prefer);
  },
  score(state, _pod, node) {
    if (node.taints.length === 0) return 0;
    const tolerations = state.read<Toleration[]>(PRE_SCORE_KEY) ?? [];
    let n = 0;
    for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) n++;
    return n;
  },
  normalizeScore(_state, _pod, _nodes, scores) {
    defaultNormalizeScore(scores, true);
  },
};
