/** `sm3 FILE`: the SM3 digest in hex, streamed so that any size of file hashes in constant memory. */
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { sm3Stream, toHex } from '@henan-chain/crypto';
import { fileStep } from './io';

async function sm3Of(file: string): Promise<void> {
  const source = file === '-' ? process.stdin : createReadStream(file);
  const digest = await fileStep(`read ${file}`, () => sm3Stream(source));
  process.stdout.write(`${toHex(digest)}\n`);
}

export function addSm3Command(program: Command): void {
  program
    .command('sm3')
    .description('print the SM3 digest of a file in hex')
    .argument('<file>', 'file to hash, - for stdin')
    .action((file: string) => sm3Of(file));
}
