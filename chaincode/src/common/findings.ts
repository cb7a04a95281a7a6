/**
 * One finding of a verification, kept as data and as words: `code` and `params` let a client word it
 * in its own language (the portal in Chinese), `reason` is the English sentence built from the same
 * values. Reasons and findings are both derived from one list of these, so they cannot disagree.
 */
export interface Finding<V extends string = string> {
  verdict: V;
  /** Stable: clients key their templates on it. */
  code: string;
  /** Exactly the values the reason uses: instants and dates as ISO strings, ids, names, free text. */
  params: Record<string, string>;
  reason: string;
}

/** A finding as a verdict carries it: without the English words, which travel in `reasons`. */
export type FindingRecord<V extends string = string> = Omit<Finding<V>, 'reason'>;

/** The `reasons` and `findings` of a verdict, one entry each per finding, in the same order. */
export function reported<V extends string>(list: Finding<V>[]): { reasons: string[]; findings: FindingRecord<V>[] } {
  return { reasons: list.map((f) => f.reason), findings: list.map(({ verdict, code, params }) => ({ verdict, code, params })) };
}
