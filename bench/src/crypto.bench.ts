/**
 * `npm run bench:crypto`: one run measures this package side by side with its baselines on this
 * machine, prints a table and writes bench/results/crypto.json. Targets are reported, never
 * asserted: figures depend on the machine and its load.
 */
import { join } from 'node:path';
import type { Case } from './case';
import { hashCases } from './hash.cases';
import { METHOD, measureSideBySide } from './measure';
import { type Target, loadAverage, publish } from './report';
import { sm2Cases } from './sm2.cases';

const RESULTS = join(__dirname, '..', 'results', 'crypto.json');

const TARGETS: Target[] = [
  { text: 'SM2 verify with a cached key ≥ 1.0× native SM2', id: 'sm2.verify-cached.henan-chain', minRatio: 1 },
  { text: 'SM2 sign ≥ 1.0× native SM2', id: 'sm2.sign.henan-chain', minRatio: 1 },
  { text: 'SM2 verify with a fresh key ≥ 0.3× native SM2', id: 'sm2.verify-fresh.henan-chain', minRatio: 0.3 },
  { text: 'Merkle build ≥ 0.4× the rate of SM3 calls on 64-byte inputs', id: 'merkle.build', minRatio: 0.4 },
];

/** Cases that share a baseline, with it: each such group is measured side by side. */
function comparisons(cases: readonly Case[]): Case[][] {
  const groups = new Map<string, Case[]>();
  for (const c of cases) {
    const key = c.baseline ?? c.id;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()];
}

async function main(): Promise<void> {
  // Other work on the machine lowers every figure; the load averages say how much there was.
  const loadAtStart = loadAverage();
  process.stderr.write('preparing keys, signatures, trees and proofs...\n');
  const cases: Case[] = [...sm2Cases(), ...(await hashCases())];
  const measured = comparisons(cases).flatMap((group) => {
    process.stderr.write(`  ${group.map((c) => `${c.what} — ${c.who}`).join('\n  ')}\n`);
    const timings = measureSideBySide(group.map((c) => c.op));
    return group.map((c, i) => ({ case: c, timing: timings[i]! }));
  });
  await publish(RESULTS, METHOD, measured, TARGETS, loadAtStart);
}

void main();
