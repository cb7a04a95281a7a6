/**
 * `qr (licence|sealing) ID --base URL`: draws in the terminal the QR code a record's page carries
 * (the same URL and drawing as the gateway's GET …/qr.svg), for a phone to scan off the screen.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { CryptoError, parseLicenceId } from '@henan-chain/crypto';
import { PORTAL_PATHS, qrTerminal, verificationUrl, type QrSubject } from '@henan-chain/gateway';
import { gatewayUrl } from './gateway-client';
import { UsageError } from './outcomes';

function subjectOf(value: string): QrSubject {
  if (!(value in PORTAL_PATHS)) throw new InvalidArgumentError(`must be one of ${Object.keys(PORTAL_PATHS).join(', ')}`);
  return value as QrSubject;
}

function checkId(kind: QrSubject, id: string): void {
  if (kind === 'sealing') {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new UsageError('a sealing id is 32 lower-case hex digits');
    return;
  }
  try {
    parseLicenceId(id);
  } catch (err) {
    if (err instanceof CryptoError) throw new UsageError(`invalid licence identifier: ${err.message}`);
    throw err;
  }
}

async function printQr(kind: QrSubject, id: string, options: { base: string }): Promise<void> {
  checkId(kind, id);
  const url = verificationUrl(options.base, kind, id);
  process.stdout.write(`${await qrTerminal(url)}${url}\n`);
}

export function addQrCommand(program: Command): void {
  program
    .command('qr')
    .description('draw in the terminal the QR code of a licence\u2019s or a sealing\u2019s verification page, then print its URL')
    .argument('<kind>', 'licence or sealing', subjectOf)
    .argument('<id>', 'the licence identifier or the sealing id')
    .requiredOption('--base <url>', 'the portal\u2019s public base URL (the gateway\u2019s PUBLIC_BASE_URL), e.g. http://192.168.1.20:8080', gatewayUrl)
    .action((kind: QrSubject, id: string, options: { base: string }) => printQr(kind, id, options));
}
