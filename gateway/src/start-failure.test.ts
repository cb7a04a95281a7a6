import test from 'ava';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from './errors';
import { explainStartFailure } from './start-failure';
import { spawnGateway } from './testing/gateway-process';

/** A data folder that does not exist yet, in a temporary folder removed after the test. */
async function freshDataDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'hnc-start-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  return join(parent, 'data');
}

/** One line on stderr, exit 1, and no stack trace. */
async function refusedWith(t: any, run: ReturnType<typeof spawnGateway>, message: RegExp): Promise<void> {
  t.is(await run.exited, 1, run.output());
  t.regex(run.output(), message);
  t.notRegex(run.output(), /\n\s+at /, 'no stack trace');
}

test('a port in use fails the start in one line, before anything is made in DATA_DIR', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = (taken.address() as { port: number }).port;
  const dataDir = await freshDataDir(t);
  await refusedWith(t, spawnGateway(dataDir, {}, ['--port', String(port)]), new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
  await t.throwsAsync(access(dataDir), undefined, 'no data folder, so no governance token made and never shown');
});

test('a second gateway on a running one\u2019s DATA_DIR is told the folder is in use', async (t) => {
  const dataDir = await freshDataDir(t);
  const first = spawnGateway(dataDir);
  t.teardown(async () => void (await first.stop()));
  await first.ready;
  await refusedWith(t, spawnGateway(dataDir), /^DATA_DIR .+ is in use by another running gateway/);
});

test('a missing portal and an unknown flag are refused in one line', async (t) => {
  await refusedWith(t, spawnGateway(await freshDataDir(t), { PORTAL_DIR: '/nonexistent/site' }), /PORTAL_DIR: \/nonexistent\/site is no folder/);
  await refusedWith(t, spawnGateway(await freshDataDir(t), {}, ['--bogus']), /Unknown option '--bogus'.*the flags are --port/);
});

test('a ledger that does not answer at start (Fabric without its chaincode) is told in one line with what to check', (t) => {
  const config = { host: '127.0.0.1', port: 8080, dataDir: '/srv/hnc' };
  const down = new ApiError(503, 'LEDGER_UNAVAILABLE', 'the Fabric network does not answer: no peers available to evaluate chaincode henan-chain; retry later');
  t.regex(explainStartFailure(down, config)!, /^the ledger does not answer: .+ is the network up and the chaincode deployed \(npm run network:status\)\?$/);
  t.is(explainStartFailure(new Error('a defect'), config), undefined, 'anything else is a bug, told with its stack');
});
