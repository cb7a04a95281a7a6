/** Cross-region case test helpers over HTTP (used by the case and holder-privacy tests). */
import { sm3Hex } from '@henan-chain/crypto';
import type { TestGateway } from './harness';

const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** 郑州 collects (city organisation); 洛阳 handles (province organisation). */
export async function regions(gw: TestGateway) {
  const collecting = await gw.registerAgency({ name: '郑州市政务服务中心', roles: ['region'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
  const handling = await gw.registerAgency({ name: '洛阳市政务服务中心', roles: ['region'], mspId: 'HenanProvinceMSP', regionCode: '410300' });
  return { collecting, handling };
}

/** A case 郑州 collects for 洛阳 to handle, applied for an hour ago and promised in ten days. */
export const createBody = (handlingAgencyId: string, caseId: string, overrides: Record<string, unknown> = {}) => ({
  caseId,
  serviceItemCode: '11410300005184361T300011100001',
  serviceItemVersion: '2.1',
  mode: 'collect_and_forward',
  collectingRegion: '410100',
  handlingRegion: '410300',
  handlingAgencyId,
  applicantCommitment: sm3Hex(`applicant-${caseId}`),
  appliedAt: iso(-HOUR),
  promisedBy: iso(240 * HOUR),
  ...overrides,
});
