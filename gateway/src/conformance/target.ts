import { generateKeyPair, sign, toHex } from '@henan-chain/crypto';
import type { Settings } from '../config';
import { GOVERNANCE, startTestGateway, type TestGateway } from '../testing/harness';

/**
 * What the conformance suite runs against: gateways of the province (governance) and of the city
 * (Zhengzhou) over one ledger. On the embedded ledger one gateway serves both organisations; on
 * Fabric each organisation has its own gateway, with its own identity, peer and data directory.
 */
export interface ConformanceTarget {
  readonly kind: 'embedded' | 'fabric';
  readonly hashAlgorithm: 'sm3' | 'sha256';
  readonly province: TestGateway;
  readonly city: TestGateway;
  /**
   * Another gateway of the province on `dataDir` (a fresh one when omitted): beside the others on
   * Fabric; on the embedded ledger, with the ledger of its own data directory.
   */
  provinceGateway(dataDir?: string): Promise<TestGateway>;
  close(): Promise<void>;
}

export type Organisation = 'province' | 'city';
const MSP_IDS: Record<Organisation, string> = { province: 'HenanProvinceMSP', city: 'ZhengzhouMSP' };

/** An agency as the suite uses it: its id and bearer token, and the gateway of its own organisation. */
export interface Party {
  agencyId: string;
  token: string;
  gw: TestGateway;
  /** The agency's own SM2 key, when it keeps one (the gateway of its organisation keeps another). */
  privateKey?: Uint8Array;
  /** The key id of `privateKey` on chain. */
  keyId?: string;
}

/**
 * Registers an agency of `org` (by governance: on Fabric at the province's gateway, on the embedded
 * ledger at the gateway that holds the ledger) and makes it ready to act through `gw`, a gateway of
 * its organisation. When `gw` did not register it (or `ownKey`), the agency registers a key it holds
 * and hands it to `gw`'s key store (as an operator provisions a deployment); `gw`'s governance token
 * issues its bearer token.
 */
export async function agencyOf(
  target: ConformanceTarget,
  org: Organisation,
  options: { name: string; roles: string[]; regionCode?: string; licenceTypes?: string[]; ownKey?: boolean },
  gw: TestGateway = target[org],
): Promise<Party> {
  const mspId = MSP_IDS[org];
  const regionCode = options.regionCode ?? (org === 'city' ? '410100' : '410000');
  const registrar = target.kind === 'embedded' ? gw : target.province;
  const separate = gw !== registrar;
  if (!separate && !options.ownKey) {
    const { agencyId, token } = await registrar.registerAgency({ ...options, mspId, regionCode });
    return { agencyId, token, gw };
  }
  const pair = generateKeyPair();
  const publicKey = toHex(pair.publicKey);
  const registered = await registrar.registerAgency({ ...options, mspId, regionCode, key: { publicKey, sign: (m) => toHex(sign(m, pair.privateKey)) } });
  const keyId: string = registered.record.keys[0].keyId;
  await gw.gateway.services.keys.add(registered.agencyId, pair.privateKey);
  if (!separate) return { agencyId: registered.agencyId, token: registered.token, gw, privateKey: pair.privateKey, keyId };
  const issued = await gw.request('POST', `/v1/agencies/${registered.agencyId}/tokens`, { token: GOVERNANCE, json: { label: options.name } });
  if (issued.status !== 201) throw new Error(`token for ${registered.agencyId}: ${issued.status} ${issued.text}`);
  return { agencyId: registered.agencyId, token: issued.body.token, gw, privateKey: pair.privateKey, keyId };
}

/** The embedded ledger: one gateway over a fresh data directory serves both organisations. */
export async function embeddedTarget(): Promise<ConformanceTarget> {
  const gw = await startTestGateway();
  return {
    kind: 'embedded',
    hashAlgorithm: 'sm3',
    province: gw,
    city: gw,
    provinceGateway: (dataDir) => startTestGateway(dataDir ? { dataDir } : {}),
    close: () => gw.stop(),
  };
}

/**
 * A Fabric network's two organisations, each with its gateway on a fresh data directory, from the
 * connection profiles in `fabricDir` (HNC_FABRIC_DIR of a network that `npm run network:up` started).
 */
export async function fabricTarget(fabricDir: string): Promise<ConformanceTarget> {
  const settings = (org: Organisation): Settings => ({ LEDGER: 'fabric', FABRIC_ORG: MSP_IDS[org], HNC_FABRIC_DIR: fabricDir });
  const province = await startTestGateway({ settings: settings('province') });
  const city = await startTestGateway({ settings: settings('city') }).catch(async (err) => {
    await province.stop();
    throw err;
  });
  return {
    kind: 'fabric',
    hashAlgorithm: 'sha256',
    province,
    city,
    provinceGateway: (dataDir) => startTestGateway({ ...(dataDir ? { dataDir } : {}), settings: settings('province') }),
    async close() {
      await Promise.all([province.stop(), city.stop()]);
    },
  };
}
