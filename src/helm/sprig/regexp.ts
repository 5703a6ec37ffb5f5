// Go's regexp package (RE2 syntax, leftmost-first semantics) on top of JS RegExp.
//
// The Go pattern is parsed and re-emitted as an equivalent JS pattern (compiled with the `v`
// flag): Go-only syntax is translated ((?P<name>...), \A, \z, \Q...\E, POSIX classes, scoped
// flags (?i:...) / (?s) / (?m) / (?U), \pN), ASCII-only Go classes stay ASCII (\s, \d, \w), '.'
// excludes only '\n', and Go's syntax errors are reported with Go's messages. Match iteration
// (FindAll, ReplaceAll, Split) follows Go's rules for empty matches, which differ from JS's.

import { toLowerRune, toUpperRune } from './unicode.js';

export class RegexpSyntaxError extends Error {}

function syntaxError(code: string, expr: string): RegexpSyntaxError {
  return new RegexpSyntaxError(`error parsing regexp: ${code}: \`${expr}\``);
}

const ERR = {
  charRange: 'invalid character class range',
  escape: 'invalid escape sequence',
  namedCapture: 'invalid named capture',
  perlOp: 'invalid or unsupported Perl syntax',
  repeatOp: 'invalid nested repetition operator',
  repeatSize: 'invalid repeat count',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeat: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
};

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\u{0}-\\u{7f}',
  blank: '\\u{9}\\u{20}',
  cntrl: '\\u{0}-\\u{1f}\\u{7f}',
  digit: '0-9',
  graph: '\\u{21}-\\u{7e}',
  lower: 'a-z',
  print: '\\u{20}-\\u{7e}',
  punct: '\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}',
  space: '\\u{9}-\\u{d}\\u{20}',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const perlClasses: Record<string, string> = {
  d: '0-9',
  s: '\\u{9}\\u{a}\\u{c}\\u{d}\\u{20}',
  w: '0-9A-Za-z_',
};

const generalCategories = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

function cp(c: number): string {
  return `\\u{${c.toString(16)}}`;
}

/** Case variants of a rune under Go's simple folding (enough for ASCII and common letters). */
function foldVariants(r: string): string[] {
  const set = new Set<string>([r, toLowerRune(r), toUpperRune(r)]);
  for (const x of [...set]) {
    if (x === 'k' || x === 'K') { set.add('k'); set.add('K'); set.add('\u212a'); }
    if (x === 's' || x === 'S') { set.add('s'); set.add('S'); set.add('\u017f'); }
    if (x === '\u212a') { set.add('k'); set.add('K'); }
    if (x === '\u017f') { set.add('s'); set.add('S'); }
  }
  return [...set];
}

function isWordRune(r: string): boolean {
  return /^[0-9A-Za-z_]$/.test(r);
}

class Parser {
  private readonly rs: string[];
  private pos = 0;
  private ncap = 0;
  readonly names: string[] = [''];

  constructor(private readonly expr: string) {
    this.rs = Array.from(expr);
  }

  private peek(off = 0): string | undefined {
    return this.rs[this.pos + off];
  }

  private rest(from = this.pos): string {
    return this.rs.slice(from).join('');
  }

  private text(from: number, to = this.pos): string {
    return this.rs.slice(from, to).join('');
  }

  parse(): string {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const out = this.parseAlternation(flags, 0);
    if (this.pos < this.rs.length) {
      // only a stray ')' stops the top level
      throw syntaxError(ERR.unexpectedParen, this.expr);
    }
    return out;
  }

  /** alternation := concat ('|' concat)*; stops at ')' or end. */
  private parseAlternation(flags: Flags, depth: number): string {
    if (depth > 1000) throw syntaxError('expression nests too deeply', this.expr);
    const branches: string[] = [];
    let cur = '';
    // Flags set by (?i) apply to the rest of the enclosing group, across '|'.
    let lastWasRepeat = false;
    let lastRepeatStart = -1;
    let atomStart = -1;
    let atom: string | undefined;
    let atomIsAssert = false;
    const flush = (): void => {
      if (atom !== undefined) cur += atom;
      atom = undefined;
    };
    while (this.pos < this.rs.length) {
      const c = this.peek()!;
      if (c === ')') break;
      if (c === '|') {
        this.pos++;
        flush();
        branches.push(cur);
        cur = '';
        lastWasRepeat = false;
        continue;
      }
      // Repetition operators.
      if (c === '*' || c === '+' || c === '?' || (c === '{' && this.repeatAhead() !== undefined)) {
        const opStart = this.pos;
        let op: string;
        if (c === '{') {
          const rep = this.repeatAhead()!;
          this.pos = rep.end;
          if (rep.min > 1000 || (rep.max !== undefined && (rep.max > 1000 || rep.max < rep.min))) {
            throw syntaxError(ERR.repeatSize, this.text(opStart));
          }
          op = rep.max === undefined ? `{${rep.min},}` : rep.max === rep.min && !rep.comma ? `{${rep.min}}` : `{${rep.min},${rep.max}}`;
        } else {
          this.pos++;
          op = c;
        }
        let lazy = false;
        if (this.peek() === '?') {
          this.pos++;
          lazy = true;
        }
        if (atom === undefined) {
          if (lastWasRepeat) throw syntaxError(ERR.repeatOp, this.text(lastRepeatStart));
          throw syntaxError(ERR.missingRepeat, this.text(opStart));
        }
        if (flags.U) lazy = !lazy;
        const base = atomIsAssert ? `(?:${atom})` : atom;
        cur += base + op + (lazy ? '?' : '');
        atom = undefined;
        lastWasRepeat = true;
        lastRepeatStart = opStart;
        atomStart = -1;
        continue;
      }
      if (lastWasRepeat && atom === undefined) {
        // a new atom after a repeat; nothing to do
      }
      flush();
      lastWasRepeat = false;
      atomStart = this.pos;
      const r = this.parseAtom(flags, depth);
      if (r === null) continue; // a flag group like (?i) emits nothing
      atom = r.src;
      atomIsAssert = r.assert;
      void atomStart;
    }
    flush();
    branches.push(cur);
    return branches.join('|');
  }

  /** Looks for {n}, {n,}, {n,m} at pos. */
  private repeatAhead(): { min: number; max: number | undefined; end: number; comma: boolean } | undefined {
    let i = this.pos + 1;
    const digits = (): string => {
      let s = '';
      while (this.rs[i] !== undefined && /[0-9]/.test(this.rs[i]!)) s += this.rs[i++];
      return s;
    };
    const a = digits();
    if (a === '') return undefined;
    let max: number | undefined = Number(a);
    let comma = false;
    if (this.rs[i] === ',') {
      comma = true;
      i++;
      const b = digits();
      max = b === '' ? undefined : Number(b);
    }
    if (this.rs[i] !== '}') return undefined;
    return { min: Number(a), max, end: i + 1, comma };
  }

  private parseAtom(flags: Flags, depth: number): { src: string; assert: boolean } | null {
    const start = this.pos;
    const c = this.rs[this.pos++]!;
    switch (c) {
      case '(':
        return this.parseGroup(flags, depth, start);
      case '[':
        return { src: this.parseClass(flags, start), assert: false };
      case '.':
        return { src: flags.s ? '[\\s\\S]' : '[^\\n]', assert: false };
      case '^':
        return { src: flags.m ? '(?<![^\\n])' : '^', assert: true };
      case '$':
        return { src: flags.m ? '(?![^\\n])' : '$', assert: true };
      case '\\':
        return this.parseEscapeAtom(flags, start);
      default:
        return { src: this.literal(c, flags), assert: false };
    }
  }

  private literal(r: string, flags: Flags): string {
    if (flags.i) {
      const vs = foldVariants(r);
      if (vs.length > 1) return '[' + vs.map((v) => cp(v.codePointAt(0)!)).join('') + ']';
    }
    if (/^[A-Za-z0-9_ ]$/.test(r)) return r;
    return cp(r.codePointAt(0)!);
  }

  private parseGroup(flags: Flags, depth: number, start: number): { src: string; assert: boolean } | null {
    if (this.peek() === '?') {
      // (?P<name>re), (?<name>re), (?:re), (?flags), (?flags:re)
      if (this.peek(1) === 'P' && this.peek(2) === '<' || this.peek(1) === '<') {
        const nameStart = this.pos + (this.peek(1) === 'P' ? 3 : 2);
        let i = nameStart;
        while (this.rs[i] !== undefined && this.rs[i] !== '>') i++;
        if (this.rs[i] === undefined) throw syntaxError(ERR.namedCapture, this.rest(start));
        const name = this.rs.slice(nameStart, i).join('');
        if (name === '' || !Array.from(name).every(isWordRune) || this.names.includes(name)) {
          throw syntaxError(ERR.namedCapture, this.text(start, i + 1));
        }
        this.pos = i + 1;
        this.ncap++;
        this.names.push(name);
        const inner = this.parseAlternation({ ...flags }, depth + 1);
        this.closeParen();
        return { src: `(${inner})`, assert: false };
      }
      if (this.peek(1) === 'P') {
        throw syntaxError(ERR.namedCapture, this.text(start, Math.min(this.rs.length, this.pos + 2)));
      }
      // Flags.
      let i = this.pos + 1;
      const nf = { ...flags };
      let neg = false;
      let sawFlag = false;
      for (;;) {
        const ch = this.rs[i];
        if (ch === undefined) throw syntaxError(ERR.missingParen, this.expr);
        if (ch === 'i' || ch === 'm' || ch === 's' || ch === 'U') {
          nf[ch] = !neg;
          sawFlag = true;
          i++;
          continue;
        }
        if (ch === '-') {
          if (neg) throw syntaxError(ERR.perlOp, this.text(start, i + 1));
          neg = true;
          sawFlag = false;
          i++;
          continue;
        }
        if (ch === ':' || ch === ')') {
          if ((neg && !sawFlag) || (ch === ')' && i === this.pos + 1 && !sawFlag)) {
            throw syntaxError(ERR.perlOp, this.text(start, i + 1));
          }
          if (ch === ':' && neg && !sawFlag) throw syntaxError(ERR.perlOp, this.text(start, i + 1));
          this.pos = i + 1;
          if (ch === ')') {
            // (?flags): applies to the rest of the current group.
            Object.assign(flags, nf);
            return null;
          }
          const inner = this.parseAlternation(nf, depth + 1);
          this.closeParen();
          return { src: `(?:${inner})`, assert: false };
        }
        throw syntaxError(ERR.perlOp, this.text(start, i + 1));
      }
    }
    this.ncap++;
    this.names.push('');
    const inner = this.parseAlternation({ ...flags }, depth + 1);
    this.closeParen();
    return { src: `(${inner})`, assert: false };
  }

  private closeParen(): void {
    if (this.peek() !== ')') throw syntaxError(ERR.missingParen, this.expr);
    this.pos++;
  }

  /** An escape outside a class. */
  private parseEscapeAtom(flags: Flags, start: number): { src: string; assert: boolean } {
    const c = this.peek();
    if (c === undefined) throw syntaxError(ERR.trailingBackslash, '');
    switch (c) {
      case 'A':
        this.pos++;
        return { src: '^', assert: true };
      case 'z':
        this.pos++;
        return { src: '$', assert: true };
      case 'b':
        this.pos++;
        return { src: '\\b', assert: true };
      case 'B':
        this.pos++;
        return { src: '\\B', assert: true };
      case 'Q': {
        this.pos++;
        let lit = '';
        while (this.pos < this.rs.length) {
          if (this.peek() === '\\' && this.peek(1) === 'E') {
            this.pos += 2;
            return { src: `(?:${lit})`, assert: false };
          }
          lit += this.literal(this.rs[this.pos++]!, flags);
        }
        return { src: `(?:${lit})`, assert: false };
      }
      case 'C':
        this.pos++;
        return { src: '[\\s\\S]', assert: false };
      case 'd':
      case 's':
      case 'w':
        this.pos++;
        return { src: `[${perlClasses[c]}]`, assert: false };
      case 'D':
      case 'S':
      case 'W':
        this.pos++;
        return { src: `[^${perlClasses[c.toLowerCase()]}]`, assert: false };
      case 'p':
      case 'P': {
        const item = this.parseUnicodeClass(start, flags);
        return { src: `[${item}]`, assert: false };
      }
    }
    const r = this.parseCharEscape(start);
    return { src: this.literal(String.fromCodePoint(r), flags), assert: false };
  }

  /** \pN, \p{Name}, \PN, \P{Name}, \p{^Name}: returns a class item. pos is at 'p'/'P'. */
  private parseUnicodeClass(start: number, flags: Flags): string {
    let neg = this.rs[this.pos] === 'P';
    this.pos++;
    let name: string;
    if (this.peek() === '{') {
      let i = this.pos + 1;
      while (this.rs[i] !== undefined && this.rs[i] !== '}') i++;
      if (this.rs[i] === undefined) throw syntaxError(ERR.charRange, this.rest(start));
      name = this.rs.slice(this.pos + 1, i).join('');
      this.pos = i + 1;
    } else {
      const ch = this.peek();
      if (ch === undefined) throw syntaxError(ERR.charRange, this.rest(start));
      name = ch;
      this.pos++;
    }
    if (name.startsWith('^')) {
      neg = !neg;
      name = name.slice(1);
    }
    let prop: string;
    if (name === 'Any') prop = '\\s\\S';
    else if (generalCategories.has(name)) prop = `\\p{${name}}`;
    else prop = `\\p{Script=${name}}`;
    try {
      new RegExp(`[${prop}]`, 'v');
    } catch {
      throw syntaxError(ERR.charRange, this.text(start));
    }
    void flags;
    return neg ? `[^${prop}]` : prop;
  }

  /** A character escape (not a class): returns the code point. pos is after the backslash. */
  private parseCharEscape(start: number): number {
    const c = this.rs[this.pos++];
    if (c === undefined) throw syntaxError(ERR.trailingBackslash, '');
    const code = c.codePointAt(0)!;
    switch (c) {
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        const n0 = this.peek();
        // A single non-zero digit would be a backreference, which RE2 does not support.
        if (c !== '0' && (n0 === undefined || n0 < '0' || n0 > '7')) break;
        let r = code - 48;
        for (let i = 1; i < 3; i++) {
          const n = this.peek();
          if (n === undefined || n < '0' || n > '7') break;
          r = r * 8 + (n.charCodeAt(0) - 48);
          this.pos++;
        }
        return r;
      }
      case 'x': {
        if (this.peek() === '{') {
          let i = this.pos + 1;
          let hex = '';
          while (this.rs[i] !== undefined && /[0-9A-Fa-f]/.test(this.rs[i]!)) hex += this.rs[i++];
          if (this.rs[i] !== '}' || hex === '' || parseInt(hex, 16) > 0x10ffff) {
            throw syntaxError(ERR.escape, this.text(start, Math.min(i + 1, this.rs.length)));
          }
          this.pos = i + 1;
          return parseInt(hex, 16);
        }
        const h1 = this.peek();
        const h2 = this.peek(1);
        if (h1 === undefined || h2 === undefined || !/[0-9A-Fa-f]/.test(h1) || !/[0-9A-Fa-f]/.test(h2)) {
          throw syntaxError(ERR.escape, this.text(start, Math.min(this.pos + 2, this.rs.length)));
        }
        this.pos += 2;
        return parseInt(h1 + h2, 16);
      }
      case 'a': return 7;
      case 'f': return 12;
      case 't': return 9;
      case 'n': return 10;
      case 'r': return 13;
      case 'v': return 11;
    }
    if (code < 0x80 && !/[0-9A-Za-z]/.test(c)) return code;
    throw syntaxError(ERR.escape, this.text(start));
  }

  /** [...] — pos is after '['. */
  private parseClass(flags: Flags, start: number): string {
    const whole = (): string => this.rest(start);
    let neg = false;
    if (this.peek() === '^') {
      neg = true;
      this.pos++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw syntaxError(ERR.missingBracket, whole());
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      // POSIX class [:alpha:] / [:^alpha:]
      if (c === '[' && this.peek(1) === ':') {
        const rest = this.rest();
        const m = /^\[:(\^?)([a-z]*):\]/.exec(rest);
        if (m) {
          const body = posixClasses[m[2]!];
          if (body === undefined) throw syntaxError(ERR.charRange, m[0]);
          this.pos += Array.from(m[0]).length;
          items.push(m[1] ? `[^${body}]` : body);
          continue;
        }
      }
      const itemStart = this.pos;
      if (c === '\\') {
        const n = this.peek(1);
        if (n === 'd' || n === 's' || n === 'w' || n === 'D' || n === 'S' || n === 'W') {
          this.pos += 2;
          const body = perlClasses[n.toLowerCase()]!;
          items.push(n === n.toLowerCase() ? body : `[^${body}]`);
          continue;
        }
        if (n === 'p' || n === 'P') {
          this.pos++;
          items.push(this.parseUnicodeClass(itemStart, flags));
          continue;
        }
      }
      const lo = this.classChar(whole);
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++;
        hi = this.classChar(whole);
        if (hi < lo) throw syntaxError(ERR.charRange, this.text(itemStart));
      }
      items.push(this.rangeItem(lo, hi, flags));
    }
    return `[${neg ? '^' : ''}${items.join('')}]`;
  }

  private classChar(whole: () => string): number {
    const c = this.peek();
    if (c === undefined) throw syntaxError(ERR.missingBracket, whole());
    if (c === '\\') {
      const start = this.pos;
      this.pos++;
      if (this.peek() === undefined) throw syntaxError(ERR.missingBracket, whole());
      return this.parseCharEscape(start);
    }
    this.pos++;
    return c.codePointAt(0)!;
  }

  private rangeItem(lo: number, hi: number, flags: Flags): string {
    let out = lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`;
    if (flags.i) {
      if (lo === hi) {
        for (const v of foldVariants(String.fromCodePoint(lo))) {
          const vc = v.codePointAt(0)!;
          if (vc !== lo) out += cp(vc);
        }
      } else {
        // fold the ASCII letter parts of the range
        const add = (a: number, b: number, delta: number): void => {
          const x = Math.max(lo, a);
          const y = Math.min(hi, b);
          if (x <= y) out += `${cp(x + delta)}-${cp(y + delta)}`;
        };
        add(0x61, 0x7a, -32);
        add(0x41, 0x5a, 32);
        if (lo <= 0x6b && hi >= 0x6b || lo <= 0x4b && hi >= 0x4b) out += cp(0x212a);
        if (lo <= 0x73 && hi >= 0x73 || lo <= 0x53 && hi >= 0x53) out += cp(0x17f);
      }
    }
    return out;
  }

  get numSubexp(): number {
    return this.ncap;
  }
}

/** A compiled Go regular expression. */
export class GoRegexp {
  readonly re: RegExp;
  readonly names: string[];

  constructor(readonly expr: string) {
    const p = new Parser(expr);
    const src = p.parse();
    this.names = p.names;
    try {
      this.re = new RegExp(src, 'gv');
    } catch (e) {
      throw new RegexpSyntaxError(`error parsing regexp: ${(e as Error).message}: \`${expr}\``);
    }
  }

  get numSubexp(): number {
    return this.names.length - 1;
  }

  private execAt(s: string, pos: number): RegExpExecArray | null {
    this.re.lastIndex = pos;
    return this.re.exec(s);
  }

  matchString(s: string): boolean {
    return this.execAt(s, 0) !== null;
  }

  findString(s: string): string {
    const m = this.execAt(s, 0);
    return m ? m[0] : '';
  }

  /** Go's allMatches: successive non-overlapping matches; an empty match right after a match is dropped. */
  findAll(s: string, n: number): RegExpExecArray[] {
    if (n < 0) n = s.length + 1;
    const out: RegExpExecArray[] = [];
    let pos = 0;
    let prevMatchEnd = -1;
    while (out.length < n && pos <= s.length) {
      const m = this.execAt(s, pos);
      if (!m) break;
      const start = m.index;
      const end = start + m[0].length;
      let accept = true;
      if (end === pos) {
        if (start === prevMatchEnd) accept = false;
        pos += runeWidth(s, pos);
      } else {
        pos = end;
      }
      prevMatchEnd = end;
      if (accept) out.push(m);
    }
    return out;
  }

  findAllString(s: string, n: number): string[] {
    return this.findAll(s, n).map((m) => m[0]);
  }

  /** Go's replaceAll iteration with a replacement callback. */
  private replaceAllWith(s: string, repl: (m: RegExpExecArray) => string): string {
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    while (searchPos <= s.length) {
      const m = this.execAt(s, searchPos);
      if (!m) break;
      const a0 = m.index;
      const a1 = a0 + m[0].length;
      out += s.slice(lastMatchEnd, a0);
      if (a1 > lastMatchEnd || a0 === 0) out += repl(m);
      lastMatchEnd = a1;
      const width = runeWidth(s, searchPos);
      if (searchPos + width > a1) searchPos += width;
      else if (searchPos + 1 > a1) searchPos++;
      else searchPos = a1;
    }
    return out + s.slice(lastMatchEnd);
  }

  replaceAllString(s: string, template: string): string {
    return this.replaceAllWith(s, (m) => this.expand(template, m));
  }

  replaceAllLiteralString(s: string, repl: string): string {
    return this.replaceAllWith(s, () => repl);
  }

  /** Regexp.Split. */
  split(s: string, n: number): string[] {
    if (n === 0) return [];
    if (this.expr.length > 0 && s.length === 0) return [''];
    const matches = this.findAll(s, n);
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of matches) {
      if (n > 0 && out.length === n - 1) break;
      end = m.index;
      if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
      beg = m.index + m[0].length;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }

  /** Regexp.Expand: $1, ${1}, $name, ${name}, $$. */
  expand(template: string, m: RegExpExecArray): string {
    let out = '';
    let t = template;
    for (;;) {
      const i = t.indexOf('$');
      if (i < 0) break;
      out += t.slice(0, i);
      t = t.slice(i + 1);
      if (t[0] === '$') {
        out += '$';
        t = t.slice(1);
        continue;
      }
      const ex = extractName(t);
      if (!ex) {
        out += '$';
        continue;
      }
      t = ex.rest;
      if (ex.num >= 0) {
        if (ex.num < m.length) out += m[ex.num] ?? '';
      } else {
        const idx = this.names.indexOf(ex.name);
        if (idx > 0) out += m[idx] ?? '';
      }
    }
    return out + t;
  }
}

function runeWidth(s: string, pos: number): number {
  if (pos >= s.length) return 1;
  const c = s.codePointAt(pos)!;
  return c > 0xffff ? 2 : 1;
}

function extractName(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === '') return undefined;
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  const m = /^[\p{L}\p{Nd}_]+/u.exec(str);
  if (!m) return undefined;
  const name = m[0];
  let i = name.length;
  if (brace) {
    if (str[i] !== '}') return undefined;
    i++;
  }
  let num = -1;
  if (/^[0-9]+$/.test(name) && name.length < 9) num = Number(name);
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

const cache = new Map<string, GoRegexp>();

/** regexp.Compile with a small cache (templates compile the same patterns repeatedly). */
export function compileRegexp(expr: string): GoRegexp {
  let re = cache.get(expr);
  if (!re) {
    re = new GoRegexp(expr);
    if (cache.size > 500) cache.clear();
    cache.set(expr, re);
  }
  return re;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
