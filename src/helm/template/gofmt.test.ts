import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue, sprint, sprintf, sprintln } from './gofmt.js';
import { GoTime } from './values.js';

// [format, args, expected] — expectations follow Go's fmt documentation and behaviour.
const printfCases: Array<[string, unknown[], string]> = [
  // floats, %v uses %g with the shortest representation and exponent threshold 21/-4 -> 6/-4
  ['%v', [1000000], '1e+06'],
  ['%v', [123456], '123456'],
  ['%v', [1234567], '1.234567e+06'],
  ['%v', [0.000001], '1e-06'],
  ['%v', [0.0001], '0.0001'],
  ['%v', [0.00001], '1e-05'],
  ['%v', [1.5], '1.5'],
  ['%v', [-0], '-0'],
  ['%v', [100], '100'],
  ['%v', [0.1 + 0.2], '0.30000000000000004'],
  ['%v', [1e100], '1e+100'],
  ['%v', [5e-324], '5e-324'],
  ['%v', [1.7976931348623157e308], '1.7976931348623157e+308'],
  ['%v', [NaN], 'NaN'],
  ['%v', [Infinity], '+Inf'],
  ['%v', [-Infinity], '-Inf'],
  ['%.3v', [3.14159], '3.14'],
  ['%.2f', [3.14159], '3.14'],
  ['%05.2f', [3.14159], '03.14'],
  ['%07.2f', [-3.14159], '-003.14'],
  ['%08.3f', [-3.14159], '-003.142'],
  ['%6.2f|', [3.14159], '  3.14|'],
  ['%-8.2f|', [3.14159], '3.14    |'],
  ['%+.2f', [1], '+1.00'],
  ['% .2f', [1], ' 1.00'],
  ['%f', [1], '1.000000'],
  ['%F', [2.5], '2.500000'],
  ['%.0f', [0.5], '0'],
  ['%.0f', [1.5], '2'],
  ['%.0f', [2.5], '2'],
  ['%.2f', [0.125], '0.12'],
  ['%.2f', [0.375], '0.38'],
  ['%.2f', [1.005], '1.00'],
  ['%.1f', [0.05], '0.1'],
  ['%.3f', [1e-10], '0.000'],
  ['%.2f', [123456789.987], '123456789.99'],
  ['%e', [1234.5678], '1.234568e+03'],
  ['%E', [0], '0.000000E+00'],
  ['%.2e', [1e100], '1.00e+100'],
  ['%+.1e', [0.000123], '+1.2e-04'],
  ['%-10.3e|', [1234.5], '1.234e+03 |'],
  ['%g', [0.1], '0.1'],
  ['%g', [1e-7], '1e-07'],
  ['%g', [100000], '100000'],
  ['%g', [1e6], '1e+06'],
  ['%G', [1e20], '1E+20'],
  ['%.3g', [1234567], '1.23e+06'],
  ['%.3g', [1.0], '1'],
  ['%.2g', [100], '1e+02'],
  ['%.3g', [100], '100'],
  ['%#g', [1.0], '1.00000'],
  ['%#.3g', [1.0], '1.00'],
  ['%5.1f|', [Infinity], ' +Inf|'],
  ['%05v', [NaN], '  NaN'],
  ['%x', [1.0], '0x1p+00'],
  ['%b', [1.0], '4503599627370496p-52'],
  // integers
  ['%d', [5n], '5'],
  ['%v', [-12n], '-12'],
  ['%+d', [5n], '+5'],
  ['% d', [5n], ' 5'],
  ['%5d|', [42n], '   42|'],
  ['%-5d|', [42n], '42   |'],
  ['%05d', [-42n], '-0042'],
  ['%.3d', [7n], '007'],
  ['%.0d', [0n], ''],
  ['%x', [255n], 'ff'],
  ['%#x', [255n], '0xff'],
  ['%X', [-255n], '-FF'],
  ['%#08x', [255n], '0x000000ff'],
  ['%o', [8n], '10'],
  ['%#o', [8n], '010'],
  ['%O', [8n], '0o10'],
  ['%b', [5n], '101'],
  ['%#b', [5n], '0b101'],
  ['%c', [0x4e16n], '世'],
  ['%q', [97n], "'a'"],
  ['%U', [0x1f600n], 'U+1F600'],
  ['%#U', [97n], "U+0061 'a'"],
  ['%U', [0x41n], 'U+0041'],
  // strings
  ['%s', ['hi'], 'hi'],
  ['%v', ['hi'], 'hi'],
  ['%-10s|', ['hi'], 'hi        |'],
  ['%10s|', ['hi'], '        hi|'],
  ['%05s', ['ab'], '000ab'],
  ['%.2s', ['héllo'], 'hé'],
  ['%5.1s|', ['abc'], '    a|'],
  ['%q', ['a"b\n'], '"a\\"b\\n"'],
  ['%q', ['é\t\u0000'], '"é\\t\\x00"'],
  ['%+q', ['héllo'], '"h\\u00e9llo"'],
  ['%#q', ['abc'], '`abc`'],
  ['%#q', ['a`b'], '"a`b"'],
  ['%x', ['hi'], '6869'],
  ['%X', ['hi'], '6869'],
  ['% x', ['hi'], '68 69'],
  ['%#x', ['hi'], '0x6869'],
  ['%x', ['é'], 'c3a9'],
  ['%6s|', ['日本'], '    日本|'],
  // bool
  ['%t', [true], 'true'],
  ['%v', [false], 'false'],
  ['%t', ['x'], '%!t(string=x)'],
  ['%6t|', [false], ' false|'],
  // errors
  ['%d', ['foo'], '%!d(string=foo)'],
  ['%s', [5n], '%!s(int=5)'],
  ['%d', [1.5], '%!d(float64=1.5)'],
  ['%d', [8080], '%!d(float64=8080)'],
  ['%s', [true], '%!s(bool=true)'],
  ['%v', [], '%!v(MISSING)'],
  ['%d %d', [1n], '1 %!d(MISSING)'],
  ['%d', [1n, 2n, 'x'], '1%!(EXTRA int=2, string=x)'],
  ['x', [null], 'x%!(EXTRA <nil>)'],
  ['%', [], '%!(NOVERB)'],
  ['%z', [1n], '%!z(int=1)'],
  ['%d', [null], '%!d(<nil>)'],
  ['%!', [], '%!!(MISSING)'],
  ['100%%', [], '100%'],
  ['%5%', [], '%'],
  // argument indexes and star
  ['%[2]d %[1]d', [1n, 2n], '2 1'],
  ['%[3]d', [1n], '%!d(BADINDEX)'],
  ['%[1]d %d', [1n, 2n], '1 2'],
  ['%*d', [5n, 3n], '    3'],
  ['%-*d|', [5n, 3n], '3    |'],
  ['%*d|', [-3n, 7n], '7  |'],
  ['%.*f', [2n, 3.14159], '3.14'],
  ['%*d', [1.5, 3n], '%!(BADWIDTH)3'],
  // composite values
  ['%v', [{ b: 2n, a: 1n }], 'map[a:1 b:2]'],
  ['%v', [{}], 'map[]'],
  ['%v', [[1n, 'a', null, 2.5]], '[1 a <nil> 2.5]'],
  ['%v', [[]], '[]'],
  ['%v', [{ m: { z: [1n] } }], 'map[m:map[z:[1]]]'],
  ['%d', [[1n, 2n, 3n]], '[1 2 3]'],
  ['%s', [[1n, 'a']], '[%!s(int=1) a]'],
  ['%x', [['hi', 'yo']], '[6869 796f]'],
  ['%3v', [[1n, 2n]], '[  1   2]'],
  ['%q', [['a', 'b']], '["a" "b"]'],
  ['%v', [null], '<nil>'],
  ['%#v', [{ a: 'x', b: [1n] }], 'map[string]interface {}{"a":"x", "b":[]interface {}{1}}'],
  ['%#v', ['s'], '"s"'],
  ['%#v', [[null]], '[]interface {}{interface {}(nil)}'],
  ['%+v', [5n], '5'],
  ['%v', [new Uint8Array([1, 2, 3])], '[1 2 3]'],
  ['%s', [new Uint8Array([104, 105])], 'hi'],
  ['%x', [new Uint8Array([1, 255])], '01ff'],
  ['%q', [new Uint8Array([104, 0xff])], '"h\\xff"'],
  // types
  ['%T', [1n], 'int'],
  ['%T', [1.5], 'float64'],
  ['%T', ['s'], 'string'],
  ['%T', [true], 'bool'],
  ['%T', [{}], 'map[string]interface {}'],
  ['%T', [[]], '[]interface {}'],
  ['%T', [null], '<nil>'],
  ['%T', [new Uint8Array()], '[]uint8'],
];

test('sprintf follows Go fmt', () => {
  for (const [format, args, want] of printfCases) {
    assert.equal(sprintf(format, args), want, `Sprintf(${JSON.stringify(format)}, ${args.map(String).join(', ')})`);
  }
});

test('sprint and sprintln spacing', () => {
  assert.equal(sprint(['a', 1n, 2n, 'b', 'c', 3.5]), 'a1 2bc3.5');
  assert.equal(sprint([1n, 2n]), '1 2');
  assert.equal(sprint(['a', 'b']), 'ab');
  assert.equal(sprint([null, null]), '<nil> <nil>');
  assert.equal(sprint([]), '');
  assert.equal(sprintln(['a', 1n, 'b']), 'a 1 b\n');
  assert.equal(sprintln([]), '\n');
});

test('formatValue is %v', () => {
  assert.equal(formatValue(1e6), '1e+06');
  assert.equal(formatValue(3n), '3');
  assert.equal(formatValue({ a: [1.5, true], b: null }), 'map[a:[1.5 true] b:<nil>]');
  assert.equal(formatValue(null), '<nil>');
  assert.equal(formatValue(undefined), '<nil>');
  assert.equal(formatValue(new Error('boom')), 'boom');
  assert.equal(formatValue({ a: new Error('inner') }), 'map[a:inner]');
});

test('Stringer objects and struct-like values', () => {
  class Version {
    constructor(readonly major: number) {}
    String(): string {
      return `v${this.major}`;
    }
  }
  assert.equal(formatValue(new Version(3)), 'v3');
  assert.equal(sprintf('%s|%q|%d', [new Version(1), new Version(2), new Version(3)]), 'v1|"v2"|{%!d(float64=3)}');
  class Point {
    goType = 'main.Point';
    constructor(readonly X: bigint, readonly Y: bigint) {}
  }
  assert.equal(formatValue(new Point(1n, 2n)), '{1 2}');
  assert.equal(sprintf('%+v', [new Point(1n, 2n)]), '{X:1 Y:2}');
  assert.equal(sprintf('%T', [new Point(1n, 2n)]), 'main.Point');
});

test('time values print like time.Time.String', () => {
  const t = new GoTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), 'UTC');
  assert.equal(formatValue(t), '2024-01-02 03:04:05 +0000 UTC');
  const ms = new GoTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)), 'UTC');
  assert.equal(formatValue(ms), '2024-01-02 03:04:05.12 +0000 UTC');
});
