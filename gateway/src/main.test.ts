import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, where a newcomer types `npm start`. */
const ROOT = join(__dirname, '..', '..');

/**
 * `npm start` exactly as the README has it, as a real process: build, start, seed the demo, print the
 * URL and tokens, stop on Ctrl-C. It runs in a process group of its own (npm and the gateway), which
 * stop() signals as a whole with SIGINT, as a terminal's Ctrl-C does.
 */
async function start(t: ExecutionContext, dataDir: string) {
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
  const licenceId = /"id":"([^"]+)"/.exec(output)?.[1];
  if (!url || !licenceId) throw new Error(`unexpected start-up output: ${output}`);
  return {
    url,
    licenceId,
    output,
    async stop() {
      process.kill(-child.pid!, 'SIGINT');
      return exited;
    },
  };
}

test('npm start serves the seeded demo, prints its tokens, and keeps them across a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-start-'));
  try {
    const first = await start(t, dataDir);
    const health: any = await (await fetch(`${first.url}/healthz`)).json();
    t.is(health.status, 'ok');
    const verdict: any = await (
      await fetch(`${first.url}/v1/verify/licence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: first.licenceId }) })
    ).json();
    t.is(verdict.verdict, 'valid');
    const overdue: any = await (await fetch(`${first.url}/v1/cases?overdue=true&region=410100`)).json();
    t.is(overdue.records.length, 1, 'the demo has one overdue case');
    const tokens = [...first.output.matchAll(/^\s+(hnc_\S+)\s+(.+)$/gm)].map((m) => m[1]);
    t.true(tokens.length >= 5, 'governance and four agency tokens are printed');
    t.is((await stat(join(dataDir, 'demo.json'))).mode & 0o777, 0o600);
    t.is(await first.stop(), 0, 'Ctrl-C stops it cleanly');

    const second = await start(t, dataDir);
    const height = ((await (await fetch(`${second.url}/healthz`)).json()) as any).ledger.height;
    t.is(height, health.ledger.height, 'a restart does not seed again');
    t.deepEqual([...second.output.matchAll(/^\s+(hnc_\S+)\s+(.+)$/gm)].map((m) => m[1]), tokens);
    t.is(await second.stop(), 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
