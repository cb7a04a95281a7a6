// verify-ofd on the real samples, here and at a real gateway started in this process.
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SAMPLES, TESTDATA } from '@henan-chain/ofd/testing';
import { startTestGateway, type TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { henanChain, tempDir } from './testing/run';

let gw: TestGateway;
let owner: { token: string; agencyId: string };

test.before(async () => {
  gw = await startTestGateway();
  owner = await gw.registerAgency({ name: '北京安证通测试单位', roles: ['seal_owner'] });
});
test.after.always(async () => {
  await gw?.stop();
});

const sample = (name: string) => join(TESTDATA, name);

test('a valid sealed OFD: exit 0, the verdict, one row per seal with its page, time and seal', async (t) => {
  const run = await henanChain(['verify-ofd', sample(SAMPLES.aztSign)], { cwd: await tempDir(t) });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^verdict +valid\n/);
  t.regex(run.stdout, /2 \(Seal, GB\/T 38540\) +valid +2021-11-18T07:22:30\.000Z +测试 \[120106109000000001\]/);
  t.regex(run.stdout, /2: stamped on page 1 at /);
  t.regex(run.stdout, /note: the seal maker’s signature was read leniently/);
});

test('a tampered OFD: exit 1, the file that changed named', async (t) => {
  const run = await henanChain(['verify-ofd', sample(SAMPLES.invoice)], { cwd: await tempDir(t) });
  t.is(run.code, 1);
  t.regex(run.stdout, /^verdict +tampered\n/);
  t.regex(run.stdout, /12\/13 match/);
  t.regex(run.stdout, /reason: 1: Doc_0\/Document\.xml changed after signing/);
});

test('a file that is no OFD: exit 1, invalid with the reason; from stdin too', async (t) => {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'x.ofd'), 'not a zip');
  const run = await henanChain(['verify-ofd', 'x.ofd'], { cwd });
  t.is(run.code, 1);
  t.regex(run.stdout, /^invalid: not a readable OFD \(NOT_A_ZIP\)/);
  const piped = await henanChain(['verify-ofd', '-'], { cwd, input: 'not a zip either' });
  t.is(piped.code, 1);
});

test('--gateway: the gateway\u2019s verdict with whether the sealing is on its ledger, before and after recording it', async (t) => {
  const cwd = await tempDir(t);
  const file = sample(SAMPLES.kingGrid);
  const before = await henanChain(['verify-ofd', file, '--gateway', gw.url], { cwd });
  t.is(before.code, 0, before.stderr);
  t.regex(before.stdout, /ledger +sealing not recorded/);
  t.regex(before.stdout, /not recorded; seal not_registered/);
  const form = new FormData();
  form.set('file', new Blob([await readFile(file)]), 'sealed.ofd');
  const recorded = await gw.request('POST', '/v1/sealed-documents/ofd', { token: owner.token, raw: form });
  t.is(recorded.status, 201, recorded.text);
  const after = await henanChain(['verify-ofd', file, '--gateway', gw.url], { cwd });
  t.regex(after.stdout, new RegExp(`ledger +sealing recorded \\S+ by ${owner.agencyId}, block ${recorded.body.transaction.blockNumber}`));
  t.regex(after.stdout, /recorded; seal not_registered/);
});

test('--gateway that refuses the request (a wrong path): exit 2, the check did not run, not 1', async (t) => {
  const run = await henanChain(['verify-ofd', sample(SAMPLES.kingGrid), '--gateway', `${gw.url}/portal`], { cwd: await tempDir(t) });
  t.is(run.code, 2, run.stdout);
  t.regex(run.stderr, /^henan-chain: the gateway could not verify the OFD: ROUTE_NOT_FOUND \(HTTP 404\): /);
  t.is(run.stdout, '');
});
