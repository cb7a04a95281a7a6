// verify-ledger offline on copies of a real gateway's data directory, and through a running gateway.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmod, cp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flipLogBit, flipStoredByte, openTestLedger } from '@henan-chain/embedded-ledger/dist/test-support';
import { GOVERNANCE, startTestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { BIN, henanChain, runProcess, tempDir, type Run } from './testing/run';

test('a copy of a data directory verifies with its counts; a byte changed in one stored transaction is reported at that block', async (t) => {
  const gw = await startTestGateway();
  let running = true;
  t.teardown(() => (running ? gw.stop() : undefined));
  const agency = await gw.registerAgency({ name: '新乡市大数据管理局', roles: ['provider'] });
  // A long chain, so that a log gets progress lines: read-only transactions commit a block each too.
  const { ledger, wallet } = gw.gateway.services;
  const admin = wallet.organisations.find((o) => o.mspId === wallet.governanceMspId)!.admin;
  for (let i = 0; i < 60; i++) await ledger.submit(admin, 'agency:getConfig', []);
  const height = (await ledger.height()).toString();
  const cwd = await tempDir(t);

  const online = await henanChain(['verify-ledger', '--gateway', gw.url, '--token', GOVERNANCE], { cwd });
  t.is(online.code, 0, online.stderr);
  t.regex(online.stdout, new RegExp(`^valid\\n${height} blocks, \\d+ transactions, last block hash [0-9a-f]{64}\\n$`));
  const refused = await henanChain(['verify-ledger', '--gateway', gw.url, '--token', 'bad'], { cwd });
  t.is(refused.code, 2, 'a refusal is no verdict on the ledger');
  t.regex(refused.stderr, /^henan-chain: the gateway could not verify the ledger: UNAUTHENTICATED \(HTTP 401\): /);
  const locked = await henanChain(['verify-ledger', '--data-dir', gw.dataDir], { cwd });
  t.is(locked.code, 2);
  t.regex(locked.stderr, /open in another process/);

  const { blockNumber } = (await ledger.evidence(agency.record.txId))!;
  await gw.stop({ keepData: true });
  running = false;
  const copy = join(cwd, 'copy');
  await cp(gw.dataDir, copy, { recursive: true });
  await gw.stop();

  const intact = await henanChain(['verify-ledger', '--data-dir', copy], { cwd });
  t.is(intact.code, 0, intact.stderr);
  t.is(intact.stdout, online.stdout);
  // Not a terminal: a line at each tenth of the chain, the last at its end.
  const lines = intact.stderr.trim().split('\n');
  t.true(lines.length >= 9, intact.stderr);
  t.regex(lines.at(-1)!, new RegExp(`^\\[#+\\] ${height}/${height} blocks verified$`));

  await flipStoredByte(join(copy, 'ledger'), { block: blockNumber, tx: 0, offset: -1 });
  const tampered = await henanChain(['verify-ledger', '--data-dir', copy], { cwd });
  t.is(tampered.code, 1, tampered.stderr);
  t.regex(tampered.stdout, new RegExp(`^invalid: block ${blockNumber} of ${height}: dataHash: the data hash does not match the stored transactions \\(stored [0-9a-f]{64}, re-derived [0-9a-f]{64}\\)\\n$`));
});

test('verify-ledger needs exactly one of --data-dir and --gateway, and a folder that holds a ledger', async (t) => {
  const cwd = await tempDir(t);
  for (const args of [[], ['--data-dir', cwd, '--gateway', 'http://127.0.0.1:1'], ['--data-dir', cwd], ['--gateway', 'http://127.0.0.1:1']]) {
    const run = await henanChain(['verify-ledger', ...args], { cwd });
    t.is(run.code, 2, args.join(' '));
    t.not(run.stderr, '');
  }
});

test('a ledger whose LevelDB log has a flipped bit is reported damaged (exit 1), not valid with fewer blocks', async (t) => {
  const { ledger, options } = await openTestLedger(t, []);
  await ledger.close();
  const log = await flipLogBit(options.dataDir);
  const run = await henanChain(['verify-ledger', '--data-dir', options.dataDir], { cwd: options.dataDir });
  t.is(run.code, 1, run.stderr);
  t.regex(run.stdout, new RegExp(`^invalid: the ledger in .+ is damaged: .*bytes of ${log} \\(Corruption: checksum mismatch\\)\n$`));
});

const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath];
const asRoot = process.getuid?.() === 0;
/** Run as root, the test needs nobody to reach the CLI: not so in a clone inside a 0700 home folder. */
const nobodyReachesCli = asRoot && spawnSync('setpriv', [...AS_NOBODY, '-e', `require('fs').accessSync(${JSON.stringify(BIN)})`]).status === 0;

/** The CLI as a user without root's right to write anything: as nobody (setpriv) when these tests run as root. */
function henanChainUnprivileged(args: string[], cwd: string): Promise<Run> {
  if (!asRoot) return henanChain(args, { cwd });
  return runProcess('setpriv', [...AS_NOBODY, BIN, ...args], { cwd });
}

// Root writes through any file mode, so as root the test runs as nobody, where nobody can reach the CLI.
(asRoot && !nobodyReachesCli ? test.skip : test)('a read-only copy of a ledger verifies: its LOCK not being writable is no lock held by a gateway', async (t) => {
  const { ledger, options } = await openTestLedger(t, []);
  await ledger.close();
  for (const name of await readdir(options.dataDir)) await chmod(join(options.dataDir, name), 0o444);
  await chmod(options.dataDir, 0o555);
  t.teardown(() => chmod(options.dataDir, 0o755));
  const run = await henanChainUnprivileged(['verify-ledger', '--data-dir', options.dataDir], options.dataDir);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^valid\n1 blocks, 1 transactions, /);
});

test('a ledger LevelDB cannot open (CURRENT garbled, MANIFEST gone) says why, exit 2, with no stack trace', async (t) => {
  for (const [damage, cause] of [
    [(dir: string) => writeFile(join(dir, 'CURRENT'), 'garbage'), /Corruption: CURRENT file does not end with newline/],
    [async (dir: string) => rm(join(dir, (await readdir(dir)).find((name) => name.startsWith('MANIFEST-'))!)), /MANIFEST-\d+: No such file or directory/],
  ] as const) {
    const { ledger, options } = await openTestLedger(t, []);
    await ledger.close();
    await damage(options.dataDir);
    const run = await henanChain(['verify-ledger', '--data-dir', options.dataDir], { cwd: options.dataDir });
    t.is(run.code, 2, run.stderr);
    t.regex(run.stderr, new RegExp(`^henan-chain: the ledger in ${options.dataDir} cannot be opened: .+\n$`));
    t.regex(run.stderr, cause);
    t.true(run.stderr.includes(options.dataDir) && !run.stderr.includes('henan-chain-ledger-check-'), 'the folder named is the user\u2019s, not the copy');
  }
});
