import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { DerReader, TAG, contextTag, derBitString, derContext, derInteger, derOctetString, derOid, derSequence } from './asn1';
import { fromHex, toHex } from './bytes';
import { CryptoError } from './errors';

const read = (hex: string) => new DerReader(fromHex(hex, 'der'), 'test');

test('writer: the SM2 SPKI prefix and OIDs of sm-vectors.md', (t) => {
  t.is(toHex(derOid('1.2.156.10197.1.301')), '06082a811ccf5501822d');
  t.is(toHex(derOid('1.2.156.10197.1.401')), '06082a811ccf55018311');
  t.is(toHex(derOid('1.2.156.10197.1.501')), '06082a811ccf55018375');
  t.is(toHex(derOid('1.2.840.10045.2.1')), '06072a8648ce3d0201');
  t.is(toHex(derSequence(derOid('1.2.840.10045.2.1'), derOid('1.2.156.10197.1.301'))), '301306072a8648ce3d020106082a811ccf5501822d');
  t.is(toHex(derContext(1, derBitString(Uint8Array.of(4)))), 'a1040302' + '0004');
});

test('writer: minimal INTEGERs and long-form lengths', (t) => {
  t.is(toHex(derInteger(0n)), '020100');
  t.is(toHex(derInteger(127n)), '02017f');
  t.is(toHex(derInteger(128n)), '02020080');
  t.is(toHex(derInteger(256n)), '02020100');
  t.is(toHex(derOctetString(new Uint8Array(127))).slice(0, 4), '047f');
  t.is(toHex(derOctetString(new Uint8Array(128))).slice(0, 6), '048180');
  t.is(toHex(derOctetString(new Uint8Array(256))).slice(0, 8), '04820100');
});

test('reader: round trips of integers, OIDs and nested sequences', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 300n }), fc.uint8Array({ maxLength: 300 }), (n, bytes) => {
      const r = new DerReader(derSequence(derInteger(n), derOctetString(bytes), derBitString(bytes)), 't');
      const seq = r.readConstructed('seq');
      r.end();
      assert.equal(seq.readInteger('n'), n);
      assert.equal(toHex(seq.readOctetString('o')), toHex(bytes));
      assert.equal(toHex(seq.readBitString('b')), toHex(bytes));
      seq.end();
    }),
  );
  fc.assert(
    fc.property(fc.constantFrom(0, 1, 2), fc.nat(39), fc.array(fc.bigInt({ min: 0n, max: 2n ** 70n }), { maxLength: 6 }), (a, b, rest) => {
      const oid = [a, a === 2 ? b + 1000 : b, ...rest].join('.');
      assert.equal(new DerReader(derOid(oid), 't').readOid('oid'), oid);
    }),
  );
  const ctx = new DerReader(derContext(0, derOid('1.2.3')), 't');
  t.is(ctx.peekTag(), contextTag(0));
  t.is(ctx.readConstructed('params', contextTag(0)).readOid('curve'), '1.2.3');
});

const badDer: [string, string, (r: DerReader) => unknown, RegExp][] = [
  ['trailing bytes', '02010100', (r) => (r.readInteger('x'), r.end()), /trailing/],
  ['non-minimal INTEGER', '0202007f', (r) => r.readInteger('x'), /leading zero/],
  ['negative INTEGER', '020180', (r) => r.readInteger('x'), /negative/],
  ['empty INTEGER', '0200', (r) => r.readInteger('x'), /empty/],
  ['indefinite length', '3080020101 0000'.replace(/ /g, ''), (r) => r.readConstructed('s'), /indefinite/],
  ['long form for a short length', '02810101', (r) => r.readInteger('x'), /short form/],
  ['length with a leading zero', '0282000101', (r) => r.readInteger('x'), /leading zero/],
  ['truncated content', '020201', (r) => r.readInteger('x'), /truncated/],
  ['truncated length', '0281', (r) => r.readInteger('x'), /truncated/],
  ['missing element', '', (r) => r.readInteger('x'), /missing/],
  ['wrong tag', '040100', (r) => r.readInteger('x'), /expected INTEGER/],
  ['bit string with unused bits', '03020100', (r) => r.readBitString('b'), /unused bits/],
  ['non-minimal OID arc', '0603808101', (r) => r.readOid('o'), /non-minimal/],
  ['unfinished OID', '06022a81', (r) => r.readOid('o'), /truncated/],
];

for (const [name, hex, op, message] of badDer) {
  test(`reader rejects ${name} with BAD_DER`, (t) => {
    const err = t.throws(() => op(read(hex)), { instanceOf: CryptoError });
    t.is(err?.code, 'BAD_DER');
    t.regex(err?.message ?? '', message);
  });
}

test('reader reports the element name and tag names', (t) => {
  const err = t.throws(() => read('3003020101').readConstructed('outer').readOctetString('inner'), { instanceOf: CryptoError });
  t.is(err?.part, 'inner');
  t.regex(err?.message ?? '', /test\.outer: expected OCTET STRING for inner, got tag 0x02/);
  t.is(TAG.SEQUENCE, 0x30);
});
