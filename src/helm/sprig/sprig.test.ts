// Table of Sprig cases: expected values follow Sprig 3.3 / Go semantics (Sprig's docs and tests,
// Go's package docs, and values computed with Go-compatible tools where noted).
process.env.TZ = 'UTC';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from '../template/gofmt.js';
import { GoTime } from '../template/values.js';
import { GoArgError, SemverVersion, formatTime, sprigFuncs } from './index.js';

const NOW = new Date(Date.UTC(2024, 1, 29, 13, 4, 5, 123)); // Thu Feb 29 2024 13:04:05.123 UTC

/** Deterministic byte source (xorshift32). */
function seeded(seed = 42): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = x & 0xff;
    }
    return out;
  };
}

const F = sprigFuncs({ now: () => NOW, random: seeded() });
const call = (name: string, ...args: unknown[]): unknown => {
  const f = F[name];
  assert.ok(f, `function ${name} is registered`);
  return f(...args);
};

/** True once the engine's fmt implementation (formatValue) is in place. */
const fmtReady = (() => {
  try {
    return formatValue(1n) === '1';
  } catch {
    return false;
  }
})();

type Case =
  | { fn: string; args: unknown[]; want: unknown; fmt?: boolean }
  | { fn: string; args: unknown[]; err: string | RegExp; argErr?: boolean; fmt?: boolean };

const L = (...xs: unknown[]): unknown[] => xs;
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

const cases: Case[] = [
  // ---- strings
  { fn: 'trim', args: ['   5.00   '], want: '5.00' },
  { fn: 'trim', args: ['\u0085x\u00a0'], want: 'x' },
  { fn: 'trim', args: ['\ufeffx'], want: '\ufeffx' },
  { fn: 'trimAll', args: ['$', '$5.00$'], want: '5.00' },
  { fn: 'trimall', args: ['$', '$$5$'], want: '5' },
  { fn: 'trimPrefix', args: ['$', '$5.00'], want: '5.00' },
  { fn: 'trimSuffix', args: ['$', '5.00$'], want: '5.00' },
  { fn: 'upper', args: ['hello'], want: 'HELLO' },
  { fn: 'upper', args: ['straße'], want: 'STRAßE' },
  { fn: 'lower', args: ['HELLO ΣΑΣ'], want: 'hello σασ' },
  { fn: 'title', args: ['hello world'], want: 'Hello World' },
  { fn: 'title', args: ["hello-world o'neil foo_bar"], want: "Hello-World O'Neil Foo_bar" },
  { fn: 'untitle', args: ['First Try'], want: 'first try' },
  { fn: 'substr', args: [0n, 3n, 'fooo'], want: 'foo' },
  { fn: 'substr', args: [0n, 10n, 'foo'], want: 'foo' },
  { fn: 'substr', args: [-1n, 2n, 'foo'], want: 'fo' },
  { fn: 'substr', args: [2n, -1n, 'hello'], want: 'llo' },
  { fn: 'substr', args: [3n, 1n, 'hello'], err: 'runtime error: slice bounds out of range [3:1]' },
  { fn: 'substr', args: [-1n, 9n, 'abc'], err: 'runtime error: slice bounds out of range [:9] with length 3' },
  { fn: 'repeat', args: [3n, 'ab'], want: 'ababab' },
  { fn: 'repeat', args: [-1n, 'a'], err: 'strings: negative Repeat count' },
  { fn: 'trunc', args: [3n, 'foooooo'], want: 'foo' },
  { fn: 'trunc', args: [-3n, 'baaaaaar'], want: 'aar' },
  { fn: 'trunc', args: [-999n, 'baaaaaar'], want: 'baaaaaar' },
  { fn: 'trunc', args: [0n, 'baaaaaz'], want: '' },
  { fn: 'trunc', args: [63n, 'short'], want: 'short' },
  { fn: 'abbrev', args: [5n, 'hello world'], want: 'he...' },
  { fn: 'abbrev', args: [3n, 'hello world'], want: 'hello world' },
  { fn: 'abbrevboth', args: [5n, 10n, '1234 5678 9123'], want: '...5678...' },
  { fn: 'nospace', args: ['h e l l o '], want: 'hello' },
  { fn: 'initials', args: ['First Try'], want: 'FT' },
  { fn: 'wrap', args: [5n, 'Hello World'], want: 'Hello\nWorld' },
  { fn: 'wrap', args: [10n, 'a verylongwordhere b'], want: 'a\nverylongwordhere\nb' },
  { fn: 'wrapWith', args: [5n, '\t', 'Hello World'], want: 'Hello\tWorld' },
  { fn: 'wrapWith', args: [3n, '|', 'abcdefg'], want: 'abc|def|g' },
  { fn: 'swapcase', args: ['This Is A.Test'], want: 'tHIS iS a.tEST' },
  { fn: 'swapcase', args: ['hello world'], want: 'HELLO WORLD' },
  { fn: 'snakecase', args: ['FirstName'], want: 'first_name' },
  { fn: 'snakecase', args: ['HTTPServer'], want: 'http_server' },
  { fn: 'snakecase', args: ['NoHTTPS'], want: 'no_https' },
  { fn: 'snakecase', args: ['GO_PATH'], want: 'go_path' },
  { fn: 'snakecase', args: ['GO PATH'], want: 'go_path' },
  { fn: 'snakecase', args: ['GO-PATH'], want: 'go_path' },
  { fn: 'snakecase', args: ['http2xx'], want: 'http_2xx' },
  { fn: 'snakecase', args: ['HTTP20xOK'], want: 'http_20x_ok' },
  { fn: 'snakecase', args: ['Duration2m3s'], want: 'duration_2m3s' },
  { fn: 'snakecase', args: ['Bld4Floor3rd'], want: 'bld4_floor_3rd' },
  { fn: 'kebabcase', args: ['FirstName'], want: 'first-name' },
  { fn: 'kebabcase', args: ['HTTPServer'], want: 'http-server' },
  { fn: 'kebabcase', args: ['GO_PATH'], want: 'go-path' },
  { fn: 'camelcase', args: ['some_words'], want: 'SomeWords' },
  { fn: 'camelcase', args: ['http_server'], want: 'HttpServer' },
  { fn: 'camelcase', args: ['no_https'], want: 'NoHttps' },
  { fn: 'camelcase', args: ['_complex__case_'], want: '_Complex_Case_' },
  { fn: 'camelcase', args: ['some words'], want: 'SomeWords' },
  { fn: 'camelcase', args: ['GOLANG_IS_GREAT'], want: 'GolangIsGreat' },
  { fn: 'contains', args: ['cat', 'fair catch'], want: true },
  { fn: 'hasPrefix', args: ['cat', 'catch'], want: true },
  { fn: 'hasSuffix', args: ['cat', 'ducat'], want: true },
  { fn: 'hasSuffix', args: ['dog', 'ducat'], want: false },
  { fn: 'quote', args: ['a', 'b', 'c'], want: '"a" "b" "c"' },
  { fn: 'quote', args: ['"a"'], want: '"\\"a\\""' },
  { fn: 'quote', args: [null], want: '' },
  { fn: 'quote', args: ['tab\there\nnl é \u00a0 \x01'], want: '"tab\\there\\nnl é \\u00a0 \\x01"' },
  { fn: 'quote', args: [1n, 2n, 3n], want: '"1" "2" "3"', fmt: true },
  { fn: 'squote', args: ['a', 'b', null], want: "'a' 'b'", fmt: true },
  { fn: 'cat', args: ['a', 'b', null, 'c'], want: 'a b c', fmt: true },
  { fn: 'cat', args: [], want: '' },
  { fn: 'indent', args: [4n, 'a\nb\nc'], want: '    a\n    b\n    c' },
  { fn: 'nindent', args: [4n, 'a\nb\nc'], want: '\n    a\n    b\n    c' },
  { fn: 'replace', args: [' ', '-', 'I Am Henry VIII'], want: 'I-Am-Henry-VIII' },
  { fn: 'replace', args: ['', '-', 'ab'], want: '-a-b-' },
  { fn: 'plural', args: ['one anchovy', 'many anchovies', 1n], want: 'one anchovy' },
  { fn: 'plural', args: ['one anchovy', 'many anchovies', 2n], want: 'many anchovies' },
  { fn: 'splitList', args: [',', 'a,b,c'], want: ['a', 'b', 'c'] },
  { fn: 'splitList', args: ['', 'héy'], want: ['h', 'é', 'y'] },
  { fn: 'split', args: ['$', 'foo$bar$baz'], want: { _0: 'foo', _1: 'bar', _2: 'baz' } },
  { fn: 'splitn', args: ['$', 2n, 'foo$bar$baz'], want: { _0: 'foo', _1: 'bar$baz' } },
  { fn: 'splitn', args: ['$', 0n, 'foo$bar'], want: {} },
  { fn: 'join', args: ['-', L('a', 'b', 'c')], want: 'a-b-c' },
  { fn: 'join', args: ['-', 'abc'], want: 'abc' },
  { fn: 'join', args: ['-', L('1', null, '2')], want: '1-2' },
  { fn: 'join', args: ['-', L(1n, 2n, 3n)], want: '1-2-3', fmt: true },
  { fn: 'sortAlpha', args: [L('c', 'a', 'b')], want: ['a', 'b', 'c'] },
  { fn: 'sortAlpha', args: [L(2n, 1n, 4n, 3n)], want: ['1', '2', '3', '4'], fmt: true },
  { fn: 'toStrings', args: [L('a', null, 'b')], want: ['a', 'b'] },
  { fn: 'toString', args: ['x'], want: 'x' },
  { fn: 'toString', args: [bytes('bytes')], want: 'bytes' },
  { fn: 'toString', args: [1.5], want: '1.5', fmt: true },

  // ---- conversions
  { fn: 'atoi', args: ['42'], want: 42n },
  { fn: 'atoi', args: ['-7'], want: -7n },
  { fn: 'atoi', args: ['x'], want: 0n },
  { fn: 'atoi', args: ['99999999999999999999'], want: 9223372036854775807n },
  { fn: 'atoi', args: [5n], err: 'wrong type for value; expected string; got int64', argErr: true },
  { fn: 'int64', args: ['0x1F'], want: 31n },
  { fn: 'int64', args: ['010'], want: 8n },
  { fn: 'int64', args: ['1.0'], want: 1n },
  { fn: 'int64', args: ['1.5'], want: 0n },
  { fn: 'int64', args: [3.9], want: 3n },
  { fn: 'int64', args: [-3.9], want: -3n },
  { fn: 'int64', args: [true], want: 1n },
  { fn: 'int64', args: [null], want: 0n },
  { fn: 'int', args: ['1_000'], want: 1000n },
  { fn: 'int', args: ['12abc'], want: 0n },
  { fn: 'float64', args: ['3.14'], want: 3.14 },
  { fn: 'float64', args: [5n], want: 5 },
  { fn: 'float64', args: ['abc'], want: 0 },
  { fn: 'float64', args: ['1e400'], want: 0 },
  { fn: 'float64', args: ['inf'], want: Infinity },
  { fn: 'float64', args: [false], want: 0 },
  { fn: 'toDecimal', args: ['0777'], want: 511n },
  { fn: 'toDecimal', args: ['777'], want: 511n },
  { fn: 'toDecimal', args: ['8'], want: 0n },
  { fn: 'toDecimal', args: [777n], want: 511n, fmt: true },
  { fn: 'seq', args: [3n], want: '1 2 3' },
  { fn: 'seq', args: [2n, 5n], want: '2 3 4 5' },
  { fn: 'seq', args: [5n, 2n], want: '5 4 3 2' },
  { fn: 'seq', args: [0n, 2n, 10n], want: '0 2 4 6 8 10' },
  { fn: 'seq', args: [10n, -2n, 0n], want: '10 8 6 4 2 0' },
  { fn: 'seq', args: [1n, 2n, 0n], want: '' },
  { fn: 'seq', args: [], want: '' },
  { fn: 'until', args: [3n], want: [0n, 1n, 2n] },
  { fn: 'until', args: [-3n], want: [0n, -1n, -2n] },
  { fn: 'until', args: [3.0], err: 'wrong type for value; expected int; got float64', argErr: true },
  { fn: 'untilStep', args: [0n, 10n, 3n], want: [0n, 3n, 6n, 9n] },
  { fn: 'untilStep', args: [10n, 0n, -4n], want: [10n, 6n, 2n] },
  { fn: 'untilStep', args: [0n, 10n, -1n], want: [] },

  // ---- math
  { fn: 'add', args: [1n, 2n], want: 3n },
  { fn: 'add', args: [1.5, 2n], want: 3n },
  { fn: 'add', args: ['3', 4n, 5.9], want: 12n },
  { fn: 'add', args: [], want: 0n },
  { fn: 'add', args: [9223372036854775807n, 1n], want: -9223372036854775808n },
  { fn: 'add1', args: [5n], want: 6n },
  { fn: 'sub', args: [5n, 3n], want: 2n },
  { fn: 'div', args: [7n, 2n], want: 3n },
  { fn: 'div', args: [-7n, 2n], want: -3n },
  { fn: 'div', args: [7.9, 2n], want: 3n },
  { fn: 'div', args: [1n, 0n], err: 'runtime error: integer divide by zero' },
  { fn: 'mod', args: [7n, 3n], want: 1n },
  { fn: 'mod', args: [-7n, 3n], want: -1n },
  { fn: 'mul', args: [2n, 3n, 4n], want: 24n },
  { fn: 'max', args: [1n, 5n, 3n], want: 5n },
  { fn: 'max', args: [1.9, 1n], want: 1n },
  { fn: 'biggest', args: [1n, 2n], want: 2n },
  { fn: 'min', args: [4n, 1n, 5n], want: 1n },
  { fn: 'maxf', args: [1.5, 2n], want: 2 },
  { fn: 'minf', args: [1.5, 2n, '0.5'], want: 0.5 },
  { fn: 'addf', args: [1.1, 2.2], want: 3.3 },
  { fn: 'addf', args: [], want: 0 },
  { fn: 'add1f', args: [1.5], want: 2.5 },
  { fn: 'subf', args: [10n, 1.1], want: 8.9 },
  { fn: 'mulf', args: [1.1, 3n], want: 3.3 },
  { fn: 'divf', args: [10n, 3n], want: 3.3333333333333335 },
  { fn: 'divf', args: [2n, 3n], want: 0.6666666666666667 },
  { fn: 'divf', args: [1n, 0n], err: 'decimal division by zero' },
  { fn: 'ceil', args: [1.2], want: 2 },
  { fn: 'floor', args: ['1.8'], want: 1 },
  { fn: 'round', args: [3.14159, 2n], want: 3.14 },
  { fn: 'round', args: [2.5, 0n], want: 3 },
  { fn: 'round', args: [2.4, 0n], want: 2 },
  { fn: 'round', args: [-1.5, 0n], want: -2 },
  { fn: 'round', args: [1.25, 1n, 0.6], want: 1.2 },

  // ---- defaults
  { fn: 'default', args: ['foo', null], want: 'foo' },
  { fn: 'default', args: ['foo', ''], want: 'foo' },
  { fn: 'default', args: ['foo', 'bar'], want: 'bar' },
  { fn: 'default', args: ['foo', 0n], want: 'foo' },
  { fn: 'default', args: ['foo', 0.0], want: 'foo' },
  { fn: 'default', args: ['foo', false], want: 'foo' },
  { fn: 'default', args: ['foo', []], want: 'foo' },
  { fn: 'default', args: ['foo', {}], want: 'foo' },
  { fn: 'default', args: ['foo'], want: 'foo' },
  { fn: 'default', args: [], err: 'wrong number of args for default: want at least 1 got 0', argErr: true },
  { fn: 'empty', args: [''], want: true },
  { fn: 'empty', args: [0n], want: true },
  { fn: 'empty', args: [L(1n)], want: false },
  { fn: 'empty', args: [new GoTime(new Date(0), 'UTC')], want: false },
  { fn: 'coalesce', args: [null, '', 'a', 'b'], want: 'a' },
  { fn: 'coalesce', args: [null, 0n], want: null },
  { fn: 'all', args: [1n, 'a', true], want: true },
  { fn: 'all', args: [1n, ''], want: false },
  { fn: 'all', args: [], want: true },
  { fn: 'any', args: ['', 0n, 'x'], want: true },
  { fn: 'any', args: [], want: false },
  { fn: 'compact', args: [L(1n, '', null, 'a', false, 0n, L())], want: [1n, 'a'] },
  { fn: 'compact', args: ['str'], err: 'Cannot compact on type string' },
  { fn: 'mustCompact', args: [{}], err: 'Cannot compact on type map' },
  { fn: 'ternary', args: ['a', 'b', true], want: 'a' },
  { fn: 'ternary', args: ['a', 'b', false], want: 'b' },
  { fn: 'ternary', args: ['a', 'b', 'true'], err: 'wrong type for value; expected bool; got string', argErr: true },

  // ---- JSON
  { fn: 'toJson', args: [{ b: '<x>&', a: 1n, c: L(true, null), d: 1.5 }], want: '{"a":1,"b":"\\u003cx\\u003e\\u0026","c":[true,null],"d":1.5}' },
  { fn: 'toRawJson', args: [{ b: '<x>&', a: 1n }], want: '{"a":1,"b":"<x>&"}' },
  { fn: 'toPrettyJson', args: [{ a: 1n, b: L(1n, 2n), c: {} }], want: '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ],\n  "c": {}\n}' },
  { fn: 'toJson', args: [L(1e21, 1e-7, 1e20, 0.000001, -0)], want: '[1e+21,1e-7,100000000000000000000,0.000001,-0]' },
  { fn: 'toJson', args: ['tab\t\u2028\b'], want: '"tab\\t\\u2028\\b"' },
  { fn: 'toJson', args: [bytes('hi')], want: '"aGk="' },
  { fn: 'toJson', args: [NaN], want: '' },
  { fn: 'mustToJson', args: [NaN], err: 'json: unsupported value: NaN' },
  { fn: 'mustToJson', args: [L(-Infinity)], err: 'json: unsupported value: -Inf' },
  { fn: 'fromJson', args: ['{"a":1,"b":[1,"x",null,true]}'], want: { a: 1, b: [1, 'x', null, true] } },
  { fn: 'fromJson', args: ['bad'], want: null },
  { fn: 'mustFromJson', args: ['{'], err: 'unexpected end of JSON input' },
  { fn: 'mustFromJson', args: ['[1,]'], err: "invalid character ']' looking for beginning of value" },
  { fn: 'mustFromJson', args: ['{"a" 1}'], err: "invalid character '1' after object key" },
  { fn: 'mustFromJson', args: ['trux'], err: "invalid character 'x' in literal true (expecting 'e')" },
  { fn: 'mustFromJson', args: ['1 2'], err: "invalid character '2' after top-level value" },
  { fn: 'mustFromJson', args: ['{"a":1 "b"}'], err: 'invalid character \'"\' after object key:value pair' },
  { fn: 'mustFromJson', args: ['"\\q"'], err: "invalid character 'q' in string escape code" },

  // ---- reflection
  { fn: 'typeOf', args: ['a'], want: 'string' },
  { fn: 'typeOf', args: [1n], want: 'int64' },
  { fn: 'typeOf', args: [1.5], want: 'float64' },
  { fn: 'typeOf', args: [L()], want: '[]interface {}' },
  { fn: 'typeOf', args: [{}], want: 'map[string]interface {}' },
  { fn: 'typeOf', args: [null], want: '<nil>' },
  { fn: 'typeIs', args: ['string', 'x'], want: true },
  { fn: 'typeIsLike', args: ['semver.Version', SemverVersion.parse('1.0.0')], want: true },
  { fn: 'kindOf', args: [L()], want: 'slice' },
  { fn: 'kindOf', args: [SemverVersion.parse('1.0.0')], want: 'ptr' },
  { fn: 'kindIs', args: ['map', {}], want: true },
  { fn: 'kindIs', args: ['int', 1.0], want: false },
  { fn: 'deepEqual', args: [L(1n, { a: 'b' }), L(1n, { a: 'b' })], want: true },
  { fn: 'deepEqual', args: [1n, 1.0], want: false },
  { fn: 'deepEqual', args: [{ a: L() }, { a: L(null) }], want: false },

  // ---- paths
  { fn: 'base', args: ['/a/b/c.txt'], want: 'c.txt' },
  { fn: 'base', args: [''], want: '.' },
  { fn: 'base', args: ['/'], want: '/' },
  { fn: 'base', args: ['a/b/'], want: 'b' },
  { fn: 'dir', args: ['/a/b/c'], want: '/a/b' },
  { fn: 'dir', args: ['a'], want: '.' },
  { fn: 'dir', args: ['/a'], want: '/' },
  { fn: 'clean', args: ['a//b/../c/./d/'], want: 'a/c/d' },
  { fn: 'clean', args: ['/../a'], want: '/a' },
  { fn: 'clean', args: ['../../a/..'], want: '../..' },
  { fn: 'ext', args: ['a/b.tar.gz'], want: '.gz' },
  { fn: 'ext', args: ['a.b/c'], want: '' },
  { fn: 'isAbs', args: ['/a'], want: true },
  { fn: 'osIsAbs', args: ['a'], want: false },
  { fn: 'osBase', args: ['/x/y'], want: 'y' },
  { fn: 'osClean', args: ['x/../y'], want: 'y' },

  // ---- encoding
  { fn: 'b64enc', args: ['coffee'], want: 'Y29mZmVl' },
  { fn: 'b64dec', args: ['Y29mZmVl'], want: 'coffee' },
  { fn: 'b64dec', args: ['YQ=='], want: 'a' },
  { fn: 'b64dec', args: ['Y29m\nZmVl'], want: 'coffee' },
  { fn: 'b64dec', args: ['Y29mZmV'], want: 'illegal base64 data at input byte 4' },
  { fn: 'b64dec', args: ['Y29m!'], want: 'illegal base64 data at input byte 4' },
  { fn: 'b64dec', args: ['YQ='], want: 'illegal base64 data at input byte 3' },
  { fn: 'b64dec', args: ['YQ'], want: 'illegal base64 data at input byte 0' },
  { fn: 'b32enc', args: ['coffee'], want: 'MNXWMZTFMU======' },
  { fn: 'b32enc', args: ['abcde'], want: 'MFRGGZDF' },
  { fn: 'b32dec', args: ['MNXWMZTFMU======'], want: 'coffee' },
  { fn: 'b32dec', args: ['MFRA===='], want: 'ab' },
  { fn: 'b32dec', args: ['MFRA'], want: 'illegal base32 data at input byte 0' },

  // ---- lists
  { fn: 'list', args: [1n, 'a', null], want: [1n, 'a', null] },
  { fn: 'first', args: [L(1n, 2n, 3n)], want: 1n },
  { fn: 'first', args: [L()], want: null },
  { fn: 'mustFirst', args: [bytes('A')], want: 65n },
  { fn: 'last', args: [L(1n, 2n, 3n)], want: 3n },
  { fn: 'rest', args: [L(1n, 2n, 3n)], want: [2n, 3n] },
  { fn: 'initial', args: [L(1n, 2n, 3n)], want: [1n, 2n] },
  { fn: 'reverse', args: [L(1n, 2n, 3n)], want: [3n, 2n, 1n] },
  { fn: 'append', args: [L(1n, 2n), 3n], want: [1n, 2n, 3n] },
  { fn: 'push', args: [L(), 'x'], want: ['x'] },
  { fn: 'prepend', args: [L(1n, 2n), 0n], want: [0n, 1n, 2n] },
  { fn: 'append', args: ['x', 1n], err: 'Cannot push on type string' },
  { fn: 'mustPrepend', args: [{}, 1n], err: 'Cannot prepend on type map' },
  { fn: 'first', args: ['x'], err: 'Cannot find first on type string' },
  { fn: 'mustLast', args: [5n], err: 'Cannot find last on type int64' },
  { fn: 'first', args: [null], err: 'runtime error: invalid memory address or nil pointer dereference' },
  { fn: 'concat', args: [L(1n, 2n), L(3n), L()], want: [1n, 2n, 3n] },
  { fn: 'concat', args: [L(1n), 'x'], err: 'Cannot concat type string as list' },
  { fn: 'uniq', args: [L(1n, 1n, 2n, 'a', 'a', 1.0)], want: [1n, 2n, 'a', 1.0] },
  { fn: 'without', args: [L(1n, 2n, 3n, 1n), 1n, 3n], want: [2n] },
  { fn: 'has', args: [2n, L(1n, 2n)], want: true },
  { fn: 'has', args: [2.0, L(1n, 2n)], want: false },
  { fn: 'has', args: [5n, null], want: false },
  { fn: 'mustHas', args: ['x', 'str'], err: 'Cannot find has on type string' },
  { fn: 'slice', args: [L(1n, 2n, 3n, 4n), 1n, 3n], want: [2n, 3n] },
  { fn: 'slice', args: [L(1n, 2n, 3n), 1n], want: [2n, 3n] },
  { fn: 'slice', args: [L(1n, 2n, 3n)], want: [1n, 2n, 3n] },
  { fn: 'slice', args: [L()], want: null },
  { fn: 'slice', args: [L(1n, 2n), 1n, 5n], err: 'reflect.Value.Slice: slice index out of range' },
  { fn: 'mustSlice', args: ['abc', 1n], err: 'list should be type of slice or array but string' },
  { fn: 'chunk', args: [2n, L(1n, 2n, 3n, 4n, 5n)], want: [[1n, 2n], [3n, 4n], [5n]] },
  { fn: 'chunk', args: [3n, L(1n, 2n, 3n)], want: [[1n, 2n, 3n]] },
  { fn: 'chunk', args: [2n, L()], want: [] },
  { fn: 'mustChunk', args: [2n, 'x'], err: 'Cannot chunk type string' },

  // ---- dicts
  { fn: 'dict', args: ['a', 1n, 'b', 'two'], want: { a: 1n, b: 'two' } },
  { fn: 'dict', args: ['a'], want: { a: '' } },
  { fn: 'dict', args: [1n, 2n], want: { 1: 2n }, fmt: true },
  { fn: 'get', args: [{ a: 1n }, 'a'], want: 1n },
  { fn: 'get', args: [{ a: 1n }, 'zz'], want: '' },
  { fn: 'get', args: [null, 'zz'], want: '' },
  { fn: 'set', args: [{ a: 1n }, 'b', 2n], want: { a: 1n, b: 2n } },
  { fn: 'set', args: [null, 'b', 2n], err: 'assignment to entry in nil map' },
  { fn: 'unset', args: [{ a: 1n, b: 2n }, 'a'], want: { b: 2n } },
  { fn: 'hasKey', args: [{ a: null }, 'a'], want: true },
  { fn: 'hasKey', args: [{ a: 1n }, 'toString'], want: false },
  { fn: 'pluck', args: ['a', { a: 1n }, { b: 2n }, { a: 3n }], want: [1n, 3n] },
  { fn: 'keys', args: [{ b: 1n, a: 2n }, { c: 3n }], want: ['a', 'b', 'c'] },
  { fn: 'pick', args: [{ a: 1n, b: 2n, c: 3n }, 'a', 'c', 'x'], want: { a: 1n, c: 3n } },
  { fn: 'omit', args: [{ a: 1n, b: 2n, c: 3n }, 'a', 'c'], want: { b: 2n } },
  { fn: 'values', args: [{ b: 2n, a: 1n }], want: [1n, 2n] },
  { fn: 'pick', args: [{ a: 1n }, 1n], err: 'wrong type for value; expected string; got int64', argErr: true },
  { fn: 'dig', args: ['a', 'b', 'def', { a: { b: 1n } }], want: 1n },
  { fn: 'dig', args: ['a', 'x', 'def', { a: { b: 1n } }], want: 'def' },
  { fn: 'dig', args: ['a', 'def', { a: null }], want: null },
  { fn: 'dig', args: ['a', 'b', 'def', { a: 'str' }], err: 'interface conversion: interface {} is string, not map[string]interface {}' },
  { fn: 'dig', args: ['a', 'b'], err: 'dig needs at least three arguments' },
  { fn: 'merge', args: ['x'], err: 'wrong type for value; expected map[string]interface {}; got string', argErr: true },

  // ---- regular expressions
  { fn: 'regexMatch', args: ['^[a-z]+$', 'abc'], want: true },
  { fn: 'regexMatch', args: ['(', 'x'], want: false },
  { fn: 'mustRegexMatch', args: ['(', 'x'], err: 'error parsing regexp: missing closing ): `(`' },
  { fn: 'regexMatch', args: ['(?i)^HELLO$', 'hello'], want: true },
  { fn: 'regexMatch', args: ['^\\s$', '\u00a0'], want: false },
  { fn: 'regexMatch', args: ['^a.b$', 'a\rb'], want: true },
  { fn: 'regexMatch', args: ['^a.b$', 'a\nb'], want: false },
  { fn: 'regexMatch', args: ['(?s)^a.b$', 'a\nb'], want: true },
  { fn: 'regexMatch', args: ['a$', 'a\n'], want: false },
  { fn: 'regexMatch', args: ['(?m)^b$', 'a\nb\nc'], want: true },
  { fn: 'regexMatch', args: ['\\Aab\\z', 'ab'], want: true },
  { fn: 'regexMatch', args: ['^[[:upper:]][[:digit:]]+$', 'A12'], want: true },
  { fn: 'regexMatch', args: ['^\\p{Greek}+$', 'αβγ'], want: true },
  { fn: 'regexMatch', args: ['^(?i:ab)c$', 'ABc'], want: true },
  { fn: 'regexMatch', args: ['^(?i:ab)c$', 'ABC'], want: false },
  { fn: 'regexMatch', args: ['^\\Q1.5*\\E$', '1.5*'], want: true },
  { fn: 'regexMatch', args: ['^\\x41\\x{42}\\103$', 'ABC'], want: true },
  { fn: 'regexFind', args: ['[a-z]+', '123abc456def'], want: 'abc' },
  { fn: 'regexFind', args: ['(', 'x'], err: 'regexp: Compile(`(`): error parsing regexp: missing closing ): `(`' },
  { fn: 'mustRegexFind', args: ['[0-9', 'x'], err: 'error parsing regexp: missing closing ]: `[0-9`' },
  { fn: 'regexFindAll', args: ['[0-9]+', 'a1b22c333', -1n], want: ['1', '22', '333'] },
  { fn: 'regexFindAll', args: ['[0-9]+', 'a1b22c333', 2n], want: ['1', '22'] },
  { fn: 'regexFindAll', args: ['[0-9]+', 'a1b22c333', 0n], want: [] },
  { fn: 'regexFindAll', args: ['a|', 'abab', -1n], want: ['a', 'a', ''] },
  { fn: 'regexReplaceAll', args: ['a(x*)b', '-ab-axxb-', '${1}W'], want: '-W-xxW-' },
  { fn: 'regexReplaceAll', args: ['a(x*)b', '-ab-axxb-', '$1W'], want: '---' },
  { fn: 'regexReplaceAll', args: ['a(x*)b', '-ab-axxb-', '$1'], want: '--xx-' },
  { fn: 'regexReplaceAll', args: ['a(x*)b', '-ab-axxb-', '$$1'], want: '-$1-$1-' },
  { fn: 'regexReplaceAll', args: ['(?P<first>\\w+) (?P<last>\\w+)', 'John Smith', '${last} $first'], want: 'Smith John' },
  { fn: 'regexReplaceAll', args: ['a*', 'baaac', '-'], want: '-b-c-' },
  { fn: 'regexReplaceAllLiteral', args: ['a(x*)b', '-ab-axxb-', '${1}'], want: '-${1}-${1}-' },
  { fn: 'regexSplit', args: ['z+', 'pizza', -1n], want: ['pi', 'a'] },
  { fn: 'regexSplit', args: ['', 'abc', -1n], want: ['a', 'b', 'c'] },
  { fn: 'regexSplit', args: ['a*', 'abaabaccadaaae', 5n], want: ['', 'b', 'b', 'c', 'cadaaae'] },
  { fn: 'regexSplit', args: ['x', 'abc', 0n], want: [] },
  { fn: 'regexQuoteMeta', args: ['1.5-2.0?'], want: '1\\.5-2\\.0\\?' },
  { fn: 'mustRegexMatch', args: ['a**', ''], err: 'error parsing regexp: invalid nested repetition operator: `**`' },
  { fn: 'mustRegexMatch', args: ['*a', ''], err: 'error parsing regexp: missing argument to repetition operator: `*`' },
  { fn: 'mustRegexMatch', args: ['a)', ''], err: 'error parsing regexp: unexpected ): `a)`' },
  { fn: 'mustRegexMatch', args: ['[z-a]', ''], err: 'error parsing regexp: invalid character class range: `z-a`' },
  { fn: 'mustRegexMatch', args: ['(a)\\1', ''], err: 'error parsing regexp: invalid escape sequence: `\\1`' },
  { fn: 'mustRegexMatch', args: ['(?=a)', ''], err: 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`' },
  { fn: 'mustRegexMatch', args: ['a{1001}', ''], err: 'error parsing regexp: invalid repeat count: `{1001}`' },
  { fn: 'mustRegexMatch', args: ['a\\', ''], err: 'error parsing regexp: trailing backslash at end of expression: ``' },
  { fn: 'mustRegexMatch', args: ['(?P<n>a)(?P<n>b)', ''], err: 'error parsing regexp: invalid named capture: `(?P<n>`' },

  // ---- semver
  { fn: 'semverCompare', args: ['>=1.21.0-0', '1.21.5-eks-1'], want: true },
  { fn: 'semverCompare', args: ['>=1.21.0', '1.21.5-eks-1'], want: false },
  { fn: 'semverCompare', args: ['>=1.21.0-0', 'v1.28.3+k3s1'], want: true },
  { fn: 'semverCompare', args: ['>=1.16.0-0 <1.30.0-0', 'v1.29.1'], want: true },
  { fn: 'semverCompare', args: ['^1.2', '1.9.0'], want: true },
  { fn: 'semverCompare', args: ['^1.2', '2.0.0'], want: false },
  { fn: 'semverCompare', args: ['^0.2.3', '0.2.9'], want: true },
  { fn: 'semverCompare', args: ['^0.2.3', '0.3.0'], want: false },
  { fn: 'semverCompare', args: ['^0.0.3', '0.0.4'], want: false },
  { fn: 'semverCompare', args: ['^0.0', '0.0.5'], want: true },
  { fn: 'semverCompare', args: ['^0.0', '0.1.0'], want: false },
  { fn: 'semverCompare', args: ['^0', '0.9.9'], want: true },
  { fn: 'semverCompare', args: ['~1.2.3', '1.2.9'], want: true },
  { fn: 'semverCompare', args: ['~1.2.3', '1.3.0'], want: false },
  { fn: 'semverCompare', args: ['~>1.2', '1.2.5'], want: true },
  { fn: 'semverCompare', args: ['~1', '1.9.0'], want: true },
  { fn: 'semverCompare', args: ['1.2.x', '1.2.7'], want: true },
  { fn: 'semverCompare', args: ['1.2.x', '1.3.0'], want: false },
  { fn: 'semverCompare', args: ['>= 1.2, < 3.0', '2.5.0'], want: true },
  { fn: 'semverCompare', args: ['>= 1.2, < 3.0', '3.0.0'], want: false },
  { fn: 'semverCompare', args: ['1.1 - 2', '2.5.0'], want: true },
  { fn: 'semverCompare', args: ['1.1 - 2', '3.0.0'], want: false },
  { fn: 'semverCompare', args: ['<1.0.0 || >=2.0.0', '2.1.0'], want: true },
  { fn: 'semverCompare', args: ['<1.0.0 || >=2.0.0', '1.5.0'], want: false },
  { fn: 'semverCompare', args: ['*', '1.2.3'], want: true },
  { fn: 'semverCompare', args: ['*', '1.2.3-alpha'], want: false },
  { fn: 'semverCompare', args: ['!=1.2.3', '1.2.4'], want: true },
  { fn: 'semverCompare', args: ['!=1.2.3', '1.2.3'], want: false },
  { fn: 'semverCompare', args: ['>1.2', '1.2.9'], want: false },
  { fn: 'semverCompare', args: ['>1.2', '1.3.0'], want: true },
  { fn: 'semverCompare', args: ['<=1.2', '1.2.9'], want: true },
  { fn: 'semverCompare', args: ['=1.2.3', '1.2.3+build.5'], want: true },
  { fn: 'semverCompare', args: ['>=1.2.3-beta.2', '1.2.3-beta.11'], want: true },
  { fn: 'semverCompare', args: ['>=1.2.3-beta', '1.2.3-alpha'], want: false },
  { fn: 'semverCompare', args: ['=>1.0', '1.0.0'], want: true },
  { fn: 'semverCompare', args: ['>=1.19-0', 'v1.32.0'], want: true },
  { fn: 'semverCompare', args: ['<1.25.0-0', 'v1.24.3-eks-4fd7f'], want: true },
  { fn: 'semverCompare', args: ['>=1.25.0-0', 'v1.24.3-eks-4fd7f'], want: false },
  { fn: 'semverCompare', args: ['1.2.3 - 1.4', '1.4.9'], want: true },
  { fn: 'semverCompare', args: ['1.2.3 - 1.4', '1.2.2'], want: false },
  { fn: 'semverCompare', args: ['^1.2.3-alpha', '1.2.3-beta'], want: true },
  { fn: 'semverCompare', args: ['bad', '1.0.0'], err: 'improper constraint: bad' },
  { fn: 'semverCompare', args: ['', '1.0.0'], err: 'improper constraint: ' },
  { fn: 'semverCompare', args: ['>1', 'x.y'], err: 'Invalid Semantic Version' },
  { fn: 'semver', args: ['1.2.3-01'], err: 'Version segment starts with 0' },

  // ---- dates (TZ=UTC, now = 2024-02-29T13:04:05.123Z)
  { fn: 'date', args: ['2006-01-02', new GoTime(NOW, 'Local')], want: '2024-02-29' },
  { fn: 'date', args: ['Mon Jan _2 15:04:05 MST 2006', new GoTime(NOW, 'Local')], want: 'Thu Feb 29 13:04:05 UTC 2024' },
  { fn: 'date', args: ['Jan 2, 2006 at 3:04pm (MST)', new GoTime(NOW, 'UTC')], want: 'Feb 29, 2024 at 1:04pm (UTC)' },
  { fn: 'date', args: ['15:04:05.000 .999 ,00', new GoTime(NOW, 'UTC')], want: '13:04:05.123 .123 ,12' },
  { fn: 'date', args: ['2006-01-02T15:04:05Z07:00', new GoTime(NOW, 'UTC')], want: '2024-02-29T13:04:05Z' },
  { fn: 'date', args: ['January 2 06 __2 002 PM', new GoTime(NOW, 'UTC')], want: 'February 29 24  60 060 PM' },
  { fn: 'date', args: ['2006-01-02', 0n], want: '1970-01-01' },
  { fn: 'date', args: ['2006-01-02', 1.5], want: '2024-02-29' },
  { fn: 'dateInZone', args: ['2006-01-02 15:04:05 -07:00 MST', new GoTime(NOW, 'UTC'), 'Asia/Kolkata'], want: '2024-02-29 18:34:05 +05:30 IST' },
  { fn: 'dateInZone', args: ['2006-01-02 15:04 -0700 MST', new GoTime(NOW, 'UTC'), 'America/New_York'], want: '2024-02-29 08:04 -0500 EST' },
  { fn: 'dateInZone', args: ['15:04 MST', new GoTime(NOW, 'UTC'), 'Bogus/Zone'], want: '13:04 UTC' },
  { fn: 'date_in_zone', args: ['15:04 Z0700', new GoTime(NOW, 'UTC'), 'Europe/Berlin'], want: '14:04 +0100' },
  { fn: 'htmlDate', args: [new GoTime(NOW, 'UTC')], want: '2024-02-29' },
  { fn: 'htmlDateInZone', args: [new GoTime(NOW, 'UTC'), 'Pacific/Kiritimati'], want: '2024-03-01' },
  { fn: 'unixEpoch', args: [new GoTime(NOW, 'UTC')], want: '1709211845' },
  { fn: 'duration', args: ['95'], want: '1m35s' },
  { fn: 'duration', args: [3600n], want: '1h0m0s' },
  { fn: 'duration', args: [95.0], want: '0s' },
  { fn: 'duration', args: ['-1'], want: '-1s' },
  { fn: 'durationRound', args: ['2h10m5s'], want: '2h' },
  { fn: 'durationRound', args: ['400h'], want: '16d' },
  { fn: 'durationRound', args: ['2400h10m5s'], want: '3mo' },
  { fn: 'durationRound', args: ['8760h1m'], want: '1y' },
  { fn: 'durationRound', args: ['-90s'], want: '1m' },
  { fn: 'durationRound', args: [1000000000n], want: '0s' },
  { fn: 'durationRound', args: ['bogus'], want: '0s' },
  { fn: 'ago', args: [new GoTime(new Date(NOW.getTime() - 90 * 60 * 1000 - 400), 'UTC')], want: '1h30m0s' },
  { fn: 'ago', args: [new GoTime(new Date(NOW.getTime() - 1500), 'UTC')], want: '2s' },
  { fn: 'mustToDate', args: ['2006-01-02', '2017-13-31'], err: 'parsing time "2017-13-31": month out of range' },
  { fn: 'mustToDate', args: ['2006-01-02', 'x'], err: 'parsing time "x" as "2006-01-02": cannot parse "x" as "2006"' },
  { fn: 'mustToDate', args: ['2006-01-02', '2017-02-30'], err: 'parsing time "2017-02-30": day out of range' },
  { fn: 'mustToDate', args: ['2006-01-02', '2017-01-02x'], err: 'parsing time "2017-01-02x": extra text: "x"' },
  { fn: 'mustDateModify', args: ['bogus', new GoTime(NOW, 'UTC')], err: 'time: invalid duration "bogus"' },
  { fn: 'mustDateModify', args: ['5x', new GoTime(NOW, 'UTC')], err: 'time: unknown unit "x" in duration "5x"' },
  { fn: 'dateModify', args: ['1.5h', 'not a time'], err: 'wrong type for value; expected time.Time; got string', argErr: true },

  // ---- crypto (fast ones)
  { fn: 'sha1sum', args: ['abc'], want: 'a9993e364706816aba3e25717850c26c9cd0d89d' },
  { fn: 'sha256sum', args: ['abc'], want: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  {
    fn: 'sha512sum',
    args: ['abc'],
    want: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  { fn: 'adler32sum', args: ['abc'], want: '38600999' },
  { fn: 'htpasswd', args: ['wrongus:er', 'x'], want: 'invalid username: wrongus:er' },
  { fn: 'genPrivateKey', args: ['bad'], want: 'Unknown type bad' },
  { fn: 'derivePassword', args: [1n, 'nope', 'password', 'user', 'example.com'], want: 'cannot find password template nope' },
  { fn: 'encryptAES', args: ['secretkey', ''], want: '' },
  { fn: 'decryptAES', args: ['secretkey', ''], want: '' },
  { fn: 'decryptAES', args: ['secretkey', '%%%'], err: 'illegal base64 data at input byte 0' },

  // ---- URLs
  {
    fn: 'urlParse',
    args: ['https://user:pa%20ss@example.com:8080/a%20b/c?x=1&y=2#frag%21'],
    want: {
      scheme: 'https', host: 'example.com:8080', hostname: 'example.com', path: '/a b/c', query: 'x=1&y=2', opaque: '',
      fragment: 'frag!', userinfo: 'user:pa%20ss',
    },
  },
  {
    fn: 'urlParse',
    args: ['mailto:joe@example.com'],
    want: { scheme: 'mailto', host: '', hostname: '', path: '', query: '', opaque: 'joe@example.com', fragment: '', userinfo: '' },
  },
  { fn: 'urlParse', args: ['%zz'], err: 'unable to parse url: parse "%zz": invalid URL escape "%zz"' },
  { fn: 'urlParse', args: ['http://host:port/'], err: 'unable to parse url: parse "http://host:port/": invalid port ":port" after host' },
  { fn: 'urlJoin', args: [{ scheme: 'https', host: 'example.com', path: '/a b', query: 'x=1', fragment: 'f g' }], want: 'https://example.com/a%20b?x=1#f%20g' },
  { fn: 'urlJoin', args: [{ scheme: 'http', host: 'h', userinfo: 'u:p' }], want: 'http://u:p@h' },
  { fn: 'urlJoin', args: [{ path: 'a:b' }], want: './a:b' },
  { fn: 'urlJoin', args: [{ host: 5n }], err: 'unable to parse host key, must be of type string, but int64 found' },

  // ---- misc and argument checking
  { fn: 'hello', args: [], want: 'Hello!' },
  { fn: 'getHostByName', args: ['example.com'], want: '' },
  { fn: 'fail', args: ['boom'], err: 'boom' },
  { fn: 'upper', args: [5n], err: 'wrong type for value; expected string; got int64', argErr: true },
  { fn: 'upper', args: [null], err: 'invalid value; expected string', argErr: true },
  { fn: 'indent', args: [2.0, 'x'], err: 'wrong type for value; expected int; got float64', argErr: true },
  { fn: 'upper', args: [], err: 'wrong number of args for upper: want 1 got 0', argErr: true },
  { fn: 'trim', args: ['a', 'b'], err: 'wrong number of args for trim: want 1 got 2', argErr: true },
];

for (const [i, c] of cases.entries()) {
  const show = (a: unknown): string =>
    JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof GoTime ? v.date.toISOString() : v)) ?? String(a);
  const label = `${i} ${c.fn}(${c.args.map(show).join(', ')})`;
  test(label, { skip: c.fmt && !fmtReady ? 'needs the engine fmt (formatValue)' : false }, () => {
    if ('err' in c) {
      assert.throws(
        () => call(c.fn, ...c.args),
        (e: unknown) => {
          assert.ok(e instanceof Error);
          if (typeof c.err === 'string') assert.equal(e.message, c.err);
          else assert.match(e.message, c.err);
          assert.equal(e instanceof GoArgError, !!c.argErr, 'argument errors are GoArgError, others plain errors');
          return true;
        },
      );
    } else {
      assert.deepStrictEqual(call(c.fn, ...c.args), c.want);
    }
  });
}

test('the function map is Helm’s Sprig set: env and expandenv are absent, the rest present', () => {
  assert.equal(F.env, undefined);
  assert.equal(F.expandenv, undefined);
  const expected = `hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate
    htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch abbrev abbrevboth trunc trim upper
    lower title untitle substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha
    randAscii randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix
    quote squote cat indent nindent replace plural sha1sum sha256sum sha512sum adler32sum toString atoi int64 int
    float64 seq toDecimal split splitList splitn toStrings until untilStep add1 add sub div mod mul randInt add1f addf
    subf divf mulf biggest max min maxf minf ceil floor round join sortAlpha default empty coalesce all any compact
    mustCompact fromJson toJson toPrettyJson toRawJson mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary
    deepCopy mustDeepCopy typeOf typeIs typeIsLike kindOf kindIs deepEqual getHostByName base dir clean ext isAbs
    osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc b32dec tuple list dict get set unset hasKey pluck keys pick
    omit merge mergeOverwrite mustMerge mustMergeOverwrite values append push mustAppend mustPush prepend mustPrepend
    first mustFirst rest mustRest last mustLast initial mustInitial reverse mustReverse uniq mustUniq without
    mustWithout has mustHas slice mustSlice concat dig chunk mustChunk bcrypt htpasswd genPrivateKey derivePassword
    buildCustomCert genCA genCAWithKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey
    encryptAES decryptAES randBytes uuidv4 semver semverCompare fail regexMatch mustRegexMatch regexFindAll
    mustRegexFindAll regexFind mustRegexFind regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral
    mustRegexReplaceAllLiteral regexSplit mustRegexSplit regexQuoteMeta urlParse urlJoin`.split(/\s+/);
  assert.deepEqual(Object.keys(F).sort(), [...expected].sort());
  for (const name of expected) assert.ok(F[name]!.goSignature, `${name} declares its Go signature`);
});

test('semver values expose the Go methods templates call', () => {
  const v = call('semver', 'v1.2.3-rc.1+b5') as SemverVersion;
  assert.equal(v.Major(), 1n);
  assert.equal(v.Minor(), 2n);
  assert.equal(v.Patch(), 3n);
  assert.equal(v.Prerelease(), 'rc.1');
  assert.equal(v.Metadata(), 'b5');
  assert.equal(v.Original(), 'v1.2.3-rc.1+b5');
  assert.equal(v.String(), '1.2.3-rc.1+b5');
  assert.equal((call('semver', '1.2') as SemverVersion).String(), '1.2.0');
  assert.ok(v.LessThan(SemverVersion.parse('1.2.3')));
  assert.equal(call('toJson', v), '"1.2.3-rc.1+b5"');
});

test('now, toDate and dateModify return time values in the right location', () => {
  const now = call('now') as GoTime;
  assert.equal(now.date.getTime(), NOW.getTime());
  const t = call('toDate', '2006-01-02 15:04', '2017-12-31 23:59') as GoTime;
  assert.equal(t.date.toISOString(), '2017-12-31T23:59:00.000Z');
  assert.equal(formatTime(call('toDate', '2006-01-02', 'garbage') as GoTime, '2006-01-02 15:04:05 -0700 MST'), '0001-01-01 00:00:00 +0000 UTC');
  const z = call('mustToDate', '2006-01-02T15:04:05Z07:00', '2020-05-06T07:08:09+02:00') as GoTime;
  assert.equal(z.date.toISOString(), '2020-05-06T05:08:09.000Z');
  assert.equal(formatTime(z, '15:04 -07:00'), '07:08 +02:00');
  const m = call('dateModify', '-1.5h', now) as GoTime;
  assert.equal(m.date.getTime(), NOW.getTime() - 90 * 60 * 1000);
  assert.equal(call('dateModify', 'bogus', now), now);
  const ny = call('mustToDate', 'Jan 2 2006 3:04pm', 'Jul 4 2021 9:30am') as GoTime;
  assert.equal(ny.date.toISOString(), '2021-07-04T09:30:00.000Z');
});

test('dict keys that collide with Object.prototype stay plain data', () => {
  const d = call('dict', '__proto__', 'x', 'constructor', 'y') as Record<string, unknown>;
  assert.deepEqual(Object.keys(d).sort(), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(d), Object.prototype);
  assert.equal(call('get', d, '__proto__'), 'x');
});

test('random functions use the random source and produce Go-shaped output', () => {
  const a = call('randAlphaNum', 12n) as string;
  assert.match(a, /^[A-Za-z0-9]{12}$/);
  assert.match(call('randAlpha', 8n) as string, /^[A-Za-z]{8}$/);
  assert.match(call('randNumeric', 8n) as string, /^[0-9]{8}$/);
  assert.match(call('randAscii', 20n) as string, /^[\x20-\x7e]{20}$/);
  assert.equal(call('randAlphaNum', 0n), '');
  assert.equal(call('randAlpha', -1n), '');
  assert.match(call('uuidv4') as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(Buffer.from(call('randBytes', 9n) as string, 'base64').length, 9);
  const s = call('shuffle', 'abcdef') as string;
  assert.deepEqual([...s].sort().join(''), 'abcdef');
  const r = call('randInt', 5n, 8n) as bigint;
  assert.ok(r >= 5n && r < 8n);
  assert.throws(() => call('randInt', 5n, 5n), /invalid argument to Intn/);
  // Same source, same output.
  const G = sprigFuncs({ random: seeded(7) });
  const H = sprigFuncs({ random: seeded(7) });
  assert.equal(G.randAlphaNum!(16n), H.randAlphaNum!(16n));
});

test('getHostByName uses the lookup when DNS is enabled', () => {
  const G = sprigFuncs({ lookupHost: (n) => (n === 'db' ? ['10.0.0.5'] : []) });
  assert.equal(G.getHostByName!('db'), '10.0.0.5');
});
