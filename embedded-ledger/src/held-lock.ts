import { readFile, stat } from 'node:fs/promises';

/**
 * Whether a process holds a POSIX lock on `file`, as LevelDB does on its LOCK file while a database is
 * open. Node cannot ask fcntl, so this reads Linux's /proc/locks, matching the file's device and inode;
 * where /proc/locks is missing (not Linux), or the file is, it answers false.
 */
export async function lockHeld(file: string): Promise<boolean> {
  let locks: string;
  let id: { dev: bigint; ino: bigint };
  try {
    locks = await readFile('/proc/locks', 'utf8');
    id = await stat(file, { bigint: true });
  } catch {
    return false;
  }
  const major = ((id.dev >> 8n) & 0xfffn) | ((id.dev >> 32n) & ~0xfffn);
  const minor = (id.dev & 0xffn) | ((id.dev >> 12n) & ~0xffn);
  // A line reads `1: POSIX  ADVISORY  WRITE 3568 fd:00:2531452 0 EOF`: major and minor in hex, the inode in decimal.
  for (const [, maj, min, ino] of locks.matchAll(/ ([0-9a-f]+):([0-9a-f]+):(\d+) /g)) {
    if (BigInt(`0x${maj}`) === major && BigInt(`0x${min}`) === minor && BigInt(ino!) === id.ino) return true;
  }
  return false;
}
