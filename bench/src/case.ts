/** One row of the benchmark: an operation, what one operation is worth, and what it is compared to. */
export interface Case {
  /** Stable key in results/crypto.json, e.g. `sm2.verify-cached.sm-crypto`. */
  id: string;
  /** What is measured, e.g. "SM2 verify, cached key". */
  what: string;
  /** Whose implementation, e.g. "sm-crypto 0.5.8". */
  who: string;
  /** Unit of the rate, e.g. "verify/s", "MB/s". */
  unit: string;
  /** Units one call of `op` is worth: 1 for operations, bytes / 10^6 for MB/s, leaves per tree. */
  perOp: number;
  /** Id of the case this one is compared to, measured in the same run. */
  baseline?: string;
  note?: string;
  op: () => void;
}

/** An operation over a pool of inputs, taking the next one on each call. */
export function cycling<T>(items: readonly T[], use: (item: T) => void): () => void {
  let next = 0;
  return () => use(items[next++ % items.length]!);
}

/** Rejections are often cheaper than acceptances: a benchmark that only rejected would flatter. */
export function expectValid(valid: boolean, what: string): void {
  if (!valid) throw new Error(`benchmark fixture broken: ${what} rejected a valid input`);
}
