// resource.Quantity as the scheduler uses it: exact parsing (the project's Kubernetes-faithful parser),
// exact sums in nano-units, and the rounded integers kube-scheduler compares — MilliValue() for cpu,
// Value() for everything else, both rounding away from zero like Quantity.ScaledValue.
import { parseQuantity, type Quantity } from '../api/validation/quantity.js';

export { parseQuantity, QuantityError, type Quantity } from '../api/validation/quantity.js';

const NANO_PER_MILLI = 1_000_000n;
const NANO_PER_UNIT = 1_000_000_000n;

/** The exact value of a parsed quantity in units of 10^-9 (ParseQuantity already rounded up to that scale). */
export function quantityToNano(q: Quantity): bigint {
  const shift = q.scale + 9;
  const abs = shift >= 0 ? q.mantissa * 10n ** BigInt(shift) : ceilDiv(q.mantissa, 10n ** BigInt(-shift));
  return q.negative ? -abs : abs;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const d = a / b;
  return a % b === 0n ? d : d + 1n;
}

/** Divides a nano-unit amount, rounding away from zero (Quantity.ScaledValue). */
function scaled(nano: bigint, per: bigint): number {
  const neg = nano < 0n;
  const v = ceilDiv(neg ? -nano : nano, per);
  return Number(neg ? -v : v);
}

/** Quantity.MilliValue() of a nano-unit amount. */
export function nanoToMilli(nano: bigint): number {
  return scaled(nano, NANO_PER_MILLI);
}

/** Quantity.Value() of a nano-unit amount. */
export function nanoToValue(nano: bigint): number {
  return scaled(nano, NANO_PER_UNIT);
}

/** Parses a quantity as it appears in JSON (string, or a number some clients send); undefined when malformed. */
export function tryParseQuantity(v: unknown): Quantity | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    return parseQuantity(String(v).trim());
  } catch {
    return undefined;
  }
}

/** `Quantity.MilliValue()` of a quantity string ("100m" -> 100, "0.5" -> 500, "1e3" -> 1000000). */
export function milliValue(v: string | number): number {
  const q = tryParseQuantity(v);
  return q ? nanoToMilli(quantityToNano(q)) : 0;
}

/** `Quantity.Value()` of a quantity string ("1Gi" -> 1073741824, "100m" -> 1, "1e3" -> 1000). */
export function value(v: string | number): number {
  const q = tryParseQuantity(v);
  return q ? nanoToValue(quantityToNano(q)) : 0;
}
