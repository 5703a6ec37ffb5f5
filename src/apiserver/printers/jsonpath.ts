// The JSONPath subset CRD additionalPrinterColumns use (client-go jsonpath semantics, missing keys allowed):
//   .a.b   ['a.b']   ["a"]   [0]   [-1]   [1:3]   [*]   .*   ..name   [0,2]   ['a','b']
//   [?(@.type=="Ready")]   [?(@.n > 2)]   [?(@.x)]   (== != < > <= >=, string/number/bool literals)
// Paths may be written bare (".spec.x"), with a root ("$.spec.x") or braced ("{.spec.x}").
import { isPlainObject } from '../../api/object.js';

type Sub =
  | { k: 'index'; i: number }
  | { k: 'slice'; start?: number; end?: number; step?: number }
  | { k: 'wild' }
  | { k: 'key'; name: string };

type Literal = { k: 'lit'; value: string | number | boolean | null };
type Operand = Literal | { k: 'path'; root: '@' | '$'; segs: Segment[] };

export type Segment =
  | { t: 'field'; name: string }
  | { t: 'wild' }
  | { t: 'recursive' }
  | { t: 'subscript'; subs: Sub[] }
  | { t: 'filter'; left: Operand; op?: '==' | '!=' | '<' | '>' | '<=' | '>='; right?: Operand };

export interface JSONPath {
  source: string;
  segments: Segment[];
}

export class JSONPathError extends Error {}

// Characters ending a field name (client-go's isTerminator); inside filters comparison operators and
// the closing parenthesis end it too.
const TERMINATORS = new Set(['.', '[', ']', '{', '}', ',', ' ', '\t', '\n', '\r', '@', '$']);
const FILTER_TERMINATORS = new Set([...TERMINATORS, '(', ')', '=', '!', '<', '>']);

/** Parses a path; throws JSONPathError on syntax it does not understand. */
export function parseJSONPath(source: string): JSONPath {
  let text = source.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  const p = new Parser(text);
  if (p.peek() === '$') p.pos++;
  const segments = p.segments(false);
  if (!p.done()) throw new JSONPathError(`unexpected ${JSON.stringify(p.rest())} in JSONPath ${JSON.stringify(source)}`);
  return { source, segments };
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  done(): boolean { return this.pos >= this.s.length; }
  peek(o = 0): string { return this.s[this.pos + o] ?? ''; }
  rest(): string { return this.s.slice(this.pos); }

  private fail(msg: string): never {
    throw new JSONPathError(`${msg} at offset ${this.pos} in JSONPath ${JSON.stringify(this.s)}`);
  }

  /** Reads segments until the text ends or (inside a filter) a non-path character appears. */
  segments(inFilter: boolean): Segment[] {
    const out: Segment[] = [];
    for (;;) {
      const c = this.peek();
      if (c === '.') {
        if (this.peek(1) === '.') {
          this.pos += 2;
          out.push({ t: 'recursive' });
          if (this.peek() === '[') continue;
          out.push(this.fieldOrWild(inFilter));
          continue;
        }
        this.pos++;
        if (this.done() || (inFilter && FILTER_TERMINATORS.has(this.peek()) && this.peek() !== '[')) {
          // A bare "." (or "@." in filters) is the current value.
          continue;
        }
        if (this.peek() === '[') continue;
        out.push(this.fieldOrWild(inFilter));
      } else if (c === '[') {
        this.pos++;
        this.skipSpace();
        if (this.peek() === '?') out.push(this.filter());
        else out.push({ t: 'subscript', subs: this.subscripts() });
      } else if (!inFilter && c !== '' && !TERMINATORS.has(c)) {
        // Bare leading field ("spec.replicas" written without the dot).
        if (out.length === 0 && this.pos === 0) out.push(this.fieldOrWild(false));
        else this.fail('expected "." or "["');
      } else {
        return out;
      }
    }
  }

  private fieldOrWild(inFilter: boolean): Segment {
    const terminators = inFilter ? FILTER_TERMINATORS : TERMINATORS;
    if (this.peek() === '*') {
      this.pos++;
      return { t: 'wild' };
    }
    let name = '';
    while (!this.done()) {
      const c = this.peek();
      if (c === '\\' && this.pos + 1 < this.s.length) {
        name += this.peek(1);
        this.pos += 2;
        continue;
      }
      if (terminators.has(c)) break;
      name += c;
      this.pos++;
    }
    if (name === '') this.fail('expected a field name');
    return { t: 'field', name };
  }

  private skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  private subscripts(): Sub[] {
    const subs: Sub[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === '*') {
        this.pos++;
        subs.push({ k: 'wild' });
      } else if (c === "'" || c === '"') {
        subs.push({ k: 'key', name: this.quoted() });
      } else {
        subs.push(this.indexOrSlice());
      }
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      if (this.peek() === ']') {
        this.pos++;
        return subs;
      }
      this.fail('expected "]"');
    }
  }

  private indexOrSlice(): Sub {
    const parts: Array<number | undefined> = [];
    let cur = '';
    for (;;) {
      const c = this.peek();
      if (c === ':' || c === ',' || c === ']' || c === '') {
        const t = cur.trim();
        if (t !== '' && !/^-?\d+$/.test(t)) this.fail(`invalid array index ${JSON.stringify(t)}`);
        parts.push(t === '' ? undefined : Number(t));
        cur = '';
        if (c !== ':') break;
        this.pos++;
        continue;
      }
      cur += c;
      this.pos++;
    }
    if (parts.length === 1) {
      if (parts[0] === undefined) this.fail('empty array index');
      return { k: 'index', i: parts[0] };
    }
    if (parts.length > 3) this.fail('too many slice parameters');
    return { k: 'slice', start: parts[0], end: parts[1], step: parts[2] };
  }

  private quoted(): string {
    const q = this.peek();
    this.pos++;
    let out = '';
    while (!this.done() && this.peek() !== q) {
      if (this.peek() === '\\' && this.pos + 1 < this.s.length) {
        out += this.peek(1);
        this.pos += 2;
        continue;
      }
      out += this.peek();
      this.pos++;
    }
    if (this.peek() !== q) this.fail('unterminated string');
    this.pos++;
    return out;
  }

  private filter(): Segment {
    this.pos++; // '?'
    this.skipSpace();
    if (this.peek() !== '(') this.fail('expected "(" after "?"');
    this.pos++;
    this.skipSpace();
    const left = this.operand();
    this.skipSpace();
    let op: Extract<Segment, { t: 'filter' }>['op'];
    let right: Operand | undefined;
    const m = /^(==|!=|<=|>=|<|>)/.exec(this.rest());
    if (m) {
      op = m[1] as typeof op;
      this.pos += m[1].length;
      this.skipSpace();
      right = this.operand();
      this.skipSpace();
    }
    if (this.peek() !== ')') this.fail('expected ")" closing the filter');
    this.pos++;
    this.skipSpace();
    if (this.peek() !== ']') this.fail('expected "]" after the filter');
    this.pos++;
    return { t: 'filter', left, op, right };
  }

  private operand(): Operand {
    const c = this.peek();
    if (c === '@' || c === '$') {
      this.pos++;
      return { k: 'path', root: c, segs: this.segments(true) };
    }
    if (c === "'" || c === '"') return { k: 'lit', value: this.quoted() };
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|nil)/.exec(this.rest());
    if (!m) this.fail('expected a value');
    this.pos += m[1].length;
    const t = m[1];
    if (t === 'true') return { k: 'lit', value: true };
    if (t === 'false') return { k: 'lit', value: false };
    if (t === 'null' || t === 'nil') return { k: 'lit', value: null };
    return { k: 'lit', value: Number(t) };
  }
}

/**
 * Evaluates a parsed path. Values that are present but JSON null are reported as null; missing keys and
 * out-of-range indices produce no results. Errors (bad comparisons) throw JSONPathError.
 */
export function findResults(path: JSONPath, data: unknown): unknown[] {
  return evalSegments(path.segments, [data], data);
}

function evalSegments(segs: Segment[], input: unknown[], root: unknown): unknown[] {
  let cur = input;
  for (const seg of segs) {
    if (cur.length === 0) return cur;
    cur = evalSegment(seg, cur, root);
  }
  return cur;
}

function evalSegment(seg: Segment, input: unknown[], root: unknown): unknown[] {
  const out: unknown[] = [];
  switch (seg.t) {
    case 'field':
      for (const v of input) if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, seg.name)) out.push(v[seg.name]);
      return out;
    case 'wild':
      for (const v of input) {
        if (Array.isArray(v)) out.push(...v);
        else if (isPlainObject(v)) out.push(...Object.values(v));
      }
      return out;
    case 'recursive':
      for (const v of input) collectAll(v, out);
      return out;
    case 'subscript':
      for (const v of input) {
        for (const sub of seg.subs) applySub(sub, v, out);
      }
      return out;
    case 'filter':
      for (const v of input) {
        if (!Array.isArray(v)) continue;
        for (const item of v) if (filterPasses(seg, item, root)) out.push(item);
      }
      return out;
  }
}

function collectAll(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) collectAll(x, out);
  else if (isPlainObject(v)) for (const x of Object.values(v)) collectAll(x, out);
}

function applySub(sub: Sub, v: unknown, out: unknown[]): void {
  if (sub.k === 'key') {
    if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, sub.name)) out.push(v[sub.name]);
    return;
  }
  if (sub.k === 'wild') {
    if (Array.isArray(v)) out.push(...v);
    else if (isPlainObject(v)) out.push(...Object.values(v));
    return;
  }
  if (!Array.isArray(v)) return;
  const len = v.length;
  if (sub.k === 'index') {
    const i = sub.i < 0 ? sub.i + len : sub.i;
    if (i >= 0 && i < len) out.push(v[i]);
    return;
  }
  const step = sub.step ?? 1;
  if (step === 0) throw new JSONPathError('step cannot be zero');
  const clamp = (x: number) => Math.min(Math.max(x < 0 ? x + len : x, 0), len);
  const start = sub.start === undefined ? 0 : clamp(sub.start);
  const end = sub.end === undefined ? len : clamp(sub.end);
  if (step > 0) for (let i = start; i < end; i += step) out.push(v[i]);
  else for (let i = end - 1; i >= start; i += step) out.push(v[i]);
}

function operandValues(o: Operand, current: unknown, root: unknown): unknown[] {
  if (o.k === 'lit') return [o.value];
  return evalSegments(o.segs, [o.root === '@' ? current : root], root);
}

function filterPasses(seg: Extract<Segment, { t: 'filter' }>, item: unknown, root: unknown): boolean {
  const lefts = operandValues(seg.left, item, root);
  if (lefts.length === 0) return false;
  if (!seg.op || !seg.right) return true;
  if (lefts.length > 1) throw new JSONPathError('can only compare one element at a time');
  const rights = operandValues(seg.right, item, root);
  if (rights.length === 0) return false;
  if (rights.length > 1) throw new JSONPathError('can only compare one element at a time');
  return compare(seg.op, lefts[0], rights[0]);
}

function compare(op: NonNullable<Extract<Segment, { t: 'filter' }>['op']>, a: unknown, b: unknown): boolean {
  if (op === '==' || op === '!=') {
    let eq: boolean;
    if (typeof a === 'number' && typeof b === 'number') eq = a === b;
    else if (typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean')) eq = a === b;
    else if (a === null || b === null) eq = a === b;
    else throw new JSONPathError('incompatible types for comparison');
    return op === '==' ? eq : !eq;
  }
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) {
    throw new JSONPathError('invalid type for comparison');
  }
  switch (op) {
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
}
