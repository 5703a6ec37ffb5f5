// Sprig's numeric helpers: float64 arithmetic through shopspring/decimal (so addf 1.1 2.2 is 3.3),
// round, and the integer sequences until/untilStep/seq.

import { toFloat64 } from './conv.js';

interface Decimal {
  v: bigint;
  e: number;
}

/** decimal.NewFromFloat: the shortest decimal that round-trips to the float. */
function fromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) {
    throw new Error(`Cannot create a Decimal from ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  }
  const s = String(f);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) return { v: 0n, e: 0 };
  const frac = m[3] ?? '';
  const v = BigInt((m[1] ?? '') + m[2] + frac);
  return { v, e: Number(m[4] ?? 0) - frac.length };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.v * pow10(a.e - e), b.v * pow10(b.e - e), e];
}

const DIVISION_PRECISION = 16;

export const decimalOps = {
  add(a: Decimal, b: Decimal): Decimal {
    const [x, y, e] = align(a, b);
    return { v: x + y, e };
  },
  sub(a: Decimal, b: Decimal): Decimal {
    const [x, y, e] = align(a, b);
    return { v: x - y, e };
  },
  mul(a: Decimal, b: Decimal): Decimal {
    return { v: a.v * b.v, e: a.e + b.e };
  },
  /** DivRound(b, 16): quotient rounded half away from zero at 16 decimal places. */
  div(a: Decimal, b: Decimal): Decimal {
    if (b.v === 0n) throw new Error('decimal division by zero');
    // (a.v·10^a.e) / (b.v·10^b.e) · 10^16 = num / den
    const shift = a.e - b.e + DIVISION_PRECISION;
    let num = a.v;
    let den = b.v;
    if (shift >= 0) num *= pow10(shift);
    else den *= pow10(-shift);
    let q = num / den;
    const r = num % den;
    const abs = (x: bigint): bigint => (x < 0n ? -x : x);
    if (2n * abs(r) >= abs(den)) q += (num < 0n) !== (den < 0n) ? -1n : 1n;
    return { v: q, e: -DIVISION_PRECISION };
  },
};

function toNumber(d: Decimal): number {
  return Number(`${d.v}e${d.e}`);
}

export type DecimalOp = keyof typeof decimalOps;

/** Sprig's execDecimalOp. */
export function execDecimalOp(a: unknown, rest: unknown[], op: DecimalOp): number {
  let acc = fromFloat(toFloat64(a));
  for (const x of rest) acc = decimalOps[op](acc, fromFloat(toFloat64(x)));
  return toNumber(acc);
}

/** Sprig's round(a, places, roundOn = .5). */
export function round(a: unknown, places: number, roundOn = 0.5): number {
  const val = toFloat64(a);
  const pow = Math.pow(10, places);
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

/** Sprig's untilStep. */
export function untilStep(start: number, stop: number, step: number): bigint[] {
  const v: bigint[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(BigInt(i));
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(BigInt(i));
  return v;
}

export function until(count: number): bigint[] {
  return untilStep(0, count, count < 0 ? -1 : 1);
}

/** Sprig's seq: like the Unix command. */
export function seq(params: number[]): string {
  const join = (xs: bigint[]): string => xs.join(' ');
  switch (params.length) {
    case 1: {
      const start = 1;
      const end = params[0]!;
      const inc = end < start ? -1 : 1;
      return join(untilStep(start, end + inc, inc));
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      }
      return join(untilStep(start, end + inc, step));
    }
    default:
      return '';
  }
}
