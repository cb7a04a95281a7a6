import { generateKeyPair, residentIdCheckCharacter, sm3Hex, toHex } from '@henan-chain/crypto';
import { keyIdOf } from '../agency/model';
import { type TestIssuer, get, holderCommitment, issueBody, issueLicence, licenceIdFor, newIssuer, rejectedAbsent, rejectedUnchanged, submitAs, verify } from './test-fixtures';
import { networkTest } from '../testing/network';

/** A well-formed resident ID number (the check character computed), which must never reach the chain. */
const ID_NUMBER = '41010219900307123' + residentIdCheckCharacter('41010219900307123');

const test = networkTest();

// ---------------------------------------------------------------------------------------------- issue

test('issue writes a valid licence with its issuance provenance and indexes', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const body = issueBody(issuer);
  const record = await issueLicence(net, issuer, body);
  t.is(record.kind, 'licence');
  t.is(record.status, 'valid');
  t.is(record.version, '001');
  t.is(record.issuerId, issuer.agencyId);
  t.is(record.issuerCodeForm, 'uscc');
  t.is(record.licenceTypeCode, issuer.typeCode);
  t.is(record.seriesId, (body.licenceId as string).split('.').slice(0, -2).join('.'));
  t.is(record.issuance.action, 'issue');
  t.is(record.issuance.keyId, issuer.keyId);
  t.deepEqual(record.lastAction, record.issuance);
  t.is(record.txId, record.issuance.txId);
  t.deepEqual(record.holder, body.holder);
  t.is(record.holderName, body.holderName);
  t.deepEqual(await get(net, record.licenceId), record);

  const byHolder = await net.evaluate(issuer.identity, 'licence:byHolder', (body.holder as any).commitment, '10', '');
  t.deepEqual(byHolder.records.map((r: any) => r.licenceId), [record.licenceId]);
  const byType = await net.evaluate(issuer.identity, 'licence:byIssuerType', issuer.agencyId, issuer.typeCode, '10', '');
  t.deepEqual(byType.records.map((r: any) => r.licenceId), [record.licenceId]);
  const result = await verify(net, record.licenceId, (body.document as any).sm3);
  t.is(result.verdict, 'valid');
  t.is(result.evidence.issuerKeyId, issuer.keyId);
  t.is(result.evidence.txId, record.txId);
});

test('issue emits a licence.issued event naming the record', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const request = net.signRequest(issuer, 'licence:issue', issueBody(issuer));
  const result = await net.ledger.submit(issuer.identity, 'licence:issue', [JSON.stringify(request)]);
  t.is(result.event?.eventName, 'licence.issued');
  const payload = JSON.parse(Buffer.from(result.event!.payload).toString('utf8'));
  t.like(payload, { kind: 'licence', id: request.licenceId, action: 'issued', agencyId: issuer.agencyId, txId: result.txId });
});

test('issue accepts the issuer part as the agency area code and records the form', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const record = await issueLicence(net, issuer, { licenceId: licenceIdFor(issuer, { issuerCode: issuer.regionCode }) });
  t.is(record.issuerCodeForm, 'area');
  t.is(record.issuerCode, issuer.regionCode);
  t.is(record.issuerId, issuer.agencyId);
});

test('issue canonicalises a UUID serial number in lower case', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const upper = licenceIdFor(issuer, { serialNumber: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' });
  const lower = upper.replace('A1B2C3D4E5F60718293A4B5C6D7E8F90', 'a1b2c3d4e5f60718293a4b5c6d7e8f90');
  const record = await issueLicence(net, issuer, { licenceId: lower });
  t.is(record.licenceId, upper);
  t.is((await get(net, lower)).licenceId, upper);
  t.is((await verify(net, upper)).verdict, 'valid');
});

test('issue is refused to a caller that is not an issuer of that type, or names another issuer', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const other = await newIssuer(net);
  const provider = await net.registerAgency({ name: '郑州市大数据管理局', org: 'city', roles: ['provider'] });
  // not an issuer at all
  const asProvider = issueBody(issuer);
  await rejectedAbsent(t, net, () => net.submitSigned(provider as TestIssuer, 'licence:issue', asProvider), 'FORBIDDEN', asProvider.licenceId as string);
  // an issuer, but of another type
  const otherType = issueBody(issuer, { licenceId: licenceIdFor(issuer, { typeCode: other.typeCode }) });
  await rejectedAbsent(t, net, () => net.submitSigned(issuer, 'licence:issue', otherType), 'FORBIDDEN', otherType.licenceId as string);
  // its own type, but in another agency's name
  const foreign = issueBody(issuer, { licenceId: licenceIdFor(issuer, { issuerCode: other.agencyId }) });
  await rejectedAbsent(t, net, () => net.submitSigned(issuer, 'licence:issue', foreign), 'FORBIDDEN', foreign.licenceId as string);
  // another area code than the agency's own
  const area = issueBody(issuer, { licenceId: licenceIdFor(issuer, { issuerCode: '410200' }) });
  await rejectedAbsent(t, net, () => net.submitSigned(issuer, 'licence:issue', area), 'FORBIDDEN', area.licenceId as string);
});

test('issue through the other organisation is refused, in both directions', async (t) => {
  const { net } = t.context;
  const city = await newIssuer(net, 'city');
  const province = await newIssuer(net, 'province', '河南省市场监督管理局');
  const [provinceClient, cityClient] = [await net.client('province'), await net.client('city')];
  const a = issueBody(city);
  await rejectedAbsent(t, net, () => submitAs(net, provinceClient, city, 'licence:issue', a), 'FORBIDDEN', a.licenceId as string);
  const b = issueBody(province);
  await rejectedAbsent(t, net, () => submitAs(net, cityClient, province, 'licence:issue', b), 'FORBIDDEN', b.licenceId as string);
});

test('a request refused for the wrong organisation leaves its request id unused', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const request = net.signRequest(issuer, 'licence:issue', issueBody(issuer));
  t.is(await net.errorCode(net.submit(await net.client('province'), 'licence:issue', JSON.stringify(request))), 'FORBIDDEN');
  const record = await net.submit(issuer.identity, 'licence:issue', JSON.stringify(request));
  t.is(record.status, 'valid');
});

test('issue rejects a bad signature, a replayed request id and an unregistered key', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  // bad signature: a field changed after signing
  const signed = net.signRequest(issuer, 'licence:issue', issueBody(issuer));
  const tampered = { ...signed, number: 'ZZ-0000001' };
  await rejectedAbsent(t, net, () => net.submit(issuer.identity, 'licence:issue', JSON.stringify(tampered)), 'SIGNATURE_INVALID', signed.licenceId as string);
  // replay: the same signed request twice
  const request = JSON.stringify(net.signRequest(issuer, 'licence:issue', issueBody(issuer)));
  const first = await net.submit(issuer.identity, 'licence:issue', request);
  t.is(await net.errorCode(net.submit(issuer.identity, 'licence:issue', request)), 'REPLAY');
  t.deepEqual(await get(net, first.licenceId), first);
  // a key the agency never registered
  const stray = generateKeyPair();
  const strayBody = issueBody(issuer);
  const strayRequest = net.signRequest(issuer, 'licence:issue', strayBody, { privateKey: stray.privateKey, keyId: keyIdOf(toHex(stray.publicKey)) });
  await rejectedAbsent(t, net, () => net.submit(issuer.identity, 'licence:issue', JSON.stringify(strayRequest)), 'KEY_NOT_FOUND', strayBody.licenceId as string);
});

test('issue passes only the signature gate: other organisation, bad signature, retired and revoked keys are refused', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const body = issueBody(issuer);
  t.deepEqual(await net.gateRejections(issuer, 'licence:issue', body), {
    wrongOrganisation: 'FORBIDDEN',
    badSignature: 'SIGNATURE_INVALID',
    retiredKey: 'KEY_NOT_VALID',
    revokedKey: 'KEY_NOT_VALID',
  });
  t.is(await net.errorCode(get(net, body.licenceId as string)), 'NOT_FOUND');
});

test('issue rejects malformed identifiers and content', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const good = licenceIdFor(issuer);
  const badCheck = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
  const attempts: Array<[Record<string, unknown>, string, string]> = [
    [{ licenceId: badCheck }, 'INVALID_IDENTIFIER', badCheck],
    [{ licenceId: licenceIdFor(issuer, { version: '002' }) }, 'VALIDATION_FAILED', ''],
    [{ holder: { commitment: holderCommitment(), codeType: '111' } }, 'VALIDATION_FAILED', ''], // a person's name
    [{ validFrom: '2026-02-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }, 'VALIDATION_FAILED', ''],
    [{ issueDate: '2026-02-30' }, 'VALIDATION_FAILED', ''],
    [{ issueDate: '2999-01-01' }, 'VALIDATION_FAILED', ''],
    [{ number: ID_NUMBER }, 'VALIDATION_FAILED', ''], // a resident ID number in the clear
    [{ metadata: { 备注: `持证人 ${ID_NUMBER}` } }, 'VALIDATION_FAILED', ''],
    [{ metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }, 'VALIDATION_FAILED', ''],
    [{ document: { sm3: sm3Hex('x'), size: 10, mediaType: 'image/png' } }, 'VALIDATION_FAILED', ''],
    [{ holderCode: '91410100MA0000000X' }, 'VALIDATION_FAILED', ''], // unknown field
  ];
  for (const [overrides, code, id] of attempts) {
    const body = issueBody(issuer, overrides);
    const licenceId = id || (body.licenceId as string);
    t.is(await net.errorCode(net.submitSigned(issuer, 'licence:issue', body)), code, JSON.stringify(overrides));
    if (code !== 'INVALID_IDENTIFIER') t.is(await net.errorCode(get(net, licenceId)), 'NOT_FOUND');
  }
});

test('issue refuses a licence that already exists', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const record = await issueLicence(net, issuer);
  await rejectedUnchanged(t, net, () => issueLicence(net, issuer, { licenceId: record.licenceId, name: '另一个' }), 'ALREADY_EXISTS', record.licenceId);
});
