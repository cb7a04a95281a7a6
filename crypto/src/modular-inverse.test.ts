import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { modularInverse } from './modular-inverse';
import { CURVE, Fn, Point } from './sm2-curve';

const { n, p } = CURVE;

test('modularInverse equals noble for the SM2 field and group orders: random and edge values', (t) => {
  const check = (value: bigint): void => {
    assert.equal(modularInverse(value % p, p), Point.Fp.inv(value % p), `${value}⁻¹ mod p`);
    assert.equal(modularInverse(value % n, n), Fn.inv(value % n), `${value}⁻¹ mod n`);
  };
  fc.assert(fc.property(fc.bigInt({ min: 1n, max: n - 1n }), check), { numRuns: 2000 });
  const edges = [1n, 2n, 3n, n - 1n, n - 2n, 2n ** 48n - 1n, 2n ** 48n, 2n ** 48n + 1n, 2n ** 128n, 2n ** 255n, (n - 1n) / 2n];
  for (const value of edges) check(value);
  for (let bits = 1n; bits < 256n; bits++) check(2n ** bits - 1n); // values of every length
  t.is(modularInverse(3n, 7n), 5n);
});
