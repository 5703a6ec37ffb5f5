// Field errors in the exact shape Kubernetes' apimachinery `field.Error` renders them
// ("<path>: Invalid value: <value>: <detail>"), carried as StatusCause values.
//
// Values are printed the way Go prints them there: strings with %q, numbers and booleans with %v,
// and composite values through a Go-syntax rendering supplied by the caller (GoText).
import type { StatusCause } from '../errors.js';

/** A value already rendered in Go syntax (e.g. `map[string]string{"a":"b"}`). */
export class GoText {
  constructor(readonly text: string) {}
}

export type FieldValue = string | number | boolean | null | undefined | GoText | bigint;

/** Go's strconv.Quote for a string (escapes control characters, quotes, backslashes). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\t': out += '\\t'; continue;
      case '\r': out += '\\r'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0x80 && cp < 0xa0) out += '\\u' + cp.toString(16).padStart(4, '0');
    else if (cp === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

export function renderValue(v: FieldValue): string {
  if (v instanceof GoText) return v.text;
  if (typeof v === 'string') return goQuote(v);
  if (v === null || v === undefined) return 'null';
  return String(v);
}

/** Go %#v of a map[string]string (keys sorted, as fmt prints maps). */
export function goStringMap(m: Record<string, string> | undefined | null, typeName = 'map[string]string'): GoText {
  if (m === undefined || m === null) return new GoText(`${typeName}(nil)`);
  const keys = Object.keys(m).sort();
  return new GoText(`${typeName}{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`);
}

/** Go %#v of a []string. */
export function goStringSlice(a: unknown[] | undefined | null): GoText {
  if (!a) return new GoText('[]string(nil)');
  return new GoText(`[]string{${a.map((s) => goQuote(String(s))).join(', ')}}`);
}

interface SelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }>;
}

/** Go %#v of a v1.LabelSelector (as printed in "field is immutable" errors). */
export function goLabelSelector(sel: SelectorLike | undefined | null): GoText {
  if (!sel) return new GoText('(*v1.LabelSelector)(nil)');
  const exprs = sel.matchExpressions;
  const ex = exprs
    ? `[]v1.LabelSelectorRequirement{${exprs.map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? '')}, Operator:${goQuote(e.operator ?? '')}, Values:${goStringSlice(e.values).text}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoText(`v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels).text}, MatchExpressions:${ex}}`);
}

function withDetail(head: string, detail: string): string {
  return detail ? `${head}: ${detail}` : head;
}

/** Builders for the field error types of k8s.io/apimachinery/pkg/util/validation/field. */
export const fe = {
  required: (field: string, detail = ''): StatusCause => ({ reason: 'FieldValueRequired', field, message: withDetail('Required value', detail) }),
  invalid: (field: string, value: FieldValue, detail: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${renderValue(value)}`, detail) }),
  typeInvalid: (field: string, value: FieldValue, detail: string): StatusCause => ({ reason: 'FieldValueTypeInvalid', field, message: withDetail(`Invalid value: ${renderValue(value)}`, detail) }),
  notSupported: (field: string, value: FieldValue, allowed: readonly string[]): StatusCause => ({
    reason: 'FieldValueNotSupported', field,
    message: withDetail(`Unsupported value: ${renderValue(value)}`, allowed.length ? `supported values: ${allowed.map((a) => goQuote(a)).join(', ')}` : ''),
  }),
  duplicate: (field: string, value: FieldValue): StatusCause => ({ reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${renderValue(value)}` }),
  notFound: (field: string, value: FieldValue, detail = ''): StatusCause => ({ reason: 'FieldValueNotFound', field, message: withDetail(`Not found: ${renderValue(value)}`, detail) }),
  forbidden: (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) }),
  tooLong: (field: string, max: number): StatusCause => ({ reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` }),
  tooMany: (field: string, actual: number, max: number): StatusCause => ({ reason: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}` }),
  internal: (field: string, detail: string): StatusCause => ({ reason: 'InternalError', field, message: `Internal error: ${detail}` }),
};

/** field.Path helpers: child, index and key segments rendered as Kubernetes prints them. */
export function child(path: string, ...names: string[]): string {
  let p = path;
  for (const n of names) p = p ? `${p}.${n}` : n;
  return p;
}
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/** Error messages shared by many validators. */
export const msg = {
  immutable: 'field is immutable',
  negative: 'must be greater than or equal to 0',
  inclusiveRange: (lo: number | bigint, hi: number | bigint) => `must be between ${lo} and ${hi}, inclusive`,
  maxLen: (n: number) => `must be no more than ${n} characters`,
  empty: 'must be non-empty',
};
