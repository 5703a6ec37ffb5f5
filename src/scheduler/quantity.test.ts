import { test } from 'node:test';
import assert from 'node:assert/strict';
import { milliValue, nanoToMilli, nanoToValue, parseQuantity, quantityToNano, QuantityError, tryParseQuantity, value } from './quantity.js';

test('MilliValue of cpu quantities', () => {
  assert.equal(milliValue('100m'), 100);
  assert.equal(milliValue('0.5'), 500);
  assert.equal(milliValue('1'), 1000);
  assert.equal(milliValue('1e3'), 1_000_000);
  assert.equal(milliValue('2.5'), 2500);
  assert.equal(milliValue('1k'), 1_000_000);
  assert.equal(milliValue('+250m'), 250);
  assert.equal(milliValue(3), 3000);
});

test('MilliValue rounds sub-milli amounts up, as Quantity.ScaledValue', () => {
  assert.equal(milliValue('0.1m'), 1);
  assert.equal(milliValue('1001u'), 2);
  assert.equal(milliValue('1n'), 1);
  assert.equal(milliValue('-0.5m'), -1);
});

test('Value of memory and count quantities', () => {
  assert.equal(value('1Gi'), 1024 ** 3);
  assert.equal(value('1.5Gi'), 1.5 * 1024 ** 3);
  assert.equal(value('128Mi'), 128 * 1024 ** 2);
  assert.equal(value('2Ki'), 2048);
  assert.equal(value('1G'), 1e9);
  assert.equal(value('1e3'), 1000);
  assert.equal(value('1E3'), 1000);
  assert.equal(value('110'), 110);
  assert.equal(value('0.5'), 1);
  assert.equal(value('100m'), 1);
  assert.equal(value('1.001'), 2);
  assert.equal(value('0'), 0);
});

test('exact nano-unit arithmetic', () => {
  assert.equal(quantityToNano(parseQuantity('1')), 1_000_000_000n);
  assert.equal(quantityToNano(parseQuantity('250m')), 250_000_000n);
  assert.equal(quantityToNano(parseQuantity('1Ki')), 1024_000_000_000n);
  // ParseQuantity itself rounds below nano precision up.
  assert.equal(quantityToNano(parseQuantity('0.0000000001')), 1n);
  assert.equal(nanoToMilli(1_500_000n), 2);
  assert.equal(nanoToValue(1_000_000_001n), 2);
  assert.equal(nanoToValue(-1_000_000_001n), -2);
});

test('malformed quantities are rejected by the parser and read as zero by the helpers', () => {
  assert.throws(() => parseQuantity('1.5.5'), QuantityError);
  assert.throws(() => parseQuantity('10 Gi'), QuantityError);
  assert.throws(() => parseQuantity('1Qi'), QuantityError);
  assert.equal(tryParseQuantity('abc'), undefined);
  assert.equal(tryParseQuantity(undefined), undefined);
  assert.equal(milliValue('abc'), 0);
  assert.equal(value(''), 0);
});
