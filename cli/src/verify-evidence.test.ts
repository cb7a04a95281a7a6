// verify-evidence on a bundle fetched from a real gateway, started in this process on an ephemeral port.
import test, { type ExecutionContext } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { issueLicence, newIssuer } from '@henan-chain/gateway/dist/testing/licence-fixtures';
import { henanChain, tempDir } from './testing/run';

let gw: TestGateway;
let bundle = '';
let licenceId = '';

test.before(async () => {
  gw = await startTestGateway();
  const issuer = await newIssuer(gw);
  licenceId = (await issueLicence(gw, issuer)).licenceId;
  await issueLicence(gw, issuer); // a later block, so that the bundle carries the next block's header
  const reply = await gw.request('GET', `/v1/licences/${licenceId}/evidence`);
  if (reply.status !== 200) throw new Error(reply.text);
  bundle = reply.text;
});
test.after.always(async () => {
  await gw?.stop();
});

test('a bundle is valid offline, with what is proven and what is not', async (t) => {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'licence.evidence.json'), bundle);
  const run = await henanChain(['verify-evidence', 'licence.evidence.json'], { cwd });
  t.is(run.code, 0, run.stdout + run.stderr);
  t.true(run.stdout.startsWith(`valid\nlicence ${licenceId}, bundle made `));
  t.regex(run.stdout, /\nproven:\n  - licence .* is, byte for byte, the record transaction [0-9a-f]{64} in block \d+ \(SM3 [0-9a-f]{64}\) wrote/);
  t.regex(run.stdout, /\nnot proven:\n/);
  const stdin = await henanChain(['verify-evidence', '-', '--verbose'], { cwd, input: bundle });
  t.is(stdin.code, 0);
  t.regex(stdin.stdout, /✔ records\[0\]\.value\.issuance\.signature: /);
});

/** The bundle with `change` made, checked by the CLI in a fresh folder. */
async function verifyChanged(t: ExecutionContext, change: (b: any) => void) {
  const cwd = await tempDir(t);
  const changed = JSON.parse(bundle);
  change(changed);
  await writeFile(join(cwd, 'changed.json'), JSON.stringify(changed));
  return henanChain(['verify-evidence', 'changed.json'], { cwd });
}

test('fields the schema fixes are checked: the hash algorithm, the ledger kind, its height, the date against the transactions', async (t) => {
  for (const [change, failure] of [
    [(b: any) => b.transactions.forEach((p: any) => (p.hashAlgorithm = 'SHA-256')), /✘ transactions\[0\]\.hashAlgorithm: blocks of the embedded ledger are hashed with SM3 \(the bundle says SHA-256\)/],
    [(b: any) => (b.ledger.kind = 'fabric'), /✘ transactions\[0\]\.ledger: the proof is of the bundle's fabric ledger \(is embedded\)/],
    [(b: any) => (b.ledger.height = '1'), /✘ transactions\[0\]\.blockNumber: the ledger's height 1 is above block \d+/],
    [(b: any) => (b.ledger.height = 'many'), /✘ ledger: ledger is \{kind: embedded or fabric, height: a decimal number\}/],
    [(b: any) => (b.createdAt = '2000-01-01T00:00:00.000Z'), /✘ createdAt: the bundle was made \(2000-01-01T00:00:00.000Z\) no earlier than its latest transaction \(20\d\d-/],
  ] as const) {
    const run = await verifyChanged(t, change);
    t.is(run.code, 1, run.stdout);
    t.regex(run.stdout, failure);
    t.notRegex(run.stdout, /proven:\n  - licence/);
  }
});

test('what the bundle only states is printed as not proven: its date, the ledger height, the next block\u2019s header', async (t) => {
  const run = await verifyChanged(t, (b) => {
    b.createdAt = '2099-01-01T00:00:00.000Z';
    b.ledger.height = '999999';
    for (const p of b.transactions) if (p.next) p.next.dataHash = '00'.repeat(32);
  });
  t.is(run.code, 0, run.stdout);
  const [proven, notProven] = run.stdout.split('\nproven:\n')[1]!.split('\nnot proven:\n');
  t.notRegex(proven!, /2099|999999|00000000/);
  t.regex(run.stdout, /bundle made 2099-01-01T00:00:00.000Z \(claimed by the bundle, not proven\)/);
  t.regex(notProven!, /when the bundle was made: it says 2099-01-01T00:00:00.000Z, and only that this is no earlier than its transactions is checked/);
  t.regex(notProven!, /the ledger's height 999999, which the bundle states/);
  t.regex(notProven!, /that block \d+ is as transactions\[\d+\]\.next gives it: its SM3 hash would be [0-9a-f]{64}; compare with a peer's copy/);
});

test('a changed field is invalid (exit 1) and named; a file that is no bundle too', async (t) => {
  const cwd = await tempDir(t);
  const changed = JSON.parse(bundle);
  changed.records[0].value.validUntil = '2099-12-31T16:00:00Z';
  await writeFile(join(cwd, 'changed.json'), JSON.stringify(changed));
  const run = await henanChain(['verify-evidence', 'changed.json'], { cwd });
  t.is(run.code, 1);
  t.regex(run.stdout, /✘ records\[0\]\.value\.validUntil: licence .* validUntil differs from what transaction/);
  t.regex(run.stdout, /invalid: records\[0\]\.value\.validUntil: /);
  await writeFile(join(cwd, 'text.json'), 'not json');
  const text = await henanChain(['verify-evidence', 'text.json'], { cwd });
  t.is(text.code, 2, 'no bundle, nothing checked');
  t.is(text.stdout, '');
  t.regex(text.stderr, /^henan-chain: text\.json cannot be read as JSON, so no evidence bundle: Unexpected token/);
  await writeFile(join(cwd, 'array.json'), '[]');
  const array = await henanChain(['verify-evidence', 'array.json'], { cwd });
  t.is(array.code, 1);
  t.notRegex(array.stdout, /not proven:/, 'no empty heading');
  const missing = await henanChain(['verify-evidence', 'absent.json'], { cwd });
  t.is(missing.code, 2);
});
