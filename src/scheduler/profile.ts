// The default profile: kube-scheduler 1.32's default plugins that timonel implements, in its order
// and with its score weights (SelectorSpread standing in for PodTopologySpread's system defaults).
import { NodeResourcesBalancedAllocation } from './plugins/balancedallocation.js';
import { DefaultBinder } from './plugins/defaultbinder.js';
import { DefaultPreemption } from './plugins/defaultpreemption.js';
import { InterPodAffinity } from './plugins/interpodaffinity.js';
import { NodeAffinity } from './plugins/nodeaffinity.js';
import { NodeName } from './plugins/nodename.js';
import { NodePorts } from './plugins/nodeports.js';
import { NodeResourcesFit } from './plugins/noderesources.js';
import { NodeUnschedulable } from './plugins/nodeunschedulable.js';
import { SelectorSpread } from './plugins/selectorspread.js';
import { TaintToleration } from './plugins/tainttoleration.js';
import type { PluginEntry, Profile } from './types.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const DEFAULT_PLUGINS: readonly PluginEntry[] = [
  { plugin: NodeUnschedulable },
  { plugin: NodeName },
  { plugin: TaintToleration, weight: 3 },
  { plugin: NodeAffinity, weight: 2 },
  { plugin: NodePorts },
  { plugin: NodeResourcesFit, weight: 1 },
  { plugin: SelectorSpread, weight: 2 },
  { plugin: InterPodAffinity, weight: 2 },
  { plugin: DefaultPreemption },
  { plugin: NodeResourcesBalancedAllocation, weight: 1 },
  { plugin: DefaultBinder },
];

export function defaultProfile(overrides: Partial<Profile> = {}): Profile {
  return { schedulerName: DEFAULT_SCHEDULER_NAME, plugins: DEFAULT_PLUGINS, ...overrides };
}
