import test from 'ava';
import { fromHex, toHex, bigIntToBytes, bytesToBigInt, equalBytes } from './bytes';
import { CryptoError } from './errors';

test('hex round trip and strictness', (t) => {
  t.is(toHex(fromHex('00ff10', 'x')), '00ff10');
  for (const bad of ['0', 'zz', '0g', ' 00']) {
    const err = t.throws(() => fromHex(bad, 'field'), { instanceOf: CryptoError });
    t.is(err?.code, 'BAD_HEX');
    t.is(err?.part, 'field');
  }
  t.is(t.throws(() => fromHex('00', 'k', 2), { instanceOf: CryptoError })?.code, 'BAD_LENGTH');
});

test('bigint conversions keep leading zeros and refuse overflow', (t) => {
  t.is(toHex(bigIntToBytes(1n, 4)), '00000001');
  t.is(bytesToBigInt(fromHex('0100', 'x')), 256n);
  t.throws(() => bigIntToBytes(256n ** 4n, 4), { instanceOf: CryptoError });
  t.true(equalBytes(fromHex('abcd', 'a'), fromHex('abcd', 'b')));
  t.false(equalBytes(fromHex('abcd', 'a'), fromHex('abce', 'b')));
});
