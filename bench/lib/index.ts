// The benchmark toolkit, for scenarios to import from one place.
export { Histogram, type Summary } from './histogram.js';
export { Recorder, LoadError, closedLoop, fixedRate, loopMonitor, summarize, type ClosedLoopOptions, type WorkerContext, type LoadResult, type FixedRateOptions, type FixedRateResult, type LoopStats } from './loadgen.js';
export { HttpTarget, UnexpectedStatus, CT, type Endpoint, type HttpResponse, type RequestOptions } from './http.js';
export { startServer, ServerExited, type StartServerOptions, type ServerHandle, type StartTimings } from './server.js';
export { sampleProcess, cpuPercent, clkTck, parseStatCpuTicks, parseStatusField, type ProcSample } from './procstat.js';
export { machineInfo, describeMachine, gitInfo, parseCpuMax, type MachineInfo } from './machine.js';
export { beginPhase, phaseRow, saturationNote, PHASE_COLUMNS, type PhaseStats } from './phase.js';
export {
  renderTable, renderMarkdownTable, renderScenario, renderRun, renderMarkdown, writeRun, latencyRow, formatNumber, formatCell, round,
  LATENCY_COLUMNS, MiB, type Cell, type Column, type Section, type ScenarioRecord, type ScenarioStatus, type RunRecord,
} from './report.js';
export { SkipScenario, UsageError, parseArgs, resolveParams, makeContext, usage, type Scenario, type ScenarioContext, type ScenarioOutcome, type ParamSpec, type ParamValue, type ParsedArgs } from './scenario.js';
export { runScenarios, type RunOptions } from './runner.js';
export { benchPod, benchNode, benchConfigMap, namespaceBody, podPath, configMapPath, UNSCHEDULED, DEFAULT_SCHEDULER, type BenchPodOptions } from './objects.js';
export { REPO, TIMONEL_BIN, RESULTS_DIR } from './paths.js';
export { spawnTimonel, ChildExited, type ChildHandle, type SpawnOptions } from './child.js';
export { startHollowNodes, type HollowNodes, type HollowNodesOptions } from './agent.js';
export { PodWatch, LineSplitter, parsePodEvent, type PodTimes, type PodEventInfo, type PodWatchOptions } from './podwatch.js';
