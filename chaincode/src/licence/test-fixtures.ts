/** Test helpers for licences (used by the licence and audit tests; not part of the chaincode). */
import { randomBytes, randomInt } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { buildLicenceId, hmacSm3, sm3Hex, toHex } from '@henan-chain/crypto';
import { type Org, type TestAgency, TestNetwork, randomUscc } from '../testing/network';

export interface TestIssuer extends TestAgency {
  /** The one licence type this issuer may issue. */
  typeCode: string;
}

/** A licence type defined by some authority: its credit code + a 3-digit number. */
export function newTypeCode(): string {
  return randomUscc() + String(randomInt(1000)).padStart(3, '0');
}

export async function newIssuer(net: TestNetwork, org: Org = 'city', name = '郑州市市场监督管理局'): Promise<TestIssuer> {
  const typeCode = newTypeCode();
  const agency = await net.registerAgency({ name, org, roles: ['issuer'], licenceTypes: [typeCode] });
  return { ...agency, typeCode };
}

export function licenceIdFor(
  issuer: TestIssuer,
  options: { serialNumber?: string; version?: string; issuerCode?: string; typeCode?: string } = {},
): string {
  return buildLicenceId({
    licenceTypeCode: options.typeCode ?? issuer.typeCode,
    issuerCode: options.issuerCode ?? issuer.agencyId,
    serialNumber: options.serialNumber ?? String(randomInt(1e9)).padStart(12, '4'),
    version: options.version ?? '001',
  });
}

/** A keyed commitment to a holder identifier, as the issuing agency computes it off chain. */
export function holderCommitment(holderCode = `41010${randomInt(1e9)}`): string {
  return toHex(hmacSm3(new Uint8Array(32).fill(7), holderCode));
}

/** A complete, valid issue request body (without the signed-request fields) for a legal entity. */
export function issueBody(issuer: TestIssuer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const body = {
    licenceId: licenceIdFor(issuer),
    name: '营业执照',
    number: `9141${randomInt(1e9)}`,
    holder: { commitment: holderCommitment(), codeType: '001' },
    holderName: '郑州某某科技有限公司',
    issueDate: '2026-01-05',
    validFrom: '2026-01-05T00:00:00Z',
    validUntil: null,
    areaCode: '410100',
    document: { sm3: sm3Hex(randomBytes(16)), size: 48213, mediaType: 'application/ofd' },
    metadata: { 经营范围: '软件开发', registeredCapital: '100万元' },
    ...overrides,
  };
  // An override of `undefined` removes the field (canonical JSON has no undefined).
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** Issues a licence and returns the stored record. */
export async function issueLicence(net: TestNetwork, issuer: TestIssuer, overrides: Record<string, unknown> = {}): Promise<any> {
  return net.submitSigned(issuer, 'licence:issue', issueBody(issuer, overrides));
}

export async function get(net: TestNetwork, id: string): Promise<any> {
  return net.evaluate(net.admins.province, 'licence:get', id);
}

export async function verify(net: TestNetwork, id: string, documentSm3 = ''): Promise<any> {
  return net.evaluate(net.admins.city, 'licence:verify', id, documentSm3);
}

/** Signs `body` as `agency` and submits it with an arbitrary identity (e.g. of the wrong organisation). */
export async function submitAs(net: TestNetwork, identity: TestAgency['identity'], agency: TestAgency, fn: string, body: Record<string, unknown>) {
  return net.submit(identity, fn, JSON.stringify(net.signRequest(agency, fn, body)));
}

/** Asserts that the call is rejected with `code` and that the licence record is exactly as before. */
export async function rejectedUnchanged(t: ExecutionContext, net: TestNetwork, call: () => Promise<unknown>, code: string, id: string): Promise<void> {
  const before = await get(net, id);
  t.is(await net.errorCode(call()), code);
  t.deepEqual(await get(net, id), before);
}

/** Asserts that the call is rejected with `code` and that no licence `id` was written. */
export async function rejectedAbsent(t: ExecutionContext, net: TestNetwork, call: () => Promise<unknown>, code: string, id: string): Promise<void> {
  t.is(await net.errorCode(call()), code);
  t.is(await net.errorCode(get(net, id)), 'NOT_FOUND');
}
