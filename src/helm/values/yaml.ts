// YAML as Helm reads and writes it: sigs.k8s.io/yaml over go-yaml v2 and encoding/json.
//
// Reading (yamlToValue) follows YAML -> JSON -> interface{}: plain scalars resolve as go-yaml v2
// resolves them (YAML 1.1 booleans yes/no/on/off/y/n, 0x/0o/0b/leading-zero octal integers,
// underscores, .inf/.nan), then every number becomes a float64 (a JS number) because it passes
// through encoding/json; map keys become strings; timestamps stay strings.
//
// Writing (toYaml) follows yaml.Marshal: the value is JSON-encoded (Go's encoding/json), decoded by
// go-yaml (integers vs floats decided from the JSON text), and emitted by go-yaml v2's emitter:
// keys in go-yaml's "natural" order, strings quoted only when go-yaml would, long plain and quoted
// strings folded at column 80, multi-line strings as literal blocks, sequences not indented inside
// mappings.

import { parseAllDocuments, isAlias, isMap as isYamlMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { marshal } from '../sprig/json.js';

/** An error reading YAML, with go-yaml's message (`yaml: line N: ...`). */
export class YamlError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

// ------------------------------------------------------------------------------------------------
// go-yaml v2 plain scalar resolution

export type Resolved =
  | { tag: 'null'; value: null }
  | { tag: 'bool'; value: boolean }
  | { tag: 'int'; value: number; text: string }
  | { tag: 'float'; value: number }
  | { tag: 'timestamp'; value: string }
  | { tag: 'merge'; value: string }
  | { tag: 'str'; value: string };

const boolTrue = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const boolFalse = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const nulls = new Set(['', '~', 'null', 'Null', 'NULL']);
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** Go's strconv.ParseInt/ParseUint(s, 0, 64) as a bigint, or undefined when it fails. */
function parseGoInt(s: string, unsigned: boolean): bigint | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    if (unsigned) return undefined;
    neg = s[0] === '-';
    i = 1;
  }
  let body = s.slice(i);
  let base = 10;
  if (/^0[xX]/.test(body)) { base = 16; body = body.slice(2); }
  else if (/^0[oO]/.test(body)) { base = 8; body = body.slice(2); }
  else if (/^0[bB]/.test(body)) { base = 2; body = body.slice(2); }
  else if (body.length > 1 && body[0] === '0') { base = 8; body = body.slice(1); }
  if (body === '') return undefined;
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(prefix + body);
  if (neg) v = -v;
  if (unsigned ? v > UINT64_MAX : v > INT64_MAX || v < INT64_MIN) return undefined;
  return v;
}

function isTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$/.exec(s);
  if (!m) return false;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return false;
  return true;
}

/** go-yaml v2's resolve("", s) for a plain scalar. */
export function resolvePlain(s: string): Resolved {
  if (nulls.has(s)) return { tag: 'null', value: null };
  const c = s[0]!;
  if (boolTrue.has(s)) return { tag: 'bool', value: true };
  if (boolFalse.has(s)) return { tag: 'bool', value: false };
  if (s === '.nan' || s === '.NaN' || s === '.NAN') return { tag: 'float', value: NaN };
  if (s === '.inf' || s === '.Inf' || s === '.INF' || s === '+.inf' || s === '+.Inf' || s === '+.INF') return { tag: 'float', value: Infinity };
  if (s === '-.inf' || s === '-.Inf' || s === '-.INF') return { tag: 'float', value: -Infinity };
  if (c === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) return { tag: 'float', value: Number(s) };
    return { tag: 'str', value: s };
  }
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (isTimestamp(s)) return { tag: 'timestamp', value: s };
    const plain = s.replaceAll('_', '');
    const iv = parseGoInt(plain, false) ?? parseGoInt(plain, true);
    if (iv !== undefined) return { tag: 'int', value: Number(iv), text: iv.toString() };
    if (yamlStyleFloat.test(plain)) {
      const f = Number(plain);
      if (!Number.isNaN(f)) return { tag: 'float', value: f };
    }
  }
  return { tag: 'str', value: s };
}

const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Whether go-yaml v2 may write the string as a plain scalar (it would read back as a string). */
export function stringResolvesAsString(s: string): boolean {
  return resolvePlain(s).tag === 'str' && !base60Float.test(s);
}

// ------------------------------------------------------------------------------------------------
// Reading

function setKey(m: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

function goFloatKey(f: number): string {
  // strconv.FormatFloat(f, 'g', -1, 32) as sigs.k8s.io/yaml converts float keys.
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  return formatGoFloatG(Math.fround(f), true);
}

interface Ctx {
  doc: Document;
  lineOf: (offset: number) => number;
}

function scalarValue(node: YamlNode, ctx: Ctx, asKey: boolean): unknown {
  if (!isScalar(node)) return undefined;
  const raw = node.value;
  const text = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
  const tag = node.tag;
  if (tag && tag !== '!') {
    const short = tag.replace(/^tag:yaml\.org,2002:/, '!!');
    switch (short) {
      case '!!str': return text;
      case '!!null': return null;
      case '!!bool': {
        const r = resolvePlain(text);
        if (r.tag !== 'bool') throw new YamlError(`yaml: cannot decode !!str \`${text}\` as a !!bool`, ctx.lineOf(node.range?.[0] ?? 0));
        return r.value;
      }
      case '!!int': case '!!float': {
        const r = resolvePlain(text);
        if (r.tag !== 'int' && r.tag !== 'float') throw new YamlError(`yaml: cannot decode !!str \`${text}\` as a ${short}`, ctx.lineOf(node.range?.[0] ?? 0));
        return checkFinite(r.value, node, ctx);
      }
      case '!!binary': return text;
      default: break;
    }
  }
  if (node.type !== 'PLAIN') return text;
  const r = resolvePlain(text);
  switch (r.tag) {
    case 'null': return asKey ? 'null' : null;
    case 'bool': return asKey ? String(r.value) : r.value;
    case 'int': return asKey ? r.text : r.value;
    case 'float':
      if (asKey) return goFloatKey(r.value);
      return checkFinite(r.value, node, ctx);
    default: return r.value;
  }
}

function checkFinite(v: number, node: YamlNode, ctx: Ctx): number {
  if (!Number.isFinite(v)) {
    throw new YamlError(`error converting YAML to JSON: json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`, ctx.lineOf(node.range?.[0] ?? 0));
  }
  return v;
}

function convert(node: YamlNode | null | undefined, ctx: Ctx, depth: number): unknown {
  if (node === null || node === undefined) return null;
  if (depth > 10000) throw new YamlError('yaml: exceeded max depth of 10000', 0);
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    return convert(target as YamlNode | undefined, ctx, depth + 1);
  }
  if (isScalar(node)) return scalarValue(node, ctx, false);
  if (isSeq(node)) return node.items.map((it) => convert(it as YamlNode, ctx, depth + 1));
  if (isYamlMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const valNode = pair.value as YamlNode | null;
      if (keyNode && isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<' && !keyNode.tag) {
        mergeInto(out, valNode, ctx, depth);
        continue;
      }
      let key: string;
      if (keyNode === null) key = 'null';
      else if (isScalar(keyNode)) key = String(scalarValue(keyNode, ctx, true));
      else if (isAlias(keyNode)) {
        const t = keyNode.resolve(ctx.doc) as YamlNode | undefined;
        if (t && isScalar(t)) key = String(scalarValue(t, ctx, true));
        else throw new YamlError(`yaml: invalid map key: ${String(keyNode)}`, ctx.lineOf(keyNode.range?.[0] ?? 0));
      } else {
        throw new YamlError(`error converting YAML to JSON: unsupported map key of type: map`, ctx.lineOf(keyNode.range?.[0] ?? 0));
      }
      setKey(out, key, convert(valNode, ctx, depth + 1));
    }
    return out;
  }
  return null;
}

function mergeInto(out: Record<string, unknown>, valNode: YamlNode | null, ctx: Ctx, depth: number): void {
  const resolve = (n: YamlNode | null): YamlNode | null => (n && isAlias(n) ? ((n.resolve(ctx.doc) as YamlNode | undefined) ?? null) : n);
  const v = resolve(valNode);
  const mergeMap = (n: YamlNode | null): void => {
    const m = convert(n, ctx, depth + 1);
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      throw new YamlError('yaml: map merge requires map or sequence of maps as the value', ctx.lineOf(n?.range?.[0] ?? 0));
    }
    for (const [k, x] of Object.entries(m)) setKey(out, k, x);
  };
  if (v && isSeq(v)) {
    for (let i = v.items.length - 1; i >= 0; i--) mergeMap(resolve(v.items[i] as YamlNode));
  } else {
    mergeMap(v);
  }
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function goYamlMessage(code: string, message: string, line: number, text: string): { msg: string; line: number } {
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY': {
      // go-yaml reports the line of the offending ':'.
      const lines = text.split('\n');
      for (let l = line; l <= lines.length; l++) {
        if (/:(\s|$)/.test(lines[l - 1] ?? '') && l > line) return { msg: 'mapping values are not allowed in this context', line: l };
      }
      return { msg: 'mapping values are not allowed in this context', line };
    }
    case 'MULTILINE_IMPLICIT_KEY':
      return { msg: "could not find expected ':'", line: line + 1 };
    case 'TAB_AS_INDENT':
      return { msg: 'found character that cannot start any token', line };
    case 'BAD_INDENT':
      return { msg: 'did not find expected key', line };
    case 'DUPLICATE_KEY':
      return { msg: 'duplicate key', line };
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return { msg: 'did not find expected node content', line };
    default: {
      const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return { msg: first, line };
    }
  }
}

function parseDocs(text: string): { docs: Document[]; lineOf: (o: number) => number } {
  const lineOf = lineIndex(text);
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: false, prettyErrors: false, merge: false }) as unknown;
  const list: Document[] = Array.isArray(docs) ? (docs as Document[]) : [docs as Document];
  for (const d of list) {
    const e = d.errors[0];
    if (e) {
      const line = e.linePos?.[0]?.line ?? lineOf(e.pos[0]);
      const g = goYamlMessage(e.code, e.message, line, text);
      throw new YamlError(`yaml: line ${g.line}: ${g.msg}`, g.line);
    }
  }
  return { docs: list, lineOf };
}

/**
 * sigs.k8s.io/yaml.Unmarshal into interface{}: the first document, as JSON values (numbers are
 * float64). Throws YamlError (`error converting YAML to JSON: yaml: line N: ...`).
 */
export function yamlToValue(text: string): unknown {
  let parsed;
  try {
    parsed = parseDocs(text);
  } catch (e) {
    if (e instanceof YamlError) throw new YamlError(`error converting YAML to JSON: ${e.message}`, e.line);
    throw e;
  }
  const first = parsed.docs[0];
  if (!first) return null;
  try {
    return convert(first.contents as YamlNode | null, { doc: first, lineOf: parsed.lineOf }, 0);
  } catch (e) {
    if (e instanceof YamlError && !e.message.startsWith('error converting')) throw new YamlError(`error converting YAML to JSON: ${e.message}`, e.line);
    throw e;
  }
}

/** Every document of a stream (as JSON values), for CRD and manifest checks. */
export function yamlDocsToValues(text: string): unknown[] {
  const parsed = parseDocs(text);
  return parsed.docs.map((d) => convert(d.contents as YamlNode | null, { doc: d, lineOf: parsed.lineOf }, 0));
}

function goTypeForJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

/**
 * Helm's chartutil.ReadValues: a YAML map (empty text -> {}). A non-map document is an error as
 * json.Unmarshal into map[string]interface{} reports it.
 */
export function readValuesYaml(text: string): Record<string, unknown> {
  const v = yamlToValue(text);
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new YamlError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goTypeForJson(v)} into Go value of type map[string]interface {}`, 1);
  }
  return v as Record<string, unknown>;
}

// ------------------------------------------------------------------------------------------------
// Go float formatting

/** strconv.FormatFloat(f, 'g', -1, 64) (or 32 when single). */
export function formatGoFloatG(f: number, single = false): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let exp: string;
  if (single) {
    // shortest digits that round-trip through float32
    let p = 1;
    for (; p < 17; p++) if (Math.fround(Number(f.toPrecision(p))) === f) break;
    exp = f.toExponential(p - 1);
  } else {
    exp = f.toExponential();
  }
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const sign = m[1]!;
  const digits = m[2]! + (m[3] ?? '');
  const e = Number(m[4]);
  if (e < -4 || e >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const es = Math.abs(e) < 10 ? '0' + Math.abs(e) : String(Math.abs(e));
    return `${sign}${mant}e${e < 0 ? '-' : '+'}${es}`;
  }
  // %f with the shortest digits
  if (e >= 0) {
    const intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
    const frac = digits.slice(e + 1);
    return sign + intPart + (frac ? '.' + frac : '');
  }
  return sign + '0.' + '0'.repeat(-e - 1) + digits;
}

// ------------------------------------------------------------------------------------------------
// JSON text -> go-yaml values (keeping number kinds)

type YNode =
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; text: string }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'seq'; items: YNode[] }
  | { k: 'map'; entries: [string, YNode][] };

class JsonReader {
  pos = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.pos < this.s.length && ' \t\n\r'.includes(this.s[this.pos]!)) this.pos++;
  }
  value(): YNode {
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') {
      this.pos++;
      const entries: [string, YNode][] = [];
      this.ws();
      if (this.s[this.pos] === '}') { this.pos++; return { k: 'map', entries }; }
      for (;;) {
        this.ws();
        const key = this.string();
        this.ws();
        this.pos++; // ':'
        const v = this.value();
        const idx = entries.findIndex((e) => e[0] === key);
        if (idx >= 0) entries[idx] = [key, v];
        else entries.push([key, v]);
        this.ws();
        if (this.s[this.pos] === ',') { this.pos++; continue; }
        this.pos++; // '}'
        return { k: 'map', entries };
      }
    }
    if (c === '[') {
      this.pos++;
      const items: YNode[] = [];
      this.ws();
      if (this.s[this.pos] === ']') { this.pos++; return { k: 'seq', items }; }
      for (;;) {
        items.push(this.value());
        this.ws();
        if (this.s[this.pos] === ',') { this.pos++; continue; }
        this.pos++;
        return { k: 'seq', items };
      }
    }
    if (c === '"') return { k: 'str', v: this.string() };
    if (this.s.startsWith('true', this.pos)) { this.pos += 4; return { k: 'bool', v: true }; }
    if (this.s.startsWith('false', this.pos)) { this.pos += 5; return { k: 'bool', v: false }; }
    if (this.s.startsWith('null', this.pos)) { this.pos += 4; return { k: 'null' }; }
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 400))!;
    this.pos += m[0].length;
    const r = resolvePlain(m[0]);
    if (r.tag === 'int') return { k: 'int', text: r.text };
    return { k: 'float', v: Number(m[0]) };
  }
  string(): string {
    const start = this.pos;
    this.pos++;
    while (this.s[this.pos] !== '"') {
      if (this.s[this.pos] === '\\') this.pos++;
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.s.slice(start, this.pos)) as string;
  }
}

// ------------------------------------------------------------------------------------------------
// go-yaml v2 key order

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}
function isDigit(c: string): boolean {
  return /\p{Nd}/u.test(c);
}

/** go-yaml v2's keyList.Less for two string keys. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function sortKeysGoYaml(keys: string[]): string[] {
  // Go's sort.Sort is not stable, but keys are distinct and the order is total for distinct keys.
  return keys.sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0));
}

// ------------------------------------------------------------------------------------------------
// go-yaml v2 emitter (block style, as yaml.Marshal configures it)

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

function isBreakCh(c: string | undefined): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}
function isSpaceCh(c: string | undefined): boolean {
  return c === ' ';
}
function isBlankCh(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}
function isPrintableCp(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

type Style = 'plain' | 'single' | 'double' | 'literal';

interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

function analyze(value: string[]): ScalarAnalysis {
  if (value.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, single: true, block: false };
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWs = true;
  let prevSpace = false;
  let prevBreak = false;
  const s3 = value.slice(0, 3).join('');
  if (value.length >= 3 && (s3 === '---' || s3 === '...')) {
    blockInd = true;
    flowInd = true;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const next = value[i + 1];
    const followedByWs = i + 1 >= value.length || isBlankCh(next) || isBreakCh(next);
    if (i === 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*': case '!': case '|': case '>':
        case "'": case '"': case '%': case '@': case '`':
          flowInd = true;
          blockInd = true;
          break;
        case '?': case ':':
          flowInd = true;
          if (followedByWs) blockInd = true;
          break;
        case '-':
          if (followedByWs) {
            flowInd = true;
            blockInd = true;
          }
          break;
      }
    } else {
      switch (c) {
        case ',': case '?': case '[': case ']': case '{': case '}':
          flowInd = true;
          break;
        case ':':
          flowInd = true;
          if (followedByWs) blockInd = true;
          break;
        case '#':
          if (precededByWs) {
            flowInd = true;
            blockInd = true;
          }
          break;
      }
    }
    if (!isPrintableCp(c.codePointAt(0)!)) special = true;
    if (isSpaceCh(c)) {
      if (i === 0) leadingSpace = true;
      if (i === value.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreakCh(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === value.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankCh(c) || isBreakCh(c);
  }
  const r: ScalarAnalysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    r.flowPlain = false;
    r.blockPlain = false;
  }
  if (trailingSpace) r.block = false;
  if (breakSpace) {
    r.flowPlain = false;
    r.blockPlain = false;
    r.single = false;
  }
  if (spaceBreak || special) {
    r.flowPlain = false;
    r.blockPlain = false;
    r.single = false;
    r.block = false;
  }
  if (lineBreaks) {
    r.flowPlain = false;
    r.blockPlain = false;
  }
  if (flowInd) r.flowPlain = false;
  if (blockInd) r.blockPlain = false;
  return r;
}

class Emitter {
  out = '';
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  flowLevel = 0;

  put(c: string): void {
    this.out += c;
    this.column++;
  }
  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  writeAll(s: string): void {
    for (const c of s) this.put(c);
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }
  popIndent(): void {
    this.indent = this.indents.pop()!;
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  writeIndicator(ind: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(' ');
    this.writeAll(ind);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }

  node(n: YNode, ctx: { root: boolean; sequence: boolean; mapping: boolean; simpleKey: boolean }): void {
    switch (n.k) {
      case 'seq':
        if (this.flowLevel > 0 || n.items.length === 0) return this.flowSeq(n.items);
        return this.blockSeq(n.items, ctx);
      case 'map':
        if (this.flowLevel > 0 || n.entries.length === 0) return this.flowMap(n.entries);
        return this.blockMap(n.entries);
      case 'null': return this.scalar('null', 'plain', ctx);
      case 'bool': return this.scalar(n.v ? 'true' : 'false', 'plain', ctx);
      case 'int': return this.scalar(n.text, 'plain', ctx);
      case 'float': {
        let s = formatGoFloatG(n.v);
        if (s === '+Inf') s = '.inf';
        else if (s === '-Inf') s = '-.inf';
        else if (s === 'NaN') s = '.nan';
        return this.scalar(s, 'plain', ctx);
      }
      case 'str': {
        const s = n.v;
        const style: Style = s.includes('\n') ? 'literal' : stringResolvesAsString(s) ? 'plain' : 'double';
        return this.scalar(s, style, ctx);
      }
    }
  }

  flowSeq(items: YNode[]): void {
    this.writeIndicator('[', true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    items.forEach((it, i) => {
      if (i > 0) this.writeIndicator(',', false, false, false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.node(it, { root: false, sequence: true, mapping: false, simpleKey: false });
    });
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator(']', false, false, false);
  }

  flowMap(entries: [string, YNode][]): void {
    this.writeIndicator('{', true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    entries.forEach(([k, v], i) => {
      if (i > 0) this.writeIndicator(',', false, false, false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.node({ k: 'str', v: k }, { root: false, sequence: false, mapping: true, simpleKey: true });
      this.writeIndicator(':', false, false, false);
      this.node(v, { root: false, sequence: false, mapping: true, simpleKey: false });
    });
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator('}', false, false, false);
  }

  blockSeq(items: YNode[], ctx: { mapping: boolean }): void {
    this.increaseIndent(false, ctx.mapping && !this.indention);
    for (const it of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(it, { root: false, sequence: true, mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  blockMap(entries: [string, YNode][]): void {
    this.increaseIndent(false, false);
    for (const [k, v] of entries) {
      this.writeIndent();
      const chars = [...k];
      const a = analyze(chars);
      const simple = !a.multiline && chars.length <= 128;
      if (simple) {
        this.node({ k: 'str', v: k }, { root: false, sequence: false, mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node({ k: 'str', v: k }, { root: false, sequence: false, mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(v, { root: false, sequence: false, mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  scalar(value: string, requested: Style, ctx: { simpleKey: boolean }): void {
    const chars = [...value];
    const a = analyze(chars);
    let style = requested;
    if (ctx.simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (chars.length === 0 && (this.flowLevel > 0 || ctx.simpleKey)) style = 'single';
    }
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || ctx.simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    const allowBreaks = !ctx.simpleKey;
    switch (style) {
      case 'plain': this.writePlain(chars, allowBreaks); break;
      case 'single': this.writeSingle(chars, allowBreaks); break;
      case 'double': this.writeDouble(chars, allowBreaks); break;
      case 'literal': this.writeLiteral(chars); break;
    }
    this.popIndent();
  }

  writePlain(v: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (isSpaceCh(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpaceCh(v[i + 1])) this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreakCh(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  writeBreak(c: string): void {
    if (c === '\n') this.putBreak();
    else {
      this.out += c;
      this.column = 0;
    }
  }

  writeSingle(v: string[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (isSpaceCh(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < v.length - 1 && !isSpaceCh(v[i + 1])) this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreakCh(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeDouble(v: string[], allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintableCp(cp) || cp === 0xfeff || isBreakCh(c) || c === '"' || c === '\\') {
        this.put('\\');
        switch (cp) {
          case 0x00: this.put('0'); break;
          case 0x07: this.put('a'); break;
          case 0x08: this.put('b'); break;
          case 0x09: this.put('t'); break;
          case 0x0a: this.put('n'); break;
          case 0x0b: this.put('v'); break;
          case 0x0c: this.put('f'); break;
          case 0x0d: this.put('r'); break;
          case 0x1b: this.put('e'); break;
          case 0x22: this.put('"'); break;
          case 0x5c: this.put('\\'); break;
          case 0x85: this.put('N'); break;
          case 0xa0: this.put('_'); break;
          case 0x2028: this.put('L'); break;
          case 0x2029: this.put('P'); break;
          default: {
            let w: number;
            if (cp <= 0xff) { this.put('x'); w = 2; }
            else if (cp <= 0xffff) { this.put('u'); w = 4; }
            else { this.put('U'); w = 8; }
            this.writeAll(cp.toString(16).toUpperCase().padStart(w, '0'));
          }
        }
        spaces = false;
      } else if (isSpaceCh(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < v.length - 1) {
          this.writeIndent();
          if (isSpaceCh(v[i + 1])) this.put('\\');
        } else {
          this.put(c);
        }
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeLiteral(v: string[]): void {
    this.writeIndicator('|', true, false, false);
    // block scalar hints
    if (isSpaceCh(v[0]) || isBreakCh(v[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    if (v.length === 0) chomp = '-';
    else {
      const last = v.length - 1;
      if (!isBreakCh(v[last])) chomp = '-';
      else if (last === 0) chomp = '+';
      else if (isBreakCh(v[last - 1])) chomp = '+';
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreakCh(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function sortNode(n: YNode): YNode {
  if (n.k === 'seq') return { k: 'seq', items: n.items.map(sortNode) };
  if (n.k === 'map') {
    const m = new Map(n.entries);
    return { k: 'map', entries: sortKeysGoYaml([...m.keys()]).map((k) => [k, sortNode(m.get(k)!)]) };
  }
  return n;
}

/** go-yaml v2 Marshal of a JSON document (text), as sigs.k8s.io/yaml.JSONToYAML does. */
export function jsonToYaml(json: string): string {
  const node = sortNode(new JsonReader(json).value());
  const e = new Emitter();
  e.node(node, { root: true, sequence: false, mapping: false, simpleKey: false });
  // implicit document end
  e.writeIndent();
  return e.out;
}

/** sigs.k8s.io/yaml.Marshal of a template value (throws what json.Marshal throws). */
export function marshalYaml(v: unknown): string {
  return jsonToYaml(marshal(v, { escapeHTML: true }));
}

/** Helm's toYaml: yaml.Marshal without the trailing newline; "" on error. */
export function toYaml(v: unknown): string {
  try {
    return marshalYaml(v).replace(/\n$/, '');
  } catch {
    return '';
  }
}
