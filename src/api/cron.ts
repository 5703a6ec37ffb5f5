// Cron schedules as Kubernetes' CronJob controller reads them (robfig/cron/v3 ParseStandard): five
// fields (minute hour day-of-month month day-of-week) or a descriptor (@yearly, @monthly, @weekly,
// @daily, @midnight, @hourly, @every <duration>), with an optional `CRON_TZ=`/`TZ=` prefix. next()
// walks the calendar the way robfig's SpecSchedule.Next does, in the schedule's time zone, including
// its behaviour around daylight-saving transitions (a time skipped by spring-forward moves on, an
// hour repeated by fall-back may fire twice).

export class CronParseError extends Error {}

interface Bounds { min: number; max: number; names?: Record<string, number> }

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** One field: which values match, and whether it was written as `*`/`?` (robfig's star bit). */
interface Field { bits: boolean[]; star: boolean }

export interface Schedule {
  /** The first activation strictly after `t` (epoch ms, whole seconds); 0 when none within five years. */
  next(t: number): number;
  readonly timeZone: string | undefined;
}

// ---- time zones

interface Fields { y: number; mo: number; d: number; h: number; mi: number; s: number; wd: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string | undefined): Intl.DateTimeFormat {
  const k = tz ?? '';
  let f = formatters.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', weekday: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(k, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock fields of instant `t` in zone `tz` (undefined: the process's local zone). */
export function fieldsIn(tz: string | undefined, t: number): Fields {
  if (tz === 'UTC') {
    const d = new Date(t);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), wd: d.getUTCDay() };
  }
  const out: Partial<Fields> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) {
    switch (p.type) {
      case 'year': out.y = Number(p.value); break;
      case 'month': out.mo = Number(p.value); break;
      case 'day': out.d = Number(p.value); break;
      case 'hour': out.h = Number(p.value) % 24; break;
      case 'minute': out.mi = Number(p.value); break;
      case 'second': out.s = Number(p.value); break;
      case 'weekday': out.wd = WEEKDAYS[p.value]; break;
    }
  }
  return out as Fields;
}

/** The zone's UTC offset at instant `t`, in ms. */
export function offsetAt(tz: string | undefined, t: number): number {
  const sec = Math.floor(t / 1000) * 1000;
  const f = fieldsIn(tz, sec);
  return Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s) - sec;
}

/**
 * Go's time.Date(y, mo, d, h, mi, s, 0, loc): out-of-range fields normalise (month 13 is next
 * January); a wall time that a transition skips or repeats resolves as Go resolves it.
 */
export function dateIn(tz: string | undefined, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  if (tz === 'UTC') return local;
  const off1 = offsetAt(tz, local);
  const off2 = offsetAt(tz, local - off1);
  return local - off2;
}

export function isValidTimeZone(tz: string): boolean {
  if (tz === 'UTC' || tz === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A time in RFC 3339 as Go formats it in a zone: `2024-01-01T10:00:00Z` for UTC,
 * `2024-01-01T11:00:00+01:00` elsewhere.
 */
export function formatRfc3339In(tz: string | undefined, t: number): string {
  const sec = Math.floor(t / 1000) * 1000;
  if (tz === undefined || tz === '' || tz === 'UTC') return new Date(sec).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const f = fieldsIn(tz, sec);
  const off = offsetAt(tz, sec) / 60_000;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
  return `${String(f.y).padStart(4, '0')}-${p2(f.mo)}-${p2(f.d)}T${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}${zone}`;
}

// ---- parsing

function parseUint(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new CronParseError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const v = names?.[expr.toLowerCase()];
  return v !== undefined ? v : parseUint(expr);
}

function parseField(field: string, r: Bounds): Field {
  const bits = new Array<boolean>(r.max + 1).fill(false);
  let star = false;
  for (const expr of field.split(',')) {
    const rangeAndStep = expr.split('/');
    const lowAndHigh = rangeAndStep[0].split('-');
    const single = lowAndHigh.length === 1;
    let start: number;
    let end: number;
    let isStar = false;
    if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
      start = r.min; end = r.max; isStar = true;
    } else {
      start = parseIntOrName(lowAndHigh[0], r.names);
      if (lowAndHigh.length === 1) end = start;
      else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r.names);
      else throw new CronParseError(`too many hyphens: ${expr}`);
    }
    let step = 1;
    if (rangeAndStep.length === 2) {
      step = parseUint(rangeAndStep[1]);
      if (single) end = r.max;
      if (step > 1) isStar = false;
    } else if (rangeAndStep.length > 2) {
      throw new CronParseError(`too many slashes: ${expr}`);
    }
    if (start < r.min) throw new CronParseError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
    if (end > r.max) throw new CronParseError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
    if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
    if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
    for (let i = start; i <= end; i += step) bits[i] = true;
    if (isStar) star = true;
  }
  return { bits, star };
}

function all(r: Bounds, star = true): Field {
  const bits = new Array<boolean>(r.max + 1).fill(false);
  for (let i = r.min; i <= r.max; i++) bits[i] = true;
  return { bits, star };
}

function only(r: Bounds, v: number): Field {
  const bits = new Array<boolean>(r.max + 1).fill(false);
  bits[v] = true;
  return { bits, star: false };
}

/** Go duration syntax (`1h30m`, `90s`, `1.5h`) in ms. */
function parseGoDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (!/^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/.test(s) || s === '') throw new CronParseError(`time: invalid duration ${JSON.stringify(s)}`);
  let total = 0;
  for (const m of s.matchAll(/([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1] || 0) * units[m[2]];
  return total;
}

/**
 * Parses a schedule. `defaultTimeZone` applies when the spec has no CRON_TZ/TZ prefix (undefined:
 * the process's local zone, as Kubernetes' controller manager uses its own).
 */
export function parseSchedule(specIn: string, defaultTimeZone?: string): Schedule {
  let spec = specIn.trim();
  if (spec.length === 0) throw new CronParseError('empty spec string');
  let tz = defaultTimeZone;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const name = spec.slice(spec.indexOf('=') + 1, i < 0 ? undefined : i);
    if (!isValidTimeZone(name)) throw new CronParseError(`provided bad location ${name}: unknown time zone ${name}`);
    tz = name === 'Local' ? undefined : name;
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@every ')) {
    let d = parseGoDuration(spec.slice(7).trim());
    d = d < 1000 ? 1000 : d - (d % 1000);
    return { timeZone: tz, next: (t) => Math.floor(t / 1000) * 1000 + d };
  }
  let f: { mi: Field; h: Field; dom: Field; mo: Field; dow: Field };
  switch (spec) {
    case '@yearly': case '@annually':
      f = { mi: only(MINUTES, 0), h: only(HOURS, 0), dom: only(DOM, 1), mo: only(MONTHS, 1), dow: all(DOW) }; break;
    case '@monthly':
      f = { mi: only(MINUTES, 0), h: only(HOURS, 0), dom: only(DOM, 1), mo: all(MONTHS), dow: all(DOW) }; break;
    case '@weekly':
      f = { mi: only(MINUTES, 0), h: only(HOURS, 0), dom: all(DOM), mo: all(MONTHS), dow: only(DOW, 0) }; break;
    case '@daily': case '@midnight':
      f = { mi: only(MINUTES, 0), h: only(HOURS, 0), dom: all(DOM), mo: all(MONTHS), dow: all(DOW) }; break;
    case '@hourly':
      f = { mi: only(MINUTES, 0), h: all(HOURS), dom: all(DOM), mo: all(MONTHS), dow: all(DOW) }; break;
    default: {
      if (spec.startsWith('@')) throw new CronParseError(`unrecognized descriptor: ${spec}`);
      const parts = spec.split(/\s+/).filter(Boolean);
      if (parts.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
      f = { mi: parseField(parts[0], MINUTES), h: parseField(parts[1], HOURS), dom: parseField(parts[2], DOM), mo: parseField(parts[3], MONTHS), dow: parseField(parts[4], DOW) };
    }
  }
  return { timeZone: tz, next: (t) => specNext(f, tz, t) };
}

function dayMatches(f: { dom: Field; dow: Field }, t: Fields): boolean {
  const domMatch = f.dom.bits[t.d];
  const dowMatch = f.dow.bits[t.wd];
  if (f.dom.star || f.dow.star) return domMatch && dowMatch;
  return domMatch || dowMatch;
}

/** robfig's SpecSchedule.Next, field by field in the schedule's zone (seconds are always 0). */
function specNext(f: { mi: Field; h: Field; dom: Field; mo: Field; dow: Field }, tz: string | undefined, from: number): number {
  let t = Math.floor(from / 1000) * 1000 + 1000;
  let c = fieldsIn(tz, t);
  let added = false;
  const yearLimit = c.y + 5;
  const set = (x: number) => { t = x; c = fieldsIn(tz, t); };
  wrap: for (;;) {
    if (c.y > yearLimit) return 0;
    while (!f.mo.bits[c.mo]) {
      if (!added) { added = true; set(dateIn(tz, c.y, c.mo, 1, 0, 0, 0)); }
      set(dateIn(tz, c.y, c.mo + 1, c.d, c.h, c.mi, c.s));
      if (c.mo === 1) continue wrap;
    }
    while (!dayMatches(f, c)) {
      if (!added) { added = true; set(dateIn(tz, c.y, c.mo, c.d, 0, 0, 0)); }
      set(dateIn(tz, c.y, c.mo, c.d + 1, c.h, c.mi, c.s));
      // midnight may not exist on a DST day: snap back to it
      if (c.h !== 0) {
        if (c.h > 12) set(t + (24 - c.h) * 3_600_000);
        else set(t - c.h * 3_600_000);
      }
      if (c.d === 1) continue wrap;
    }
    while (!f.h.bits[c.h]) {
      if (!added) { added = true; set(dateIn(tz, c.y, c.mo, c.d, c.h, 0, 0)); }
      set(t + 3_600_000);
      if (c.h === 0) continue wrap;
    }
    while (!f.mi.bits[c.mi]) {
      if (!added) { added = true; set(t - (((t % 60_000) + 60_000) % 60_000)); }
      set(t + 60_000);
      if (c.mi === 0) continue wrap;
    }
    while (c.s !== 0) {
      if (!added) { added = true; set(Math.floor(t / 1000) * 1000); }
      set(t + 1000);
      if (c.s === 0) continue wrap;
    }
    return t;
  }
}
