import { createHash } from 'node:crypto';
import { buildLicenceId } from '@henan-chain/crypto';
import { type ApiClient, expectStatus } from '../http/client';
import { DEMO_AGENCIES, DEMO_HOLDERS, type DemoAgencyKey, LICENCE_TYPES } from './agencies';

export interface DemoData {
  tokens: { label: string; token: string }[];
  sampleLicenceId: string;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const sm3 = (data: string | Buffer) => createHash('sm3').update(data).digest('hex');

/**
 * How far seeding got, kept in DATA_DIR (mode 0600) as it goes, so a start after a crash at any
 * point resumes: the same start time, so every request is the same as before; the tokens it got.
 */
export interface DemoProgress {
  startedAt: number;
  tokens: Partial<Record<DemoAgencyKey, string>>;
}

/**
 * Seeds a fresh gateway with a province's worth of demo records, through the public HTTP API (so the
 * demo exercises exactly what a client would): agencies, licences in every state, seals and sealed
 * documents, sharing receipts at each step, cross-region cases (one overdue) and an anchored batch.
 * Every write carries a request id of its own, the same on every run from the same `progress`: a run
 * after a crash sends again what was sent before and gets the first results, then carries on.
 */
export async function seedDemo(call: ApiClient, governanceToken: string, progress: DemoProgress, keep: (progress: DemoProgress) => Promise<void>): Promise<DemoData> {
  const now = progress.startedAt;
  let sent = 0;
  const requestId = () => `demo-${String(++sent).padStart(4, '0')}`;
  const tokens = progress.tokens;
  for (const [key, agency] of Object.entries(DEMO_AGENCIES) as [DemoAgencyKey, (typeof DEMO_AGENCIES)[DemoAgencyKey]][]) {
    const licenceTypes =
      key === 'market' ? [LICENCE_TYPES.businessLicence.code] : key === 'zhengzhou' ? [LICENCE_TYPES.foodBusiness.code] : undefined;
    const reply = await call({
      method: 'POST',
      path: '/v1/agencies',
      token: governanceToken,
      json: { ...agency, roles: [...agency.roles], ...(licenceTypes ? { licenceTypes } : {}), requestId: requestId() },
    });
    const registered = expectStatus(reply, 201, `register ${agency.name}`);
    if (tokens[key]) continue;
    // A retried registration whose token was issued, then lost in a crash, shows no token: issue another.
    tokens[key] =
      registered.token ??
      expectStatus(await call({ method: 'POST', path: `/v1/agencies/${agency.agencyId}/tokens`, token: governanceToken, json: {} }), 201, `token of ${agency.name}`).token;
    await keep(progress);
  }
  const as = (key: DemoAgencyKey) => tokens[key]!;
  const post = async (key: DemoAgencyKey, path: string, json: object, status = 201) =>
    expectStatus(await call({ method: 'POST', path, token: as(key), json: { ...json, requestId: requestId() } }), status, `POST ${path}`);

  // 电子证照: business licences of the province in every state, and a food licence of Zhengzhou.
  const licence = (type: keyof typeof LICENCE_TYPES, issuer: DemoAgencyKey, serial: number, holder: (typeof DEMO_HOLDERS)[number], window: [number, number | null]) => {
    const id = buildLicenceId({
      licenceTypeCode: LICENCE_TYPES[type].code,
      issuerCode: DEMO_AGENCIES[issuer].agencyId,
      serialNumber: String(20260000000 + serial),
      version: '001',
    });
    const pdf = Buffer.from(`%PDF-1.7 demo ${LICENCE_TYPES[type].name} ${id}`);
    return post(issuer, '/v1/licences', {
      licenceId: id,
      name: LICENCE_TYPES[type].name,
      number: `${type === 'businessLicence' ? 'YZ' : 'JY1'}${410100 + serial}${String(serial).padStart(6, '0')}`,
      holder: { codeType: '001', code: holder.code },
      holderName: holder.name,
      issueDate: iso(window[0]).slice(0, 10),
      validFrom: iso(window[0]),
      validUntil: window[1] === null ? null : iso(window[1]),
      areaCode: DEMO_AGENCIES[issuer].regionCode,
      document: { sm3: sm3(pdf), size: pdf.length, mediaType: 'application/pdf' },
      metadata: { 登记机关: DEMO_AGENCIES[issuer].name },
    }).then((r) => r.record.licenceId as string);
  };
  const valid = await licence('businessLicence', 'market', 1, DEMO_HOLDERS[0], [now - 30 * DAY, null]);
  const suspended = await licence('businessLicence', 'market', 2, DEMO_HOLDERS[1], [now - 60 * DAY, now + 3 * 365 * DAY]);
  await post('market', `/v1/licences/${suspended}/suspend`, { reason: '未按规定报送年度报告，责令整改' }, 200);
  const revoked = await licence('businessLicence', 'market', 3, DEMO_HOLDERS[2], [now - 90 * DAY, null]);
  await post('market', `/v1/licences/${revoked}/revoke`, { reason: '提交虚假材料取得登记' }, 200);
  const cancelled = await licence('businessLicence', 'market', 4, DEMO_HOLDERS[3], [now - 120 * DAY, null]);
  await post('market', `/v1/licences/${cancelled}/cancel`, { reason: '企业申请注销登记' }, 200);
  await licence('businessLicence', 'market', 5, DEMO_HOLDERS[4], [now - 6 * 365 * DAY, now - 30 * DAY]); // expired
  const food = await licence('foodBusiness', 'zhengzhou', 6, DEMO_HOLDERS[5], [now - 200 * DAY, now + 100 * DAY]);
  const renewedFood: string = (await post('zhengzhou', `/v1/licences/${food}/renew`, {
    reason: 'renewal',
    issueDate: iso(now).slice(0, 10),
    changes: { validUntil: iso(now + 5 * 365 * DAY) },
  })).record.licenceId;

  // 电子印章: the big-data bureau makes two seals for Zhengzhou; one sealed document each; one seal revoked.
  const seal = (sealId: string, sealType: string, name: string) =>
    post('bigData', '/v1/seals', {
      sealId,
      ownerId: DEMO_AGENCIES.zhengzhou.agencyId,
      sealType,
      name,
      validFrom: iso(now - DAY),
      validTo: iso(now + 5 * 365 * DAY),
      picture: { sm3: sm3(`seal picture ${sealId}`), mediaType: 'image/png', width: 240, height: 240 },
    });
  await seal('ZZ-GZ-2026-0001', 'official', `${DEMO_AGENCIES.zhengzhou.name}公章`);
  await seal('ZZ-HT-2026-0002', 'contract', `${DEMO_AGENCIES.zhengzhou.name}合同专用章`);
  await post('zhengzhou', '/v1/sealed-documents', { sealId: 'ZZ-GZ-2026-0001', documentSm3: sm3('准予行政许可决定书 2026-001') });
  await post('zhengzhou', '/v1/sealed-documents', { sealId: 'ZZ-HT-2026-0002', documentSm3: sm3('政务数据共享协议 2026-007') });
  await post('bigData', '/v1/seals/ZZ-HT-2026-0002/revoke', { reason: '印章遗失，已登报声明作废' }, 200);

  // 数据共享回执: Luoyang asks Zhengzhou for data; receipts left at every step of the flow.
  const delivery = (n: number) => ({ fingerprint: sm3(`delivery ${n}`), recordCount: 1200 + n, scope: '营业执照基本信息（不含个人信息）', expiresAt: iso(now + 90 * DAY) });
  const receipt = async (n: number, steps: number) => {
    const receiptId = `LY-ZZ-2026-${String(n).padStart(4, '0')}`;
    await post('luoyang', '/v1/receipts', {
      receiptId,
      providerId: DEMO_AGENCIES.zhengzhou.agencyId,
      catalogItemId: `410100-SCJG-${String(n).padStart(4, '0')}`,
      shareClass: 'conditional',
      purpose: '跨省通办 企业开办异地核验',
      legalBasis: '《政务数据共享条例》第十四条',
    });
    if (steps >= 1) await post('zhengzhou', `/v1/receipts/${receiptId}/reply`, { decision: 'approved', conditions: '仅用于本次核验，不得留存' }, 200);
    if (steps >= 2) await post('zhengzhou', `/v1/receipts/${receiptId}/delivery`, { delivery: delivery(n) }, 200);
    if (steps >= 3) await post('luoyang', `/v1/receipts/${receiptId}/ack`, { delivery: delivery(n) }, 200);
    if (steps >= 4) await post('luoyang', `/v1/receipts/${receiptId}/objections`, { category: 'quality', reason: '部分记录的登记状态与实际不符' }, 200);
  };
  for (let step = 0; step <= 4; step++) await receipt(step + 1, step);

  // 跨省通办: Luoyang collects, Zhengzhou handles; one delivered, one in process, one overdue.
  const kase = async (n: number, appliedDaysAgo: number, promisedInDays: number, actions: { action: string; by: DemoAgencyKey; extra?: object }[]) => {
    const caseId = `KY-2026-${String(n).padStart(6, '0')}`;
    await post('luoyang', '/v1/cases', {
      caseId,
      serviceItemCode: `${DEMO_AGENCIES.zhengzhou.agencyId}4000112`,
      serviceItemVersion: '2',
      mode: 'collect_and_forward',
      collectingRegion: '410300',
      handlingRegion: '410100',
      handlingAgencyId: DEMO_AGENCIES.zhengzhou.agencyId,
      applicantCommitment: sm3(`demo applicant ${n} ${now}`),
      appliedAt: iso(now - appliedDaysAgo * DAY),
      promisedBy: iso(now + promisedInDays * DAY),
    });
    for (const step of actions) await post(step.by, `/v1/cases/${caseId}/transitions`, { action: step.action, ...step.extra }, 200);
  };
  const relayed: { action: string; by: DemoAgencyKey }[] = [
    { action: 'collect', by: 'luoyang' },
    { action: 'forward', by: 'luoyang' },
    { action: 'accept', by: 'zhengzhou' },
    { action: 'process', by: 'zhengzhou' },
  ];
  await kase(1, 3, 12, [...relayed, { action: 'conclude', by: 'zhengzhou', extra: { outcome: 'approved', licenceId: renewedFood, opinion: '材料齐全，准予许可' } }, { action: 'deliver', by: 'zhengzhou' }]);
  await kase(2, 2, 10, relayed);
  await kase(3, 20, -2, relayed); // promised two days ago and still in process: overdue

  // 批量存证: the big-data bureau anchors a batch of 1,000 record digests.
  const leaves = Array.from({ length: 1000 }, (_, i) => sm3(`不动产登记电子证明 ${i}`));
  await post('bigData', '/v1/anchors', { description: '2026年不动产登记电子证明（演示批次）', leaves });

  return {
    tokens: [
      { label: 'governance', token: governanceToken },
      ...(Object.keys(DEMO_AGENCIES) as DemoAgencyKey[]).map((key) => ({ label: DEMO_AGENCIES[key].name, token: as(key) })),
    ],
    sampleLicenceId: valid,
  };
}
