import test from 'ava';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, sm3Hex } from '@henan-chain/crypto';
import { GOVERNANCE, randomUscc, startTestGateway, type TestGateway } from '../testing/harness';
import { issueBody, newIssuer } from '../testing/licence-fixtures';
import { sealKeyOwner } from '../seals/model';
import { sealRegistration } from '../testing/seal-fixtures';

// Keys the gateway makes are kept pending before their request is submitted, and promoted once it is
// committed. A crash in between is simulated by making the promotion fail once (the KeyStore's seam).

/** Makes the next promotion fail as a crash there would; tells which key was active at that moment. */
function crashAtNextPromotion(gw: TestGateway): { owner?: string; activeThen?: string } {
  const keys = gw.gateway.services.keys;
  const seen: { owner?: string; activeThen?: string } = {};
  keys.beforePromote = async (owner) => {
    keys.beforePromote = undefined;
    seen.owner = owner;
    seen.activeThen = (await keys.active(owner))?.keyId;
    throw new Error('simulated crash between the commit and keeping the key');
  };
  return seen;
}

/** The files of an owner's pending keys. */
async function pendingFiles(gw: TestGateway, owner: string): Promise<string[]> {
  return readdir(join(gw.dataDir, 'keys', owner, 'pending')).catch(() => []);
}

/** Every file and folder under DATA_DIR/keys. */
async function keysFolder(gw: TestGateway): Promise<string[]> {
  return (await readdir(join(gw.dataDir, 'keys'), { recursive: true })).sort();
}

const agencyKeys = async (gw: TestGateway, agencyId: string) => (await gw.request('GET', `/v1/agencies/${agencyId}`)).body.keys as { keyId: string; validTo?: string }[];

test('a key made by a retiring rotation survives a crash before it is kept: at restart it is promoted and the gateway signs with it', async (t) => {
  let gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const issuer = await newIssuer(gw);
  const [first] = await agencyKeys(gw, issuer.agencyId);

  const seen = crashAtNextPromotion(gw);
  const rotated = await gw.request('POST', `/v1/agencies/${issuer.agencyId}/keys`, { token: issuer.token, json: { retireSigningKey: true } });
  t.is(rotated.status, 500, rotated.text);
  const onChain = await agencyKeys(gw, issuer.agencyId);
  t.is(onChain.length, 2, 'the rotation was committed');
  t.truthy(onChain[0]!.validTo, 'and retired the key the gateway signed with');
  const made = onChain[1]!.keyId;
  t.is(seen.activeThen, first!.keyId, 'after the commit, before promotion, the new key was not the active one');
  t.is((await gw.gateway.services.keys.active(issuer.agencyId))?.keyId, first!.keyId, 'a pending key is never the active one');
  t.deepEqual(await pendingFiles(gw, issuer.agencyId), [`${made}.key.pem`], 'the new key is kept, pending');
  t.is((await stat(join(gw.dataDir, 'keys', issuer.agencyId, 'pending', `${made}.key.pem`))).mode & 0o777, 0o600);
  const stuck = await gw.request('POST', '/v1/licences', { token: issuer.token, json: issueBody(issuer) });
  t.is(stuck.status, 422, 'signed with the retired key, the chain refuses the write');

  const { dataDir } = gw;
  await gw.stop({ keepData: true });
  gw = await startTestGateway({ dataDir });
  t.is((await gw.gateway.services.keys.active(issuer.agencyId))?.keyId, made, 'at start, the pending key on chain was promoted');
  t.deepEqual(await pendingFiles(gw, issuer.agencyId), []);
  const issued = await gw.request('POST', '/v1/licences', { token: issuer.token, json: issueBody(issuer) });
  t.is(issued.status, 201, issued.text);
  t.is(issued.body.record.lastAction.keyId, made, 'the gateway signs with the new key');
});

test('a replay of the request (same requestId) settles a key whose keeping failed, without a restart', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const issuer = await newIssuer(gw);
  const path = `/v1/agencies/${issuer.agencyId}/keys`;
  const body = { retireSigningKey: true, requestId: `rotate-${issuer.agencyId}` };

  crashAtNextPromotion(gw);
  t.is((await gw.request('POST', path, { token: issuer.token, json: body })).status, 500);
  const made = (await agencyKeys(gw, issuer.agencyId))[1]!.keyId;
  const height = await gw.gateway.services.ledger.height();

  const replayed = await gw.request('POST', path, { token: issuer.token, json: body });
  t.is(replayed.status, 201, replayed.text);
  t.is(replayed.body.record.keys[1].keyId, made, 'the first rotation, as committed');
  t.is((await gw.gateway.services.ledger.height()).toString(), height.toString(), 'nothing was written again');
  t.is((await gw.gateway.services.keys.active(issuer.agencyId))?.keyId, made);
  t.deepEqual(await pendingFiles(gw, issuer.agencyId), []);
  const issued = await gw.request('POST', '/v1/licences', { token: issuer.token, json: issueBody(issuer) });
  t.is(issued.status, 201, issued.text);
  t.is(issued.body.record.lastAction.keyId, made);
});

test('a seal key and a new agency\u2019s key survive the same crash: after a restart the owner seals, and the agency writes, through the gateway', async (t) => {
  let gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const maker = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['seal_maker'] });
  const owner = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['seal_owner'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const sealId = `ZZ-CRASH-${Date.now()}`;
  const sealCrash = crashAtNextPromotion(gw);
  t.is((await gw.request('POST', '/v1/seals', { token: maker.token, json: sealRegistration(sealId, owner.agencyId) })).status, 500);
  t.is(sealCrash.owner, sealKeyOwner(sealId));
  const sealKey = (await gw.request('GET', `/v1/seals/${sealId}`)).body.publicKey as string;
  const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { sealId, documentSm3: sm3Hex('决定书') } });
  t.is(sealed.status, 422, 'before the restart the seal key is only pending: the gateway does not seal with it');
  t.is(sealed.body.error.code, 'NO_SIGNING_KEY');

  const agencyId = randomUscc('410200');
  crashAtNextPromotion(gw);
  const registered = await gw.request('POST', '/v1/agencies', {
    token: GOVERNANCE,
    json: { agencyId, name: '开封市行政审批服务局', regionCode: '410200', mspId: 'HenanProvinceMSP', roles: ['consumer'] },
  });
  t.is(registered.status, 500, 'registered on chain, its key not yet kept');

  const { dataDir } = gw;
  await gw.stop({ keepData: true });
  gw = await startTestGateway({ dataDir });
  t.is((await gw.gateway.services.keys.active(sealKeyOwner(sealId)))?.publicKey, sealKey);
  const resealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { sealId, documentSm3: sm3Hex('决定书') } });
  t.is(resealed.status, 201, resealed.text);

  // The registration's token was never returned: governance issues one, and the gateway signs with the kept key.
  const issued = await gw.request('POST', `/v1/agencies/${agencyId}/tokens`, { token: GOVERNANCE, json: {} });
  t.is(issued.status, 201, issued.text);
  const [kept] = await agencyKeys(gw, agencyId);
  t.is((await gw.gateway.services.keys.active(agencyId))?.keyId, kept!.keyId);
  const rotated = await gw.request('POST', `/v1/agencies/${agencyId}/keys`, { token: issued.body.token, json: {} });
  t.is(rotated.status, 201, rotated.text);
  t.is(rotated.body.record.lastAction.keyId, kept!.keyId, 'signed with the key kept at restart');
  t.deepEqual(await gw.gateway.services.keys.pendingOwners(), []);
});

test('a refused submission leaves no pending key, and the keys folder as it was; a pending key whose request never reached the chain is deleted at start', async (t) => {
  let gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const keys = () => gw.gateway.services.keys;
  const agency = await gw.registerAgency({ name: '洛阳市行政审批服务局', roles: ['consumer'], regionCode: '410300' });
  const [kept] = await agencyKeys(gw, agency.agencyId);
  const before = await keysFolder(gw);

  const again = await gw.request('POST', '/v1/agencies', {
    token: GOVERNANCE,
    json: { agencyId: agency.agencyId, name: '洛阳市行政审批服务局', regionCode: '410300', mspId: 'HenanProvinceMSP', roles: ['consumer'] },
  });
  t.is(again.status, 409, again.text);
  const unknown = randomUscc();
  t.is((await gw.request('POST', `/v1/agencies/${unknown}/keys`, { token: GOVERNANCE, json: {} })).status, 404);
  const sealId = `LY-REFUSED-${Date.now()}`;
  const seal = await gw.request('POST', '/v1/seals', {
    token: agency.token,
    json: sealRegistration(sealId, agency.agencyId),
  });
  t.is(seal.status, 403, `not a seal maker: ${seal.text}`);
  for (const owner of [agency.agencyId, unknown, sealKeyOwner(sealId)]) t.deepEqual(await pendingFiles(gw, owner), [], owner);
  t.deepEqual(await keys().pendingOwners(), []);
  t.deepEqual(await keysFolder(gw), before, 'no folder made for a refused key is left behind');
  t.is((await keys().active(agency.agencyId))?.keyId, kept!.keyId);

  // A crash after a key was kept pending and before its request was submitted.
  const orphan = await keys().addPending(agency.agencyId, generateKeyPair().privateKey);
  const orphanSeal = await keys().addPending(sealKeyOwner(sealId), generateKeyPair().privateKey);
  t.deepEqual((await keys().pendingOwners()).sort(), [agency.agencyId, sealKeyOwner(sealId)].sort());
  const { dataDir } = gw;
  await gw.stop({ keepData: true });
  gw = await startTestGateway({ dataDir });
  t.deepEqual(await keys().pendingOwners(), [], `deleted: ${orphan.keyId}, ${orphanSeal.keyId}`);
  t.deepEqual(await pendingFiles(gw, agency.agencyId), []);
  t.is((await keys().active(agency.agencyId))?.keyId, kept!.keyId, 'the active key is untouched');
  t.is((await keys().list(sealKeyOwner(sealId))).length, 0);
  const rotated = await gw.request('POST', `/v1/agencies/${agency.agencyId}/keys`, { token: agency.token, json: {} });
  t.is(rotated.status, 201, rotated.text);
  t.is(rotated.body.record.lastAction.keyId, kept!.keyId);
});
