import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`${command} failed:\n${output.trim()}`);
  }
}

/** Runs a program to completion and returns its stdout; a non-zero exit throws CommandFailed with its output. */
export function run(program: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new CommandFailed(`${basename(program)} ${args.join(' ')}`, `${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Repeats `action` while it fails with an error `transient` recognises (a Raft leader not yet
 * elected, gossip not yet spread), up to `timeoutMs`; any other error is thrown at once.
 */
export async function retrying<T>(action: () => Promise<T>, transient: (err: unknown) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await action();
    } catch (err) {
      if (!transient(err) || Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}
