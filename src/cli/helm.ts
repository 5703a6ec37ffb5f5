// `timonel helm ...`: the offline Helm commands (template, lint, package, create, show,
// dependency, repo, pull); the cluster commands (install, upgrade, ...) come from
// src/helm/release/commands.ts's registerReleaseCommands.

import { Command, Option } from 'commander';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createChart } from '../helm/chart/create.js';
import { registerReleaseCommands } from '../helm/release/commands.js';
import { isCompatibleRange } from '../helm/chart/dependencies.js';
import { archiveFiles, loadArchive, loadChart, ChartLoadError } from '../helm/chart/load.js';
import { metadataYaml, saveChartArchive } from '../helm/chart/save.js';
import { readTar, gunzip } from '../helm/chart/tar.js';
import type { ChartDependency, LoadedChart } from '../helm/chart/types.js';
import { lintChart, formatMessage, Severity } from '../helm/lint/index.js';
import { renderChart, templateOutput, validateReleaseName, splitManifests, type RenderResult } from '../helm/render/index.js';
import { goMatch } from '../helm/chart/helmignore.js';
import {
  digestOf, downloadChartFromRepo, downloadIndex, findRepo, helmPaths, indexDirectory, indexYaml, loadRepoFile, parseIndex, saveRepoFile,
  type RepoEntry,
} from '../helm/repo/index.js';
import { mergeValueOptions, type ValueOptions } from '../helm/values/index.js';
import { marshalYaml } from '../helm/values/yaml.js';
import { collect, collectComma, valueFlags } from '../helm/values/flags.js';



interface ValueFlagOpts {
  values: string[];
  set: string[];
  setString: string[];
  setJson: string[];
  setFile: string[];
  setLiteral: string[];
}

function valueOptions(o: ValueFlagOpts): ValueOptions {
  return { valueFiles: o.values, set: o.set, setString: o.setString, setJson: o.setJson, setFile: o.setFile, setLiteral: o.setLiteral };
}

class CliError extends Error {}

/** Runs an action printing Helm's `Error: ...` and setting exit code 1 on failure. */
function run<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  };
}

function out(s: string): void {
  process.stdout.write(s);
}

/** Locates a chart: a local directory/archive, a repo/chart reference, or a chart in --repo. */
async function locateChart(ref: string, opts: { version?: string; repo?: string }): Promise<LoadedChart> {
  if (existsSync(ref)) return loadChart(ref);
  const paths = helmPaths();
  if (opts.repo) {
    const r = await downloadChartFromRepo(opts.repo, ref, opts.version);
    return cacheAndLoad(r.data, r.filename);
  }
  if (/^https?:\/\//.test(ref)) {
    const { fetchUrl } = await import('../helm/repo/index.js');
    const data = await fetchUrl(ref);
    return cacheAndLoad(data, basename(new URL(ref).pathname));
  }
  const slash = ref.indexOf('/');
  if (slash < 0 || ref.startsWith('.') || ref.startsWith('/')) {
    if (ref.startsWith('.') || ref.startsWith('/')) throw new CliError(`path "${ref}" not found`);
    throw new CliError(`non-absolute URLs should be in form of repo_name/path_to_chart, got: ${ref}`);
  }
  const repoName = ref.slice(0, slash);
  const chartName = ref.slice(slash + 1);
  const rf = loadRepoFile(paths.repositoryConfig);
  const entry = rf.repositories.find((r) => r.name === repoName);
  if (!entry) throw new CliError(`repo ${repoName} not found`);
  const r = await downloadChartFromRepo(entry.url, chartName, opts.version, entry, paths.repositoryCache);
  return cacheAndLoad(r.data, r.filename);
}

function cacheAndLoad(data: Buffer, filename: string): LoadedChart {
  const cache = helmPaths().repositoryCache;
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, filename), data);
  return loadArchive(data);
}

function renderShowOnly(manifests: string, showFiles: string[]): string {
  const split = splitManifests(manifests);
  const re = /# Source: [^/]+\/(.+)/;
  const chosen: string[] = [];
  for (let f of showFiles) {
    f = f.replace(/\\/g, '/');
    let missing = true;
    for (const m of split) {
      const sub = re.exec(m);
      if (!sub) continue;
      if (!goMatch(f, sub[1]!)) continue;
      chosen.push(m);
      missing = false;
    }
    if (missing) throw new CliError(`could not find template ${f} in chart`);
  }
  return chosen.map((m) => `---\n${m}\n`).join('');
}

function writeOutputDir(dir: string, result: RenderResult, o: { includeCrds?: boolean; skipTests?: boolean; noHooks?: boolean }): void {
  const written = new Set<string>();
  const write = (name: string, data: string): void => {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    const text = `---\n# Source: ${name}\n${data}\n`;
    if (written.has(name)) appendFileSync(file, text);
    else writeFileSync(file, text);
    written.add(name);
    out(`wrote ${file}\n`);
  };
  if (o.includeCrds) for (const c of result.crds) write(c.name, c.content);
  for (const m of result.manifests) write(m.name, m.content);
  if (!o.noHooks) {
    for (const h of result.hooks) {
      if (o.skipTests && h.events.includes('test')) continue;
      write(h.path, h.manifest);
    }
  }
}

function registerTemplate(helm: Command): void {
  const cmd = helm
    .command('template')
    .description('locally render templates')
    .argument('[args...]', '[NAME] CHART')
    .option('-n, --namespace <ns>', 'namespace scope for this request', process.env.HELM_NAMESPACE ?? 'default')
    .option('-s, --show-only <file>', 'only show manifests rendered from the given templates', collect, [])
    .option('--include-crds', 'include CRDs in the templated output', false)
    .option('--skip-crds', 'if set, no CRDs will be installed', false)
    .option('--skip-tests', 'skip tests from templated output', false)
    .option('--no-hooks', 'prevent hooks from running during install')
    .option('--kube-version <v>', 'Kubernetes version used for Capabilities.KubeVersion')
    .option('-a, --api-versions <v>', 'Kubernetes api versions used for Capabilities.APIVersions', collectComma, [])
    .option('--output-dir <dir>', 'writes the executed templates to files in output-dir instead of stdout')
    .option('--release-name', 'use release name in the output-dir path', false)
    .option('-g, --generate-name', 'generate the name (and omit the NAME parameter)', false)
    .option('--name-template <tpl>', 'specify template used to name the release')
    .option('--is-upgrade', 'set .Release.IsUpgrade instead of .Release.IsInstall', false)
    .option('--render-subchart-notes', 'if set, render subchart notes along with the parent', false)
    .option('--version <v>', 'specify a version constraint for the chart version to use')
    .option('--repo <url>', 'chart repository url where to locate the requested chart')
    .option('--validate', 'validate your manifests against the Kubernetes cluster you are currently pointing at', false)
    .option('--debug', 'enable verbose output', false);
  valueFlags(cmd).action(
    run(async (args: string[], o: ValueFlagOpts & Record<string, unknown>) => {
      let name: string;
      let chartRef: string;
      if (o.generateName) {
        if (args.length !== 1) throw new CliError(args.length === 0 ? 'must either provide a name or specify --generate-name' : `expected at most two arguments, unexpected arguments: ${args.slice(1).join(', ')}`);
        chartRef = args[0]!;
        const base = basename(chartRef).replace(/\.tgz$/, '').replace(/-\d+\.\d+\.\d+.*$/, '');
        name = `${base}-${Math.floor(Date.now() / 1000)}`;
      } else if (args.length === 2) {
        [name, chartRef] = args as [string, string];
      } else if (args.length === 1) {
        name = 'release-name';
        chartRef = args[0]!;
      } else if (args.length === 0) {
        throw new CliError('"helm template" requires at least 1 argument');
      } else {
        throw new CliError(`expected at most two arguments, unexpected arguments: ${args.slice(2).join(', ')}`);
      }
      validateReleaseName(name);
      const vals = mergeValueOptions(valueOptions(o));
      const chart = await locateChart(chartRef, { version: o.version as string | undefined, repo: o.repo as string | undefined });
      const isUpgrade = Boolean(o.isUpgrade);
      const result = renderChart(chart, vals, {
        releaseName: name, namespace: o.namespace as string, revision: 1, isInstall: !isUpgrade, isUpgrade,
        kubeVersion: o.kubeVersion as string | undefined, apiVersions: o.apiVersions as string[], subNotes: Boolean(o.renderSubchartNotes),
        log: (m) => {
          if (o.debug) process.stderr.write(m + '\n');
        },
      });
      const noHooks = o.hooks === false;
      const includeCrds = Boolean(o.includeCrds) && !o.skipCrds;
      if (o.outputDir) {
        const dir = o.releaseName ? join(o.outputDir as string, name) : (o.outputDir as string);
        writeOutputDir(dir, result, { includeCrds, skipTests: Boolean(o.skipTests), noHooks });
        return;
      }
      const text = templateOutput(result, { includeCrds, skipTests: Boolean(o.skipTests), noHooks });
      const showOnly = o.showOnly as string[];
      out(showOnly.length > 0 ? renderShowOnly(text, showOnly) : text);
    }),
  );
}

function registerLint(helm: Command): void {
  const cmd = helm
    .command('lint')
    .description('examine a chart for possible issues')
    .argument('[paths...]', 'chart paths', ['.'])
    .option('--strict', 'fail on lint warnings', false)
    .option('--quiet', 'print only warnings and errors', false)
    .option('--with-subcharts', 'lint dependent charts', false)
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--kube-version <v>', 'Kubernetes version used for capabilities and deprecation checks');
  valueFlags(cmd).action(
    run((paths: string[], o: ValueFlagOpts & { strict: boolean; quiet: boolean; withSubcharts: boolean; namespace: string; kubeVersion?: string }) => {
      const vals = mergeValueOptions(valueOptions(o));
      let msg = '';
      let failed = 0;
      let errorsOrWarnings = 0;
      const all: string[] = [];
      for (const p of paths) {
        all.push(p);
        if (o.withSubcharts && existsSync(join(p, 'charts'))) {
          for (const s of readdirSync(join(p, 'charts')).sort()) all.push(join(p, 'charts', s));
        }
      }
      for (const p of all) {
        const r = lintChart(p, vals, { namespace: o.namespace, strict: o.strict, kubeVersion: o.kubeVersion });
        msg += `==> Linting ${p}\n`;
        for (const m of r.messages) if (!o.quiet || m.severity > Severity.Info) msg += formatMessage(m) + '\n';
        const limit = o.strict ? Severity.Warning : Severity.Error;
        if (r.highestSeverity >= limit) failed++;
        if (r.highestSeverity >= Severity.Warning) errorsOrWarnings++;
        msg += '\n';
      }
      out(msg);
      const summary = `${all.length} chart(s) linted, ${failed} chart(s) failed`;
      if (failed > 0) throw new CliError(summary);
      if (!o.quiet || errorsOrWarnings > 0) out(summary + '\n');
    }),
  );
}

function checkDependencies(chart: LoadedChart): void {
  const missing: string[] = [];
  for (const d of chart.metadata.dependencies ?? []) {
    if (!chart.dependencies().some((c) => c.name() === d.name)) missing.push(d.name);
  }
  if (missing.length > 0) throw new CliError(`found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`);
}

function registerPackage(helm: Command): void {
  helm
    .command('package')
    .description('package a chart directory into a chart archive')
    .argument('<paths...>', 'chart directories')
    .option('-d, --destination <dir>', 'location to write the chart.', '.')
    .option('--version <v>', 'set the version on the chart to this semver version')
    .option('--app-version <v>', 'set the appVersion on the chart to this version')
    .option('-u, --dependency-update', 'update dependencies from "Chart.yaml" to dir "charts/" before packaging', false)
    .action(
      run(async (paths: string[], o: { destination: string; version?: string; appVersion?: string; dependencyUpdate: boolean }) => {
        for (const p of paths) {
          const abs = resolve(p);
          if (!existsSync(abs)) throw new CliError(`stat ${p}: no such file or directory`);
          if (!statSync(abs).isDirectory()) throw new CliError(`${p} is not a directory`);
          if (o.dependencyUpdate) await dependencyUpdate(abs, false);
          const chart = loadChart(abs);
          if (o.version) chart.metadata.version = o.version;
          if (o.appVersion) chart.metadata.appVersion = o.appVersion;
          checkDependencies(chart);
          mkdirSync(o.destination, { recursive: true });
          const file = resolve(o.destination, `${chart.name()}-${chart.metadata.version}.tgz`);
          writeFileSync(file, saveChartArchive(chart));
          out(`Successfully packaged chart and saved it to: ${file}\n`);
        }
      }),
    );
}

function registerCreate(helm: Command): void {
  helm
    .command('create')
    .description('create a new chart with the given name')
    .argument('<name>')
    .action(
      run((name: string) => {
        out(`Creating ${name}\n`);
        createChart(name);
      }),
    );
}

function findReadme(chart: LoadedChart): Buffer | undefined {
  for (const f of chart.files) {
    if (['readme.md', 'readme.txt', 'readme'].includes(f.name.toLowerCase())) return f.data;
  }
  return undefined;
}

function showText(chart: LoadedChart, what: 'chart' | 'values' | 'readme' | 'crds' | 'all'): string {
  let s = '';
  if (what === 'chart' || what === 'all') s += metadataYaml(chart.metadata) + '\n';
  if (what === 'values' || what === 'all') {
    if (what === 'all') s += '---\n';
    const v = chart.raw.find((f) => f.name === 'values.yaml');
    if (v) s += v.data.toString('utf8') + '\n';
  }
  if (what === 'readme' || what === 'all') {
    const r = findReadme(chart);
    if (r) {
      if (what === 'all') s += '---\n';
      s += r.toString('utf8') + '\n';
    }
  }
  if (what === 'crds' || what === 'all') {
    for (const c of chart.crdObjects()) {
      if (!c.file.data.toString('utf8').startsWith('---')) s += '---\n';
      s += c.file.data.toString('utf8') + '\n';
    }
  }
  return s;
}

function registerShow(helm: Command): void {
  const show = helm.command('show').alias('inspect').description('show information of a chart');
  for (const what of ['chart', 'values', 'readme', 'crds', 'all'] as const) {
    show
      .command(what)
      .description(`show the chart's ${what}`)
      .argument('<chart>')
      .option('--version <v>', 'chart version constraint')
      .option('--repo <url>', 'chart repository url')
      .action(
        run(async (ref: string, o: { version?: string; repo?: string }) => {
          const chart = await locateChart(ref, o);
          out(showText(chart, what));
        }),
      );
  }
}

// ------------------------------------------------------------------------------------------------
// dependency

function padTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.min(80, Math.max(...rows.map((r) => (r[i] ?? '').length))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('\t').trimEnd()).join('\n') + '\n';
}

function dependencyStatus(dir: string, dep: ChartDependency): string {
  const chartsDir = join(dir, 'charts');
  if (!existsSync(chartsDir)) return 'missing';
  for (const f of readdirSync(chartsDir)) {
    const full = join(chartsDir, f);
    try {
      if (f.endsWith('.tgz')) {
        const c = loadArchive(readFileSync(full));
        if (c.name() !== dep.name) continue;
        if (!isCompatibleRange(dep.version, c.metadata.version)) return 'wrong version';
        return 'ok';
      }
      if (statSync(full).isDirectory()) {
        const c = loadChart(full);
        if (c.name() !== dep.name) continue;
        if (!isCompatibleRange(dep.version, c.metadata.version)) return 'wrong version';
        return 'unpacked';
      }
    } catch {
      if (f.startsWith(dep.name)) return 'corrupt';
    }
  }
  return 'missing';
}

async function resolveDependency(dir: string, dep: ChartDependency, repos: RepoEntry[], cacheDir: string, exactVersion?: string): Promise<{ data: Buffer; filename: string; version: string; repository: string }> {
  const repo = dep.repository ?? '';
  if (repo.startsWith('file://')) {
    const p = resolve(dir, repo.slice('file://'.length));
    const c = loadChart(p);
    if (!isCompatibleRange(exactVersion ?? dep.version, c.metadata.version)) {
      throw new CliError(`can't get a valid version for 1 subchart(s): "${dep.name}" (repository "${repo}", version "${dep.version ?? ''}")`);
    }
    return { data: saveChartArchive(c), filename: `${c.name()}-${c.metadata.version}.tgz`, version: c.metadata.version, repository: repo };
  }
  let url = repo;
  let auth: RepoEntry | undefined;
  if (repo.startsWith('@') || repo.startsWith('alias:')) {
    auth = findRepo(repos, repo);
    if (!auth) throw new CliError(`no repository definition for ${repo}. Please add them via 'helm repo add'`);
    url = auth.url;
  } else {
    auth = findRepo(repos, repo);
  }
  if (!/^https?:\/\//.test(url)) throw new CliError(`no repository definition for ${repo}. Please add the missing repos via 'helm repo add'`);
  const r = await downloadChartFromRepo(url, dep.name, exactVersion ?? dep.version, auth, undefined);
  void cacheDir;
  return { data: r.data, filename: r.filename, version: r.version.version, repository: repo };
}

async function dependencyUpdate(dir: string, fromLock: boolean): Promise<void> {
  const chart = loadChart(dir);
  const deps = chart.metadata.dependencies ?? [];
  const paths = helmPaths();
  const repos = loadRepoFile(paths.repositoryConfig).repositories;
  let lockVersions: Map<string, string> | undefined;
  if (fromLock) {
    if (!chart.lock) {
      out('No requirements found in Chart.lock; running dependency update\n');
    } else {
      lockVersions = new Map(chart.lock.dependencies.map((d) => [d.name, d.version]));
    }
  }
  if (!fromLock && repos.length > 0 && deps.some((d) => d.repository && !d.repository.startsWith('file://'))) {
    out('Hang tight while we grab the latest from your chart repositories...\n');
    for (const r of repos) {
      try {
        await downloadIndex(r, paths.repositoryCache);
        out(`...Successfully got an update from the "${r.name}" chart repository\n`);
      } catch (e) {
        out(`...Unable to get an update from the "${r.name}" chart repository (${r.url}):\n\t${(e as Error).message}\n`);
      }
    }
    out('Update Complete. ⎈Happy Helming!⎈\n');
  }
  out(`Saving ${deps.length} charts\n`);
  const chartsDir = join(dir, 'charts');
  mkdirSync(chartsDir, { recursive: true });
  const downloaded: { name: string; version: string; repository: string; filename: string; data: Buffer }[] = [];
  for (const d of deps) {
    if (!d.repository) {
      out(`Dependency ${d.name} did not declare a repository. Assuming it exists in the charts directory\n`);
      continue;
    }
    const r = await resolveDependency(dir, d, repos, paths.repositoryCache, lockVersions?.get(d.name));
    if (d.repository.startsWith('file://')) out(`Archiving ${d.name} from repo ${d.repository}\n`);
    else out(`Downloading ${d.name} from repo ${d.repository}\n`);
    downloaded.push({ name: d.name, version: r.version, repository: d.repository, filename: r.filename, data: r.data });
  }
  out('Deleting outdated charts\n');
  for (const f of readdirSync(chartsDir)) {
    if (!f.endsWith('.tgz')) continue;
    try {
      const c = loadArchive(readFileSync(join(chartsDir, f)));
      if (deps.some((d) => d.name === c.name())) rmSync(join(chartsDir, f));
    } catch {
      // keep unreadable files
    }
  }
  for (const d of downloaded) writeFileSync(join(chartsDir, d.filename), d.data);
  if (!fromLock || !lockVersions) {
    const lockDeps = downloaded.map((d) => ({ name: d.name, repository: d.repository, version: d.version }));
    const digest = 'sha256:' + digestOf(Buffer.from(JSON.stringify([deps, lockDeps])));
    const lockName = chart.metadata.apiVersion === 'v1' ? 'requirements.lock' : 'Chart.lock';
    writeFileSync(join(dir, lockName), marshalYaml({ dependencies: lockDeps, digest, generated: new Date().toISOString() }));
  }
}

function registerDependency(helm: Command): void {
  const dep = helm.command('dependency').alias('dep').alias('dependencies').description("manage a chart's dependencies");
  dep
    .command('list')
    .alias('ls')
    .description('list the dependencies for the given chart')
    .argument('[chart]', 'chart directory', '.')
    .action(
      run((dir: string) => {
        const chart = loadChart(dir);
        const deps = chart.metadata.dependencies ?? [];
        if (deps.length === 0) {
          out(`WARNING: no dependencies at ${join(dir, 'charts')}\n`);
          return;
        }
        const rows = [['NAME', 'VERSION', 'REPOSITORY', 'STATUS']];
        for (const d of deps) rows.push([d.name, d.version ?? '', d.repository ?? '', dependencyStatus(dir, d)]);
        out(padTable(rows) + '\n');
      }),
    );
  dep
    .command('update')
    .alias('up')
    .description('update charts/ based on the contents of Chart.yaml')
    .argument('[chart]', 'chart directory', '.')
    .option('--skip-refresh', 'do not refresh the local repository cache', false)
    .action(run(async (dir: string) => dependencyUpdate(dir, false)));
  dep
    .command('build')
    .description('rebuild the charts/ directory based on the Chart.lock file')
    .argument('[chart]', 'chart directory', '.')
    .option('--skip-refresh', 'do not refresh the local repository cache', false)
    .action(run(async (dir: string) => dependencyUpdate(dir, true)));
}

// ------------------------------------------------------------------------------------------------
// repo

function registerRepo(helm: Command): void {
  const repo = helm.command('repo').description('add, list, remove, update, and index chart repositories');
  repo
    .command('add')
    .description('add a chart repository')
    .argument('<name>')
    .argument('<url>')
    .option('--username <u>', 'chart repository username')
    .option('--password <p>', 'chart repository password')
    .option('--force-update', 'replace (overwrite) the repo if it already exists', false)
    .option('--pass-credentials', 'pass credentials to all domains', false)
    .action(
      run(async (name: string, url: string, o: { username?: string; password?: string; forceUpdate: boolean; passCredentials: boolean }) => {
        if (name.includes('/')) throw new CliError(`repository name (${name}) contains '/', please specify a different name without '/'`);
        const paths = helmPaths();
        const rf = loadRepoFile(paths.repositoryConfig);
        const entry: RepoEntry = { name, url, username: o.username, password: o.password, pass_credentials_all: o.passCredentials };
        const existing = rf.repositories.find((r) => r.name === name);
        if (existing && !o.forceUpdate) {
          if (existing.url === url && (existing.username ?? '') === (o.username ?? '') && (existing.password ?? '') === (o.password ?? '')) {
            out(`"${name}" already exists with the same configuration, skipping\n`);
            return;
          }
          throw new CliError(`repository name (${name}) already exists, please specify a different name`);
        }
        await downloadIndex(entry, paths.repositoryCache);
        rf.repositories = rf.repositories.filter((r) => r.name !== name);
        rf.repositories.push(entry);
        saveRepoFile(paths.repositoryConfig, rf);
        out(`"${name}" has been added to your repositories\n`);
      }),
    );
  repo
    .command('list')
    .alias('ls')
    .description('list chart repositories')
    .action(
      run(() => {
        const rf = loadRepoFile(helmPaths().repositoryConfig);
        if (rf.repositories.length === 0) throw new CliError('no repositories to show');
        out(padTable([['NAME', 'URL'], ...rf.repositories.map((r) => [r.name, r.url])]));
      }),
    );
  repo
    .command('update')
    .alias('up')
    .description('update information of available charts locally from chart repositories')
    .argument('[repos...]')
    .action(
      run(async (names: string[]) => {
        const paths = helmPaths();
        const rf = loadRepoFile(paths.repositoryConfig);
        if (rf.repositories.length === 0) throw new CliError('no repositories found. You must add one before updating');
        let list = rf.repositories;
        if (names.length > 0) {
          for (const n of names) if (!list.some((r) => r.name === n)) throw new CliError(`no repositories found matching '${n}'.  Nothing will be updated`);
          list = list.filter((r) => names.includes(r.name));
        }
        out('Hang tight while we grab the latest from your chart repositories...\n');
        const failed: string[] = [];
        for (const r of list) {
          try {
            await downloadIndex(r, paths.repositoryCache);
            out(`...Successfully got an update from the "${r.name}" chart repository\n`);
          } catch (e) {
            out(`...Unable to get an update from the "${r.name}" chart repository (${r.url}):\n\t${(e as Error).message}\n`);
            failed.push(r.url);
          }
        }
        if (failed.length > 0) throw new CliError(`Failed to update the following repositories: [${failed.join(' ')}]`);
        out('Update Complete. ⎈Happy Helming!⎈\n');
      }),
    );
  repo
    .command('remove')
    .alias('rm')
    .description('remove one or more chart repositories')
    .argument('<names...>')
    .action(
      run((names: string[]) => {
        const paths = helmPaths();
        const rf = loadRepoFile(paths.repositoryConfig);
        for (const n of names) {
          if (!rf.repositories.some((r) => r.name === n)) throw new CliError(`no repo named "${n}" found`);
          rf.repositories = rf.repositories.filter((r) => r.name !== n);
          saveRepoFile(paths.repositoryConfig, rf);
          for (const f of [`${n}-index.yaml`, `${n}-charts.txt`]) rmSync(join(paths.repositoryCache, f), { force: true });
          out(`"${n}" has been removed from your repositories\n`);
        }
      }),
    );
  repo
    .command('index')
    .description('generate an index file given a directory containing packaged charts')
    .argument('<dir>')
    .option('--url <url>', 'url of chart repository')
    .option('--merge <file>', 'merge the generated index into the given index')
    .action(
      run((dir: string, o: { url?: string; merge?: string }) => {
        const merge = o.merge && existsSync(o.merge) ? parseIndex(readFileSync(o.merge)) : undefined;
        const idx = indexDirectory(dir, o.url ?? '', merge);
        writeFileSync(join(dir, 'index.yaml'), indexYaml(idx));
      }),
    );
}

function registerPull(helm: Command): void {
  helm
    .command('pull')
    .alias('fetch')
    .description('download a chart from a repository and (optionally) unpack it in local directory')
    .argument('<chart>')
    .option('--version <v>', 'chart version constraint')
    .option('--repo <url>', 'chart repository url')
    .option('-d, --destination <dir>', 'location to write the chart', '.')
    .option('--untar', 'if set to true, will untar the chart after downloading it', false)
    .option('--untardir <dir>', 'if untar is specified, this flag specifies the name of the directory into which the chart is expanded', '.')
    .action(
      run(async (ref: string, o: { version?: string; repo?: string; destination: string; untar: boolean; untardir: string }) => {
        const paths = helmPaths();
        let data: Buffer;
        let filename: string;
        if (o.repo) {
          const r = await downloadChartFromRepo(o.repo, ref, o.version);
          data = r.data;
          filename = r.filename;
        } else if (/^https?:\/\//.test(ref)) {
          const { fetchUrl } = await import('../helm/repo/index.js');
          data = await fetchUrl(ref);
          filename = basename(new URL(ref).pathname);
        } else {
          const slash = ref.indexOf('/');
          if (slash < 0) throw new CliError(`non-absolute URLs should be in form of repo_name/path_to_chart, got: ${ref}`);
          const rf = loadRepoFile(paths.repositoryConfig);
          const entry = rf.repositories.find((r) => r.name === ref.slice(0, slash));
          if (!entry) throw new CliError(`repo ${ref.slice(0, slash)} not found`);
          const r = await downloadChartFromRepo(entry.url, ref.slice(slash + 1), o.version, entry, paths.repositoryCache);
          data = r.data;
          filename = r.filename;
        }
        mkdirSync(o.destination, { recursive: true });
        if (!o.untar) {
          writeFileSync(join(o.destination, filename), data);
          return;
        }
        const ud = join(o.destination, o.untardir);
        const files = archiveFiles(data);
        const top = readTar(gunzip(data))[0]?.name.split('/')[0] ?? filename.replace(/-[^-]+\.tgz$/, '');
        if (existsSync(join(ud, top))) throw new CliError(`failed to untar: a file or directory with the name ${join(ud, top)} already exists`);
        for (const f of files) {
          const p = join(ud, top, f.name);
          mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, f.data);
        }
      }),
    );
}

/** Adds `helm` and its offline subcommands to the program. */
export function registerHelmCommands(program: Command): Command {
  const helm = program.command('helm').description('The Kubernetes package manager (Helm 3 compatible)');
  helm.addOption(new Option('--debug', 'enable verbose output').default(false));
  registerTemplate(helm);
  registerLint(helm);
  registerPackage(helm);
  registerCreate(helm);
  registerShow(helm);
  registerDependency(helm);
  registerRepo(helm);
  registerPull(helm);
  registerReleaseCommands(helm);
  return helm;
}

export { ChartLoadError };
