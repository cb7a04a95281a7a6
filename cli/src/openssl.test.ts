// Interoperability with the system openssl, which signs real SM2 (with Z_A) when given a distid.
import test, { type ExecutionContext } from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { henanChain, openssl, tempDir, type Run } from './testing/run';

const DEFAULT_ID = '1234567812345678';

function succeeded(run: Run): Run {
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return run;
}

async function opensslKeyPair(cwd: string): Promise<void> {
  succeeded(await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'k.pem'], { cwd }));
  succeeded(await openssl(['pkey', '-in', 'k.pem', '-pubout', '-out', 'p.pem'], { cwd }));
}

function opensslSign(cwd: string, id: string): Promise<Run> {
  return openssl(['dgst', '-sm3', '-sign', 'k.pem', '-sigopt', `distid:${id}`, '-out', 's.der', 'f'], { cwd });
}

function opensslVerify(cwd: string, publicKey: string, id: string): Promise<Run> {
  return openssl(['dgst', '-sm3', '-verify', publicKey, '-sigopt', `distid:${id}`, '-signature', 's.der', 'f'], { cwd });
}

async function setUp(t: ExecutionContext): Promise<string> {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'f'), 'an approval decision\n');
  return cwd;
}

test('an openssl key and signature verify with our verify', async (t) => {
  const cwd = await setUp(t);
  await opensslKeyPair(cwd);
  succeeded(await opensslSign(cwd, DEFAULT_ID));
  const run = await henanChain(['verify', '--key', 'p.pem', '--sig', 's.der', 'f'], { cwd });
  t.is(run.stdout, 'valid\n');
  t.is(run.code, 0);
});

test('our key and signature verify with openssl', async (t) => {
  const cwd = await setUp(t);
  succeeded(await henanChain(['keygen', '--out', 'ours'], { cwd }));
  succeeded(await henanChain(['sign', '--key', 'ours.key.pem', '--out', 's.der', 'f'], { cwd }));
  const run = await opensslVerify(cwd, 'ours.pub.pem', DEFAULT_ID);
  t.is(run.code, 0);
  t.regex(run.stdout, /Verified OK/);
});

test('our sign reads an openssl private key; openssl reads ours and derives our public key file', async (t) => {
  const cwd = await setUp(t);
  await opensslKeyPair(cwd);
  succeeded(await henanChain(['sign', '--key', 'k.pem', '--out', 's.der', 'f'], { cwd }));
  t.is((await opensslVerify(cwd, 'p.pem', DEFAULT_ID)).code, 0);
  succeeded(await henanChain(['keygen', '--out', 'ours'], { cwd }));
  const derived = succeeded(await openssl(['pkey', '-in', 'ours.key.pem', '-pubout'], { cwd }));
  t.is(derived.stdout, await readFile(join(cwd, 'ours.pub.pem'), 'utf8'));
});

test('--id is honoured: openssl to us', async (t) => {
  const cwd = await setUp(t);
  await opensslKeyPair(cwd);
  succeeded(await opensslSign(cwd, 'zhengzhou-approvals'));
  const withId = await henanChain(['verify', '--key', 'p.pem', '--sig', 's.der', '--id', 'zhengzhou-approvals', 'f'], { cwd });
  t.is(withId.stdout, 'valid\n');
  const withDefault = await henanChain(['verify', '--key', 'p.pem', '--sig', 's.der', 'f'], { cwd });
  t.is(withDefault.code, 1);
  t.regex(withDefault.stdout, /^invalid: /);
});

test('--id is honoured: us to openssl', async (t) => {
  const cwd = await setUp(t);
  succeeded(await henanChain(['keygen', '--out', 'ours'], { cwd }));
  succeeded(await henanChain(['sign', '--key', 'ours.key.pem', '--id', 'zhengzhou-approvals', '--out', 's.der', 'f'], { cwd }));
  t.is((await opensslVerify(cwd, 'ours.pub.pem', 'zhengzhou-approvals')).code, 0);
  t.not((await opensslVerify(cwd, 'ours.pub.pem', DEFAULT_ID)).code, 0);
});

test('sm3 prints what openssl dgst -sm3 prints, for a file and for stdin', async (t) => {
  const cwd = await setUp(t);
  const data = Buffer.alloc(3 * 1024 * 1024 + 17, 'henan'); // several read-stream chunks
  await writeFile(join(cwd, 'big'), data);
  const expected = (await openssl(['dgst', '-sm3', '-r', 'big'], { cwd })).stdout.split(' ')[0];
  t.is((await henanChain(['sm3', 'big'], { cwd })).stdout, `${expected}\n`);
  t.is((await henanChain(['sm3', '-'], { cwd, input: data })).stdout, `${expected}\n`);
});

test('a file of several read chunks, signed as it streams: openssl verifies ours, we verify openssl\u2019s', async (t) => {
  const cwd = await setUp(t);
  await writeFile(join(cwd, 'f'), Buffer.alloc(3 * 1024 * 1024 + 17, '河南'));
  await opensslKeyPair(cwd);
  succeeded(await henanChain(['sign', '--key', 'k.pem', '--out', 's.der', 'f'], { cwd }));
  t.is((await opensslVerify(cwd, 'p.pem', DEFAULT_ID)).code, 0);
  succeeded(await opensslSign(cwd, 'zhengzhou-approvals'));
  t.is((await henanChain(['verify', '--key', 'p.pem', '--sig', 's.der', '--id', 'zhengzhou-approvals', 'f'], { cwd })).stdout, 'valid\n');
});

test('a key made by openssl ecparam -genkey (curve parameters, then the key) signs', async (t) => {
  const cwd = await setUp(t);
  succeeded(await openssl(['ecparam', '-name', 'SM2', '-genkey', '-out', 'k.pem'], { cwd }));
  succeeded(await openssl(['pkey', '-in', 'k.pem', '-pubout', '-out', 'p.pem'], { cwd }));
  succeeded(await henanChain(['sign', '--key', 'k.pem', '--out', 's.der', 'f'], { cwd }));
  t.is((await opensslVerify(cwd, 'p.pem', DEFAULT_ID)).code, 0);
});
