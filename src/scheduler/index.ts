// timonel's scheduler: the Scheduler (informers + loop + API writes), and its pure pieces — the
// framework (schedulePod), the snapshot, the plugins and profiles, and Quantity helpers.
export { Scheduler, kubeSchedulerApi, type SchedulerOptions } from './scheduler.js';
export { SchedulerLoop, nodeChanges, type SchedulerApi, type SchedulerEvent, type SchedulerLoopOptions } from './loop.js';
export { SchedulingQueue, type QueuedPod, type SchedulingQueueOptions } from './queue.js';
export { schedulePod, selectHost, numFeasibleNodesToFind, type ScheduleOptions, type ScheduleResult } from './framework.js';
export { FitError, fitErrorMessage, newDiagnosis, truncateEventMessage, NO_NODES_AVAILABLE, type Diagnosis } from './fiterror.js';
export { Snapshot } from './snapshot.js';
export { NodeInfo } from './nodeinfo.js';
export { PodInfo, termMatches, LABEL_HOSTNAME, type AffinityTerm, type HostPort, type Labels } from './podinfo.js';
export { defaultProfile, DEFAULT_PLUGINS, DEFAULT_SCHEDULER_NAME } from './profile.js';
export {
  CycleState, NodeToStatus, MAX_NODE_SCORE, SKIP, unschedulable, unresolvable, statusMessage,
  type Status, type StatusCode, type Plugin, type PluginEntry, type Profile, type ClusterEvent,
  type PreFilterResult, type PostFilterResult, type FrameworkHandle, type BindHandle,
} from './types.js';
export { podRequests, podNonZeroRequests, nodeAllocatable, type Resources } from './resources.js';
export { parseQuantity, QuantityError, quantityToNano, nanoToMilli, nanoToValue, milliValue, value, type Quantity } from './quantity.js';
export { NodeUnschedulable } from './plugins/nodeunschedulable.js';
export { NodeName } from './plugins/nodename.js';
export { TaintToleration } from './plugins/tainttoleration.js';
export { NodeAffinity } from './plugins/nodeaffinity.js';
export { NodePorts } from './plugins/nodeports.js';
export { NodeResourcesFit, nodeResourcesFit, type NodeResourcesFitArgs, type ResourceSpec } from './plugins/noderesources.js';
export { NodeResourcesBalancedAllocation, balancedAllocation } from './plugins/balancedallocation.js';
export { InterPodAffinity } from './plugins/interpodaffinity.js';
export { SelectorSpread } from './plugins/selectorspread.js';
export { DefaultPreemption } from './plugins/defaultpreemption.js';
export { DefaultBinder } from './plugins/defaultbinder.js';
