import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

const cases: Array<[number, string]> = [
  [-3 * S, '<invalid>'],
  [-2 * S, '<invalid>'],
  [-1500, '0s'],
  [-1 * S, '0s'],
  [-999, '0s'],
  [0, '0s'],
  [999, '0s'],
  [5 * S, '5s'],
  [59 * S, '59s'],
  [60 * S, '60s'],
  [119 * S + 999, '119s'],
  [2 * M, '2m'],
  [2 * M + 3 * S, '2m3s'],
  [9 * M + 59 * S, '9m59s'],
  [10 * M, '10m'],
  [10 * M + 30 * S, '10m'],
  [179 * M + 59 * S, '179m'],
  [3 * H, '3h'],
  [3 * H + 5 * M, '3h5m'],
  [7 * H + 59 * M, '7h59m'],
  [8 * H, '8h'],
  [8 * H + 30 * M, '8h'],
  [47 * H + 59 * M, '47h'],
  [2 * D, '2d'],
  [2 * D + 3 * H, '2d3h'],
  [7 * D + 23 * H, '7d23h'],
  [8 * D, '8d'],
  [45 * D + 5 * H, '45d'],
  [729 * D, '729d'],
  [2 * Y, '2y'],
  [3 * Y + 20 * D, '3y20d'],
  [7 * Y + 364 * D, '7y364d'],
  [8 * Y, '8y'],
  [12 * Y + 100 * D, '12y'],
];

for (const [ms, want] of cases) {
  test(`humanDuration(${ms}ms) = ${want}`, () => {
    assert.equal(humanDuration(ms), want);
  });
}

test('parseTimestamp accepts RFC 3339 with and without fractions and offsets', () => {
  assert.equal(parseTimestamp('2024-06-01T12:00:00Z'), Date.UTC(2024, 5, 1, 12));
  assert.equal(parseTimestamp('2024-06-01T12:00:00.123456Z'), Date.UTC(2024, 5, 1, 12, 0, 0, 123));
  assert.equal(parseTimestamp('2024-06-01T14:00:00+02:00'), Date.UTC(2024, 5, 1, 12));
  assert.equal(parseTimestamp(undefined), undefined);
  assert.equal(parseTimestamp(''), undefined);
  assert.equal(parseTimestamp('0001-01-01T00:00:00Z'), undefined);
  assert.ok(Number.isNaN(parseTimestamp('yesterday')));
  assert.ok(Number.isNaN(parseTimestamp(42)));
});

test('translateTimestampSince prints <unknown> for unset timestamps', () => {
  const now = Date.UTC(2024, 5, 1, 12);
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(translateTimestampSince('2024-06-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince('2024-06-01T12:00:01Z', now), '0s');
});
