// Human-readable ages, the way Kubernetes prints them in tables (apimachinery's duration.HumanDuration):
// precise for young objects ("90s", "5m12s", "3h5m"), coarser as they age ("12h", "3d4h", "45d", "3y20d").

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Formats a duration given in milliseconds. Up to two seconds in the future counts as "now" (clock skew). */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

const ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/**
 * Parses a Kubernetes timestamp (RFC 3339, optionally with fractional seconds). Returns undefined for
 * absent/empty values (Go's zero time) and NaN for text that is not a timestamp.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return Number.NaN;
  if (!/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) return Number.NaN;
  const t = Date.parse(value);
  // Go's zero time (0001-01-01T00:00:00Z) is "unset".
  if (t === ZERO_TIME) return undefined;
  return t;
}

/** Age of a timestamp relative to `now`, or `<unknown>` when the timestamp is unset. */
export function translateTimestampSince(value: unknown, now: number): string {
  const t = parseTimestamp(value);
  if (t === undefined || Number.isNaN(t)) return '<unknown>';
  return humanDuration(now - t);
}
