/** Test helpers: the built CLI and openssl as child processes, in a temporary directory. */
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The CLI's bin script, for tests that start it with options of their own for node. */
export const BIN = join(__dirname, '..', '..', 'bin', 'henan-chain.js');

export interface Run {
  code: number | null;
  stdout: string;
  /** stdout unconverted, for binary output such as DER signatures. */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  input?: Uint8Array | string;
  /** The child's environment; this process's by default. */
  env?: NodeJS.ProcessEnv;
}

export function runProcess(command: string, args: string[], { cwd, input, env }: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input);
  });
}

export function henanChain(args: string[], options: RunOptions): Promise<Run> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

export function openssl(args: string[], options: RunOptions): Promise<Run> {
  return runProcess('openssl', args, options);
}

/** A fresh directory, removed when the test ends. */
export async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'henan-chain-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
