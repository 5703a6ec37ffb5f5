import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadChart } from '../chart/index.js';
import { mergeValueOptions } from '../values/index.js';
import { renderChart, templateOutput, manifestString, splitManifests, sortManifests, sortTemplates } from './index.js';

const chartsDir = fileURLToPath(new URL('../../../../test/charts/', import.meta.url));

const base = { namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };

test('webapp chart renders byte for byte (library helpers, tpl, Files, subcharts, hooks, CRDs)', () => {
  const chart = loadChart(join(chartsDir, 'webapp'));
  const r = renderChart(chart, {}, { ...base, releaseName: 'web', namespace: 'prod', kubeVersion: '1.29.3' });
  assert.equal(templateOutput(r, { includeCrds: true }), readFileSync(join(chartsDir, 'webapp.expected.yaml'), 'utf8'));
  assert.equal(r.notes, 'Thank you for installing webapp 2.4.0.\nRelease web in namespace prod.\n');
  assert.deepEqual(r.hooks.map((h) => [h.kind, h.events, h.weight, h.deletePolicies]), [
    ['Pod', ['test'], 0, []],
    ['Job', ['pre-install', 'pre-upgrade'], -5, ['before-hook-creation', 'hook-succeeded']],
  ]);
  assert.deepEqual(r.manifests.map((m) => m.kind), ['ConfigMap', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Ingress']);
});

test('webapp with -f, --set, --set-string, --set-json: conditions, tags, skip-tests', () => {
  const chart = loadChart(join(chartsDir, 'webapp'));
  const vals = mergeValueOptions({
    valueFiles: [join(chartsDir, 'webapp-overrides.values.yaml')],
    set: ['redis.enabled=false,tags.monitoring=true'],
    setString: ['image.tag=010'],
    setJson: ['service.annotations={"a.io/x":"1","b":"yes"}'],
  });
  const r = renderChart(chart, vals, { ...base, releaseName: 'web2' });
  assert.equal(templateOutput(r, { skipTests: true }), readFileSync(join(chartsDir, 'webapp-overrides.expected.yaml'), 'utf8'));
  assert.ok(!manifestString(r).includes('hook'));
});

test('ingress apiVersion follows semverCompare on Capabilities.KubeVersion; kubeVersion constraint enforced', () => {
  const chart = loadChart(join(chartsDir, 'webapp'));
  assert.throws(
    () => renderChart(chart, {}, { ...base, releaseName: 'x', kubeVersion: '1.18.0' }),
    { message: 'chart requires kubeVersion: >=1.20.0-0 which is incompatible with Kubernetes v1.18.0' },
  );
});

function tmpChart(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'helmtest-'));
  const root = join(dir, 'mychart');
  for (const [p, t] of Object.entries({ 'Chart.yaml': 'apiVersion: v2\nname: mychart\nversion: 0.1.0\n', ...files })) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  return root;
}

function renderErr(files: Record<string, string>, values: Record<string, unknown> = {}): string {
  try {
    renderChart(loadChart(tmpChart(files)), values, { ...base, releaseName: 'r' });
  } catch (e) {
    return (e as Error).message;
  }
  return '<no error>';
}

test('errors name the file and line as Helm does', () => {
  assert.equal(renderErr({ 'templates/x.yaml': 'a: 1\n{{ .Values.x \n' }), 'parse error at (mychart/templates/x.yaml:3): unclosed action started at mychart/templates/x.yaml:2');
  assert.equal(renderErr({ 'templates/x.yaml': 'a: 1\n\nb: {{ required "image.tag is required" .Values.tag }}\n' }), 'execution error at (mychart/templates/x.yaml:3:6): image.tag is required');
  assert.equal(renderErr({ 'templates/x.yaml': 'a: {{ fail "boom" }}\n' }), 'execution error at (mychart/templates/x.yaml:1:6): boom');
  assert.equal(
    renderErr({ 'templates/_h.tpl': '{{ define "h" }}{{ required "need x" .x }}{{ end }}', 'templates/x.yaml': 'a:\n  {{ include "h" . }}\n' }),
    'execution error at (mychart/templates/x.yaml:2:5): need x',
  );
  assert.equal(renderErr({ 'templates/x.yaml': '{{ .Values.a.b.c }}' }), 'template: mychart/templates/x.yaml:1:10: executing "mychart/templates/x.yaml" at <.Values.a.b.c>: nil pointer evaluating interface {}.b');
  assert.equal(renderErr({ 'templates/x.yaml': 'a: {{ nope }}' }), 'parse error at (mychart/templates/x.yaml:1): function "nope" not defined');
  assert.equal(renderErr({ 'templates/x.yaml': 'a: b\n  c: d\n' }), 'YAML parse error on mychart/templates/x.yaml: error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context');
  assert.equal(renderErr({ 'values.yaml': 'a: [1\n' }), 'cannot load values.yaml: error converting YAML to JSON: yaml: line 2: did not find expected key');
  assert.equal(
    renderErr({ 'values.schema.json': '{"type":"object","properties":{"replicas":{"type":"integer"}},"required":["image"]}', 'values.yaml': 'replicas: "3"\nimage: x\n' }),
    "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- replicas: Invalid type. Expected: integer, given: string\n",
  );
  assert.equal(
    renderErr({ 'values.schema.json': '{"required":["image"]}' }),
    "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- (root): image is required\n",
  );
  assert.match(renderErr({ 'Chart.yaml': 'apiVersion: v2\nname: mychart\n' }), /^validation: chart.metadata.version is required$/);
  assert.equal(renderErr({ 'Chart.yaml': 'apiVersion: v2\nname: mychart\nversion: 0.1.0\ntype: library\n' }), 'library charts are not installable');
});

test('include recursion limit and tpl defines', () => {
  assert.match(
    renderErr({ 'templates/x.yaml': '{{ define "loop" }}{{ include "loop" . }}{{ end }}{{ include "loop" . }}' }),
    /rendering template has a nested reference name: loop: unable to execute template|exceeded maximum template depth/,
  );
  const root = tmpChart({ 'templates/x.yaml': 'a: {{ tpl "{{ define \\"t\\" }}T{{ end }}{{ include \\"t\\" . }}-{{ include \\"h\\" . }}" . }}\n', 'templates/_h.tpl': '{{ define "h" }}H{{ end }}' });
  const r = renderChart(loadChart(root), {}, { ...base, releaseName: 'r' });
  assert.equal(r.manifests[0]!.content, 'a: T-H');
});

test('number semantics: YAML floats, --set int64', () => {
  const root = tmpChart({ 'values.yaml': 'big: 1000000\nf: 1.5\n', 'templates/x.yaml': 'a: {{ .Values.big }}\nb: {{ .Values.n }}\nc: {{ toYaml .Values.big }}\nd: {{ .Values.f }}\ne: {{ typeOf .Values.n }}/{{ typeOf .Values.big }}\n' });
  const vals = mergeValueOptions({ set: ['n=1000000'] });
  const r = renderChart(loadChart(root), vals, { ...base, releaseName: 'r' });
  assert.equal(r.manifests[0]!.content, 'a: 1e+06\nb: 1000000\nc: 1000000\nd: 1.5\ne: int64/float64');
});

test('Release, Chart, Capabilities, Template objects', () => {
  const root = tmpChart({
    'templates/x.yaml': 'n: {{ .Release.Name }}/{{ .Release.Namespace }}/{{ .Release.Revision }}/{{ .Release.IsInstall }}/{{ .Release.IsUpgrade }}/{{ .Release.Service }}\n' +
      'c: {{ .Chart.Name }}-{{ .Chart.Version }}-{{ .Chart.IsRoot }}\nk: {{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.KubeVersion }}\n' +
      'h: {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "x.io/v1/Foo" }}\nt: {{ .Template.Name }} {{ .Template.BasePath }}\n',
  });
  const r = renderChart(loadChart(root), {}, { ...base, releaseName: 'rel', namespace: 'ns', revision: 4, isInstall: false, isUpgrade: true, kubeVersion: 'v1.30.2', apiVersions: ['x.io/v1/Foo'] });
  assert.equal(r.manifests[0]!.content, 'n: rel/ns/4/false/true/Helm\nc: mychart-0.1.0-true\nk: 1.30 v1.30.2\nh: true true\nt: mychart/templates/x.yaml mychart/templates');
});

test('splitManifests and install-order sorting', () => {
  // Go's regexp takes the first separator with the blank lines after it; the second '---' then has
  // no newline before it and stays in the document.
  assert.deepEqual(splitManifests('---\na: 1\n---\n\n---   \nb: 2\n--- # c\nc: 3\n'), ['a: 1', '---   \nb: 2', '# c\nc: 3']);
  assert.deepEqual(splitManifests('a: 1\n---\nb: 2\n---\n'), ['a: 1', 'b: 2']);
  const files = new Map([
    ['c/templates/b.yaml', 'kind: Deployment\n---\nkind: Foo\n---\nkind: Bar\n---\nkind: Namespace\n'],
    ['c/templates/a.yaml', 'kind: Service\n---\nkind: PriorityClass\n---\n# only a comment\n'],
    ['c/templates/_p.yaml', 'kind: Secret\n'],
    ['c/templates/empty.yaml', '  \n'],
  ]);
  const { manifests } = sortManifests(files);
  assert.deepEqual(manifests.map((m) => m.head.kind), ['PriorityClass', 'Namespace', 'Service', 'Deployment', '', 'Bar', 'Foo']);
  assert.deepEqual(sortTemplates(['a/templates/z.yaml', 'a/templates/a.yaml', 'a/charts/b/templates/x.yaml', 'a/b.yaml']), [
    'a/charts/b/templates/x.yaml', 'a/templates/z.yaml', 'a/templates/a.yaml', 'a/b.yaml',
  ]);
});
