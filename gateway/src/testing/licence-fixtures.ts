/** Licence test helpers over HTTP (used by the licence and licence-verification tests). */
import { createHash, randomInt } from 'node:crypto';
import { buildLicenceId } from '@henan-chain/crypto';
import { randomUscc, type TestGateway } from './harness';

export interface TestIssuer {
  agencyId: string;
  token: string;
  /** The one licence type this issuer may issue. */
  typeCode: string;
  regionCode: string;
}

/** An issuing agency (发证机关) of a fresh licence type; by default the province's market regulator. */
export async function newIssuer(
  gw: TestGateway,
  options: { name?: string; mspId?: 'HenanProvinceMSP' | 'ZhengzhouMSP'; regionCode?: string; roles?: string[] } = {},
): Promise<TestIssuer> {
  const typeCode = randomUscc('110000') + String(randomInt(1000)).padStart(3, '0');
  const regionCode = options.regionCode ?? '410000';
  const agency = await gw.registerAgency({
    name: options.name ?? '河南省市场监督管理局',
    roles: options.roles ?? ['issuer'],
    mspId: options.mspId ?? 'HenanProvinceMSP',
    regionCode,
    licenceTypes: [typeCode],
  });
  return { agencyId: agency.agencyId, token: agency.token, typeCode, regionCode };
}

export function licenceIdFor(issuer: TestIssuer, version = '001', serialNumber = String(randomInt(1e9)).padStart(12, '4')): string {
  return buildLicenceId({ licenceTypeCode: issuer.typeCode, issuerCode: issuer.agencyId, serialNumber, version });
}

/** The bytes of a licence file, and their SM3 digest as the chain registers it. */
export function licenceFile(text = `%PDF-1.7 营业执照 ${randomInt(1e9)}`): { bytes: Buffer; sm3: string } {
  const bytes = Buffer.from(text, 'utf8');
  return { bytes, sm3: createHash('sm3').update(bytes).digest('hex') };
}

/** A complete issue body for a legal entity's 营业执照, holder as a ready commitment; `file` is its document. */
export function issueBody(issuer: TestIssuer, file = licenceFile(), overrides: Record<string, unknown> = {}): { licenceId: string } & Record<string, unknown> {
  return {
    licenceId: licenceIdFor(issuer),
    name: '营业执照',
    number: `NO-${randomInt(1e9)}`,
    holder: { codeType: '001', commitment: createHash('sm3').update(String(randomInt(1e12))).digest('hex') },
    holderName: '郑州某某科技有限公司',
    issueDate: '2026-01-05',
    validFrom: '2026-01-05T00:00:00Z',
    validUntil: null,
    areaCode: issuer.regionCode,
    document: { sm3: file.sm3, size: file.bytes.length, mediaType: 'application/pdf' },
    ...overrides,
  };
}

/** Issues a licence over HTTP with the gateway signing; returns the committed record. */
export async function issueLicence(gw: TestGateway, issuer: TestIssuer, body = issueBody(issuer)): Promise<any> {
  const reply = await gw.request('POST', '/v1/licences', { token: issuer.token, json: body });
  if (reply.status !== 201) throw new Error(`issue failed: ${reply.status} ${reply.text}`);
  return reply.body.record;
}
