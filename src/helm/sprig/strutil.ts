// String helpers Sprig takes from Masterminds/goutils and huandu/xstrings, with their quirks:
// goutils works on bytes (byte offsets, one byte read as one rune), xstrings on runes.

import { randomInt, type RandomSource } from './crypto.js';
import {
  byteLength,
  isDigit,
  isLetter,
  isLower,
  isNumber,
  isPunct,
  isSpace,
  isSpaceCode,
  isTitle,
  isUpper,
  runes,
  toLowerRune,
  toTitleRune,
  toUpperRune,
  utf8Decode,
  utf8Encode,
} from './unicode.js';

function goSliceError(msg: string): Error {
  return new Error(`runtime error: slice bounds out of range ${msg}`);
}

/** s[lo:hi] on bytes with Go's panics for bad bounds. */
export function goSubstring(s: string, lo: number | undefined, hi: number | undefined): string {
  const b = utf8Encode(s);
  const len = b.length;
  const l = lo ?? 0;
  const h = hi ?? len;
  if (hi !== undefined && (h < 0 || h > len)) throw goSliceError(`[:${h}] with length ${len}`);
  if (lo !== undefined && l < 0) throw goSliceError(`[${l}:]`);
  if (l > h) throw goSliceError(`[${l}:${h}]`);
  return utf8Decode(b.subarray(l, h));
}

/** goutils.AbbreviateFull (byte based). */
export function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === '') return '';
  if (maxWidth < 4) return ''; // error: "Minimum abbreviation width is 4" (Sprig ignores it)
  const len = byteLength(str);
  if (len <= maxWidth) return str;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  const marker = '...';
  if (offset <= 4) return goSubstring(str, 0, maxWidth - 3) + marker;
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < len) {
    return marker + abbreviateFull(goSubstring(str, offset, undefined), 0, maxWidth - 3);
  }
  return marker + goSubstring(str, len - (maxWidth - 3), undefined);
}

/** goutils.DeleteWhiteSpace: reads bytes as runes (so non-ASCII text is re-encoded as Latin-1). */
export function deleteWhiteSpace(str: string): string {
  if (str === '') return str;
  const b = utf8Encode(str);
  let out = '';
  let count = 0;
  for (const byte of b) {
    if (!isSpaceCode(byte)) {
      out += String.fromCharCode(byte);
      count++;
    }
  }
  return count === b.length ? str : out;
}

/** goutils.Initials (byte based, whitespace delimiters). */
export function initials(str: string): string {
  if (str === '') return str;
  let out = '';
  let lastWasGap = true;
  for (const byte of utf8Encode(str)) {
    if (isSpaceCode(byte)) lastWasGap = true;
    else if (lastWasGap) {
      out += String.fromCharCode(byte);
      lastWasGap = false;
    }
  }
  return out;
}

/** goutils.Uncapitalize. */
export function uncapitalize(str: string): string {
  if (str === '') return str;
  let out = '';
  let next = true;
  for (const r of str) {
    if (isSpace(r)) {
      next = true;
      out += r;
    } else if (next) {
      out += toLowerRune(r);
      next = false;
    } else out += r;
  }
  return out;
}

/** goutils.SwapCase (word based: a lower-case letter after whitespace becomes title case). */
export function swapCase(str: string): string {
  if (str === '') return str;
  let out = '';
  let whitespace = true;
  for (const r of str) {
    if (isUpper(r) || isTitle(r)) {
      out += toLowerRune(r);
      whitespace = false;
    } else if (isLower(r)) {
      out += whitespace ? toTitleRune(r) : toUpperRune(r);
      whitespace = false;
    } else {
      out += r;
      whitespace = isSpace(r);
    }
  }
  return out;
}

/** goutils.WrapCustom (byte based, words separated by ' '). */
export function wrapCustom(str: string, wrapLength: number, newLineStr: string, wrapLongWords: boolean): string {
  if (str === '') return '';
  if (newLineStr === '') newLineStr = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const s = utf8Encode(str);
  const nl = utf8Encode(newLineStr);
  const len = s.length;
  let offset = 0;
  const parts: Uint8Array[] = [];
  const lastSpace = (from: number, to: number): number => {
    for (let i = to - 1; i >= from; i--) if (s[i] === 0x20) return i;
    return -1;
  };
  while (len - offset > wrapLength) {
    if (s[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const idx = lastSpace(offset, end);
    let spaceToWrapAt = idx < 0 ? offset - 1 : idx;
    if (spaceToWrapAt >= offset) {
      parts.push(s.subarray(offset, spaceToWrapAt), nl);
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      const e = wrapLength + offset;
      parts.push(s.subarray(offset, e), nl);
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      let index = -1;
      for (let i = e; i < len; i++) if (s[i] === 0x20) { index = i - e; break; }
      spaceToWrapAt = index === -1 ? -1 : index + e;
      if (spaceToWrapAt >= 0) {
        parts.push(s.subarray(offset, spaceToWrapAt), nl);
        offset = spaceToWrapAt + 1;
      } else {
        parts.push(s.subarray(offset, len));
        offset = len;
      }
    }
  }
  parts.push(s.subarray(offset, len));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return utf8Decode(out);
}

// ---------------------------------------------------------------------------------------------
// xstrings

const minCJK = 0x3400;

function isAlphabet(r: string): boolean {
  if (!isLetter(r)) return false;
  const c = r.codePointAt(0)!;
  if (c < minCJK) return true;
  if (c >= 0x4e00 && c <= 0x9fcc) return false;
  if (c >= 0x3400 && c <= 0x4d85) return false;
  if (c >= 0x20000 && c <= 0x2b81d) return false;
  return true;
}

function isConnector(r: string): boolean {
  return r === '-' || r === '_' || isSpace(r);
}

/** xstrings.ToPascalCase (what Sprig's camelcase calls). */
export function toPascalCase(str: string): string {
  if (str === '') return '';
  const rs = runes(str);
  let out = '';
  let i = 0;
  let r0 = '';
  let isFirstRuneUpper = false;
  // leading connectors are kept
  for (; i < rs.length; ) {
    r0 = rs[i++]!;
    if (!isConnector(r0)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = toUpperRune(r0);
      break;
    }
    out += r0;
  }
  // Nothing after the first word rune (xstrings also repeats the last rune of an all-connector string).
  if (i >= rs.length) return out + r0;
  while (i < rs.length) {
    const r1 = r0;
    r0 = rs[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = toUpperRune(r0);
    } else {
      if (isFirstRuneUpper) {
        if (isUpper(r0)) r0 = toLowerRune(r0);
        else isFirstRuneUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

function nextWord(rs: string[], pos: number): { wt: WordType; start: number; end: number } {
  const start = pos;
  if (pos >= rs.length) return { wt: 'invalid', start, end: pos };
  const r = rs[pos]!;
  let p = pos + 1;
  const advanceWhile = (pred: (x: string) => boolean): void => {
    while (p < rs.length && pred(rs[p]!)) p++;
  };
  if (r === '\ufffd') return { wt: 'invalid', start, end: p };
  if (isConnector(r)) {
    advanceWhile(isConnector);
    return { wt: 'connector', start, end: p };
  }
  if (isPunct(r)) {
    advanceWhile(isPunct);
    return { wt: 'punct', start, end: p };
  }
  if (isUpper(r)) {
    if (p >= rs.length) return { wt: 'upper', start, end: p };
    const n = rs[p]!;
    if (isUpper(n)) {
      p++;
      advanceWhile(isUpper);
      // "HTTPStatus" -> "HTTP" + "Status": the last upper-case letter starts the next word.
      if (p < rs.length && isAlphabet(rs[p]!)) p--;
    } else if (isAlphabet(n)) {
      p++;
      advanceWhile((x) => isAlphabet(x) && !isUpper(x));
    }
    return { wt: 'upper', start, end: p };
  }
  if (isAlphabet(r)) {
    advanceWhile((x) => isAlphabet(x) && !isUpper(x));
    return { wt: 'alphabet', start, end: p };
  }
  if (isNumber(r)) {
    advanceWhile(isNumber);
    return { wt: 'number', start, end: p };
  }
  advanceWhile((x) => !(isConnector(x) || isAlphabet(x) || isNumber(x) || isPunct(x)));
  return { wt: 'other', start, end: p };
}

/** xstrings camelCaseToLowerCase (ToSnakeCase with '_', ToKebabCase with '-'). */
export function camelCaseToLowerCase(str: string, connector: string): string {
  if (str === '') return '';
  const rs = runes(str);
  let out = '';
  const toLower = (wt: WordType, w: { start: number; end: number }): void => {
    const word = rs.slice(w.start, w.end);
    if (wt !== 'upper' && wt !== 'connector') {
      out += word.join('');
      return;
    }
    for (const r of word) {
      if (isConnector(r)) out += connector;
      else if (isUpper(r)) out += toLowerRune(r);
      else out += r;
    }
  };
  let w = nextWord(rs, 0);
  let wt = w.wt;
  const remaining = (): boolean => w.end < rs.length;
  while (remaining()) {
    if (wt !== 'connector') toLower(wt, w);
    const prev = wt;
    const last = w;
    w = nextWord(rs, w.end);
    wt = w.wt;
    switch (prev) {
      case 'number':
        while (wt === 'alphabet' || wt === 'number') {
          toLower(wt, w);
          w = nextWord(rs, w.end);
          wt = w.wt;
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        toLower(prev, last);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (!remaining()) break;
        const lastNum = w;
        w = nextWord(rs, w.end);
        wt = w.wt;
        if (wt !== 'alphabet') {
          toLower('number', lastNum);
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        out += connector;
        toLower('number', lastNum);
        while (wt === 'alphabet' || wt === 'number') {
          toLower(wt, w);
          w = nextWord(rs, w.end);
          wt = w.wt;
        }
        if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
      }
    }
  }
  toLower(wt, w);
  return out;
}

/** xstrings.Shuffle. */
export function shuffle(str: string, random: RandomSource): string {
  if (str === '') return str;
  const rs = runes(str);
  for (let i = rs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1, random);
    if (i !== j) [rs[i], rs[j]] = [rs[j]!, rs[i]!];
  }
  return rs.join('');
}

/** goutils.CryptoRandom(count, start, end, letters, numbers) for Sprig's rand* functions. */
export function cryptoRandom(count: number, start: number, end: number, letters: boolean, numbers: boolean, random: RandomSource): string {
  if (count <= 0) return '';
  if (start === 0 && end === 0) {
    if (!letters && !numbers) end = 0x7fffffff;
    else {
      end = 0x7a + 1;
      start = 0x20;
    }
  }
  const buf = new Array<string>(count);
  const gap = end - start;
  while (count !== 0) {
    count--;
    const c = randomInt(gap, random) + start;
    const ch = String.fromCodePoint(Math.min(c, 0x10ffff));
    if ((letters && isLetter(ch)) || (numbers && isDigit(ch)) || (!letters && !numbers)) buf[count] = ch;
    else count++;
  }
  return buf.join('');
}
