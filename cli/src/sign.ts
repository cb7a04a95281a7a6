/** `sign --key KEY.pem FILE`: the SM2 signature of a file, DER (GM/T 0009) or hex. */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { DEFAULT_SM2_ID, sign, toHex } from '@henan-chain/crypto';
import { fileStep, readInput } from './io';
import { loadPrivateKey } from './key-files';

interface SignOptions {
  key: string;
  id: string;
  out?: string;
  hex?: boolean;
}

async function signFile(file: string, { key, id, out, hex }: SignOptions): Promise<void> {
  const privateKey = await loadPrivateKey(key);
  const signature = sign(await readInput(file, 'file'), privateKey, { id });
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
    .option('--id <id>', 'signer distinguishing id', DEFAULT_SM2_ID)
    .option('--out <file>', 'write the signature to this file instead of stdout')
    .option('--hex', 'write the signature as hex text instead of binary DER')
    .action((file: string, options: SignOptions) => signFile(file, options));
}
