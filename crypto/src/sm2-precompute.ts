/**
 * Variable-time [a]A + [b]B from precomputed tables: the inner loop of SM2 verification, where every
 * input is public. @noble/curves builds the tables; the accumulation uses Jacobian coordinates and
 * mixed (Jacobian + affine) additions, 11 field multiplications each instead of the ~19 of noble's
 * complete projective formula, which makes a cached-key verification about twice as fast.
 */
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { CURVE, Point } from './sm2-curve';

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
  const points: Point[] = [];
  let base = point;
  for (let j = 0; j < windowCount(w); j++) {
    let multiple = base;
    points.push(multiple);
    for (let i = 1; i < size; i++) {
      multiple = multiple.add(base);
      points.push(multiple);
    }
    base = multiple.double();
  }
  // None is infinity: i * 2^(w*j) is never a multiple of the prime n.
  const affine = normalizeZ(Point, points);
  return { w, xs: affine.map((q) => q.X), ys: affine.map((q) => q.Y) };
}

/**
 * The affine x of [a]A + [b]B for scalars in [0, n), or undefined when the sum is infinity or an
 * addition meets the doubling case: both have negligible probability for real signatures, and the
 * caller then recomputes with noble's complete formulas.
 */
export function mulAddX(a: bigint, tableA: PointTable, b: bigint, tableB: PointTable): bigint | undefined {
  let X = 0n;
  let Y = 0n;
  let Z = 0n; // Z = 0: the accumulator is the point at infinity
  for (const [scalar, { w, xs, ys }] of [[a, tableA], [b, tableB]] as const) {
    const size = 2 ** (w - 1);
    const full = 2 ** w;
    const mask = BigInt(full - 1);
    const shift = BigInt(w);
    let n = scalar;
    for (let j = 0; n !== 0n; j++) {
      let digit = Number(n & mask);
      n >>= shift;
      if (digit > size) {
        digit -= full;
        n += 1n;
      }
      if (digit === 0) continue;
      const index = j * size + Math.abs(digit) - 1;
      const x2 = xs[index]!;
      const y2 = digit < 0 ? P - ys[index]! : ys[index]!;
      if (Z === 0n) {
        [X, Y, Z] = [x2, y2, 1n];
        continue;
      }
      // add-1998-cmo-2 (mixed): 8M + 3S.
      const zz = (Z * Z) % P;
      let h = (x2 * zz) % P - X;
      let r = (((y2 * Z) % P) * zz) % P - Y;
      if (h < 0n) h += P;
      if (r < 0n) r += P;
      if (h === 0n) return undefined; // accumulator is ±(x2, y2): infinity or a doubling
      const hh = (h * h) % P;
      const hhh = (h * hh) % P;
      const v = (X * hh) % P;
      let x3 = (r * r - hhh - 2n * v) % P;
      if (x3 < 0n) x3 += P;
      let y3 = (r * (v - x3) - Y * hhh) % P;
      if (y3 < 0n) y3 += P;
      Z = (Z * h) % P;
      X = x3;
      Y = y3;
    }
  }
  if (Z === 0n) return undefined;
  const zInv = Point.Fp.inv(Z);
  return (((X * zInv) % P) * zInv) % P;
}
