/**
 * Variable-time point arithmetic on the SM2 curve in Jacobian coordinates (x = X/Z², y = Y/Z³),
 * on plain bigints reduced modulo p: the formulas with the fewest field operations for each job
 * (mixed addition, addition, doubling with a = -3), where noble's complete projective formulas
 * spend ~19 multiplications on every step. Z = 0 is the point at infinity.
 */
import { modularInverse } from './modular-inverse';
import { CURVE } from './sm2-curve';

const P = CURVE.p;

/** A point in Jacobian coordinates, updated in place by the functions below. */
export interface Jacobian {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

export function infinity(): Jacobian {
  return { X: 0n, Y: 0n, Z: 0n };
}

/**
 * acc += (x2, y2), an affine point: add-1998-cmo-2 (mixed), 8M + 3S. False when acc is ±(x2, y2)
 * (infinity or a doubling), which these formulas do not cover: negligible for real scalars, and the
 * callers then recompute with noble's complete formulas.
 */
export function addAffine(acc: Jacobian, x2: bigint, y2: bigint): boolean {
  const { X, Y, Z } = acc;
  if (Z === 0n) {
    acc.X = x2;
    acc.Y = y2;
    acc.Z = 1n;
    return true;
  }
  const zz = (Z * Z) % P;
  return finishAddition(acc, X, Y, (x2 * zz) % P - X, (((y2 * Z) % P) * zz) % P - Y, Z);
}

/**
 * acc += (X2, Y2, Z2), a finite Jacobian point: add-1998-cmo-2, 12M + 4S. False, as addAffine, when
 * acc is ±(X2, Y2, Z2).
 */
export function addJacobian(acc: Jacobian, X2: bigint, Y2: bigint, Z2: bigint): boolean {
  const { X, Y, Z } = acc;
  if (Z === 0n) {
    acc.X = X2;
    acc.Y = Y2;
    acc.Z = Z2;
    return true;
  }
  const z1z1 = (Z * Z) % P;
  const z2z2 = (Z2 * Z2) % P;
  const u1 = (X * z2z2) % P;
  const s1 = (((Y * Z2) % P) * z2z2) % P;
  return finishAddition(acc, u1, s1, (X2 * z1z1) % P - u1, (((Y2 * Z) % P) * z1z1) % P - s1, (Z * Z2) % P);
}

/**
 * The rest of add-1998-cmo-2 from U1, S1, H = U2 - U1 and R = S2 - S1 (each in (-p, p)) and Z1·Z2:
 * acc = (R² - H³ - 2·U1·H², R·(U1·H² - X3) - S1·H³, Z1·Z2·H). False when H = 0.
 */
function finishAddition(acc: Jacobian, u1: bigint, s1: bigint, h: bigint, r: bigint, z1z2: bigint): boolean {
  if (h < 0n) h += P;
  if (r < 0n) r += P;
  if (h === 0n) return false;
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (u1 * hh) % P;
  let x3 = (r * r - hhh - 2n * v) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (r * (v - x3) - s1 * hhh) % P;
  if (y3 < 0n) y3 += P;
  acc.X = x3;
  acc.Y = y3;
  acc.Z = (z1z2 * h) % P;
  return true;
}

/**
 * acc = 2·acc: dbl-2001-b for a = -3, 3M + 5S. Complete here: the curve has prime order, so no
 * finite point has y = 0, and infinity stays infinity.
 */
export function double(acc: Jacobian): void {
  const { X, Y, Z } = acc;
  if (Z === 0n) return;
  const delta = (Z * Z) % P;
  const gamma = (Y * Y) % P;
  const beta = (X * gamma) % P;
  const alpha = (3n * (X - delta) * (X + delta)) % P; // in (-p, p): only squared or multiplied below
  let x3 = (alpha * alpha - 8n * beta) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (alpha * (4n * beta - x3) - 8n * gamma * gamma) % P;
  if (y3 < 0n) y3 += P;
  acc.X = x3;
  acc.Y = y3;
  acc.Z = (2n * Y * Z) % P; // (Y + Z)² - gamma - delta
}

/**
 * The affine coordinates of finite points, x and y apart, with one inversion for all of them
 * (Montgomery's trick: 3 multiplications per point for the inverses, 4 for x and y).
 */
export function toAffineAll(points: readonly Jacobian[]): { xs: bigint[]; ys: bigint[] } {
  const prefixes: bigint[] = [];
  let product = 1n;
  for (const { Z } of points) {
    prefixes.push(product);
    product = (product * Z) % P;
  }
  let inverse = modularInverse(product, P); // of Z_0 … Z_i, walking back
  const xs: bigint[] = new Array<bigint>(points.length);
  const ys: bigint[] = new Array<bigint>(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const { X, Y, Z } = points[i]!;
    const zInv = (inverse * prefixes[i]!) % P;
    inverse = (inverse * Z) % P;
    const zz = (zInv * zInv) % P;
    xs[i] = (X * zz) % P;
    ys[i] = (((Y * zz) % P) * zInv) % P;
  }
  return { xs, ys };
}

/** The affine x of a finite point. */
export function affineX({ X, Z }: Jacobian): bigint | undefined {
  if (Z === 0n) return undefined;
  const zInv = modularInverse(Z, P);
  return (((X * zInv) % P) * zInv) % P;
}

/**
 * Whether the affine x of a finite point is `x` (in [0, p)): X = x·Z² mod p, two multiplications
 * where computing x itself takes an inversion (a tenth of a verification).
 */
export function hasAffineX({ X, Z }: Jacobian, x: bigint): boolean {
  return (x * ((Z * Z) % P)) % P === X;
}
