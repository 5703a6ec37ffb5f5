// NodeAffinity: spec.nodeSelector and required node affinity must both match the node; a required
// affinity on metadata.name narrows the candidate nodes at PreFilter. Preferred terms score the sum
// of the weights of the terms a node matches (normalized to 0..100).
import type { NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import type { Labels } from '../podinfo.js';
import { SKIP, unresolvable, type Plugin } from '../types.js';
import { defaultNormalizeScore } from './helpers.js';
import { compileTerm, NodeSelectorMatcher, termMatches, type CompiledTerm } from './nodeselector.js';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const PRE_FILTER_KEY = 'PreFilterNodeAffinity';
const PRE_SCORE_KEY = 'PreScoreNodeAffinity';
const REJECTED = unresolvable(ERR_REASON_POD);

interface RequiredAffinity {
  nodeSelector: ReadonlyArray<[string, string]>;
  affinity: NodeSelectorMatcher | undefined;
}

interface WeightedTerm {
  term: CompiledTerm;
  weight: number;
}

/** The node names a set of required terms can only match (from matchFields metadata.name In), if any. */
function nodeNamesOf(terms: readonly NodeSelectorTerm[]): Set<string> | undefined {
  let union: Set<string> | undefined;
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      names = names ? new Set([...names].filter((n) => s.has(n))) : s;
    }
    // A term without a node-name field allows every node: the terms are ORed.
    if (!names) return undefined;
    union ??= new Set();
    for (const n of names) union.add(n);
  }
  return union;
}

function matchesRequired(req: RequiredAffinity, name: string, labels: Labels): boolean {
  for (const [k, v] of req.nodeSelector) if (labels[k] !== v) return false;
  return req.affinity ? req.affinity.matches(name, labels) : true;
}

export const NodeAffinity: Plugin = {
  name: 'NodeAffinity',
  events: ['NodeAdd', 'NodeLabelChange'],
  preFilter(state, pod) {
    const spec = pod.pod.spec;
    const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !spec?.nodeSelector) return { status: SKIP };
    state.write(PRE_FILTER_KEY, {
      nodeSelector: Object.entries(spec?.nodeSelector ?? {}),
      affinity: required ? new NodeSelectorMatcher(required.nodeSelectorTerms ?? []) : undefined,
    } satisfies RequiredAffinity);
    const terms = required?.nodeSelectorTerms ?? [];
    if (!terms.length) return undefined;
    const names = nodeNamesOf(terms);
    if (names && names.size === 0) return { status: unresolvable(ERR_REASON_CONFLICT) };
    return names ? { nodeNames: names } : undefined;
  },
  filter(state, _pod, node) {
    const req = state.read<RequiredAffinity>(PRE_FILTER_KEY);
    return !req || matchesRequired(req, node.name, node.labels) ? undefined : REJECTED;
  },
  preScore(state, pod) {
    const terms: WeightedTerm[] = [];
    for (const t of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      const term = t.weight ? compileTerm(t.preference) : undefined;
      if (term) terms.push({ term, weight: t.weight });
    }
    if (!terms.length) return SKIP;
    state.write(PRE_SCORE_KEY, terms);
  },
  score(state, _pod, node) {
    let sum = 0;
    for (const t of state.read<WeightedTerm[]>(PRE_SCORE_KEY) ?? []) if (termMatches(t.term, node.name, node.labels)) sum += t.weight;
    return sum;
  },
  normalizeScore(_state, _pod, _nodes, scores) {
    defaultNormalizeScore(scores, false);
  },
};
