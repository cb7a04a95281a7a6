/** `keygen --out NAME`: a new SM2 key pair as NAME.key.pem (PKCS#8, 0600) and NAME.pub.pem (SPKI). */
import { InvalidArgumentError, type Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { access, constants, lstat, open, rename, rm } from 'node:fs/promises';
import { generateKeyPair, privateKeyToPem, publicKeyToPem } from '@henan-chain/crypto';
import { fileStep } from './io';
import { UsageError } from './outcomes';

interface KeygenOptions {
  out: string;
  force?: boolean;
}

/**
 * Why `path` cannot take a new key file, if it cannot: it exists (without --force), or it is no
 * regular file or not writable (with it). Asked of both files before either is written.
 */
async function refusal(path: string, force: boolean): Promise<string | undefined> {
  const found = await lstat(path).catch(() => undefined);
  if (found === undefined) return undefined;
  if (!force) return `${path} exists: choose another --out, or add --force to replace it`;
  if (!found.isFile()) return `${path} is not a regular file: keygen replaces only key files`;
  return access(path, constants.W_OK).then(
    () => undefined,
    () => `${path} is read-only: make it writable to replace it`,
  );
}

/**
 * Writes `text` with `mode` to a new file beside `path`, for a rename into place. The mode is also set
 * after opening, since open() applies it through the umask.
 */
async function writeBeside(path: string, text: string, mode: number): Promise<string> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await fileStep(`write ${temporary}`, async () => {
    const file = await open(temporary, 'wx', mode);
    try {
      await file.chmod(mode);
      await file.writeFile(text);
    } finally {
      await file.close();
    }
  });
  return temporary;
}

/** An --out value: a stem a file name can follow (`kd/agency`), not a folder (`kd/`) or nothing, which would make hidden files. */
function stem(value: string): string {
  const last = value.split(/[\\/]/).at(-1)!;
  if (last === '' || last === '.' || last === '..') {
    throw new InvalidArgumentError(`must end in a name for the two files, as kd/agency makes kd/agency.key.pem and kd/agency.pub.pem; "${value}" ends in none`);
  }
  return value;
}

async function keygen({ out, force = false }: KeygenOptions): Promise<void> {
  const privatePath = `${out}.key.pem`;
  const publicPath = `${out}.pub.pem`;
  for (const path of [privatePath, publicPath]) {
    const why = await refusal(path, force);
    if (why !== undefined) throw new UsageError(why);
  }
  const { privateKey, publicKey } = generateKeyPair();
  // Both written whole beside their places, then renamed in: a failed write leaves the old pair as it was.
  // The public key goes first: should the second rename fail, the old private key is kept, and its public key derives from it.
  const written: string[] = [];
  try {
    written.push(await writeBeside(publicPath, publicKeyToPem(publicKey), 0o644));
    written.push(await writeBeside(privatePath, privateKeyToPem(privateKey), 0o600));
    await fileStep(`replace ${publicPath}`, () => rename(written[0]!, publicPath));
    await fileStep(`replace ${privatePath}`, () => rename(written[1]!, privatePath));
  } finally {
    await Promise.all(written.map((path) => rm(path, { force: true })));
  }
  process.stdout.write(`${privatePath}\n${publicPath}\n`);
}

export function addKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('generate an SM2 key pair: NAME.key.pem (PKCS#8, mode 0600) and NAME.pub.pem (SubjectPublicKeyInfo)')
    .requiredOption('--out <name>', 'path prefix of the two files', stem)
    .option('--force', 'replace existing files')
    .action((options: KeygenOptions) => keygen(options));
}
