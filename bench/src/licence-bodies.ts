/** Bodies of POST /v1/licences made in advance, each with a licence id of its own, for loads that take each once. */
import { canonicalBytes, generateKeyPair, sign, toHex } from '@henan-chain/crypto';
import { randomUscc, type TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { issueBody, licenceIdFor, newIssuer, type TestIssuer } from '@henan-chain/gateway/dist/testing/licence-fixtures';

export interface Bodies {
  licenceIds: string[];
  bodies: string[];
}

/** An issuer and how its bodies are made: `n` at a time, serial numbers counting on, so ids never collide. */
export interface BodyMaker {
  token: string;
  make(n: number): Bodies;
}

function maker(issuer: TestIssuer, finish: (body: Record<string, unknown>) => Record<string, unknown>): BodyMaker {
  let serial = 0;
  return {
    token: issuer.token,
    make(n) {
      const licenceIds: string[] = [];
      const bodies: string[] = [];
      for (let i = 0; i < n; i++) {
        const licenceId = licenceIdFor(issuer, '001', String(++serial).padStart(12, '0'));
        licenceIds.push(licenceId);
        bodies.push(JSON.stringify(finish(issueBody(issuer, undefined, { licenceId }))));
      }
      return { licenceIds, bodies };
    },
  };
}

/** Unsigned bodies of an agency whose key the gateway keeps: the gateway signs each. */
export async function gatewaySigned(gw: TestGateway): Promise<BodyMaker> {
  return maker(await newIssuer(gw), (body) => body);
}

/**
 * Bodies the agency signed itself, as README's signing recipe shows: `operation`, `requestId`,
 * `agencyId` and `keyId` in the body, the SM2 signature over its RFC 8785 form added.
 */
export async function clientSigned(gw: TestGateway): Promise<BodyMaker> {
  const { privateKey, publicKey } = generateKeyPair();
  const typeCode = `${randomUscc('110000')}007`;
  const key = { publicKey: toHex(publicKey), sign: (message: Uint8Array) => toHex(sign(message, privateKey)) };
  const agency = await gw.registerAgency({ name: '河南省市场监督管理局', roles: ['issuer'], regionCode: '410000', licenceTypes: [typeCode], key });
  const keyId: string = agency.record.keys[0].keyId;
  const issuer = { agencyId: agency.agencyId, token: agency.token, typeCode, regionCode: '410000' };
  let request = 0;
  return maker(issuer, (body) => {
    const unsigned = { ...body, operation: 'licence.issue', requestId: `bench-${String(++request).padStart(8, "0")}`, agencyId: agency.agencyId, keyId };
    return { ...unsigned, signature: key.sign(canonicalBytes(unsigned)) };
  });
}
