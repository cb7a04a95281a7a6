import anyTest, { type TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { type Sm2KeyPair, sm3Hex, toHex } from '@henan-chain/crypto';
import { TestNetwork, type TestAgency } from '../testing/network';

/** The parties of the seal tests on one test network. */
export interface SealTestContext {
  network: TestNetwork;
  maker: TestAgency; // 制章机构, province organisation
  owner: TestAgency; // 用章单位, city organisation
  otherOwner: TestAgency;
  consumer: TestAgency; // holds neither seal role
}

/** ava's test for a seal test file, its network started before and closed after the file's tests. */
export function sealTest(): TestFn<SealTestContext> {
  const test = anyTest as TestFn<SealTestContext>;
  test.before(async (t) => {
    const network = await TestNetwork.start();
    t.context = {
      network,
      maker: await network.registerAgency({ name: '河南省印章制作中心', org: 'province', roles: ['seal_maker'] }),
      owner: await network.registerAgency({ name: '郑州市市场监督管理局', org: 'city', roles: ['seal_owner'] }),
      otherOwner: await network.registerAgency({ name: '郑州市税务局', org: 'city', roles: ['seal_owner'] }),
      consumer: await network.registerAgency({ name: '郑州市大数据局', org: 'city', roles: ['consumer'] }),
    };
  });
  test.after.always(async (t) => t.context.network?.close());
  return test;
}

export const HOUR = 3600_000;
export const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
export const newSealId = (): string => `HN-${toHex(randomBytes(6))}`;

/** A seal registration of `owner`, valid from a day ago for a year. */
export function sealBody(owner: TestAgency, keys: Sm2KeyPair, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sealId: newSealId(),
    ownerId: owner.agencyId,
    sealType: 'official',
    name: `${owner.name}公章`,
    validFrom: at(-24 * HOUR),
    validTo: at(365 * 24 * HOUR),
    picture: { sm3: sm3Hex('seal picture'), mediaType: 'image/png', width: 400, height: 400 },
    publicKey: toHex(keys.publicKey),
    ...overrides,
  };
}
