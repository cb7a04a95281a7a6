import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { CURVE, Point } from './sm2-curve';
import { hasAffineX } from './sm2-jacobian';
import { pointTable } from './sm2-precompute';
import { mulAddOnce, wnaf } from './sm2-wnaf';

const { n, p } = CURVE;
const gTable = pointTable(Point.BASE, 8);
const edges = [0n, 1n, 2n, 15n, 16n, 17n, 31n, 32n, n - 1n, n - 2n, n - 16n, 2n ** 255n, 2n ** 256n - 1n];

test('wnaf: digits that sum back to the scalar, odd, below 2^(w-1), w positions apart', (t) => {
  const check = (scalar: bigint, w: number): void => {
    const digits = wnaf(scalar, w);
    let value = 0n;
    let last = -Infinity;
    digits.forEach((digit, i) => {
      value += BigInt(digit) << BigInt(i);
      if (digit === 0) return;
      assert.equal(Math.abs(digit) % 2, 1, `digit ${digit} is odd`);
      assert.ok(Math.abs(digit) < 2 ** (w - 1), `digit ${digit} fits width ${w}`);
      assert.ok(i - last >= w, `digits at ${last} and ${i} are ${w} apart`);
      last = i;
    });
    assert.equal(value, scalar, `wnaf(${scalar}, ${w})`);
  };
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), fc.integer({ min: 2, max: 7 }), check), { numRuns: 300 });
  for (const scalar of edges) for (const w of [2, 4, 5, 6]) check(scalar, w);
  t.is(wnaf(0n, 5).every((digit) => digit === 0), true);
});

/**
 * Whether [b]Q by width-5 NAF meets an exceptional addition: a running sum ±(digit)·Q, which happens
 * for scalars near n (n - 6: after [n - 3]Q = -3Q comes the digit -3).
 */
function wnafMeetsExceptional(b: bigint): boolean {
  const digits = wnaf(b, 5);
  let sum = 0n;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum *= 2n;
    const digit = BigInt(digits[i]!);
    if (digit === 0n) continue;
    if (sum % n !== 0n && ((sum - digit) % n === 0n || (sum + digit) % n === 0n)) return true;
    sum += digit;
  }
  return false;
}

test('mulAddOnce equals noble arithmetic for random scalars and keys, edge scalars and keys of the form kG', (t) => {
  let exceptional = 0;
  const same = (a: bigint, b: bigint, key: Point): void => {
    const sum = mulAddOnce(a, gTable, b, key);
    const [gPart, keyPart] = [Point.BASE.multiplyUnsafe(a), key.multiplyUnsafe(b)];
    const reference = gPart.add(keyPart);
    // Infinity, the final addition of two equal halves (a doubling), or an exceptional addition on
    // the way: left to the caller.
    if (reference.is0() || (!gPart.is0() && gPart.equals(keyPart)) || wnafMeetsExceptional(b)) {
      exceptional++;
      return assert.equal(sum, undefined, `[${a}]G + [${b}]Q`);
    }
    assert.ok(sum && hasAffineX(sum, reference.x), `[${a}]G + [${b}]Q`);
    assert.ok(!hasAffineX(sum, (reference.x + 1n) % p), 'another x does not match');
  };
  const random = fc.bigInt({ min: 0n, max: n - 1n });
  const keys = fc.oneof(fc.bigInt({ min: 1n, max: n - 1n }), fc.constantFrom(1n, 2n, 3n, 16n, n - 1n)).map((k) => Point.BASE.multiply(k));
  fc.assert(fc.property(random, random, keys, same), { numRuns: 100 });
  exceptional = 0;
  const small = edges.filter((k) => k < n);
  for (const a of small) for (const b of small) for (const k of [1n, 2n, 3n, n - 1n]) same(a, b, Point.BASE.multiply(k));
  t.true(exceptional > 0 && exceptional < small.length ** 2 * 4, `${exceptional} exceptional edge cases`);
});

test('mulAddOnce gives up on infinity and on a final doubling, for the caller to recompute', (t) => {
  const G = Point.BASE;
  t.is(mulAddOnce(1n, gTable, n - 1n, G), undefined); // G - G
  t.is(mulAddOnce(2n, gTable, 1n, G.double()), undefined); // 2G + 2G needs a doubling
  t.is(mulAddOnce(0n, gTable, 0n, G), undefined);
  const sum = mulAddOnce(1n, gTable, 2n, G);
  t.true(sum !== undefined && hasAffineX(sum, G.multiply(3n).x));
});
