// DefaultPreemption, as far as reporting goes: when no node fits, work out whether evicting
// lower-priority pods could help, and say so in Kubernetes' words ("preemption: 0/3 nodes are
// available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for
// scheduling."). Nodes rejected as unresolvable cannot be helped; on the others every lower-priority
// pod is removed in a what-if copy and the filters run again. A node where that makes the pod fit
// is returned as the nominated node; evicting the victims is not implemented here.
import { fitErrorMessage, newDiagnosis } from '../fiterror.js';
import { unresolvable, type Plugin } from '../types.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';

const NOT_HELPFUL_STATUS = unresolvable(NOT_HELPFUL);
const NO_VICTIMS_STATUS = unresolvable(NO_VICTIMS);

export const DefaultPreemption: Plugin = {
  name: 'DefaultPreemption',
  postFilter(state, pod, statuses, fw) {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return { message: `preemption: ${NOT_ELIGIBLE_NEVER}` };
    const d = newDiagnosis();
    const nodes = fw.snapshot.nodes;
    for (const node of nodes) {
      if (statuses.get(node.name)?.code === 'UnschedulableAndUnresolvable') {
        d.nodeToStatus.set(node.name, NOT_HELPFUL_STATUS);
        continue;
      }
      const victims = [...node.pods.values()].filter((p) => p.priority < pod.priority);
      if (!victims.length) {
        d.nodeToStatus.set(node.name, NO_VICTIMS_STATUS);
        continue;
      }
      const whatIf = node.clone();
      const s = state.clone();
      for (const v of victims) {
        whatIf.removePod(v.uid);
        fw.removePod(s, pod, v, whatIf);
      }
      const st = fw.runFilters(s, pod, whatIf);
      if (!st) return { nominatedNodeName: node.name };
      d.nodeToStatus.set(node.name, st);
    }
    return { message: `preemption: ${fitErrorMessage(nodes.length, d)}` };
  },
};
