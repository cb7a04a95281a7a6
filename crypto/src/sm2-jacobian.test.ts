import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { CURVE, Point } from './sm2-curve';
import { type Jacobian, addAffine, addJacobian, affineX, double, hasAffineX, infinity, toAffineAll } from './sm2-jacobian';

const { n, p } = CURVE;
const { Fp } = Point;

/** [k]G in Jacobian coordinates with a chosen Z: (x·Z², y·Z³, Z). */
function jacobian(k: bigint, z: bigint): Jacobian {
  const { x, y } = Point.BASE.multiply(k).toAffine();
  return { X: Fp.mul(x, Fp.sqr(z)), Y: Fp.mul(y, Fp.mul(z, Fp.sqr(z))), Z: z };
}

function affine({ X, Y, Z }: Jacobian): { x: bigint; y: bigint } {
  const zInv = Fp.inv(Z);
  return { x: Fp.mul(X, Fp.sqr(zInv)), y: Fp.mul(Y, Fp.mul(zInv, Fp.sqr(zInv))) };
}

const scalar = fc.oneof(fc.bigInt({ min: 1n, max: n - 1n }), fc.constantFrom(1n, 2n, 3n, n - 1n, n - 2n));
const zValue = fc.oneof(fc.bigInt({ min: 1n, max: p - 1n }), fc.constantFrom(1n, p - 1n));

test('double, addJacobian and addAffine equal noble arithmetic, whatever the Z of the inputs', (t) => {
  fc.assert(
    fc.property(scalar, scalar, zValue, zValue, (a, b, za, zb) => {
      fc.pre(a !== b && a !== n - b);
      const A = Point.BASE.multiply(a);
      const B = Point.BASE.multiply(b);
      const doubled = jacobian(a, za);
      double(doubled);
      assert.deepEqual(affine(doubled), A.double().toAffine());
      const sum = jacobian(a, za);
      const other = jacobian(b, zb);
      assert.ok(addJacobian(sum, other.X, other.Y, other.Z));
      assert.deepEqual(affine(sum), A.add(B).toAffine());
      const mixed = jacobian(a, za);
      assert.ok(addAffine(mixed, B.x, B.y));
      assert.deepEqual(affine(mixed), A.add(B).toAffine());
      assert.equal(affineX(mixed), A.add(B).x);
      assert.ok(hasAffineX(mixed, A.add(B).x));
      assert.ok(!hasAffineX(mixed, (A.add(B).x + 1n) % p));
    }),
    { numRuns: 100 },
  );
  t.pass();
});

test('additions report the cases their formulas do not cover; infinity is the identity', (t) => {
  const a = 0xc0ffeen;
  const same = jacobian(a, 5n);
  const A = jacobian(a, 7n);
  t.false(addJacobian(A, same.X, same.Y, same.Z)); // A + A: a doubling
  t.false(addJacobian(jacobian(a, 7n), same.X, p - same.Y, same.Z)); // A - A: infinity
  const { x, y } = Point.BASE.multiply(a).toAffine();
  t.false(addAffine(jacobian(a, 3n), x, y));
  t.false(addAffine(jacobian(a, 3n), x, p - y));
  const fromInfinity = infinity();
  t.true(addJacobian(fromInfinity, same.X, same.Y, same.Z));
  t.deepEqual(affine(fromInfinity), { x, y });
  const none = infinity();
  double(none);
  t.is(none.Z, 0n);
  t.is(affineX(none), undefined);
});

test('toAffineAll: the affine coordinates of every point, one inversion for all', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(scalar, zValue), { minLength: 1, maxLength: 12 }), (pairs) => {
      const { xs, ys } = toAffineAll(pairs.map(([k, z]) => jacobian(k, z)));
      pairs.forEach(([k], i) => assert.deepEqual({ x: xs[i], y: ys[i] }, Point.BASE.multiply(k).toAffine()));
    }),
    { numRuns: 30 },
  );
  t.deepEqual(toAffineAll([]), { xs: [], ys: [] });
});
