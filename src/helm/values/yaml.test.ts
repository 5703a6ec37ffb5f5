import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toYaml, yamlToValue, formatGoFloatG, goYamlKeyLess } from './yaml.js';

test('YAML values read as sigs.k8s.io/yaml over go-yaml v2 (YAML 1.1, numbers as float64)', () => {
  const cases: [string, unknown][] = [
    ['a: 1', { a: 1 }],
    ['a: 0x1F', { a: 31 }],
    ['a: 0755', { a: 493 }],
    ['a: 08', { a: 8 }],
    ['a: 1_000', { a: 1000 }],
    ['a: 1e3', { a: 1000 }],
    ['a: .5', { a: 0.5 }],
    ['a: yes', { a: true }],
    ['a: Off', { a: false }],
    ['a: y', { a: true }],
    ['a: ~', { a: null }],
    ['a: 2024-01-02', { a: '2024-01-02' }],
    ['a: "1"', { a: '1' }],
    ['1: x\ntrue: yes\nnull: z\ny: 1', { '1': 'x', true: 1, null: 'z' }],
    ['base: &b {x: 1, q: 2}\nder:\n  <<: *b\n  q: 3', { base: { x: 1, q: 2 }, der: { x: 1, q: 3 } }],
    ['a: |\n  l1\n  l2\nb: >-\n  f1\n  f2\n', { a: 'l1\nl2\n', b: 'f1 f2' }],
    ['', null],
  ];
  for (const [text, want] of cases) assert.deepEqual(yamlToValue(text), want, text);
});

test('toYaml writes as go-yaml v2 does', () => {
  const cases: [unknown, string][] = [
    [{ b: 1, a: 'x' }, 'a: x\nb: 1'],
    [{ n: 1000000, f: 1.5, big: 1e21, i: 5n, small: 0.00001, g: 1234567.5 }, 'big: 1e+21\nf: 1.5\ng: 1.2345675e+06\ni: 5\n"n": 1000000\nsmall: 1e-05'],
    [{ s: 'true', t: 'yes', n: '1', e: '', z: '0x10', d: '2024-01-02', c: '1:20', nul: 'null' }, 'c: "1:20"\nd: "2024-01-02"\ne: ""\n"n": "1"\nnul: "null"\ns: "true"\nt: "yes"\nz: "0x10"'],
    [{ star: '*x', colon: 'a: b', hash: 'a #b', dash: '- x', lead: ' x', trail: 'x ', ok: 'a:b#c' }, "colon: 'a: b'\ndash: '- x'\nhash: 'a #b'\nlead: ' x'\nok: a:b#c\nstar: '*x'\ntrail: 'x '"],
    [{ tab: 'a\tb', quote: "it's", emoji: 'x😀' }, 'emoji: "x\\U0001F600"\nquote: it\'s\ntab: "a\\tb"'],
    [{ m: 'l1\nl2\n', k: 'l1\nl2', p: 'l1\n\n', sp: ' l1\n' }, 'k: |-\n  l1\n  l2\nm: |\n  l1\n  l2\np: |+\n  l1\n\nsp: |2\n   l1'],
    [{ list: ['a', { b: 1, c: [1, 2] }, []], e: {}, nested: [[1, 2]] }, 'e: {}\nlist:\n- a\n- b: 1\n  c:\n  - 1\n  - 2\n- []\nnested:\n- - 1\n  - 2'],
    [{ a10: 1, a2: 1, A: 1, _x: 1, 'a-b': 1, a: 1 }, '_x: 1\nA: 1\na: 1\na-b: 1\na2: 1\na10: 1'],
    [['x', 'z', 'y'], '- x\n- z\n- "y"'],
    ['plain', 'plain'],
    [null, 'null'],
    [{ long: 'word '.repeat(25).trim() }, 'long: word word word word word word word word word word word word word word word word\n  word word word word word word word word word'],
    [new Uint8Array([104, 105]), 'aGk='],
  ];
  for (const [v, want] of cases) assert.equal(toYaml(v), want, JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)));
});

test('Go float and key order helpers', () => {
  assert.equal(formatGoFloatG(100000.5), '100000.5');
  assert.equal(formatGoFloatG(0.0001), '0.0001');
  assert.equal(formatGoFloatG(1e20), '1e+20');
  assert.equal(formatGoFloatG(-2.5e-7), '-2.5e-07');
  assert.ok(goYamlKeyLess('a2', 'a10'));
  assert.ok(goYamlKeyLess('Z', 'a'));
  assert.ok(goYamlKeyLess('_a', 'a'));
  assert.ok(!goYamlKeyLess('b', 'a'));
});
