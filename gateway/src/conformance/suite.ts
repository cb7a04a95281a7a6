import type { ExecutionContext, TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { MerkleTree, SM3, fromHex, hashLeaf, sign, sm3Hex, toHex, verifyInclusion } from '@henan-chain/crypto';
import { signedBytes } from '@henan-chain/chaincode';
import { organisationOf } from '../organisations';
import { ApiError } from '../errors';
import { GOVERNANCE, randomUscc, type TestGateway } from '../testing/harness';
import { createBody } from '../testing/case-fixtures';
import { issueBody, licenceFile } from '../testing/licence-fixtures';
import { sealRegistration } from '../testing/seal-fixtures';
import { type ConformanceTarget, type Party, agencyOf } from './target';

/**
 * The conformance suite: written once, run on the embedded ledger (conformance.test.ts, in `npm
 * test`) and on a real Fabric network (conformance.fabric.test.ts, in `npm run test:fabric`), so the
 * two ledgers cannot drift. Each test makes its own agencies, so the tests share a network safely.
 */
export interface ConformanceContext {
  target: ConformanceTarget;
}

type T = ExecutionContext<ConformanceContext>;

/** A write through `party`'s gateway; resolves once every gateway of the target indexed it (each from its own peer). */
async function write(t: T, party: Party, path: string, json: unknown, status = 200): Promise<any> {
  const reply = await party.gw.request('POST', path, { token: party.token, json });
  t.is(reply.status, status, `${path}: ${reply.text}`);
  if (reply.status === status && status < 300) await settled(t.context.target, reply.body.transaction.txId);
  return reply.body;
}

/** Waits until each gateway of the target has indexed `txId`: then its organisation's peer holds it too. */
async function settled(target: ConformanceTarget, txId: string): Promise<void> {
  await Promise.all([...new Set([target.province, target.city])].map((gw) => gw.indexed(txId)));
}

/** A refusal through `party`'s gateway: `status` and `code`, and `read` answers the same before and after. */
async function refused(t: T, party: Party, path: string, json: unknown, status: number, code: string, read: () => Promise<unknown>): Promise<void> {
  const before = await read();
  const reply = await party.gw.request('POST', path, { token: party.token, json });
  t.is(reply.status, status, `${path}: ${reply.text}`);
  t.is(reply.body?.error?.code, code, `${path}: ${reply.text}`);
  t.deepEqual(await read(), before, `${path} changed nothing`);
}

async function verdictOf(gw: TestGateway, body: Record<string, unknown>, kind = 'licence'): Promise<any> {
  const reply = await gw.request('POST', `/v1/verify/${kind}`, { json: body });
  if (reply.status !== 200) throw new Error(`verify ${kind}: ${reply.status} ${reply.text}`);
  return reply.body;
}

/** An issuing agency of the province for a licence type of its own, acting through `gw` (the province's gateway by default). */
async function provinceIssuer(t: T, gw?: TestGateway, options: { ownKey?: boolean } = {}) {
  const typeCode = randomUscc('110000') + String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0');
  const party = await agencyOf(t.context.target, 'province', { name: '河南省市场监督管理局', roles: ['issuer'], licenceTypes: [typeCode], ...options }, gw);
  return { ...party, typeCode, regionCode: '410000' };
}

export function conformanceSuite(test: TestFn<ConformanceContext>, open: () => Promise<ConformanceTarget>): void {
  test.before(async (t) => {
    t.context.target = await open();
  });
  test.after.always(async (t) => {
    await t.context.target?.close();
  });

  test('licence: issue, verify, suspend, reinstate, renew, revoke; verdicts carry the evidence of the ledger’s own block hash', async (t) => {
    const { target } = t.context;
    const issuer = await provinceIssuer(t);
    const file = licenceFile();
    const body = issueBody(issuer, file);
    const issued = await write(t, issuer, '/v1/licences', body, 201);
    t.like(issued.record, { licenceId: body.licenceId, status: 'valid', version: '001' });
    t.like(issued.transaction, { hashAlgorithm: target.hashAlgorithm });
    t.regex(issued.transaction.blockHash, /^[0-9a-f]{64}$/);

    const valid = await verdictOf(target.city, { id: body.licenceId, documentSm3: file.sm3 });
    t.is(valid.verdict, 'valid', 'the city verifies what the province issued');
    t.like(valid.evidence, { ...issued.transaction, issuanceTxId: issued.transaction.txId });
    t.is((await verdictOf(issuer.gw, { id: body.licenceId, documentSm3: sm3Hex('another file') })).verdict, 'tampered');

    const act = (action: string, status = 200) => write(t, issuer, `/v1/licences/${body.licenceId}/${action}`, { reason: `${action}: 依法处理` }, status);
    await act('suspend');
    t.is((await verdictOf(target.province, { id: body.licenceId })).verdict, 'suspended');
    t.is((await act('suspend', 409)).error.code, 'INVALID_STATE');
    await act('reinstate');
    t.is((await verdictOf(target.province, { id: body.licenceId })).verdict, 'valid');

    const renewed = await write(t, issuer, `/v1/licences/${body.licenceId}/renew`, { reason: 'renewal', issueDate: '2026-02-01', changes: { validUntil: '2031-02-01T00:00:00Z' } }, 201);
    t.like(renewed.record, { version: '002', supersedes: body.licenceId });
    t.is((await verdictOf(target.province, { id: body.licenceId })).verdict, 'superseded');
    const next: string = renewed.record.licenceId;
    await write(t, issuer, `/v1/licences/${next}/revoke`, { reason: '以欺骗手段取得' });
    const revoked = await verdictOf(target.city, { id: next });
    t.is(revoked.verdict, 'revoked');
    t.regex(revoked.reasons[0], /以欺骗手段取得/);

    const unknown = issueBody(issuer).licenceId;
    t.is((await verdictOf(target.city, { id: unknown })).verdict, 'not_found');
    const malformed = await target.province.request('POST', '/v1/verify/licence', { json: { id: 'not-a-licence-id' } });
    t.is(malformed.status, 400, malformed.text);
  });

  test('cross-organisation: the city cannot revoke the province’s licence, even with a request the province’s agency signed', async (t) => {
    const { target } = t.context;
    const issuer = await provinceIssuer(t, undefined, { ownKey: true });
    const body = issueBody(issuer);
    await write(t, issuer, '/v1/licences', body, 201);

    // A well-formed revocation, signed by the issuing agency with its registered key.
    const unsigned = { operation: 'licence.revoke', requestId: `xorg-${toHex(randomBytes(6))}`, agencyId: issuer.agencyId, keyId: issuer.keyId!, licenceId: body.licenceId, reason: '越权吊销' };
    const signed = JSON.stringify({ ...unsigned, signature: toHex(sign(signedBytes(unsigned), issuer.privateKey!)) });
    const city = organisationOf(target.city.gateway.services.wallet, 'ZhengzhouMSP')!;
    const error = await t.throwsAsync(target.city.gateway.services.ledger.submit(city.client, 'licence:revoke', [signed]), { instanceOf: ApiError });
    t.like(error, { status: 403, code: 'FORBIDDEN' });
    t.is((await verdictOf(target.city, { id: body.licenceId })).verdict, 'valid', 'nothing changed');

    // Over HTTP, a city agency is refused too.
    const cityAgency = await agencyOf(target, 'city', { name: '郑州市市场监督管理局', roles: ['issuer'], licenceTypes: [issuer.typeCode] });
    await refused(t, cityAgency, `/v1/licences/${body.licenceId}/revoke`, { reason: '越权吊销' }, 403, 'FORBIDDEN', async () => (await target.city.request('GET', `/v1/licences/${body.licenceId}`)).body);

    // The same signed request from the province's own organisation is accepted: only the organisation was wrong.
    const province = organisationOf(target.province.gateway.services.wallet, 'HenanProvinceMSP')!;
    const committed = await target.province.gateway.services.ledger.submit(province.client, 'licence:revoke', [signed]);
    await settled(target, committed.txId);
    t.is((await verdictOf(target.city, { id: body.licenceId })).verdict, 'revoked');
  });

  test('seal: a maker registers a seal, its owner seals a document, the sealing verifies; after revocation a new sealing is refused', async (t) => {
    const { target } = t.context;
    const maker = await agencyOf(target, 'province', { name: '河南省电子印章制作中心', roles: ['seal_maker'] });
    const owner = await agencyOf(target, 'province', { name: '河南省行政审批服务局', roles: ['seal_owner'] });
    const sealId = `HN-SEAL-${toHex(randomBytes(6))}`;
    const registered = await write(t, maker, '/v1/seals', sealRegistration(sealId, owner.agencyId), 201);
    t.is(registered.record.status, 'active');

    const documentSm3 = sm3Hex(`《行政许可决定书》${sealId}`);
    const sealed = await write(t, owner, '/v1/sealed-documents', { documentSm3, sealId, signTime: new Date().toISOString() }, 201);
    const verified = await verdictOf(target.city, { sealingId: sealed.record.sealingId }, 'sealed-document');
    t.is(verified.verdict, 'valid');
    t.like(verified.evidence, { txId: sealed.transaction.txId, blockHash: sealed.transaction.blockHash });
    t.is((await verdictOf(target.city, { sealingId: sealed.record.sealingId, documentSm3: sm3Hex('another') }, 'sealed-document')).verdict, 'tampered');

    await write(t, maker, `/v1/seals/${sealId}/revoke`, { reason: '印章遗失' });
    t.is((await target.city.request('GET', `/v1/seals/${sealId}`)).body.status, 'revoked');
    const late = await owner.gw.request('POST', '/v1/sealed-documents', { token: owner.token, json: { documentSm3: sm3Hex('later'), sealId, signTime: new Date().toISOString() } });
    t.true(late.status >= 400 && late.status < 500, late.text);
  });

  test('receipt between organisations: the city requests, the province replies and delivers, the city acknowledges; the wrong party is refused', async (t) => {
    const { target } = t.context;
    const consumer = await agencyOf(target, 'city', { name: '郑州市市场监督管理局', roles: ['consumer'] });
    const provider = await agencyOf(target, 'province', { name: '河南省公安厅', roles: ['provider'] });
    const receiptId = `RCPT-${toHex(randomBytes(6))}`;
    const base = `/v1/receipts/${receiptId}`;
    const read = async () => (await target.province.request('GET', base)).body;
    const delivery = { fingerprint: sm3Hex(`企业登记信息 ${receiptId}`), recordCount: 120, scope: '仅用于企业开办环节核验法定代表人身份', expiresAt: '2099-12-31T00:00:00Z' };

    const requested = await write(t, consumer, '/v1/receipts', { receiptId, providerId: provider.agencyId, catalogItemId: '11410000005184361T/00001', shareClass: 'conditional', purpose: '企业开办核验', legalBasis: '《政务数据共享条例》' }, 201);
    t.like(requested.record, { state: 'requested', consumerId: consumer.agencyId, providerId: provider.agencyId });
    await refused(t, consumer, `${base}/reply`, { decision: 'approved' }, 403, 'FORBIDDEN', read);
    await write(t, provider, `${base}/reply`, { decision: 'approved', conditions: '不得向第三方提供' });
    await write(t, provider, `${base}/delivery`, { delivery });
    await refused(t, provider, `${base}/ack`, { delivery }, 403, 'FORBIDDEN', read);
    const acked = await write(t, consumer, `${base}/ack`, { delivery });
    t.like(acked.record, { state: 'acknowledged', acknowledgement: { signedBy: { agencyId: consumer.agencyId } } });
    t.deepEqual(await read(), acked.record, 'both organisations’ peers hold the same receipt');
  });

  test('case across regions: the city collects and forwards, the province handles and delivers; each step by the wrong region is refused', async (t) => {
    const { target } = t.context;
    const collecting = await agencyOf(target, 'city', { name: '郑州市政务服务中心', roles: ['region'], regionCode: '410100' });
    const handling = await agencyOf(target, 'province', { name: '洛阳市政务服务中心', roles: ['region'], regionCode: '410300' });
    const caseId = `HN-${toHex(randomBytes(6))}`;
    const read = async () => (await target.province.request('GET', `/v1/cases/${caseId}`)).body;
    await write(t, collecting, '/v1/cases', createBody(handling.agencyId, caseId), 201);
    const steps: [Party, Record<string, unknown>, Party][] = [
      [collecting, { action: 'collect' }, handling],
      [collecting, { action: 'forward', opinion: '已核验身份' }, handling],
      [handling, { action: 'accept' }, collecting],
      [handling, { action: 'process' }, collecting],
      [handling, { action: 'conclude', outcome: 'denied', opinion: '材料不符合要求' }, collecting],
      [handling, { action: 'deliver' }, collecting],
    ];
    for (const [actor, json, other] of steps) {
      await refused(t, other, `/v1/cases/${caseId}/transitions`, json, 403, 'FORBIDDEN', read);
      await write(t, actor, `/v1/cases/${caseId}/transitions`, json);
    }
    const trail = await read();
    t.is(trail.state, 'delivered');
    t.deepEqual(trail.steps.map((s: any) => s.action), ['submit', ...steps.map(([, json]) => json.action)]);
    for (const step of trail.steps) t.like(step.signature, { status: 'valid', agencyId: step.agencyId });
  });

  test('anchor: two batches; an inclusion proof verifies against the root the ledger holds', async (t) => {
    const { target } = t.context;
    const agency = await agencyOf(target, 'province', { name: '河南省大数据管理局', roles: ['provider'] });
    const leaves = Array.from({ length: 7 }, () => toHex(randomBytes(32)));
    const first = await write(t, agency, '/v1/anchors', { leaves: leaves.slice(0, 4), description: '不动产登记电子证明 批次' }, 201);
    const second = await write(t, agency, '/v1/anchors', { leaves: leaves.slice(4), description: '不动产登记电子证明 批次' }, 201);
    t.like(second.batch, { sequence: 2, firstLeaf: 4, treeSize: 7 });
    t.is(second.record.root, toHex(MerkleTree.fromLeaves(SM3, leaves.map((l) => fromHex(l, 'leaf', 32))).root()));
    const reply = await target.city.request('GET', `/v1/anchors/${first.batch.anchorId}/proof?leaf=${leaves[2]}`);
    // The city's gateway holds no leaves of the province's agency: it answers from the province's.
    const proof = reply.status === 200 ? reply.body : (await target.province.request('GET', `/v1/anchors/${first.batch.anchorId}/proof?leaf=${leaves[2]}`)).body;
    t.like(proof, { leafIndex: 2, treeSize: 4, root: first.record.root, evidence: { txId: first.transaction.txId, blockHash: first.transaction.blockHash } });
    const path = proof.proof.map((h: string) => fromHex(h, 'proof', 32));
    t.true(verifyInclusion(SM3, 2, proof.treeSize, hashLeaf(SM3, fromHex(leaves[2]!, 'leaf')), path, fromHex(proof.root, 'root')));
  });

  test('agency: governance suspends an agency and its writes are refused; reinstated, it writes again', async (t) => {
    const { target } = t.context;
    const issuer = await provinceIssuer(t);
    const suspended = await target.province.request('POST', `/v1/agencies/${issuer.agencyId}/suspend`, { token: GOVERNANCE, json: { reason: '机构撤并' } });
    t.is(suspended.status, 200, suspended.text);
    await settled(target, suspended.body.transaction.txId);
    const refusedIssue = await issuer.gw.request('POST', '/v1/licences', { token: issuer.token, json: issueBody(issuer) });
    t.is(refusedIssue.status, 403, refusedIssue.text);
    t.is(refusedIssue.body.error.code, 'AGENCY_SUSPENDED');
    const reinstated = await target.province.request('POST', `/v1/agencies/${issuer.agencyId}/reinstate`, { token: GOVERNANCE, json: { reason: '恢复' } });
    t.is(reinstated.status, 200, reinstated.text);
    await settled(target, reinstated.body.transaction.txId);
    await write(t, issuer, '/v1/licences', issueBody(issuer), 201);
  });

  test('audit: a licence’s history from the ledger’s key history equals the gateway’s index, step by step', async (t) => {
    const { target } = t.context;
    const issuer = await provinceIssuer(t);
    const body = issueBody(issuer);
    const txIds = [(await write(t, issuer, '/v1/licences', body, 201)).transaction.txId];
    for (const action of ['suspend', 'reinstate', 'revoke']) txIds.push((await write(t, issuer, `/v1/licences/${body.licenceId}/${action}`, { reason: `依法${action}` })).transaction.txId);
    for (const gw of new Set([target.province, target.city])) {
      const reply = await gw.request('GET', `/v1/audit/history/licence/${body.licenceId}`, { token: GOVERNANCE });
      t.is(reply.status, 200, reply.text);
      t.deepEqual(reply.body.versions.map((v: any) => v.txId), txIds);
      t.deepEqual(reply.body.versions.map((v: any) => v.value.status), ['valid', 'suspended', 'valid', 'revoked']);
      t.true(reply.body.index.agrees, 'the ledger’s key history and the gateway’s index agree');
      t.deepEqual(reply.body.index.events.map((e: any) => e.action), ['issued', 'suspended', 'reinstated', 'revoked']);
    }
  });

  test('restart: a gateway indexes the events committed before it stopped, while it was stopped (through another gateway) and after, each once', async (t) => {
    const { target } = t.context;
    const first = await target.provinceGateway();
    const issuer = await provinceIssuer(t, first);
    const written: string[] = [];
    const issue = async (party: typeof issuer, wait: boolean) => {
      const reply = await party.gw.request('POST', '/v1/licences', { token: party.token, json: issueBody(party) });
      t.is(reply.status, 201, reply.text);
      if (wait) await party.gw.indexed(reply.body.transaction.txId);
      return reply.body.transaction.txId as string;
    };
    written.push(await issue(issuer, true));
    written.push(await issue(issuer, false)); // acknowledged, perhaps not yet indexed when the gateway stops
    await first.stop({ keepData: true });
    // On Fabric the chain goes on without it: another agency writes through the province's other gateway.
    const other = target.kind === 'fabric' ? await provinceIssuer(t) : undefined;
    const whileStopped = other ? [await issue(other, true), await issue(other, true)] : [];

    const second = await target.provinceGateway(first.dataDir);
    try {
      // Indexed in ledger order: once this one is, so is everything committed before it.
      written.push(await issue({ ...issuer, gw: second }, true));
      t.deepEqual(await indexedTxIds(second, issuer.agencyId), [...written].sort(), 'every event of the issuer once, none missing');
      if (other) t.deepEqual(await indexedTxIds(second, other.agencyId), [...whileStopped].sort(), 'and those committed while the gateway was stopped');
    } finally {
      await second.stop();
    }
  });
}

/** The transaction ids of every licence event of `agencyId` in `gw`'s index, page by page, sorted. */
async function indexedTxIds(gw: TestGateway, agencyId: string): Promise<string[]> {
  const txIds: string[] = [];
  let cursor = '';
  do {
    const page = await gw.request('GET', `/v1/audit/events?agency=${agencyId}&kind=licence&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: GOVERNANCE });
    if (page.status !== 200) throw new Error(`events: ${page.status} ${page.text}`);
    txIds.push(...page.body.events.map((e: { txId: string }) => e.txId));
    cursor = page.body.cursor;
  } while (cursor);
  return txIds.sort();
}
