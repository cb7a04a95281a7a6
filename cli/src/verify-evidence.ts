/**
 * `verify-evidence FILE`: checks an offline evidence bundle (henan-chain/evidence-bundle/v1) with the
 * evidence package's verifier, the one the portal runs in the browser, so both give the same verdict.
 * No gateway and no network: what the bundle cannot prove by itself is printed as not proven.
 */
import type { Command } from 'commander';
import { verifyBundle, type BundleVerification } from '@henan-chain/evidence';
import { parseIJson } from '@henan-chain/crypto';
import { MiB, readInput } from './io';
import { Invalid, UsageError } from './outcomes';

/** A bundle holds a record's blocks: megabytes. Past this it is none, and its text would near V8's longest string. */
const MAX_BUNDLE_BYTES = 256 * MiB;

function lines(result: BundleVerification, verbose: boolean): string {
  const out: string[] = [result.verdict];
  if (result.subject) out.push(`${result.subject.kind} ${result.subject.id}, bundle made ${result.createdAt} (claimed by the bundle, not proven)`);
  for (const f of result.failures) out.push(`  ✘ ${f.field}: ${f.message}`);
  if (verbose) for (const c of result.checks.filter((c) => c.ok)) out.push(`  ✔ ${c.field}: ${c.message}`);
  if (result.proven.length > 0) out.push('proven:', ...result.proven.map((p) => `  - ${p}`));
  if (result.notProven.length > 0) out.push('not proven:', ...result.notProven.map((p) => `  - ${p}`));
  return out.join('\n') + '\n';
}

async function verifyEvidenceFile(file: string, options: { verbose?: boolean }): Promise<void> {
  const text = new TextDecoder().decode(await readInput(file, 'evidence bundle', MAX_BUNDLE_BYTES));
  let bundle: unknown;
  try {
    bundle = parseIJson(text);
  } catch (err) {
    // No bundle to check: a usage error (exit 2), as a file that is no key is.
    throw new UsageError(`${file} cannot be read as JSON, so no evidence bundle: ${(err as Error).message}`);
  }
  const result = verifyBundle(bundle);
  if (result.verdict === 'invalid') {
    const first = result.failures[0];
    process.stdout.write(lines(result, options.verbose ?? false).replace(/^invalid\n/, ''));
    throw new Invalid(first ? `${first.field}: ${first.message}` : 'the bundle proves nothing');
  }
  process.stdout.write(lines(result, options.verbose ?? false));
}

export function addVerifyEvidenceCommand(program: Command): void {
  program
    .command('verify-evidence')
    .description('verify an offline evidence bundle (GET /v1/licences/:id/evidence and the like) without the gateway; prints "valid" (exit 0), "incomplete" (exit 0: a part this verifier does not check) or "invalid: <field>: <reason>" (exit 1)')
    .argument('<file>', 'the saved bundle, - for stdin')
    .option('--verbose', 'list every check that held, not only the failures')
    .action((file: string, options: { verbose?: boolean }) => verifyEvidenceFile(file, options));
}
