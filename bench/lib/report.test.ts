import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNumber, latencyRow, renderMarkdown, renderMarkdownTable, renderTable, writeRun, type RunRecord, type Section } from './report.js';
import { Histogram } from './histogram.js';
import { machineInfo } from './machine.js';

test('numbers are shown by magnitude unless digits are given', () => {
  assert.equal(formatNumber(0.12345), '0.123');
  assert.equal(formatNumber(1.2345), '1.23');
  assert.equal(formatNumber(12.345), '12.3');
  assert.equal(formatNumber(123.45), '123');
  assert.equal(formatNumber(5), '5');
  assert.equal(formatNumber(12.3456, 1), '12.3');
  assert.equal(formatNumber(NaN), '-');
});

const section: Section = {
  title: 'T',
  columns: [{ key: 'verb', label: 'verb' }, { key: 'p99', label: 'p99', unit: 'ms' }],
  rows: [{ verb: 'create', p99: 12.345 }, { verb: 'get', p99: null }],
};

test('text tables align: text left, numbers right, nulls as dashes', () => {
  const lines = renderTable(section).split('\n');
  assert.equal(lines[0], 'T');
  assert.equal(lines[1], 'verb    p99 (ms)');
  assert.equal(lines[3], 'create      12.3');
  assert.equal(lines[4], 'get            -');
});

test('markdown tables right-align numeric columns', () => {
  assert.equal(renderMarkdownTable(section), '| verb | p99 (ms) |\n| --- | ---: |\n| create | 12.3 |\n| get | - |');
});

test('latency rows carry count, rate and percentiles', () => {
  const h = new Histogram();
  for (let i = 1; i <= 200; i++) h.record(i);
  const r = latencyRow({ verb: 'get' }, h.summary(), 2000);
  assert.deepEqual(r, { verb: 'get', count: 200, perSec: 100, p50: 100, p90: 180, p99: 198, max: 200 });
});

test('a run is written as a timestamped file and latest.json, and renders as Markdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const run: RunRecord = {
      schema: 'timonel-bench/1', startedAt: '2026-01-02T03:04:05.678Z', finishedAt: '2026-01-02T03:05:00.000Z', argv: [], size: 1,
      machine: machineInfo(),
      scenarios: [
        { name: 'x', title: 'X', status: 'ok', params: { n: 1 }, startedAt: '', durationMs: 1000, sections: [section], notes: ['hello'] },
        { name: 'y', title: 'Y', status: 'skipped', reason: 'not built yet', params: {}, startedAt: '', durationMs: 0, sections: [], notes: [] },
      ],
    };
    const file = writeRun(run, dir);
    assert.equal(file, join(dir, '2026-01-02T03-04-05-678Z.json'));
    assert.deepEqual(readdirSync(dir).sort(), ['2026-01-02T03-04-05-678Z.json', 'latest.json']);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')), JSON.parse(JSON.stringify(run)));
    const md = renderMarkdown(run);
    assert.match(md, /### x: X/);
    assert.match(md, /\| create \| 12\.3 \|/);
    assert.match(md, /- hello/);
    assert.match(md, /\*\*skipped\*\*: not built yet/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
