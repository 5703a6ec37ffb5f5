import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CriLogWriter, MAX_RECORD, formatNanos, parseRecord, readContainerLog, rotateIfNeeded, rotatedFiles, tailRecords, type LogOptions, type LogRecord } from './crilog.js';

test('formatNanos gives RFC3339 with nine fraction digits', () => {
  assert.equal(formatNanos(1_714_557_600_123_456_789n), '2024-05-01T10:00:00.123456789Z');
  assert.equal(formatNanos(1_714_557_600_000_000_001n), '2024-05-01T10:00:00.000000001Z');
});

test('parseRecord reads CRI lines', () => {
  assert.deepEqual(parseRecord('2024-05-01T10:00:00.5Z stdout F hello world'), { time: '2024-05-01T10:00:00.5Z', timeMs: Date.parse('2024-05-01T10:00:00.5Z'), stream: 'stdout', partial: false, content: 'hello world' });
  assert.equal(parseRecord('2024-05-01T10:00:00Z stderr P part')!.partial, true);
  assert.equal(parseRecord('2024-05-01T10:00:00Z stdout F ')!.content, '');
  assert.equal(parseRecord('garbage'), undefined);
  assert.equal(parseRecord('2024-05-01T10:00:00Z other F x'), undefined);
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'crilog-'));
}

test('the writer splits lines, long lines and unterminated output into records', () => {
  const dir = tmp();
  try {
    let ns = 1_714_557_600_000_000_000n;
    const w = new CriLogWriter(join(dir, '0.log'), () => ns++);
    w.write('stdout', Buffer.from('one\ntw'));
    w.write('stderr', Buffer.from('err\n'));
    w.write('stdout', Buffer.from('o\n' + 'x'.repeat(MAX_RECORD + 5) + '\nlast'));
    w.end('stdout');
    w.close();
    const recs = readFileSync(join(dir, '0.log'), 'utf8').trimEnd().split('\n').map((l) => parseRecord(l)!);
    assert.deepEqual(recs.map((r) => [r.stream, r.partial, r.content.length > 20 ? r.content.length : r.content]), [
      ['stdout', false, 'one'], ['stderr', false, 'err'], ['stdout', false, 'two'], ['stdout', true, MAX_RECORD], ['stdout', false, 'xxxxx'], ['stdout', false, 'last'],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tailRecords counts logical lines', () => {
  const r = (content: string, partial = false): LogRecord => ({ time: 't', timeMs: 0, stream: 'stdout', partial, content });
  const recs = [r('a'), r('b1', true), r('b2'), r('c'), r('d', true)];
  assert.deepEqual(tailRecords(recs, 1).map((x) => x.content), ['d']);
  assert.deepEqual(tailRecords(recs, 2).map((x) => x.content), ['c', 'd']);
  assert.deepEqual(tailRecords(recs, 3).map((x) => x.content), ['b1', 'b2', 'c', 'd']);
  assert.deepEqual(tailRecords(recs, 10).length, 5);
  assert.deepEqual(tailRecords(recs, 0), []);
});

async function read(path: string, opts: LogOptions, running = () => false): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (d: Buffer) => chunks.push(d));
  await readContainerLog(path, opts, out, running);
  return Buffer.concat(chunks).toString('utf8');
}

test('reading honours tail, timestamps, since and limitBytes, across rotated files', async () => {
  const dir = tmp();
  try {
    const p = join(dir, '0.log');
    writeFileSync(`${p}.20240501-100000`, '2024-05-01T10:00:00.000000000Z stdout F old\n');
    writeFileSync(p, '2024-05-01T10:00:01.000000000Z stdout F one\n2024-05-01T10:00:02.000000000Z stderr P tw\n2024-05-01T10:00:02.000000000Z stderr F o\n2024-05-01T10:00:03.000000000Z stdout F three\n');
    assert.deepEqual(rotatedFiles(p), [`${p}.20240501-100000`]);
    assert.equal(await read(p, {}), 'old\none\ntwo\nthree\n');
    assert.equal(await read(p, { tailLines: 2 }), 'two\nthree\n');
    assert.equal(await read(p, { tailLines: 1, timestamps: true }), '2024-05-01T10:00:03.000000000Z three\n');
    assert.equal(await read(p, { sinceMs: Date.parse('2024-05-01T10:00:02Z') }), 'two\nthree\n');
    assert.equal(await read(p, { limitBytes: 6 }), 'old\non');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('follow streams new records, survives rotation and ends when the container stops', async () => {
  const dir = tmp();
  try {
    const p = join(dir, '0.log');
    writeFileSync(p, '2024-05-01T10:00:01Z stdout F first\n');
    let running = true;
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => { text += d.toString(); });
    const done = readContainerLog(p, { follow: true }, out, () => running);
    const until = async (s: string) => { for (let i = 0; i < 200 && !text.includes(s); i++) await new Promise((r) => setTimeout(r, 20)); assert.ok(text.includes(s), `saw ${JSON.stringify(text)}`); };
    await until('first\n');
    appendFileSync(p, '2024-05-01T10:00:02Z stdout F second\n');
    await until('second\n');
    const rotated = await rotateIfNeeded(p, 10, 3, async () => { writeFileSync(p, ''); });
    assert.equal(rotated, true);
    assert.equal(existsSync(p), true);
    appendFileSync(p, '2024-05-01T10:00:03Z stdout F third\n');
    await until('third\n');
    running = false;
    await done;
    assert.equal(text, 'first\nsecond\nthird\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
