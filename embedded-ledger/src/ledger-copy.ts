import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openDb, type Db } from './db';
import { lockHeld } from './held-lock';
import { unframedTail } from './log-framing';

/** Thrown when a folder's ledger cannot be read: none there, a running process has it open, unreadable files. */
export class LedgerDirectoryError extends Error {}

/** LevelDB's files that a copy leaves out: the lock of the process that has it open, and its diagnostic logs. */
const NOT_COPIED = new Set(['LOCK', 'LOG', 'LOG.old']);

/**
 * Runs `use` on a throw-away copy of the LevelDB folder `ledgerDir`, which is never written. LevelDB has
 * no read-only open: opening replays the write-ahead log (*.log) into a table file and deletes it, and it
 * skips log records that fail their checksum, saying so only in its LOG file (classic-level cannot turn on
 * the paranoid checks that would refuse them), or silently when a record runs past the end of the file.
 * So the copy is opened, and `dropped` lists what was skipped, from its LOG and from the logs' framing
 * read first: one entry per damaged stretch, empty when the logs replay whole.
 */
export async function withLedgerCopy<T>(ledgerDir: string, use: (db: Db, dropped: string[]) => Promise<T>): Promise<T> {
  if (await lockHeld(join(ledgerDir, 'LOCK'))) {
    throw new LedgerDirectoryError(`the ledger in ${ledgerDir} is open in another process (a running gateway): verify it through that gateway, or verify a copy`);
  }
  // mkdtemp makes it 0700: the copy holds the ledger's records.
  const copy = await mkdtemp(join(tmpdir(), 'henan-chain-ledger-check-'));
  try {
    const logs = await copyLedgerFiles(ledgerDir, copy);
    const cutShort = await cutShortLogs(copy, logs);
    const db = await openCopy(ledgerDir, copy);
    try {
      return await use(db, [...cutShort, ...droppedStretches(await readFile(join(copy, 'LOG'), 'utf8'))]);
    } finally {
      await db.close();
    }
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

/** Copies the folder's files into `copy`; returns the names of its write-ahead logs. */
async function copyLedgerFiles(ledgerDir: string, copy: string): Promise<string[]> {
  try {
    const names = (await readdir(ledgerDir, { withFileTypes: true })).filter((e) => e.isFile() && !NOT_COPIED.has(e.name)).map((e) => e.name);
    for (const name of names) await copyFile(join(ledgerDir, name), join(copy, name));
    return names.filter((name) => name.endsWith('.log'));
  } catch (err) {
    throw new LedgerDirectoryError(`cannot copy the ledger in ${ledgerDir} to check it: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function openCopy(ledgerDir: string, copy: string): Promise<Db> {
  try {
    return await openDb(copy, { createIfMissing: false });
  } catch (err) {
    // classic-level says only "Database failed to open"; LevelDB's reason ("Corruption: ...") is its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new LedgerDirectoryError(`the ledger in ${ledgerDir} cannot be opened: ${reason.replaceAll(copy, ledgerDir)}`);
  }
}

/** What LevelDB would skip silently at the end of each log: read before the open replays and deletes them. */
async function cutShortLogs(copy: string, logs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const log of logs) {
    const bytes = unframedTail(await readFile(join(copy, log)));
    if (bytes > 0) found.push(`${bytes} bytes at the end of ${log} (a record that runs past the end of the file: a write cut short, or a damaged length)`);
  }
  return found;
}

/** LevelDB's LOG line for a skipped stretch of a log: `(ignoring error) DIR/000003.log: dropping 26530 bytes; Corruption: checksum mismatch`. */
function droppedStretches(log: string): string[] {
  return [...log.matchAll(/(\S+): dropping (\d+) bytes; (.+)$/gm)].map(([, file, bytes, reason]) => `${bytes} bytes of ${basename(file!)} (${reason})`);
}
