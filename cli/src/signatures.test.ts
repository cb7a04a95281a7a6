import test from 'ava';
import { stat, writeFile, readFile, chmod, truncate, rm, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, henanChain, runProcess, tempDir } from './testing/run';

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

test('keygen --force that cannot write the public key leaves the old pair as it was', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  const pair = async () => [await readFile(join(cwd, 'agency.key.pem'), 'utf8'), await readFile(join(cwd, 'agency.pub.pem'), 'utf8')];
  const old = await pair();
  // A read-only public key file; root writes to it all the same, so there only the directory case holds.
  if (process.getuid?.() !== 0) {
    await chmod(join(cwd, 'agency.pub.pem'), 0o444);
    const readOnly = await henanChain(['keygen', '--out', 'agency', '--force'], { cwd });
    t.is(readOnly.code, 2);
    t.regex(readOnly.stderr, /agency\.pub\.pem is read-only/);
    t.deepEqual(await pair(), old);
  }
  await rm(join(cwd, 'agency.pub.pem'));
  await mkdir(join(cwd, 'agency.pub.pem'));
  const directory = await henanChain(['keygen', '--out', 'agency', '--force'], { cwd });
  t.is(directory.code, 2);
  t.regex(directory.stderr, /agency\.pub\.pem is not a regular file/);
  t.is(await readFile(join(cwd, 'agency.key.pem'), 'utf8'), old[0]);
  t.deepEqual(await readdir(cwd), ['agency.key.pem', 'agency.pub.pem'], 'no temporary file left');
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

test('a hex signature broken into lines, as xxd -p writes it, verifies', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  await writeFile(join(cwd, 'f'), 'a sealed decision');
  const hex = (await henanChain(['sign', '--key', 'agency.key.pem', '--hex', 'f'], { cwd })).stdout.trim();
  await writeFile(join(cwd, 'f.xxd'), `${hex.match(/.{1,60}/g)!.join('\n')}\n`);
  await writeFile(join(cwd, 'f.crlf'), `${hex.match(/.{1,32}/g)!.join('\r\n')}\r\n`);
  for (const sig of ['f.xxd', 'f.crlf']) {
    const run = await henanChain(['verify', '--key', 'agency.pub.pem', '--sig', sig, 'f'], { cwd });
    t.is(run.stdout, 'valid\n', sig);
  }
});

test('a signature file that is no signature is a usage error (exit 2), named for what it looks like', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  await writeFile(join(cwd, 'f'), 'a sealed decision');
  const hex = (await henanChain(['sign', '--key', 'agency.key.pem', '--hex', 'f'], { cwd })).stdout.trim();
  await writeFile(join(cwd, 'odd.sig'), `${hex.slice(0, 71)}\n`);
  await writeFile(join(cwd, 'b64.sig'), `${Buffer.from(hex, 'hex').toString('base64')}\n`);
  await writeFile(join(cwd, 'text.sig'), 'not a signature at all\n');
  for (const [sig, message] of [
    ['odd.sig', /^henan-chain: odd\.sig looks like hex of odd length \(71 digits\): a digit is missing or extra\n$/],
    ['b64.sig', /^henan-chain: b64\.sig looks like base64: give the signature as DER or hex/],
    ['text.sig', /^henan-chain: text\.sig is not an SM2 signature: signature must be DER SEQUENCE \{ r, s \} or 64 bytes r\|\|s, got 23 bytes\n$/],
  ] as const) {
    const run = await henanChain(['verify', '--key', 'agency.pub.pem', '--sig', sig, 'f'], { cwd });
    t.is(run.code, 2, sig);
    t.is(run.stdout, '', sig);
    t.regex(run.stderr, message, sig);
  }
});

test('keygen refuses an --out that ends in no name (a folder, or nothing): it would write hidden .key.pem files', async (t) => {
  const cwd = await tempDir(t);
  await mkdir(join(cwd, 'kd'));
  for (const out of ['kd/', '', '.']) {
    const run = await henanChain(['keygen', '--out', out], { cwd });
    t.is(run.code, 2, out);
    t.regex(run.stderr, /--out <name>' argument .* must end in a name for the two files/, out);
  }
  t.deepEqual(await readdir(cwd), ['kd']);
  t.deepEqual(await readdir(join(cwd, 'kd')), []);
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

test('sign and verify stream the file: a 256 MiB file takes far less memory than its size', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  const size = 256 * 2 ** 20;
  await writeFile(join(cwd, 'archive.bin'), '');
  await truncate(join(cwd, 'archive.bin'), size); // sparse: no disk space, all zero bytes
  // Records the process's peak resident memory (kilobytes, getrusage) in cwd when it exits.
  await writeFile(join(cwd, 'peak.js'), "process.on('exit', () => require('fs').writeFileSync('peak-kb', String(process.resourceUsage().maxRSS)));\n");
  const peakOf = async (args: string[]) => {
    const run = await runProcess(process.execPath, ['--require', './peak.js', BIN, ...args], { cwd });
    t.is(run.code, 0, run.stderr);
    return Number(await readFile(join(cwd, 'peak-kb'), 'utf8')) * 1024;
  };
  // Reading the file whole took its size, twice (the file, then Z_A || file); streamed it is Node and a few chunks.
  t.true((await peakOf(['sign', '--key', 'agency.key.pem', '--out', 'archive.sig', 'archive.bin'])) < size * 0.75);
  t.true((await peakOf(['verify', '--key', 'agency.pub.pem', '--sig', 'archive.sig', 'archive.bin'])) < size * 0.75);
  await writeFile(join(cwd, 'other.bin'), Buffer.alloc(1));
  t.is((await henanChain(['verify', '--key', 'agency.pub.pem', '--sig', 'archive.sig', 'other.bin'], { cwd })).code, 1);
});

test('an --id too long for Z_A is a usage error (exit 2) for sign and verify; the longest one works', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  await writeFile(join(cwd, 'f'), 'data');
  const longest = 'x'.repeat(8191); // ENTL, the id's bit length, has two bytes
  t.is((await henanChain(['sign', '--key', 'agency.key.pem', '--id', longest, '--out', 'f.sig', 'f'], { cwd })).code, 0);
  t.is((await henanChain(['verify', '--key', 'agency.pub.pem', '--sig', 'f.sig', '--id', longest, 'f'], { cwd })).stdout, 'valid\n');
  for (const args of [
    ['sign', '--key', 'agency.key.pem', '--id', `${longest}x`, 'f'],
    ['sign', '--key', 'agency.key.pem', '--id', '字'.repeat(2731), 'f'], // 8193 bytes in UTF-8
    ['verify', '--key', 'agency.pub.pem', '--sig', 'f.sig', '--id', `${longest}x`, 'f'],
  ]) {
    const run = await henanChain(args, { cwd });
    t.is(run.code, 2, args[0]);
    t.regex(run.stderr, /--id .* must be at most 8191 bytes in UTF-8/, args[0]);
    t.is(run.stdout, '');
  }
});

test('naming stdin (-) for two inputs is a usage error, not an "invalid" for an empty file', async (t) => {
  const cwd = await tempDir(t);
  await keyPairIn(cwd);
  await writeFile(join(cwd, 'f'), 'data');
  const signature = (await henanChain(['sign', '--key', 'agency.key.pem', '--hex', 'f'], { cwd })).stdout;
  for (const [args, input] of [
    [['verify', '--key', 'agency.pub.pem', '--sig', '-', '-'], signature],
    [['verify', '--key', '-', '--sig', 'f.sig', '-'], await readFile(join(cwd, 'agency.pub.pem'), 'utf8')],
    [['sign', '--key', '-', '-'], await readFile(join(cwd, 'agency.key.pem'), 'utf8')],
    [['proof-check', '-', '-'], '{}'],
  ] as const) {
    const run = await henanChain([...args], { cwd, input });
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, /^henan-chain: only one input can be read from stdin \(-\)/, args.join(' '));
  }
});
