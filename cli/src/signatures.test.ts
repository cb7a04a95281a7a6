import test from 'ava';
import { stat, writeFile, readFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { henanChain, tempDir } from './testing/run';

async function keyPairIn(cwd: string, name = 'agency'): Promise<void> {
  const run = await henanChain(['keygen', '--out', name], { cwd });
  if (run.code !== 0) throw new Error(`keygen failed: ${run.stderr}`);
}

test('keygen writes a PKCS#8 private key readable only by its owner and an SPKI public key', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  t.regex(await readFile(join(cwd, 'agency.key.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  t.regex(await readFile(join(cwd, 'agency.pub.pem'), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
  t.is((await stat(join(cwd, 'agency.key.pem'))).mode & 0o777, 0o600);
});

test('keygen refuses to overwrite without --force, and --force leaves the key at mode 0600', async (t) => {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'agency.pub.pem'), 'keep me');
  const refused = await henanChain(['keygen', '--out', 'agency'], { cwd });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /agency\.pub\.pem exists/);
  t.is(await readFile(join(cwd, 'agency.pub.pem'), 'utf8'), 'keep me');
  await t.throwsAsync(stat(join(cwd, 'agency.key.pem')), { code: 'ENOENT' }, 'no half-made pair');

  await writeFile(join(cwd, 'agency.key.pem'), 'old');
  await chmod(join(cwd, 'agency.key.pem'), 0o644);
  t.is((await henanChain(['keygen', '--out', 'agency', '--force'], { cwd })).code, 0);
  t.is((await stat(join(cwd, 'agency.key.pem'))).mode & 0o777, 0o600);
  t.regex(await readFile(join(cwd, 'agency.pub.pem'), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
});

test('keygen, sign, verify: valid; a changed file is invalid with exit 1', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  await writeFile(join(cwd, 'licence.pdf'), 'a licence document');
  const signed = await henanChain(['sign', '--key', 'agency.key.pem', 'licence.pdf'], { cwd });
  t.is(signed.code, 0);
  t.is(signed.stdoutBytes[0], 0x30, 'DER SEQUENCE on stdout');
  await writeFile(join(cwd, 'licence.sig'), signed.stdoutBytes);

  const valid = await henanChain(['verify', '--key', 'agency.pub.pem', '--sig', 'licence.sig', 'licence.pdf'], { cwd });
  t.is(valid.code, 0);
  t.is(valid.stdout, 'valid\n');

  await writeFile(join(cwd, 'licence.pdf'), 'a licence document, altered');
  const invalid = await henanChain(['verify', '--key', 'agency.pub.pem', '--sig', 'licence.sig', 'licence.pdf'], { cwd });
  t.is(invalid.code, 1);
  t.regex(invalid.stdout, /^invalid: \S/);
});

test('a hex signature written with --out verifies; stdin works as the file', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  const input = 'record 42';
  const signed = await henanChain(['sign', '--key', 'agency.key.pem', '--hex', '--out', 'record.sig', '-'], { cwd, input });
  t.is(signed.code, 0);
  t.regex(await readFile(join(cwd, 'record.sig'), 'utf8'), /^30[0-9a-f]+\n$/);
  const valid = await henanChain(['verify', '--key', 'agency.pub.pem', '--sig', 'record.sig', '-'], { cwd, input });
  t.is(valid.stdout, 'valid\n');
});

test('a signature from another key is invalid', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd, 'a');
  await keyPairIn(cwd, 'b');
  await writeFile(join(cwd, 'f'), 'data');
  await henanChain(['sign', '--key', 'a.key.pem', '--out', 'f.sig', 'f'], { cwd });
  const run = await henanChain(['verify', '--key', 'b.pub.pem', '--sig', 'f.sig', 'f'], { cwd });
  t.is(run.code, 1);
  t.regex(run.stdout, /^invalid: /);
});
