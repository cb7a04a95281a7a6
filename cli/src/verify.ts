/** `verify --key PUB.pem --sig SIG FILE`: prints `valid`, or `invalid: <reason>` with exit 1. */
import type { Command } from 'commander';
import { DEFAULT_SM2_ID, fromHex, verify } from '@henan-chain/crypto';
import { readInput } from './io';
import { loadPublicKey } from './key-files';
import { Invalid } from './outcomes';

interface VerifyOptions {
  key: string;
  sig: string;
  id: string;
}

/**
 * A signature file holds hex text (what `sign --hex` writes) or binary DER / r||s. DER always
 * starts 0x30 LEN 0x02 and 0x02 is no hex digit, so a DER file is never mistaken for hex.
 */
function signatureBytes(content: Uint8Array): Uint8Array {
  const text = Buffer.from(content).toString('latin1').trim();
  return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? fromHex(text, 'signature') : content;
}

async function verifyFile(file: string, { key, sig, id }: VerifyOptions): Promise<void> {
  const publicKey = await loadPublicKey(key);
  const signature = signatureBytes(await readInput(sig, 'signature'));
  const result = verify(await readInput(file, 'file'), signature, publicKey, { id });
  if (!result.valid) throw new Invalid(result.reason);
  process.stdout.write('valid\n');
}

export function addVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('verify the SM2 signature of a file; prints "valid" (exit 0) or "invalid: <reason>" (exit 1)')
    .argument('<file>', 'signed file, - for stdin')
    .requiredOption('--key <file>', 'public key PEM (SubjectPublicKeyInfo)')
    .requiredOption('--sig <file>', 'signature: DER, raw r||s or hex')
    .option('--id <id>', 'signer distinguishing id', DEFAULT_SM2_ID)
    .action((file: string, options: VerifyOptions) => verifyFile(file, options));
}
