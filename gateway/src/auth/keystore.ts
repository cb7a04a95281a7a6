import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateKeyFromPem, privateKeyToPem, publicKeyFromPrivateKey, toHex } from '@henan-chain/crypto';
import { keyIdOf } from '@henan-chain/chaincode';

export interface StoredKey {
  keyId: string;
  publicKey: string;
  privateKey: Uint8Array;
}

/**
 * SM2 keys the gateway keeps for agencies that let it sign for them (and its own report key),
 * one PKCS#8 PEM file per key under DATA_DIR/keys/<owner>/, readable by the gateway's user only.
 * The newest file of an owner is its active key.
 */
export class KeyStore {
  private readonly cache = new Map<string, StoredKey[]>();

  constructor(private readonly dir: string) {}

  /** Stores `privateKey` as the owner's newest, active key (call it once the key is registered on chain). */
  async add(owner: string, privateKey: Uint8Array): Promise<StoredKey> {
    const publicKey = toHex(publicKeyFromPrivateKey(privateKey));
    const key: StoredKey = { keyId: keyIdOf(publicKey), publicKey, privateKey };
    const folder = join(this.dir, owner);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const keys = await this.list(owner);
    const name = `${String(keys.length).padStart(4, '0')}-${key.keyId}.key.pem`;
    await writeFile(join(folder, name), privateKeyToPem(privateKey), { mode: 0o600 });
    keys.push(key);
    return key;
  }

  /** The owner's keys, oldest first. */
  async list(owner: string): Promise<StoredKey[]> {
    const cached = this.cache.get(owner);
    if (cached) return cached;
    let names: string[] = [];
    try {
      names = (await readdir(join(this.dir, owner))).filter((n) => n.endsWith('.key.pem')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const keys: StoredKey[] = [];
    for (const name of names) {
      const privateKey = privateKeyFromPem(await readFile(join(this.dir, owner, name), 'utf8'));
      const publicKey = toHex(publicKeyFromPrivateKey(privateKey));
      keys.push({ keyId: keyIdOf(publicKey), publicKey, privateKey });
    }
    this.cache.set(owner, keys);
    return keys;
  }

  async active(owner: string): Promise<StoredKey | undefined> {
    const keys = await this.list(owner);
    return keys[keys.length - 1];
  }

  async find(owner: string, keyId: string): Promise<StoredKey | undefined> {
    return (await this.list(owner)).find((k) => k.keyId === keyId);
  }
}
