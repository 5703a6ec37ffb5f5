// metav1.Time / metav1.MicroTime decoding: Go's time.Parse with the RFC3339 layouts, including its
// error messages (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`),
// and the canonical UTC form the server writes back.

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Elem =
  | { kind: 'lit'; text: string }
  | { kind: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'frac6' | 'tz'; text: string };

const LAYOUT_ELEMS: Record<string, Elem[]> = {
  [RFC3339]: [
    { kind: 'year', text: '2006' }, { kind: 'lit', text: '-' }, { kind: 'month', text: '01' }, { kind: 'lit', text: '-' },
    { kind: 'day', text: '02' }, { kind: 'lit', text: 'T' }, { kind: 'hour', text: '15' }, { kind: 'lit', text: ':' },
    { kind: 'minute', text: '04' }, { kind: 'lit', text: ':' }, { kind: 'second', text: '05' }, { kind: 'tz', text: 'Z07:00' },
  ],
};
LAYOUT_ELEMS[RFC3339_MICRO] = [...LAYOUT_ELEMS[RFC3339].slice(0, 11), { kind: 'frac6', text: '.000000' }, { kind: 'tz', text: 'Z07:00' }];

export class TimeParseError extends Error {}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

/** getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] | null {
  if (!isDigit(s, 0)) return null;
  if (!isDigit(s, 1)) {
    if (fixed) return null;
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

export interface ParsedTime {
  /** milliseconds since epoch (UTC) */
  epochMs: number;
  /** fractional second in nanoseconds */
  nanos: number;
}

/** time.Parse(layout, value) for the two RFC3339 layouts used by the API. */
export function parseGoTime(layout: string, input: string): ParsedTime {
  const elems = LAYOUT_ELEMS[layout];
  const bad = (valueElem: string, layoutElem: string) =>
    new TimeParseError(`parsing time ${quote(input)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`);
  const range = (what: string) => new TimeParseError(`parsing time ${quote(input)}: ${what} out of range`);
  let value = input;
  let year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0, offsetMin = 0;
  for (let i = 0; i < elems.length; i++) {
    const el = elems[i];
    const hold = value;
    if (el.kind === 'lit') {
      if (!value.startsWith(el.text)) throw bad(value, el.text);
      value = value.slice(el.text.length);
      continue;
    }
    switch (el.kind) {
      case 'year': {
        if (value.length < 4 || !isDigit(value, 0)) throw bad(hold, el.text);
        const p = value.slice(0, 4);
        if (!/^\d{4}$/.test(p)) throw bad(hold, el.text);
        year = Number(p);
        value = value.slice(4);
        break;
      }
      case 'month': case 'day': case 'hour': case 'minute': case 'second': {
        const r = getnum(value, el.kind !== 'hour');
        if (!r) throw bad(hold, el.text);
        const [n, rest] = r;
        value = rest;
        if (el.kind === 'month') { if (n <= 0 || n > 12) throw range('month'); month = n; }
        else if (el.kind === 'day') day = n;
        else if (el.kind === 'hour') { if (n >= 24) throw range('hour'); hour = n; }
        else if (el.kind === 'minute') { if (n >= 60) throw range('minute'); minute = n; }
        else {
          if (n >= 60) throw range('second');
          second = n;
          const next = elems[i + 1];
          if (next && next.kind !== 'frac6' && value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1)) {
            let k = 2;
            while (k < value.length && isDigit(value, k)) k++;
            nanos = fracNanos(value.slice(1, k));
            value = value.slice(k);
          }
        }
        break;
      }
      case 'frac6': {
        if (value.length < 7) throw bad(hold, el.text);
        if (value[0] !== '.' && value[0] !== ',') throw bad(hold, el.text);
        const digits = value.slice(1, 7);
        if (!/^\d{6}$/.test(digits)) throw bad(hold, el.text);
        nanos = fracNanos(digits);
        value = value.slice(7);
        break;
      }
      case 'tz': {
        if (value.length >= 1 && value[0] === 'Z') { value = value.slice(1); offsetMin = 0; break; }
        if (value.length < 6 || value[3] !== ':') throw bad(hold, el.text);
        const sign = value[0];
        const hh = getnum(value.slice(1, 3), true);
        const mm = getnum(value.slice(4, 6), true);
        if (!hh || !mm || (sign !== '+' && sign !== '-')) throw bad(hold, el.text);
        if (hh[0] > 24) throw range('time zone offset hour');
        if (mm[0] > 60) throw range('time zone offset minute');
        offsetMin = (hh[0] * 60 + mm[0]) * (sign === '-' ? -1 : 1);
        value = value.slice(6);
        break;
      }
    }
  }
  if (value.length > 0) throw new TimeParseError(`parsing time ${quote(input)}: extra text: ${quote(value)}`);
  if (day < 1 || day > daysIn(month, year)) throw new TimeParseError(`parsing time ${quote(input)}: day out of range`);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return { epochMs: d.getTime() - offsetMin * 60000, nanos };
}

function fracNanos(digits: string): number {
  return Number((digits + '000000000').slice(0, 9));
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** Time.MarshalJSON: UTC, whole seconds. */
export function formatRFC3339(t: ParsedTime): string {
  const d = new Date(t.epochMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}Z`;
}

/** MicroTime.MarshalJSON: UTC with microseconds. */
export function formatRFC3339Micro(t: ParsedTime): string {
  return formatRFC3339(t).slice(0, -1) + '.' + pad(Math.floor(t.nanos / 1000), 6) + 'Z';
}
