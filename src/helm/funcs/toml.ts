// toToml: BurntSushi/toml's encoder as Helm uses it (keys sorted, plain keys first, then tables
// indented by two spaces per level, arrays of tables as [[name]]); errors are returned as text.

import { isMap } from '../template/values.js';

function quoteKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k);
}

function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\b': out += '\\b'; break;
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\f': out += '\\f'; break;
      case '\r': out += '\\r'; break;
      default:
        if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
        else out += ch;
    }
  }
  return out + '"';
}

function isTableArray(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((x) => isMap(x));
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return v.toFixed(1);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(scalar).join(', ') + ']';
  if (isMap(v)) return '{' + Object.keys(v).sort().map((k) => `${quoteKey(k)} = ${scalar(v[k])}`).join(', ') + '}';
  throw new Error(`toml: cannot encode a value of type ${typeof v}`);
}

function encodeTable(m: Record<string, unknown>, path: string[], indent: string, out: string[]): void {
  const keys = Object.keys(m).sort();
  for (const k of keys) {
    const v = m[k];
    if (v === null || v === undefined) continue;
    if (isMap(v) || isTableArray(v)) continue;
    out.push(`${indent}${quoteKey(k)} = ${scalar(v)}\n`);
  }
  for (const k of keys) {
    const v = m[k];
    const p = [...path, quoteKey(k)];
    if (isMap(v)) {
      out.push(`\n${indent}[${p.join('.')}]\n`);
      encodeTable(v, p, path.length >= 0 ? indent + '  ' : indent, out);
    } else if (isTableArray(v)) {
      for (const item of v as Record<string, unknown>[]) {
        out.push(`\n${indent}[[${p.join('.')}]]\n`);
        encodeTable(item, p, indent + '  ', out);
      }
    }
  }
}

/** Helm's toToml: the TOML text, or the encoder's error message. */
export function toToml(v: unknown): string {
  try {
    if (!isMap(v)) throw new Error('toml: top-level values must be Go maps or structs');
    const out: string[] = [];
    encodeTable(v, [], '', out);
    let s = out.join('');
    if (s.startsWith('\n')) s = s.slice(1);
    return s;
  } catch (e) {
    return (e as Error).message;
  }
}
