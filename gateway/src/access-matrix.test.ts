// The access-control matrix: every write route, each sent by everyone who must not make it — another
// agency of the same organisation, an agency of another organisation, governance acting as an agency,
// the owner while suspended, the owner whose key was revoked, the owner with a revoked token — and each
// refused with its status and code, with nothing written. Then the owner makes it, so that each refusal
// is shown to be about who asked and not about the request.
import test from 'ava';
import { createHash, randomInt } from 'node:crypto';
import { buildLicenceId } from '@henan-chain/crypto';
import { DEMO_AGENCIES, LICENCE_TYPES, type DemoAgencyKey } from './demo/agencies';
import { seedDemo } from './demo/seed';
import { httpClient } from './http/client';
import { GOVERNANCE, randomUscc, startTestGateway } from './testing/harness';

const DAY = 86_400_000;
const sm3 = (data: string) => createHash('sm3').update(data).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString();

type Agent = DemoAgencyKey | 'zhengzhouPeer';
type Variant = 'sameOrganisation' | 'otherOrganisation' | 'governance' | 'suspended' | 'revokedKey' | 'revokedToken' | 'agency';

/** A write route and how its owner makes it; `request` is asked when the route's turn comes (it may name what earlier routes made). */
interface WriteRoute {
  route: string;
  owner: Agent | 'governance';
  request(): { path: string; body: Record<string, unknown> };
  /** Status of the owner's own request. */
  status: number;
  /** The other agencies, of the owner's organisation and of another one; for governance routes, the agencies that try. */
  others: { sameOrganisation: Agent; otherOrganisation: Agent };
  /**
   * Callers left out, because the route lets them: governance adds keys to and revokes tokens of any agency;
   * a token's revocation is the gateway's, so no key signs it.
   */
  allowed?: Variant[];
  /** Whose record another agency claims to act on: for an anchor batch, which is always the caller's own, the body names the owner. */
  claimsOwner?: boolean;
}

/** What each refusal must be: status and code. */
const EXPECTED: Record<Variant, [number, string]> = {
  sameOrganisation: [403, 'FORBIDDEN'],
  otherOrganisation: [403, 'FORBIDDEN'],
  governance: [403, 'FORBIDDEN'],
  suspended: [403, 'AGENCY_SUSPENDED'],
  revokedKey: [422, 'KEY_NOT_VALID'],
  revokedToken: [401, 'TOKEN_REVOKED'],
  agency: [403, 'FORBIDDEN'],
};

test('every write route refuses everyone but its owner, with the right status and code, and writes nothing', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const call = httpClient(gw.url);
  const now = Date.now();
  const demo = await seedDemo(call, GOVERNANCE, { startedAt: now, tokens: {} }, async () => undefined);
  const tokens: Record<Agent, string> = Object.fromEntries(
    (Object.keys(DEMO_AGENCIES) as DemoAgencyKey[]).map((key) => [key, demo.tokens.find((x) => x.label === DEMO_AGENCIES[key].name)!.token]),
  ) as Record<Agent, string>;
  const ids: Record<Agent, string> = Object.fromEntries(Object.entries(DEMO_AGENCIES).map(([key, a]) => [key, a.agencyId])) as Record<Agent, string>;
  // A second agency of Zhengzhou's organisation, with every role, so that the same-organisation case has one.
  const peer = await gw.registerAgency({ name: '郑州市大数据管理局', roles: ['issuer', 'seal_owner', 'seal_maker', 'provider', 'consumer', 'region'], mspId: 'ZhengzhouMSP', regionCode: '410100', licenceTypes: [LICENCE_TYPES.foodBusiness.code] });
  tokens.zhengzhouPeer = peer.token;
  ids.zhengzhouPeer = peer.agencyId;

  const licenceId = (serial: number) =>
    buildLicenceId({ licenceTypeCode: LICENCE_TYPES.businessLicence.code, issuerCode: ids.market, serialNumber: String(serial), version: '001' });
  const seedLicence = (serial: number) => licenceId(20260000000 + serial);
  const delivery = (n: number) => ({ fingerprint: sm3(`delivery ${n}`), recordCount: 1200 + n, scope: '营业执照基本信息（不含个人信息）', expiresAt: iso(now + 90 * DAY) });
  const made: Record<string, string> = {};
  const provinceOthers = { sameOrganisation: 'luoyang', otherOrganisation: 'zhengzhou' } as const;
  const zhengzhouOthers = { sameOrganisation: 'zhengzhouPeer', otherOrganisation: 'luoyang' } as const;
  const stranger = { sameOrganisation: 'market', otherOrganisation: 'zhengzhou' } as const;

  const routes: WriteRoute[] = [
    {
      route: 'POST /v1/licences',
      owner: 'market',
      others: provinceOthers,
      status: 201,
      request: () => ({
        path: '/v1/licences',
        body: {
          licenceId: licenceId(30000000000 + randomInt(1e9)),
          name: '营业执照',
          number: `YZ${randomInt(1e9)}`,
          holder: { codeType: '001', commitment: sm3('matrix holder') },
          holderName: '郑州某某科技有限公司',
          issueDate: iso(now).slice(0, 10),
          validFrom: iso(now - DAY),
          validUntil: null,
          areaCode: '410000',
          document: { sm3: sm3('matrix licence'), size: 100, mediaType: 'application/pdf' },
        },
      }),
    },
    { route: 'POST /v1/licences/:id/renew', owner: 'market', others: provinceOthers, status: 201, request: () => ({ path: `/v1/licences/${seedLicence(1)}/renew`, body: { reason: 'renewal', issueDate: iso(now).slice(0, 10), changes: { validUntil: iso(now + 365 * DAY) } } }) },
    { route: 'POST /v1/licences/:id/suspend', owner: 'market', others: provinceOthers, status: 200, request: () => ({ path: `/v1/licences/${made.renewed}/suspend`, body: { reason: '责令整改' } }) },
    { route: 'POST /v1/licences/:id/reinstate', owner: 'market', others: provinceOthers, status: 200, request: () => ({ path: `/v1/licences/${made.renewed}/reinstate`, body: { reason: '整改完成' } }) },
    { route: 'POST /v1/licences/:id/revoke', owner: 'market', others: provinceOthers, status: 200, request: () => ({ path: `/v1/licences/${made.renewed}/revoke`, body: { reason: '以欺骗手段取得' } }) },
    { route: 'POST /v1/licences/:id/cancel', owner: 'market', others: provinceOthers, status: 200, request: () => ({ path: `/v1/licences/${seedLicence(2)}/cancel`, body: { reason: '主体注销' } }) },
    {
      route: 'POST /v1/seals',
      owner: 'bigData',
      others: provinceOthers,
      status: 201,
      request: () => ({
        path: '/v1/seals',
        body: {
          sealId: `ZZ-MX-2026-${randomInt(1e4)}`,
          ownerId: ids.zhengzhou,
          sealType: 'official',
          name: '郑州市测试专用章',
          validFrom: iso(now - DAY),
          validTo: iso(now + 365 * DAY),
          picture: { sm3: sm3('matrix seal'), mediaType: 'image/png', width: 240, height: 240 },
        },
      }),
    },
    { route: 'POST /v1/sealed-documents', owner: 'zhengzhou', others: zhengzhouOthers, status: 201, request: () => ({ path: '/v1/sealed-documents', body: { sealId: 'ZZ-GZ-2026-0001', documentSm3: sm3(`matrix document ${randomInt(1e9)}`) } }) },
    // The seal's owner (Zhengzhou) may revoke it as well as its maker: the others are neither.
    { route: 'POST /v1/seals/:id/revoke', owner: 'bigData', others: { sameOrganisation: 'luoyang', otherOrganisation: 'zhengzhouPeer' }, status: 200, request: () => ({ path: '/v1/seals/ZZ-GZ-2026-0001/revoke', body: { reason: '印章遗失' } }) },
    {
      route: 'POST /v1/receipts',
      owner: 'luoyang',
      others: { sameOrganisation: 'market', otherOrganisation: 'zhengzhou' },
      status: 201,
      request: () => ({
        path: '/v1/receipts',
        body: { receiptId: `LY-ZZ-2026-${5000 + randomInt(4000)}`, providerId: ids.zhengzhou, catalogItemId: '410100-SCJG-0009', shareClass: 'conditional', purpose: '企业开办异地核验', legalBasis: '《政务数据共享条例》第十四条' },
      }),
    },
    { route: 'POST /v1/receipts/:id/reply', owner: 'zhengzhou', others: zhengzhouOthers, status: 200, request: () => ({ path: '/v1/receipts/LY-ZZ-2026-0001/reply', body: { decision: 'approved' } }) },
    { route: 'POST /v1/receipts/:id/delivery', owner: 'zhengzhou', others: zhengzhouOthers, status: 200, request: () => ({ path: '/v1/receipts/LY-ZZ-2026-0002/delivery', body: { delivery: delivery(2) } }) },
    { route: 'POST /v1/receipts/:id/ack', owner: 'luoyang', others: { sameOrganisation: 'market', otherOrganisation: 'zhengzhou' }, status: 200, request: () => ({ path: '/v1/receipts/LY-ZZ-2026-0003/ack', body: { delivery: delivery(3) } }) },
    { route: 'POST /v1/receipts/:id/objections', owner: 'luoyang', others: { sameOrganisation: 'market', otherOrganisation: 'zhengzhouPeer' }, status: 200, request: () => ({ path: '/v1/receipts/LY-ZZ-2026-0004/objections', body: { category: 'quality', reason: '记录不全' } }) },
    { route: 'POST /v1/receipts/:id/resolution', owner: 'zhengzhou', others: zhengzhouOthers, status: 200, request: () => ({ path: '/v1/receipts/LY-ZZ-2026-0005/resolution', body: { objectionId: 1, outcome: 'rejected', reason: '经核对无误' } }) },
    { route: 'POST /v1/receipts/:id/withdrawal', owner: 'luoyang', others: { sameOrganisation: 'market', otherOrganisation: 'zhengzhou' }, status: 200, request: () => ({ path: '/v1/receipts/LY-ZZ-2026-0004/withdrawal', body: { objectionId: 1 } }) },
    {
      route: 'POST /v1/cases',
      owner: 'luoyang',
      others: { sameOrganisation: 'market', otherOrganisation: 'zhengzhou' },
      status: 201,
      request: () => ({
        path: '/v1/cases',
        body: {
          caseId: `KY-2026-${String(500000 + randomInt(4e5))}`,
          serviceItemCode: `${ids.zhengzhou}4000112`,
          serviceItemVersion: '2',
          mode: 'collect_and_forward',
          collectingRegion: '410300',
          handlingRegion: '410100',
          handlingAgencyId: ids.zhengzhou,
          applicantCommitment: sm3('matrix applicant'),
          appliedAt: iso(now - DAY),
          promisedBy: iso(now + 10 * DAY),
        },
      }),
    },
    { route: 'POST /v1/cases/:id/transitions', owner: 'zhengzhou', others: zhengzhouOthers, status: 200, request: () => ({ path: '/v1/cases/KY-2026-000002/transitions', body: { action: 'suspend', opinion: '需现场勘验' } }) },
    { route: 'POST /v1/anchors', owner: 'bigData', others: provinceOthers, claimsOwner: true, status: 201, request: () => ({ path: '/v1/anchors', body: { description: '矩阵批次', leaves: [sm3(`matrix leaf ${randomInt(1e9)}`)] } }) },
    { route: 'POST /v1/agencies/:id/keys', owner: 'market', others: provinceOthers, allowed: ['governance'], status: 201, request: () => ({ path: `/v1/agencies/${ids.market}/keys`, body: {} }) },
    { route: 'POST /v1/agencies/:id/tokens/:tokenId/revoke', owner: 'market', others: provinceOthers, allowed: ['governance', 'revokedKey'], status: 200, request: () => ({ path: `/v1/agencies/${ids.market}/tokens/${made.spareTokenId}/revoke`, body: { reason: '不再使用' } }) },
    {
      route: 'POST /v1/agencies',
      owner: 'governance',
      others: stranger,
      status: 201,
      request: () => ({ path: '/v1/agencies', body: { agencyId: (made.registered = randomUscc('410200')), name: '开封市行政审批服务局', regionCode: '410200', mspId: 'HenanProvinceMSP', roles: ['consumer'] } }),
    },
    { route: 'POST /v1/agencies/:id/tokens', owner: 'governance', others: stranger, status: 201, request: () => ({ path: `/v1/agencies/${made.registered}/tokens`, body: {} }) },
    { route: 'POST /v1/agencies/:id/keys/:keyId/revoke', owner: 'governance', others: stranger, status: 200, request: () => ({ path: `/v1/agencies/${made.registered}/keys/${made.registeredKey}/revoke`, body: { reason: '密钥停用' } }) },
    { route: 'POST /v1/agencies/:id/suspend', owner: 'governance', others: stranger, status: 200, request: () => ({ path: `/v1/agencies/${made.registered}/suspend`, body: { reason: '机构调整' } }) },
    { route: 'POST /v1/agencies/:id/reinstate', owner: 'governance', others: stranger, status: 200, request: () => ({ path: `/v1/agencies/${made.registered}/reinstate`, body: { reason: '调整完成' } }) },
  ];

  // Every write route of the document is in the matrix, except those that write nothing or need an upload.
  const doc = (await gw.request('GET', '/openapi.json')).body;
  const documented = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)
    .flatMap(([template, item]) => Object.entries(item).filter(([method, op]) => method === 'post' && op.security === undefined).map(() => `POST ${template.replace(/\{([^}]+)\}/g, ':$1')}`))
    .filter((r) => !['POST /v1/licences/holder-lookup', 'POST /v1/holders/commitment', 'POST /v1/sealed-documents/ofd'].includes(r));
  t.deepEqual(routes.map((r) => r.route).sort(), documented.sort(), 'the matrix covers every write route');

  const { ledger } = gw.gateway.services;
  const governanceWrite = async (path: string, body: Record<string, unknown>, status = 200) => {
    const reply = await gw.request('POST', path, { token: GOVERNANCE, json: body });
    if (reply.status !== status) throw new Error(`${path}: ${reply.status} ${reply.text}`);
    if (reply.body.transaction) await gw.indexed(reply.body.transaction.txId);
    return reply.body;
  };
  /** The agency's keys in force: neither retired nor revoked. */
  const keysInForce = async (agent: Agent): Promise<string[]> => {
    const record = (await gw.request('GET', `/v1/agencies/${ids[agent]}`)).body;
    return record.keys.filter((k: { validTo?: string; revokedAt?: string }) => !k.validTo && !k.revokedAt).map((k: { keyId: string }) => k.keyId);
  };

  const refusals: string[] = [];
  let cells = 0;
  const refuse = async (route: WriteRoute, variant: Variant, token: string, request: { path: string; body: Record<string, unknown> }) => {
    if (route.allowed?.includes(variant)) return;
    cells++;
    const before = await ledger.height();
    const reply = await gw.request('POST', request.path, { token, json: request.body });
    const [status, code] = EXPECTED[variant];
    if (reply.status !== status || reply.body?.error?.code !== code) refusals.push(`${route.route} by ${variant}: expected ${status} ${code}, got ${reply.status} ${reply.text.slice(0, 200)}`);
    if ((await ledger.height()) !== before) refusals.push(`${route.route} by ${variant}: the ledger grew`);
  };

  for (const route of routes) {
    if (route.route.endsWith('/tokens/:tokenId/revoke')) made.spareTokenId = (await governanceWrite(`/v1/agencies/${ids.market}/tokens`, {}, 201)).id;
    if (route.route.endsWith('/keys/:keyId/revoke')) made.registeredKey = (await gw.request('GET', `/v1/agencies/${made.registered}`)).body.keys[0].keyId;
    const request = route.request();
    const { others } = route;
    const claimed = route.claimsOwner && route.owner !== 'governance' ? { ...request, body: { ...request.body, agencyId: ids[route.owner] } } : request;
    await refuse(route, route.owner === 'governance' ? 'agency' : 'sameOrganisation', tokens[others.sameOrganisation], claimed);
    await refuse(route, route.owner === 'governance' ? 'agency' : 'otherOrganisation', tokens[others.otherOrganisation], claimed);
    if (route.owner === 'governance') {
      const spare = await governanceWrite(`/v1/agencies/${ids.luoyang}/tokens`, {}, 201);
      await governanceWrite(`/v1/agencies/${ids.luoyang}/tokens/${spare.id}/revoke`, {});
      await refuse(route, 'revokedToken', spare.token, request);
    } else {
      const owner = route.owner;
      await refuse(route, 'governance', GOVERNANCE, request);
      const spare = await governanceWrite(`/v1/agencies/${ids[owner]}/tokens`, {}, 201);
      await governanceWrite(`/v1/agencies/${ids[owner]}/tokens/${spare.id}/revoke`, {});
      await refuse(route, 'revokedToken', spare.token, request);
      await governanceWrite(`/v1/agencies/${ids[owner]}/suspend`, { reason: '矩阵测试' });
      await refuse(route, 'suspended', tokens[owner], request);
      await governanceWrite(`/v1/agencies/${ids[owner]}/reinstate`, { reason: '矩阵测试结束' });
      if (!route.allowed?.includes('revokedKey')) {
        // Every key the owner has in force, from now on (signatures made before stay valid).
        for (const key of await keysInForce(owner)) await governanceWrite(`/v1/agencies/${ids[owner]}/keys/${key}/revoke`, { reason: '矩阵测试' });
        await refuse(route, 'revokedKey', tokens[owner], request);
        await governanceWrite(`/v1/agencies/${ids[owner]}/keys`, {}, 201);
      }
    }
    // The owner itself: the same request goes through.
    const own = await gw.request('POST', request.path, { token: route.owner === 'governance' ? GOVERNANCE : tokens[route.owner], json: request.body });
    if (own.status !== route.status) refusals.push(`${route.route} by its owner: expected ${route.status}, got ${own.status} ${own.text.slice(0, 200)}`);
    if (route.route === 'POST /v1/licences/:id/renew') made.renewed = own.body.record.licenceId;
    if (own.body?.transaction) await gw.indexed(own.body.transaction.txId);
  }
  t.log(`access-control matrix: ${routes.length} write routes, ${cells} refusals checked (agency routes: up to 6 callers who may not, governance routes: 3), each with its status and code and the ledger unchanged; then each route made by its owner`);
  t.deepEqual(refusals, []);
});
