/** `keygen --out NAME`: a new SM2 key pair as NAME.key.pem (PKCS#8, 0600) and NAME.pub.pem (SPKI). */
import type { Command } from 'commander';
import { access, open } from 'node:fs/promises';
import { generateKeyPair, privateKeyToPem, publicKeyToPem } from '@henan-chain/crypto';
import { fileStep } from './io';
import { UsageError } from './outcomes';

interface KeygenOptions {
  out: string;
  force?: boolean;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes `text` with `mode`. The mode is also set before writing because open() applies it only
 * when it creates the file: an overwritten key file would otherwise keep its old permissions.
 */
async function writeKeyFile(path: string, text: string, mode: number, overwrite: boolean): Promise<void> {
  await fileStep(`write ${path}`, async () => {
    const file = await open(path, overwrite ? 'w' : 'wx', mode);
    try {
      await file.chmod(mode);
      await file.writeFile(text);
    } finally {
      await file.close();
    }
  });
}

async function keygen({ out, force = false }: KeygenOptions): Promise<void> {
  const privatePath = `${out}.key.pem`;
  const publicPath = `${out}.pub.pem`;
  // Both checked before either is written, so that a refusal leaves no half-made pair behind.
  for (const path of [privatePath, publicPath]) {
    if (!force && (await exists(path))) {
      throw new UsageError(`${path} exists: choose another --out, or add --force to replace it`);
    }
  }
  const { privateKey, publicKey } = generateKeyPair();
  await writeKeyFile(privatePath, privateKeyToPem(privateKey), 0o600, force);
  await writeKeyFile(publicPath, publicKeyToPem(publicKey), 0o644, force);
  process.stdout.write(`${privatePath}\n${publicPath}\n`);
}

export function addKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('generate an SM2 key pair: NAME.key.pem (PKCS#8, mode 0600) and NAME.pub.pem (SubjectPublicKeyInfo)')
    .requiredOption('--out <name>', 'path prefix of the two files')
    .option('--force', 'replace existing files')
    .action((options: KeygenOptions) => keygen(options));
}
