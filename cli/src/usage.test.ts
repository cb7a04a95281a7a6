import test from 'ava';
import { spawn } from 'node:child_process';
import { open, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, henanChain, tempDir } from './testing/run';

const usageErrors: Array<[string, string[]]> = [
  ['no command', []],
  ['an unknown command', ['frobnicate']],
  ['an unknown option', ['sm3', '--fast', 'f']],
  ['a missing argument', ['sm3']],
  ['too many arguments', ['sm3', 'f', 'g']],
  ['a missing required option', ['sign', 'f']],
  ['licence-id without a subcommand', ['licence-id']],
  ['licence-id make without its parts', ['licence-id', 'make', '--issuer', '410100']],
  ['anchor without --gateway', ['anchor', '.', '--token', 't']],
  ['anchor without a token', ['anchor', '.', '--gateway', 'http://127.0.0.1:8080']],
  ['anchor with a gateway that is no http URL', ['anchor', '.', '--gateway', 'ftp://127.0.0.1', '--token', 't']],
  ['anchor with a gateway URL that has a query', ['anchor', '.', '--gateway', 'http://127.0.0.1:8080/?tenant=1', '--token', 't']],
  ['proof-check with a gateway URL that has a fragment', ['proof-check', 'f', '--gateway', 'http://127.0.0.1:8080/#top']],
  ['anchor with --batch 0', ['anchor', '.', '--gateway', 'http://127.0.0.1:8080', '--token', 't', '--batch', '0']],
  ['anchor with --batch above the gateway\'s limit', ['anchor', '.', '--gateway', 'http://127.0.0.1:8080', '--token', 't', '--batch', '100001']],
  ['proof-check without a file', ['proof-check']],
  ['verify-report without a file', ['verify-report', '--key', 'k.pem']],
  ['verify-ofd without a file', ['verify-ofd']],
  ['verify-ofd of a file that is not there', ['verify-ofd', 'missing.ofd']],
];

for (const [what, args] of usageErrors) {
  test(`${what} exits 2`, async (t) => {
    const run = await henanChain(args, { cwd: await tempDir(t) });
    t.is(run.code, 2);
    t.not(run.stderr, '');
  });
}

const commands = [
  [],
  ['keygen'],
  ['sign'],
  ['verify'],
  ['sm3'],
  ['licence-id'],
  ['licence-id', 'check'],
  ['licence-id', 'make'],
  ['verify-report'],
  ['anchor'],
  ['proof-check'],
  ['verify-ofd'],
  ['verify-ledger'],
];

for (const command of commands) {
  const args = [...command, '--help'];
  test(`${args.join(' ')} exits 0 with usage`, async (t) => {
    const run = await henanChain(args, { cwd: await tempDir(t) });
    t.is(run.code, 0);
    t.regex(run.stdout, /^Usage: henan-chain /);
  });
}

test('an unreadable key or file exits 2 with a message, not 1', async (t) => {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'f'), 'data');
  await writeFile(join(cwd, 'f.sig'), '3006020101020101');
  await writeFile(join(cwd, 'not-a-key.pem'), 'hello');
  const cases = [
    ['verify', '--key', 'missing.pem', '--sig', 'f.sig', 'f'],
    ['verify', '--key', 'not-a-key.pem', '--sig', 'f.sig', 'f'],
    ['sign', '--key', 'missing.pem', 'f'],
    ['sm3', 'missing'],
    ['verify-report', 'missing', '--key', 'missing.pem'],
    ['proof-check', 'f', 'missing.json'],
    ['anchor', 'missing', '--gateway', 'http://127.0.0.1:8080', '--token', 't'],
  ];
  for (const args of cases) {
    const run = await henanChain(args, { cwd });
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, /^henan-chain: .*(missing|not-a-key)/, args.join(' '));
  }
});

/** Runs the CLI with its stdout on `stdout` (a file descriptor, or a pipe this side closes at once). */
function withStdout(args: string[], cwd: string, stdout: number | 'closed'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', stdout === 'closed' ? 'pipe' : stdout, 'pipe'] });
    if (stdout === 'closed') child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('output that cannot be written: a closed pipe ends quietly, a full disk exits 2 with a message', async (t) => {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'doc.txt'), 'a document');
  const closed = await withStdout(['sm3', 'doc.txt'], cwd, 'closed');
  t.deepEqual(closed, { code: 0, stderr: '' });
  const full = await open('/dev/full', 'w');
  t.teardown(() => full.close());
  const noSpace = await withStdout(['sm3', 'doc.txt'], cwd, full.fd);
  t.is(noSpace.code, 2);
  t.is(noSpace.stderr, 'henan-chain: cannot write the output: ENOSPC: no space left on device, write\n');
});

test('a file too large for what a command reads whole is refused by its size (exit 2), before it is read', async (t) => {
  const cwd = await tempDir(t);
  // Sparse: the size is there, the bytes are not written.
  await writeFile(join(cwd, 'big'), '');
  await truncate(join(cwd, 'big'), 2.2e9);
  t.is((await henanChain(['keygen', '--out', 'gw'], { cwd })).code, 0);
  for (const [args, limit] of [
    [['verify-ofd', 'big'], 1024 * 2 ** 20],
    [['verify-evidence', 'big'], 256 * 2 ** 20],
    [['verify-report', 'big', '--key', 'gw.pub.pem'], 256 * 2 ** 20],
    [['proof-check', 'gw.pub.pem', 'big'], 2 ** 20],
  ] as const) {
    const run = await henanChain([...args], { cwd });
    t.is(run.code, 2, args[0]);
    t.regex(run.stderr, new RegExp(`^henan-chain: big is too large \\(2200000000 bytes; at most ${limit} for the [a-zA-Z ]+\\)\\n$`), args[0]);
  }
  const stdin = await henanChain(['verify', '--key', '-', '--sig', 'gw.pub.pem', 'gw.pub.pem'], { cwd, input: Buffer.alloc(2 ** 20 + 1) });
  t.is(stdin.code, 2);
  t.is(stdin.stderr, `henan-chain: - is too large (more than ${2 ** 20} bytes, the most for the public key)\n`);
});
