import { nextLicenceVersion, sm3Hex } from '@henan-chain/crypto';
import { type TestNetwork, freshKey } from '../testing/network';
import { type TestIssuer, get, issueLicence, newIssuer, rejectedAbsent, rejectedUnchanged, submitAs, verify } from './test-fixtures';
import { networkTest } from '../testing/network';

const test = networkTest();

function renewBody(previous: any, changes: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { previousLicenceId: previous.licenceId, licenceId: nextLicenceVersion(previous.licenceId), reason: 'renewal', issueDate: '2026-06-01', changes, ...overrides };
}

function statusBody(licence: any, reason = '经营场所与登记不符'): Record<string, unknown> {
  return { licenceId: licence.licenceId, reason };
}

async function setStatus(net: TestNetwork, issuer: TestIssuer, act: string, licence: any, reason?: string): Promise<any> {
  return net.submitSigned(issuer, `licence:${act}`, statusBody(licence, reason));
}

// ---------------------------------------------------------------------------------------------- renew

test('renew writes the next version, carries unchanged fields and supersedes the previous one', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const first = await issueLicence(net, issuer, { validUntil: '2027-01-05T00:00:00Z' });
  const document = { sm3: sm3Hex('renewed'), size: 50000, mediaType: 'application/pdf' };
  const request = JSON.stringify(net.signRequest(issuer, 'licence:renew', renewBody(first, { validUntil: '2032-01-05T00:00:00Z', document })));
  const second = await net.submit(issuer.identity, 'licence:renew', request);
  await rejectedUnchanged(t, net, () => net.submit(issuer.identity, 'licence:renew', request), 'REPLAY', second.licenceId);

  t.is(second.version, '002');
  t.is(second.licenceId, nextLicenceVersion(first.licenceId));
  t.is(second.status, 'valid');
  t.is(second.supersedes, first.licenceId);
  t.is(second.renewalReason, 'renewal');
  t.is(second.validUntil, '2032-01-05T00:00:00Z');
  t.deepEqual(second.document, document);
  t.is(second.issueDate, '2026-06-01');
  for (const carried of ['name', 'number', 'holder', 'holderName', 'validFrom', 'areaCode', 'metadata', 'seriesId', 'issuerId', 'licenceTypeCode']) {
    t.deepEqual(second[carried], first[carried], carried);
  }
  t.is(second.issuance.action, 'renew');
  t.is(second.createdAt, second.updatedAt);

  const old = await get(net, first.licenceId);
  t.is(old.status, 'superseded');
  t.is(old.supersededBy, second.licenceId);
  t.is(old.lastAction.action, 'renew');
  t.deepEqual(old.issuance, first.issuance); // the original issuing signature stays checkable
  t.deepEqual(
    (await net.evaluate(issuer.identity, 'licence:versions', second.licenceId)).map((v: any) => v.licenceId),
    [first.licenceId, second.licenceId],
  );
  t.is((await verify(net, first.licenceId)).verdict, 'superseded');
  t.is((await verify(net, second.licenceId)).verdict, 'valid');
});

test('a change (变更) replaces the metadata map and the legal entity name', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const first = await issueLicence(net, issuer);
  const second = await net.submitSigned(
    issuer,
    'licence:renew',
    renewBody(first, { holderName: '郑州新名称科技有限公司', metadata: { 经营范围: '软件开发；数据服务' } }, { reason: 'change' }),
  );
  t.is(second.renewalReason, 'change');
  t.is(second.holderName, '郑州新名称科技有限公司');
  t.deepEqual(second.metadata, { 经营范围: '软件开发；数据服务' });
  t.is((await get(net, first.licenceId)).statusReason, 'change (变更)');
});

test('renew is allowed from suspended and the new version is valid', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const first = await issueLicence(net, issuer);
  await setStatus(net, issuer, 'suspend', first);
  const second = await net.submitSigned(issuer, 'licence:renew', renewBody(first, { name: '营业执照（副本）' }));
  t.is(second.status, 'valid');
  t.is((await get(net, first.licenceId)).status, 'superseded');
});

test('renew refuses a wrong next identifier, no change, an issue date before the previous one, another issuer, the wrong organisation and a dead licence', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const first = await issueLicence(net, issuer);
  const skip = nextLicenceVersion(nextLicenceVersion(first.licenceId));
  await rejectedUnchanged(t, net, () => net.submitSigned(issuer, 'licence:renew', renewBody(first, { name: 'x' }, { licenceId: skip })), 'VALIDATION_FAILED', first.licenceId);
  await rejectedUnchanged(t, net, () => net.submitSigned(issuer, 'licence:renew', renewBody(first, {})), 'VALIDATION_FAILED', first.licenceId);
  // issued before the version it replaces (2026-01-05)
  await rejectedUnchanged(
    t,
    net,
    () => net.submitSigned(issuer, 'licence:renew', renewBody(first, { name: 'x' }, { issueDate: '2026-01-04' })),
    'VALIDATION_FAILED',
    first.licenceId,
  );
  await rejectedUnchanged(
    t,
    net,
    () => net.submitSigned(issuer, 'licence:renew', renewBody(first, { holderName: 'x' }, { reason: 'transfer' })),
    'VALIDATION_FAILED',
    first.licenceId,
  );
  // another issuer of the same type
  const rival = await net.registerAgency({ name: '郑州市金水区市场监督管理局', org: 'city', roles: ['issuer'], licenceTypes: [issuer.typeCode] });
  await rejectedUnchanged(t, net, () => net.submitSigned(rival, 'licence:renew', renewBody(first, { name: 'x' })), 'FORBIDDEN', first.licenceId);
  await rejectedUnchanged(
    t,
    net,
    () => submitAs(net, net.admins.province, issuer, 'licence:renew', renewBody(first, { name: 'x' })),
    'FORBIDDEN',
    first.licenceId,
  );
  t.is(await net.errorCode(get(net, nextLicenceVersion(first.licenceId))), 'NOT_FOUND');

  // a superseded version cannot be renewed again, nor can a revoked one
  const second = await net.submitSigned(issuer, 'licence:renew', renewBody(first, { name: '营业执照' }, { issueDate: '2026-02-01' }));
  await rejectedUnchanged(t, net, () => net.submitSigned(issuer, 'licence:renew', renewBody(first, { name: 'y' })), 'INVALID_STATE', first.licenceId);
  await setStatus(net, issuer, 'revoke', second);
  await rejectedAbsent(
    t,
    net,
    () => net.submitSigned(issuer, 'licence:renew', renewBody(second, { name: 'z' })),
    'INVALID_STATE',
    nextLicenceVersion(second.licenceId),
  );
});

// --------------------------------------------------------------------------------------------- status

test('suspend, reinstate, revoke: each changes status, reason and provenance', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);

  const suspended = await setStatus(net, issuer, 'suspend', licence, '涉嫌虚假登记');
  t.is(suspended.status, 'suspended');
  t.is(suspended.statusReason, '涉嫌虚假登记');
  t.is(suspended.lastAction.action, 'suspend');
  t.not(suspended.txId, licence.txId);
  t.deepEqual(suspended.issuance, licence.issuance);
  t.is((await verify(net, licence.licenceId)).verdict, 'suspended');

  const reinstated = await setStatus(net, issuer, 'reinstate', licence, '核查无误');
  t.is(reinstated.status, 'valid');
  t.is((await verify(net, licence.licenceId)).verdict, 'valid');

  const revoked = await setStatus(net, issuer, 'revoke', licence, '以欺骗手段取得许可');
  t.is(revoked.status, 'revoked');
  const result = await verify(net, licence.licenceId);
  t.is(result.verdict, 'revoked');
  t.true(result.reasons[0].includes(issuer.name), result.reasons[0]);
  t.true(result.reasons[0].includes('以欺骗手段取得许可'));
  t.true(result.reasons[0].startsWith('revoked (吊销) on '));
});

test('cancel (撤销/注销) is terminal', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  t.is((await setStatus(net, issuer, 'cancel', licence, '主体申请注销')).status, 'cancelled');
  t.is((await verify(net, licence.licenceId)).verdict, 'cancelled');
  for (const act of ['suspend', 'reinstate', 'revoke', 'cancel']) {
    await rejectedUnchanged(t, net, () => setStatus(net, issuer, act, licence), 'INVALID_STATE', licence.licenceId);
  }
});

test('status changes refuse the wrong transition, another agency, the wrong organisation and replays', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  const id = licence.licenceId;
  await rejectedUnchanged(t, net, () => setStatus(net, issuer, 'reinstate', licence), 'INVALID_STATE', id);

  const rival = await net.registerAgency({ name: '开封市市场监督管理局', org: 'city', roles: ['issuer'], licenceTypes: [issuer.typeCode] });
  await rejectedUnchanged(t, net, () => net.submitSigned(rival, 'licence:revoke', statusBody(licence)), 'FORBIDDEN', id);
  const provinceClient = await net.client('province');
  await rejectedUnchanged(t, net, () => submitAs(net, provinceClient, issuer, 'licence:suspend', statusBody(licence)), 'FORBIDDEN', id);

  const bad = { ...net.signRequest(issuer, 'licence:revoke', statusBody(licence)), reason: '改过的理由' };
  await rejectedUnchanged(t, net, () => net.submit(issuer.identity, 'licence:revoke', JSON.stringify(bad)), 'SIGNATURE_INVALID', id);

  const suspend = JSON.stringify(net.signRequest(issuer, 'licence:suspend', statusBody(licence)));
  await net.submit(issuer.identity, 'licence:suspend', suspend);
  await net.submitSigned(issuer, 'licence:reinstate', statusBody(licence));
  await rejectedUnchanged(t, net, () => net.submit(issuer.identity, 'licence:suspend', suspend), 'REPLAY', id);

  await rejectedUnchanged(t, net, () => net.submitSigned(issuer, 'licence:suspend', { licenceId: id, reason: '' }), 'VALIDATION_FAILED', id);
  const badId = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
  t.is(await net.errorCode(net.submitSigned(issuer, 'licence:suspend', { licenceId: badId, reason: 'x' })), 'INVALID_IDENTIFIER');
  t.is(await net.errorCode(net.submitSigned(issuer, 'licence:suspend', { licenceId: nextLicenceVersion(id), reason: 'x' })), 'NOT_FOUND');
});

test('a suspended agency can change nothing', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  await net.submit(net.admins.province, 'agency:suspend', JSON.stringify({ agencyId: issuer.agencyId, reason: '整改' }));
  await rejectedUnchanged(t, net, () => setStatus(net, issuer, 'revoke', licence), 'AGENCY_SUSPENDED', licence.licenceId);
});

// Each write behind the signature gate: the other organisation, a signature not covering the request,
// a retired key and a revoked key are refused, and the licence stays as it was.
for (const act of ['renew', 'suspend', 'reinstate', 'revoke', 'cancel']) {
  test(`${act} is refused through the wrong organisation, with a bad signature, a retired or a revoked key`, async (t) => {
    const { net } = t.context;
    const issuer = await newIssuer(net);
    const licence = await issueLicence(net, issuer);
    if (act === 'reinstate') await setStatus(net, issuer, 'suspend', licence);
    const before = await get(net, licence.licenceId);
    const body = act === 'renew' ? renewBody(licence, { name: '营业执照' }) : statusBody(licence);
    t.deepEqual(await net.gateRejections(issuer, `licence:${act}`, body), {
      wrongOrganisation: 'FORBIDDEN',
      badSignature: 'SIGNATURE_INVALID',
      retiredKey: 'KEY_NOT_VALID',
      revokedKey: 'KEY_NOT_VALID',
    });
    t.deepEqual(await get(net, licence.licenceId), before);
  });
}

test('a revocation signed with a key revoked from before it stands, says so, and the issuer may undo it with a valid key', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  const second = freshKey(issuer.agencyId);
  await net.submitSigned(issuer, 'agency:rotateKey', { ...second.body, retireSigningKey: false });
  const withSecond = { ...issuer, privateKey: second.privateKey, keyId: second.keyId };
  const revoked = await setStatus(net, withSecond, 'revoke', licence, '以欺骗手段取得');
  // The second key turns out to have leaked before that revocation: governance revokes it from then.
  const leakedAt = new Date(Date.parse(revoked.statusChangedAt) - 1000).toISOString();
  await net.submit(net.admins.province, 'agency:revokeKey', JSON.stringify({ agencyId: issuer.agencyId, revokedKeyId: second.keyId, effectiveFrom: leakedAt, reason: '私钥泄露' }));

  const doubted = await verify(net, licence.licenceId);
  t.is(doubted.verdict, 'revoked', 'the gravest reading stands until the issuer acts');
  t.regex(doubted.reasons[0], /no longer holds .*revoked.*may reinstate/);
  await rejectedUnchanged(t, net, () => setStatus(net, withSecond, 'reinstate', licence), 'KEY_NOT_VALID', licence.licenceId);
  const reinstated = await setStatus(net, issuer, 'reinstate', licence, '吊销指令系冒用密钥所签，予以撤回');
  t.is(reinstated.status, 'valid');
  t.is((await verify(net, licence.licenceId)).verdict, 'valid');

  // A revocation whose signature holds stays final.
  const other = await issueLicence(net, issuer);
  await setStatus(net, issuer, 'revoke', other);
  t.notRegex((await verify(net, other.licenceId)).reasons[0], /no longer holds/);
  await rejectedUnchanged(t, net, () => setStatus(net, issuer, 'reinstate', other), 'INVALID_STATE', other.licenceId);
});
