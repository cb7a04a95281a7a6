import { execFile, type ExecFileException } from 'node:child_process';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How many of a failed command's last output lines its message keeps: where its error is. */
const TAIL_LINES = 5;

/** Cobra's usage text (peer, osnadmin print it after an error): its first line, then headings and indented lines. */
const USAGE_START = /^Usage:/;
const USAGE_LINE = /^(\s|$|(Aliases|Examples|Available Commands|Flags|Global Flags|Additional help topics):$|Use ".*" for more information)/;

/** The last lines of a program's output, without colour codes and cobra's usage text. */
export function outputTail(output: string): string {
  const kept: string[] = [];
  let inUsage = false;
  for (const line of output.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    inUsage = USAGE_START.test(line) || (inUsage && USAGE_LINE.test(line));
    if (!inUsage && line.trim() !== '') kept.push(line.trimEnd());
  }
  return kept.slice(-TAIL_LINES).join('\n');
}

/** A program and its leading words (peer lifecycle chaincode install), without flags and paths. */
function shortCommand(program: string, args: string[]): string {
  const end = args.findIndex((a) => a.startsWith('-') || a.includes('/'));
  const words = end === -1 ? args : args.slice(0, end);
  return [basename(program), ...words, ...(words.length < args.length ? ['…'] : [])].join(' ');
}

export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    /** Everything it printed, stdout then stderr, for callers that recognise a failure by its text. */
    readonly output: string,
    how: string,
  ) {
    const tail = outputTail(output);
    super(`${command} ${how}${tail ? `:\n${tail.replace(/^/gm, '  ')}` : ''}`);
  }
}

/** What became of a program execFile reports as failed: its exit status, signal, timeout or spawn error. */
function outcome(err: ExecFileException, timeoutMs: number): string {
  if (err.killed) return `did not finish within ${timeoutMs / 1000} s`;
  if (typeof err.code === 'number') return `exited with ${err.code}`;
  if (err.signal) return `was killed by ${err.signal}`;
  return `could not start (${err.code ?? err.message})`;
}

/**
 * Runs a program to completion and returns its stdout; a failure throws CommandFailed naming the
 * program (and the peer it addressed) with the end of its output.
 */
export function run(program: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const target = env.CORE_PEER_ADDRESS ? ` (peer ${env.CORE_PEER_ADDRESS})` : '';
      if (err) reject(new CommandFailed(`${shortCommand(program, args)}${target}`, `${stdout}${stderr}`, outcome(err, timeoutMs)));
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
