import anyTest, { type TestFn } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import {
  EmbeddedLedger,
  GatewayError,
  type Identity,
  type MspAuthority,
  chaincodeFromContracts,
  createMsp,
  issueIdentity,
} from '@henan-chain/embedded-ledger';
import { generateKeyPair, makeUscc, sign, toHex } from '@henan-chain/crypto';
import { contracts } from '../contracts';
import { possessionStatement } from '../agency/agency-contract';
import { keyIdOf, type AgencyRole } from '../agency/model';
import { parseChaincodeError } from '../common/errors';
import { operationOf, signedBytes } from '../common/signed-request';

/** A new SM2 key for `agencyId`: the private key, its id, and the body that registers it (with proof of possession). */
export function freshKey(agencyId: string) {
  const keys = generateKeyPair();
  const publicKey = toHex(keys.publicKey);
  return {
    privateKey: keys.privateKey,
    keyId: keyIdOf(publicKey),
    body: { publicKey, proofOfPossession: toHex(sign(possessionStatement(agencyId, publicKey), keys.privateKey)) },
  };
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A fresh unified social credit code in an area (e.g. 410100 郑州), with a correct check character. */
export function randomUscc(areaCode = '410000'): string {
  let organisationCode = '';
  for (let i = 0; i < 9; i++) organisationCode += USCC_CHARS[randomInt(USCC_CHARS.length)];
  return makeUscc('11' + areaCode + organisationCode);
}

export interface TestAgency {
  agencyId: string;
  name: string;
  regionCode: string;
  mspId: string;
  identity: Identity;
  privateKey: Uint8Array;
  publicKey: string;
  keyId: string;
}

export type Org = 'province' | 'city';

function openLedger(dataDir: string, msps: MspAuthority['definition'][]): Promise<EmbeddedLedger> {
  return EmbeddedLedger.open({ dataDir, chaincode: chaincodeFromContracts(contracts), msps });
}

/**
 * A two-organisation consortium on the embedded ledger for contract tests: the province's
 * organisation (also the governance organisation) and a city's (郑州).
 */
export class TestNetwork {
  private constructor(
    private current: EmbeddedLedger,
    readonly dir: string,
    readonly msps: Record<Org, MspAuthority>,
    readonly admins: Record<Org, Identity>,
  ) {}

  static async start(): Promise<TestNetwork> {
    const dir = await mkdtemp(join(tmpdir(), 'hnc-cc-'));
    const province = await createMsp('HenanProvinceMSP', '河南省');
    const city = await createMsp('ZhengzhouMSP', '郑州市');
    const ledger = await openLedger(dir, [province.definition, city.definition]);
    const admins = {
      province: await issueIdentity(province, { commonName: 'Admin@province', nodeOU: 'admin' }),
      city: await issueIdentity(city, { commonName: 'Admin@zhengzhou', nodeOU: 'admin' }),
    };
    const network = new TestNetwork(ledger, dir, { province, city }, admins);
    await network.submit(admins.province, 'agency:initialise', JSON.stringify({ governanceMspId: 'HenanProvinceMSP' }));
    return network;
  }

  get ledger(): EmbeddedLedger {
    return this.current;
  }

  /** Closes the ledger and opens it again on the same data directory, as a restarted process would. */
  async restart(): Promise<void> {
    await this.current.close();
    this.current = await openLedger(this.dir, [this.msps.province.definition, this.msps.city.definition]);
  }

  async close(): Promise<void> {
    await this.ledger.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A client identity of an organisation (what an agency's gateway submits with). */
  async client(org: Org, commonName = `client-${randomInt(1e9)}`): Promise<Identity> {
    return issueIdentity(this.msps[org], { commonName, nodeOU: 'client' });
  }

  /** Registers an agency through governance, with a fresh SM2 key and a client identity of its organisation. */
  async registerAgency(options: {
    name: string;
    org: Org;
    roles: AgencyRole[];
    regionCode?: string;
    licenceTypes?: string[];
    agencyId?: string;
  }): Promise<TestAgency> {
    const regionCode = options.regionCode ?? (options.org === 'province' ? '410000' : '410100');
    const agencyId = options.agencyId ?? randomUscc(regionCode);
    const mspId = this.msps[options.org].definition.mspId;
    const keys = generateKeyPair();
    const publicKey = toHex(keys.publicKey);
    await this.submit(
      this.admins.province,
      'agency:register',
      JSON.stringify({
        agencyId,
        name: options.name,
        regionCode,
        mspId,
        roles: options.roles,
        licenceTypes: options.licenceTypes ?? [],
        publicKey,
        proofOfPossession: toHex(sign(possessionStatement(agencyId, publicKey), keys.privateKey)),
      }),
    );
    return {
      agencyId,
      name: options.name,
      regionCode,
      mspId,
      identity: await this.client(options.org, `${agencyId}@gateway`),
      privateKey: keys.privateKey,
      publicKey,
      keyId: keyIdOf(publicKey),
    };
  }

  /**
   * Adds the signed-request fields for transaction `fn` to `body` (its `operation`, unless the body
   * names another) and signs it with the agency's key.
   */
  signRequest(agency: TestAgency, fn: string, body: Record<string, unknown>, keys?: { privateKey: Uint8Array; keyId: string }): Record<string, unknown> {
    const unsigned = {
      operation: operationOf(fn),
      ...body,
      requestId: `req-${toHex(randomBytes(8))}`,
      agencyId: agency.agencyId,
      keyId: keys?.keyId ?? agency.keyId,
    };
    return { ...unsigned, signature: toHex(sign(signedBytes(unsigned), keys?.privateKey ?? agency.privateKey)) };
  }

  /** Submits and parses the JSON result (or undefined for an empty one). */
  async submit(identity: Identity, fn: string, ...args: string[]): Promise<any> {
    const result = await this.ledger.submit(identity, fn, args);
    const text = Buffer.from(result.payload).toString('utf8');
    return text ? JSON.parse(text) : undefined;
  }

  /** Signs `body` as the agency and submits it with the agency's own organisation identity. */
  async submitSigned(agency: TestAgency, fn: string, body: Record<string, unknown>): Promise<any> {
    return this.submit(agency.identity, fn, JSON.stringify(this.signRequest(agency, fn, body)));
  }

  /** Like submitSigned, also giving the transaction's one chaincode event: its name and parsed payload. */
  async submitSignedWithEvent(agency: TestAgency, fn: string, body: Record<string, unknown>): Promise<{ result: any; event?: { name: string; payload: any } }> {
    const submitted = await this.ledger.submit(agency.identity, fn, [JSON.stringify(this.signRequest(agency, fn, body))]);
    const text = Buffer.from(submitted.payload).toString('utf8');
    const event = submitted.event && { name: submitted.event.eventName, payload: JSON.parse(Buffer.from(submitted.event.payload).toString('utf8')) };
    return { result: text ? JSON.parse(text) : undefined, ...(event ? { event } : {}) };
  }

  async evaluate(identity: Identity, fn: string, ...args: string[]): Promise<any> {
    const text = Buffer.from(await this.ledger.evaluate(identity, fn, args)).toString('utf8');
    return text ? JSON.parse(text) : undefined;
  }

  /** Rotates the agency to a fresh key, retiring the one it signed with; returns the agency holding the new key. */
  async rotateKey(agency: TestAgency): Promise<TestAgency> {
    const keys = generateKeyPair();
    const publicKey = toHex(keys.publicKey);
    const proofOfPossession = toHex(sign(possessionStatement(agency.agencyId, publicKey), keys.privateKey));
    await this.submitSigned(agency, 'agency:rotateKey', { publicKey, proofOfPossession, retireSigningKey: true });
    return { ...agency, privateKey: keys.privateKey, publicKey, keyId: keyIdOf(publicKey) };
  }

  /** Governance revokes the agency's current key from now on. */
  async revokeKey(agency: TestAgency, reason = 'compromised in a test'): Promise<void> {
    await this.submit(this.admins.province, 'agency:revokeKey', JSON.stringify({ agencyId: agency.agencyId, revokedKeyId: agency.keyId, reason }));
  }

  /**
   * The error codes the signature gate gives a write `fn` with `body` signed for `agency`: submitted
   * with the other organisation's identity, with a signature that does not cover the request, with a
   * retired key and with a revoked key. It uses up the agency's keys: run it on an agency of its own.
   */
  async gateRejections(agency: TestAgency, fn: string, body: Record<string, unknown>): Promise<Record<string, string>> {
    const otherOrg: Org = agency.mspId === this.msps.province.definition.mspId ? 'city' : 'province';
    const codes: Record<string, string> = {};
    codes.wrongOrganisation = await this.errorCode(this.submit(await this.client(otherOrg), fn, JSON.stringify(this.signRequest(agency, fn, body))));
    const tampered = { ...this.signRequest(agency, fn, body), requestId: `req-${toHex(randomBytes(8))}` };
    codes.badSignature = await this.errorCode(this.submit(agency.identity, fn, JSON.stringify(tampered)));
    const rotated = await this.rotateKey(agency);
    codes.retiredKey = await this.errorCode(this.submitSigned(agency, fn, body));
    await this.revokeKey(rotated);
    codes.revokedKey = await this.errorCode(this.submitSigned(rotated, fn, body));
    return codes;
  }

  /** Resolves to the chaincode error code a rejected call produced (and fails if it was not rejected). */
  async errorCode(call: Promise<unknown>): Promise<string> {
    try {
      await call;
    } catch (err) {
      // GatewayError covers both a rejected submit (EndorseError) and a rejected evaluate.
      if (err instanceof GatewayError) {
        const body = parseChaincodeError(err.chaincodeMessage);
        if (body) return body.code;
        return `UNSTRUCTURED: ${err.chaincodeMessage}`;
      }
      throw err;
    }
    throw new Error('expected the call to be rejected, but it succeeded');
  }
}

/** The ava test function of a file whose tests share one network (each test uses its own agencies). */
export function networkTest(): TestFn<{ net: TestNetwork }> {
  const test = anyTest as TestFn<{ net: TestNetwork }>;
  test.before(async (t) => {
    t.context.net = await TestNetwork.start();
  });
  test.after.always(async (t) => {
    await t.context.net.close();
  });
  return test;
}
