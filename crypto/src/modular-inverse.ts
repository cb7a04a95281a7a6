/**
 * Modular inverse by Lehmer's extended Euclid (Knuth, TAOCP vol. 2, 4.5.2, Algorithm L): the
 * quotients are found on the leading 48 bits in double-precision numbers, and the bigints updated
 * once per ~24 bits instead of once per quotient. About 3x faster than noble's bigint Euclid on
 * 256-bit values, which counts for SM2, whose signing takes two inversions. Variable time.
 */

/** The floor of x / y for integers 0 <= x < 2^53, 0 < y: a float division, corrected when it rounds up. */
function floorDiv(x: number, y: number): number {
  const q = Math.floor(x / y);
  return q * y > x ? q - 1 : q;
}

/** value⁻¹ mod modulus, for 0 < value < modulus and gcd(value, modulus) = 1 (0 for value 0). */
export function modularInverse(value: bigint, modulus: bigint): bigint {
  // u ≡ xu·value and v ≡ xv·value (mod modulus) throughout; u > v, and the gcd ends in u.
  let u = modulus;
  let v = value;
  let xu = 0n;
  let xv = 1n;
  while (v !== 0n) {
    const shift = u.toString(16).length * 4 - 48;
    // [u, v] ← [[a, b], [c, d]]·[u, v]: the steps of Euclid whose quotients the leading bits decide.
    let a = 1;
    let b = 0;
    let c = 0;
    let d = 1;
    if (shift > 0) {
      let uh = Number(u >> BigInt(shift));
      let vh = Number(v >> BigInt(shift));
      while (vh + c !== 0 && vh + d !== 0) {
        const q = floorDiv(uh + a, vh + c);
        if (q !== floorDiv(uh + b, vh + d)) break;
        [a, c] = [c, a - q * c];
        [b, d] = [d, b - q * d];
        [uh, vh] = [vh, uh - q * vh];
      }
    }
    if (b === 0) {
      // No step decided (a large quotient, or small values): one step of Euclid on the bigints.
      const q = u / v;
      [u, v] = [v, u - q * v];
      [xu, xv] = [xv, xu - q * xv];
    } else {
      const [A, B, C, D] = [BigInt(a), BigInt(b), BigInt(c), BigInt(d)];
      [u, v] = [A * u + B * v, C * u + D * v];
      [xu, xv] = [A * xu + B * xv, C * xu + D * xv];
    }
  }
  const inverse = xu % modulus;
  return inverse < 0n ? inverse + modulus : inverse;
}
