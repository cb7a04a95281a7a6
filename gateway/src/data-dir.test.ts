import test from 'ava';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownDataDir } from './data-dir';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

/** DATA_DIR/ledger/000005.ldb and DATA_DIR/holder-secret, as `modes` gives them. */
async function layout(modes: { dataDir: number; ledger: number; files: number }): Promise<{ dataDir: string; ledger: string; table: string; secret: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-data-dir-'));
  const ledger = join(dataDir, 'ledger');
  await mkdir(ledger);
  const table = join(ledger, '000005.ldb');
  const secret = join(dataDir, 'holder-secret');
  for (const file of [table, secret]) {
    await writeFile(file, 'x');
    await chmod(file, modes.files);
  }
  await chmod(ledger, modes.ledger);
  await chmod(dataDir, modes.dataDir);
  return { dataDir, ledger, table, secret };
}

test('a DATA_DIR found open is closed with everything in it, folders found 0700 included', async (t) => {
  const { dataDir, ledger, table, secret } = await layout({ dataDir: 0o755, ledger: 0o700, files: 0o644 });
  try {
    await ownDataDir(dataDir);
    t.deepEqual(await Promise.all([dataDir, ledger, table, secret].map(modeOf)), [0o700, 0o700, 0o600, 0o600]);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a DATA_DIR found 0700 is not walked (what is in it is out of others\u2019 reach), so start-up does not grow with the ledger', async (t) => {
  const { dataDir, ledger, table } = await layout({ dataDir: 0o700, ledger: 0o755, files: 0o644 });
  try {
    await ownDataDir(dataDir);
    t.deepEqual(await Promise.all([dataDir, ledger, table].map(modeOf)), [0o700, 0o755, 0o644]);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a missing DATA_DIR is made 0700, its parents too', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'hnc-data-dir-'));
  try {
    const dataDir = join(parent, 'a', 'b');
    await ownDataDir(dataDir);
    t.deepEqual(await Promise.all([join(parent, 'a'), dataDir].map(modeOf)), [0o700, 0o700]);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});
