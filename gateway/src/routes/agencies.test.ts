import test from 'ava';
import { canonicalBytes, generateKeyPair, sign, toHex } from '@henan-chain/crypto';
import { possessionStatement } from '@henan-chain/chaincode';
import { GOVERNANCE, startTestGateway, randomUscc } from '../testing/harness';
import { issueBody, newIssuer } from '../testing/licence-fixtures';
import { assertRefusals } from '../testing/refusals';

test('governance registers an agency; the agency reads back with its key; tokens are enforced', async (t) => {
  const gw = await startTestGateway();
  try {
    const agency = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['issuer'], licenceTypes: [randomUscc('110000') + '001'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
    t.truthy(agency.token);
    const read = await gw.request('GET', `/v1/agencies/${agency.agencyId}`);
    t.is(read.status, 200);
    t.is(read.body.name, '郑州市行政审批和政务信息管理局');
    t.is(read.body.keys.length, 1);

    const noToken = await gw.request('POST', '/v1/agencies', { json: {} });
    t.is(noToken.status, 401);
    t.is(noToken.body.error.code, 'UNAUTHENTICATED');
    const agencyToken = await gw.request('POST', '/v1/agencies', { token: agency.token, json: {} });
    t.is(agencyToken.status, 403);

    const rotated = await gw.request('POST', `/v1/agencies/${agency.agencyId}/keys`, { token: agency.token, json: { retireSigningKey: true } });
    t.is(rotated.status, 201, rotated.text);
    t.is(rotated.body.record.keys.length, 2);
    t.truthy(rotated.body.record.keys[0].validTo);
    t.regex(rotated.body.transaction.txId, /^[0-9a-f]{64}$/);

    const dup = await gw.request('POST', '/v1/agencies', { token: GOVERNANCE, json: { agencyId: agency.agencyId, name: 'x', regionCode: '410000', mspId: 'HenanProvinceMSP', roles: ['auditor'] } });
    t.is(dup.status, 409, dup.text);
    t.is(dup.body.error.code, 'ALREADY_EXISTS');
  } finally {
    await gw.stop();
  }
});

test('a retried rotation (same requestId) gets the first rotation back: no second key, and the gateway signs with the one on chain', async (t) => {
  const gw = await startTestGateway(); // its own ledger, so its height counts only this test's writes
  t.teardown(() => gw.stop());
  const agency = await gw.registerAgency({ name: '开封市行政审批服务局', roles: ['issuer'], licenceTypes: [randomUscc('110000') + '001'], regionCode: '410200' });
  const path = `/v1/agencies/${agency.agencyId}/keys`;
  const body = { retireSigningKey: true, requestId: `rotate-${agency.agencyId}` };
  const first = await gw.request('POST', path, { token: agency.token, json: body });
  t.is(first.status, 201, first.text);
  const height = await gw.gateway.services.ledger.height();

  const retried = await gw.request('POST', path, { token: agency.token, json: body });
  t.is(retried.status, 201, retried.text);
  t.deepEqual(retried.body, first.body, 'the first result, not a second rotation');
  t.is((await gw.gateway.services.ledger.height()).toString(), height.toString(), 'nothing was written');
  const keys = (await gw.request('GET', `/v1/agencies/${agency.agencyId}`)).body.keys;
  t.is(keys.length, 2);
  t.is((await gw.gateway.services.keys.active(agency.agencyId))?.keyId, keys[1].keyId, 'the key kept is the one the rotation registered');

  const other = await gw.request('POST', path, { token: agency.token, json: { ...body, retireSigningKey: false } });
  t.is(other.status, 409, other.text);
  t.is(other.body.error.code, 'REPLAY');
  // The gateway still signs for the agency, with its new key.
  const next = await gw.request('POST', path, { token: agency.token, json: { retireSigningKey: true } });
  t.is(next.status, 201, next.text);
  t.is(next.body.record.keys.length, 3);
});

test('a write the gateway signed, retried after the agency rotated its key, gets its first result', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const issuer = await newIssuer(gw);
  const body = { ...issueBody(issuer), requestId: `issue-${issuer.agencyId}` };
  const first = await gw.request('POST', '/v1/licences', { token: issuer.token, json: body });
  t.is(first.status, 201, first.text);
  const rotated = await gw.request('POST', `/v1/agencies/${issuer.agencyId}/keys`, { token: issuer.token, json: { retireSigningKey: true } });
  t.is(rotated.status, 201, rotated.text);

  const retried = await gw.request('POST', '/v1/licences', { token: issuer.token, json: body });
  t.is(retried.status, 201, retried.text);
  t.deepEqual(retried.body, first.body);
});

test('bad input to agencies is a specific 4xx and writes nothing', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const agency = await gw.registerAgency({ name: '洛阳市行政审批服务局', roles: ['consumer'], mspId: 'ZhengzhouMSP', regionCode: '410300' });
  const other = await gw.registerAgency({ name: '开封市行政审批服务局', roles: ['consumer'], regionCode: '410200' });
  const keyId: string = agency.record.keys[0].keyId;
  const otherKeyId: string = other.record.keys[0].keyId;
  const unknown = randomUscc();
  const fresh = randomUscc();
  const register = { agencyId: fresh, name: '平顶山市行政审批服务局', regionCode: '410400', mspId: 'HenanProvinceMSP', roles: ['consumer'] };
  const ownKey = generateKeyPair();
  const ownPublicKey = toHex(ownKey.publicKey);
  const possession = (agencyId: string) => toHex(sign(possessionStatement(agencyId, ownPublicKey), ownKey.privateKey));
  const signedRotation = { operation: 'agency.rotateKey', requestId: 'rotate-forged-1', agencyId: agency.agencyId, keyId, publicKey: ownPublicKey, proofOfPossession: possession(agency.agencyId), retireSigningKey: false };
  const keys = `/v1/agencies/${agency.agencyId}/keys`;
  const revoke = `/v1/agencies/${agency.agencyId}/keys/${keyId}/revoke`;
  const before = async () => ({
    height: (await gw.gateway.services.ledger.height()).toString(),
    agency: (await gw.request('GET', `/v1/agencies/${agency.agencyId}`)).body,
    other: (await gw.request('GET', `/v1/agencies/${other.agencyId}`)).body,
    kept: (await gw.gateway.services.keys.list(agency.agencyId)).length,
  });
  const state = await before();

  await assertRefusals(t, gw, [
    ['malformed JSON', 'POST', '/v1/agencies', { token: GOVERNANCE, raw: '{"agencyId": ', contentType: 'application/json' }, 400, 'MALFORMED_JSON'],
    ['a JSON string', 'POST', '/v1/agencies', { token: GOVERNANCE, raw: '"agency"', contentType: 'application/json' }, 400, 'MALFORMED_JSON'],
    ['oversize body', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, name: '局'.repeat(100_000) } }, 413, 'BODY_TOO_LARGE'],
    ['not JSON', 'POST', '/v1/agencies', { token: GOVERNANCE, raw: 'agencyId=x', contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['unknown field', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, colour: 'red' } }, 400, 'VALIDATION_FAILED'],
    ['wrong type', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, roles: 'consumer' } }, 400, 'VALIDATION_FAILED'],
    ['unknown role', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, roles: ['mayor'] } }, 400, 'VALIDATION_FAILED'],
    ['a name that is not Unicode text', 'POST', '/v1/agencies', { token: GOVERNANCE, raw: JSON.stringify(register).replace('平顶山', '\\ud800'), contentType: 'application/json' }, 400, 'VALIDATION_FAILED'],
    ['a key off the curve', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, publicKey: '04' + '11'.repeat(64), proofOfPossession: possession(fresh) } }, 400, 'VALIDATION_FAILED'],
    ['a key without its proof', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, publicKey: ownPublicKey } }, 400, 'VALIDATION_FAILED'],
    ['a proof without its key', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, proofOfPossession: possession(fresh) } }, 400, 'VALIDATION_FAILED'],
    ['a proof for another agency', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, publicKey: ownPublicKey, proofOfPossession: possession(unknown) } }, 422, 'SIGNATURE_INVALID'],
    ['bad credit code', 'POST', '/v1/agencies', { token: GOVERNANCE, json: { ...register, agencyId: fresh.slice(0, 17) + 'I' } }, 400, 'VALIDATION_FAILED'],
    ['no token', 'POST', '/v1/agencies', { json: register }, 401, 'UNAUTHENTICATED'],
    ['unknown token', 'POST', '/v1/agencies', { token: 'hnc_nobody', json: register }, 401, 'UNAUTHENTICATED'],
    ['an agency registers', 'POST', '/v1/agencies', { token: agency.token, json: register }, 403, 'FORBIDDEN'],
    ['an agency suspends itself', 'POST', `/v1/agencies/${agency.agencyId}/suspend`, { token: agency.token, json: { reason: 'x' } }, 403, 'FORBIDDEN'],
    ['suspend without reason', 'POST', `/v1/agencies/${agency.agencyId}/suspend`, { token: GOVERNANCE, json: {} }, 400, 'VALIDATION_FAILED'],
    ['suspend a malformed id', 'POST', '/v1/agencies/not-a-code/suspend', { token: GOVERNANCE, json: { reason: 'x' } }, 400, 'VALIDATION_FAILED'],
    ['suspend an unknown agency', 'POST', `/v1/agencies/${unknown}/suspend`, { token: GOVERNANCE, json: { reason: 'x' } }, 404, 'NOT_FOUND'],
    ['read a malformed id', 'GET', '/v1/agencies/not-a-code', {}, 400, 'VALIDATION_FAILED'],
    ['read an unknown agency', 'GET', `/v1/agencies/${unknown}`, {}, 404, 'NOT_FOUND'],
    ['rotate another agency\u2019s key', 'POST', `/v1/agencies/${other.agencyId}/keys`, { token: agency.token, json: {} }, 403, 'FORBIDDEN'],
    ['rotate naming another agency', 'POST', keys, { token: agency.token, json: { agencyId: other.agencyId } }, 403, 'FORBIDDEN'],
    ['rotate with a wrong type', 'POST', keys, { token: agency.token, json: { retireSigningKey: 'yes' } }, 400, 'VALIDATION_FAILED'],
    ['rotate with a bad request id', 'POST', keys, { token: agency.token, json: { requestId: 'x' } }, 400, 'VALIDATION_FAILED'],
    ['a signed rotation without the new key', 'POST', keys, { token: agency.token, json: { requestId: 'rotate-0001', agencyId: agency.agencyId, keyId, signature: '00'.repeat(64) } }, 400, 'VALIDATION_FAILED'],
    ['a forged rotation', 'POST', keys, { token: agency.token, json: { ...signedRotation, signature: toHex(sign(canonicalBytes(signedRotation), ownKey.privateKey)) } }, 422, 'SIGNATURE_INVALID'],
    ['governance adds a key to an unknown agency', 'POST', `/v1/agencies/${unknown}/keys`, { token: GOVERNANCE, json: {} }, 404, 'NOT_FOUND'],
    ['governance adds a key to a malformed id', 'POST', '/v1/agencies/not-a-code/keys', { token: GOVERNANCE, json: {} }, 400, 'VALIDATION_FAILED'],
    ['governance asks to retire the signing key', 'POST', keys, { token: GOVERNANCE, json: { retireSigningKey: true } }, 400, 'VALIDATION_FAILED'],
    ['governance sends a malformed request id', 'POST', keys, { token: GOVERNANCE, json: { requestId: 'gov 1' } }, 400, 'VALIDATION_FAILED'],
    ['revoke another agency\u2019s key', 'POST', `/v1/agencies/${other.agencyId}/keys/${otherKeyId}/revoke`, { token: agency.token, json: { reason: 'x' } }, 403, 'FORBIDDEN'],
    ['revoke a malformed key id', 'POST', `/v1/agencies/${agency.agencyId}/keys/not-a-key/revoke`, { token: GOVERNANCE, json: { reason: 'x' } }, 400, 'VALIDATION_FAILED'],
    ['revoke an unknown key', 'POST', `/v1/agencies/${agency.agencyId}/keys/${'a'.repeat(32)}/revoke`, { token: GOVERNANCE, json: { reason: 'x' } }, 422, 'KEY_NOT_FOUND'],
    ['revoke a key of an unknown agency', 'POST', `/v1/agencies/${unknown}/keys/${keyId}/revoke`, { token: GOVERNANCE, json: { reason: 'x' } }, 404, 'NOT_FOUND'],
    ['revoke with the body naming another key', 'POST', revoke, { token: agency.token, json: { reason: 'x', revokedKeyId: otherKeyId } }, 400, 'VALIDATION_FAILED'],
    ['governance revokes with the body naming another agency', 'POST', revoke, { token: GOVERNANCE, json: { reason: 'x', agencyId: other.agencyId } }, 400, 'VALIDATION_FAILED'],
    ['governance revokes with a signature', 'POST', revoke, { token: GOVERNANCE, json: { reason: 'x', signature: '00'.repeat(64) } }, 400, 'VALIDATION_FAILED'],
    ['revoke effective in the future', 'POST', revoke, { token: GOVERNANCE, json: { reason: 'x', effectiveFrom: '2999-01-01T00:00:00Z' } }, 400, 'VALIDATION_FAILED'],
  ]);
  // A malformed key id in the path is named as the path's, by whoever revokes.
  for (const token of [GOVERNANCE, agency.token]) {
    const badKey = await gw.request('POST', `/v1/agencies/${agency.agencyId}/keys/zz/revoke`, { token, json: { reason: 'x' } });
    t.regex(badKey.body.error.message, /^path\.keyId: /, badKey.text);
  }
  // A body whose bytes are not what its Content-Encoding says.
  for (const encoding of ['gzip', 'deflate', 'br']) {
    const res = await fetch(`${gw.url}/v1/agencies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GOVERNANCE}`, 'content-type': 'application/json', 'content-encoding': encoding },
      body: JSON.stringify(register),
    });
    t.is(res.status, 400, encoding);
    t.is(((await res.json()) as any).error.code, 'MALFORMED_JSON', encoding);
  }
  t.deepEqual(await before(), state, 'no agency, key or block was written');
  t.is((await gw.request('GET', `/v1/agencies/${fresh}`)).status, 404, 'nobody was registered');
});
