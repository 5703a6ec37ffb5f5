// Go's time package as templates see it: reference-time layouts ("2006-01-02 15:04:05"),
// Format and ParseInLocation, locations (UTC, Local, IANA names, fixed zones from parsing), and
// time.Duration parsing/printing/rounding. Times are GoTime values (a JS Date, so millisecond
// precision, plus a location name).

import { GoTime } from '../template/values.js';

// ---------------------------------------------------------------------------------------------
// Locations

const FIXED = 'FIXED:';

/** A location string for a fixed zone (what Go's Parse creates for "+0200" or unknown names). */
export function fixedZone(name: string, offsetSeconds: number): string {
  return `${FIXED}${offsetSeconds}:${name}`;
}

const validZones = new Map<string, boolean>();

/** time.LoadLocation: undefined when the name is unknown. */
export function loadLocation(name: string): string | undefined {
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === 'Local') return 'Local';
  if (name.includes('..') || name.startsWith('/') || name.includes('\\')) return undefined;
  let ok = validZones.get(name);
  if (ok === undefined) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
      ok = resolved.toLowerCase() === name.toLowerCase() || /\//.test(name) || name.length > 0;
    } catch {
      ok = false;
    }
    validZones.set(name, ok);
  }
  return ok ? name : undefined;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetAt(zone: string, ms: number): number {
  let f = partFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    partFormatters.set(zone, f);
  }
  const sec = Math.floor(ms / 1000) * 1000;
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(sec))) p[part.type] = part.value;
  let year = Number(p.year);
  if (p.era === 'BC' || p.era === 'B') year = 1 - year;
  const d = new Date(0);
  d.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
  d.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
  return Math.round((d.getTime() - sec) / 1000);
}

const abbrevCache = new Map<string, string>();

function zoneAbbrev(zone: string | undefined, ms: number, offset: number): string {
  const key = `${zone ?? ''}|${offset}`;
  const hit = abbrevCache.get(key);
  if (hit !== undefined) return hit;
  let name = '';
  for (const locale of ['en-US', 'en-GB', 'en-IN', 'en-AU']) {
    try {
      const parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(ms));
      const tz = parts.find((x) => x.type === 'timeZoneName')?.value ?? '';
      if (tz && !/^(GMT|UTC)[+-]/.test(tz)) {
        name = tz === 'GMT' && offset === 0 && (zone === 'UTC' || zone === undefined) ? 'UTC' : tz;
        break;
      }
    } catch {
      break;
    }
  }
  if (name === '') {
    // tzdata names such zones by their offset, "+03" or "+0530".
    const sign = offset < 0 ? '-' : '+';
    const a = Math.abs(offset);
    const h = Math.floor(a / 3600);
    const m = Math.floor((a % 3600) / 60);
    name = sign + pad(h, 2) + (m ? pad(m, 2) : '');
  }
  abbrevCache.set(key, name);
  return name;
}

interface ZoneInfo {
  offset: number; // seconds east of UTC
  name: string; // abbreviation ("UTC", "CET", "+03")
}

/** Offset and abbreviation of a location at an instant. */
export function zoneAt(location: string, ms: number): ZoneInfo {
  if (location === 'UTC') return { offset: 0, name: 'UTC' };
  if (location.startsWith(FIXED)) {
    const rest = location.slice(FIXED.length);
    const i = rest.indexOf(':');
    return { offset: Number(rest.slice(0, i)), name: rest.slice(i + 1) };
  }
  if (location === 'Local') {
    const offset = -new Date(ms).getTimezoneOffset() * 60;
    return { offset, name: zoneAbbrev(undefined, ms, offset) };
  }
  const offset = zoneOffsetAt(location, ms);
  return { offset, name: zoneAbbrev(location, ms, offset) };
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers

interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  wday: number; // 0 = Sunday
  yday: number; // 1-366
  offset: number;
  zone: string;
}

function civil(t: GoTime): Civil {
  const ms = t.date.getTime();
  const z = zoneAt(t.location, ms);
  const d = new Date(ms + z.offset * 1000);
  const year = d.getUTCFullYear();
  const start = new Date(0);
  start.setUTCFullYear(year, 0, 1);
  start.setUTCHours(0, 0, 0, 0);
  const yday = Math.floor((d.getTime() - start.getTime()) / 86400000) + 1;
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(),
    nsec: (((ms % 1000) + 1000) % 1000) * 1e6,
    wday: d.getUTCDay(),
    yday,
    offset: z.offset,
    zone: z.name,
  };
}

function pad(n: number, width: number): string {
  const neg = n < 0;
  const s = String(Math.abs(n)).padStart(width, '0');
  return neg ? '-' + s : s;
}

const longDayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const shortDayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const shortMonthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const longMonthNames = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** The instant of a civil date-time in a location (Go's time.Date). */
export function makeTime(
  year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, location: string,
): GoTime {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, Math.floor(nsec / 1e6));
  let ms = d.getTime();
  // Resolve the zone offset (two passes settle DST transitions like Go's lookup does).
  let off = zoneAt(location, ms).offset;
  let guess = ms - off * 1000;
  off = zoneAt(location, guess).offset;
  guess = ms - off * 1000;
  ms = guess;
  return new GoTime(new Date(ms), location);
}

// ---------------------------------------------------------------------------------------------
// Layouts

type Std =
  | 'none' | 'longMonth' | 'month' | 'numMonth' | 'zeroMonth' | 'longWeekDay' | 'weekDay'
  | 'day' | 'underDay' | 'zeroDay' | 'underYearDay' | 'zeroYearDay' | 'hour' | 'hour12' | 'zeroHour12'
  | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond' | 'longYear' | 'year' | 'PM' | 'pm' | 'TZ'
  | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ'
  | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ' | 'NumColonSecondsTZ' | 'fracSecond0' | 'fracSecond9';

interface Chunk {
  prefix: string;
  std: Std;
  suffix: string;
  fracDigits?: number;
  fracSep?: string;
}

const std0x: Std[] = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'];

function isDigitAt(s: string, i: number): boolean {
  const c = s[i];
  return c !== undefined && c >= '0' && c <= '9';
}

function nextStdChunk(layout: string): Chunk {
  const ret = (i: number, std: Std, len: number, extra?: Partial<Chunk>): Chunk => ({
    prefix: layout.slice(0, i), std, suffix: layout.slice(i + len), ...extra,
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    switch (c) {
      case 'J':
        if (layout.startsWith('Jan', i)) {
          if (layout.startsWith('January', i)) return ret(i, 'longMonth', 7);
          if (!/^[a-z]/.test(layout.slice(i + 3))) return ret(i, 'month', 3);
        }
        break;
      case 'M':
        if (layout.startsWith('Mon', i)) {
          if (layout.startsWith('Monday', i)) return ret(i, 'longWeekDay', 6);
          if (!/^[a-z]/.test(layout.slice(i + 3))) return ret(i, 'weekDay', 3);
        }
        if (layout.startsWith('MST', i)) return ret(i, 'TZ', 3);
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') return ret(i, std0x[n.charCodeAt(0) - 49]!, 2);
        if (layout.startsWith('002', i)) return ret(i, 'zeroYearDay', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return ret(i, 'hour', 2);
        return ret(i, 'numMonth', 1);
      case '2':
        if (layout.startsWith('2006', i)) return ret(i, 'longYear', 4);
        return ret(i, 'day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) return { prefix: layout.slice(0, i + 1), std: 'longYear', suffix: layout.slice(i + 5) };
          return ret(i, 'underDay', 2);
        }
        if (layout.startsWith('__2', i)) return ret(i, 'underYearDay', 3);
        break;
      case '3':
        return ret(i, 'hour12', 1);
      case '4':
        return ret(i, 'minute', 1);
      case '5':
        return ret(i, 'second', 1);
      case 'P':
        if (layout[i + 1] === 'M') return ret(i, 'PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return ret(i, 'pm', 2);
        break;
      case '-':
        if (layout.startsWith('-070000', i)) return ret(i, 'NumSecondsTz', 7);
        if (layout.startsWith('-07:00:00', i)) return ret(i, 'NumColonSecondsTZ', 9);
        if (layout.startsWith('-0700', i)) return ret(i, 'NumTZ', 5);
        if (layout.startsWith('-07:00', i)) return ret(i, 'NumColonTZ', 6);
        if (layout.startsWith('-07', i)) return ret(i, 'NumShortTZ', 3);
        break;
      case 'Z':
        if (layout.startsWith('Z070000', i)) return ret(i, 'ISO8601SecondsTZ', 7);
        if (layout.startsWith('Z07:00:00', i)) return ret(i, 'ISO8601ColonSecondsTZ', 9);
        if (layout.startsWith('Z0700', i)) return ret(i, 'ISO8601TZ', 5);
        if (layout.startsWith('Z07:00', i)) return ret(i, 'ISO8601ColonTZ', 6);
        if (layout.startsWith('Z07', i)) return ret(i, 'ISO8601ShortTZ', 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return {
              prefix: layout.slice(0, i),
              std: ch === '0' ? 'fracSecond0' : 'fracSecond9',
              suffix: layout.slice(j),
              fracDigits: j - (i + 1),
              fracSep: c,
            };
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, std: 'none', suffix: '' };
}

/** Time.Format(layout). */
export function formatTime(t: GoTime, layout: string): string {
  const c = civil(t);
  let out = '';
  while (layout !== '') {
    const ch = nextStdChunk(layout);
    out += ch.prefix;
    if (ch.std === 'none') break;
    layout = ch.suffix;
    switch (ch.std) {
      case 'year': out += pad(((c.year % 100) + 100) % 100, 2); break;
      case 'longYear': out += pad(c.year, 4); break;
      case 'month': out += shortMonthNames[c.month - 1]; break;
      case 'longMonth': out += longMonthNames[c.month - 1]; break;
      case 'numMonth': out += String(c.month); break;
      case 'zeroMonth': out += pad(c.month, 2); break;
      case 'weekDay': out += shortDayNames[c.wday]; break;
      case 'longWeekDay': out += longDayNames[c.wday]; break;
      case 'day': out += String(c.day); break;
      case 'underDay': out += (c.day < 10 ? ' ' : '') + c.day; break;
      case 'zeroDay': out += pad(c.day, 2); break;
      case 'underYearDay': out += String(c.yday).padStart(3, ' '); break;
      case 'zeroYearDay': out += pad(c.yday, 3); break;
      case 'hour': out += pad(c.hour, 2); break;
      case 'hour12': out += String(c.hour % 12 === 0 ? 12 : c.hour % 12); break;
      case 'zeroHour12': out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2); break;
      case 'minute': out += String(c.min); break;
      case 'zeroMinute': out += pad(c.min, 2); break;
      case 'second': out += String(c.sec); break;
      case 'zeroSecond': out += pad(c.sec, 2); break;
      case 'PM': out += c.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += c.hour >= 12 ? 'pm' : 'am'; break;
      case 'TZ':
        if (c.zone !== '') out += c.zone;
        else out += formatOffset(c.offset, false, true, false);
        break;
      case 'fracSecond0': {
        const digits = pad(c.nsec, 9).slice(0, ch.fracDigits);
        out += ch.fracSep + digits;
        break;
      }
      case 'fracSecond9': {
        let digits = pad(c.nsec, 9).slice(0, ch.fracDigits).replace(/0+$/, '');
        if (digits !== '') out += ch.fracSep + digits;
        digits = '';
        break;
      }
      default: {
        const s = ch.std;
        if (s.startsWith('ISO8601') && c.offset === 0) { out += 'Z'; break; }
        const colon = s.includes('Colon');
        const short = s.endsWith('ShortTZ');
        const seconds = s.includes('Seconds');
        out += formatOffset(c.offset, colon, !short, seconds);
      }
    }
  }
  return out;
}

function formatOffset(offset: number, colon: boolean, minutes: boolean, seconds: boolean): string {
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let out = '';
  if (zone < 0) { out += '-'; zone = -zone; abs = -abs; } else out += '+';
  out += pad(Math.floor(zone / 60), 2);
  if (colon) out += ':';
  if (minutes) out += pad(zone % 60, 2);
  if (seconds) {
    if (colon) out += ':';
    out += pad(abs % 60, 2);
  }
  return out;
}

/** time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
export function goTimeString(t: GoTime): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** time's own quoting in error messages. */
function tquote(s: string): string {
  let out = '"';
  for (const r of s) {
    const c = r.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of new TextEncoder().encode(r)) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      if (r === '"' || r === '\\') out += '\\';
      out += r;
    }
  }
  return out + '"';
}

export class TimeParseError extends Error {}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): TimeParseError {
  if (message === '') {
    return new TimeParseError(
      `parsing time ${tquote(value)} as ${tquote(layout)}: cannot parse ${tquote(valueElem)} as ${tquote(layoutElem)}`,
    );
  }
  return new TimeParseError(`parsing time ${tquote(value)}${message}`);
}

function cutspace(s: string): string {
  let i = 0;
  while (i < s.length && s[i] === ' ') i++;
  return s.slice(i);
}

function skip(value: string, prefix: string): string | undefined {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return undefined;
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return undefined;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) {
    if (fixed) return undefined;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 48);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, s.slice(i)];
}

function lookup(tab: string[], val: string): [number, string] | undefined {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) {
      return [i, val.slice(v.length)];
    }
  }
  return undefined;
}

function parseNanoseconds(value: string, nbytes: number): { ns: number; range: string } | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  if (nbytes > 10) nbytes = 10;
  const digits = value.slice(1, nbytes);
  if (!/^\d*$/.test(digits)) return undefined;
  let ns = Number(digits || '0');
  for (let i = 0; i < 10 - nbytes; i++) ns *= 10;
  return { ns, range: '' };
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== '-' && sign !== '+') return 0;
  let i = 1;
  while (i < value.length && isDigitAt(value, i)) i++;
  if (i === 1) return 0;
  const x = Number(value.slice(1, i));
  if (x > 24) return 0;
  return i;
}

function parseGMT(value: string): number {
  value = value.slice(3);
  if (value.length === 0) return 3;
  return 3 + parseSignedOffset(value);
}

function parseTimeZone(value: string): number | undefined {
  if (value.length < 3) return undefined;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return parseGMT(value);
  if (value[0] === '+' || value[0] === '-') {
    const n = parseSignedOffset(value);
    return n > 0 ? n : undefined;
  }
  let nUpper = 0;
  for (; nUpper < 6; nUpper++) {
    if (nUpper >= value.length) break;
    const c = value[nUpper]!;
    if (c < 'A' || c > 'Z') break;
  }
  switch (nUpper) {
    case 5:
      return value[4] === 'T' ? 5 : undefined;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : undefined;
    case 3:
      return 3;
  }
  return undefined;
}

/** time.ParseInLocation(layout, value, loc); throws TimeParseError with Go's message. */
export function parseInLocation(layout: string, value: string, loc: string): GoTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = '';
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utc = false;
  let zoneOffset = -1;
  let zoneName = '';

  for (;;) {
    const ch = nextStdChunk(layout);
    const stdstr = layout.slice(ch.prefix.length, layout.length - ch.suffix.length);
    const skipped = skip(value, ch.prefix);
    if (skipped === undefined) throw parseError(alayout, avalue, ch.prefix, value, '');
    value = skipped;
    if (ch.std === 'none') {
      if (value.length !== 0) throw parseError(alayout, avalue, '', value, `: extra text: ${tquote(value)}`);
      break;
    }
    layout = ch.suffix;
    const hold = value;
    let bad = false;
    const num = (fixed: boolean): number => {
      const r = getnum(value, fixed);
      if (!r) { bad = true; return 0; }
      value = r[1];
      return r[0];
    };
    switch (ch.std) {
      case 'year': {
        if (value.length < 2 || !/^\d\d/.test(value)) { bad = true; break; }
        year = Number(value.slice(0, 2));
        value = value.slice(2);
        year += year >= 69 ? 1900 : 2000;
        break;
      }
      case 'longYear':
        if (value.length < 4 || !/^\d{4}/.test(value)) { bad = true; break; }
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case 'month':
      case 'longMonth': {
        const r = lookup(ch.std === 'month' ? shortMonthNames : longMonthNames, value);
        if (!r) { bad = true; break; }
        month = r[0] + 1;
        value = r[1];
        break;
      }
      case 'numMonth':
      case 'zeroMonth':
        month = num(ch.std === 'zeroMonth');
        if (!bad && (month <= 0 || month > 12)) rangeErr = 'month';
        break;
      case 'weekDay':
      case 'longWeekDay': {
        const r = lookup(ch.std === 'weekDay' ? shortDayNames : longDayNames, value);
        if (!r) { bad = true; break; }
        value = r[1];
        break;
      }
      case 'day':
      case 'underDay':
      case 'zeroDay':
        if (ch.std === 'underDay' && value[0] === ' ') value = value.slice(1);
        day = num(ch.std === 'zeroDay');
        break;
      case 'underYearDay':
      case 'zeroYearDay': {
        for (let i = 0; i < 2; i++) if (ch.std === 'underYearDay' && value[0] === ' ') value = value.slice(1);
        const r = getnum3(value, ch.std === 'zeroYearDay');
        if (!r) { bad = true; break; }
        yday = r[0];
        value = r[1];
        break;
      }
      case 'hour':
        hour = num(false);
        if (hour < 0 || hour >= 24) rangeErr = 'hour';
        break;
      case 'hour12':
      case 'zeroHour12':
        hour = num(ch.std === 'zeroHour12');
        if (hour < 0 || hour > 12) rangeErr = 'hour';
        break;
      case 'minute':
      case 'zeroMinute':
        min = num(ch.std === 'zeroMinute');
        if (min < 0 || min >= 60) rangeErr = 'minute';
        break;
      case 'second':
      case 'zeroSecond': {
        sec = num(ch.std === 'zeroSecond');
        if (bad) break;
        if (sec < 0 || sec >= 60) { rangeErr = 'second'; break; }
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === 'fracSecond0' || next === 'fracSecond9') break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          const r = parseNanoseconds(value, n);
          if (!r) { bad = true; break; }
          nsec = r.ns;
          value = value.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (value.length < 2) { bad = true; break; }
        const p = value.slice(0, 2);
        value = value.slice(2);
        const up = ch.std === 'PM';
        if (p === (up ? 'PM' : 'pm')) pmSet = true;
        else if (p === (up ? 'AM' : 'am')) amSet = true;
        else bad = true;
        break;
      }
      case 'TZ': {
        if (value.startsWith('UTC')) { utc = true; value = value.slice(3); break; }
        const n = parseTimeZone(value);
        if (n === undefined) { bad = true; break; }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case 'fracSecond0': {
        const ndigit = 1 + (ch.fracDigits ?? 0);
        if (value.length < ndigit) { bad = true; break; }
        const r = parseNanoseconds(value, ndigit);
        if (!r) { bad = true; break; }
        nsec = r.ns;
        value = value.slice(ndigit);
        break;
      }
      case 'fracSecond9': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        const r = parseNanoseconds(value, 1 + i);
        if (!r) { bad = true; break; }
        nsec = r.ns;
        value = value.slice(1 + i);
        break;
      }
      default: {
        const s = ch.std;
        if (s.startsWith('ISO8601') && value[0] === 'Z') { value = value.slice(1); utc = true; break; }
        let sign: string, hh: string, mm: string, ss: string;
        if (s === 'ISO8601ColonTZ' || s === 'NumColonTZ') {
          if (value.length < 6 || value[3] !== ':') { bad = true; break; }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(4, 6), '00'];
          value = value.slice(6);
        } else if (s === 'NumShortTZ' || s === 'ISO8601ShortTZ') {
          if (value.length < 3) { bad = true; break; }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), '00', '00'];
          value = value.slice(3);
        } else if (s === 'ISO8601ColonSecondsTZ' || s === 'NumColonSecondsTZ') {
          if (value.length < 9 || value[3] !== ':' || value[6] !== ':') { bad = true; break; }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
          value = value.slice(9);
        } else if (s === 'ISO8601SecondsTZ' || s === 'NumSecondsTz') {
          if (value.length < 7) { bad = true; break; }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
          value = value.slice(7);
        } else {
          if (value.length < 5) { bad = true; break; }
          [sign, hh, mm, ss] = [value[0]!, value.slice(1, 3), value.slice(3, 5), '00'];
          value = value.slice(5);
        }
        const h = getnum(hh, true);
        const m = getnum(mm, true);
        const sc = getnum(ss, true);
        if (!h || !m || !sc) { bad = true; break; }
        if (h[0] > 24) rangeErr = 'time zone offset hour';
        if (m[0] > 60) rangeErr = 'time zone offset minute';
        if (sc[0] > 60) rangeErr = 'time zone offset second';
        zoneOffset = (h[0] * 60 + m[0]) * 60 + sc[0];
        if (sign === '-') zoneOffset = -zoneOffset;
        else if (sign !== '+') bad = true;
      }
    }
    if (rangeErr !== '') throw parseError(alayout, avalue, stdstr, value, `: ${rangeErr} out of range`);
    if (bad) throw parseError(alayout, avalue, stdstr, hold, '');
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    const leap = daysIn(2, year) === 29;
    if (yday < 1 || yday > (leap ? 366 : 365)) throw parseError(alayout, avalue, '', value, ': day-of-year out of range');
    if (month < 0) {
      let rest = yday;
      m = 1;
      while (rest > daysIn(m, year)) { rest -= daysIn(m, year); m++; }
      d = rest;
    } else {
      m = month;
      d = yday;
      for (let i = 1; i < m; i++) d -= daysIn(i, year);
      if (d < 1 || d > daysIn(m, year)) throw parseError(alayout, avalue, '', value, ': day-of-year does not match month');
    }
    if (day >= 0 && day !== d) throw parseError(alayout, avalue, '', value, ': day-of-year does not match day');
    month = m;
    day = d;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, '', value, ': day out of range');

  if (utc) return makeTime(year, month, day, hour, min, sec, nsec, 'UTC');
  if (zoneOffset !== -1) {
    const t = makeTime(year, month, day, hour, min, sec, nsec, 'UTC');
    const ms = t.date.getTime() - zoneOffset * 1000;
    const local = zoneAt('Local', ms);
    if (local.offset === zoneOffset && (zoneName === '' || local.name === zoneName)) return new GoTime(new Date(ms), 'Local');
    return new GoTime(new Date(ms), fixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== '') {
    const t = makeTime(year, month, day, hour, min, sec, nsec, 'UTC');
    const local = zoneAt('Local', t.date.getTime());
    if (local.name === zoneName) {
      return new GoTime(new Date(t.date.getTime() - local.offset * 1000), 'Local');
    }
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = Number(zoneName.slice(3)) * 3600;
    return new GoTime(new Date(t.date.getTime() - offset * 1000), fixedZone(zoneName, offset));
  }
  return makeTime(year, month, day, hour, min, sec, nsec, loc);
}

/** Go's zero time.Time (January 1, year 1, 00:00:00 UTC). */
export function zeroTime(): GoTime {
  return makeTime(1, 1, 1, 0, 0, 0, 0, 'UTC');
}

// ---------------------------------------------------------------------------------------------
// Durations (nanoseconds as bigint, int64 range)

const unitMap: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5
  'μs': 1000n, // U+03BC
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};

const MAX_DUR = (1n << 63n) - 1n;

/** time.ParseDuration; throws Error with Go's message. */
export function parseDuration(orig: string): bigint {
  let s = orig;
  let d = 0n;
  let neg = false;
  const invalid = (): Error => new Error(`time: invalid duration ${tquote(orig)}`);
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  while (s !== '') {
    if (!(s[0] === '.' || isDigitAt(s, 0))) throw invalid();
    let i = 0;
    while (i < s.length && isDigitAt(s, i)) i++;
    const pre = i > 0;
    let v = pre ? BigInt(s.slice(0, i)) : 0n;
    if (v > 1n << 63n) throw invalid();
    s = s.slice(i);
    let post = false;
    let frac = '';
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      while (j < s.length && isDigitAt(s, j)) j++;
      frac = s.slice(0, j);
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    let k = 0;
    while (k < s.length && s[k] !== '.' && !isDigitAt(s, k)) k++;
    if (k === 0) throw new Error(`time: missing unit in duration ${tquote(orig)}`);
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = unitMap[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${tquote(u)} in duration ${tquote(orig)}`);
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    if (frac !== '') {
      // Go accumulates at most 19 fraction digits and scales with float64.
      let f = 0n;
      let scale = 1;
      for (const ch of frac) {
        if (f > ((1n << 63n) - 1n) / 10n) continue;
        f = f * 10n + BigInt(ch.charCodeAt(0) - 48);
        scale *= 10;
      }
      if (f > 0n) {
        v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
        if (v > 1n << 63n) throw invalid();
      }
    }
    d += v;
    if (d > 1n << 63n) throw invalid();
  }
  if (neg) return -d;
  if (d > MAX_DUR) throw invalid();
  return d;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) out = String(digit) + out;
    v /= 10n;
  }
  if (print) out = '.' + out;
  return [out, v];
}

/** time.Duration.String(). */
export function durationString(d: bigint): string {
  d = BigInt.asIntN(64, d);
  let u = d < 0n ? -d : d;
  if (u < 0n) u = -u; // unreachable guard
  const neg = d < 0n;
  let out: string;
  if (u < 1000000000n) {
    if (u === 0n) return '0s';
    let unit: string;
    let prec: number;
    if (u < 1000n) { prec = 0; unit = 'ns'; }
    else if (u < 1000000n) { prec = 3; unit = 'µs'; }
    else { prec = 6; unit = 'ms'; }
    const [frac, rest] = fmtFrac(u, prec);
    out = String(rest) + frac + unit;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    out = String(secs % 60n) + frac + 's';
    let mins = secs / 60n;
    if (mins > 0n) {
      out = String(mins % 60n) + 'm' + out;
      const hours = mins / 60n;
      if (hours > 0n) out = String(hours) + 'h' + out;
      mins = 0n;
    }
  }
  return neg ? '-' + out : out;
}

/** time.Duration.Round(m). */
export function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  const lessThanHalf = (x: bigint, y: bigint): boolean => x + x < y;
  if (d < 0n) {
    r = -r;
    if (lessThanHalf(r, m)) return d + r;
    const d1 = d - m + r;
    return d1 < d ? d1 : -(1n << 63n);
  }
  if (lessThanHalf(r, m)) return d - r;
  const d1 = d + m - r;
  return d1 > d ? d1 : MAX_DUR;
}

/** t.Add(d) with d in nanoseconds (millisecond precision kept). */
export function addDuration(t: GoTime, d: bigint): GoTime {
  const ms = t.date.getTime() + Number(d / 1000000n);
  return new GoTime(new Date(ms), t.location);
}

/** t.Sub(u) in nanoseconds. */
export function subTimes(t: Date, u: Date): bigint {
  return BigInt(t.getTime() - u.getTime()) * 1000000n;
}
