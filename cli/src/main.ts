/** The henan-chain command line: composes the commands and turns every outcome into an exit code. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { addAnchorCommand } from './anchor';
import { addKeygenCommand } from './keygen';
import { addLicenceIdCommand } from './licence-id';
import { addProofCheckCommand } from './proof-check';
import { addSignCommand } from './sign';
import { addSm3Command } from './sm3';
import { addVerifyCommand } from './verify';
import { addVerifyLedgerCommand } from './verify-ledger';
import { addVerifyReportCommand } from './verify-report';
import { addVerifyEvidenceCommand } from './verify-evidence';
import { addQrCommand } from './qr';
import { addVerifyOfdCommand } from './verify-ofd';
import { EXIT, GatewayRefused, Invalid, UsageError } from './outcomes';

/** A crash must not exit 1, which scripts read as "invalid": EX_SOFTWARE of sysexits(3). */
const EXIT_INTERNAL_ERROR = 70;

/** The package's own version, from the package.json beside dist/ (also when installed on PATH). */
function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

function buildProgram(): Command {
  const program = new Command('henan-chain')
    .version(version(), '-V, --version', 'print the version of henan-chain')
    // Options of henan-chain itself only before a command: `licence-id make --version 002` is the licence's version.
    .enablePositionalOptions()
    .description('河南链 tools: SM2 keys and signatures, SM3 digests, licence identifiers, audit reports, anchoring and proofs')
    // Commander then throws its usage errors instead of exiting 1; run() maps them to exit 2.
    // Set before the commands are added, which inherit it (and the hint below).
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  const commands = [
    addKeygenCommand,
    addSignCommand,
    addVerifyCommand,
    addSm3Command,
    addLicenceIdCommand,
    addVerifyReportCommand,
    addAnchorCommand,
    addProofCheckCommand,
    addVerifyLedgerCommand,
    addVerifyEvidenceCommand,
    addQrCommand,
    addVerifyOfdCommand,
  ];
  for (const add of commands) add(program);
  return program;
}

/** Says what went wrong where it belongs (verdicts on stdout, the rest on stderr) and picks the exit code. */
function reportFailure(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE; // --help is exit 0; commander printed either
  if (err instanceof Invalid) {
    process.stdout.write(`invalid: ${err.message}\n`);
    return EXIT.INVALID;
  }
  if (err instanceof GatewayRefused) {
    process.stderr.write(`henan-chain: the gateway refused: ${err.code} (HTTP ${err.status}): ${err.message}\n`);
    return EXIT.INVALID;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`henan-chain: ${err.message}\n`);
    return EXIT.USAGE;
  }
  process.stderr.write(`henan-chain: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
  return EXIT_INTERNAL_ERROR;
}

/**
 * Output that cannot be written ends the command: a reader that stopped reading (EPIPE, as in
 * `sign … | head -c 0`) quietly, with the outcome so far, as Unix tools stop; any other failure
 * (a full disk: ENOSPC) with a message and exit 2, never as an unhandled error's exit 1, "invalid".
 */
function endOnOutputError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
  process.stderr.write(`henan-chain: cannot write the output: ${err.message}\n`);
  process.exit(EXIT.USAGE);
}

async function run(argv: string[]): Promise<void> {
  process.stdout.on('error', endOnOutputError);
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // exitCode, not exit(): stdout may still be draining a signature or a digest.
    process.exitCode = reportFailure(err);
  }
}

void run(process.argv);
