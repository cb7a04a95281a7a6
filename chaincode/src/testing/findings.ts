import type { ExecutionContext } from 'ava';

interface Reported {
  verdict: string;
  reasons: string[];
  findings: Array<{ verdict: string; code: string; params: Record<string, string> }>;
}

/**
 * A verdict's findings line up with its reasons: one each, in order, one of them deciding the verdict,
 * and every value a finding carries written in its reason (nothing said that the finding lacks, or not).
 */
export function assertLinedUp(t: ExecutionContext, answer: Reported, codes: string[]): void {
  t.deepEqual(
    answer.findings.map((f) => f.code),
    codes,
  );
  t.is(answer.findings.length, answer.reasons.length);
  t.true(answer.findings.some((f) => f.verdict === answer.verdict));
  answer.findings.forEach((f, i) => {
    for (const [name, value] of Object.entries(f.params)) t.true(answer.reasons[i]!.includes(value), `${f.code}.${name} = ${value} is not in "${answer.reasons[i]}"`);
  });
}
