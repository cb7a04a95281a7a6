/**
 * [a]G + [b]Q for a point Q seen once (a public key verified for the first time): [a]G from G's
 * fixed-base table, [b]Q by width-5 NAF over Q's odd multiples. Building Q a window table would cost
 * about 8 verifications, wasted on a key used once; the 8 odd multiples cost 8 additions.
 * Variable time: for verification, where every input is public.
 */
import { CURVE, type Point } from './sm2-curve';
import { type Jacobian, addAffine, addJacobian, double, infinity, toAffineAll } from './sm2-jacobian';
import { type PointTable, addMultiple } from './sm2-precompute';

const P = CURVE.p;

/** Width 5: ~43 additions over 256 doublings, the fewest operations with a table built per use. */
const W = 5;

/**
 * The width-w NAF of a scalar >= 0, least significant digit first: odd digits in
 * (-2^(w-1), 2^(w-1)), any two non-zero digits at least w positions apart.
 */
export function wnaf(scalar: bigint, w: number): Int8Array {
  const bits = scalar.toString(2);
  const length = bits.length;
  const bit = (i: number): number => (i < length && bits.charCodeAt(length - 1 - i) === 0x31 ? 1 : 0);
  const full = 2 ** w;
  // One digit more than bits: a final carry. A negative digit needs a window of bits ending below
  // `length`, so the carry it leaves lands at position `length` at most.
  const digits = new Int8Array(length + 1);
  let carry = 0;
  for (let i = 0; i <= length; ) {
    const low = bit(i) + carry;
    if (low !== 1) {
      carry = low >> 1;
      i += 1;
      continue;
    }
    let window = carry;
    for (let j = 0; j < w; j++) window += bit(i + j) << j;
    const digit = window >= full / 2 ? window - full : window;
    carry = digit < 0 ? 1 : 0;
    digits[i] = digit;
    i += w;
  }
  return digits;
}

/**
 * Q, 3Q, 5Q, … (2^(w-1) - 1)Q, affine (one batch inversion, about 50 multiplications, makes each of
 * the ~43 additions a mixed one, 6 multiplications cheaper).
 */
function oddMultiples(point: Point, w: number): { xs: bigint[]; ys: bigint[] } {
  const { x, y } = point.toAffine(); // noble's X, Y, Z are projective, not Jacobian
  const twice = { X: x, Y: y, Z: 1n };
  double(twice);
  const multiples: Jacobian[] = [{ X: x, Y: y, Z: 1n }];
  for (let i = 1; i < 2 ** (w - 2); i++) {
    const next = { ...multiples[i - 1]! };
    // Never exceptional: (2i - 1)Q = ±2Q would make Q's order divide 2i + 1 or 2i - 3, not the prime n.
    addJacobian(next, twice.X, twice.Y, twice.Z);
    multiples.push(next);
  }
  return toAffineAll(multiples);
}

/**
 * [a]G + [b]Q for scalars in [0, n) and a finite point Q, in Jacobian coordinates, or undefined when
 * the sum is infinity or an addition meets the exceptional cases of sm2-jacobian (then the caller
 * recomputes with noble's complete formulas).
 */
export function mulAddOnce(a: bigint, gTable: PointTable, b: bigint, point: Point): Jacobian | undefined {
  const { xs, ys } = oddMultiples(point, W);
  const digits = wnaf(b, W);
  const acc = infinity();
  for (let i = digits.length - 1; i >= 0; i--) {
    double(acc);
    const digit = digits[i]!;
    if (digit === 0) continue;
    const index = (Math.abs(digit) - 1) >> 1;
    if (!addAffine(acc, xs[index]!, digit < 0 ? P - ys[index]! : ys[index]!)) return undefined;
  }
  const fixed = infinity();
  if (!addMultiple(fixed, a, gTable) || (fixed.Z !== 0n && !addJacobian(acc, fixed.X, fixed.Y, fixed.Z))) return undefined;
  return acc.Z !== 0n ? acc : undefined;
}
