// `timonel helm install|upgrade|rollback|uninstall|history|list|status|get|test`: the cluster
// side of the helm CLI, with Helm 3's flags, output and error wording ("Error: INSTALLATION
// FAILED: ..." on stderr and exit code 1). Debug lines (--debug) and progress while waiting go to
// stderr.
import { Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { KubeClient, loadKubeconfig, type ClientConfig } from '../../client/client.js';
import { loadArchive, loadChart, type LoadedChart } from '../chart/index.js';
import { renderChart, manifestString, type RenderedHook } from '../render/index.js';
import { mergeValueOptions } from '../values/index.js';
import { downloadChartFromRepo, helmPaths, loadRepoFile } from '../repo/index.js';
import { parseDuration } from '../sprig/time.js';
import type { ActionConfig, RenderedRelease, Renderer, RenderRequest } from './action.js';
import { toReleaseChart } from './chartrecord.js';
import { install } from './install.js';
import { KubeApplier } from './kube.js';
import { SyncLookup } from './lookup.js';
import {
  formatStatus, formatWithLayout, toYaml, writeHistory, writeHooks, writeList, writeStatus, writeValues, type OutputFormat,
} from './printer.js';
import { getValues, history, list, releaseContent, releaseTest } from './query.js';
import { rollback } from './rollback.js';
import { ReleaseNotFoundError, SecretsDriver, Storage } from './storage.js';
import type { Hook, Release } from './types.js';
import { uninstall } from './uninstall.js';
import { upgrade } from './upgrade.js';
import { collectComma, valueFlags } from '../values/flags.js';

// ---------------------------------------------------------------------------------------------
// Flags and settings


interface ValueFlagOpts {
  values: string[];
  set: string[];
  setString: string[];
  setJson: string[];
  setFile: string[];
  setLiteral: string[];
}


function userValues(o: ValueFlagOpts): Record<string, unknown> {
  return mergeValueOptions({ valueFiles: o.values, set: o.set, setString: o.setString, setJson: o.setJson, setFile: o.setFile, setLiteral: o.setLiteral });
}

/** Flags every cluster command has: where the cluster is and which namespace. */
function connectionFlags(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <namespace>', 'namespace scope for this request')
    .option('--kubeconfig <path>', 'path to the kubeconfig file')
    .option('--kube-context <name>', 'name of the kubeconfig context to use');
}

function outputFlag(cmd: Command): Command {
  return cmd.addOption(new Option('-o, --output <format>', 'prints the output in the specified format').choices(['table', 'json', 'yaml']).default('table'));
}

function timeoutFlag(cmd: Command): Command {
  return cmd.option('--timeout <duration>', 'time to wait for any individual Kubernetes operation (like Jobs for hooks)', '5m0s');
}

interface Conn {
  namespace?: string;
  kubeconfig?: string;
  kubeContext?: string;
  debug?: boolean;
}

function kubeconfigPath(o: Conn): string {
  if (o.kubeconfig) return o.kubeconfig;
  const env = process.env.KUBECONFIG;
  if (env) {
    const first = env.split(':').find((p) => p && existsSync(p));
    if (first) return first;
  }
  return join(homedir(), '.kube', 'config');
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
}

/** The cluster connection and the namespace (--namespace, $HELM_NAMESPACE, the context's namespace, default). */
function settings(o: Conn): { config: ClientConfig; namespace: string } {
  const path = kubeconfigPath(o);
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    throw new Error('Kubernetes cluster unreachable: invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable');
  }
  let kc = YAML.parse(raw) as Kubeconfig & Record<string, unknown>;
  if (o.kubeContext) {
    if (!kc.contexts?.some((c) => c.name === o.kubeContext)) throw new Error(`Kubernetes cluster unreachable: context "${o.kubeContext}" does not exist`);
    kc = { ...kc, 'current-context': o.kubeContext };
  }
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context'])?.context;
  // loadKubeconfig reads a file; hand it the (possibly re-pointed) document through a temporary copy in memory.
  const config = o.kubeContext ? configFromDoc(kc) : loadKubeconfig(path);
  const namespace = o.namespace || process.env.HELM_NAMESPACE || ctx?.namespace || 'default';
  return { config, namespace };
}

function configFromDoc(kc: Record<string, unknown>): ClientConfig {
  const doc = kc as {
    'current-context'?: string;
    contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
    clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
    users: Array<{ name: string; user: { token?: string } }>;
  };
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = (ctx ? doc.clusters.find((c) => c.name === ctx.cluster) : doc.clusters[0])!.cluster;
  const user = (ctx ? doc.users.find((u) => u.name === ctx.user) : doc.users[0])?.user;
  return {
    server: cluster.server,
    ca: cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString() : undefined,
    token: user?.token,
  };
}

function stderrLine(line: string): void {
  process.stderr.write(line + '\n');
}

interface Session {
  client: KubeClient;
  namespace: string;
  cfg: ActionConfig;
  close: () => void;
}

/** A client, release storage and applier for one command. `allNamespaces` lists Secrets cluster-wide. */
function session(o: Conn, allNamespaces = false): Session {
  const { config, namespace } = settings(o);
  const client = new KubeClient({ ...config, userAgent: 'helm' });
  const debug = o.debug ? stderrLine : () => {};
  const storage = new Storage(new SecretsDriver(client, allNamespaces ? '' : namespace, debug), debug);
  const cfg: ActionConfig = { kube: new KubeApplier(client, namespace, debug), storage, log: debug, progress: stderrLine };
  return { client, namespace, cfg, close: () => client.close() };
}

/** Parses a Go duration flag value into milliseconds. */
function durationMs(v: string, flag = '--timeout'): number {
  try {
    return Number(parseDuration(v) / 1000000n);
  } catch (err) {
    throw new Error(`invalid argument "${v}" for "${flag}" flag: ${(err as Error).message}`);
  }
}

function parseLabels(v: string | undefined): Record<string, string> | undefined {
  if (!v) return undefined;
  const out: Record<string, string> = {};
  for (const kv of v.split(',').filter(Boolean)) {
    const i = kv.indexOf('=');
    if (i < 0) throw new Error(`invalid argument "${v}" for "--labels" flag: ${kv} must be formatted as key=value`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** Runs an action, printing Helm's `Error: ...` on failure (exit code 1). */
function run<A extends unknown[]>(fn: (...args: A) => Promise<void>, prefix = ''): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      process.stderr.write(`Error: ${prefix}${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  };
}

function out(s: string): void {
  process.stdout.write(s);
}

function globals(cmd: Command): Conn & Record<string, unknown> {
  return cmd.optsWithGlobals() as Conn & Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Charts and rendering

/** LocateChart + load: a directory or archive on disk, an http(s) URL, or repo/chart from the configured repositories. */
async function locateChart(ref: string, o: { version?: string; repo?: string }): Promise<LoadedChart> {
  if (existsSync(ref)) return loadChart(ref);
  const paths = helmPaths();
  if (o.repo) return loadArchive((await downloadChartFromRepo(o.repo, ref, o.version, undefined, paths.repositoryCache)).data);
  if (/^https?:\/\//.test(ref)) {
    const { fetchUrl } = await import('../repo/index.js');
    return loadArchive(await fetchUrl(ref));
  }
  if (ref.startsWith('.') || ref.startsWith('/')) throw new Error(`path "${ref}" not found`);
  const slash = ref.indexOf('/');
  if (slash < 0) throw new Error(`non-absolute URLs should be in form of repo_name/path_to_chart, got: ${ref}`);
  const repoName = ref.slice(0, slash);
  const entry = loadRepoFile(paths.repositoryConfig).repositories.find((r) => r.name === repoName);
  if (!entry) throw new Error(`repo ${repoName} not found`);
  return loadArchive((await downloadChartFromRepo(entry.url, ref.slice(slash + 1), o.version, entry, paths.repositoryCache)).data);
}

/** The cluster's version and API versions (group/version and group/version/Kind), as Capabilities sees them. */
async function clusterCapabilities(client: KubeClient): Promise<{ kubeVersion?: string; apiVersions: string[] }> {
  let kubeVersion: string | undefined;
  try {
    kubeVersion = (await client.request<{ gitVersion?: string }>('GET', '/version')).gitVersion;
  } catch {
    kubeVersion = undefined;
  }
  const set = new Set<string>();
  try {
    const core = await client.request<{ versions?: string[] }>('GET', '/api');
    for (const v of core.versions ?? []) set.add(v);
    const groups = await client.request<{ groups?: Array<{ versions?: Array<{ groupVersion: string }> }> }>('GET', '/apis');
    for (const g of groups.groups ?? []) for (const v of g.versions ?? []) set.add(v.groupVersion);
    for (const r of await client.discover()) set.add(`${r.group ? r.group + '/' : ''}${r.version}/${r.kind}`);
  } catch (err) {
    throw new Error(`could not get apiVersions from Kubernetes: ${(err as Error).message}`);
  }
  return { kubeVersion, apiVersions: [...set] };
}

function toHook(h: RenderedHook): Hook {
  return {
    name: h.name, kind: h.kind, path: h.path, manifest: h.manifest, events: [...h.events], weight: h.weight,
    deletePolicies: [...h.deletePolicies], lastRun: { startedAt: '', completedAt: '', phase: '' },
  };
}

/** A Renderer over A's renderChart that reads the cluster's capabilities when called and looks objects up live. */
function chartRenderer(s: Session, chart: LoadedChart, o: { live: boolean; subNotes?: boolean; debug?: boolean }): { render: Renderer; close: () => void } {
  let lookup: SyncLookup | undefined;
  const render: Renderer = async (values, req: RenderRequest): Promise<RenderedRelease> => {
    const caps = o.live ? await clusterCapabilities(s.client) : { kubeVersion: undefined, apiVersions: [] };
    if (o.live && !lookup) lookup = new SyncLookup(s.client.config);
    let c = chart;
    if (req.chartValues) {
      c = chart.clone();
      c.values = req.chartValues;
    }
    const r = renderChart(c, values, {
      releaseName: req.releaseName,
      namespace: req.namespace,
      revision: req.revision,
      isInstall: req.isInstall,
      isUpgrade: req.isUpgrade,
      kubeVersion: caps.kubeVersion,
      apiVersions: caps.apiVersions,
      lookup: lookup?.fn,
      subNotes: o.subNotes,
      log: o.debug ? stderrLine : undefined,
    });
    return { manifest: manifestString(r), hooks: r.hooks.map(toHook), notes: r.notes };
  };
  return { render, close: () => { void lookup?.close(); } };
}

function crdsOf(chart: LoadedChart): Array<{ name: string; content: string }> {
  return chart.crdObjects().map((c) => ({ name: c.filename, content: c.file.data.toString('utf8') }));
}

/** helm's --dry-run: absent = none, bare = client, or client|server|none|true|false. */
function dryRunMode(v: unknown): 'none' | 'client' | 'server' {
  if (v === undefined || v === false || v === 'none' || v === 'false') return 'none';
  if (v === true || v === 'client' || v === 'true') return 'client';
  if (v === 'server') return 'server';
  throw new Error(`invalid dry-run flag. Flag must one of the following: false, true, none, client, server`);
}

/**
 * `--dry-run [mode]` takes an optional value, so commander may have swallowed a positional
 * argument as the mode; put it back where it stood on the command line.
 */
function recoverPositional(args: string[], dryRun: unknown): { args: string[]; dryRun: unknown } {
  if (typeof dryRun !== 'string' || ['client', 'server', 'none', 'true', 'false'].includes(dryRun)) return { args, dryRun };
  const all = [...args, dryRun];
  const pos = (a: string) => process.argv.indexOf(a);
  all.sort((a, b) => pos(a) - pos(b));
  return { args: all, dryRun: true };
}

/** install.NameAndChart */
function nameAndChart(args: string[], o: { generateName?: boolean; nameTemplate?: string }): [string, string] {
  if (args.length > 2) throw new Error(`expected at most two arguments, unexpected arguments: ${args.slice(2).join(', ')}`);
  if (args.length === 2) {
    if (o.generateName) throw new Error('cannot set --generate-name and also specify a name');
    if (o.nameTemplate) throw new Error('cannot set --name-template and also specify a name');
    return [args[0]!, args[1]!];
  }
  if (!o.generateName) throw new Error('must either provide a name or specify --generate-name');
  let base = basename(args[0]!);
  if (base === '.' || base === '') base = 'chart';
  const dot = base.indexOf('.');
  if (dot !== -1) base = base.slice(0, dot);
  return [`${base}-${Math.floor(Date.now() / 1000)}`, args[0]!];
}

// ---------------------------------------------------------------------------------------------
// Commands

interface InstallFlags extends ValueFlagOpts, Conn {
  createNamespace?: boolean;
  wait?: boolean;
  waitForJobs?: boolean;
  timeout: string;
  atomic?: boolean;
  dryRun?: unknown;
  generateName?: boolean;
  nameTemplate?: string;
  hooks?: boolean;
  skipCrds?: boolean;
  replace?: boolean;
  description?: string;
  labels?: string;
  output: OutputFormat;
  hideNotes?: boolean;
  renderSubchartNotes?: boolean;
  version?: string;
  repo?: string;
}

async function runInstall(args: string[], o: InstallFlags, cmd: Command): Promise<void> {
  const g = globals(cmd);
  const rec = recoverPositional(args, o.dryRun);
  const mode = dryRunMode(rec.dryRun);
  const [name, chartRef] = nameAndChart(rec.args, o);
  const timeoutMs = durationMs(o.timeout);
  const s = session({ ...o, debug: Boolean(g.debug) });
  const chart = await locateChart(chartRef, o);
  const vals = userValues(o);
  const r = chartRenderer(s, chart, { live: mode !== 'client', subNotes: o.renderSubchartNotes, debug: Boolean(g.debug) });
  try {
    const rel = await install(s.cfg, r.render, toReleaseChart(chart), vals, crdsOf(chart), {
      releaseName: name, namespace: s.namespace, createNamespace: o.createNamespace, wait: o.wait, waitForJobs: o.waitForJobs, timeoutMs,
      atomic: o.atomic, dryRun: mode !== 'none', disableHooks: o.hooks === false, skipCrds: o.skipCrds, replace: o.replace,
      description: o.description, labels: parseLabels(o.labels),
    });
    out(writeStatus(rel, o.output, { debug: Boolean(g.debug), hideNotes: o.hideNotes }));
  } finally {
    r.close();
    s.close();
  }
}

function addInstallFlags(cmd: Command): Command {
  valueFlags(connectionFlags(outputFlag(timeoutFlag(cmd))))
    .option('--create-namespace', 'create the release namespace if not present')
    .option('--wait', 'if set, will wait until all Pods, PVCs, Services, and minimum number of Pods of a Deployment, StatefulSet, or ReplicaSet are in a ready state before marking the release as successful. It will wait for as long as --timeout')
    .option('--wait-for-jobs', 'if set and --wait enabled, will wait until all Jobs have been completed before marking the release as successful. It will wait for as long as --timeout')
    .option('--atomic', 'if set, the installation process deletes the installation on failure. The --wait flag will be set automatically if --atomic is used')
    .option('--dry-run [mode]', 'simulate an install. If --dry-run is set with no option being specified or as \'--dry-run=client\', it will not attempt cluster connections. Setting \'--dry-run=server\' allows attempting cluster connections.')
    .option('--no-hooks', 'prevent hooks from running during install')
    .option('--skip-crds', 'if set, no CRDs will be installed. By default, CRDs are installed if not already present')
    .option('--description <text>', 'add a custom description')
    .option('--labels <labels>', 'Labels that would be added to release metadata. Should be divided by comma.')
    .option('--hide-notes', 'if set, do not show notes in install output. Does not affect presence in chart metadata')
    .option('--render-subchart-notes', 'if set, render subchart notes along with the parent')
    .option('--version <version>', 'specify a version constraint for the chart version to use')
    .option('--repo <url>', 'chart repository url where to locate the requested chart');
  return cmd;
}

function registerInstall(helm: Command): void {
  const cmd = helm.command('install').description('install a chart').argument('[args...]', 'NAME CHART, or CHART with --generate-name');
  addInstallFlags(cmd)
    .option('-g, --generate-name', 'generate the name (and omit the NAME parameter)')
    .option('--name-template <template>', 'specify template used to name the release')
    .option('--replace', 're-use the given name, only if that name is a deleted release which remains in the history. This is unsafe in production')
    .action(async (args: string[], o: InstallFlags, c: Command) => {
      if (recoverPositional(args, o.dryRun).args.length === 0) {
        process.stderr.write('Error: "helm install" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] [flags]\n');
        process.exitCode = 1;
        return;
      }
      await run(() => runInstall(args, o, c), 'INSTALLATION FAILED: ')();
    });
}

interface UpgradeFlags extends InstallFlags {
  install?: boolean;
  force?: boolean;
  resetValues?: boolean;
  reuseValues?: boolean;
  resetThenReuseValues?: boolean;
  historyMax: string;
  cleanupOnFail?: boolean;
}

function registerUpgrade(helm: Command): void {
  const cmd = helm.command('upgrade').description('upgrade a release').argument('[args...]', 'RELEASE CHART');
  addInstallFlags(cmd)
    .option('-i, --install', 'if a release by this name doesn\'t already exist, run an install')
    .option('--force', 'force resource updates through a replacement strategy')
    .option('--reset-values', 'when upgrading, reset the values to the ones built into the chart')
    .option('--reuse-values', 'when upgrading, reuse the last release\'s values and merge in any overrides from the command line via --set and -f. If \'--reset-values\' is specified, this is ignored')
    .option('--reset-then-reuse-values', 'when upgrading, reset the values to the ones built into the chart, apply the last release\'s values and merge in any overrides from the command line via --set and -f. If \'--reset-values\' or \'--reuse-values\' is specified, this is ignored')
    .option('--history-max <int>', 'limit the maximum number of revisions saved per release. Use 0 for no limit', process.env.HELM_MAX_HISTORY ?? '10')
    .option('--cleanup-on-fail', 'allow deletion of new resources created in this upgrade when upgrade fails')
    .action(async (args: string[], o: UpgradeFlags, c: Command) => {
      const rec = recoverPositional(args, o.dryRun);
      if (rec.args.length !== 2) {
        process.stderr.write(`Error: "helm upgrade" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]\n`);
        process.exitCode = 1;
        return;
      }
      const [name, chartRef] = rec.args as [string, string];
      const g = globals(c);
      let s: Session;
      try {
        s = session({ ...o, debug: Boolean(g.debug) });
      } catch (e) {
        process.stderr.write(`Error: ${(e as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (o.install) {
        // If a release does not exist (or was uninstalled with --keep-history), install it.
        let versions: Release[] = [];
        let missing = false;
        try {
          versions = await history(s.cfg.storage, name);
        } catch (e) {
          if (e instanceof ReleaseNotFoundError) missing = true;
          else {
            process.stderr.write(`Error: ${(e as Error).message}\n`);
            process.exitCode = 1;
            s.close();
            return;
          }
        }
        const latest = versions.sort((a, b) => a.version - b.version)[versions.length - 1];
        const uninstalled = latest?.info.status === 'uninstalled';
        if (missing || uninstalled) {
          s.close();
          if (o.output === 'table') out(`Release "${name}" does not exist. Installing it now.\n`);
          await run(() => runInstall([name, chartRef], { ...o, replace: uninstalled || o.replace, dryRun: rec.dryRun }, c))();
          return;
        }
      }
      let chart: LoadedChart;
      let vals: Record<string, unknown>;
      let mode: 'none' | 'client' | 'server';
      let timeoutMs: number;
      let maxHistory: number;
      try {
        mode = dryRunMode(rec.dryRun);
        timeoutMs = durationMs(o.timeout);
        maxHistory = Number.parseInt(o.historyMax, 10);
        if (!Number.isFinite(maxHistory)) throw new Error(`invalid argument "${o.historyMax}" for "--history-max" flag: strconv.ParseInt: parsing "${o.historyMax}": invalid syntax`);
        chart = await locateChart(chartRef, o);
        vals = userValues(o);
      } catch (e) {
        s.close();
        process.stderr.write(`Error: ${(e as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      await run(async () => {
        const r = chartRenderer(s, chart, { live: mode !== 'client', subNotes: o.renderSubchartNotes, debug: Boolean(g.debug) });
        try {
          const rel = await upgrade(s.cfg, name, r.render, toReleaseChart(chart), vals, {
            timeoutMs, wait: o.wait, waitForJobs: o.waitForJobs, atomic: o.atomic, dryRun: mode !== 'none', disableHooks: o.hooks === false,
            force: o.force, resetValues: o.resetValues, reuseValues: o.reuseValues, resetThenReuseValues: o.resetThenReuseValues,
            maxHistory, cleanupOnFail: o.cleanupOnFail, description: o.description, labels: parseLabels(o.labels),
          });
          if (o.output === 'table') out(`Release "${name}" has been upgraded. Happy Helming!\n`);
          out(writeStatus(rel, o.output, { debug: Boolean(g.debug), hideNotes: o.hideNotes }));
        } finally {
          r.close();
          s.close();
        }
      }, 'UPGRADE FAILED: ')();
    });
}

function registerRollback(helm: Command): void {
  timeoutFlag(connectionFlags(helm.command('rollback')))
    .description('roll back a release to a previous revision')
    .argument('<release>', 'RELEASE')
    .argument('[revision]', 'REVISION (default: the previous one)')
    .option('--dry-run', 'simulate a rollback')
    .option('--force', 'force resource update through delete/recreate if needed')
    .option('--no-hooks', 'prevent hooks from running during rollback')
    .option('--wait', 'if set, will wait until all resources are in a ready state before marking the release as successful')
    .option('--wait-for-jobs', 'if set and --wait enabled, will wait until all Jobs have been completed')
    .option('--cleanup-on-fail', 'allow deletion of new resources created in this rollback when rollback fails')
    .option('--history-max <int>', 'limit the maximum number of revisions saved per release. Use 0 for no limit', process.env.HELM_MAX_HISTORY ?? '10')
    .action(run(async (name: string, revision: string | undefined, o: Conn & { dryRun?: boolean; force?: boolean; hooks?: boolean; wait?: boolean; waitForJobs?: boolean; cleanupOnFail?: boolean; historyMax: string; timeout: string }, c: Command) => {
      let version = 0;
      if (revision !== undefined) {
        if (!/^[+-]?\d+$/.test(revision)) throw new Error(`strconv.Atoi: parsing "${revision}": invalid syntax`);
        version = Number(revision);
      }
      const s = session({ ...o, debug: Boolean(globals(c).debug) });
      try {
        await rollback(s.cfg, name, {
          version, timeoutMs: durationMs(o.timeout), wait: o.wait, waitForJobs: o.waitForJobs, disableHooks: o.hooks === false, dryRun: o.dryRun,
          force: o.force, cleanupOnFail: o.cleanupOnFail, maxHistory: Number.parseInt(o.historyMax, 10) || 0,
        });
        out('Rollback was a success! Happy Helming!\n');
      } finally {
        s.close();
      }
    }));
}

function registerUninstall(helm: Command): void {
  timeoutFlag(connectionFlags(helm.command('uninstall').aliases(['un', 'delete', 'del'])))
    .description('uninstall a release')
    .argument('<releases...>', 'RELEASE_NAME [...]')
    .option('--keep-history', 'remove all associated resources and mark the release as deleted, but retain the release history')
    .option('--no-hooks', 'prevent hooks from running during uninstallation')
    .option('--dry-run', 'simulate a uninstall')
    .option('--ignore-not-found', 'Treat "release not found" as a successful uninstall')
    .option('--wait', 'if set, will wait until all the resources are deleted before returning. It will wait for as long as --timeout')
    .addOption(new Option('--cascade <policy>', 'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents. Defaults to background.').choices(['background', 'orphan', 'foreground']).default('background'))
    .option('--description <text>', 'add a custom description')
    .action(run(async (names: string[], o: Conn & { keepHistory?: boolean; hooks?: boolean; dryRun?: boolean; ignoreNotFound?: boolean; wait?: boolean; cascade: string; description?: string; timeout: string }, c: Command) => {
      const s = session({ ...o, debug: Boolean(globals(c).debug) });
      try {
        for (const name of names) {
          const res = await uninstall(s.cfg, name, {
            keepHistory: o.keepHistory, disableHooks: o.hooks === false, dryRun: o.dryRun, ignoreNotFound: o.ignoreNotFound, wait: o.wait,
            cascade: o.cascade, description: o.description, timeoutMs: durationMs(o.timeout),
          });
          if (res.info) out(res.info + '\n');
          out(`release "${name}" uninstalled\n`);
        }
      } finally {
        s.close();
      }
    }));
}

function registerHistory(helm: Command): void {
  outputFlag(connectionFlags(helm.command('history').alias('hist')))
    .description('fetch release history')
    .argument('<release>', 'RELEASE_NAME')
    .option('--max <int>', 'maximum number of revision to include in history', '256')
    .action(run(async (name: string, o: Conn & { max: string; output: OutputFormat }, c: Command) => {
      const s = session({ ...o, debug: Boolean(globals(c).debug) });
      try {
        const h = await history(s.cfg.storage, name);
        out(writeHistory(h, o.output, Number.parseInt(o.max, 10) || 0));
      } finally {
        s.close();
      }
    }));
}

interface ListFlags extends Conn {
  all?: boolean;
  allNamespaces?: boolean;
  date?: boolean;
  reverse?: boolean;
  deployed?: boolean;
  failed?: boolean;
  pending?: boolean;
  superseded?: boolean;
  uninstalled?: boolean;
  uninstalling?: boolean;
  filter?: string;
  max: string;
  offset: string;
  short?: boolean;
  noHeaders?: boolean;
  timeFormat?: string;
  output: OutputFormat;
}

function registerList(helm: Command): void {
  outputFlag(connectionFlags(helm.command('list').alias('ls')))
    .description('list releases')
    .option('-a, --all', 'show all releases without any filter applied')
    .option('-A, --all-namespaces', 'list releases across all namespaces')
    .option('-d, --date', 'sort by release date')
    .option('-r, --reverse', 'reverse the sort order')
    .option('--deployed', 'show deployed releases. If no other is specified, this will be automatically enabled')
    .option('--failed', 'show failed releases')
    .option('--pending', 'show pending releases')
    .option('--superseded', 'show superseded releases')
    .option('--uninstalled', 'show uninstalled releases (if \'helm uninstall --keep-history\' was used)')
    .option('--uninstalling', 'show releases that are currently being uninstalled')
    .option('-f, --filter <regexp>', 'a regular expression (Perl compatible). Any releases that match the expression will be included in the results')
    .option('-m, --max <int>', 'maximum number of releases to fetch', '256')
    .option('--offset <int>', 'next release index in the list, used to offset from start value', '0')
    .option('-q, --short', 'output short (quiet) listing format')
    .option('--no-headers', 'don\'t print headers when using the default output format')
    .option('--time-format <format>', 'format time using golang time formatter. Example: --time-format "2006-01-02 15:04:05Z0700"')
    .action(run(async (o: ListFlags, c: Command) => {
      const s = session({ ...o, debug: Boolean(globals(c).debug) }, Boolean(o.allNamespaces));
      try {
        const rels = await list(s.cfg.storage, {
          all: o.all, deployed: o.deployed, failed: o.failed, pending: o.pending, superseded: o.superseded, uninstalled: o.uninstalled,
          uninstalling: o.uninstalling, byDate: o.date, sortReverse: o.reverse, filter: o.filter,
          limit: Number.parseInt(o.max, 10) || 0, offset: Number.parseInt(o.offset, 10) || 0,
        });
        out(writeList(rels, o.output, { noHeaders: (o as { headers?: boolean }).headers === false, timeFormat: o.timeFormat, short: o.short }));
      } finally {
        s.close();
      }
    }));
}

function registerStatus(helm: Command): void {
  outputFlag(connectionFlags(helm.command('status')))
    .description('display the status of the named release')
    .argument('<release>', 'RELEASE_NAME')
    .option('--revision <int>', 'if set, display the status of the named release with revision')
    .option('--show-desc', 'if set, display the description message of the named release')
    .option('--show-resources', 'if set, display the resources of the named release')
    .action(run(async (name: string, o: Conn & { revision?: string; showDesc?: boolean; output: OutputFormat }, c: Command) => {
      const g = globals(c);
      const s = session({ ...o, debug: Boolean(g.debug) });
      try {
        const rel = await releaseContent(s.cfg.storage, name, Number.parseInt(o.revision ?? '0', 10) || 0);
        out(writeStatus(rel, o.output, { debug: Boolean(g.debug), showDescription: o.showDesc }));
      } finally {
        s.close();
      }
    }));
}

function registerGet(helm: Command): void {
  const get = helm.command('get').description('download extended information of a named release');
  const sub = (name: string, description: string) => connectionFlags(get.command(name)).description(description).argument('<release>', 'RELEASE_NAME').option('--revision <int>', 'get the named release with revision');
  const rev = (o: { revision?: string }) => Number.parseInt(o.revision ?? '0', 10) || 0;
  const withRelease = (fn: (rel: Release, o: Record<string, unknown>, s: Session, debug: boolean) => Promise<void> | void) =>
    run(async (name: string, o: Conn & { revision?: string } & Record<string, unknown>, c: Command) => {
      const g = globals(c);
      const s = session({ ...o, debug: Boolean(g.debug) });
      try {
        await fn(await releaseContent(s.cfg.storage, name, rev(o)), o, s, Boolean(g.debug));
      } finally {
        s.close();
      }
    });

  outputFlag(sub('values', 'download the values file for a named release'))
    .option('-a, --all', 'dump all (computed) values')
    .action(run(async (name: string, o: Conn & { revision?: string; all?: boolean; output: OutputFormat }, c: Command) => {
      const s = session({ ...o, debug: Boolean(globals(c).debug) });
      try {
        out(writeValues(await getValues(s.cfg.storage, name, rev(o), Boolean(o.all)), o.output, Boolean(o.all)));
      } finally {
        s.close();
      }
    }));
  sub('manifest', 'download the manifest for a named release').action(withRelease((rel) => out(rel.manifest + '\n')));
  sub('notes', 'download the notes for a named release').action(withRelease((rel) => {
    if (rel.info.notes) out(`NOTES:\n${rel.info.notes}\n`);
  }));
  sub('hooks', 'download all hooks for a named release').action(withRelease((rel) => out(writeHooks(rel.hooks))));
  outputFlag(sub('metadata', 'This command fetches metadata for a given release')).action(withRelease((rel, o) => {
    const md = {
      name: rel.name,
      chart: rel.chart?.metadata?.name ?? '',
      version: rel.chart?.metadata?.version ?? '',
      appVersion: rel.chart?.metadata?.appVersion ?? '',
      namespace: rel.namespace,
      revision: rel.version,
      status: rel.info.status,
      deployedAt: formatWithLayout(rel.info.lastDeployed, '2006-01-02T15:04:05Z07:00'),
    };
    if (o.output === 'json') return out(JSON.stringify(md) + '\n');
    if (o.output === 'yaml') return out(toYaml(md));
    out(`NAME: ${md.name}\nCHART: ${md.chart}\nVERSION: ${md.version}\nAPP_VERSION: ${md.appVersion}\nNAMESPACE: ${md.namespace}\nREVISION: ${md.revision}\nSTATUS: ${md.status}\nDEPLOYED_AT: ${md.deployedAt}\n`);
  }));
  sub('all', 'download all information for a named release').action(withRelease((rel) => {
    out(formatStatus(rel, { debug: true, showMetadata: true }));
  }));
}

function registerTest(helm: Command): void {
  timeoutFlag(connectionFlags(helm.command('test')))
    .description('run tests for a release')
    .argument('<release>', 'RELEASE_NAME')
    .option('--filter <filters>', 'specify tests by attribute (currently "name") using attribute=value syntax or \'!attribute=value\' to exclude a test (can specify multiple or separate values with commas: name=test1,name=test2)', collectComma, [])
    .option('--logs', 'dump the logs from test pods (this runs after all tests are complete, but before any cleanup)')
    .option('--hide-notes', 'if set, do not show notes in test output. Does not affect presence in chart metadata')
    .action(run(async (name: string, o: Conn & { filter: string[]; logs?: boolean; hideNotes?: boolean; timeout: string }, c: Command) => {
      const g = globals(c);
      const s = session({ ...o, debug: Boolean(g.debug) });
      try {
        const include: string[] = [];
        const exclude: string[] = [];
        for (const f of o.filter) {
          const m = /^(!?)name=(.*)$/.exec(f);
          if (m) (m[1] ? exclude : include).push(m[2]!);
        }
        const { release, error } = await releaseTest(s.cfg, name, { timeoutMs: durationMs(o.timeout), filters: { include, exclude } });
        out(formatStatus(release, { debug: Boolean(g.debug), hideNotes: o.hideNotes }));
        if (o.logs) {
          for (const h of release.hooks) {
            if (!h.events.includes('test') || h.kind !== 'Pod' || !h.lastRun.startedAt) continue;
            try {
              const log = await s.client.request<string>('GET', `/api/v1/namespaces/${encodeURIComponent(release.namespace)}/pods/${encodeURIComponent(h.name)}/log`);
              out(`POD LOGS: ${h.name}\n${typeof log === 'string' ? log : JSON.stringify(log)}\n`);
            } catch (err) {
              out(`POD LOGS: ${h.name}\nunable to get pod logs for ${h.name}: ${(err as Error).message}\n`);
            }
          }
        }
        if (error) throw error;
      } finally {
        s.close();
      }
    }));
}

/** Adds install, upgrade, rollback, uninstall, history, list, status, get and test to `helm`. */
export function registerReleaseCommands(helm: Command): void {
  registerInstall(helm);
  registerUpgrade(helm);
  registerRollback(helm);
  registerUninstall(helm);
  registerHistory(helm);
  registerList(helm);
  registerStatus(helm);
  registerGet(helm);
  registerTest(helm);
}
