/**
 * `verify-ledger (--data-dir DIR | --gateway URL --token TOKEN)`: 账本校验. Re-derives the embedded
 * ledger's block hash chain (each block's data hash over its transactions, its link to the previous
 * block, its commit hash over the validation codes) offline from a stopped gateway's data directory or
 * a copy of it, or asks a gateway to (GET /v1/ledger/verification). Prints the first broken link.
 */
import { Option, type Command } from 'commander';
import type { ChainVerificationJson } from '@henan-chain/embedded-ledger';
import { consultGateway, gatewayUrl } from './gateway-client';
import { Invalid, UsageError } from './outcomes';
import { bar, ProgressLine } from './progress';

interface VerifyLedgerOptions {
  dataDir?: string;
  gateway?: string;
  token?: string;
}

/** Below this many blocks a log gets no progress lines: the answer comes at once. */
const LONG_CHAIN = 50;

/** Offline: the ledger package is loaded only here, as it brings the chaincode runtime with it. */
async function verifyOffline(dataDir: string): Promise<ChainVerificationJson> {
  const { chainVerificationJson, LedgerDamagedError, LedgerDirectoryError, verifyLedgerDirectory } = await import('@henan-chain/embedded-ledger');
  let checked = 0n;
  let height = 0n;
  let nextMilestone = 1n;
  const progress = new ProgressLine(() => `${bar(Number(checked), Number(height))} blocks verified`);
  const onProgress = (done: bigint, total: bigint) => {
    checked = done;
    height = total;
    if (progress.live) return progress.update();
    // In a log, a line at each tenth of a long chain.
    if (total >= LONG_CHAIN && done * 10n >= nextMilestone * total) {
      nextMilestone = (done * 10n) / total + 1n;
      progress.milestone();
    }
  };
  try {
    const verdict = chainVerificationJson(await verifyLedgerDirectory(dataDir, { onProgress }));
    if (progress.live && height > 0n) progress.milestone();
    return verdict;
  } catch (err) {
    if (err instanceof LedgerDirectoryError) throw new UsageError(err.message);
    // Lost records are a finding about the ledger, as a changed byte is: a negative verdict.
    if (err instanceof LedgerDamagedError) throw new Invalid(err.message);
    throw err;
  }
}

async function verifyLedger(options: VerifyLedgerOptions): Promise<void> {
  if ((options.dataDir === undefined) === (options.gateway === undefined)) {
    throw new UsageError('name the ledger with either --data-dir DIR (offline) or --gateway URL --token TOKEN');
  }
  let verdict: ChainVerificationJson;
  if (options.dataDir !== undefined) {
    verdict = await verifyOffline(options.dataDir);
  } else {
    if (options.token === undefined) throw new UsageError('--gateway needs --token (the governance token or an auditor agency\u2019s)');
    verdict = await consultGateway<ChainVerificationJson>('the gateway could not verify the ledger', options.gateway!, 'GET', '/v1/ledger/verification', { token: options.token });
  }
  if (!verdict.valid) {
    const { block, check, reason, expected, found } = verdict.broken;
    const values = expected !== undefined ? ` (stored ${found}, re-derived ${expected})` : '';
    throw new Invalid(`block ${block} of ${verdict.height}: ${check}: ${reason}${values}`);
  }
  process.stdout.write(`valid\n${verdict.height} blocks, ${verdict.transactions} transactions, last block hash ${verdict.tipHash}\n`);
}

export function addVerifyLedgerCommand(program: Command): void {
  program
    .command('verify-ledger')
    .description('verify the embedded ledger\u2019s block hash chain; prints "valid" and counts (exit 0) or "invalid: <first broken link>" (exit 1)')
    .option('--data-dir <dir>', 'offline: a stopped gateway\u2019s DATA_DIR (or a copy), or its ledger/ folder')
    .option('--gateway <url>', 'ask this gateway instead (GET /v1/ledger/verification)', gatewayUrl)
    .addOption(new Option('--token <token>', 'with --gateway: the governance token or an auditor agency\u2019s token').env('HENAN_CHAIN_TOKEN'))
    .addHelpText(
      'after',
      `
For every block, in order: its record decodes and names its own number; its
previous hash is the SM3 hash of the block before it; its data hash is the SM3
of its stored transactions; its commit hash chains its validation codes to the
previous block's; the last block matches the recorded chain tip. The first
block that fails is reported with what differs (the stored and the re-derived
hash). Records of LevelDB's log that LevelDB would skip (a failed checksum, a
record running past the end of the file), or a table file it finds corrupt,
make the ledger "invalid: ... is damaged". The folder is never written:
a copy of it is checked, in the system's temporary folder. A running gateway
holds its ledger open: verify through it (--gateway) or verify a copy of its
data directory. Progress goes to stderr on long chains. Exit 2 when the ledger
cannot be read or opened (say a missing MANIFEST) or the gateway cannot answer.`,
    )
    .action((options: VerifyLedgerOptions) => verifyLedger(options));
}
