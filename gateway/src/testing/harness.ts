import '../quiet-chaincode-logs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { makeUscc } from '@henan-chain/crypto';
import { possessionStatement } from '@henan-chain/chaincode';
import { loadConfig, type Settings } from '../config';
import { startGateway, type RunningGateway } from '../server';

export const GOVERNANCE = `test-governance-${randomBytes(8).toString('hex')}`;

/** A gateway on an ephemeral port over a fresh data directory, without demo data; silent unless given a `log`. */
export async function startTestGateway(options: { dataDir?: string; settings?: Settings; log?: Logger } = {}): Promise<TestGateway> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'hnc-gw-')));
  const config = loadConfig({}, { PORT: '0', DATA_DIR: dataDir, GOVERNANCE_TOKEN: GOVERNANCE, DEMO: 'false', LOG_LEVEL: 'silent', ...options.settings });
  return new TestGateway(await startGateway(config, options.log ?? pino({ level: 'silent' })), dataDir);
}

/** Every byte the gateway keeps in its data directory (ledger, index, idempotency store, keys, trails). */
export async function allStoredBytes(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(parts);
}

/** Runs `test` against a fresh test gateway and stops it afterwards, whatever the outcome. */
export async function withTestGateway<T>(test: (gw: TestGateway) => Promise<T>): Promise<T> {
  const gw = await startTestGateway();
  try {
    return await test(gw);
  } finally {
    await gw.stop();
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A fresh unified social credit code in `areaCode`, with its check character. */
export function randomUscc(areaCode = '410000'): string {
  let org = '';
  for (let i = 0; i < 9; i++) org += USCC_CHARS[randomInt(USCC_CHARS.length)];
  return makeUscc('11' + areaCode + org);
}

export class TestGateway {
  constructor(
    readonly gateway: RunningGateway,
    readonly dataDir: string,
  ) {}

  get url(): string {
    return this.gateway.url;
  }

  /** A real HTTP request; JSON bodies are sent as application/json unless `raw` is given. */
  async request(method: string, path: string, options: { token?: string; json?: unknown; raw?: string | FormData; contentType?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType) headers['content-type'] = options.contentType;
    }
    const res = await fetch(this.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  /** Registers an agency through governance with a gateway-kept key; returns its id and token. */
  /** With `key`, the agency's own key (registered with its proof of possession) instead of one the gateway keeps. */
  async registerAgency(options: {
    name: string;
    roles: string[];
    mspId?: string;
    regionCode?: string;
    licenceTypes?: string[];
    key?: { publicKey: string; sign(message: Uint8Array): string };
  }): Promise<{ agencyId: string; token: string; tokenId: string; record: any }> {
    const regionCode = options.regionCode ?? '410000';
    const agencyId = randomUscc(regionCode);
    const key = options.key && { publicKey: options.key.publicKey, proofOfPossession: options.key.sign(possessionStatement(agencyId, options.key.publicKey)) };
    const reply = await this.request('POST', '/v1/agencies', {
      token: GOVERNANCE,
      json: {
        agencyId,
        name: options.name,
        regionCode,
        mspId: options.mspId ?? 'HenanProvinceMSP',
        roles: options.roles,
        ...(options.licenceTypes ? { licenceTypes: options.licenceTypes } : {}),
        ...key,
      },
    });
    if (reply.status !== 201) throw new Error(`registration failed: ${reply.status} ${reply.text}`);
    return { agencyId, token: reply.body.token, tokenId: reply.body.tokenId, record: reply.body.record };
  }

  /** Resolves once the audit index holds the event of `txId`, written by this gateway since it started. */
  async indexed(txId: string): Promise<void> {
    if (!(await this.gateway.services.index.indexed(txId))) throw new Error(`the audit index did not take in ${txId}`);
  }

  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    await this.gateway.stop();
    if (!options.keepData) await rm(this.dataDir, { recursive: true, force: true });
  }
}
