import { generateKeyPair, sign, toHex } from '@henan-chain/crypto';
import { issueIdentity } from '@henan-chain/embedded-ledger';
import { issueLicence, newIssuer, verify } from '../licence/test-fixtures';
import { type TestAgency, type TestNetwork, freshKey, networkTest, randomUscc } from '../testing/network';
import { possessionStatement } from './agency-contract';
import { keyIdOf } from './model';

const test = networkTest();

/** A registration body for governance, with a fresh key and its proof of possession. */
function registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const agencyId = (overrides['agencyId'] as string | undefined) ?? randomUscc('410100');
  const keys = generateKeyPair();
  const publicKey = toHex(keys.publicKey);
  return {
    agencyId,
    name: '郑州市大数据管理局',
    regionCode: '410100',
    mspId: 'ZhengzhouMSP',
    roles: ['provider'],
    licenceTypes: [],
    publicKey,
    proofOfPossession: toHex(sign(possessionStatement(agencyId, publicKey), keys.privateKey)),
    ...overrides,
  };
}

/** A fresh key for `agency` and the proof that whoever registers it holds it. */
const governance = (net: TestNetwork, fn: string, body: Record<string, unknown>) =>
  net.submit(net.admins.province, fn, JSON.stringify(body));

const agencyRecord = (net: TestNetwork, agency: TestAgency) => net.evaluate(net.admins.city, 'agency:get', agency.agencyId);

// ------------------------------------------------------------------------------------------ governance

test('ping, submitted by any member, commits a transaction that reads, writes, emits and answers nothing', async (t) => {
  const { net } = t.context;
  for (const identity of [await net.client('city'), net.admins.province]) {
    const endorsement = await net.ledger.endorse(identity, 'agency:ping', []);
    t.deepEqual([endorsement.readSet, endorsement.rangeQueries, endorsement.writeSet, endorsement.event], [[], [], [], undefined]);
    t.is(endorsement.response.status, 200);
    const committed = await net.ledger.submit(identity, 'agency:ping', []);
    t.is(committed.payload.length, 0);
    t.is((await net.ledger.getTransaction(committed.txId))?.validationCode, 0);
  }
});

test('only an admin of the governance organisation registers, suspends and manages keys', async (t) => {
  const { net } = t.context;
  const notGovernance = {
    governanceClient: await net.client('province'),
    otherAdmin: net.admins.city,
  };
  for (const [who, identity] of Object.entries(notGovernance)) {
    const body = registration();
    t.is(await net.errorCode(net.submit(identity, 'agency:register', JSON.stringify(body))), 'FORBIDDEN', `${who} registers`);
    t.is(await net.errorCode(net.evaluate(net.admins.city, 'agency:get', body['agencyId'] as string)), 'NOT_FOUND');
  }
  const agency = await net.registerAgency({ name: '郑州市大数据管理局', org: 'city', roles: ['provider'] });
  const suspend = JSON.stringify({ agencyId: agency.agencyId, reason: '机构撤并' });
  t.is(await net.errorCode(net.submit(notGovernance.governanceClient, 'agency:suspend', suspend)), 'FORBIDDEN');
  t.is(await net.errorCode(net.submit(notGovernance.otherAdmin, 'agency:suspend', suspend)), 'FORBIDDEN');
  t.is((await agencyRecord(net, agency)).status, 'active');
});

test('a client certificate whose common name reads like an admin OU is not an admin', async (t) => {
  const { net } = t.context;
  // fabric-shim's ClientIdentity.getID() escapes only the first "/" of a value, so this subject renders
  // as ".../OU=client/CN=a\/b/OU=admin": the NodeOU must come from the certificate's own OU attributes.
  const spoof = await issueIdentity(net.msps.province, { commonName: 'a/b/OU=admin', nodeOU: 'client' });
  const body = registration();
  t.is(await net.errorCode(net.submit(spoof, 'agency:register', JSON.stringify(body))), 'FORBIDDEN');
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'agency:get', body['agencyId'] as string)), 'NOT_FOUND');

  const agency = await net.registerAgency({ name: '郑州市大数据管理局', org: 'city', roles: ['provider'] });
  const revoke = { agencyId: agency.agencyId, revokedKeyId: agency.keyId, reason: '私钥泄露' };
  t.is(await net.errorCode(net.submit(spoof, 'agency:revokeKey', JSON.stringify(revoke))), 'FORBIDDEN');
  t.is(await net.errorCode(net.submit(spoof, 'agency:suspend', JSON.stringify({ agencyId: agency.agencyId, reason: 'x' }))), 'FORBIDDEN');
  t.deepEqual((await agencyRecord(net, agency)).keys.map((k: any) => k.revokedAt), [undefined]);
});

test('registration needs proof of possession, the issuer role exactly with licence types, and a new id', async (t) => {
  const { net } = t.context;
  const other = registration();
  const reject = (body: Record<string, unknown>) => net.errorCode(governance(net, 'agency:register', body));
  t.is(await reject({ ...registration(), proofOfPossession: other['proofOfPossession'] }), 'SIGNATURE_INVALID', 'proof by another key');
  t.is(await reject(registration({ roles: ['issuer'], licenceTypes: [] })), 'VALIDATION_FAILED');
  t.is(await reject(registration({ roles: ['provider'], licenceTypes: [randomUscc() + '001'] })), 'VALIDATION_FAILED');
  t.is(await reject({ ...registration(), unknownField: 1 }), 'VALIDATION_FAILED');
  const body = registration({ roles: ['provider', 'consumer', 'provider'] });
  const agency = await governance(net, 'agency:register', body);
  t.deepEqual(agency.roles, ['consumer', 'provider']);
  t.is(agency.status, 'active');
  t.is(agency.keys[0].keyId, keyIdOf(body['publicKey'] as string));
  t.is(await reject(registration({ agencyId: body['agencyId'] })), 'ALREADY_EXISTS');
});

test('suspend and reinstate change the status once each; a suspended agency cannot write', async (t) => {
  const { net } = t.context;
  const agency = await net.registerAgency({ name: '郑州市大数据管理局', org: 'city', roles: ['provider'] });
  const body = { agencyId: agency.agencyId, reason: '机构撤并' };
  t.is((await governance(net, 'agency:suspend', body)).status, 'suspended');
  t.is(await net.errorCode(governance(net, 'agency:suspend', body)), 'INVALID_STATE');
  const key = freshKey(agency.agencyId);
  t.is(await net.errorCode(net.submitSigned(agency, 'agency:rotateKey', { ...key.body, retireSigningKey: false })), 'AGENCY_SUSPENDED');
  t.is((await governance(net, 'agency:reinstate', body)).status, 'active');
  t.is(await net.errorCode(governance(net, 'agency:reinstate', body)), 'INVALID_STATE');
  t.is((await net.submitSigned(agency, 'agency:rotateKey', { ...key.body, retireSigningKey: false })).keys.length, 2);
});

// ------------------------------------------------------------------------------------------------ keys

test('a rotation retires the old key for new requests, but what it signed before stays valid', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  const rotated = { ...(await net.rotateKey(issuer)), typeCode: issuer.typeCode };
  const record = await agencyRecord(net, issuer);
  const old = record.keys.find((k: any) => k.keyId === issuer.keyId);
  t.is(old.validTo, record.updatedAt, 'retired at the rotation');
  t.is(await net.errorCode(issueLicence(net, issuer)), 'KEY_NOT_VALID');
  t.is((await verify(net, licence.licenceId)).verdict, 'valid', 'signed while the old key was valid');
  t.is((await issueLicence(net, rotated)).status, 'valid');
  // validTo is inclusive: the rotation's own signature, by the key it retired, still checks.
  const history = await net.evaluate(net.admins.city, 'audit:history', 'agency', issuer.agencyId);
  t.deepEqual(history.versions.at(-1).signature, { status: 'valid', agencyId: issuer.agencyId, keyId: issuer.keyId });
  const again = { publicKey: rotated.publicKey, proofOfPossession: toHex(sign(possessionStatement(issuer.agencyId, rotated.publicKey), rotated.privateKey)) };
  t.is(await net.errorCode(net.submitSigned(rotated, 'agency:rotateKey', { ...again, retireSigningKey: false })), 'ALREADY_EXISTS', 'a key already registered');
});

test('a revocation counts from effectiveFrom: never later than now, never earlier than the key itself', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const before = await issueLicence(net, issuer);
  const revoke = (extra: Record<string, unknown>) =>
    governance(net, 'agency:revokeKey', { agencyId: issuer.agencyId, revokedKeyId: issuer.keyId, reason: '私钥泄露', ...extra });
  t.is(await net.errorCode(revoke({ effectiveFrom: '2099-01-01T00:00:00Z' })), 'VALIDATION_FAILED', 'in the future');
  t.is(await net.errorCode(revoke({ revokedKeyId: '0'.repeat(32) })), 'KEY_NOT_FOUND');
  const record = await revoke({ effectiveFrom: '2000-01-01T00:00:00Z' });
  const key = record.keys.find((k: any) => k.keyId === issuer.keyId);
  t.is(key.revokedAt, key.validFrom, 'dated back no further than the key existed');
  t.is(await net.errorCode(revoke({})), 'INVALID_STATE', 'already revoked');
  t.is((await verify(net, before.licenceId)).verdict, 'signature_invalid');
  t.is(await net.errorCode(issueLicence(net, issuer)), 'KEY_NOT_VALID');
});

test('an agency revokes its own key with a request signed by a current key', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const second = freshKey(issuer.agencyId);
  await net.submitSigned(issuer, 'agency:rotateKey', { ...second.body, retireSigningKey: false });
  const signedBySecond = { ...issuer, privateKey: second.privateKey, keyId: second.keyId };
  const licence = await issueLicence(net, signedBySecond);
  const record = await net.submitSigned(issuer, 'agency:revokeOwnKey', { revokedKeyId: second.keyId, reason: '密钥介质遗失' });
  t.is(record.keys.find((k: any) => k.keyId === second.keyId).revokedAt, record.updatedAt);
  t.is(record.lastAction.action, 'revokeOwnKey');
  t.is((await verify(net, licence.licenceId)).verdict, 'valid', 'signed before the revocation took effect');
  t.is(await net.errorCode(issueLicence(net, signedBySecond)), 'KEY_NOT_VALID');
  // It cannot date its own revocation back and so disown what it signed: that is governance's call.
  const backdated = { revokedKeyId: issuer.keyId, reason: '密钥泄露', effectiveFrom: new Date(Date.now() - 86_400_000).toISOString() };
  t.is(await net.errorCode(net.submitSigned(issuer, 'agency:revokeOwnKey', backdated)), 'FORBIDDEN');
  t.is((await verify(net, licence.licenceId)).verdict, 'valid');
  // Another agency cannot revoke this one's key, even with a request it signed properly.
  const outsider = await newIssuer(net);
  const foreign = { ...outsider, agencyId: issuer.agencyId };
  t.is(await net.errorCode(net.submitSigned(foreign, 'agency:revokeOwnKey', { revokedKeyId: issuer.keyId, reason: 'x' })), 'KEY_NOT_FOUND');
});

test('governance adds a key for an agency that lost its keys; the same key twice is refused', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  await net.revokeKey(issuer);
  const key = freshKey(issuer.agencyId);
  const record = await governance(net, 'agency:addKey', { agencyId: issuer.agencyId, ...key.body });
  t.deepEqual(record.keys.map((k: any) => k.keyId), [issuer.keyId, key.keyId]);
  t.is(await net.errorCode(governance(net, 'agency:addKey', { agencyId: issuer.agencyId, ...key.body })), 'ALREADY_EXISTS');
  const stolen = freshKey(randomUscc());
  t.is(await net.errorCode(governance(net, 'agency:addKey', { agencyId: issuer.agencyId, ...stolen.body })), 'SIGNATURE_INVALID', 'a proof made for another agency');
  t.is((await issueLicence(net, { ...issuer, privateKey: key.privateKey, keyId: key.keyId })).status, 'valid');
});

test('rotateKey and revokeOwnKey pass the signature gate first: wrong organisation, bad signature, retired and revoked keys', async (t) => {
  const { net } = t.context;
  const expected = { wrongOrganisation: 'FORBIDDEN', badSignature: 'SIGNATURE_INVALID', retiredKey: 'KEY_NOT_VALID', revokedKey: 'KEY_NOT_VALID' };
  const rotating = await net.registerAgency({ name: '郑州市大数据管理局', org: 'city', roles: ['provider'] });
  t.deepEqual(await net.gateRejections(rotating, 'agency:rotateKey', { ...freshKey(rotating.agencyId).body, retireSigningKey: false }), expected);
  const revoking = await net.registerAgency({ name: '河南省大数据管理局', org: 'province', roles: ['provider'] });
  t.deepEqual(await net.gateRejections(revoking, 'agency:revokeOwnKey', { revokedKeyId: revoking.keyId, reason: '私钥泄露' }), expected);
  // Only the two rotations gateRejections made itself, and governance's revocation of the second key, changed the records.
  for (const agency of [rotating, revoking]) {
    const record = await agencyRecord(net, agency);
    t.is(record.keys.length, 2);
    t.deepEqual(record.keys.map((k: any) => k.revocationReason), [undefined, 'compromised in a test']);
  }
});

// --------------------------------------------------------------------------------------------- reads

test('get refuses an id that is not a credit code with a structured error, and says when none is registered', async (t) => {
  const { net } = t.context;
  const ask = (fn: string, id: string) => net.errorCode(net.evaluate(net.admins.city, fn, id));
  for (const fn of ['agency:get', 'receipt:get', 'case:get']) {
    // An empty id reached fabric-shim's createCompositeKey, whose plain-text error the gateway cannot map.
    t.is(await ask(fn, ''), 'VALIDATION_FAILED', fn);
    t.is(await ask(fn, '\u0000'), 'VALIDATION_FAILED', fn);
  }
  t.is(await ask('agency:get', randomUscc()), 'NOT_FOUND');
  t.is(await ask('receipt:get', 'RCPT-000000000000'), 'NOT_FOUND');
  t.is(await ask('case:get', 'CASE-000000000000'), 'NOT_FOUND');
});

test('text that RFC 8785 cannot serialise (a lone surrogate) is refused as invalid input, and nothing changes', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const before = await net.evaluate(net.admins.province, 'agency:get', issuer.agencyId);
  // Written by hand: JSON.stringify keeps the lone surrogate as the escape \ud800.
  const body = `{"agencyId":"${issuer.agencyId}","reason":"\\ud800"}`;
  t.is(await net.errorCode(net.submit(net.admins.province, 'agency:suspend', body)), 'VALIDATION_FAILED');
  t.deepEqual(await net.evaluate(net.admins.province, 'agency:get', issuer.agencyId), before);
});

test('a blank reason (spaces, 全角空格) is refused as invalid input, and nothing changes', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const before = await net.evaluate(net.admins.province, 'agency:get', issuer.agencyId);
  for (const reason of ['   ', '\u3000\u3000', ' \u3000 ']) {
    const call = net.submit(net.admins.province, 'agency:suspend', JSON.stringify({ agencyId: issuer.agencyId, reason }));
    t.is(await net.errorCode(call), 'VALIDATION_FAILED', JSON.stringify(reason));
  }
  t.deepEqual(await net.evaluate(net.admins.province, 'agency:get', issuer.agencyId), before);
});
