// Small formatting helpers shared by the printers: label maps and selectors as Kubernetes renders
// them, Go-style scalar/JSON text, and defensive accessors for loosely typed objects.
import { isPlainObject } from '../../api/object.js';

export const NONE = '<none>';
export const UNKNOWN = '<unknown>';
export const UNSET = '<unset>';

/** labels.FormatLabels: sorted `k=v` pairs joined by commas, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  if (!labels) return NONE;
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return NONE;
  return keys.map((k) => `${k}=${labels[k]}`).join(',');
}

interface SelectorRequirement { key: string; operator: string; values?: string[] }
export interface LabelSelectorLike { matchLabels?: Record<string, string>; matchExpressions?: SelectorRequirement[] }

/**
 * The text of metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, set values sorted.
 * Returns undefined when the selector is invalid (unknown operator, missing/extra values).
 * A nil or empty selector yields "".
 */
export function labelSelectorString(sel: LabelSelectorLike | undefined | null): string | undefined {
  if (!sel) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return undefined;
        reqs.push({ key: e.key, text: `${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${values.join(',')})` });
        break;
      case 'Exists':
        if (values.length !== 0) return undefined;
        reqs.push({ key: e.key, text: e.key });
        break;
      case 'DoesNotExist':
        if (values.length !== 0) return undefined;
        reqs.push({ key: e.key, text: `!${e.key}` });
        break;
      default:
        return undefined;
    }
  }
  // Stable sort by key (Go sorts requirements by key only).
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: like labelSelectorString, but `<none>` when empty and `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelectorLike | undefined | null): string {
  const s = labelSelectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? NONE : s;
}

/** Text of an int-or-string value (intstr.IntOrString.String()). */
export function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(Math.trunc(v));
  return typeof v === 'string' ? v : '';
}

/** Quantity text; a missing pointer quantity prints as Go's `<nil>`. */
export function quantityOrNil(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  return String(v);
}

/** Text of a non-pointer quantity: the zero quantity prints "0". */
export function quantity(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0';
  return String(v);
}

/** Go's %v for a float64 (strconv 'g' shortest, exponent when exp < -4 || exp >= 21). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [mant, e] = n.toExponential().split('e');
    const ev = Number(e);
    const sign = ev < 0 ? '-' : '+';
    const digits = String(Math.abs(ev)).padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/** Go's encoding/json Marshal of a decoded JSON value: sorted keys, HTML-safe escaping, compact. */
export function goJSON(v: unknown): string {
  return escapeHTML(JSON.stringify(sortKeys(v)) ?? 'null');
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

function escapeHTML(s: string): string {
  return s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Reads a nested property without trusting the shape of the object. */
export function get(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : dflt;
}

export function arr<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function obj(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

export function count(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  return 0;
}

/** "True"/"False" for a set boolean pointer, `<unset>` otherwise. */
export function boolPtr(v: unknown): string {
  if (typeof v !== 'boolean') return UNSET;
  return v ? 'True' : 'False';
}

/** net.JoinHostPort: IPv6 literals get brackets. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
