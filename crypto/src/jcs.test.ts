import test from 'ava';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { MAX_CANONICAL_JSON_DEPTH, canonicalize, canonicalBytes } from './jcs';
import { CryptoError } from './errors';
import { toHex } from './bytes';

test('RFC 8785 §3.2.2 sample object', (t) => {
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  t.is(
    canonicalize(JSON.parse(input)),
    String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
  );
});

test('RFC 8785 Appendix B numbers', (t) => {
  const table: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  for (const [bits, expected] of table) {
    const n = Buffer.from(bits, 'hex').readDoubleBE(0);
    t.is(canonicalize(n), expected, bits);
  }
  for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
    const err = t.throws(() => canonicalize(Buffer.from(bits, 'hex').readDoubleBE(0)), { instanceOf: CryptoError });
    t.is(err?.code, 'NOT_CANONICAL_JSON');
  }
});

test('keys sort by UTF-16 code units, not code points or locale', (t) => {
  // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FB33 although its code point is larger.
  const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\u{1f600}': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
  t.is(Object.keys(JSON.parse(canonicalize(value))).length, 7);
  const order = [...canonicalize(value).matchAll(/"([^"]*)":"([^"]*)"/g)].map((m) => m[2]);
  t.deepEqual(order, [
    'Carriage Return',
    'One',
    'Control',
    'Latin Small Letter O With Diaeresis',
    'Euro Sign',
    'Emoji: Grinning Face',
    'Hebrew Letter Dalet With Dagesh',
  ]);
});

test('Chinese text stays UTF-8, nested structure is compact', (t) => {
  const record = { 持证人: { 姓名: '张三', 地区: '河南省郑州市' }, b: [1, 2.5, -0, 'x\u0001\u001f\u007f'], a: true };
  const text = canonicalize(record);
  t.is(text, '{"a":true,"b":[1,2.5,0,"x\\u0001\\u001f\u007f"],"持证人":{"地区":"河南省郑州市","姓名":"张三"}}');
  t.is(toHex(canonicalBytes('河')), '22e6b2b322');
  t.is(canonicalize(Object.create(null)), '{}');
});

test('refuses what RFC 8785 cannot express, naming the path', (t) => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = { again: cyclic };
  class Licence {
    id = 'x';
  }
  const cases: [unknown, string][] = [
    [{ holder: { name: NaN } }, '$.holder.name'],
    [{ list: [1, Infinity] }, '$.list[1]'],
    [{ a: -Infinity }, '$.a'],
    [{ 'odd key': { s: 'a\ud800b' } }, '$["odd key"].s'],
    [{ ['k\udc00']: 1 }, '$["k\\udc00"]'],
    [{ a: undefined }, '$.a'],
    [[1, , 3], '$[1]'], // eslint-disable-line no-sparse-arrays
    [{ f: () => 1 }, '$.f'],
    [{ s: Symbol('s') }, '$.s'],
    [{ n: 10n }, '$.n'],
    [{ d: new Date(0) }, '$.d'],
    [{ m: new Map() }, '$.m'],
    [{ l: new Licence() }, '$.l'],
    [{ b: Buffer.from('ab') }, '$.b'],
    [{ u: new Uint8Array(2) }, '$.u'],
    [{ s: new String('boxed') }, '$.s'],
    [{ [Symbol('hidden')]: 1 }, '$'],
    [cyclic, '$.self.again'],
    [undefined, '$'],
  ];
  for (const [value, path] of cases) {
    const err = t.throws(() => canonicalize(value), { instanceOf: CryptoError }, path);
    t.is(err?.code, 'NOT_CANONICAL_JSON');
    t.is(err?.part, path);
    t.true(err?.message.startsWith(path + ':'), err?.message);
  }
});

test('nesting is limited to MAX_CANONICAL_JSON_DEPTH levels: deeper is NOT_CANONICAL_JSON, never a stack overflow', (t) => {
  const nested = (depth: number, wrap: (inner: unknown) => unknown): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = wrap(value);
    return value;
  };
  for (const wrap of [(v: unknown) => [v], (v: unknown) => ({ a: v })]) {
    t.notThrows(() => canonicalize(nested(MAX_CANONICAL_JSON_DEPTH, wrap)));
    for (const depth of [MAX_CANONICAL_JSON_DEPTH + 1, 100_000]) {
      // What JSON.parse builds from a small body: 100,000 levels is 200 KB of brackets.
      const err = t.throws(() => canonicalize(nested(depth, wrap)), { instanceOf: CryptoError }, String(depth));
      t.is(err?.code, 'NOT_CANONICAL_JSON');
      t.regex(err?.message ?? '', /nesting deeper than 128 levels/);
    }
  }
  t.is(MAX_CANONICAL_JSON_DEPTH, 128);
  const parsed = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
  t.is(t.throws(() => canonicalBytes(parsed), { instanceOf: CryptoError })?.code, 'NOT_CANONICAL_JSON');
});

test('shared (acyclic) references are fine', (t) => {
  const shared = { x: 1 };
  t.is(canonicalize({ a: shared, b: [shared, shared] }), '{"a":{"x":1},"b":[{"x":1},{"x":1}]}');
});

/** An independent reading of §3.2.2.2, to check the JSON.stringify shortcut against. */
function referenceQuote(s: string): string {
  const short: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\' };
  let out = '"';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    out += short[ch] ?? (code < 0x20 ? '\\u' + code.toString(16).padStart(4, '0') : ch);
  }
  return out + '"';
}

test('strings: escaping matches §3.2.2.2; lone surrogates refused', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const lone = /[\uD800-\uDFFF]/u.test(s);
      if (lone) {
        t.throws(() => canonicalize(s));
        return;
      }
      const out = canonicalize(s);
      t.is(out, referenceQuote(s));
      t.is(JSON.parse(out), s);
    }),
  );
  t.is(canonicalize('\u{1f600}\ud83d\ude00'), '"\u{1f600}\u{1f600}"');
});

test('lone surrogates refused where the runtime lacks String.prototype.isWellFormed (older browsers run this in the portal)', (t) => {
  const script = `
    delete String.prototype.isWellFormed;
    const { canonicalize } = require(${JSON.stringify(require.resolve('./jcs'))});
    const refused = (v) => { try { canonicalize(v); return false; } catch (e) { return e.code === 'NOT_CANONICAL_JSON' && e.message; } };
    console.log(JSON.stringify([refused({ a: ['x', 'y\\ud800'] }), refused({ ['k\\udc00']: 1 }), canonicalize({ b: '\\u{1f600}', a: '中' })]));`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  t.deepEqual(JSON.parse(out), [
    '$.a[1]: a string with a lone surrogate cannot be canonical JSON (RFC 8785)',
    '$["k\\udc00"]: a key with a lone surrogate cannot be canonical JSON (RFC 8785)',
    '{"a":"中","b":"\u{1f600}"}',
  ]);
});

/** Same value, keys inserted in reverse order at every level. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
  }
  return v;
}

test('canonical form is a fixed point and ignores key order', (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const c = canonicalize(v);
      t.is(canonicalize(JSON.parse(c)), c);
      t.is(canonicalize(reverseKeys(v)), c);
      // Same data model as JSON.stringify, only the order and number/string forms differ.
      t.deepEqual(JSON.parse(c), JSON.parse(JSON.stringify(v)));
    }),
    { numRuns: 300 },
  );
});
