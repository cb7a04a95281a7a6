// verify-evidence on a bundle fetched from a real gateway, started in this process on an ephemeral port.
import test from 'ava';
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
  t.is(text.code, 1);
  t.regex(text.stdout, /invalid: \(file\): not JSON/);
  const missing = await henanChain(['verify-evidence', 'absent.json'], { cwd });
  t.is(missing.code, 2);
});
