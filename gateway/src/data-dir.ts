import { chmod, lstat, mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes DATA_DIR the gateway's user's alone. It holds keys, tokens' digests, the holder secret and the
 * ledger. Created 0700 when missing; when it exists open (perhaps made 0755 by hand, or by a version
 * that left its LevelDB files 0644), it is set to 0700 with every folder in it 0700 and every file
 * 0600. A folder found 0700 is not walked: nobody else can reach what is in it, and what the gateway
 * makes is 0600 from the start (the process's umask, main.ts). Walking the whole folder at every
 * start cost about 80 µs a file, and a ledger's LevelDB files grow with it: start-up must not.
 * Symbolic links are left as they are (their targets are not the gateway's to change).
 */
export async function ownDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await tighten(dir, false);
}

/** `inOpenFolder`: below a folder found open, where every folder is walked whatever its own mode. */
async function tighten(path: string, inOpenFolder: boolean): Promise<void> {
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) return;
  if (!stats.isDirectory()) {
    if ((stats.mode & 0o077) !== 0) await chmod(path, stats.mode & 0o700);
    return;
  }
  const reachable = (stats.mode & 0o777) !== 0o700;
  if (!reachable && !inOpenFolder) return;
  if (reachable) await chmod(path, 0o700);
  for (const name of await readdir(path)) await tighten(join(path, name), true);
}

/** fsyncs a folder, so the names just written, renamed or deleted in it survive a crash. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
