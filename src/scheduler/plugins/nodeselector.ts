// NodeSelector terms (component-helpers nodeaffinity): terms are ORed, a term's matchExpressions
// (on node labels: In, NotIn, Exists, DoesNotExist, Gt, Lt) and matchFields (metadata.name with In or
// NotIn and one value) are ANDed. An empty term matches nothing; an invalid term is dropped (matches
// nothing) the way the lazy-error selector ignores terms that fail to parse.
import type { NodeSelectorRequirement, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import type { Labels } from '../podinfo.js';

type LabelRequirement =
  | { key: string; op: 'In' | 'NotIn'; values: ReadonlySet<string> }
  | { key: string; op: 'Exists' | 'DoesNotExist' }
  | { key: string; op: 'Gt' | 'Lt'; value: bigint };

interface FieldRequirement {
  key: string;
  op: 'In' | 'NotIn';
  value: string;
}

export interface CompiledTerm {
  readonly labels: readonly LabelRequirement[];
  readonly fields: readonly FieldRequirement[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64), or undefined. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

function compileLabelRequirement(r: NodeSelectorRequirement): LabelRequirement | undefined {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      return values.length ? { key: r.key, op: r.operator, values: new Set(values) } : undefined;
    case 'Exists':
    case 'DoesNotExist':
      return values.length ? undefined : { key: r.key, op: r.operator };
    case 'Gt':
    case 'Lt': {
      const v = values.length === 1 ? parseInt64(values[0]) : undefined;
      return v === undefined ? undefined : { key: r.key, op: r.operator, value: v };
    }
    default:
      return undefined;
  }
}

/** A compiled term, or undefined when it is empty or invalid (it then matches no node). */
export function compileTerm(t: NodeSelectorTerm | undefined): CompiledTerm | undefined {
  const exprs = t?.matchExpressions ?? [];
  const fieldExprs = t?.matchFields ?? [];
  if (!exprs.length && !fieldExprs.length) return undefined;
  const labels: LabelRequirement[] = [];
  for (const e of exprs) {
    const r = compileLabelRequirement(e);
    if (!r) return undefined;
    labels.push(r);
  }
  const fields: FieldRequirement[] = [];
  for (const e of fieldExprs) {
    if ((e.operator !== 'In' && e.operator !== 'NotIn') || e.values?.length !== 1) return undefined;
    fields.push({ key: e.key, op: e.operator, value: e.values[0] });
  }
  return { labels, fields };
}

function labelMatches(r: LabelRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'In': return has && r.values.has(labels[r.key]);
    case 'NotIn': return !has || !r.values.has(labels[r.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const v = parseInt64(labels[r.key]);
      if (v === undefined) return false;
      return r.op === 'Gt' ? v > r.value : v < r.value;
    }
  }
}

export function termMatches(t: CompiledTerm, nodeName: string, labels: Labels): boolean {
  for (const r of t.labels) if (!labelMatches(r, labels)) return false;
  for (const f of t.fields) {
    // The only field a node exposes is metadata.name.
    const actual = f.key === 'metadata.name' ? nodeName : '';
    if ((actual === f.value) !== (f.op === 'In')) return false;
  }
  return true;
}

/** A required NodeSelector: matches when any valid term matches. */
export class NodeSelectorMatcher {
  private readonly terms: readonly CompiledTerm[];

  constructor(terms: readonly NodeSelectorTerm[]) {
    this.terms = terms.map(compileTerm).filter((t): t is CompiledTerm => t !== undefined);
  }

  matches(nodeName: string, labels: Labels): boolean {
    for (const t of this.terms) if (termMatches(t, nodeName, labels)) return true;
    return false;
  }
}
