import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuPercent, parseStatCpuTicks, parseStatusField, sampleProcess } from './procstat.js';
import { parseCpuMax, machineInfo, describeMachine } from './machine.js';

test('/proc stat: utime + stime after a command name with spaces and parentheses', () => {
  const stat = '1234 (node (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 11 0 5000 100000 2000';
  assert.equal(parseStatCpuTicks(stat), 325);
  assert.throws(() => parseStatCpuTicks('garbage'));
});

test('/proc status: kB fields in bytes, counts as they are', () => {
  const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
  assert.equal(parseStatusField(status, 'VmRSS'), 102400 * 1024);
  assert.equal(parseStatusField(status, 'VmHWM'), 204800 * 1024);
  assert.equal(parseStatusField(status, 'Threads'), 11);
  assert.equal(parseStatusField(status, 'VmSwap'), undefined);
});

test('sampling this process: CPU time grows with work, RSS is plausible', () => {
  const a = sampleProcess(process.pid);
  const until = Date.now() + 150;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  const b = sampleProcess(process.pid);
  assert.ok(x > 0);
  assert.ok(b.rssBytes > 10 * 1024 * 1024 && b.rssBytes <= b.peakRssBytes);
  assert.ok(b.threads >= 1);
  const pct = cpuPercent(a, b);
  assert.ok(pct > 30 && pct < 250, `busy loop used ${pct}% CPU`);
});

test('machine: cgroup cpu.max parsing and the description line', () => {
  assert.equal(parseCpuMax('max 100000\n'), undefined);
  assert.equal(parseCpuMax('200000 100000\n'), 2);
  assert.equal(parseCpuMax('50000 100000'), 0.5);
  const m = machineInfo();
  assert.ok(m.cores >= 1 && m.memoryBytes > 0);
  assert.equal(m.nodeVersion, process.version);
  assert.match(describeMachine(m), new RegExp(`${m.cores} cores .*Node ${process.version.replace(/\./g, '\\.')}`));
});
