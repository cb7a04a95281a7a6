/** File and stdin access for the commands; `-` names stdin wherever a command reads a file. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { computeEStream, sm3Stream } from '@henan-chain/crypto';
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

/**
 * Refuses a command line that names stdin (`-`) for more than one input: the first read takes all
 * of it and the next would see an empty file, giving a false verdict instead of an error.
 */
export function atMostOneStdin(inputs: Record<string, string>): void {
  const fromStdin = Object.keys(inputs).filter((name) => inputs[name] === '-');
  if (fromStdin.length > 1) throw new UsageError(`only one input can be read from stdin (-), not ${fromStdin.join(' and ')}`);
}

export const MiB = 1024 * 1024;

/**
 * The whole content of a file, or of stdin for `-`, when it has at most `maxBytes`: a command reads
 * whole only what is small by nature (keys, bundles, reports, documents), and a larger file is no
 * such thing. A regular file is refused by its size before a byte is read; stdin, a pipe or a device
 * once it passes the limit. `what` names it in errors ("key", "signature").
 */
export function readInput(path: string, what: string, maxBytes: number): Promise<Uint8Array> {
  return fileStep(`read ${what} ${path}`, async () => {
    if (path !== '-') {
      const { size } = await stat(path);
      if (size > maxBytes) throw new UsageError(`${path} is too large (${size} bytes; at most ${maxBytes} for the ${what})`);
    }
    const content = await readAtMost(inputStream(path), maxBytes);
    if (content === undefined) throw new UsageError(`${path} is too large (more than ${maxBytes} bytes, the most for the ${what})`);
    return content;
  });
}

/** The bytes of `source`, or undefined as soon as they pass `maxBytes` (leaving the loop closes it). */
async function readAtMost(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function inputStream(path: string): AsyncIterable<Uint8Array> {
  return path === '-' ? process.stdin : createReadStream(path);
}

/** SM3 of a file, or of stdin for `-`, streamed so that any size of file hashes in constant memory. */
export function sm3Input(path: string): Promise<Uint8Array> {
  return fileStep(`read ${path}`, () => sm3Stream(inputStream(path)));
}

/**
 * The SM2 e = SM3(Z_A || file) of a file to sign or verify, or of stdin for `-`: streamed, as
 * `openssl dgst -sign` does, so that a file of any size (even past Node's 2 GiB read limit) takes
 * constant memory.
 */
export function sm2DigestInput(path: string, publicKey: Uint8Array, id: string): Promise<Uint8Array> {
  return fileStep(`read file ${path}`, () => computeEStream(inputStream(path), publicKey, id));
}
