/**
 * Scalar multiplication from precomputed tables: variable-time [a]A + [b]B, the inner loop of SM2
 * verification, where every input is public, and [k]G for signing. Tables and sums use
 * sm2-jacobian's formulas: the sums take mixed (Jacobian + affine) additions, 11 field
 * multiplications each instead of the ~19 of noble's complete projective formula, which makes a
 * cached-key verification about twice as fast.
 */
import { CURVE, Point } from './sm2-curve';
import { type Jacobian, addAffine, addJacobian, affineX, double, infinity, toAffineAll } from './sm2-jacobian';

const P = CURVE.p;

/**
 * Signed fixed windows of width w over a 256-bit scalar (the layout noble's wNAF uses): for window
 * j the affine points i * 2^(w*j) * A for i = 1 .. 2^(w-1), flattened, x and y apart.
 */
export interface PointTable {
  readonly w: number;
  readonly xs: bigint[];
  readonly ys: bigint[];
}

function windowCount(w: number): number {
  return Math.ceil(256 / w) + 1; // one more for the carry of the signed digits
}

export function pointTable(point: Point, w: number): PointTable {
  const size = 2 ** (w - 1);
  const { x, y } = point.toAffine();
  const points: Jacobian[] = [];
  let base: Jacobian = { X: x, Y: y, Z: 1n };
  for (let j = 0; j < windowCount(w); j++) {
    let multiple = base;
    points.push(multiple);
    for (let i = 1; i < size; i++) {
      multiple = { ...multiple };
      // Never exceptional past the doubling: i·B = ±B only for i = 1, the prime n being far larger.
      if (i === 1) double(multiple);
      else addJacobian(multiple, base.X, base.Y, base.Z);
      points.push(multiple);
    }
    base = { ...multiple };
    double(base);
  }
  // None is infinity: i * 2^(w*j) is never a multiple of the prime n.
  return { w, ...toAffineAll(points) };
}

/**
 * Calls `use(window, digit)` for the signed w-bit digits of a scalar in [0, n), digit in
 * [-2^(w-1), 2^(w-1)], least significant window first, for every window of the table.
 */
function forEachDigit(scalar: bigint, w: number, use: (window: number, digit: number) => void): void {
  const full = 2 ** w;
  const mask = BigInt(full - 1);
  const shift = BigInt(w);
  let n = scalar;
  for (let j = 0; j < windowCount(w); j++) {
    let digit = Number(n & mask);
    n >>= shift;
    if (digit > full / 2) {
      digit -= full;
      n += 1n;
    }
    use(j, digit);
  }
}

/**
 * acc += [scalar]A for a scalar in [0, n), from A's table; false when an addition meets the
 * exceptional cases of addAffine. Variable time: for verification, where every input is public.
 */
export function addMultiple(acc: Jacobian, scalar: bigint, { w, xs, ys }: PointTable): boolean {
  const size = 2 ** (w - 1);
  let ok = true;
  forEachDigit(scalar, w, (j, digit) => {
    if (digit === 0 || !ok) return;
    const index = j * size + Math.abs(digit) - 1;
    ok = addAffine(acc, xs[index]!, digit < 0 ? P - ys[index]! : ys[index]!);
  });
  return ok;
}

/**
 * [a]A + [b]B for scalars in [0, n), in Jacobian coordinates, or undefined when the sum is infinity
 * or an addition meets the doubling case (see addAffine). Variable time, as addMultiple.
 */
export function mulAdd(a: bigint, tableA: PointTable, b: bigint, tableB: PointTable): Jacobian | undefined {
  const acc = infinity();
  return addMultiple(acc, a, tableA) && addMultiple(acc, b, tableB) && acc.Z !== 0n ? acc : undefined;
}

/**
 * The affine x of [k]G for a secret nonce k in [1, n), from G's table. Every window costs one addition
 * whatever its digit (a zero digit adds into a throwaway accumulator), so the sequence of operations
 * does not depend on k's digits; as with noble's own multiply, BigInt arithmetic itself is not
 * guaranteed constant-time. Undefined in addAffine's exceptional cases (negligible for a random k).
 */
export function baseMulX(k: bigint, { w, xs, ys }: PointTable): bigint | undefined {
  const size = 2 ** (w - 1);
  const acc = infinity();
  // Starts at a point, not at infinity, so that its additions cost what the real ones do.
  const dummy: Jacobian = { X: xs[0]!, Y: ys[0]!, Z: 1n };
  let ok = true;
  forEachDigit(k, w, (j, digit) => {
    const index = j * size + Math.max(Math.abs(digit), 1) - 1;
    const y = digit < 0 ? P - ys[index]! : ys[index]!;
    const added = addAffine(digit === 0 ? dummy : acc, xs[index]!, y);
    ok &&= added || digit === 0;
  });
  return ok ? affineX(acc) : undefined;
}
