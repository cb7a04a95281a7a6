import { mkdir, open, readdir, readFile, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncFolder } from '../data-dir';
import { privateKeyFromPem, privateKeyToPem, publicKeyFromPrivateKey, toHex } from '@henan-chain/crypto';
import { keyIdOf } from '@henan-chain/chaincode';

export interface StoredKey {
  keyId: string;
  publicKey: string;
  privateKey: Uint8Array;
}

/** What reconcile() did with an owner's pending keys, by key id. */
export interface Reconciled {
  promoted: string[];
  deleted: string[];
}

/** The folder, inside an owner's, of its pending keys. */
const PENDING = 'pending';
const KEY_FILE = '.key.pem';

/**
 * SM2 keys the gateway keeps for agencies that let it sign for them (and its own report key),
 * one PKCS#8 PEM file per key under DATA_DIR/keys/<owner>/, readable by the gateway's user only.
 * The newest file of an owner is its active key.
 *
 * A key the gateway makes for a request not yet on chain is kept *pending* first, under
 * DATA_DIR/keys/<owner>/pending/<keyId>.key.pem: written and fsync'd before the request that registers
 * it is submitted, and promoted (renamed among the owner's keys, where it becomes the active one) only
 * once that request is committed. A crash in between leaves the key pending: never lost, never used
 * to sign. reconcile() then settles it with what the chain holds.
 */
export class KeyStore {
  private readonly cache = new Map<string, StoredKey[]>();
  /** Pending keys whose request this process is still submitting: reconcile() leaves them be. */
  private readonly inFlight = new Set<string>();
  /** Per owner, the tail of its file operations, so that two promotions never take the same number. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The outermost folder that keeping a pending key made (its owner's, or its pending folder), by key: discard() removes them. */
  private readonly madeFolders = new Map<string, string>();

  /**
   * Fault-injection seam (tests): called before a pending key is promoted. A throw fails the
   * promotion as a crash at that point would, leaving the key pending.
   */
  beforePromote?: (owner: string, keyId: string) => void | Promise<void>;

  constructor(private readonly dir: string) {}

  /** Stores `privateKey` as the owner's newest, active key (for a key that needs no registration on chain). */
  async add(owner: string, privateKey: Uint8Array): Promise<StoredKey> {
    return this.exclusive(owner, async () => {
      const key = storedKey(privateKey);
      const keys = await this.list(owner);
      await mkdir(join(this.dir, owner), { recursive: true, mode: 0o700 });
      await writeDurably(join(this.dir, owner), activeName(keys.length, key.keyId), privateKeyToPem(privateKey));
      keys.push(key);
      return key;
    });
  }

  /**
   * Keeps `privateKey` as a pending key of `owner`, durably, before the request that registers it is
   * submitted; promote() or discard() it once that request's outcome is known.
   */
  async addPending(owner: string, privateKey: Uint8Array): Promise<StoredKey> {
    const key = storedKey(privateKey);
    const folder = join(this.dir, owner, PENDING);
    const id = slot(owner, key.keyId);
    this.inFlight.add(id);
    try {
      // Exclusive: a discard() removing the folders it made never runs between this mkdir and the write.
      await this.exclusive(owner, async () => {
        const made = await mkdir(folder, { recursive: true, mode: 0o700 });
        if (made !== undefined) this.madeFolders.set(id, made);
        await writeDurably(folder, key.keyId + KEY_FILE, privateKeyToPem(privateKey));
      });
    } catch (err) {
      this.inFlight.delete(id);
      this.madeFolders.delete(id);
      throw err;
    }
    return key;
  }

  /** Makes a pending key the owner's newest, active key (its request is committed). */
  async promote(owner: string, keyId: string): Promise<StoredKey> {
    try {
      return await this.exclusive(owner, () => this.promoteNow(owner, keyId));
    } finally {
      this.settled(owner, keyId);
    }
  }

  /**
   * Deletes a pending key whose request the ledger refused, and the folders keeping it made, if
   * nothing else is in them: a refused request leaves the keys folder as it found it.
   */
  async discard(owner: string, keyId: string): Promise<void> {
    const made = this.madeFolders.get(slot(owner, keyId));
    try {
      await this.exclusive(owner, async () => {
        await this.deletePending(owner, keyId);
        if (made !== undefined) await removeEmptyFolders(join(this.dir, owner, PENDING), made);
      });
    } finally {
      this.settled(owner, keyId);
    }
  }

  /** Leaves a pending key whose request's outcome is unknown to reconcile(). */
  release(owner: string, keyId: string): void {
    this.settled(owner, keyId);
  }

  /** This process is done with the key's request. */
  private settled(owner: string, keyId: string): void {
    this.inFlight.delete(slot(owner, keyId));
    this.madeFolders.delete(slot(owner, keyId));
  }

  /**
   * Settles the owner's pending keys that no request of this process is submitting: one whose public
   * key is in `onChain` (the chain's keys of the owner, oldest first) is promoted, in that order; any
   * other is deleted.
   */
  async reconcile(owner: string, onChain: readonly string[]): Promise<Reconciled> {
    return this.exclusive(owner, async () => {
      const settled = (await this.pending(owner)).filter((k) => !this.inFlight.has(slot(owner, k.keyId)));
      const rank = (k: StoredKey) => onChain.indexOf(k.publicKey);
      const promoted = settled.filter((k) => rank(k) >= 0).sort((a, b) => rank(a) - rank(b));
      for (const k of promoted) await this.promoteNow(owner, k.keyId);
      const deleted = settled.filter((k) => rank(k) < 0);
      for (const k of deleted) await this.deletePending(owner, k.keyId);
      // A temporary file is a pending key whose write never finished: its request was never submitted.
      const folder = join(this.dir, owner, PENDING);
      for (const name of await namesIn(folder)) {
        const writing = /^\.([0-9a-f]{32})\.key\.pem\.tmp$/.exec(name);
        if (writing && !this.inFlight.has(slot(owner, writing[1]!))) await unlink(join(folder, name));
      }
      return { promoted: promoted.map((k) => k.keyId), deleted: deleted.map((k) => k.keyId) };
    });
  }

  /** The owner's pending keys, in no particular order. */
  async pending(owner: string): Promise<StoredKey[]> {
    const folder = join(this.dir, owner, PENDING);
    const keys: StoredKey[] = [];
    for (const name of await filesIn(folder)) {
      try {
        keys.push(storedKey(privateKeyFromPem(await readFile(join(folder, name), 'utf8'))));
      } catch (err) {
        // Promoted or discarded since the folder was read.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return keys;
  }

  /** The owners that have pending keys. */
  async pendingOwners(): Promise<string[]> {
    const owners: string[] = [];
    for (const owner of await namesIn(this.dir)) {
      if ((await filesIn(join(this.dir, owner, PENDING))).length > 0) owners.push(owner);
    }
    return owners;
  }

  /** The owner's keys, oldest first (pending keys are not among them). */
  async list(owner: string): Promise<StoredKey[]> {
    const cached = this.cache.get(owner);
    if (cached) return cached;
    const keys: StoredKey[] = [];
    for (const name of await filesIn(join(this.dir, owner))) {
      keys.push(storedKey(privateKeyFromPem(await readFile(join(this.dir, owner, name), 'utf8'))));
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

  private async promoteNow(owner: string, keyId: string): Promise<StoredKey> {
    const keys = await this.list(owner);
    const kept = keys.find((k) => k.keyId === keyId);
    if (kept) return kept;
    await this.beforePromote?.(owner, keyId);
    const from = join(this.dir, owner, PENDING, keyId + KEY_FILE);
    const key = storedKey(privateKeyFromPem(await readFile(from, 'utf8')));
    // A rename within one file system is atomic: after a crash the key is either pending or kept.
    await rename(from, join(this.dir, owner, activeName(keys.length, keyId)));
    await syncFolder(join(this.dir, owner));
    await syncFolder(join(this.dir, owner, PENDING));
    keys.push(key);
    return key;
  }

  private async deletePending(owner: string, keyId: string): Promise<void> {
    const folder = join(this.dir, owner, PENDING);
    try {
      await unlink(join(folder, keyId + KEY_FILE));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return;
    }
    await syncFolder(folder);
  }

  /** Runs `fn` after every earlier file operation on the owner's keys has finished. */
  private exclusive<T>(owner: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(owner) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined); // never rejects, so the next operation always runs
    this.queues.set(owner, tail);
    void tail.then(() => {
      if (this.queues.get(owner) === tail) this.queues.delete(owner);
    });
    return run;
  }
}

function storedKey(privateKey: Uint8Array): StoredKey {
  const publicKey = toHex(publicKeyFromPrivateKey(privateKey));
  return { keyId: keyIdOf(publicKey), publicKey, privateKey };
}

const slot = (owner: string, keyId: string) => `${owner}\u0000${keyId}`;

/** Active keys are numbered in the order they were kept: the highest number is the active key. */
const activeName = (index: number, keyId: string) => `${String(index).padStart(4, '0')}-${keyId}${KEY_FILE}`;

/** Writes `text` to folder/name (mode 0600) through a temporary file, fsync'd, renamed into place. */
async function writeDurably(folder: string, name: string, text: string): Promise<void> {
  const temporary = join(folder, `.${name}.tmp`);
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, join(folder, name));
  await syncFolder(folder);
}

/** Removes `folder` and its parents up to `outermost`, deepest first, stopping at the first one not empty. */
async function removeEmptyFolders(folder: string, outermost: string): Promise<void> {
  for (let current = folder; current.startsWith(outermost); current = dirname(current)) {
    try {
      await rmdir(current);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return;
      throw err;
    }
    await syncFolder(dirname(current));
  }
}

/** The names in a folder (none when it does not exist). */
async function namesIn(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return [];
  }
}

/** The key files of a folder, sorted by name (temporary files, starting with a dot, are not among them). */
async function filesIn(folder: string): Promise<string[]> {
  return (await namesIn(folder)).filter((n) => n.endsWith(KEY_FILE) && !n.startsWith('.')).sort();
}
