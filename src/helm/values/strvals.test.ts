import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSet, parseSetString, parseSetJson, parseSetLiteral, parseSetFile } from './strvals.js';
import { mergeValueOptions, coalesceValues, type CoalesceChart } from './index.js';

type Case = [string, Record<string, unknown> | Error];

// --set cases (Helm's strvals.ParseInto semantics)
const setCases: Case[] = [
  ['name=value', { name: 'value' }],
  ['long_int_string=1234567890', { long_int_string: 1234567890n }],
  ['boolean=true', { boolean: true }],
  ['boolean=TRUE', { boolean: true }],
  ['boolean=False', { boolean: false }],
  ['is_null=null', { is_null: null }],
  ['zero=0', { zero: 0n }],
  ['leading_zeros=00009', { leading_zeros: '00009' }],
  ['negative=-5', { negative: -5n }],
  ['plus=+5', { plus: 5n }],
  ['float=1.5', { float: '1.5' }],
  ['big=9223372036854775808', { big: '9223372036854775808' }],
  ['max=9223372036854775807', { max: 9223372036854775807n }],
  ['name=', { name: '' }],
  ['name=value,', { name: 'value' }],
  ['name1=value1,name2=value2', { name1: 'value1', name2: 'value2' }],
  ['name1=value1,name2=value2,', { name1: 'value1', name2: 'value2' }],
  ['outer.inner=value', { outer: { inner: 'value' } }],
  ['outer.middle.inner=value', { outer: { middle: { inner: 'value' } } }],
  ['outer.inner1=value,outer.inner2=value2', { outer: { inner1: 'value', inner2: 'value2' } }],
  ['outer.inner1=value,outer.middle.inner=value', { outer: { inner1: 'value', middle: { inner: 'value' } } }],
  ['name1.name2=one,name1.name2=two', { name1: { name2: 'two' } }],
  ['name1={value1,value2}', { name1: ['value1', 'value2'] }],
  ['name1={value1,value2},name2={value1,value2}', { name1: ['value1', 'value2'], name2: ['value1', 'value2'] }],
  ['name1={1021,902}', { name1: [1021n, 902n] }],
  ['name1.name2={value1,value2}', { name1: { name2: ['value1', 'value2'] } }],
  ['list[0]=foo', { list: ['foo'] }],
  ['list[0].foo=bar', { list: [{ foo: 'bar' }] }],
  ['list[0].foo=bar,list[0].hello=world', { list: [{ foo: 'bar', hello: 'world' }] }],
  ['list[0].foo=bar,list[1].foo=bar', { list: [{ foo: 'bar' }, { foo: 'bar' }] }],
  ['list[0]=foo,list[1]=bar', { list: ['foo', 'bar'] }],
  ['list[0]=foo,list[1]=bar,', { list: ['foo', 'bar'] }],
  ['list[0]=foo,list[3]=bar', { list: ['foo', null, null, 'bar'] }],
  ['list[1]=foo', { list: [null, 'foo'] }],
  ['list[0]={a,b}', { list: [['a', 'b']] }],
  ['nested[0][0]=1', { nested: [[1n]] }],
  ['nested[1][1]=1', { nested: [null, [null, 1n]] }],
  ['nested[0][0]=1,nested[0][1]=2', { nested: [[1n, 2n]] }],
  ['name1.name2[0].foo=bar', { name1: { name2: [{ foo: 'bar' }] } }],
  ['a\\,b=c', { 'a,b': 'c' }],
  ['a=b\\,c', { a: 'b,c' }],
  ['a\\.b=c', { 'a.b': 'c' }],
  ['a=x\\=y', { a: 'x=y' }],
  ['key="quoted"', { key: '"quoted"' }],
  ['url=http://example.com/?a=b', { url: 'http://example.com/?a=b' }],
  ['name', new Error('key "name" has no value')],
  ['name1,name2=', new Error('key "name1" has no value (cannot end with ,)')],
  ['name1.name2', new Error('key "name2" has no value')],
  ['name1.=x', new Error('key map "name1" has no value')],
  ['list[0=x', new Error('error parsing index: EOF')],
  ['list[a]=x', new Error('error parsing index: strconv.Atoi: parsing "a": invalid syntax')],
  ['list[-1]=x', new Error('negative -1 index not allowed')],
  ['list[0]x=1', new Error('unexpected data at end of array index: "x"')],
  ['list[65537]=x', new Error('index of 65537 is greater than maximum supported index of 65536')],
  ['a={x,y', new Error("list must terminate with '}'")],
  ['a=1,a.b=2', new Error('unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}')],
  ['a=1,a[0]=2', new Error('unable to parse key: interface conversion: interface {} is int64, not []interface {}')],
];

test(`--set parsing: ${setCases.length} cases`, () => {
  for (const [input, want] of setCases) {
    const got: Record<string, unknown> = {};
    if (want instanceof Error) {
      assert.throws(() => parseSet(input, got), { message: want.message }, input);
    } else {
      parseSet(input, got);
      assert.deepEqual(got, want, input);
    }
  }
});

test('--set nesting limit', () => {
  const deep = Array.from({ length: 32 }, (_, i) => `k${i}`).join('.') + '=1';
  assert.throws(() => parseSet(deep, {}), { message: 'value name nested level is greater than maximum supported nested level of 30' });
});

test('--set-string, --set-json, --set-literal, --set-file', () => {
  const cases: [string, (s: string, d: Record<string, unknown>) => void, string, Record<string, unknown>][] = [
    ['string', parseSetString, 'a=true,b=1,c=null,d={x,y}', { a: 'true', b: '1', c: 'null', d: ['x', 'y'] }],
    ['string nested', parseSetString, 'a.b[0]=007', { a: { b: ['007'] } }],
    ['json object', parseSetJson, 'outer.inner={"a":1,"b":[true,"x"]}', { outer: { inner: { a: 1, b: [true, 'x'] } } }],
    ['json list', parseSetJson, 'list=[1,2],s="str"', { list: [1, 2], s: 'str' }],
    ['json null', parseSetJson, 'a=null', { a: null }],
    ['json empty', parseSetJson, 'a=', { a: null }],
    ['json index', parseSetJson, 'l[1]={"k":"v"}', { l: [null, { k: 'v' }] }],
    ['literal', parseSetLiteral, 'a.b=x,y={z}\\n', { a: { b: 'x,y={z}\\n' } }],
    ['literal index', parseSetLiteral, 'l[0]=a,b', { l: ['a,b'] }],
  ];
  for (const [name, fn, input, want] of cases) {
    const got: Record<string, unknown> = {};
    fn(input, got);
    assert.deepEqual(got, want, name);
  }
  const got: Record<string, unknown> = {};
  parseSetFile('a=path1,b.c=path2', got, (p) => `contents of ${p}`);
  assert.deepEqual(got, { a: 'contents of path1', b: { c: 'contents of path2' } });
});

test('values precedence: chart < -f files in order < --set-json < --set < --set-string < --set-file < --set-literal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vals-'));
  const f1 = join(dir, 'a.yaml');
  const f2 = join(dir, 'b.yaml');
  const file = join(dir, 'cert.pem');
  writeFileSync(f1, 'a: 1\nnested:\n  x: 1\n  w: 1\nlist: [1, 2]\ndel: here\n');
  writeFileSync(f2, 'a: 2\nnested:\n  w: 2\nlist: [3]\n');
  writeFileSync(file, 'PEM\n');
  const cases: [Parameters<typeof mergeValueOptions>[0], Record<string, unknown>][] = [
    [{ valueFiles: [f1] }, { a: 1, nested: { x: 1, w: 1 }, list: [1, 2], del: 'here' }],
    [{ valueFiles: [f1, f2] }, { a: 2, nested: { x: 1, w: 2 }, list: [3], del: 'here' }],
    [{ valueFiles: [f2, f1] }, { a: 1, nested: { x: 1, w: 1 }, list: [1, 2], del: 'here' }],
    [{ valueFiles: [f1], set: ['a=5'] }, { a: 5n, nested: { x: 1, w: 1 }, list: [1, 2], del: 'here' }],
    [{ valueFiles: [f1], set: ['nested.z=3'] }, { a: 1, nested: { x: 1, w: 1, z: 3n }, list: [1, 2], del: 'here' }],
    [{ valueFiles: [f1], set: ['list[2]=9'] }, { a: 1, nested: { x: 1, w: 1 }, list: [1, 2, 9n], del: 'here' }],
    [{ valueFiles: [f1], set: ['del=null'] }, { a: 1, nested: { x: 1, w: 1 }, list: [1, 2], del: null }],
    [{ setJson: ['{"a":{"b":1}}'], set: ['a.c=2'] }, { a: { b: 1, c: 2n } }],
    [{ setJson: ['a=7'], set: ['a=8'] }, { a: 8n }],
    [{ set: ['a=8'], setString: ['a=9'] }, { a: '9' }],
    [{ setString: ['a=9'], setFile: [`a=${file}`] }, { a: 'PEM\n' }],
    [{ setFile: [`a=${file}`], setLiteral: ['a=lit,eral'] }, { a: 'lit,eral' }],
    [{ set: ['a=1', 'a=2'] }, { a: 2n }],
    [{ set: ['a.b=1', 'a.c=2'] }, { a: { b: 1n, c: 2n } }],
  ];
  for (const [opts, want] of cases) assert.deepEqual(mergeValueOptions(opts), want, JSON.stringify(opts, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  assert.throws(() => mergeValueOptions({ valueFiles: [join(dir, 'missing.yaml')] }), { message: `open ${join(dir, 'missing.yaml')}: no such file or directory` });
  writeFileSync(join(dir, 'bad.yaml'), 'a: [\n');
  assert.throws(() => mergeValueOptions({ valueFiles: [join(dir, 'bad.yaml')] }), /^Error: failed to parse .*bad.yaml: error converting YAML to JSON: yaml: line \d+: /);
  assert.throws(() => mergeValueOptions({ set: ['a'] }), { message: 'failed parsing --set data: key "a" has no value' });
  assert.throws(() => mergeValueOptions({ setJson: ['{bad'] }), { message: 'failed parsing --set-json data JSON: {bad' });
});

test('coalescing: user values over chart defaults, null deletes, subcharts and globals', () => {
  const sub: CoalesceChart = { name: () => 'sub', values: { port: 80, global: { g: 'sub' }, keep: { a: 1 } }, dependencies: () => [] };
  const chart: CoalesceChart = {
    name: () => 'top',
    values: { image: { repo: 'nginx', tag: '1' }, replicas: 1, drop: 'x', global: { env: 'dev' }, sub: { port: 8080 } },
    dependencies: () => [sub],
  };
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [{}, { image: { repo: 'nginx', tag: '1' }, replicas: 1, drop: 'x', global: { env: 'dev' }, sub: { port: 8080, global: { env: 'dev', g: 'sub' }, keep: { a: 1 } } }],
    [{ image: { tag: '2' }, drop: null }, { image: { repo: 'nginx', tag: '2' }, replicas: 1, global: { env: 'dev' }, sub: { port: 8080, global: { env: 'dev', g: 'sub' }, keep: { a: 1 } } }],
    [{ image: 'flat' }, { image: 'flat', replicas: 1, drop: 'x', global: { env: 'dev' }, sub: { port: 8080, global: { env: 'dev', g: 'sub' }, keep: { a: 1 } } }],
    [{ global: { env: 'prod' }, sub: { keep: null } }, { image: { repo: 'nginx', tag: '1' }, replicas: 1, drop: 'x', global: { env: 'prod' }, sub: { port: 8080, global: { env: 'prod', g: 'sub' } } }],
  ];
  for (const [user, want] of cases) assert.deepEqual(coalesceValues(chart, user), want, JSON.stringify(user));
});
