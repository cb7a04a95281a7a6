import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CryptoError, fromHex, holderCommitment, toHex, validateResidentId, validateUscc } from '@henan-chain/crypto';
import { ConfigError } from './config';
import { ApiError } from './errors';

/** 32 bytes: well above crypto's minimum, as long as the HMAC-SM3 output. */
const SECRET_BYTES = 32;
const SECRET_FILE = 'holder-secret';

/**
 * The key of the holder commitments (持证主体承诺): HOLDER_SECRET when configured, else the one made
 * on this data directory's first start and kept in it (mode 0600). It never goes on chain: with it,
 * anyone could test guesses of an ID number against a commitment. A configured secret that differs
 * from the kept one is refused: the kept one made this directory's commitments, and with another
 * every lookup by holder would silently find nothing.
 */
export async function loadHolderSecret(dataDir: string, configured: string | undefined): Promise<Uint8Array> {
  const file = join(dataDir, SECRET_FILE);
  const kept = await keptSecret(file);
  if (configured !== undefined) {
    const secret = fromHex(configured, 'HOLDER_SECRET');
    if (kept !== undefined && !timingSafeEqualBytes(kept, secret)) {
      throw new ConfigError(
        `invalid configuration:\n  HOLDER_SECRET differs from the secret kept in ${file}, which made this data directory's holder commitments; ` +
          'with another, every lookup by holder would find nothing. Set HOLDER_SECRET to the kept one (every gateway of a deployment shares it)',
      );
    }
    return secret;
  }
  if (kept !== undefined) return kept;
  const secret = randomBytes(SECRET_BYTES);
  // 'wx': two processes starting on one fresh directory must not each write their own secret.
  await writeFile(file, toHex(secret) + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

async function keptSecret(file: string): Promise<Uint8Array | undefined> {
  try {
    const kept = fromHex((await readFile(file, 'utf8')).trim(), file);
    if (kept.length < SECRET_BYTES) throw new Error(`${file} holds ${kept.length} bytes; a holder secret has at least ${SECRET_BYTES}`);
    return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Validators of the code types whose codes have a known form, with their names for error messages. */
const KNOWN_CODES: Record<string, { name: string; check(code: string): unknown }> = {
  '111': { name: 'resident ID number (身份证号)', check: validateResidentId },
  '001': { name: 'unified social credit code (统一社会信用代码)', check: validateUscc },
};

/**
 * The commitment to a holder given in the clear. A wrong code is a 400 that names only the wrong part
 * (length, birthDate, checkCharacter...): crypto's own messages quote pieces of the code, and the
 * clear code is never logged, stored or returned.
 */
export function commitHolder(secret: Uint8Array, codeType: string, code: string, where: string): string {
  const known = KNOWN_CODES[codeType];
  try {
    known?.check(code.toUpperCase());
    return holderCommitment(secret, codeType, code);
  } catch (err) {
    if (!(err instanceof CryptoError)) throw err;
    const message = known ? `not a valid ${known.name}: its ${err.part} is wrong` : 'must be 1-64 printable characters without surrounding spaces';
    throw new ApiError(400, 'VALIDATION_FAILED', `${where}: ${message}`, { part: err.part });
  }
}
