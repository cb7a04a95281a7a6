import anyTest, { type TestFn } from 'ava';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { SM3, fromHex, hashLeaf, sm3Hex, toHex } from '@henan-chain/crypto';
import { verifyBundle, verifyBundleText, type EvidenceBundle } from '@henan-chain/evidence';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { issueLicence, licenceIdFor, newIssuer, type TestIssuer } from '../testing/licence-fixtures';
import { sealRegistration } from '../testing/seal-fixtures';

const test = anyTest as TestFn<{ gw: TestGateway; issuer: TestIssuer; revoked: EvidenceBundle; licenceId: string }>;

test.before(async (t) => {
  const gw = await startTestGateway();
  const issuer = await newIssuer(gw);
  const { licenceId } = await issueLicence(gw, issuer);
  const revoke = await gw.request('POST', `/v1/licences/${licenceId}/revoke`, { token: issuer.token, json: { reason: '以欺骗手段取得' } });
  if (revoke.status !== 200) throw new Error(revoke.text);
  const bundle = await gw.request('GET', `/v1/licences/${licenceId}/evidence`);
  if (bundle.status !== 200) throw new Error(bundle.text);
  Object.assign(t.context, { gw, issuer, licenceId, revoked: bundle.body });
});
test.after.always(async (t) => {
  await t.context.gw?.stop();
});

/** The published JSON Schema of the format, as the repository ships it. */
const schemaFile = join(dirname(require.resolve('@henan-chain/evidence/package.json')), 'schema', 'evidence-bundle-v1.schema.json');
const conformsToSchema = new Ajv2020({ strict: true, allErrors: true, formats: { 'date-time': (x: string) => !Number.isNaN(Date.parse(x)) } }).compile(
  JSON.parse(readFileSync(schemaFile, 'utf8')),
);

const copy = (b: EvidenceBundle): any => JSON.parse(JSON.stringify(b));
const failedFields = (b: unknown) => verifyBundle(b).failures.map((f) => f.field);

test('a licence bundle verifies offline: record, issuance and revocation signatures, keys, block hashes', (t) => {
  const { revoked, licenceId } = t.context;
  t.is(revoked.format, 'henan-chain/evidence-bundle/v1');
  const result = verifyBundle(revoked);
  t.deepEqual(result.failures, []);
  t.is(result.verdict, 'valid');
  t.is(result.record?.licenceId, licenceId);
  t.is(result.record?.status, 'revoked');
  const signatures = result.checks.filter((c) => c.field.endsWith('.signature'));
  t.deepEqual(signatures.map((c) => c.field).sort(), ['records[0].value.issuance.signature', 'records[0].value.lastAction.signature']);
  t.true(result.checks.some((c) => c.field.endsWith('.header.dataHash') && c.ok));
  t.true(result.proven.length > 0 && result.notProven.length > 0);
  t.true(conformsToSchema(revoked), JSON.stringify(conformsToSchema.errors));
  // The same verdict from the file's text as from the parsed object
  t.deepEqual(verifyBundleText(JSON.stringify(revoked)), result);
  // A forged first copy of a member before the genuine one: JSON.parse would check the genuine copy
  // while a first-wins reader shows the forged one, so the text is refused.
  const twice = JSON.stringify(revoked).replace('"value":{', '"value":{"status":"valid",');
  const refused = verifyBundleText(twice);
  t.is(refused.verdict, 'invalid');
  t.regex(refused.failures[0]!.message, /records\.0\.value\.status appears twice/);
});

/** Field-by-field tampering: each change is detected, and the failure names the field changed. */
const TAMPERING: [string, (b: any) => void, RegExp][] = [
  ['the status', (b) => (b.records[0].value.status = 'valid'), /^records\[0\]\.value\.status$/],
  ['the validity end', (b) => (b.records[0].value.validUntil = '2099-01-01T00:00:00Z'), /^records\[0\]\.value\.validUntil$/],
  ['the document digest', (b) => (b.records[0].value.document.sm3 = sm3Hex('another file')), /^records\[0\]\.value\.document$/],
  ['the issuing signature', (b) => (b.records[0].value.issuance.signature = b.records[0].value.lastAction.signature), /^records\[0\]\.value\.issuance$/],
  ['the agency\u2019s key', (b) => (b.records[1].value.keys[0].publicKey = '04' + 'ab'.repeat(64)), /^records\[1\]\.value\.keys$/],
  ['a transaction\u2019s bytes', (b) => (b.transactions[0].transactions[b.transactions[0].transactionIndex] = b.transactions[0].transactions[b.transactions[0].transactionIndex].replace(/.$/, (c: string) => (c === '0' ? '1' : '0'))), /^transactions\[0\]\.header\.dataHash$/],
  ['a block\u2019s data hash', (b) => (b.transactions[0].header.dataHash = 'ff'.repeat(32)), /^transactions\[0\]\.header\.dataHash$/],
  ['a block hash', (b) => (b.transactions[0].blockHash = 'ee'.repeat(32)), /^transactions\[0\]\.blockHash$/],
  ['a block number', (b) => (b.transactions[0].blockNumber = '999'), /^transactions\[0\]\.blockNumber$/],
  ['a transaction id', (b) => (b.transactions[0].txId = 'f'.repeat(64)), /^transactions\[0\]\.txId$/],
  ['the validation code', (b) => (b.transactions[0].validationCode = 11), /^transactions\[0\]\.validationCode$/],
  ['the subject', (b) => (b.subject.id = b.subject.id.replace(/\.001\./, '.002.')), /^records\[0\]$/],
  ['the format', (b) => (b.format = 'henan-chain/evidence-bundle/v0'), /^format$/],
  ['a record dropped', (b) => b.records.splice(1, 1), /\.agencyId$/],
  ['a transaction dropped', (b) => b.transactions.splice(0, 1), /\.txId$/],
];

for (const [what, change, field] of TAMPERING) {
  test(`tampering with ${what} is detected and named`, (t) => {
    const bundle = copy(t.context.revoked);
    change(bundle);
    const result = verifyBundle(bundle);
    t.is(result.verdict, 'invalid');
    t.deepEqual(result.proven, []);
    t.true(result.failures.some((f) => field.test(f.field)), `failures: ${result.failures.map((f) => f.field).join(', ')}`);
  });
}

test('Fabric ledger evidence is reported as not proven (incomplete), while signatures and keys are still checked', (t) => {
  const bundle = copy(t.context.revoked);
  bundle.ledger.kind = 'fabric';
  bundle.transactions = bundle.transactions.map((p: any) => ({ ledger: 'fabric', txId: p.txId, hashAlgorithm: 'SHA-256', blockNumber: p.blockNumber, blockHash: p.blockHash }));
  const result = verifyBundle(bundle);
  t.deepEqual(result.failures, []);
  t.is(result.verdict, 'incomplete');
  t.true(result.notProven.some((n) => /Fabric endorsements/.test(n)));
  t.true(result.checks.some((c) => c.field === 'records[0].value.issuance.signature' && c.ok));
  bundle.records[0].value.issuance.signature = bundle.records[0].value.lastAction.signature;
  t.deepEqual(failedFields(bundle), ['records[0].value.issuance.signature']);
});

test('the next block\u2019s link is checked when the bundle carries it', async (t) => {
  const { gw, issuer } = t.context;
  const { licenceId } = await issueLicence(gw, issuer);
  await issueLicence(gw, issuer); // a later block
  const bundle = (await gw.request('GET', `/v1/licences/${licenceId}/evidence`)).body;
  const linked = bundle.transactions.findIndex((p: any) => p.next !== undefined);
  t.true(linked >= 0);
  t.true(verifyBundle(bundle).checks.some((c) => c.field === `transactions[${linked}].next` && c.ok));
  const broken = copy(bundle);
  broken.transactions[linked].next.previousHash = '00'.repeat(32);
  const failed = failedFields(broken);
  t.is(failed[0], `transactions[${linked}].next`);
  t.true(failed.slice(1).every((f) => f.endsWith('txId')), 'what rests on that transaction is unproven with it');
});

test('a sealing bundle proves the seal signature and the seal', async (t) => {
  const { gw } = t.context;
  const maker = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['seal_maker'] });
  const owner = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['seal_owner'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const sealId = `ZZ-EV-${Date.now()}`;
  const seal = await gw.request('POST', '/v1/seals', { token: maker.token, json: sealRegistration(sealId, owner.agencyId) });
  t.is(seal.status, 201, seal.text);
  const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { sealId, documentSm3: sm3Hex('决定书') } });
  t.is(sealed.status, 201, sealed.text);
  const reply = await gw.request('GET', `/v1/sealed-documents/${sealed.body.record.sealingId}/evidence`);
  t.is(reply.status, 200, reply.text);
  t.regex(reply.headers.get('content-disposition') ?? '', /attachment; filename=".*\.evidence\.json"/);
  const result = verifyBundle(reply.body);
  t.deepEqual(result.failures, []);
  t.is(result.verdict, 'valid');
  t.deepEqual(reply.body.records.map((r: any) => r.kind), ['sealing', 'seal', 'agency', 'agency']);
  t.true(conformsToSchema(reply.body), JSON.stringify(conformsToSchema.errors));
  const forged = copy(reply.body);
  forged.records[0].value.documentSm3 = sm3Hex('另一份文件');
  t.true(failedFields(forged).includes('records[0].value.documentSm3'));
});

test('an anchored leaf\u2019s bundle proves inclusion under the anchored root and the signed checkpoint of that very head', async (t) => {
  const { gw } = t.context;
  const agency = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['provider'] });
  const leaves = ['a', 'b', 'c'].map((x) => sm3Hex(`不动产登记电子证明 ${x}`));
  const anchored = await gw.request('POST', '/v1/anchors', { token: agency.token, json: { description: '测试批次', leaves } });
  t.is(anchored.status, 201, anchored.text);
  const reply = await gw.request('GET', `/v1/anchors/${anchored.body.batch.anchorId}/evidence?leaf=${leaves[1]}`);
  t.is(reply.status, 200, reply.text);
  const result = verifyBundle(reply.body);
  t.deepEqual(result.failures, []);
  t.is(result.verdict, 'valid');
  t.true(conformsToSchema(reply.body), JSON.stringify(conformsToSchema.errors));
  const moved = copy(reply.body);
  moved.anchoredLeaf.leafIndex = 2;
  t.deepEqual(failedFields(moved), ['anchoredLeaf.proof']);
  const forgedCheckpoint = copy(reply.body);
  forgedCheckpoint.anchoredLeaf.checkpoint.text = forgedCheckpoint.anchoredLeaf.checkpoint.text.replace(/\n3\n/, '\n4\n');
  t.deepEqual(failedFields(forgedCheckpoint), ['anchoredLeaf.checkpoint']);
  // A genuine checkpoint, signed by the same gateway, of another agency's larger log (another origin and root): not this anchor's head.
  const other = await gw.registerAgency({ name: '郑州市大数据管理局', roles: ['provider'] });
  t.is((await gw.request('POST', '/v1/anchors', { token: other.token, json: { description: '另一批次', leaves: [...leaves, sm3Hex('不动产登记电子证明 d')] } })).status, 201);
  const elsewhere = await gw.request('GET', `/v1/anchors/checkpoint?agency=${other.agencyId}`);
  t.is(elsewhere.status, 200, elsewhere.text);
  const swapped = copy(reply.body);
  swapped.anchoredLeaf.checkpoint.text = elsewhere.text;
  t.deepEqual(failedFields(swapped), ['anchoredLeaf.checkpoint']);
  // Relabelled as Fabric (whose blocks this verifier cannot check), with a forged one-leaf tree in the
  // anchor record: the head the agency signed still gives it away.
  const relabelled = copy(reply.body);
  const forgedLeaf = sm3Hex('伪造的文件');
  relabelled.ledger.kind = 'fabric';
  for (const proof of relabelled.transactions) Object.assign(proof, { ledger: 'fabric', hashAlgorithm: 'SHA-256' });
  Object.assign(relabelled.subject, { id: forgedLeaf });
  Object.assign(relabelled.records[0].value, { root: toHex(hashLeaf(SM3, fromHex(forgedLeaf, 'leaf', 32))), size: 1 });
  Object.assign(relabelled.anchoredLeaf, { leaf: forgedLeaf, leafIndex: 0, treeSize: 1, proof: [], root: relabelled.records[0].value.root });
  delete relabelled.anchoredLeaf.checkpoint;
  t.deepEqual(failedFields(relabelled), ['records[0].value.root']);
});

test('bad input: a malformed identifier is 400, an unknown licence 404, an unknown leaf 404', async (t) => {
  const { gw, issuer } = t.context;
  const bad = await gw.request('GET', '/v1/licences/not-an-id/evidence');
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'INVALID_IDENTIFIER');
  const missing = await gw.request('GET', `/v1/licences/${encodeURIComponent(licenceIdFor(issuer))}/evidence`);
  t.is(missing.status, 404, missing.text);
  t.is(missing.body.error.code, 'NOT_FOUND');
  const noLeaf = await gw.request('GET', `/v1/anchors/${issuer.agencyId}-00000001/evidence?leaf=${sm3Hex('x')}`);
  t.is(noLeaf.status, 404, noLeaf.text);
});
