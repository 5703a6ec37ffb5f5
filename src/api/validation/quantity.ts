// resource.Quantity: parsing (with the errors Kubernetes returns), canonical formatting (what the
// server writes back: "0.5" -> "500m", "1024Mi" -> "1Gi"), comparison and rounding.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** value = sign * mantissa * 10^scale */
  negative: boolean;
  mantissa: bigint;
  scale: number;
  format: QuantityFormat;
}

export const QUANTITY_REGEX_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityError extends Error {}

const DEC_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP = new Map(Object.entries(DEC_SUFFIX).map(([k, v]) => [v, k]));
const BIN_BY_EXP = new Map(Object.entries(BIN_SUFFIX).map(([k, v]) => [v, k]));

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Splits like Kubernetes' parseQuantityString. */
function splitQuantity(str: string): { positive: boolean; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, num: num || '0', denom: '', suffix: '' };
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && isDigit(str[j])) j++;
    denom = str.slice(pos, j);
    if (j >= end) return { positive, num, denom, suffix: '' };
    pos = j;
  }
  const suffixStart = pos;
  let k = pos;
  while (k < end && 'eEinumkKMGTP'.includes(str[k])) k++;
  if (k >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  pos = k;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  let d = pos;
  while (d < end && isDigit(str[d])) d++;
  if (d >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(QUANTITY_REGEX_ERROR);
}

function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (s in DEC_SUFFIX) return { base: 10, exponent: DEC_SUFFIX[s], format: 'DecimalSI' };
  if (s in BIN_SUFFIX) return { base: 2, exponent: BIN_SUFFIX[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const rest = s.slice(1);
    if (/^[+-]?\d+$/.test(rest)) {
      const e = Number(rest);
      if (Number.isSafeInteger(e) && Math.abs(e) < 1 << 30) return { base: 10, exponent: e, format: 'DecimalExponent' };
    }
  }
  return undefined;
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/** Rounds |value| up (away from zero) to the given scale. */
function roundUpToScale(q: Quantity, scale: number): Quantity {
  if (q.scale >= scale) return q;
  const div = pow10(scale - q.scale);
  let m = q.mantissa / div;
  if (q.mantissa % div !== 0n) m += 1n;
  return { ...q, mantissa: m, scale };
}

/** ParseQuantity; throws QuantityError with Kubernetes' messages. */
export function parseQuantity(input: string): Quantity {
  const str = input;
  if (str.length === 0) throw new QuantityError(QUANTITY_REGEX_ERROR);
  if (str === '0') return { negative: false, mantissa: 0n, scale: 0, format: 'DecimalSI' };
  const { positive, num, denom, suffix } = splitQuantity(str);
  const suf = interpretSuffix(suffix);
  if (!suf) throw new QuantityError(QUANTITY_SUFFIX_ERROR);
  let mantissa = BigInt(num + denom);
  let scale = -denom.length;
  if (suf.base === 10) scale += suf.exponent;
  else mantissa *= 1n << BigInt(suf.exponent);
  let q: Quantity = { negative: !positive, mantissa, scale, format: suf.format };
  if (mantissa !== 0n) q = roundUpToScale(q, -9);
  // The numeric value 0 is stored as 0 (and printed "0").
  if (q.mantissa === 0n) q.negative = false;
  return normalizeScale(q);
}

/** Removes trailing decimal zeros from the mantissa (keeps value and format). */
function normalizeScale(q: Quantity): Quantity {
  if (q.mantissa === 0n) return { ...q, scale: 0 };
  let { mantissa, scale } = q;
  while (mantissa % TEN === 0n) { mantissa /= TEN; scale++; }
  return { ...q, mantissa, scale };
}

export function isQuantityZero(q: Quantity): boolean {
  return q.mantissa === 0n;
}

/** Compares a and b: -1, 0, 1. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const sa = a.mantissa === 0n ? 0 : a.negative ? -1 : 1;
  const sb = b.mantissa === 0n ? 0 : b.negative ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const s = Math.min(a.scale, b.scale);
  const ma = a.mantissa * pow10(a.scale - s);
  const mb = b.mantissa * pow10(b.scale - s);
  const c = ma === mb ? 0 : ma < mb ? -1 : 1;
  return sa < 0 ? -c : c;
}

/** Quantity.RoundUp(scale) (used by SetDefaults_ResourceList with milli scale). */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  return normalizeScale(roundUpToScale(q, scale));
}

/** Quantity.String(): the canonical form Kubernetes serializes. */
export function formatQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return '0';
  const sign = q.negative ? '-' : '';
  let format = q.format;
  if (format === 'BinarySI') {
    const below1024 = compareQuantity({ ...q, negative: false }, { negative: false, mantissa: 1024n, scale: 0, format: 'DecimalSI' }) < 0;
    if (below1024 || q.scale < 0) format = 'DecimalSI';
    else {
      let n = q.mantissa * pow10(q.scale);
      let exp = 0;
      while (n % 1024n === 0n && exp < 60) { n /= 1024n; exp += 10; }
      return `${sign}${n}${BIN_BY_EXP.get(exp) ?? ''}`;
    }
  }
  let m = q.mantissa;
  let e = q.scale;
  while (m % TEN === 0n) { m /= TEN; e++; }
  const r = ((e % 3) + 3) % 3;
  if (r === 1) { m *= 10n; e -= 1; } else if (r === 2) { m *= 100n; e -= 2; }
  if (format === 'DecimalSI') {
    const s = DEC_BY_EXP.get(e);
    if (s !== undefined) return `${sign}${m}${s}`;
    return `${sign}${m}e${e}`;
  }
  return e === 0 ? `${sign}${m}` : `${sign}${m}e${e}`;
}

/** Parses a Quantity given as JSON (string or number), as Quantity.UnmarshalJSON does. */
export function quantityFromJSON(v: unknown): Quantity {
  if (typeof v === 'number') return parseQuantity(String(v));
  if (typeof v === 'string') return parseQuantity(v.trim());
  if (typeof v === 'boolean') return parseQuantity(String(v));
  throw new QuantityError(QUANTITY_REGEX_ERROR);
}

/** Value as a JS number (approximate; for range checks). */
export function quantityToNumber(q: Quantity): number {
  const n = Number(q.mantissa) * 10 ** q.scale;
  return q.negative ? -n : n;
}

/** Canonical string of a quantity given as JSON, or undefined when it does not parse. */
export function canonicalQuantity(v: unknown): string | undefined {
  try {
    return formatQuantity(quantityFromJSON(v));
  } catch {
    return undefined;
  }
}
