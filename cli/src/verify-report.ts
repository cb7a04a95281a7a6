/**
 * `verify-report FILE (--key PUB.pem | --gateway URL)`: checks an audit report that
 * GET /v1/audit/report returned (JSON or CSV) against the gateway key the user trusts.
 * The verifier is the gateway package's own, whose entry point loads only the crypto package.
 */
import type { Command } from 'commander';
import { CryptoError, parsePublicKey, toHex } from '@henan-chain/crypto';
import { verifyReport } from '@henan-chain/gateway';
import { consultGateway, gatewayUrl } from './gateway-client';
import { MiB, readInput } from './io';
import { loadPublicKey } from './key-files';
import { Invalid, UsageError } from './outcomes';

/** A quarter's report of a busy agency is megabytes; past this the file is no report. */
const MAX_REPORT_BYTES = 256 * MiB;

interface VerifyReportOptions {
  key?: string;
  gateway?: string;
}

/** GET /v1/gateway/key: the key as 04||x||y hex. Trusts whatever answers at that URL. */
async function fetchGatewayKey(gateway: string): Promise<string> {
  const answer = await consultGateway<{ publicKey?: unknown }>('cannot get the gateway key', gateway, 'GET', '/v1/gateway/key');
  try {
    return toHex(parsePublicKey(String(answer.publicKey)));
  } catch (err) {
    if (err instanceof CryptoError) throw new UsageError(`${gateway}/v1/gateway/key answered no SM2 public key: ${err.message}`);
    throw err;
  }
}

/**
 * One line on what the report covers. Read only after the signature checked, so the gateway vouches
 * for it; from the JSON report, or from the CSV's "# report" line.
 */
function summary(content: Uint8Array, format: 'json' | 'csv'): string {
  const text = Buffer.from(content).toString('utf8');
  if (format === 'json') {
    const { agency, period, counts } = JSON.parse(text).report;
    return `agency ${agency?.agencyId} ${agency?.name}, ${period?.from} to ${period?.to}, ${counts?.events} events`;
  }
  // The last such line: the gateway writes it right before the signature line.
  const context = text.split('\r\n').filter((line) => line.startsWith('# report ')).at(-1) ?? '';
  const field = (name: string) => new RegExp(` ${name}=(\\S*)`).exec(context)?.[1];
  return `agency ${field('agency')}, ${field('from')} to ${field('to')}, ${field('events')} events`;
}

async function verifyReportFile(file: string, { key, gateway }: VerifyReportOptions): Promise<void> {
  if ((key === undefined) === (gateway === undefined)) throw new UsageError('name the trusted gateway key with either --key PUB.pem or --gateway URL');
  const publicKey = key !== undefined ? toHex(await loadPublicKey(key)) : await fetchGatewayKey(gateway!);
  const content = await readInput(file, 'report', MAX_REPORT_BYTES);
  const result = verifyReport(content, { publicKey });
  if (!result.valid) throw new Invalid(result.reason);
  process.stdout.write(`valid\n${summary(content, result.format)} (${result.format}, gateway key ${result.keyId})\n`);
}

export function addVerifyReportCommand(program: Command): void {
  program
    .command('verify-report')
    .description('verify a signed audit report (JSON or CSV, as GET /v1/audit/report returns it); prints "valid" and what it covers (exit 0) or "invalid: <reason>" (exit 1)')
    .argument('<file>', 'the saved report, - for stdin')
    .option('--key <file>', 'the gateway\u2019s public key PEM, obtained from a source you trust')
    .option('--gateway <url>', 'fetch the key from <url>/v1/gateway/key instead: this trusts the network path to the gateway (use https)', gatewayUrl)
    .addHelpText(
      'after',
      `
The format is told from the content: a JSON report starts with "{". Exactly
one of --key and --gateway names the key the report must be signed with; a
report signed by any other key is invalid.`,
    )
    .action((file: string, options: VerifyReportOptions) => verifyReportFile(file, options));
}
