/** `sm3 FILE`: the SM3 digest in hex. */
import type { Command } from 'commander';
import { toHex } from '@henan-chain/crypto';
import { sm3Input } from './io';

async function sm3Of(file: string): Promise<void> {
  process.stdout.write(`${toHex(await sm3Input(file))}\n`);
}

export function addSm3Command(program: Command): void {
  program
    .command('sm3')
    .description('print the SM3 digest of a file in hex')
    .argument('<file>', 'file to hash, - for stdin')
    .action((file: string) => sm3Of(file));
}
