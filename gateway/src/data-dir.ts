import { chmod, lstat, mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes DATA_DIR the gateway's user's alone: created 0700 when missing, and, when it exists (perhaps
 * made 0755 by hand, or by a version that left its LevelDB files 0644), every folder in it 0700 and
 * every file 0600. It holds keys, tokens' digests, the holder secret and the ledger. Symbolic links
 * are left as they are (their targets are not the gateway's to change). Files made later are covered
 * by the process's umask (main.ts).
 */
export async function ownDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await tighten(dir);
}

async function tighten(path: string): Promise<void> {
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) return;
  if (!stats.isDirectory()) {
    if ((stats.mode & 0o077) !== 0) await chmod(path, stats.mode & 0o700);
    return;
  }
  if ((stats.mode & 0o777) !== 0o700) await chmod(path, 0o700);
  for (const name of await readdir(path)) await tighten(join(path, name));
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
