import type { Context } from 'fabric-contract-api';
import { nextLicenceVersion, sm3Hex } from '@henan-chain/crypto';
import { get, holderCommitment, issueLicence, licenceIdFor, newIssuer, verify } from './test-fixtures';
import { networkTest } from '../testing/network';
import { assertLinedUp } from '../testing/findings';
import { verifyLicence } from './verify';

const test = networkTest();

test('issue → valid → revoke → revoked, with reasons and evidence', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer, { validUntil: '2036-01-05T00:00:00Z' });
  const valid = await verify(net, licence.licenceId);
  t.is(valid.verdict, 'valid');
  t.deepEqual(valid.record, licence);
  t.like(valid.evidence, { txId: licence.txId, issuerKeyId: issuer.keyId, issuanceTxId: licence.txId, timestamp: licence.updatedAt });
  t.true(Date.parse(valid.checkedAt) >= Date.parse(licence.createdAt));
  t.regex(valid.reasons[0], /in force until 2036-01-05/);

  const revoked = await net.submitSigned(issuer, 'licence:revoke', { licenceId: licence.licenceId, reason: '吊销营业执照' });
  const result = await verify(net, licence.licenceId);
  t.is(result.verdict, 'revoked');
  t.is(result.evidence.txId, revoked.txId);
  t.is(result.evidence.issuanceTxId, licence.txId);
  t.is(result.reasons.length, 1);
});

test('a document digest that differs is tampered; the registered one is valid', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  t.is((await verify(net, licence.licenceId, licence.document.sm3)).verdict, 'valid');
  const result = await verify(net, licence.licenceId, sm3Hex('a forged file'));
  t.is(result.verdict, 'tampered');
  t.true(result.reasons[0].includes(licence.document.sm3));
});

test('tampered outranks the status, and every finding is listed', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer, { validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z', issueDate: '2020-01-01' });
  await net.submitSigned(issuer, 'licence:suspend', { licenceId: licence.licenceId, reason: '暂扣' });
  const result = await verify(net, licence.licenceId, sm3Hex('other'));
  t.is(result.verdict, 'tampered');
  t.is(result.reasons.length, 3); // tampered, suspended, expired
});

test('a licence whose validity window has ended is expired; one not begun is not yet valid', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const ended = await issueLicence(net, issuer, { issueDate: '2020-03-01', validFrom: '2020-03-01T00:00:00Z', validUntil: '2025-03-01T00:00:00Z' });
  const expired = await verify(net, ended.licenceId);
  t.is(expired.verdict, 'expired');
  t.regex(expired.reasons[0], /2025-03-01/);
  const future = await issueLicence(net, issuer, { validFrom: '2099-01-01T00:00:00Z', validUntil: null });
  t.is((await verify(net, future.licenceId)).verdict, 'not_yet_valid');
});

test('a licence signed with a key later revoked from before the issuance is signature_invalid', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const earlier = await issueLicence(net, issuer);
  const later = await issueLicence(net, issuer);
  t.true(Date.parse(earlier.issuance.at) < Date.parse(later.issuance.at));
  // The compromise is dated back to the instant of the later issuance: that signature no longer counts.
  await net.submit(
    net.admins.province,
    'agency:revokeKey',
    JSON.stringify({ agencyId: issuer.agencyId, revokedKeyId: issuer.keyId, effectiveFrom: later.issuance.at, reason: '私钥泄露' }),
  );
  const result = await verify(net, later.licenceId);
  t.is(result.verdict, 'signature_invalid');
  t.regex(result.reasons[0], /revoked/);
  assertLinedUp(t, result, ['signature_not_held']);
  t.is((await verify(net, earlier.licenceId)).verdict, 'valid');
});

test('verify of an unknown licence is not_found; a malformed identifier or digest is refused', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const id = licenceIdFor(issuer);
  const result = await verify(net, id);
  t.is(result.verdict, 'not_found');
  t.is(result.record, null);
  t.is(result.evidence, null);
  t.is(await net.errorCode(verify(net, id.replace('1.2.156.3005.2', '1.2.156.3005.3'))), 'INVALID_IDENTIFIER');
  t.is(await net.errorCode(verify(net, id, 'ABC')), 'VALIDATION_FAILED');
  t.is(await net.errorCode(get(net, id)), 'NOT_FOUND');
});

test('superseded after renew, with the successor named', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const first = await issueLicence(net, issuer);
  const next = nextLicenceVersion(first.licenceId);
  await net.submitSigned(issuer, 'licence:renew', { previousLicenceId: first.licenceId, licenceId: next, reason: 'renewal', issueDate: '2026-02-01', changes: { validUntil: '2031-01-01T00:00:00Z' } });
  const result = await verify(net, first.licenceId);
  t.is(result.verdict, 'superseded');
  t.true(result.reasons[0].includes(next));
  t.is((await verify(net, next)).verdict, 'valid');
});

// ---------------------------------------------------------------------------------------------- queries

test('byHolder pages through every licence of a holder with bookmarks', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const holder = { commitment: holderCommitment(), codeType: '111' };
  const issued: string[] = [];
  for (let i = 0; i < 5; i++) issued.push((await issueLicence(net, issuer, { holder, holderName: undefined })).licenceId);
  await issueLicence(net, issuer); // someone else's

  const seen: string[] = [];
  let bookmark = '';
  let pages = 0;
  do {
    const page = await net.evaluate(issuer.identity, 'licence:byHolder', holder.commitment, '2', bookmark);
    t.true(page.records.length <= 2);
    seen.push(...page.records.map((r: any) => r.licenceId));
    bookmark = page.bookmark;
    pages++;
  } while (bookmark !== '' && pages < 10);
  t.is(pages, 3);
  t.deepEqual(seen.sort(), issued.sort());
  t.deepEqual(await net.evaluate(issuer.identity, 'licence:byHolder', holderCommitment(), '2', ''), { records: [], bookmark: '' });
  t.is(await net.errorCode(net.evaluate(issuer.identity, 'licence:byHolder', 'not-a-digest', '2', '')), 'VALIDATION_FAILED');
  t.is(await net.errorCode(net.evaluate(issuer.identity, 'licence:byHolder', holder.commitment, '0', '')), 'VALIDATION_FAILED');
});

test('byIssuerType lists one issuer’s licences of one type, a page at a time', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const ids = [(await issueLicence(net, issuer)).licenceId, (await issueLicence(net, issuer)).licenceId, (await issueLicence(net, issuer)).licenceId];
  const first = await net.evaluate(issuer.identity, 'licence:byIssuerType', issuer.agencyId, issuer.typeCode, '2', '');
  t.is(first.records.length, 2);
  const second = await net.evaluate(issuer.identity, 'licence:byIssuerType', issuer.agencyId, issuer.typeCode, '2', first.bookmark);
  t.deepEqual([...first.records, ...second.records].map((r: any) => r.licenceId).sort(), ids.sort());
  t.is(second.bookmark, '');
  t.is(await net.errorCode(net.evaluate(issuer.identity, 'licence:byIssuerType', issuer.agencyId, 'short', '2', '')), 'VALIDATION_FAILED');
});

test('versions lists the series oldest first; an unknown series is not found', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const first = await issueLicence(net, issuer);
  t.deepEqual((await net.evaluate(issuer.identity, 'licence:versions', first.licenceId)).map((v: any) => v.version), ['001']);
  t.is(await net.errorCode(net.evaluate(issuer.identity, 'licence:versions', licenceIdFor(issuer))), 'NOT_FOUND');
});

/** A read-only context over given records, to show what verify makes of a record edited behind the chaincode's back. */
function contextOver(records: Array<[kind: string, id: string, value: unknown]>): Context {
  const key = (kind: string, attributes: string[]) => `\u0000${kind}\u0000${attributes.join('\u0000')}\u0000`;
  const state = new Map(records.map(([kind, id, value]) => [key(kind, [id]), Buffer.from(JSON.stringify(value))]));
  const stub = { createCompositeKey: key, getState: async (k: string) => state.get(k) ?? Buffer.alloc(0), getDateTimestamp: () => new Date() };
  return { stub } as unknown as Context;
}

test('a record that differs from what the issuer signed is signature_invalid, naming the fields', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  const agency = await net.evaluate(issuer.identity, 'agency:get', issuer.agencyId);
  const intact = await verifyLicence(contextOver([['agency', issuer.agencyId, agency], ['licence', licence.licenceId, licence]]), licence.licenceId, '');
  t.is(intact.verdict, 'valid');

  const edited = { ...licence, holder: { ...licence.holder, commitment: holderCommitment() }, validUntil: '2099-01-01T00:00:00Z' };
  const result = await verifyLicence(contextOver([['agency', issuer.agencyId, agency], ['licence', licence.licenceId, edited]]), licence.licenceId, '');
  t.is(result.verdict, 'signature_invalid');
  t.deepEqual(result.reasons, [
    "the record's holder differs from what the issuer signed",
    "the record's validUntil differs from what the issuer signed",
  ]);
});

test('each verdict carries findings that line up with its reasons, the code and values of each', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  assertLinedUp(t, await verify(net, licence.licenceId), ['valid']);
  assertLinedUp(t, await verify(net, licence.licenceId, sm3Hex('a forged file')), ['document_differs']);
  assertLinedUp(t, await verify(net, licenceIdFor(issuer)), ['licence_not_found']);
  const ended = await issueLicence(net, issuer, { issueDate: '2020-03-01', validFrom: '2020-03-01T00:00:00Z', validUntil: '2025-03-01T00:00:00Z' });
  assertLinedUp(t, await verify(net, ended.licenceId), ['window_expired']);
  const future = await issueLicence(net, issuer, { validFrom: '2099-01-01T00:00:00Z', validUntil: null });
  assertLinedUp(t, await verify(net, future.licenceId), ['window_not_yet_valid']);
  for (const [act, code] of [['suspend', 'status_suspended'], ['revoke', 'status_revoked']] as const) {
    const target = await issueLicence(net, issuer);
    await net.submitSigned(issuer, `licence:${act}`, { licenceId: target.licenceId, reason: '提交虚假材料取得登记' });
    assertLinedUp(t, await verify(net, target.licenceId, sm3Hex('other')), ['document_differs', code]);
  }
  const cancelled = await issueLicence(net, issuer);
  await net.submitSigned(issuer, 'licence:cancel', { licenceId: cancelled.licenceId, reason: '申请注销' });
  assertLinedUp(t, await verify(net, cancelled.licenceId), ['status_cancelled']);
  const next = nextLicenceVersion(licence.licenceId);
  await net.submitSigned(issuer, 'licence:renew', { previousLicenceId: licence.licenceId, licenceId: next, reason: 'renewal', issueDate: '2026-02-01', changes: { validUntil: '2031-01-01T00:00:00Z' } });
  assertLinedUp(t, await verify(net, licence.licenceId), ['superseded']);

  const agency = await net.evaluate(issuer.identity, 'agency:get', issuer.agencyId);
  const edited = { ...ended, holder: { ...ended.holder, commitment: holderCommitment() } };
  const ctx = contextOver([['agency', issuer.agencyId, agency], ['licence', ended.licenceId, edited]]);
  assertLinedUp(t, await verifyLicence(ctx, ended.licenceId, ''), ['unsigned_field', 'window_expired']);
});
