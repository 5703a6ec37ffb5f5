import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecError, ParseError, TemplateSet, goFunc, type FuncMap } from './index.js';
import { GO_NAMED_MAP as GO_NAMED_MAP_FOR_TEST } from './values.js';

class Files {
  readonly goType = 'helm.Files';
  constructor(private readonly files: Record<string, string>) {}
  Get(name: string): string {
    return this.files[name] ?? '';
  }
}
goFunc(['string'], Files.prototype.Get);

class VersionSet extends Array<string> {
  readonly goType = 'chartutil.VersionSet';
  Has(v: string): boolean {
    return this.includes(v);
  }
}
goFunc(['string'], VersionSet.prototype.Has);

class Metadata {
  readonly goType = '*chart.Metadata';
  constructor(readonly Name: string, readonly Version: string) {}
}

const data = {
  Values: {
    a: 1, s: 'str', b: true, f: 1.5, big: 1000000, list: [1n, 2n, 3n], strs: ['x', 'y'], m: { b: 2, a: 1 },
    nil: null, empty: [], emap: {}, nested: { x: { y: 'deep' } }, zero: 0, emptys: '', html: '<b>"hi"</b>',
    mixed: [1n, 'a', null, 2.5, true], maps: [{ name: 'one' }, { name: 'two' }],
  },
  Release: { Name: 'rel', Namespace: 'ns' },
  Files: new Files({ 'a.txt': 'A!' }),
  Chart: new Metadata('mychart', '1.0.0'),
  Capabilities: { APIVersions: VersionSet.from(['v1', 'apps/v1']) },
  n: 3n,
  fn: () => 'called',
  add: (a: bigint, b: bigint) => a + b,
};

const funcs: FuncMap = {
  upper: goFunc(['string'], (s) => s.toUpperCase()),
  repeat: goFunc(['int', 'string'], (n, s) => s.repeat(Number(n))),
  half: goFunc(['float64'], (f) => f / 2),
  neg: goFunc(['bool'], (b) => !b),
  join: goFunc(['string', '[]interface {}'], (sep, list) => (list ?? []).map(String).join(sep)),
  keys: goFunc(['map[string]interface {}'], (m) => Object.keys(m ?? {}).sort()),
  list: (...args: unknown[]) => args,
  dict: (...args: unknown[]) => {
    const m: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) m[String(args[i])] = args[i + 1] ?? null;
    return m;
  },
  concat: goFunc(['string', '...string'], (first, ...rest) => first + rest.join('')),
  fail: goFunc(['string'], (msg): never => {
    throw new Error(msg);
  }),
  nothing: () => undefined,
  kind: (v: unknown) => (v === null ? 'nil' : v === undefined ? 'invalid' : typeof v),
  raw: goFunc(['reflect.Value'], (v) => (v === null ? 'nil' : v === undefined ? 'invalid' : typeof v)),
  sub: goFunc(['int', 'int'], (a, b) => a - b),
};

type Want = string | { err: string | RegExp };
type Case = [template: string, want: Want, opts?: { data?: unknown; missingKey?: 'default' | 'zero' | 'error' }];

function render(text: string, opts: Case[2] = {}): string {
  const set = new TemplateSet({ missingKey: opts.missingKey ?? 'default', funcs });
  set.parse('t', text);
  return set.execute('t', opts.data === undefined ? data : opts.data);
}

function check(name: string, cases: Case[]): void {
  test(name, () => {
    for (const [text, want, opts] of cases) {
      let got: string;
      try {
        got = render(text, opts);
      } catch (e) {
        if (typeof want === 'string') assert.fail(`${JSON.stringify(text)}: unexpected error ${(e as Error).message}`);
        const msg = (e as Error).message;
        if (typeof want.err === 'string') assert.equal(msg, want.err, JSON.stringify(text));
        else assert.match(msg, want.err, JSON.stringify(text));
        continue;
      }
      if (typeof want !== 'string') assert.fail(`${JSON.stringify(text)}: expected error ${String(want.err)}, got output ${JSON.stringify(got)}`);
      assert.equal(got, want, JSON.stringify(text));
    }
  });
}

check('text and whitespace trimming', [
  ['', ''],
  ['plain text', 'plain text'],
  ['a {{ "b" }} c', 'a b c'],
  ['a  {{- "b" }}  c', 'ab  c'],
  ['a  {{ "b" -}}  c', 'a  bc'],
  ['a \n\t {{- "b" -}} \n\t c', 'abc'],
  ['{{ "a" }}\n{{- "b" }}', 'ab'],
  ['{{ "a" -}}\n\n  {{ "b" }}', 'ab'],
  ['x {{- 3 }}', 'x3'],
  ['{{-3}}', '-3'],
  ['{{ 3 -}}\n\n y', '3y'],
  ['{{- 3 -}}', '3'],
  ['a\r\n{{- "b" }}', 'ab'],
  ['{{"a"}}{{"b"}}', 'ab'],
  ['{{ "a" }} {{ "b" }}', 'a b'],
  ['  {{- if true }}\n  x\n  {{- end }}', '\n  x'],
  ['{{ "}}" }}', '}}'],
  ['{{`{{`}}', '{{'],
]);

check('comments', [
  ['a {{/* c */}} b', 'a  b'],
  ['a  {{- /* c */ -}}  b', 'ab'],
  ['a{{/* multi\nline */}}b', 'ab'],
  ['{{/* unclosed', { err: 'template: t:1: unclosed comment' }],
  ['{{/* c */ x}}', { err: 'template: t:1: comment ends before closing delimiter' }],
  ['{{ /* x */ }}', { err: 'template: t:1: unexpected "/" in command' }],
  ['{{- /* only */ -}}', ''],
]);

check('literals and number printing', [
  ['{{ 1 }}', '1'],
  ['{{ -5 }}', '-5'],
  ['{{ +5 }}', '5'],
  ['{{ 1.5 }}', '1.5'],
  ['{{ 1.0 }}', '1'],
  ['{{ 1e3 }}', '1000'],
  ['{{ 1e6 }}', '1e+06'],
  ['{{ 1e21 }}', '1e+21'],
  ['{{ 123456.0 }}', '123456'],
  ['{{ 0.000001 }}', '1e-06'],
  ['{{ 0.0001 }}', '0.0001'],
  ['{{ 0x10 }}', '16'],
  ['{{ 0X1f }}', '31'],
  ['{{ 0o17 }}', '15'],
  ['{{ 017 }}', '15'],
  ['{{ 0b101 }}', '5'],
  ['{{ 1_000_000 }}', '1000000'],
  ['{{ 0x1p4 }}', '16'],
  ['{{ .5 }}', '0.5'],
  ["{{ 'a' }}", '97'],
  ["{{ '\\n' }}", '10'],
  ["{{ '世' }}", '19990'],
  ['{{ 9223372036854775807 }}', '9223372036854775807'],
  ['{{ "s" }}', 's'],
  ['{{ `raw\\n` }}', 'raw\\n'],
  ['{{ "\\x41\\u00e9\\101\\t|" }}', 'AéA\t|'],
  ['{{ "\\"q\\"" }}', '"q"'],
  ['{{ true }} {{ false }}', 'true false'],
  ['{{ printf "%T" 1 }} {{ printf "%T" 1.0 }} {{ printf "%T" 0x10 }} {{ printf "%T" \'a\' }}', 'int float64 int int'],
  ['{{ .Values.big }}', '1e+06'],
  ['{{ .Values.f }}', '1.5'],
  ['{{ .n }}', '3'],
]);

check('fields and maps', [
  ['{{ .Values.a }}', '1'],
  ['{{ .Values.s }}', 'str'],
  ['{{ .Values.nested.x.y }}', 'deep'],
  ['{{ .Values.list }}', '[1 2 3]'],
  ['{{ .Values.m }}', 'map[a:1 b:2]'],
  ['{{ .Values.mixed }}', '[1 a <nil> 2.5 true]'],
  ['{{ .Values.maps }}', '[map[name:one] map[name:two]]'],
  ['{{ .Values.emap }}', 'map[]'],
  ['{{ .Values.empty }}', '[]'],
  ['{{ .Values.nil }}', '<no value>'],
  ['{{ .Values.missing }}', '<no value>'],
  ['{{ .Values.missing }}', '<no value>', { missingKey: 'zero' }],
  ['{{ .Values.missing.x }}', '<no value>'],
  ['{{ .Values.missing.x }}', { err: 'template: t:1:10: executing "t" at <.Values.missing.x>: nil pointer evaluating interface {}.x' }, { missingKey: 'zero' }],
  ['{{ .Values.nil.x }}', { err: 'template: t:1:10: executing "t" at <.Values.nil.x>: nil pointer evaluating interface {}.x' }],
  ['{{ .Values.s.x }}', { err: 'template: t:1:10: executing "t" at <.Values.s.x>: can\'t evaluate field x in type interface {}' }],
  ['{{ .Values.list.x }}', { err: 'template: t:1:10: executing "t" at <.Values.list.x>: can\'t evaluate field x in type interface {}' }],
  ['{{ .Values.missing }}', { err: 'template: t:1:10: executing "t" at <.Values.missing>: map has no entry for key "missing"' }, { missingKey: 'error' }],
  ['{{ .Values.m.b }}', '2', { missingKey: 'error' }],
  ['{{ .foo }}', { err: 'template: t:1:3: executing "t" at <.foo>: can\'t evaluate field foo in type string' }, { data: 'str' }],
  ['{{ .foo }}', '<no value>', { data: null }],
  ['{{ .foo }}', { err: 'template: t:1:3: executing "t" at <.foo>: nil data; no entry for key "foo"' }, { data: null, missingKey: 'error' }],
  ['{{ .Values.a 1 }}', { err: 'template: t:1:10: executing "t" at <.Values.a>: a is not a method but has arguments' }],
  ['{{ 1 | .Values.a }}', { err: 'template: t:1:14: executing "t" at <.Values.a>: a is not a method but has arguments' }],
  ['{{ (.Values.m).a }}', '1'],
  ['{{ (index .Values.maps 1).name }}', 'two'],
  ['{{ (dict "k" "v").k }}', 'v'],
  ['{{ $.Values.s }}', 'str'],
  ['{{ .Chart.Name }}-{{ .Chart.Version }}', 'mychart-1.0.0'],
  ['{{ .Chart.Nope }}', { err: 'template: t:1:9: executing "t" at <.Chart.Nope>: can\'t evaluate field Nope in type interface {}' }],
  ['{{ with .Chart }}{{ .Nope }}{{ end }}', { err: 'template: t:1:20: executing "t" at <.Nope>: can\'t evaluate field Nope in type *chart.Metadata' }],
  ['{{ .Chart.Name 1 }}', { err: 'template: t:1:9: executing "t" at <.Chart.Name>: Name has arguments but cannot be invoked as function' }],
  ['{{ .Files.Get "a.txt" }}', 'A!'],
  ['{{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "x/v1" }}', 'true false'],
  ['{{ range .Capabilities.APIVersions }}{{ . }};{{ end }}{{ len .Capabilities.APIVersions }}', 'v1;apps/v1;2'],
  ['{{ .Capabilities.APIVersions.length }}', { err: 'template: t:1:16: executing "t" at <.Capabilities.APIVersions.length>: can\'t evaluate field length in type interface {}' }],
  ['{{ .Values.list.map }}', { err: 'template: t:1:10: executing "t" at <.Values.list.map>: can\'t evaluate field map in type interface {}' }],
  ['{{ .Values.m.toString }}', '<no value>'],
  ['{{ "a.txt" | .Files.Get }}', 'A!'],
  ['{{ .Files.Get }}', { err: 'template: t:1:9: executing "t" at <.Files.Get>: wrong number of args for Get: want 1 got 0' }],
  ['{{ .Files.Get 1 }}', { err: 'template: t:1:14: executing "t" at <1>: expected string; found 1' }],
  ['{{ .Values.foo-bar }}', { err: "template: t:1: bad character U+002D '-'" }],
]);

check('variables', [
  ['{{ $x := 1 }}{{ $x }}', '1'],
  ['{{ $x := .Values.m }}{{ $x.a }}', '1'],
  ['{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', '2'],
  ['{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}', '21'],
  ['{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', '2'],
  ['{{ $x := 1 }}{{ range .Values.list }}{{ $x = . }}{{ end }}{{ $x }}', '3'],
  ['{{ $ }}', '5', { data: 5n }],
  ['{{ range .Values.list }}{{ $y := . }}{{ $y }}{{ end }}', '123'],
  ['{{ .ünï }}', 'u', { data: { 'ünï': 'u' } }],
  ['{{ $_x1 := 2 }}{{ $_x1 }}', '2'],
  ['{{ with .Values.m }}{{ $.Values.s }}{{ end }}', 'str'],
  ['{{ $x := "a" }}{{ $y := $x }}{{ $y }}', 'a'],
  ['{{ $x }}', { err: 'template: t:1: undefined variable "$x"' }],
  ['{{ if true }}{{ $x := 2 }}{{ end }}{{ $x }}', { err: 'template: t:1: undefined variable "$x"' }],
  ['{{ $x := 1 }}{{ define "y" }}{{ $x }}{{ end }}', { err: 'template: t:1: undefined variable "$x"' }],
  ['{{ $x = 1 }}', { err: 'template: t:1:8: executing "t" at <1>: undefined variable: $x' }],
  ['{{ $x := 1 }}{{ $x.y }}', { err: 'template: t:1:18: executing "t" at <$x.y>: can\'t evaluate field y in type int' }],
  ['{{ $x, $y := 1 }}', { err: 'template: t:1: too many declarations in command' }],
  ['{{ $ 1 }}', { err: 'template: t:1:3: executing "t" at <$>: can\'t give argument to non-function $' }],
  ['{{ $x := .Values.missing }}{{ $x.y }}', '<no value>', { missingKey: 'zero' }],
]);

check('if, else if, with', [
  ['{{ if true }}y{{ end }}', 'y'],
  ['{{ if false }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if 1 }}a{{ else if 2 }}b{{ else }}c{{ end }}', 'a'],
  ['{{ if 0 }}a{{ else if 2 }}b{{ else }}c{{ end }}', 'b'],
  ['{{ if 0 }}a{{ else if 0 }}b{{ else }}c{{ end }}', 'c'],
  ['{{ if .Values.emptys }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if .Values.zero }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if .Values.empty }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if .Values.emap }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if .Values.nil }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if .Values.missing }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if .Values.m }}y{{ else }}n{{ end }}', 'y'],
  ['{{ if .Files }}y{{ end }}', 'y'],
  ['{{ if .fn }}y{{ end }}', 'y'],
  ['{{ if 0.0 }}y{{ else }}n{{ end }}', 'n'],
  ['{{ with .Values.s }}{{ . }}{{ end }}', 'str'],
  ['{{ with .Values.missing }}a{{ else }}b{{ end }}', 'b'],
  ['{{ with .Values.missing }}a{{ else with .Values.s }}{{ . }}{{ end }}', 'str'],
  ['{{ with $x := .Values.s }}{{ $x }}{{ . }}{{ end }}', 'strstr'],
  ['{{ with .Values.nested }}{{ .x.y }}{{ end }}', 'deep'],
  ['{{ if $x := .Values.s }}{{ $x }}{{ else }}{{ $x }}-{{ end }}', 'str'],
  ['{{ if $x := .Values.emptys }}{{ $x }}{{ else }}[{{ $x }}]{{ end }}', '[]'],
  ['{{ if }}', { err: 'template: t:1: missing value for if' }],
  ['{{ if .x }}', { err: 'template: t:1: unexpected EOF' }],
  ['{{ if .x }}{{ else }}{{ else }}{{ end }}', { err: 'template: t:1: expected end; found {{else}}' }],
  ['{{ with }}{{ end }}', { err: 'template: t:1: missing value for with' }],
]);

check('range', [
  ['{{ range .Values.list }}{{ . }},{{ end }}', '1,2,3,'],
  ['{{ range $i, $v := .Values.list }}{{ $i }}:{{ $v }} {{ end }}', '0:1 1:2 2:3 '],
  ['{{ range $v := .Values.strs }}{{ $v }}{{ end }}', 'xy'],
  ['{{ range .Values.m }}{{ . }}{{ end }}', '12'],
  ['{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', 'a=1;b=2;'],
  ['{{ range $k, $v := dict "b" 1 "a" 2 "c" 3 }}{{ $k }}{{ end }}', 'abc'],
  ['{{ range .Values.empty }}x{{ else }}empty{{ end }}', 'empty'],
  ['{{ range .Values.emap }}x{{ else }}empty{{ end }}', 'empty'],
  ['{{ range .Values.missing }}x{{ else }}none{{ end }}', 'none'],
  ['{{ range .Values.nil }}x{{ else }}none{{ end }}', 'none'],
  ['{{ range .Values.list }}{{ $.Values.s }}{{ end }}', 'strstrstr'],
  ['{{ range .Values.maps }}{{ .name }} {{ end }}', 'one two '],
  ['{{ range 3 }}{{ . }}{{ end }}', '012'],
  ['{{ range $i := .n }}{{ $i }}{{ end }}', '012'],
  ['{{ range 0 }}x{{ else }}zero{{ end }}', 'zero'],
  ['{{ range -2 }}x{{ else }}neg{{ end }}', 'neg'],
  ['{{ range $i, $e := 3 }}{{ end }}', { err: 'template: t:1:19: executing "t" at <3>: can\'t use 3 to iterate over more than one variable' }],
  ['{{ range .Values.list }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}', '1'],
  ['{{ range .Values.list }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ . }}{{ end }}', '13'],
  ['{{ range $i, $e := .Values.list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $e }}{{ end }}', '13'],
  ['{{ range .Values.list }}{{ range .Values.x }}{{ end }}{{ end }}', { err: 'template: t:1:40: executing "t" at <.Values.x>: can\'t evaluate field Values in type interface {}' }],
  ['{{ range .Values.s }}{{ end }}', { err: 'template: t:1:16: executing "t" at <.Values.s>: range can\'t iterate over str' }],
  ['{{ range .Values.a }}{{ end }}', { err: 'template: t:1:16: executing "t" at <.Values.a>: range can\'t iterate over 1' }],
  ['{{ range .Values.list }}{{ .x }}{{ end }}', { err: 'template: t:1:27: executing "t" at <.x>: can\'t evaluate field x in type interface {}' }],
  ['{{ range .Values.mixed }}{{ .x }}{{ end }}', { err: /can't evaluate field x in type interface \{\}$/ }],
  ['{{ range $k, $v := .Values.m }}{{ end }}{{ $k }}', { err: 'template: t:1: undefined variable "$k"' }],
  ['{{ range $x, $y, $z := 1 }}{{ end }}', { err: 'template: t:1: too many declarations in range' }],
  ['{{ range $x, 1 }}{{ end }}', { err: 'template: t:1: range can only initialize variables' }],
  ['{{ break }}', { err: 'template: t:1: {{break}} outside {{range}}' }],
  ['{{ continue }}', { err: 'template: t:1: {{continue}} outside {{range}}' }],
  ['{{ range . }}{{ else }}{{ break }}{{ end }}', { err: 'template: t:1: {{break}} outside {{range}}' }],
  ['{{ range . }}{{ break 1 }}{{ end }}', { err: 'template: t:1: unexpected "1" in {{break}}' }],
  ['{{ range }}', { err: 'template: t:1: missing value for range' }],
  ['{{ $i := 9 }}{{ range $i = .Values.list }}{{ end }}{{ $i }}', '3'],
  ['{{ $i := 0 }}{{ $v := 0 }}{{ range $i, $v = .Values.strs }}{{ end }}{{ $i }}{{ $v }}', '1y'],
]);

check('define, template, block', [
  ['{{ define "x" }}X{{ . }}{{ end }}{{ template "x" 5 }}', 'X5'],
  ['{{ template "x" }}{{ define "x" }}[{{ . }}]{{ end }}', '[<no value>]'],
  ['{{ define "x" }}{{ $ }}{{ end }}{{ template "x" 5 }}', '5'],
  ['{{ define "x" }}{{ .Values.s }}{{ end }}{{ template "x" . }}', 'str'],
  ['{{ define "x" }}{{ . }}{{ end }}{{ template "x" .Values.list }}', '[1 2 3]'],
  ['{{ define "x" }}a{{ end }}{{ define "y" }}{{ template "x" }}b{{ end }}{{ template "y" }}', 'ab'],
  ['{{ block "b" . }}default {{ .Values.s }}{{ end }}', 'default str'],
  ['{{ template "nope" }}', { err: 'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined' }],
  ['{{ define "a" }}A{{ end }}{{ define "a" }}B{{ end }}', { err: 'template: t:1: template: multiple definition of template "a"' }],
  ['{{ define "a" }} {{ end }}{{ define "a" }}B{{ end }}{{ template "a" }}', 'B'],
  ['{{ define "x" }}', { err: 'template: t:1: unexpected EOF' }],
  ['{{ define "x" "abcdefghijklmnop" }}{{ end }}', { err: 'template: t:1: unexpected "\\"abcdefghi"... in define clause' }],
  ['{{ define x }}{{ end }}', { err: 'template: t:1: unexpected "x" in define clause' }],
  ['{{ define "x" }}{{ else }}{{ end }}', { err: 'template: t:1: unexpected {{else}} in define clause' }],
  ['{{ template }}', { err: 'template: t:1: unexpected "}}" in template clause' }],
  ['{{ template .x }}', { err: 'template: t:1: unexpected ".x" in template clause' }],
  ['{{ block "b" }}{{ end }}', { err: 'template: t:1: missing value for block clause' }],
  ['x{{ template "t" . }}', { err: /^template: t:1:13: executing "t" at <\{\{template "t" \.\}\}>: exceeded maximum template depth \(100000\)$/ }],
  ['{{ define "x" }}{{ $y := 1 }}{{ end }}{{ template "x" }}{{ $y }}', { err: 'template: t:1: undefined variable "$y"' }],
  ['{{ template "x" $v := 1 }}{{ $v }}{{ define "x" }}{{ . }}{{ end }}', '11'],
]);

check('and, or, not', [
  ['{{ and 1 0 2 }}', '0'],
  ['{{ and 1 2 3 }}', '3'],
  ['{{ or 0 "" "z" }}', 'z'],
  ['{{ or 0 "" }}', ''],
  ['{{ or 0 .Values.missing }}', '<no value>'],
  ['{{ and .Values.missing (fail "not evaluated") }}', '<no value>'],
  ['{{ or 1 (fail "not evaluated") }}', '1'],
  ['{{ and 1 (fail "evaluated") }}', { err: 'template: t:1:10: executing "t" at <fail "evaluated">: error calling fail: evaluated' }],
  ['{{ true | and 1 }}', 'true'],
  ['{{ 0 | or 5 }}', '5'],
  ['{{ and }}', { err: 'template: t:1:3: executing "t" at <and>: wrong number of args for and: want at least 1 got 0' }],
  ['{{ not 1 }} {{ not 0 }} {{ not .Values.missing }} {{ not .Values.s }}', 'false true true false'],
  ['{{ not 1 2 }}', { err: 'template: t:1:3: executing "t" at <not>: wrong number of args for not: want 1 got 2' }],
  ['{{ if and .Values.s (not .Values.emptys) }}ok{{ end }}', 'ok'],
]);

check('len, index, slice', [
  ['{{ len "héllo" }}', '6'],
  ['{{ len .Values.m }} {{ len .Values.list }} {{ len .Values.empty }}', '2 3 0'],
  ['{{ len 3 }}', { err: 'template: t:1:3: executing "t" at <len 3>: error calling len: len of type int' }],
  ['{{ len .Values.a }}', { err: 'template: t:1:3: executing "t" at <len .Values.a>: error calling len: len of type float64' }],
  ['{{ len .Values.missing }}', { err: 'template: t:1:3: executing "t" at <len .Values.missing>: error calling len: len of nil pointer' }, { missingKey: 'zero' }],
  ['{{ len .Values.nil }}', { err: 'template: t:1:3: executing "t" at <len .Values.nil>: error calling len: len of nil pointer' }],
  ['{{ len .Values.missing }}', { err: 'template: t:1:3: executing "t" at <len .Values.missing>: error calling len: reflect: call of reflect.Value.Type on zero Value' }],
  ['{{ .Values.s | len }}', '3'],
  ['{{ index .Values.list 1 }}', '2'],
  ['{{ index .Values.m "a" }}', '1'],
  ['{{ index .Values.m "zz" }}', '<no value>'],
  ['{{ index .Values.nested "x" "y" }}', 'deep'],
  ['{{ index .Values.maps 0 "name" }}', 'one'],
  ['{{ index . }}', '5', { data: 5n }],
  ['{{ index "abc" 1 }}', '98'],
  ['{{ index .Values.list 5 }}', { err: 'template: t:1:3: executing "t" at <index .Values.list 5>: error calling index: index out of range: 5' }],
  ['{{ index .Values.list -1 }}', { err: 'template: t:1:3: executing "t" at <index .Values.list -1>: error calling index: index out of range: -1' }],
  ['{{ index .Values.list 3 }}', { err: 'template: t:1:3: executing "t" at <index .Values.list 3>: error calling index: reflect: slice index out of range' }],
  ['{{ index .Values.list "a" }}', { err: 'template: t:1:3: executing "t" at <index .Values.list "a">: error calling index: cannot index slice/array with type string' }],
  ['{{ index .Values.list 1.5 }}', { err: 'template: t:1:3: executing "t" at <index .Values.list 1.5>: error calling index: cannot index slice/array with type float64' }],
  ['{{ index .Values.list nil }}', { err: 'template: t:1:3: executing "t" at <index .Values.list nil>: error calling index: cannot index slice/array with nil' }],
  ['{{ index .Values.m 1 }}', { err: 'template: t:1:3: executing "t" at <index .Values.m 1>: error calling index: value has type int; should be string' }],
  ['{{ index nil 1 }}', { err: 'template: t:1:3: executing "t" at <index nil 1>: error calling index: index of untyped nil' }],
  ['{{ index .Values.missing 1 }}', { err: 'template: t:1:3: executing "t" at <index .Values.missing 1>: error calling index: index of untyped nil' }],
  ['{{ index .Values.mixed 2 0 }}', { err: 'template: t:1:3: executing "t" at <index .Values.mixed 2 0>: error calling index: index of nil pointer' }],
  ['{{ index .Values.a 0 }}', { err: 'template: t:1:3: executing "t" at <index .Values.a 0>: error calling index: can\'t index item of type float64' }],
  ['{{ slice "hello" 1 3 }}', 'el'],
  ['{{ slice "hello" 2 }}', 'llo'],
  ['{{ slice "hello" }}', 'hello'],
  ['{{ slice .Values.list 1 }}', '[2 3]'],
  ['{{ slice .Values.list 1 2 }}', '[2]'],
  ['{{ slice .Values.list 0 3 3 }}', '[1 2 3]'],
  ['{{ slice .Values.list 3 }}', '[]'],
  ['{{ slice .Values.list 2 1 }}', { err: 'template: t:1:3: executing "t" at <slice .Values.list 2 1>: error calling slice: invalid slice index: 2 > 1' }],
  ['{{ slice .Values.list 4 }}', { err: 'template: t:1:3: executing "t" at <slice .Values.list 4>: error calling slice: index out of range: 4' }],
  ['{{ slice .Values.list 0 1 2 3 }}', { err: 'template: t:1:3: executing "t" at <slice .Values.list 0 1 2 3>: error calling slice: too many slice indexes: 4' }],
  ['{{ slice "abc" 0 1 2 }}', { err: 'template: t:1:3: executing "t" at <slice "abc" 0 1 2>: error calling slice: cannot 3-index slice a string' }],
  ['{{ slice .Values.m 1 }}', { err: 'template: t:1:3: executing "t" at <slice .Values.m 1>: error calling slice: can\'t slice item of type map[string]interface {}' }],
  ['{{ slice nil }}', { err: 'template: t:1:3: executing "t" at <slice nil>: error calling slice: slice of untyped nil' }],
]);

check('comparison', [
  ['{{ eq 1 1 }} {{ eq 1 2 }}', 'true false'],
  ['{{ eq "a" "a" }} {{ eq "a" "b" }}', 'true false'],
  ['{{ eq 1 2 3 1 }} {{ eq "a" "b" "c" }}', 'true false'],
  ['{{ eq true true }} {{ eq 1.5 1.5 }}', 'true true'],
  ['{{ eq .Values.a 1.0 }}', 'true'],
  ['{{ eq .Values.s "str" }}', 'true'],
  ['{{ eq .Values.a 1 }}', { err: 'template: t:1:3: executing "t" at <eq .Values.a 1>: error calling eq: incompatible types for comparison: float64 and int' }],
  ['{{ eq 1 "1" }}', { err: 'template: t:1:3: executing "t" at <eq 1 "1">: error calling eq: incompatible types for comparison: int and string' }],
  ['{{ eq .Values.missing "x" }}', 'false'],
  ['{{ eq .Values.missing nil }} {{ eq nil nil }} {{ eq "a" nil }}', 'true true false'],
  ['{{ eq .Values.nil nil }}', 'true'],
  ['{{ eq .Values.m nil }}', 'false'],
  ['{{ eq .Values.m "x" }}', { err: 'template: t:1:3: executing "t" at <eq .Values.m "x">: error calling eq: incompatible types for comparison: map[string]interface {} and string' }],
  ['{{ eq .Values.list .Values.list }}', { err: 'template: t:1:3: executing "t" at <eq .Values.list .Values.list>: error calling eq: non-comparable type [%!s(int=1) %!s(int=2) %!s(int=3)]: []interface {}' }],
  ['{{ eq .Values.m .Values.list }}', { err: 'template: t:1:3: executing "t" at <eq .Values.m .Values.list>: error calling eq: non-comparable types map[a:%!s(float64=1) b:%!s(float64=2)]: map[string]interface {}, []interface {}: [1 2 3]' }],
  ['{{ eq 1 }}', { err: 'template: t:1:3: executing "t" at <eq 1>: error calling eq: missing argument for comparison' }],
  ['{{ eq }}', { err: 'template: t:1:3: executing "t" at <eq>: wrong number of args for eq: want at least 1 got 0' }],
  ['{{ ne 1 2 }} {{ ne "a" "a" }}', 'true false'],
  ['{{ ne 1 2 3 }}', { err: 'template: t:1:3: executing "t" at <ne>: wrong number of args for ne: want 2 got 3' }],
  ['{{ lt 1 2 }} {{ lt 2 1 }} {{ lt 1 1 }}', 'true false false'],
  ['{{ le 1 1 }} {{ le 2 1 }}', 'true false'],
  ['{{ gt "b" "a" }} {{ gt "a" "b" }}', 'true false'],
  ['{{ ge 1.5 2.5 }} {{ ge 2.5 2.5 }}', 'false true'],
  ['{{ lt "a" "ab" }} {{ lt "Z" "a" }}', 'true true'],
  ['{{ lt 1 2.0 }}', { err: 'template: t:1:3: executing "t" at <lt 1 2.0>: error calling lt: incompatible types for comparison: int and float64' }],
  ['{{ lt nil 1 }}', { err: 'template: t:1:3: executing "t" at <lt nil 1>: error calling lt: invalid type for comparison' }],
  ['{{ lt true false }}', { err: 'template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison' }],
  ['{{ gt .Values.list 1 }}', { err: 'template: t:1:3: executing "t" at <gt .Values.list 1>: error calling gt: invalid type for comparison' }],
  ['{{ 2 | lt 1 }}', 'true'],
  ['{{ if gt (len .Values.list) 2 }}many{{ end }}', 'many'],
]);

check('print, printf, println, html, js, urlquery', [
  ['{{ print 1 2 "a" "b" 3 }}', '1 2ab3'],
  ['{{ print }}', ''],
  ['{{ print nil }} {{ print .Values.missing }}', '<nil> <nil>'],
  ['{{ print .Values.list .Values.m }}', '[1 2 3] map[a:1 b:2]'],
  ['{{ println 1 "x" }}', '1 x\n'],
  ['{{ printf "%d-%s" 3 "x" }}', '3-x'],
  ['{{ printf "%05.2f" 3.14159 }}', '03.14'],
  ['{{ printf "%-10s|" "hi" }}', 'hi        |'],
  ['{{ printf "%+d" 5 }}', '+5'],
  ['{{ printf "% d" 5 }}', ' 5'],
  ['{{ printf "%x %X %o %b" 255 255 8 5 }}', 'ff FF 10 101'],
  ['{{ printf "%#x" 255 }}', '0xff'],
  ['{{ printf "%q" "a\\"b" }}', '"a\\"b"'],
  ['{{ printf "%c%c" 72 105 }}', 'Hi'],
  ['{{ printf "%U" 0x1F600 }}', 'U+1F600'],
  ['{{ printf "%e" 1234.5678 }}', '1.234568e+03'],
  ['{{ printf "%E" 0.000123 }}', '1.230000E-04'],
  ['{{ printf "%g" 1e6 }} {{ printf "%g" 123456.0 }}', '1e+06 123456'],
  ['{{ printf "%.3g" 3.14159 }}', '3.14'],
  ['{{ printf "%t" true }}', 'true'],
  ['{{ printf "%v" .Values.m }}', 'map[a:1 b:2]'],
  ['{{ printf "%+v" .Chart }}', '{Name:mychart Version:1.0.0}'],
  ['{{ printf "%T" .Values.list }} {{ printf "%T" .Values.m }}', '[]interface {} map[string]interface {}'],
  ['{{ printf "%d" "x" }}', '%!d(string=x)'],
  ['{{ printf "%d" .Values.a }}', '%!d(float64=1)'],
  ['{{ printf "%s" 5 }}', '%!s(int=5)'],
  ['{{ printf "%d" }}', '%!d(MISSING)'],
  ['{{ printf "%d" 1 2 }}', '1%!(EXTRA int=2)'],
  ['{{ printf "%!" }}', '%!!(MISSING)'],
  ['{{ printf "100%%" }}', '100%'],
  ['{{ printf "%z" 1 }}', '%!z(int=1)'],
  ['{{ printf "%[2]s %[1]s" "a" "b" }}', 'b a'],
  ['{{ printf "%*d" 4 7 }}', '   7'],
  ['{{ printf "%s" nil }}', '%!s(<nil>)'],
  ['{{ printf "%v" nil }}', '<nil>'],
  ['{{ printf "%v" .Values.missing }}', '<nil>'],
  ['{{ printf 1 }}', { err: 'template: t:1:10: executing "t" at <1>: expected string; found 1' }],
  ['{{ printf .Values.a }}', { err: 'template: t:1:17: executing "t" at <.Values.a>: wrong type for value; expected string; got float64' }],
  ['{{ printf }}', { err: 'template: t:1:3: executing "t" at <printf>: wrong number of args for printf: want at least 1 got 0' }],
  ['{{ "x" | printf "%s-%s" "a" }}', 'a-x'],
  ['{{ printf "%v|%5v|%-5v|" true 1 "ab" }}', 'true|    1|ab   |'],
  ['{{ printf "%.1f%%" 99.95 }}', '100.0%'],
  ['{{ printf "%s" .Values.list }}', '[%!s(int=1) %!s(int=2) %!s(int=3)]'],
  ['{{ printf "%q" .Values.strs }}', '["x" "y"]'],
  ['{{ printf "%v" .Values.nested }}', 'map[x:map[y:deep]]'],
  ['{{ printf "%s" .Values.nil }}', '%!s(<nil>)'],
  ['{{ html "<a href=\\"x\\">&\'" }}', '&lt;a href=&#34;x&#34;&gt;&amp;&#39;'],
  ['{{ html .Values.html }}', '&lt;b&gt;&#34;hi&#34;&lt;/b&gt;'],
  ['{{ html .Values.missing }}', '&lt;no value&gt;'],
  ['{{ html 1 2 }}', '1 2'],
  ['{{ js "it\'s <b> & \\"q\\" = x\\\\" }}', 'it\\\'s \\u003Cb\\u003E \\u0026 \\"q\\" \\u003D x\\\\'],
  ['{{ js "tab\\there" }}', 'tab\\u0009here'],
  ['{{ js "é" }}', 'é'],
  ['{{ urlquery "a b&c=d/é" }}', 'a+b%26c%3Dd%2F%C3%A9'],
  ['{{ urlquery "safe-_.~" }}', 'safe-_.~'],
  ['{{ .Values.s | html | printf "[%s]" }}', '[str]'],
]);

check('call', [
  ['{{ call .fn }}', 'called'],
  ['{{ call .add 1 2 }}', '3'],
  ['{{ call .Values.s }}', { err: 'template: t:1:3: executing "t" at <call .Values.s>: error calling call: non-function .Values.s of type string' }],
  ['{{ call .Values.nope }}', { err: 'template: t:1:3: executing "t" at <call .Values.nope>: error calling call: call of nil' }],
  ['{{ call }}', { err: 'template: t:1:3: executing "t" at <call>: wrong number of args for call: want at least 1 got 0' }],
  ['{{ call (index (dict "f" .fn) "f") }}', 'called'],
]);

check('functions with Go signatures', [
  ['{{ upper "x" }}', 'X'],
  ['{{ "x" | upper }}', 'X'],
  ['{{ upper .Values.s }}', 'STR'],
  ['{{ upper "x" 1 }}', { err: 'template: t:1:3: executing "t" at <upper>: wrong number of args for upper: want 1 got 2' }],
  ['{{ "y" | upper "x" }}', { err: 'template: t:1:9: executing "t" at <upper>: wrong number of args for upper: want 1 got 2' }],
  ['{{ upper }}', { err: 'template: t:1:3: executing "t" at <upper>: wrong number of args for upper: want 1 got 0' }],
  ['{{ upper 1 }}', { err: 'template: t:1:9: executing "t" at <1>: expected string; found 1' }],
  ['{{ upper nil }}', { err: 'template: t:1:9: executing "t" at <nil>: cannot assign nil to string' }],
  ['{{ upper .Values.a }}', { err: 'template: t:1:16: executing "t" at <.Values.a>: wrong type for value; expected string; got float64' }],
  ['{{ upper .Values.nil }}', { err: 'template: t:1:16: executing "t" at <.Values.nil>: wrong type for value; expected string; got interface {}' }],
  ['{{ upper .Values.missing }}', { err: 'template: t:1:16: executing "t" at <.Values.missing>: invalid value; expected string' }],
  ['{{ upper .Values.missing }}', { err: 'template: t:1:16: executing "t" at <.Values.missing>: wrong type for value; expected string; got interface {}' }, { missingKey: 'zero' }],
  ['{{ .Values.a | upper }}', { err: 'template: t:1:15: executing "t" at <upper>: wrong type for value; expected string; got float64' }],
  ['{{ repeat 3 "ab" }}', 'ababab'],
  ['{{ repeat 2.0 "ab" }}', 'abab'],
  ['{{ repeat 2.5 "ab" }}', { err: 'template: t:1:10: executing "t" at <2.5>: expected integer; found 2.5' }],
  ['{{ repeat "2" "ab" }}', { err: 'template: t:1:10: executing "t" at <"2">: expected integer; found "2"' }],
  ['{{ repeat .Values.a "ab" }}', { err: 'template: t:1:17: executing "t" at <.Values.a>: wrong type for value; expected int; got float64' }],
  ['{{ repeat .n "ab" }}', 'ababab'],
  ['{{ half 3 }} {{ half 1.5 }} {{ half .Values.a }}', '1.5 0.75 0.5'],
  ['{{ half .n }}', { err: 'template: t:1:8: executing "t" at <.n>: wrong type for value; expected float64; got int' }],
  ['{{ half "x" }}', { err: 'template: t:1:8: executing "t" at <"x">: expected float; found "x"' }],
  ['{{ neg true }} {{ neg .Values.b }}', 'false false'],
  ['{{ neg 1 }}', { err: 'template: t:1:7: executing "t" at <1>: expected bool; found 1' }],
  ['{{ join "," .Values.list }}', '1,2,3'],
  ['{{ join "," nil }}', ''],
  ['{{ join "," .Values.m }}', { err: 'template: t:1:19: executing "t" at <.Values.m>: wrong type for value; expected []interface {}; got map[string]interface {}' }],
  ['{{ keys .Values.m }}', '[a b]'],
  ['{{ keys .Values.missing }}', '[]'],
  ['{{ keys .Values.list }}', { err: 'template: t:1:15: executing "t" at <.Values.list>: wrong type for value; expected map[string]interface {}; got []interface {}' }],
  ['{{ concat "a" }} {{ concat "a" "b" "c" }}', 'a abc'],
  ['{{ concat }}', { err: 'template: t:1:3: executing "t" at <concat>: wrong number of args for concat: want at least 1 got 0' }],
  ['{{ concat "a" 1 }}', { err: 'template: t:1:14: executing "t" at <1>: expected string; found 1' }],
  ['{{ "z" | concat "a" "b" }}', 'abz'],
  ['{{ list 1 "a" nil .Values.missing }}', '[1 a <nil> <nil>]'],
  ['{{ len (list 1 2) }}', '2'],
  ['{{ kind .Values.missing }} {{ kind nil }} {{ kind .Values.nil }} {{ kind 1 }}', 'nil nil nil bigint'],
  ['{{ raw .Values.missing }} {{ raw nil }} {{ raw .Values.nil }} {{ raw (nothing) }}', 'invalid invalid nil invalid'],
  ['{{ nothing }}', '<no value>'],
  ['{{ len nothing }}', { err: 'template: t:1:3: executing "t" at <len nothing>: error calling len: len of nil pointer' }],
  ['{{ fail "boom" }}', { err: 'template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom' }],
  ['{{ sub 5 3 }}', '2'],
  ['{{ nope }}', { err: 'template: t:1: function "nope" not defined' }],
  ['{{ .Values.s | nope }}', { err: 'template: t:1: function "nope" not defined' }],
]);

check('pipelines and commands', [
  ['{{ .Values.s | printf "%s!" | upper }}', 'STR!'],
  ['{{ (printf "%s" "x") }}', 'x'],
  ['{{ printf "%s-%s" (upper "a") (upper "b") }}', 'A-B'],
  ['{{ 1 | 2 }}', { err: 'template: t:1: non executable command in pipeline stage 2' }],
  ['{{ . | . }}', { err: 'template: t:1: non executable command in pipeline stage 2' }],
  ['{{ .x | "s" }}', { err: 'template: t:1: non executable command in pipeline stage 2' }],
  ['{{ 1 2 }}', { err: 'template: t:1:3: executing "t" at <1>: can\'t give argument to non-function 1' }],
  ['{{ "a" "b" }}', { err: 'template: t:1:3: executing "t" at <"a">: can\'t give argument to non-function "a"' }],
  ['{{ (1) 2 }}', { err: 'template: t:1:3: executing "t" at <(1) 2>: can\'t give argument to non-function 1' }],
  ['{{ nil }}', { err: 'template: t:1:3: executing "t" at <nil>: nil is not a command' }],
  ['{{ nil.x }}', { err: 'template: t:1: unexpected . after term "nil"' }],
  ['{{ "x".y }}', { err: 'template: t:1: unexpected . after term "\\"x\\""' }],
  ['{{ (1).x }}', { err: 'template: t:1:4: executing "t" at <1>: can\'t evaluate field x in type int' }],
  ['{{ .Values.a . }}', { err: 'template: t:1:10: executing "t" at <.Values.a>: a is not a method but has arguments' }],
  ['{{ 18446744073709551615 }}', { err: 'template: t:1:3: executing "t" at <18446744073709551615>: 18446744073709551615 overflows int' }],
]);

check('parse errors', [
  ['{{ end }}', { err: 'template: t:1: unexpected {{end}}' }],
  ['{{ else }}', { err: 'template: t:1: unexpected {{else}}' }],
  ['{{ "a" }}{{ end }}', { err: 'template: t:1: unexpected {{end}}' }],
  ['{{ .x', { err: 'template: t:1: unclosed action' }],
  ['line1\nline2 {{ .x \n\n', { err: 'template: t:4: unclosed action started at t:2' }],
  ['{{ "unterminated }}', { err: 'template: t:1: unterminated quoted string' }],
  ['{{ `raw }}', { err: 'template: t:1: unterminated raw quoted string' }],
  ["{{ 'a }}", { err: 'template: t:1: unterminated character constant' }],
  ["{{ 'ab' }}", { err: "template: t:1: malformed character constant: 'ab'" }],
  ['{{ "\\q" }}', { err: 'template: t:1: invalid syntax' }],
  ['{{ ) }}', { err: 'template: t:1: unexpected ")" in command' }],
  ['{{ ( }}', { err: 'template: t:1: unclosed left paren' }],
  ['{{ (1 }}', { err: 'template: t:1: unclosed left paren' }],
  ['{{ # }}', { err: 'template: t:1: unexpected "#" in command' }],
  ['{{ .x ^ }}', { err: 'template: t:1: unexpected "^" in operand' }],
  ['{{ 3k }}', { err: 'template: t:1: bad number syntax: "3k"' }],
  ['{{ 1e400 }}', { err: 'template: t:1: illegal number syntax: "1e400"' }],
  ['{{ 99999999999999999999 }}', { err: 'template: t:1: integer overflow: "99999999999999999999"' }],
  ['{{ 1__0 }}', { err: 'template: t:1: illegal number syntax: "1__0"' }],
  ['{{ $x := }}', { err: 'template: t:1: missing value for command' }],
  ['{{ }}', { err: 'template: t:1: missing value for command' }],
  ['{{ x : y }}', { err: 'template: t:1: function "x" not defined' }],
  ['{{ .x : y }}', { err: 'template: t:1: expected :=' }],
  ['{{ .x.y.z$ }}', { err: "template: t:1: bad character U+0024 '$'" }],
  ['a\nb\n{{ if }}', { err: 'template: t:3: missing value for if' }],
  ['{{ if true }}\n\n{{ end }}{{ end }}', { err: 'template: t:3: unexpected {{end}}' }],
  ['{{ with .x }}{{ else if .y }}{{ end }}', { err: 'template: t:1: unexpected <if> in input' }],
  ['{{ define "x" }}{{ end }}{{ template "x" 1 2 }}', { err: 'template: t:1:41: executing "t" at <1>: can\'t give argument to non-function 1' }],
  ['{{ "very long string here" | . }}', { err: 'template: t:1: non executable command in pipeline stage 2' }],
  ['{{ .x | .y 1 | "abcdefghijklmnop" }}', { err: 'template: t:1: non executable command in pipeline stage 3' }],
  ['{{ if "abcdefghijklmnopq" "x" := }}', { err: 'template: t:1: unexpected ":=" in operand' }],
  ['{{ .x }}\n{{ .y\n', { err: 'template: t:3: unclosed action started at t:2' }],
  ['{{ define "a" }}{{ range }}{{ end }}{{ end }}', { err: 'template: t:1: missing value for range' }],
]);

test('parse errors are ParseError values with name and line', () => {
  const set = new TemplateSet();
  assert.throws(() => set.parse('files/a.yaml', 'ok\n{{ if }}'), (e: unknown) => {
    assert.ok(e instanceof ParseError);
    assert.equal(e.templateName, 'files/a.yaml');
    assert.equal(e.line, 2);
    assert.equal(e.detail, 'missing value for if');
    return true;
  });
  assert.equal(set.has('files/a.yaml'), false, 'nothing is added on error');
});

test('exec errors are ExecError values with location, context and cause', () => {
  const set = new TemplateSet({ funcs });
  set.parse('chart/templates/x.yaml', 'a: b\n  v: {{ fail "bad value" }}');
  assert.throws(() => set.execute('chart/templates/x.yaml', {}), (e: unknown) => {
    assert.ok(e instanceof ExecError);
    assert.equal(e.templateName, 'chart/templates/x.yaml');
    assert.equal(e.location, 'chart/templates/x.yaml:2:8');
    assert.equal(e.context, 'fail "bad value"');
    assert.equal(e.detail, 'error calling fail: bad value');
    assert.ok(e.cause instanceof Error);
    assert.equal((e.cause as Error).message, 'bad value');
    return true;
  });
});

test('error location uses the file a define was parsed from and the executing template name', () => {
  const set = new TemplateSet();
  set.parse('chart/templates/_helpers.tpl', '{{- define "chart.name" -}}\n{{ .Values.nameOverride.x }}\n{{- end }}');
  set.parse('chart/templates/cm.yaml', 'name: {{ template "chart.name" . }}');
  assert.throws(
    () => set.execute('chart/templates/cm.yaml', { Values: { nameOverride: null } }),
    { message: 'template: chart/templates/_helpers.tpl:2:10: executing "chart.name" at <.Values.nameOverride.x>: nil pointer evaluating interface {}.x' },
  );
});

test('columns are byte offsets', () => {
  const set = new TemplateSet();
  set.parse('t', 'é€ {{ .a.b }}');
  assert.throws(() => set.execute('t', { a: 'x' }), { message: 'template: t:1:11: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}' });
});

test('template set: definitions across files, override, empty bodies, clone', () => {
  const set = new TemplateSet();
  set.parse('a.tpl', '{{ define "x" }}first{{ end }}{{ define "y" }}Y{{ end }}');
  set.parse('b.yaml', '{{ template "x" }}-{{ template "y" }}');
  assert.equal(set.execute('b.yaml', null), 'first-Y');
  set.parse('c.tpl', '{{ define "x" }}second{{ end }}');
  assert.equal(set.execute('b.yaml', null), 'second-Y', 'a later definition replaces an earlier one');
  set.parse('d.tpl', '{{ define "x" }} {{/* empty */}} {{ end }}');
  assert.equal(set.execute('b.yaml', null), 'second-Y', 'an empty body does not replace a non-empty one');
  assert.deepEqual(set.names(), ['a.tpl', 'b.yaml', 'c.tpl', 'd.tpl', 'x', 'y']);
  assert.equal(set.definedTemplates(), '; defined templates are: "a.tpl", "b.yaml", "c.tpl", "d.tpl", "x", "y"');
  const clone = set.clone();
  clone.parse('e.tpl', '{{ define "y" }}cloned{{ end }}');
  assert.equal(clone.execute('b.yaml', null), 'second-cloned');
  assert.equal(set.execute('b.yaml', null), 'second-Y', 'the original is unaffected by the clone');
  assert.throws(() => set.execute('nope', null), { message: 'template: no template "nope" associated with template "gotpl"' });
  const named = new TemplateSet({ name: 'root' });
  assert.throws(() => named.execute('x', null), { message: 'template: no template "x" associated with template "root"' });
  assert.equal(new TemplateSet().definedTemplates(), '');
});

test('a file of only defines is an empty template of that name', () => {
  const set = new TemplateSet();
  set.parse('_helpers.tpl', '{{/* c */}}\n{{ define "h" }}H{{ end }}\n');
  assert.equal(set.has('_helpers.tpl'), true);
  assert.equal(set.execute('_helpers.tpl', null), '\n\n');
  assert.equal(set.execute('h', null), 'H');
});

test('function names are validated and parse-time checks use the set functions', () => {
  assert.throws(() => new TemplateSet({ funcs: { 'bad-name': () => 1 } }), { message: 'function name "bad-name" is not a valid identifier' });
  const set = new TemplateSet();
  assert.throws(() => set.parse('t', '{{ later }}'), { message: 'template: t:1: function "later" not defined' });
  set.funcs({ later: () => 'ok' });
  set.parse('t', '{{ later }}');
  assert.equal(set.execute('t', null), 'ok');
  // Execution-time functions replace parse-time stubs (Helm binds include/tpl per render).
  assert.equal(set.execute('t', null, { funcs: { later: () => 'bound' } }), 'bound');
});

test('break and continue are identifiers when functions of those names exist', () => {
  const set = new TemplateSet({ funcs: { break: () => 'B' } });
  set.parse('t', '{{ break }}');
  assert.equal(set.execute('t', null), 'B');
});

test('custom delimiters', () => {
  const set = new TemplateSet({ delims: ['[[', ']]'] });
  set.parse('t', '[[ .a ]] {{ .a }} [[- " x" -]] !');
  assert.equal(set.execute('t', { a: 1n }), '1 {{ .a }} x!');
});

test('missingkey per execution', () => {
  const set = new TemplateSet({ missingKey: 'zero' });
  set.parse('t', '{{ .a.b }}');
  assert.throws(() => set.execute('t', {}), /nil pointer evaluating interface \{\}\.b/);
  assert.equal(set.execute('t', {}, { missingKey: 'default' }), '<no value>');
  assert.throws(() => set.execute('t', {}, { missingKey: 'error' }), { message: 'template: t:1:5: executing "t" at <.a.b>: map has no entry for key "a"' });
});

test('functions receive the execution context: include and tpl as Helm builds them', () => {
  const set = new TemplateSet({
    missingKey: 'zero',
    funcs: {
      include: goFunc(['string', 'interface {}'], function (name, d) {
        return this.execute(name, d);
      }),
      tpl: goFunc(['string', 'interface {}'], function (text, vals) {
        const clone = this.set.clone();
        clone.parse(this.set.name, text);
        return clone.execute(this.set.name, vals).replaceAll('<no value>', '');
      }),
      current: function () {
        return this.templateName;
      },
      depth: function () {
        return this.depth;
      },
      nindent: goFunc(['int', 'string'], (n, s) => '\n' + s.split('\n').map((l) => ' '.repeat(Number(n)) + l).join('\n')),
      dict: funcs.dict!,
    },
  });
  set.parse('c/_h.tpl', '{{ define "c.labels" }}app: {{ .name }}\nrel: {{ .rel }}{{ end }}{{ define "c.who" }}{{ current }}{{ end }}');
  set.parse('c/cm.yaml', 'labels:{{ include "c.labels" (dict "name" "web" "rel" .r) | nindent 2 }}\nwho: {{ current }}/{{ include "c.who" . }}/{{ template "c.who" }}\nd: {{ depth }}');
  assert.equal(set.execute('c/cm.yaml', { r: 'v1' }), 'labels:\n  app: web\n  rel: v1\nwho: c/cm.yaml/c.who/c.who\nd: 0');
  set.parse('c/tpl.yaml', '{{ tpl "{{ .x }}-{{ include \\"c.who\\" . }}-{{ .missing }}" . }}');
  assert.equal(set.execute('c/tpl.yaml', { x: 'X' }), 'X-c.who-');
  set.parse('c/bad.yaml', '{{ include "nope" . }}');
  assert.throws(() => set.execute('c/bad.yaml', {}), {
    message: 'template: c/bad.yaml:1:3: executing "c/bad.yaml" at <include "nope" .>: error calling include: template: no template "nope" associated with template "gotpl"',
  });
  set.parse('c/tplerr.yaml', '{{ tpl "{{ .a.b }}" . }}');
  assert.throws(() => set.execute('c/tplerr.yaml', {}), {
    message: 'template: c/tplerr.yaml:1:3: executing "c/tplerr.yaml" at <tpl "{{ .a.b }}" .>: error calling tpl: template: gotpl:1:5: executing "gotpl" at <.a.b>: nil pointer evaluating interface {}.b',
  });
  set.parse('c/rec.yaml', '{{ define "loop" }}{{ include "loop" . }}{{ end }}{{ include "loop" . }}');
  assert.throws(() => set.execute('c/rec.yaml', {}), /exceeded maximum template depth \(100000\)/);
});

test('per-execution functions reach nested executions; tpl through executeIn', () => {
  const stub = (): never => {
    throw new Error('not bound');
  };
  const set = new TemplateSet({ missingKey: 'zero', funcs: { include: stub, tpl: stub } });
  set.parse('a.tpl', '{{ define "n" }}N{{ .v }}{{ end }}');
  set.parse('x.yaml', '{{ tpl .t . }}');
  const perRender = {
    include: goFunc(['string', 'interface {}'], function (name, d) {
      return this.execute(name, d);
    }),
    tpl: goFunc(['string', 'interface {}'], function (text, vals) {
      const clone = this.set.clone();
      clone.parse(this.set.name, text);
      return this.executeIn(clone, this.set.name, vals);
    }),
  };
  const vals = { t: '{{ include "n" . }}{{ define "d" }}D{{ end }}{{ template "d" }}{{ tpl "[{{ .v }}]" . }}', v: 1n };
  assert.equal(set.execute('x.yaml', vals, { funcs: perRender }), 'N1D[1]');
  assert.equal(set.has('d'), false, 'defines inside tpl text stay in the clone');
  assert.throws(() => set.execute('x.yaml', vals), /error calling tpl: not bound/);
});

test('parsing and executing a large template is fast', () => {
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++) lines.push(`k${i}: {{ .Values.v${i % 10} | default "x" | quote }} {{- if .Values.on }} on{{ end }}`);
  const set = new TemplateSet({
    missingKey: 'zero',
    funcs: {
      default: goFunc(['interface {}', '...interface {}'], (d, ...v) => (v.length && v[0] ? v[0] : d)),
      quote: (...a: unknown[]) => a.map((x) => JSON.stringify(String(x))).join(' '),
    },
  });
  const t0 = performance.now();
  set.parse('big.yaml', lines.join('\n'));
  const out = set.execute('big.yaml', { Values: { v1: 'one', on: true } });
  const ms = performance.now() - t0;
  assert.ok(out.includes('k1: "one" on\nk2: "x" on'), out.slice(0, 80));
  assert.ok(ms < 2000, `took ${ms}ms`);
});

test('range and len over a Go named map type with methods (Helm .Files)', () => {
  class NamedMap { [k: string]: unknown }
  Object.defineProperty(NamedMap.prototype, GO_NAMED_MAP_FOR_TEST, { value: true, enumerable: false });
  Object.defineProperty(NamedMap.prototype, 'Get', { value: function (this: NamedMap, k: string) { return this[k]; }, enumerable: false });
  const m = new NamedMap();
  m.b = 'two';
  m.a = 'one';
  const set = new TemplateSet();
  set.parse('t', '{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}{{ len . }} {{ .Get "a" }}');
  assert.equal(set.execute('t', m), 'a=one;b=two;2 one');
});
