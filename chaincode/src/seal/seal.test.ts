import { randomBytes } from 'node:crypto';
import { type Sm2KeyPair, generateKeyPair, sign, sm3Hex, toHex } from '@henan-chain/crypto';
import { randomUscc } from '../testing/network';
import { sealingIdOf, sealingStatement } from './model';
import { HOUR, type SealTestContext, at, newSealId, sealBody, sealTest } from './test-fixtures';

type Context = SealTestContext;
const test = sealTest();

/** Registers a seal of `owner` (by the context's maker) and returns its id and key. */
async function registerSeal(t: { context: Context }, owner = t.context.owner, overrides: Record<string, unknown> = {}) {
  const keys = generateKeyPair();
  const seal = await t.context.network.submitSigned(t.context.maker, 'seal:register', sealBody(owner, keys, overrides));
  return { sealId: seal.sealId as string, keys, seal };
}

/**
 * A document sealed off chain: what the owner's system produces. Signed now by default: a seal
 * counts only from its registration on the ledger, and each test registers its own seal.
 */
function sealDocument(sealId: string, keys: Sm2KeyPair, signTime = at(0), documentSm3 = sm3Hex(randomBytes(32))) {
  const fields = { documentSm3, sealId, signTime };
  return { ...fields, sealSignature: toHex(sign(sealingStatement(fields), keys.privateKey)) };
}

const getSeal = (t: { context: Context }, sealId: string) => t.context.network.evaluate(t.context.owner.identity, 'seal:get', sealId);

// ── register ─────────────────────────────────────────────────────────────────────────────────

test('a maker registers a seal for an owner: active, with the maker signature and provenance kept', async (t) => {
  const { network, maker, owner } = t.context;
  const keys = generateKeyPair();
  const { result: seal, event } = await network.submitSignedWithEvent(maker, 'seal:register', sealBody(owner, keys));
  const sealId = seal.sealId;
  t.is(event?.name, 'seal.registered');
  t.like(event?.payload, { kind: 'seal', id: sealId, agencyId: maker.agencyId, counterparties: [owner.agencyId], txId: seal.txId });
  t.is(seal.kind, 'seal');
  t.is(seal.status, 'active');
  t.is(seal.makerId, maker.agencyId);
  t.is(seal.ownerId, owner.agencyId);
  t.is(seal.publicKey, toHex(keys.publicKey));
  t.is(seal.lastAction.action, 'register');
  t.is(seal.registration.keyId, maker.keyId);
  t.is(seal.registration.txId, seal.txId);
  t.deepEqual(await network.evaluate(owner.identity, 'seal:get', sealId), seal);
});

test('register is refused to a non-maker, for a non-owner, an unknown owner and a suspended owner', async (t) => {
  const { network, maker, owner, consumer } = t.context;
  const keys = generateKeyPair();
  const byOwner = sealBody(owner, keys);
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:register', byOwner)), 'FORBIDDEN');
  const forConsumer = sealBody(consumer, keys);
  t.is(await network.errorCode(network.submitSigned(maker, 'seal:register', forConsumer)), 'FORBIDDEN');
  const forUnknown = sealBody(owner, keys, { ownerId: randomUscc() });
  t.is(await network.errorCode(network.submitSigned(maker, 'seal:register', forUnknown)), 'NOT_FOUND');
  const suspended = await network.registerAgency({ name: '郑州市已暂停单位', org: 'city', roles: ['seal_owner'] });
  await network.submit(network.admins.province, 'agency:suspend', JSON.stringify({ agencyId: suspended.agencyId, reason: '整改' }));
  const forSuspended = sealBody(suspended, keys);
  t.is(await network.errorCode(network.submitSigned(maker, 'seal:register', forSuspended)), 'AGENCY_SUSPENDED');
  for (const body of [byOwner, forConsumer, forUnknown, forSuspended]) {
    t.is(await network.errorCode(getSeal(t, body['sealId'] as string)), 'NOT_FOUND', 'a rejected register wrote nothing');
  }
});

const GATE = { wrongOrganisation: 'FORBIDDEN', badSignature: 'SIGNATURE_INVALID', retiredKey: 'KEY_NOT_VALID', revokedKey: 'KEY_NOT_VALID' };

test('register is refused with a bad signature, a retired or revoked key, the wrong organisation, and when replayed', async (t) => {
  const { network, owner } = t.context;
  const maker = await network.registerAgency({ name: '洛阳市印章制作中心', org: 'province', roles: ['seal_maker'] });
  const body = sealBody(owner, generateKeyPair());
  const signed = JSON.stringify(network.signRequest(maker, 'seal:register', body));
  t.deepEqual(await network.gateRejections(maker, 'seal:register', body), GATE);
  t.is(await network.errorCode(getSeal(t, body['sealId'] as string)), 'NOT_FOUND', 'no rejected register wrote the seal');
  // Signed before the key was retired: the key is judged at the transaction time, so it no longer counts.
  t.is(await network.errorCode(network.submit(maker.identity, 'seal:register', signed)), 'KEY_NOT_VALID');

  const fresh = await network.registerAgency({ name: '开封市印章制作中心', org: 'province', roles: ['seal_maker'] });
  const once = JSON.stringify(network.signRequest(fresh, 'seal:register', sealBody(owner, generateKeyPair())));
  await network.submit(fresh.identity, 'seal:register', once);
  t.is(await network.errorCode(network.submit(fresh.identity, 'seal:register', once)), 'REPLAY');
});

test('register validates identifiers, enums, the window and uniqueness', async (t) => {
  const { network, maker, owner } = t.context;
  const keys = generateKeyPair();
  const reject = (overrides: Record<string, unknown>) => network.errorCode(network.submitSigned(maker, 'seal:register', sealBody(owner, keys, overrides)));
  t.is(await reject({ sealId: 'seal id with spaces' }), 'VALIDATION_FAILED');
  t.is(await reject({ sealId: 'x'.repeat(65) }), 'VALIDATION_FAILED');
  t.is(await reject({ ownerId: owner.agencyId.slice(0, 17) + (owner.agencyId.endsWith('0') ? '1' : '0') }), 'VALIDATION_FAILED');
  t.is(await reject({ sealType: 'personal' }), 'VALIDATION_FAILED');
  t.is(await reject({ picture: { sm3: sm3Hex('p'), mediaType: 'image/tiff', width: 400, height: 400 } }), 'VALIDATION_FAILED');
  t.is(await reject({ publicKey: '04' + '00'.repeat(64) }), 'VALIDATION_FAILED');
  t.is(await reject({ validTo: at(-48 * HOUR) }), 'VALIDATION_FAILED', 'validTo before validFrom');
  t.is(await reject({ validFrom: at(-72 * HOUR), validTo: at(-HOUR) }), 'VALIDATION_FAILED', 'already expired');
  t.is(await reject({ colour: 'red' }), 'VALIDATION_FAILED', 'unknown fields are refused');
  const { sealId } = await registerSeal(t);
  t.is(await reject({ sealId }), 'ALREADY_EXISTS');
  t.is((await getSeal(t, sealId)).publicKey !== toHex(keys.publicKey), true, 'the duplicate did not overwrite the seal');
});

// ── revoke ───────────────────────────────────────────────────────────────────────────────────

test('the owner revokes its seal once; a second revocation is a wrong transition', async (t) => {
  const { network, owner } = t.context;
  const { sealId } = await registerSeal(t);
  const { result: revoked, event } = await network.submitSignedWithEvent(owner, 'seal:revoke', { sealId, reason: '印章遗失' });
  t.like(event, { name: 'seal.revoked', payload: { id: sealId, agencyId: owner.agencyId, counterparties: [t.context.maker.agencyId] } });
  t.is(revoked.status, 'revoked');
  t.is(revoked.revocation.revokedBy, owner.agencyId);
  t.is(revoked.revocation.effectiveFrom, revoked.revocation.recordedAt, 'effective from the transaction time by default');
  t.is(revoked.lastAction.action, 'revoke');
  t.is(revoked.registration.action, 'register', 'the maker signature stays on the record');
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:revoke', { sealId, reason: 'again' })), 'INVALID_STATE');
  t.deepEqual(await getSeal(t, sealId), revoked);
});

test('the maker may revoke with an earlier effective time, not a later one; the owner only from now; nobody else may revoke', async (t) => {
  const { network, maker, otherOwner, owner } = t.context;
  const { sealId } = await registerSeal(t);
  t.is(await network.errorCode(network.submitSigned(otherOwner, 'seal:revoke', { sealId, reason: 'not mine' })), 'FORBIDDEN');
  t.is(await network.errorCode(network.submitSigned(maker, 'seal:revoke', { sealId, reason: 'x', effectiveFrom: at(HOUR) })), 'VALIDATION_FAILED');
  const signed = JSON.stringify(network.signRequest(owner, 'seal:revoke', { sealId, reason: 'wrong org' }));
  t.is(await network.errorCode(network.submit(await network.client('province'), 'seal:revoke', signed)), 'FORBIDDEN');
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:revoke', { sealId: 'bad id!', reason: 'x' })), 'VALIDATION_FAILED');
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:revoke', { sealId: newSealId(), reason: 'x' })), 'NOT_FOUND');
  // The owner dating it back would disown documents it sealed itself.
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:revoke', { sealId, reason: '印章遗失', effectiveFrom: at(-HOUR) })), 'FORBIDDEN');
  t.is((await getSeal(t, sealId)).status, 'active', 'the rejected revocations changed nothing');
  const effectiveFrom = at(-HOUR);
  const revoked = await network.submitSigned(maker, 'seal:revoke', { sealId, reason: '密钥泄露', effectiveFrom });
  t.is(revoked.revocation.effectiveFrom, effectiveFrom);
  t.is(revoked.revocation.revokedBy, maker.agencyId);
});

test('revoke passes the signature gate first: wrong organisation, bad signature, retired and revoked keys', async (t) => {
  const { network } = t.context;
  const owner = await network.registerAgency({ name: '郑州市公安局', org: 'city', roles: ['seal_owner'] });
  const { sealId } = await registerSeal(t, owner);
  t.deepEqual(await network.gateRejections(owner, 'seal:revoke', { sealId, reason: '测试' }), GATE);
  t.is((await getSeal(t, sealId)).status, 'active');
});

// ── recordSealing ────────────────────────────────────────────────────────────────────────────

test('the owner records a sealed document once; it verifies, lists under its seal and is found by id', async (t) => {
  const { network, owner } = t.context;
  const { sealId, keys } = await registerSeal(t);
  const document = sealDocument(sealId, keys);
  const { result: sealing, event } = await network.submitSignedWithEvent(owner, 'seal:recordSealing', document);
  t.like(event, { name: 'sealing.recorded', payload: { kind: 'sealing', id: sealing.sealingId, agencyId: owner.agencyId, txId: sealing.txId } });
  t.is(sealing.kind, 'sealing');
  t.is(sealing.sealingId, sealingIdOf(document));
  t.is(sealing.ownerId, owner.agencyId);
  t.is(sealing.lastAction.action, 'recordSealing');
  t.deepEqual(await network.evaluate(owner.identity, 'seal:getSealing', sealing.sealingId), sealing);

  const verified = await network.evaluate(owner.identity, 'seal:verifySealing', sealing.sealingId, document.documentSm3);
  t.is(verified.verdict, 'valid');
  t.is(verified.evidence.signTimeSource, 'recorded');
  t.is(verified.evidence.sealing.txId, sealing.txId);
  t.is((await network.evaluate(owner.identity, 'seal:verifySealing', sealing.sealingId, '')).verdict, 'valid', "'' skips the document comparison");
  const tampered = await network.evaluate(owner.identity, 'seal:verifySealing', sealing.sealingId, sm3Hex('another file'));
  t.is(tampered.verdict, 'tampered');

  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', document)), 'ALREADY_EXISTS');
  const again = { ...document, signTime: document.signTime.replace(/Z$/, '000Z') }; // the same instant, spelt otherwise
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', again)), 'ALREADY_EXISTS');
  const page = await network.evaluate(owner.identity, 'seal:sealingsBySeal', sealId, '10', '');
  t.deepEqual(page, { records: [sealing], bookmark: '' });
});

test('recordSealing is refused for another agency’s seal, to a non-owner, from the wrong organisation, and when replayed', async (t) => {
  const { network, maker, owner, otherOwner } = t.context;
  const { sealId, keys } = await registerSeal(t);
  const document = sealDocument(sealId, keys);
  t.is(await network.errorCode(network.submitSigned(otherOwner, 'seal:recordSealing', document)), 'FORBIDDEN', 'an owner recording with another agency’s seal');
  t.is(await network.errorCode(network.submitSigned(maker, 'seal:recordSealing', document)), 'FORBIDDEN', 'the maker is not the owner');
  const signed = JSON.stringify(network.signRequest(owner, 'seal:recordSealing', document));
  t.is(await network.errorCode(network.submit(await network.client('province'), 'seal:recordSealing', signed)), 'FORBIDDEN');
  t.is(await network.errorCode(network.evaluate(owner.identity, 'seal:getSealing', sealingIdOf(document))), 'NOT_FOUND', 'nothing was written');
  await network.submit(owner.identity, 'seal:recordSealing', signed);
  t.is(await network.errorCode(network.submit(owner.identity, 'seal:recordSealing', signed)), 'REPLAY');
});

test('recordSealing passes the signature gate first: wrong organisation, bad signature, retired and revoked keys', async (t) => {
  const { network } = t.context;
  const owner = await network.registerAgency({ name: '郑州市教育局', org: 'city', roles: ['seal_owner'] });
  const { sealId, keys } = await registerSeal(t, owner);
  t.deepEqual(await network.gateRejections(owner, 'seal:recordSealing', sealDocument(sealId, keys)), GATE);
  t.deepEqual((await network.evaluate(owner.identity, 'seal:sealingsBySeal', sealId, '10', '')).records, []);
});

test('recordSealing checks the seal signature, the owner’s request signature and the sign-time window', async (t) => {
  const { network, owner } = t.context;
  const { sealId, keys } = await registerSeal(t);
  const wrongKey = sealDocument(sealId, generateKeyPair());
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', wrongKey)), 'SIGNATURE_INVALID', 'wrong seal key');
  const badRequest = { ...network.signRequest(owner, 'seal:recordSealing', sealDocument(sealId, keys)), documentSm3: sm3Hex('swapped') };
  t.is(await network.errorCode(network.submit(owner.identity, 'seal:recordSealing', JSON.stringify(badRequest))), 'SIGNATURE_INVALID', 'request signature');
  const backdated = sealDocument(sealId, keys, at(-25 * HOUR));
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', backdated)), 'VALIDATION_FAILED', 'more than 24 h back');
  const ahead = sealDocument(sealId, keys, at(10 * 60_000));
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', ahead)), 'VALIDATION_FAILED', 'beyond the clock skew');
  const unknownSeal = sealDocument(newSealId(), keys);
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', unknownSeal)), 'NOT_FOUND');
  const badDigest = { ...sealDocument(sealId, keys), documentSm3: 'ABC' };
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', badDigest)), 'VALIDATION_FAILED');
  const page = await network.evaluate(owner.identity, 'seal:sealingsBySeal', sealId, '10', '');
  t.deepEqual(page.records, [], 'no rejected sealing was written');
});

test('a sealing recorded before the revocation stays valid; an unrecorded one signed after it is seal_revoked', async (t) => {
  const { network, owner } = t.context;
  const { sealId, keys, seal } = await registerSeal(t);
  const before = sealDocument(sealId, keys);
  const recorded = await network.submitSigned(owner, 'seal:recordSealing', before);
  const revoked = await network.submitSigned(owner, 'seal:revoke', { sealId, reason: '单位注销' });
  const effectiveFrom = Date.parse(revoked.revocation.effectiveFrom);

  t.is((await network.evaluate(owner.identity, 'seal:verifySealing', recorded.sealingId, '')).verdict, 'valid');
  const asDocument = await network.evaluate(owner.identity, 'seal:verifySealedDocument', JSON.stringify(before));
  t.is(asDocument.verdict, 'valid', 'the same sealing presented as a document is judged as recorded');
  t.is(asDocument.sealing.sealingId, recorded.sealingId);

  const after = sealDocument(sealId, keys, new Date(effectiveFrom + 1).toISOString());
  const unrecorded = await network.evaluate(owner.identity, 'seal:verifySealedDocument', JSON.stringify(after));
  t.is(unrecorded.verdict, 'seal_revoked');
  t.is(unrecorded.evidence.signTimeSource, 'claimed');
  t.regex(unrecorded.reasons[0], /not before that/);
  const claimedEarlier = sealDocument(sealId, keys, seal.createdAt);
  const earlier = await network.evaluate(owner.identity, 'seal:verifySealedDocument', JSON.stringify(claimedEarlier));
  t.is(earlier.verdict, 'seal_revoked', 'an unrecorded, only claimed earlier time does not escape the revocation');
  t.regex(earlier.reasons[0], /only claimed/);

  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', after)), 'INVALID_STATE', 'no new sealing after the revocation');
  const late = await network.submitSigned(owner, 'seal:recordSealing', claimedEarlier);
  t.is(late.signTime, seal.createdAt, 'a sealing dated before the revocation, within 24 h, may still be recorded');
  t.is((await network.evaluate(owner.identity, 'seal:verifySealedDocument', JSON.stringify(claimedEarlier))).verdict, 'valid', 'once recorded');
});

test('a revocation effective before a recorded sealing makes it invalid', async (t) => {
  const { network, maker, owner } = t.context;
  const { sealId, keys, seal } = await registerSeal(t);
  const sealing = await network.submitSigned(owner, 'seal:recordSealing', sealDocument(sealId, keys));
  await network.submitSigned(maker, 'seal:revoke', { sealId, reason: '密钥泄露', effectiveFrom: seal.createdAt });
  const result = await network.evaluate(owner.identity, 'seal:verifySealing', sealing.sealingId, '');
  t.is(result.verdict, 'seal_revoked');
  t.is(result.evidence.sealRevocation.revokedBy, maker.agencyId);
});

test('a seal expired at sign time can neither record nor verify a sealing', async (t) => {
  const { network, owner } = t.context;
  const { sealId, keys, seal } = await registerSeal(t, owner, { validTo: at(2_000) });
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const document = sealDocument(sealId, keys, at(-100));
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordSealing', document)), 'INVALID_STATE');
  const result = await network.evaluate(owner.identity, 'seal:verifySealedDocument', JSON.stringify(document));
  t.is(result.verdict, 'seal_expired');
  const inForce = sealDocument(sealId, keys, new Date(Date.parse(seal.createdAt) + 100).toISOString());
  t.is((await network.evaluate(owner.identity, 'seal:verifySealedDocument', JSON.stringify(inForce))).verdict, 'valid', 'signed while in force');
});

test('verifySealedDocument reports a wrong seal key, an unknown seal and a sign time before the seal existed', async (t) => {
  const { network, owner } = t.context;
  const { sealId, keys } = await registerSeal(t);
  const verify = (document: unknown) => network.evaluate(owner.identity, 'seal:verifySealedDocument', JSON.stringify(document));
  t.is((await verify(sealDocument(sealId, keys))).verdict, 'valid');
  t.is((await verify(sealDocument(sealId, generateKeyPair()))).verdict, 'signature_invalid');
  t.is((await verify(sealDocument(newSealId(), keys))).verdict, 'not_found');
  t.is((await verify(sealDocument(sealId, keys, at(-2 * HOUR)))).verdict, 'seal_not_yet_valid', 'before the seal was registered');
  t.is(await network.errorCode(verify(sealDocument(sealId, keys, at(HOUR)))), 'VALIDATION_FAILED', 'a sign time still to come');
  t.is(await network.errorCode(verify({ ...sealDocument(sealId, keys), extra: 1 })), 'VALIDATION_FAILED');
  t.is((await network.evaluate(owner.identity, 'seal:verifySealing', '0'.repeat(32), '')).verdict, 'not_found');
  t.is(await network.errorCode(network.evaluate(owner.identity, 'seal:verifySealing', 'not-an-id', '')), 'VALIDATION_FAILED');
});

test('sealingsBySeal pages through the sealings of a seal', async (t) => {
  const { network, owner } = t.context;
  const { sealId, keys } = await registerSeal(t);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await network.submitSigned(owner, 'seal:recordSealing', sealDocument(sealId, keys))).sealingId);
  const seen: string[] = [];
  let bookmark = '';
  let pages = 0;
  do {
    const page = await network.evaluate(owner.identity, 'seal:sealingsBySeal', sealId, '2', bookmark);
    seen.push(...page.records.map((r: { sealingId: string }) => r.sealingId));
    bookmark = page.bookmark;
    pages++;
  } while (bookmark !== '' && pages < 10);
  t.deepEqual(seen, [...ids].sort());
  t.is(pages, 3);
  t.is(await network.errorCode(network.evaluate(owner.identity, 'seal:sealingsBySeal', sealId, '0', '')), 'VALIDATION_FAILED');
  t.is(await network.errorCode(network.evaluate(owner.identity, 'seal:sealingsBySeal', newSealId(), '2', '')), 'NOT_FOUND');
});
