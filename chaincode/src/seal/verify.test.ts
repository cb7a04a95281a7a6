import test from 'ava';
import { canonicalBytes, generateKeyPair, sign, sm3Hex, toHex } from '@henan-chain/crypto';
import { type Agency, keyIdOf } from '../agency/model';
import { type Seal, type Sealing, type SealingFields, sealingIdOf, sealingStatement } from './model';
import { assertLinedUp } from '../testing/findings';
import { type SealingCheck, notFound, verification } from './verify';

// The verification pipeline on fixed records and times: the cases that would need a clock on a ledger.

const MAKER = '91410000MA00000001';
const makerKeys = generateKeyPair();
const makerPublicKey = toHex(makerKeys.publicKey);
const makerKeyId = keyIdOf(makerPublicKey);
const sealKeys = generateKeyPair();
const REGISTERED = '2026-01-10T00:00:00.000Z';
const DOC = sm3Hex('the sealed contract');

const registrationRequest = { operation: 'seal.register', requestId: 'req-00000001', agencyId: MAKER, keyId: makerKeyId, sealId: 'HN-SEAL-1' };
const seal: Seal = {
  kind: 'seal',
  sealId: 'HN-SEAL-1',
  makerId: MAKER,
  ownerId: '11410100MB0000000X',
  sealType: 'official',
  name: '郑州市示例局公章',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  picture: { sm3: sm3Hex('picture'), mediaType: 'image/png', width: 400, height: 400 },
  publicKey: toHex(sealKeys.publicKey),
  status: 'active',
  registration: {
    action: 'register',
    txId: 'tx-register',
    at: REGISTERED,
    mspId: 'HenanProvinceMSP',
    submitter: 'x509::/CN=maker::/CN=ca',
    agencyId: MAKER,
    keyId: makerKeyId,
    signature: toHex(sign(canonicalBytes(registrationRequest), makerKeys.privateKey)),
    request: registrationRequest,
  },
  createdAt: REGISTERED,
  updatedAt: REGISTERED,
  txId: 'tx-register',
  lastAction: {} as Seal['lastAction'],
};
const maker = { agencyId: MAKER, keys: [{ keyId: makerKeyId, publicKey: makerPublicKey, validFrom: '2025-01-01T00:00:00.000Z' }] } as Agency;

function check(signTime: string, options: Partial<SealingCheck> & { privateKey?: Uint8Array } = {}): SealingCheck {
  const fields: SealingFields = { documentSm3: DOC, sealId: seal.sealId, signTime };
  const sealSignature = toHex(sign(sealingStatement(fields), options.privateKey ?? sealKeys.privateKey));
  return { seal, maker, fields, sealSignature, source: 'claimed', ...options };
}

function revoked(effectiveFrom: string): Seal {
  return { ...seal, status: 'revoked', revocation: { effectiveFrom, reason: '印章遗失', revokedBy: MAKER, recordedAt: '2026-06-01T00:00:00.000Z', txId: 'tx-revoke' } };
}

const NOW = '2026-07-01T00:00:00.000Z';

test('a good signature with a seal in force and unrevoked at sign time is valid', (t) => {
  const result = verification(check('2026-03-01T08:00:00.000Z'), NOW);
  t.is(result.verdict, 'valid');
  t.is(result.reasons.length, 1);
  t.is(result.evidence['statementSm3'], sm3Hex(sealingStatement({ documentSm3: DOC, sealId: seal.sealId, signTime: '2026-03-01T08:00:00Z' })));
});

test('a signature by another key than the seal key is signature_invalid', (t) => {
  const result = verification(check('2026-03-01T08:00:00.000Z', { privateKey: generateKeyPair().privateKey }), NOW);
  t.is(result.verdict, 'signature_invalid');
  t.regex(result.reasons[0]!, /seal signature does not verify/);
});

test('the validity window is judged at sign time: before validFrom, before registration, from validTo on', (t) => {
  t.is(verification(check('2025-12-31T23:59:59.999Z'), NOW).verdict, 'seal_not_yet_valid');
  const beforeRegistration = verification(check('2026-01-05T00:00:00.000Z'), NOW);
  t.is(beforeRegistration.verdict, 'seal_not_yet_valid');
  t.regex(beforeRegistration.reasons[0]!, /registered on the ledger at/);
  t.is(verification(check('2027-01-01T00:00:00.000Z'), NOW).verdict, 'seal_expired');
  t.is(verification(check('2026-12-31T23:59:59.999Z'), NOW).verdict, 'valid');
});

test('a revocation effective at or before the sign time makes the sealing invalid, recorded or not', (t) => {
  const at = '2026-05-01T00:00:00.000Z';
  t.is(verification({ ...check(at), seal: revoked(at), source: 'recorded' }, NOW).verdict, 'seal_revoked');
  t.is(verification({ ...check(at), seal: revoked('2026-04-01T00:00:00.000Z'), source: 'claimed' }, NOW).verdict, 'seal_revoked');
});

test('a revocation effective after the sign time leaves a recorded sealing valid but not a claimed one', (t) => {
  const signed = check('2026-03-01T08:00:00.000Z');
  const later = revoked('2026-05-01T00:00:00.000Z');
  t.is(verification({ ...signed, seal: later, source: 'recorded' }, NOW).verdict, 'valid');
  const claimed = verification({ ...signed, seal: later, source: 'claimed' }, NOW);
  t.is(claimed.verdict, 'seal_revoked');
  t.regex(claimed.reasons[0]!, /only claimed/);
});

test('a seal whose maker key was revoked from before the registration has no valid maker signature', (t) => {
  const compromised = { ...maker, keys: [{ ...maker.keys[0]!, revokedAt: '2026-01-09T00:00:00.000Z' }] } as Agency;
  const result = verification({ ...check('2026-03-01T08:00:00.000Z'), maker: compromised }, NOW);
  t.is(result.verdict, 'signature_invalid');
  t.regex(result.reasons[0]!, /maker's signature/);
  assertLinedUp(t, result, ['maker_signature_void']);
  const revokedLater = { ...maker, keys: [{ ...maker.keys[0]!, revokedAt: '2026-02-01T00:00:00.000Z' }] } as Agency;
  t.is(verification({ ...check('2026-03-01T08:00:00.000Z'), maker: revokedLater }, NOW).verdict, 'valid');
  t.is(verification({ ...check('2026-03-01T08:00:00.000Z'), maker: undefined }, NOW).verdict, 'signature_invalid');
});

test('a recorded sealing compared with another document digest is tampered; every failing check is reported', (t) => {
  const c = { ...check('2027-02-01T00:00:00.000Z'), source: 'recorded' as const };
  const sealing = { sealingId: sealingIdOf(c.fields), ...c.fields, sealSignature: c.sealSignature } as Sealing;
  const result = verification(c, NOW, sealing, sm3Hex('another file'));
  t.is(result.verdict, 'tampered', 'tampered outranks an expired seal');
  t.is(result.reasons.length, 2);
  t.is(verification(c, NOW, sealing, DOC).verdict, 'seal_expired');
});

test('the sealing statement and id do not depend on how the sign time is spelt', (t) => {
  const a = { documentSm3: DOC, sealId: 'S1', signTime: '2026-03-01T08:00:00Z' };
  const b = { ...a, signTime: '2026-03-01T08:00:00.000Z' };
  t.is(Buffer.from(sealingStatement(a)).toString(), `{"documentSm3":"${DOC}","sealId":"S1","signTime":"2026-03-01T08:00:00.000Z"}`);
  t.is(sealingIdOf(a), sealingIdOf(b));
  t.regex(sealingIdOf(a), /^[0-9a-f]{32}$/);
});

test('each verdict carries findings that line up with its reasons, the code and values of each', (t) => {
  const signTime = '2026-03-01T08:00:00.000Z';
  assertLinedUp(t, verification(check(signTime), NOW), ['sealing_valid']);
  assertLinedUp(t, verification(check(signTime, { privateKey: generateKeyPair().privateKey }), NOW), ['seal_signature_fails']);
  assertLinedUp(t, verification({ ...check(signTime), maker: undefined }, NOW), ['maker_key_missing']);
  assertLinedUp(t, verification(check('2025-12-31T23:59:59.999Z'), NOW), ['seal_registered_after_sign_time', 'seal_window_not_yet_valid']);
  assertLinedUp(t, verification(check('2027-01-01T00:00:00.000Z'), NOW), ['seal_window_expired']);
  assertLinedUp(t, verification({ ...check(signTime), seal: revoked(signTime), source: 'recorded' }, NOW), ['seal_revoked']);
  assertLinedUp(t, verification({ ...check(signTime), seal: revoked('2026-04-01T00:00:00.000Z') }, NOW), ['seal_revoked_sign_time_claimed']);
  const c = check(signTime);
  const sealing = { documentSm3: DOC } as Sealing;
  assertLinedUp(t, verification(c, NOW, sealing, sm3Hex('another file')), ['document_differs']);
  assertLinedUp(t, notFound('seal_not_registered', { sealId: 'HN-SEAL-9' }, 'seal HN-SEAL-9 is not registered on the ledger', NOW), ['seal_not_registered']);
});
