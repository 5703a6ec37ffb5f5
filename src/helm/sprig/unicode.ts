// Go's view of strings: UTF-8 bytes, runes, and the unicode package predicates and simple
// (one rune to one rune) case mappings that Go's strings, goutils and xstrings functions use.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Bytes back to a string (invalid sequences become U+FFFD, as Go prints them). */
export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}

export function isAscii(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s);
}

/** Length of s in UTF-8 bytes (Go's len(s)). */
export function byteLength(s: string): number {
  return isAscii(s) ? s.length : utf8Encode(s).length;
}

/** Go's s[start:end] on the UTF-8 bytes of s. */
export function byteSlice(s: string, start: number, end?: number): string {
  if (isAscii(s)) return s.slice(start, end);
  const b = utf8Encode(s);
  return utf8Decode(b.subarray(start, end ?? b.length));
}

/** Runes of s (code points; lone surrogates stand alone). */
export function runes(s: string): string[] {
  return Array.from(s);
}

const reUpper = /^\p{Lu}$/u;
const reLower = /^\p{Ll}$/u;
const reTitle = /^\p{Lt}$/u;
const reLetter = /^\p{L}$/u;
const reDigit = /^\p{Nd}$/u;
const reNumber = /^\p{N}$/u;
const rePunct = /^\p{P}$/u;
const reMark = /^\p{M}$/u;
const reSpaceProp = /^\p{White_Space}$/u;
const rePrint = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export const isUpper = (r: string): boolean => reUpper.test(r);
export const isLower = (r: string): boolean => reLower.test(r);
export const isTitle = (r: string): boolean => reTitle.test(r);
export const isLetter = (r: string): boolean => reLetter.test(r);
export const isDigit = (r: string): boolean => reDigit.test(r);
export const isNumber = (r: string): boolean => reNumber.test(r);
export const isPunct = (r: string): boolean => rePunct.test(r);
export const isMark = (r: string): boolean => reMark.test(r);
/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export const isPrint = (r: string): boolean => rePrint.test(r);

/** unicode.IsSpace. */
export function isSpace(r: string): boolean {
  const c = r.codePointAt(0) ?? -1;
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return reSpaceProp.test(r);
}

/** unicode.IsSpace applied to a single code point number (for byte-wise goutils loops). */
export function isSpaceCode(c: number): boolean {
  return isSpace(String.fromCodePoint(c));
}

function simpleMap(r: string, up: boolean): string {
  const m = up ? r.toUpperCase() : r.toLowerCase();
  if (m === r) return r;
  const cps = Array.from(m);
  if (cps.length === 1) return m;
  // Special-casing expansions (ß -> SS, İ -> i̇, ŉ -> ʼN ...): Go's simple mapping keeps one rune.
  if (!up && r === '\u0130') return 'i';
  return r;
}

/** unicode.ToUpper (simple mapping). */
export function toUpperRune(r: string): string {
  return simpleMap(r, true);
}

/** unicode.ToLower (simple mapping). */
export function toLowerRune(r: string): string {
  return simpleMap(r, false);
}

const titleDigraphs: Record<string, string> = {
  '\u01c4': '\u01c5', '\u01c5': '\u01c5', '\u01c6': '\u01c5',
  '\u01c7': '\u01c8', '\u01c8': '\u01c8', '\u01c9': '\u01c8',
  '\u01ca': '\u01cb', '\u01cb': '\u01cb', '\u01cc': '\u01cb',
  '\u01f1': '\u01f2', '\u01f2': '\u01f2', '\u01f3': '\u01f2',
};

/** unicode.ToTitle. */
export function toTitleRune(r: string): string {
  return titleDigraphs[r] ?? toUpperRune(r);
}

/** strings.ToUpper. */
export function goToUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  let out = '';
  for (const r of s) out += toUpperRune(r);
  return out;
}

/** strings.ToLower. */
export function goToLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = '';
  for (const r of s) out += toLowerRune(r);
  return out;
}

/** strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  const rs = runes(s);
  let i = 0;
  let j = rs.length;
  while (i < j && isSpace(rs[i]!)) i++;
  while (j > i && isSpace(rs[j - 1]!)) j--;
  return i === 0 && j === rs.length ? s : rs.slice(i, j).join('');
}

/** strings.Trim(s, cutset). */
export function goTrim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(runes(cutset));
  const rs = runes(s);
  let i = 0;
  let j = rs.length;
  while (i < j && set.has(rs[i]!)) i++;
  while (j > i && set.has(rs[j - 1]!)) j--;
  return rs.slice(i, j).join('');
}

/** strings.Title (deprecated in Go, but what Sprig's `title` calls). */
export function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const r of s) {
    out += isTitleSeparator(prev) ? toTitleRune(r) : r;
    prev = r;
  }
  return out;
}

function isTitleSeparator(r: string): boolean {
  const c = r.codePointAt(0)!;
  if (c <= 0x7f) {
    return !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f);
  }
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

/** strings.Split (sep "" splits into runes). */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return runes(s);
  return s.split(sep);
}

/** strings.SplitN. */
export function goSplitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (n < 0) return goSplit(s, sep);
  if (sep === '') {
    const rs = runes(s);
    if (rs.length <= n) return rs;
    return [...rs.slice(0, n - 1), rs.slice(n - 1).join('')];
  }
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** strconv.Quote: Go double-quoted string literal with escapes for non-printable runes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const r of s) {
    const c = r.codePointAt(0)!;
    if (r === '"' || r === '\\') { out += '\\' + r; continue; }
    if (c >= 0xd800 && c <= 0xdfff) { out += '\ufffd'; continue; }
    if (c < 0x80 ? c >= 0x20 && c < 0x7f : isPrint(r)) { out += r; continue; }
    switch (c) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + '"';
}
