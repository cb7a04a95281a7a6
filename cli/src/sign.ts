/** `sign --key KEY.pem FILE`: the SM2 signature of a file, DER (GM/T 0009) or hex. */
import { InvalidArgumentError, type Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { DEFAULT_SM2_ID, SM2_ID_MAX_BYTES, publicKeyFromPrivateKey, signDigest, toHex } from '@henan-chain/crypto';
import { atMostOneStdin, fileStep, sm2DigestInput } from './io';
import { loadPrivateKey } from './key-files';

interface SignOptions {
  key: string;
  id: string;
  out?: string;
  hex?: boolean;
}

/**
 * The --id of sign and verify, checked when the options are read: an id too long for Z_A's
 * two-byte ENTL is the user's mistake (exit 2), not a crash of sign nor a verdict of verify.
 */
export function sm2Id(value: string): string {
  if (Buffer.byteLength(value, 'utf8') > SM2_ID_MAX_BYTES) {
    throw new InvalidArgumentError(`must be at most ${SM2_ID_MAX_BYTES} bytes in UTF-8 (Z_A holds its bit length in two bytes)`);
  }
  return value;
}

async function signFile(file: string, { key, id, out, hex }: SignOptions): Promise<void> {
  atMostOneStdin({ '--key': key, file });
  const privateKey = await loadPrivateKey(key);
  const e = await sm2DigestInput(file, publicKeyFromPrivateKey(privateKey), id);
  const signature = signDigest(e, privateKey);
  const output = hex ? `${toHex(signature)}\n` : signature;
  if (out === undefined) process.stdout.write(output);
  else await fileStep(`write ${out}`, () => writeFile(out, output));
}

export function addSignCommand(program: Command): void {
  program
    .command('sign')
    .description('sign a file with SM2 (SM3 over Z_A || file); writes the DER signature, as openssl dgst -sm3 -sign does')
    .argument('<file>', 'file to sign, - for stdin')
    .requiredOption('--key <file>', 'private key PEM (PKCS#8 or SEC1)')
    .option('--id <id>', 'signer distinguishing id', sm2Id, DEFAULT_SM2_ID)
    .option('--out <file>', 'write the signature to this file instead of stdout')
    .option('--hex', 'write the signature as hex text instead of binary DER')
    .action((file: string, options: SignOptions) => signFile(file, options));
}
