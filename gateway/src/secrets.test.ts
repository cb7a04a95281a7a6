import test from 'ava';
import { chmod, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway } from './testing/gateway-process';

/** Every folder and file under `dir` (itself included) with its permission bits. */
async function modes(dir: string): Promise<{ path: string; folder: boolean; mode: number }[]> {
  const stats = await lstat(dir);
  const here = { path: dir, folder: stats.isDirectory(), mode: stats.mode & 0o777 };
  if (!here.folder) return [here];
  const inside = await Promise.all((await readdir(dir)).map((name) => modes(join(dir, name))));
  return [here, ...inside.flat()];
}

/** What is not the gateway user's alone: a folder not 0700, a file readable or writable by others. */
async function opened(dir: string): Promise<string[]> {
  return (await modes(dir)).filter((e) => (e.folder ? e.mode !== 0o700 : (e.mode & 0o077) !== 0)).map((e) => `${e.path} ${e.mode.toString(8)}`);
}

/** Runs the gateway on `dataDir` (DEMO=false, LOG_LEVEL=silent) until it is ready; returns what it printed. */
async function startAndStop(dataDir: string, env: Record<string, string> = {}): Promise<string> {
  const gw = spawnGateway(dataDir, env);
  try {
    await gw.ready;
    return gw.output();
  } finally {
    await gw.stop();
  }
}

test('the governance token is printed on the start that makes it only; later starts say where it is kept', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-secrets-'));
  try {
    const first = await startAndStop(dataDir);
    const kept = join(dataDir, 'governance-token');
    const token = (await readFile(kept, 'utf8')).trim();
    t.true(first.includes(token), first);
    const second = await startAndStop(dataDir);
    t.false(second.includes(token), second);
    t.false(/hnc_/.test(second), 'no other token either');
    t.true(second.includes(kept), second);
    const configured = 'configured-governance-token-0123456789';
    const third = await startAndStop(dataDir, { GOVERNANCE_TOKEN: configured });
    t.false(third.includes(configured), 'a configured token is not printed');
    t.regex(third, /governance token: GOVERNANCE_TOKEN/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('DATA_DIR and everything the gateway makes in it are its user\u2019s alone, also when the folder existed open', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-modes-'));
  try {
    await chmod(dataDir, 0o755);
    await startAndStop(dataDir);
    const made = await modes(dataDir);
    t.true(made.some((e) => e.path.includes(`${join(dataDir, 'ledger')}/`) && !e.folder), 'the ledger\u2019s LevelDB files are among them');
    t.deepEqual(await opened(dataDir), []);

    // As an earlier version left it: folders 0755, files 0644.
    for (const e of made) await chmod(e.path, e.folder ? 0o755 : 0o644);
    t.true((await opened(dataDir)).length > 0);
    await startAndStop(dataDir);
    t.deepEqual(await opened(dataDir), []);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
