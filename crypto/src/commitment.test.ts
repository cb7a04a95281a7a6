import test from 'ava';
import fc from 'fast-check';
import { sm3 as smCryptoV2Sm3 } from 'sm-crypto-v2';
import { concatBytes, fromHex, toHex, utf8 } from './bytes';
import { holderCommitment } from './commitment';
import { CryptoError } from './errors';

const SECRET = fromHex('00112233445566778899aabbccddeeff', 'secret');
const OTHER_SECRET = fromHex('ffeeddccbbaa99887766554433221100', 'secret');
const ID = '11010519491231002X'; // GB 11643's own example
const USCC = '914403001922038216';

function rejection(f: () => unknown): { code: string; part: string | undefined; message: string } | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CryptoError) return { code: e.code, part: e.part, message: e.message };
    throw e;
  }
  return undefined;
}

test('the documented encoding: HMAC-SM3(secret, lp(tag) || lp(type) || lp(code)), checked with sm-crypto-v2', (t) => {
  const lp = (s: string) => {
    const b = utf8(s);
    return concatBytes(fromHex(b.length.toString(16).padStart(8, '0'), 'len'), b);
  };
  const message = concatBytes(lp('henan-chain/holder/v1'), lp('111'), lp(ID));
  t.is(holderCommitment(SECRET, '111', ID), smCryptoV2Sm3(message, { key: SECRET, mode: 'hmac' }));
});

test('same inputs, same commitment; normalised codes of one holder agree', (t) => {
  const c = holderCommitment(SECRET, '111', ID);
  t.regex(c, /^[0-9a-f]{64}$/);
  t.is(holderCommitment(SECRET, '111', ID), c);
  t.is(holderCommitment(SECRET, '111', ID.toLowerCase()), c); // final x
  t.is(holderCommitment(SECRET, '001', USCC.toLowerCase()), holderCommitment(SECRET, '001', USCC));
  // NFC and NFD spellings of the same text are one code.
  t.is(holderCommitment(SECRET, '999', 'Caf\u00e9-1'), holderCommitment(SECRET, '999', 'Cafe\u0301-1'));
});

test('a different secret, type or code gives a different commitment', (t) => {
  const c = holderCommitment(SECRET, '001', USCC);
  t.not(holderCommitment(OTHER_SECRET, '001', USCC), c);
  t.not(holderCommitment(SECRET, '002', USCC), c);
  t.not(holderCommitment(SECRET, '001', '91350100M000100Y43'), c);
  // Length prefixes keep the type/code boundary: ("12", "3") and ("1", "23") differ.
  t.not(holderCommitment(SECRET, '12', '3'), holderCommitment(SECRET, '1', '23'));
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Z0-9]{1,20}$/), fc.stringMatching(/^[A-Z0-9]{1,20}$/), (a, b) =>
      a === b || holderCommitment(SECRET, '999', a) !== holderCommitment(SECRET, '999', b),
    ),
  );
});

test('the number never appears in the output', (t) => {
  for (const [type, code] of [['111', ID], ['001', USCC]] as const) {
    const c = holderCommitment(SECRET, type, code);
    for (const fragment of [code, code.slice(0, 17), code.slice(6, 14), toHex(utf8(code))]) t.false(c.includes(fragment.toLowerCase()));
  }
});

test('invalid codes are rejected, naming the part', (t) => {
  const birthDate = rejection(() => holderCommitment(SECRET, '111', '110105194902300021'));
  t.like(birthDate, { code: 'BAD_IDENTIFIER', part: 'holderCode' });
  t.regex(birthDate!.message, /birthDate/);
  t.like(rejection(() => holderCommitment(SECRET, '111', '110105194912310021')), { part: 'holderCode' });
  t.regex(rejection(() => holderCommitment(SECRET, '001', '914403001922038217'))!.message, /checkCharacter/);
  t.like(rejection(() => holderCommitment(SECRET, '001', USCC + ' ')), { code: 'BAD_IDENTIFIER', part: 'holderCode' });
  for (const code of ['', ' P1234567', 'P1234567\n', 'A\u0000B', 'x'.repeat(65), 'A\u200bB']) {
    t.like(rejection(() => holderCommitment(SECRET, '414', code)), { code: 'BAD_IDENTIFIER', part: 'holderCode' }, JSON.stringify(code));
  }
  t.is(holderCommitment(SECRET, '414', 'x'.repeat(64)).length, 64);
  t.is(holderCommitment(SECRET, '990', '军字第123456号').length, 64);
  for (const type of ['', '1 1', '１１１', 'x'.repeat(17)]) {
    t.like(rejection(() => holderCommitment(SECRET, type, 'P1234567')), { part: 'holderCodeType' }, type);
  }
});

test('the secret must be at least 16 bytes', (t) => {
  t.like(rejection(() => holderCommitment(new Uint8Array(15), '111', ID)), { code: 'BAD_LENGTH', part: 'secret' });
  t.is(holderCommitment(new Uint8Array(16), '111', ID).length, 64);
});
