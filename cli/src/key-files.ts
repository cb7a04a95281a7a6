/** Reading PEM key files: a file that is not the expected key is a usage error, not a verdict. */
import { CryptoError, privateKeyFromPem, publicKeyFromPem } from '@henan-chain/crypto';
import { MiB, readInput } from './io';
import { UsageError } from './outcomes';

/** A PEM key is a few hundred bytes; a megabyte allows for comments and certificates around it. */
const MAX_KEY_BYTES = MiB;

async function loadKey(path: string, kind: string, parse: (pem: string) => Uint8Array): Promise<Uint8Array> {
  const pem = Buffer.from(await readInput(path, `${kind} key`, MAX_KEY_BYTES)).toString('utf8');
  try {
    return parse(pem);
  } catch (err) {
    if (err instanceof CryptoError) throw new UsageError(`${path} is not an SM2 ${kind} key: ${err.message}`);
    throw err;
  }
}

/** PKCS#8 or SEC1 PEM, as `keygen` and `openssl genpkey` write them. */
export function loadPrivateKey(path: string): Promise<Uint8Array> {
  return loadKey(path, 'private', privateKeyFromPem);
}

/** SubjectPublicKeyInfo PEM, as `keygen` and `openssl pkey -pubout` write them. */
export function loadPublicKey(path: string): Promise<Uint8Array> {
  return loadKey(path, 'public', publicKeyFromPem);
}
