import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, resolveParams, UsageError, type Scenario } from './scenario.js';

const mk = (name: string, params: Scenario['params']): Scenario => ({ name, title: name, description: '', params, run: async () => ({ sections: [] }) });
const a = mk('a', [
  { name: 'clients', kind: 'int', default: 100, scales: true, min: 2, description: '' },
  { name: 'duration', kind: 'number', default: 20, scales: true, min: 1, description: '' },
  { name: 'sizes', kind: 'list', default: '1000,10000', scales: true, description: '' },
  { name: 'rate', kind: 'number', default: 50, description: '' },
]);
const b = mk('b', [
  { name: 'clients', kind: 'int', default: 50, scales: true, description: '' },
  { name: 'backends', kind: 'string', default: 'sqlite', description: '' },
]);
const reg = [a, b];

test('args: no scenario selects all; names select in given order, once', () => {
  assert.deepEqual(parseArgs([], reg).scenarios.map((s) => s.name), ['a', 'b']);
  assert.deepEqual(parseArgs(['b', 'a', 'b'], reg).scenarios.map((s) => s.name), ['b', 'a']);
  assert.throws(() => parseArgs(['nope'], reg), UsageError);
});

test('args: a bare parameter goes to every selected scenario that has it; a scoped one to one', () => {
  const p = parseArgs(['--clients', '7', '--b.backends=etcd', '--rate=5'], reg);
  assert.equal(p.params.get('a')!.get('clients'), '7');
  assert.equal(p.params.get('b')!.get('clients'), '7');
  assert.equal(p.params.get('b')!.get('backends'), 'etcd');
  assert.equal(p.params.get('a')!.get('rate'), '5');
  assert.equal(p.params.get('b')!.has('rate'), false);
  assert.throws(() => parseArgs(['b', '--rate', '5'], reg), /no selected scenario has this parameter/);
  assert.throws(() => parseArgs(['--a.backends', 'x'], reg), UsageError);
  assert.throws(() => parseArgs(['--zz.clients', '1'], reg), UsageError);
  assert.throws(() => parseArgs(['--clients'], reg), /needs a value/);
});

test('args: flags and --size', () => {
  const p = parseArgs(['a', '--size', '0.1', '--no-write', '--out', '/tmp/x'], reg);
  assert.equal(p.size, 0.1);
  assert.equal(p.write, false);
  assert.equal(p.outDir, '/tmp/x');
  assert.throws(() => parseArgs(['--size', '0'], reg), UsageError);
  assert.throws(() => parseArgs(['--size', 'big'], reg), UsageError);
  assert.equal(parseArgs(['--help'], reg).help, true);
  assert.equal(parseArgs(['--markdown', 'f.json'], reg).markdown, 'f.json');
});

test('params: defaults scale with --size (bounded below), explicit values do not', () => {
  const r = resolveParams(a, new Map(), 0.01);
  assert.equal(r.clients, 2); // 1 -> min 2
  assert.equal(r.duration, 1); // 0.2 -> min 1
  assert.equal(r.sizes, '10,100');
  assert.equal(r.rate, 50); // not a scaled parameter
  const r2 = resolveParams(a, new Map([['clients', '3'], ['sizes', '5, 6']]), 0.01);
  assert.equal(r2.clients, 3);
  assert.equal(r2.sizes, '5,6');
  const r3 = resolveParams(a, new Map(), 0.15);
  assert.equal(r3.duration, 3);
  assert.deepEqual(resolveParams(a, new Map(), 1), { clients: 100, duration: 20, sizes: '1000,10000', rate: 50 });
});

test('params: bad values are usage errors', () => {
  assert.throws(() => resolveParams(a, new Map([['clients', '1.5']]), 1), UsageError);
  assert.throws(() => resolveParams(a, new Map([['clients', '-1']]), 1), UsageError);
  assert.throws(() => resolveParams(a, new Map([['sizes', '1,x']]), 1), UsageError);
  assert.throws(() => resolveParams(a, new Map([['duration', '']]), 1), UsageError);
});
