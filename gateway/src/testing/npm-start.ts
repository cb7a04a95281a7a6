import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository root, where a newcomer types `npm start`. */
export const ROOT = join(__dirname, '..', '..', '..');

/**
 * `npm start` exactly as the README has it, as a real process: build, start, seed the demo, print the
 * URL and tokens, stop on Ctrl-C. It runs in a process group of its own (npm and the gateway), which
 * stop() signals as a whole with SIGINT, as a terminal's Ctrl-C does.
 */
export async function npmStart(t: ExecutionContext, dataDir: string) {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', GOVERNANCE_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // A failed assertion must not leave the gateway running.
  t.teardown(() => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 1200 && !/demo licence to verify/.test(output); i++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /gateway on the embedded ledger: (http:\/\/\S+)/.exec(output)?.[1];
  // Printed only by the start that made it; later starts say where it is kept.
  const governanceToken = /governance token[^:\n]*: (hnc_\S+)/.exec(output)?.[1];
  const licenceId = /"id":"([^"]+)"/.exec(output)?.[1];
  if (!url || !licenceId) throw new Error(`unexpected start-up output: ${output}`);
  return {
    url,
    governanceToken,
    licenceId,
    output,
    async stop() {
      process.kill(-child.pid!, 'SIGINT');
      return exited;
    },
  };
}
