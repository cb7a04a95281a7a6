/** File and stdin access for the commands; `-` names stdin wherever a command reads a file. */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { sm3Stream } from '@henan-chain/crypto';
import { UsageError } from './outcomes';

function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && 'syscall' in err;
}

/** Runs a file-system step; its failure (missing file, no permission, ...) is for the user to fix. */
export async function fileStep<T>(action: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (isSystemError(err)) throw new UsageError(`cannot ${action}: ${err.message}`);
    throw err;
  }
}

/** The whole content of a file, or of stdin for `-`. `what` names it in errors ("key", "signature"). */
export function readInput(path: string, what: string): Promise<Uint8Array> {
  return fileStep(`read ${what} ${path}`, () => (path === '-' ? buffer(process.stdin) : readFile(path)));
}

/** SM3 of a file, or of stdin for `-`, streamed so that any size of file hashes in constant memory. */
export function sm3Input(path: string): Promise<Uint8Array> {
  return fileStep(`read ${path}`, () => sm3Stream(path === '-' ? process.stdin : createReadStream(path)));
}
