// verify-report on reports fetched from a real gateway, started in this process on an ephemeral port.
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sm3Hex } from '@henan-chain/crypto';
import { GOVERNANCE, startTestGateway, type TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { henanChain, tempDir } from './testing/run';

let gw: TestGateway;
let agencyId: string;
const reports: Record<'json' | 'csv', string> = { json: '', csv: '' };

/** An agency with two events (its registration, an anchor), and its report in both forms. */
test.before(async () => {
  gw = await startTestGateway();
  const agency = await gw.registerAgency({ name: '洛阳市行政审批服务局', roles: ['provider'] });
  agencyId = agency.agencyId;
  const anchored = await gw.request('POST', '/v1/anchors', { token: agency.token, json: { description: '审计报告测试', leaves: [sm3Hex('a document')] } });
  if (anchored.status !== 201) throw new Error(`anchor failed: ${anchored.status} ${anchored.text}`);
  await gw.indexed(anchored.body.transaction.txId);
  const now = Date.now();
  const period = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
  for (const format of ['json', 'csv'] as const) {
    const reply = await gw.request('GET', `/v1/audit/report?agency=${agencyId}&${period}&format=${format}`, { token: GOVERNANCE });
    if (reply.status !== 200) throw new Error(`report failed: ${reply.status} ${reply.text}`);
    reports[format] = reply.text;
  }
});
test.after.always(async () => {
  await gw?.stop();
});

/** A directory with both reports and the gateway's public key PEM. */
async function setUp(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const cwd = await tempDir(t);
  await writeFile(join(cwd, 'report.json'), reports.json);
  await writeFile(join(cwd, 'report.csv'), reports.csv);
  await writeFile(join(cwd, 'gateway.pub.pem'), (await gw.request('GET', '/v1/gateway/key')).body.publicKeyPem);
  return cwd;
}

for (const format of ['json', 'csv'] as const) {
  test(`a ${format} report is valid with --key and with --gateway, with what it covers`, async (t) => {
    const cwd = await setUp(t);
    for (const trust of [['--key', 'gateway.pub.pem'], ['--gateway', gw.url]]) {
      const run = await henanChain(['verify-report', `report.${format}`, ...trust], { cwd });
      t.is(run.code, 0, run.stdout + run.stderr);
      t.regex(run.stdout, new RegExp(`^valid\\nagency ${agencyId}\\b.*, \\S+ to \\S+, 2 events \\(${format}, gateway key [0-9a-f]{32}\\)\\n$`));
    }
    const stdin = await henanChain(['verify-report', '-', '--key', 'gateway.pub.pem'], { cwd, input: reports[format] });
    t.regex(stdin.stdout, /^valid\n/);
  });

  test(`a ${format} report with one changed byte is invalid, exit 1`, async (t) => {
    const cwd = await setUp(t);
    const bytes = Buffer.from(reports[format]);
    const at = bytes.indexOf(agencyId); // the agency's code, in the report's first event
    bytes[at + 2] = bytes[at + 2] === 0x31 ? 0x32 : 0x31;
    await writeFile(join(cwd, 'changed'), bytes);
    const run = await henanChain(['verify-report', 'changed', '--gateway', gw.url], { cwd });
    t.is(run.code, 1);
    t.regex(run.stdout, /^invalid: the signature does not verify/);
  });
}

test('a report is invalid against another key than the gateway\u2019s', async (t) => {
  const cwd = await setUp(t);
  t.is((await henanChain(['keygen', '--out', 'other'], { cwd })).code, 0);
  const run = await henanChain(['verify-report', 'report.json', '--key', 'other.pub.pem'], { cwd });
  t.is(run.code, 1);
  t.regex(run.stdout, /^invalid: signed by key [0-9a-f]{32}, which is not the trusted gateway key\n$/);
});

test('naming no key, or both, exits 2', async (t) => {
  const cwd = await setUp(t);
  for (const trust of [[], ['--key', 'gateway.pub.pem', '--gateway', gw.url]]) {
    const run = await henanChain(['verify-report', 'report.json', ...trust], { cwd });
    t.is(run.code, 2);
    t.regex(run.stderr, /either --key PUB\.pem or --gateway URL/);
  }
});
