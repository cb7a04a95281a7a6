// README's "henan-chain on PATH": installed from the clone into a prefix of its own, run from elsewhere.
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { BIN, runProcess, tempDir } from './testing/run';

const CLI_DIR = join(BIN, '..', '..');

test('`npm install -g ./cli` puts henan-chain on PATH, and it runs outside the repository', async (t) => {
  const prefix = await tempDir(t);
  const elsewhere = await tempDir(t);
  const install = await runProcess('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', CLI_DIR], { cwd: elsewhere });
  t.is(install.code, 0, install.stderr);

  const env = { ...process.env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}` };
  const version = await runProcess('henan-chain', ['--version'], { cwd: elsewhere, env });
  t.is(version.code, 0, version.stderr);
  t.is(version.stdout, '0.1.0\n');
  // A command that loads the workspace's packages (crypto) resolves them from the installed link too.
  await writeFile(join(elsewhere, 'f'), 'abc');
  const digest = await runProcess('henan-chain', ['sm3', 'f'], { cwd: elsewhere, env });
  t.is(digest.code, 0, digest.stderr);
  t.regex(digest.stdout, /^66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\b/);
});
