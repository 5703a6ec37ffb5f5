// A few Sprig calls through the template engine (../template), with the functions registered
// with their Go signatures. Skipped while the engine is not available.
process.env.TZ = 'UTC';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineSpec, sprigFuncs } from './index.js';

type Engine = {
  TemplateSet: new (opts?: { funcs?: Record<string, unknown>; missingKey?: string }) => {
    parse(name: string, text: string): unknown;
    execute(name: string, data: unknown): string;
  };
  goFunc: (spec: string[], fn: unknown) => unknown;
};

const engine: Engine | undefined = await import('../template/index.js')
  .then((m) => {
    const e = m as unknown as Partial<Engine>;
    return typeof e.TemplateSet === 'function' && typeof e.goFunc === 'function' ? (e as Engine) : undefined;
  })
  .catch(() => undefined);

const NOW = new Date(Date.UTC(2024, 1, 29, 13, 4, 5));

function render(text: string, data: unknown = {}): string {
  const funcs = sprigFuncs({ now: () => NOW });
  for (const f of Object.values(funcs)) engine!.goFunc(engineSpec(f), f);
  const set = new engine!.TemplateSet({ funcs });
  set.parse('t', text);
  return set.execute('t', data);
}

const cases: [string, unknown, string][] = [
  ['{{ add 1 2 }}', {}, '3'],
  ['{{ div 7 2 }}', {}, '3'],
  ['{{ add 1.5 2 }}', {}, '3'],
  ['{{ 7 | float64 | printf "%v" }}', {}, '7'],
  ['{{ addf 1.1 2.2 }}', {}, '3.3'],
  ['{{ .Values.port | add 1 }}', { Values: { port: 8080 } }, '8081'],
  ['{{ list 1 2 3 | join "," }}', {}, '1,2,3'],
  ['{{ until 3 }}', {}, '[0 1 2]'],
  ['{{ dict "a" 1 "b" "x" | toJson }}', {}, '{"a":1,"b":"x"}'],
  ['{{ "hello" | quote }}', {}, '"hello"'],
  ['{{ .Values.missing | default "d" }}', { Values: {} }, 'd'],
  ['{{ (semver "1.2.3").Major }}', {}, '1'],
  ['{{ semver "v1.2.3" }}', {}, '1.2.3'],
  ['{{ semverCompare ">=1.21.0-0" "v1.28.3-gke.100" }}', {}, 'true'],
  ['{{ regexReplaceAll "(?P<y>\\\\d+)" "a1" "<${y}>" }}', {}, 'a<1>'],
  ['{{ now | date "2006-01-02" }}', {}, '2024-02-29'],
  ['{{ toDate "2006-01-02" "2020-01-02" | date "Jan 2" }}', {}, 'Jan 2'],
  ['{{ $d := dict "a" (dict "b" 1) }}{{ $_ := merge $d (dict "a" (dict "c" 2)) }}{{ toJson $d }}', {}, '{"a":{"b":1,"c":2}}'],
  ['{{ "abc" | b64enc | b64dec }}', {}, 'abc'],
];

for (const [text, data, want] of cases) {
  test(`engine: ${text}`, { skip: engine ? false : 'template engine not available' }, () => {
    assert.equal(render(text, data), want);
  });
}

test('engine: Go argument errors come from the engine', { skip: engine ? false : 'template engine not available' }, () => {
  assert.throws(() => render('{{ indent .Values.n "x" }}', { Values: { n: 2 } }), /wrong type for value; expected int; got float64/);
  assert.throws(() => render('{{ upper }}'), /wrong number of args for upper: want 1 got 0/);
  assert.throws(() => render('{{ div 1 0 }}'), /error calling div: runtime error: integer divide by zero/);
});

test('engine: certificate fields are reachable from templates', { skip: engine ? false : 'template engine not available' }, () => {
  const out = render('{{ $ca := genCAWithKey "x" 1 (genPrivateKey "ecdsa") }}{{ $ca.Cert | hasPrefix "-----BEGIN CERTIFICATE-----" }} {{ $ca.Key | hasPrefix "-----BEGIN EC" }}');
  assert.equal(out, 'true true');
});
