// Label and field selectors: parsing (with Kubernetes' error messages) and matching.
import { errors } from './errors.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export interface LabelSelector {
  requirements: Requirement[];
  empty: boolean;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parses the string form: `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  const s = (text ?? '').trim();
  const requirements: Requirement[] = [];
  if (!s) return { requirements, empty: true };
  let i = 0;
  const n = s.length;
  const skipWs = () => { while (i < n && /\s/.test(s[i])) i++; };
  const fail = (msg: string): never => { throw errors.badRequest(`unable to parse requirement: ${msg}`); };
  const readIdent = () => {
    const start = i;
    while (i < n && !/[\s,=!()]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < n) {
    skipWs();
    let negate = false;
    if (s[i] === '!') { negate = true; i++; skipWs(); }
    const key = readIdent();
    if (!key) fail(`found '${s[i] ?? ''}', expected: identifier`);
    checkKey(key);
    skipWs();
    if (negate) {
      requirements.push({ key, op: '!exists' });
    } else if (i >= n || s[i] === ',') {
      requirements.push({ key, op: 'exists' });
    } else if (s.startsWith('==', i) || s.startsWith('!=', i) || s[i] === '=') {
      const op = s.startsWith('!=', i) ? 'notin' : 'in';
      i += s.startsWith('==', i) || s.startsWith('!=', i) ? 2 : 1;
      skipWs();
      const value = readIdent();
      checkValue(value);
      requirements.push({ key, op, values: [value] });
    } else {
      const word = readIdent().toLowerCase();
      if (word !== 'in' && word !== 'notin') fail(`found '${word}', expected: '=', '!=', '==', 'in', notin'`);
      skipWs();
      if (s[i] !== '(') fail(`found '${s[i] ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        skipWs();
        const v = readIdent();
        checkValue(v);
        values.push(v);
        skipWs();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === ')') { i++; break; }
        fail(`found '${s[i] ?? ''}', expected: ',' or ')'`);
      }
      requirements.push({ key, op: word as 'in' | 'notin', values });
    }
    skipWs();
    if (i < n) {
      if (s[i] !== ',') fail(`found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return { requirements, empty: requirements.length === 0 };
}

function checkKey(key: string): void {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  if (!LABEL_KEY.test(key) || name.length > 63) {
    throw errors.badRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
}

function checkValue(value: string): void {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw errors.badRequest(`unable to parse requirement: invalid label value: "${value}": at key: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
}

export function matchLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel.requirements) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists': if (!has) return false; break;
      case '!exists': if (has) return false; break;
      case 'in': if (!has || !r.values.includes(l[r.key])) return false; break;
      case 'notin': if (has && r.values.includes(l[r.key])) return false; break;
    }
  }
  return true;
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as a selector. */
export function fromLabelSelectorObject(sel: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined | null): LabelSelector {
  const requirements: Requirement[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) requirements.push({ key: k, op: 'in', values: [v] });
  for (const e of sel?.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') requirements.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') requirements.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') requirements.push({ key: e.key, op: '!exists' });
  }
  return { requirements, empty: requirements.length === 0 };
}

/** The string form of a metav1.LabelSelector, as Kubernetes prints it (Scale.status.selector). */
export function labelSelectorString(sel: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined | null): string {
  const parts: string[] = [];
  const reqs = fromLabelSelectorObject(sel).requirements.slice().sort((a, b) => a.key.localeCompare(b.key));
  for (const r of reqs) {
    if (r.op === 'exists') parts.push(r.key);
    else if (r.op === '!exists') parts.push(`!${r.key}`);
    else if (r.op === 'in' && r.values.length === 1) parts.push(`${r.key}=${r.values[0]}`);
    else if (r.op === 'notin' && r.values.length === 1) parts.push(`${r.key}!=${r.values[0]}`);
    else parts.push(`${r.key} ${r.op} (${[...(r as { values: string[] }).values].sort().join(',')})`);
  }
  return parts.join(',');
}

export interface FieldRequirement { field: string; op: '=' | '!='; value: string }
export interface FieldSelector { requirements: FieldRequirement[]; empty: boolean }

export function parseFieldSelector(text: string | undefined | null): FieldSelector {
  const s = (text ?? '').trim();
  const requirements: FieldRequirement[] = [];
  if (!s) return { requirements, empty: true };
  for (const part of splitUnescaped(s, ',')) {
    const p = part.trim();
    if (!p) continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^=!]+)(==|!=|=)(.*)$/.exec(p))) {
      requirements.push({ field: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: unescapeField(m[3].trim()) });
    } else {
      throw errors.badRequest(`invalid selector: '${s}'; can't understand '${p}'`);
    }
  }
  return { requirements, empty: requirements.length === 0 };
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) { cur += s[i] + s[i + 1]; i++; continue; }
    if (s[i] === sep) { out.push(cur); cur = ''; continue; }
    cur += s[i];
  }
  out.push(cur);
  return out;
}

function unescapeField(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/** Checks the selector only names fields the kind supports; Kubernetes answers 400 otherwise. */
export function checkFieldSelector(sel: FieldSelector, supported: readonly string[]): void {
  for (const r of sel.requirements) {
    if (!supported.includes(r.field)) {
      throw errors.badRequest(`field label not supported: ${r.field}`);
    }
  }
}

export function matchFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  for (const r of sel.requirements) {
    const v = fields[r.field] ?? '';
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
