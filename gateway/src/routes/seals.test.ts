import test from 'ava';
import { generateKeyPair, sign, sm3Hex, toHex, verify } from '@henan-chain/crypto';
import { sealingIdOf, sealingStatement } from '@henan-chain/chaincode';
import { randomUscc, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway;
let maker: { agencyId: string; token: string };
let owner: { agencyId: string; token: string };

test.before(async () => {
  gw = await startTestGateway();
  maker = await gw.registerAgency({ name: '河南省电子印章制作中心', roles: ['seal_maker'] });
  owner = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['seal_owner'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
});
test.after.always(async () => {
  await gw?.stop();
});

let serial = 0;
const newSealId = () => `ZZ-SEAL-${Date.now()}-${++serial}`;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** A seal registration body; `publicKey` absent means the gateway makes and keeps the key. */
function sealBody(sealId: string, extra: Record<string, unknown> = {}) {
  return {
    sealId,
    ownerId: owner.agencyId,
    sealType: 'official',
    name: '郑州市行政审批和政务信息管理局公章',
    validFrom: iso(-3600_000),
    validTo: iso(365 * 86400_000),
    picture: { sm3: sm3Hex('seal picture'), mediaType: 'image/png', width: 240, height: 240 },
    ...extra,
  };
}

/** A seal whose key the test holds, so it can make signatures the ledger never saw. */
async function sealWithOwnKey() {
  const pair = generateKeyPair();
  const sealId = newSealId();
  const reply = await gw.request('POST', '/v1/seals', { token: maker.token, json: sealBody(sealId, { publicKey: toHex(pair.publicKey) }) });
  if (reply.status !== 201) throw new Error(reply.text);
  const sealWith = (documentSm3: string, signTime: string, key = pair.privateKey) => toHex(sign(sealingStatement({ documentSm3, sealId, signTime }), key));
  return { sealId, sealWith };
}

function upload(bytes: string, fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('document', new Blob([bytes], { type: 'application/pdf' }), 'document.pdf');
  return form;
}

test('a maker registers a seal with a gateway-kept key; its owner seals through the gateway; the sealing verifies with its block', async (t) => {
  const sealId = newSealId();
  const registration = { ...sealBody(sealId), requestId: `seal-${sealId}` };
  const registered = await gw.request('POST', '/v1/seals', { token: maker.token, json: registration });
  t.is(registered.status, 201, registered.text);
  t.is(registered.body.record.status, 'active');
  t.is(registered.body.record.makerId, maker.agencyId);
  const publicKey: string = registered.body.record.publicKey;
  const retried = await gw.request('POST', '/v1/seals', { token: maker.token, json: registration });
  t.is(retried.status, 201, 'a retry with the same requestId reuses the kept key and gets the first result');
  t.is(retried.body.transaction.txId, registered.body.transaction.txId);

  const read = await gw.request('GET', `/v1/seals/${sealId}`);
  t.is(read.status, 200);
  t.is(read.body.publicKey, publicKey);

  const documentSm3 = sm3Hex('《行政许可决定书》豫郑审批〔2026〕118号');
  const sealingRequest = { documentSm3, sealId, signTime: iso(0), requestId: `sealing-${sealId}` };
  const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: sealingRequest });
  t.is(sealed.status, 201, sealed.text);
  const sealing = sealed.body.record;
  t.true(verify(sealingStatement(sealing), sealing.sealSignature, publicKey).valid, 'the gateway signed the sealing statement with the seal key');
  const again = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: sealingRequest });
  t.is(again.body.transaction.txId, sealed.body.transaction.txId, 'idempotent retry');

  const verified = await gw.request('POST', '/v1/verify/sealed-document', { json: { sealingId: sealing.sealingId } });
  t.is(verified.status, 200, verified.text);
  t.is(verified.body.verdict, 'valid');
  t.is(verified.body.evidence.signTimeSource, 'recorded');
  t.is(verified.body.evidence.txId, sealed.body.transaction.txId);
  t.is(verified.body.evidence.blockNumber, sealed.body.transaction.blockNumber);
  t.is(verified.body.evidence.blockHash, sealed.body.transaction.blockHash);
  t.is(verified.body.evidence.sealRegistration.blockNumber, registered.body.transaction.blockNumber);

  const tampered = await gw.request('POST', '/v1/verify/sealed-document', { json: { sealingId: sealing.sealingId, documentSm3: sm3Hex('another document') } });
  t.is(tampered.body.verdict, 'tampered');
});

test('a sealing retried without its sign time (same requestId) gets the first sealing back, not a second', async (t) => {
  const sealId = newSealId();
  t.is((await gw.request('POST', '/v1/seals', { token: maker.token, json: sealBody(sealId) })).status, 201);
  const request = { documentSm3: sm3Hex(`会议纪要 ${sealId}`), sealId, requestId: `sealing-now-${sealId}` };
  const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: request });
  t.is(sealed.status, 201, sealed.text);
  await new Promise((resolve) => setTimeout(resolve, 5)); // a sign time of "now" differs on the retry
  const retried = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: request });
  t.is(retried.status, 201, retried.text);
  t.deepEqual(retried.body, sealed.body);
  const other = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { ...request, documentSm3: sm3Hex('another document') } });
  t.is(other.status, 409, other.text);
  t.is(other.body.error.code, 'REPLAY');
});

test('a sealing recorded by upload keeps only the digest; verifying by upload tells the sealed file from an altered one', async (t) => {
  const sealId = newSealId();
  t.is((await gw.request('POST', '/v1/seals', { token: maker.token, json: sealBody(sealId) })).status, 201);
  const pdf = '%PDF-1.7 营业执照 统一社会信用代码 91410100MA44XXXX';
  const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, raw: upload(pdf, { sealId }) });
  t.is(sealed.status, 201, sealed.text);
  t.is(sealed.body.record.documentSm3, sm3Hex(pdf));
  const { sealingId } = sealed.body.record;

  const same = await gw.request('POST', '/v1/verify/sealed-document', { raw: upload(pdf, { sealingId }) });
  t.is(same.status, 200, same.text);
  t.is(same.body.verdict, 'valid');
  const altered = await gw.request('POST', '/v1/verify/sealed-document', { raw: upload(pdf + ' ', { sealingId }) });
  t.is(altered.body.verdict, 'tampered');
});

test('an unrecorded signature verifies by upload; one made with another key is signature_invalid', async (t) => {
  const { sealId, sealWith } = await sealWithOwnKey();
  const pdf = '%PDF-1.7 不动产登记证明';
  const signTime = iso(0);
  const sealSignature = sealWith(sm3Hex(pdf), signTime);

  const byUpload = await gw.request('POST', '/v1/verify/sealed-document', { raw: upload(pdf, { sealId, signTime, sealSignature }) });
  t.is(byUpload.status, 200, byUpload.text);
  t.is(byUpload.body.verdict, 'valid');
  t.is(byUpload.body.evidence.signTimeSource, 'claimed');
  t.truthy(byUpload.body.evidence.blockHash, 'the evidence points at the seal registration');
  t.is(byUpload.body.sealing, undefined);

  const wrongKey = sealWith(sm3Hex(pdf), signTime, generateKeyPair().privateKey);
  const forged = await gw.request('POST', '/v1/verify/sealed-document', { json: { documentSm3: sm3Hex(pdf), sealId, signTime, sealSignature: wrongKey } });
  t.is(forged.status, 200);
  t.is(forged.body.verdict, 'signature_invalid');

  const unknownSeal = await gw.request('POST', '/v1/verify/sealed-document', { json: { documentSm3: sm3Hex(pdf), sealId: newSealId(), signTime, sealSignature } });
  t.is(unknownSeal.body.verdict, 'not_found');
  t.is(unknownSeal.body.seal, null);
});

test('sealed before the seal was revoked stays valid; after it, nothing can be recorded and signatures are seal_revoked', async (t) => {
  const { sealId, sealWith } = await sealWithOwnKey();
  const before = sm3Hex('sealed before the revocation');
  const beforeTime = iso(0);
  const recorded = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { documentSm3: before, sealId, signTime: beforeTime, sealSignature: sealWith(before, beforeTime) } });
  t.is(recorded.status, 201, recorded.text);
  const claimed = { documentSm3: sm3Hex('sealed before, never recorded'), sealId, signTime: iso(0) };
  const claimedSealing = { ...claimed, sealSignature: sealWith(claimed.documentSm3, claimed.signTime) };
  t.is((await gw.request('POST', '/v1/verify/sealed-document', { json: claimedSealing })).body.verdict, 'valid');

  const revoked = await gw.request('POST', `/v1/seals/${sealId}/revoke`, { token: maker.token, json: { reason: '印章遗失' } });
  t.is(revoked.status, 200, revoked.text);
  t.is(revoked.body.record.status, 'revoked');
  const twice = await gw.request('POST', `/v1/seals/${sealId}/revoke`, { token: owner.token, json: { reason: 'again' } });
  t.is(twice.status, 409);
  t.is(twice.body.error.code, 'INVALID_STATE');

  const stillValid = await gw.request('POST', '/v1/verify/sealed-document', { json: { sealingId: recorded.body.record.sealingId } });
  t.is(stillValid.body.verdict, 'valid', 'recorded on the ledger before the revocation took effect');
  t.truthy(stillValid.body.evidence.sealRevocation.blockHash);
  t.is((await gw.request('POST', '/v1/verify/sealed-document', { json: claimedSealing })).body.verdict, 'seal_revoked', 'an unrecorded sign time is only claimed');

  const after = sm3Hex('sealed after the revocation');
  const afterTime = iso(1_000);
  const refused = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { documentSm3: after, sealId, signTime: afterTime, sealSignature: sealWith(after, afterTime) } });
  t.is(refused.status, 409, refused.text);
  t.is(refused.body.error.code, 'INVALID_STATE');
  const afterVerdict = await gw.request('POST', '/v1/verify/sealed-document', { json: { sealingId: sealingIdOf({ documentSm3: after, sealId, signTime: afterTime }) } });
  t.is(afterVerdict.body.verdict, 'not_found', 'the refused sealing was not written');
});

test('bad requests get a specific 4xx and write nothing', async (t) => {
  const { sealId } = await sealWithOwnKey();
  const kept = newSealId();
  t.is((await gw.request('POST', '/v1/seals', { token: maker.token, json: sealBody(kept) })).status, 201);
  const documentSm3 = sm3Hex('a document');
  const makerKeyId: string = (await gw.request('GET', `/v1/agencies/${maker.agencyId}`)).body.keys[0].keyId;
  const unregistered = randomUscc();
  const cases: [string, string, Parameters<TestGateway['request']>[2], number, string, RegExp?][] = [
    ['an owner is no seal maker', '/v1/seals', { token: owner.token, json: sealBody(newSealId()) }, 403, 'FORBIDDEN'],
    ['no token', '/v1/seals', { json: sealBody(newSealId()) }, 401, 'UNAUTHENTICATED'],
    ['malformed JSON', '/v1/seals', { token: maker.token, raw: '{"sealId": ', contentType: 'application/json' }, 400, 'MALFORMED_JSON'],
    ['oversize body', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { name: '章'.repeat(100_000) }) }, 413, 'BODY_TOO_LARGE'],
    ['wrong type', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { validTo: 1893456000 }) }, 400, 'VALIDATION_FAILED', /validTo/],
    ['a malformed owner code', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { ownerId: 'not-a-code' }) }, 400, 'VALIDATION_FAILED', /ownerId/],
    ['a forged maker signature', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { operation: 'seal.register', requestId: 'forged-seal-0001', agencyId: maker.agencyId, keyId: makerKeyId, publicKey: toHex(generateKeyPair().publicKey), signature: '0'.repeat(128) }) }, 422, 'SIGNATURE_INVALID'],
    ['unknown field', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { colour: 'red' }) }, 400, 'VALIDATION_FAILED'],
    ['bad seal type', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { sealType: 'round' }) }, 400, 'VALIDATION_FAILED', /sealType/],
    ['a self-signed body without the seal key', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { signature: 'ab'.repeat(64) }) }, 400, 'VALIDATION_FAILED', /publicKey/],
    ['a seal for an agency never registered', '/v1/seals', { token: maker.token, json: sealBody(newSealId(), { ownerId: unregistered }) }, 404, 'NOT_FOUND'],
    ['the seal id is taken', '/v1/seals', { token: maker.token, json: sealBody(kept) }, 409, 'ALREADY_EXISTS'],
    ['the maker is not the owner', '/v1/sealed-documents', { token: maker.token, json: { documentSm3, sealId: kept } }, 403, 'FORBIDDEN'],
    ['no document', '/v1/sealed-documents', { token: owner.token, json: { sealId: kept } }, 400, 'VALIDATION_FAILED', /documentSm3/],
    ['digest and upload disagree', '/v1/sealed-documents', { token: owner.token, raw: upload('file', { sealId: kept, documentSm3 }) }, 400, 'VALIDATION_FAILED', /documentSm3/],
    ['a non-hex digest', '/v1/sealed-documents', { token: owner.token, json: { documentSm3: 'zz', sealId: kept } }, 400, 'VALIDATION_FAILED', /documentSm3/],
    ['a self-signed body without the seal signature', '/v1/sealed-documents', { token: owner.token, json: { documentSm3, sealId: kept, signature: 'ab'.repeat(64) } }, 400, 'VALIDATION_FAILED', /sealSignature/],
    ['the gateway keeps no key of this seal', '/v1/sealed-documents', { token: owner.token, json: { documentSm3, sealId } }, 422, 'NO_SIGNING_KEY'],
    ['an unknown seal', '/v1/sealed-documents', { token: owner.token, json: { documentSm3, sealId: newSealId() } }, 404, 'NOT_FOUND'],
    ['a sign time two days old', '/v1/sealed-documents', { token: owner.token, json: { documentSm3, sealId: kept, signTime: iso(-2 * 86400_000) } }, 400, 'VALIDATION_FAILED'],
    ['verify with nothing', '/v1/verify/sealed-document', { json: {} }, 400, 'VALIDATION_FAILED', /documentSm3/],
    ['verify with both ways', '/v1/verify/sealed-document', { json: { sealingId: 'a'.repeat(32), sealId } }, 400, 'VALIDATION_FAILED', /sealId/],
    ['verify a malformed sealing id', '/v1/verify/sealed-document', { json: { sealingId: 'XYZ' } }, 400, 'VALIDATION_FAILED', /sealingId/],
    ['verify a sign time in the future', '/v1/verify/sealed-document', { json: { documentSm3, sealId, signTime: iso(3600_000), sealSignature: 'ab'.repeat(64) } }, 400, 'VALIDATION_FAILED'],
    ['revoke by a stranger', `/v1/seals/${kept}/revoke`, { token: (await gw.registerAgency({ name: '洛阳市市场监督管理局', roles: ['consumer'] })).token, json: { reason: 'x' } }, 403, 'FORBIDDEN'],
    ['revoke with a malformed id', '/v1/seals/bad_id!/revoke', { token: maker.token, json: { reason: 'x' } }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [what, path, options, status, code, message] of cases) {
    const reply = await gw.request('POST', path, options);
    t.is(reply.status, status, `${what}: ${reply.text}`);
    t.is(reply.body?.error?.code, code, what);
    if (message) t.regex(reply.body.error.message, message, what);
  }
  t.is((await gw.request('GET', `/v1/seals/${kept}`)).body.status, 'active', 'the stranger\u2019s revocation changed nothing');
  t.is((await gw.request('GET', '/v1/seals/bad_id!')).status, 400);
  const unknown = await gw.request('GET', `/v1/seals/${newSealId()}`);
  t.is(unknown.status, 404);
  t.is(unknown.body.error.code, 'NOT_FOUND');
});
