// One scheduling cycle for one pod, as kube-scheduler's schedulePod: PreFilter -> Filter (stopping
// once enough feasible nodes are found, starting where the previous cycle stopped) -> PostFilter on
// failure -> PreScore -> Score -> NormalizeScore -> weighted sum -> pick the best node.
// Ties between the best nodes are broken uniformly at random (reservoir sampling, as kube-scheduler's
// selectHost); pass `random` to make the choice reproducible.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FitError, newDiagnosis, type Diagnosis } from './fiterror.js';
import type { NodeInfo } from './nodeinfo.js';
import { PodInfo } from './podinfo.js';
import type { Snapshot } from './snapshot.js';
import { CycleState, MAX_NODE_SCORE, statusMessage, unresolvable, type FrameworkHandle, type Plugin, type Profile, type Status } from './types.js';

interface CompiledProfile {
  readonly preFilter: readonly Plugin[];
  readonly filter: readonly Plugin[];
  readonly postFilter: readonly Plugin[];
  readonly preScore: readonly Plugin[];
  readonly score: ReadonlyArray<{ plugin: Plugin; weight: number }>;
  readonly removePod: readonly Plugin[];
}

const compiledProfiles = new WeakMap<Profile, CompiledProfile>();

function compile(profile: Profile): CompiledProfile {
  let c = compiledProfiles.get(profile);
  if (!c) {
    const ps = profile.plugins.map((e) => e.plugin);
    c = {
      preFilter: ps.filter((p) => p.preFilter),
      filter: ps.filter((p) => p.filter),
      postFilter: ps.filter((p) => p.postFilter),
      preScore: ps.filter((p) => p.preScore),
      score: profile.plugins.filter((e) => e.plugin.score).map((e) => ({ plugin: e.plugin, weight: e.weight ?? 1 })),
      removePod: ps.filter((p) => p.removePod),
    };
    compiledProfiles.set(profile, c);
  }
  return c;
}

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** How many feasible nodes to look for before scoring (numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentageOfNodesToScore ?? 0;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * pct) / 100));
}

export interface ScheduleOptions {
  /** Returns a number in [0, 1); used to break ties between the best nodes. Default Math.random. */
  random?: () => number;
}

export type ScheduleResult =
  | { node: string; state: CycleState; evaluatedNodes: number; feasibleNodes: number }
  | { fitError: FitError; state: CycleState; nominatedNodeName?: string };

function runFilters(c: CompiledProfile, state: CycleState, pod: PodInfo, node: NodeInfo): { status: Status; plugin: string } | undefined {
  for (const pl of c.filter) {
    if (state.skipFilter.has(pl.name)) continue;
    const s = pl.filter!(state, pod, node);
    if (s) return { status: s, plugin: pl.name };
  }
  return undefined;
}

function handleFor(c: CompiledProfile, snapshot: Snapshot): FrameworkHandle {
  return {
    snapshot,
    runFilters: (state, pod, node) => runFilters(c, state, pod, node)?.status,
    removePod: (state, pod, victim, node) => {
      for (const pl of c.removePod) if (!state.skipFilter.has(pl.name)) pl.removePod!(state, pod, victim, node);
    },
  };
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}

/** Runs the profile's PreFilter plugins; a rejection is recorded in the diagnosis. */
function preFilter(c: CompiledProfile, state: CycleState, pod: PodInfo, snapshot: Snapshot, d: Diagnosis): { ok: boolean; nodeNames?: Set<string>; narrowedBy: string[] } {
  let nodeNames: Set<string> | undefined;
  const narrowedBy: string[] = [];
  let rejected: { status: Status; plugin: string } | undefined;
  const reject = (status: Status, plugin: string) => {
    d.nodeToStatus.absent = status;
    d.preFilterMsg = statusMessage(status);
    d.unschedulablePlugins.add(plugin);
    return { ok: false, narrowedBy };
  };
  for (const pl of c.preFilter) {
    const r = pl.preFilter!(state, pod, snapshot);
    if (!r) continue;
    if (r.status?.code === 'Skip') {
      state.skipFilter.add(pl.name);
      continue;
    }
    if (r.status?.code === 'UnschedulableAndUnresolvable') return reject(r.status, pl.name);
    // Unschedulable: keep running the others so that preemption sees complete state.
    if (r.status) {
      rejected ??= { status: r.status, plugin: pl.name };
      continue;
    }
    if (r.nodeNames) {
      narrowedBy.push(pl.name);
      nodeNames = nodeNames ? intersect(nodeNames, r.nodeNames) : new Set(r.nodeNames);
      if (nodeNames.size === 0) {
        const msg = narrowedBy.length === 1 ? `node(s) didn't satisfy plugin ${narrowedBy[0]}` : `node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}] simultaneously`;
        const out = reject(unresolvable(msg), pl.name);
        for (const p of narrowedBy) d.unschedulablePlugins.add(p);
        return out;
      }
    }
  }
  if (rejected) return reject(rejected.status, rejected.plugin);
  return { ok: true, nodeNames, narrowedBy };
}

/**
 * Schedules one pod against a snapshot: `{node}` when a node was chosen, `{fitError}` when none fits
 * (its `message` is the PodScheduled condition's). Advances `snapshot.nextStartNodeIndex`; does not
 * change the snapshot otherwise (assuming the pod on the node is the caller's business).
 */
export function schedulePod(pod: Pod | PodInfo, snapshot: Snapshot, profile: Profile, opts: ScheduleOptions = {}): ScheduleResult {
  const pi = pod instanceof PodInfo ? pod : new PodInfo(pod);
  const c = compile(profile);
  const state = new CycleState();
  const allNodes = snapshot.nodes;
  const numAll = allNodes.length;
  const d = newDiagnosis();
  const fail = (): ScheduleResult => {
    if (numAll === 0) return { fitError: new FitError(pi, 0, d), state };
    const fw = handleFor(c, snapshot);
    const msgs: string[] = [];
    let nominatedNodeName: string | undefined;
    for (const pl of c.postFilter) {
      const r = pl.postFilter!(state, pi, d.nodeToStatus, fw);
      if (r.nominatedNodeName) {
        nominatedNodeName = r.nominatedNodeName;
        msgs.length = 0;
        break;
      }
      if (r.message) msgs.push(r.message);
    }
    d.postFilterMsg = msgs.join(', ');
    return { fitError: new FitError(pi, numAll, d), state, nominatedNodeName };
  };
  if (numAll === 0) return fail();

  const pre = preFilter(c, state, pi, snapshot, d);
  if (!pre.ok) return fail();

  let nodes: readonly NodeInfo[] = allNodes;
  if (pre.nodeNames) {
    nodes = [...pre.nodeNames].map((n) => snapshot.get(n)).filter((n): n is NodeInfo => n !== undefined);
    d.nodeToStatus.absent = unresolvable(`node(s) didn't satisfy plugin(s) [${[...pre.narrowedBy].sort().join(' ')}]`);
  }

  const feasible: NodeInfo[] = [];
  const n = nodes.length;
  if (n > 0) {
    const toFind = numFeasibleNodesToFind(profile.percentageOfNodesToScore, n);
    const start = snapshot.nextStartNodeIndex % n;
    for (let i = 0; i < n && feasible.length < toFind; i++) {
      const ni = nodes[(start + i) % n];
      const r = runFilters(c, state, pi, ni);
      if (!r) feasible.push(ni);
      else {
        d.nodeToStatus.set(ni.name, r.status);
        d.unschedulablePlugins.add(r.plugin);
      }
    }
    snapshot.nextStartNodeIndex = (snapshot.nextStartNodeIndex + feasible.length + d.nodeToStatus.size) % numAll;
  }
  const evaluatedNodes = feasible.length + d.nodeToStatus.size;
  if (feasible.length === 0) return fail();
  if (feasible.length === 1) return { node: feasible[0].name, state, evaluatedNodes, feasibleNodes: 1 };

  for (const pl of c.preScore) {
    const s = pl.preScore!(state, pi, feasible, snapshot);
    if (s?.code === 'Skip') state.skipScore.add(pl.name);
  }
  const totals = new Array<number>(feasible.length).fill(0);
  const scores = new Array<number>(feasible.length);
  for (const { plugin, weight } of c.score) {
    if (state.skipScore.has(plugin.name)) continue;
    for (let i = 0; i < feasible.length; i++) scores[i] = plugin.score!(state, pi, feasible[i]);
    plugin.normalizeScore?.(state, pi, feasible, scores);
    for (let i = 0; i < feasible.length; i++) {
      const s = scores[i];
      if (!(s >= 0 && s <= MAX_NODE_SCORE)) throw new Error(`plugin ${plugin.name} returns an invalid score ${s} for node ${feasible[i].name}, it should be in the range [0, ${MAX_NODE_SCORE}] after normalizing`);
      totals[i] += s * weight;
    }
  }
  return { node: feasible[selectHost(totals, opts.random ?? Math.random)].name, state, evaluatedNodes, feasibleNodes: feasible.length };
}

/** The index of a highest total, chosen uniformly among equal ones. */
export function selectHost(totals: readonly number[], random: () => number): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < totals.length; i++) {
    if (totals[i] > totals[best]) {
      best = i;
      ties = 1;
    } else if (totals[i] === totals[best]) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return best;
}
