/** `verify --key PUB.pem --sig SIG FILE`: prints `valid`, or `invalid: <reason>` with exit 1. */
import type { Command } from 'commander';
import { DEFAULT_SM2_ID, fromHex, verifyDigest, type CryptoErrorCode } from '@henan-chain/crypto';
import { atMostOneStdin, MiB, readInput, sm2DigestInput } from './io';
import { loadPublicKey } from './key-files';
import { Invalid, UsageError } from './outcomes';
import { sm2Id } from './sign';

/** A signature is at most 72 bytes of DER, 144 hex digits; a megabyte allows for any wrapping. */
const MAX_SIGNATURE_BYTES = MiB;

interface VerifyOptions {
  key: string;
  sig: string;
  id: string;
}

/** Verdict codes for bytes that are no SM2 signature at all: then nothing was checked (exit 2). */
const NOT_A_SIGNATURE: ReadonlySet<CryptoErrorCode> = new Set(['BAD_SIGNATURE_FORMAT', 'BAD_DER', 'BAD_LENGTH']);

/**
 * A signature file holds hex text (what `sign --hex` writes, or `xxd -p`, which breaks lines every
 * 60 digits) or binary DER / r||s. DER always starts 0x30 LEN 0x02 and 0x02 is neither a hex digit
 * nor white space, so a DER file is never mistaken for hex. Text that is nearly hex, or base64, would
 * otherwise be read as binary and refused for its length: it is named for what it looks like.
 */
function signatureBytes(content: Uint8Array, path: string): Uint8Array {
  const text = Buffer.from(content).toString('latin1').replace(/[ \t\r\n]+/g, '');
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) return fromHex(text, 'signature');
  if (/^[0-9a-fA-F]+$/.test(text)) throw new UsageError(`${path} looks like hex of odd length (${text.length} digits): a digit is missing or extra`);
  if (text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new UsageError(`${path} looks like base64: give the signature as DER or hex (base64 -d turns it into DER)`);
  return content;
}

async function verifyFile(file: string, { key, sig, id }: VerifyOptions): Promise<void> {
  atMostOneStdin({ '--key': key, '--sig': sig, file });
  const publicKey = await loadPublicKey(key);
  const signature = signatureBytes(await readInput(sig, 'signature', MAX_SIGNATURE_BYTES), sig);
  const result = verifyDigest(await sm2DigestInput(file, publicKey, id), signature, publicKey);
  if (!result.valid && NOT_A_SIGNATURE.has(result.code)) throw new UsageError(`${sig} is not an SM2 signature: ${result.reason}`);
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
    .option('--id <id>', 'signer distinguishing id', sm2Id, DEFAULT_SM2_ID)
    .action((file: string, options: VerifyOptions) => verifyFile(file, options));
}
