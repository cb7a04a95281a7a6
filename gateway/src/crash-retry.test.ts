import test from 'ava';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLicenceId } from '@henan-chain/crypto';
import { type GatewayProcess, spawnGateway } from './testing/gateway-process';
import { randomUscc } from './testing/harness';

/** How many times the gateway is killed (SIGKILL) while the writers run, and how long it runs before each. */
const CRASHES = 3;
const RUN_MS: [number, number] = [700, 1800];

const GOVERNANCE = `crash-governance-${randomBytes(8).toString('hex')}`;
const sm3 = (text: string) => createHash('sm3').update(text).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString();

/** One write as a client sends it, and what it got back. */
interface Write {
  kind: 'agency' | 'licence' | 'seal' | 'sealing' | 'receipt' | 'case' | 'anchor';
  path: string;
  token: string;
  body: Record<string, unknown>;
  /** The record's id, from the first answer. */
  id?: string;
  txId?: string;
  answer?: unknown;
  /** Sent again after the gateway died under it. */
  retried: boolean;
}

/**
 * The gateway process of the moment: killed and started again on the same data directory, while
 * clients keep sending; a request that meets a dead gateway is sent again, same body and request id,
 * to the next one.
 */
class Crashing {
  private current: GatewayProcess;
  private url: Promise<string>;

  constructor(private readonly dataDir: string) {
    this.current = spawnGateway(dataDir, { GOVERNANCE_TOKEN: GOVERNANCE });
    this.url = this.current.ready;
  }

  async crashAndRestart(): Promise<void> {
    const next = (async () => {
      await this.current.crash();
      this.current = spawnGateway(this.dataDir, { GOVERNANCE_TOKEN: GOVERNANCE });
      return this.current.ready;
    })();
    this.url = next;
    await next;
  }

  ready(): Promise<string> {
    return this.url;
  }

  stop(): Promise<unknown> {
    return this.current.stop();
  }

  /** Sends until a gateway answers (any status); reports whether a gateway died under the request. */
  async send(method: 'GET' | 'POST', path: string, token: string, json?: unknown): Promise<{ status: number; body: any; retried: boolean }> {
    const deadline = Date.now() + 90_000;
    let lastFailure = '';
    for (let attempt = 0; ; attempt++) {
      const url = await this.url;
      if (Date.now() > deadline) throw new Error(`no gateway answered ${method} ${path} (last: ${lastFailure}):\n${this.current.output()}`);
      try {
        const res = await fetch(url + path, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
          body: json === undefined ? undefined : JSON.stringify(json),
          signal: AbortSignal.timeout(30_000),
        });
        return { status: res.status, body: await res.json(), retried: attempt > 0 };
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') throw err;
        lastFailure = `${String(err)} ${String((err as Error).cause ?? '')}`;
        // The gateway died under the request (or before it): wait for the next one.
        if ((await this.url) === url) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}

test('a write acknowledged before a crash is on the ledger, and a retry after one gets the first result or writes once', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-crash-'));
  const gw = new Crashing(dataDir);
  try {
    await gw.ready();
    const now = Date.now();
    const typeCode = randomUscc('110000') + '001';
    const register = async (regionCode: string, mspId: string, roles: string[], licenceTypes: string[] = []) => {
      const agencyId = randomUscc(regionCode);
      const reply = await gw.send('POST', '/v1/agencies', GOVERNANCE, { agencyId, name: `机构 ${agencyId}`, regionCode, mspId, roles, licenceTypes, requestId: `setup-${agencyId}` });
      t.is(reply.status, 201, JSON.stringify(reply.body));
      return { agencyId, token: reply.body.token as string };
    };
    // Zhengzhou issues, owns seals, provides data and handles cases; Luoyang makes seals, consumes, collects cases.
    const zz = await register('410100', 'ZhengzhouMSP', ['issuer', 'seal_owner', 'provider', 'region'], [typeCode]);
    const ly = await register('410300', 'HenanProvinceMSP', ['seal_maker', 'consumer', 'region']);
    const seal = (sealId: string) => ({
      sealId,
      ownerId: zz.agencyId,
      sealType: 'official',
      name: `印章 ${sealId}`,
      validFrom: iso(now - 86_400_000),
      validTo: iso(now + 365 * 86_400_000),
      picture: { sm3: sm3(sealId), mediaType: 'image/png', width: 240, height: 240 },
    });
    const firstSeal = await gw.send('POST', '/v1/seals', ly.token, seal('CRASH-SEAL-0000'));
    t.is(firstSeal.status, 201, JSON.stringify(firstSeal.body));

    // Each writer sends its family's writes one after another, each under a request id of its own.
    const families: Record<string, (n: number) => Omit<Write, 'retried'>> = {
      licence: (n) => ({
        kind: 'licence',
        path: '/v1/licences',
        token: zz.token,
        body: {
          licenceId: buildLicenceId({ licenceTypeCode: typeCode, issuerCode: zz.agencyId, serialNumber: String(30000000000 + n), version: '001' }),
          name: '营业执照',
          number: `CRASH-${n}`,
          holder: { codeType: '001', commitment: sm3(`holder ${n}`) },
          holderName: '郑州某某科技有限公司',
          issueDate: '2026-01-05',
          validFrom: '2026-01-05T00:00:00Z',
          validUntil: null,
          areaCode: '410100',
          document: { sm3: sm3(`licence ${n}`), size: 100 + n, mediaType: 'application/pdf' },
        },
      }),
      // Key rotations of the issuer, the gateway making each key: its licences must keep being signed right.
      rotation: () => ({ kind: 'agency', path: `/v1/agencies/${zz.agencyId}/keys`, token: zz.token, body: {} }),
      seal: (n) => ({ kind: 'seal', path: '/v1/seals', token: ly.token, body: seal(`CRASH-SEAL-${String(n).padStart(4, '0')}`) }),
      sealing: (n) => ({ kind: 'sealing', path: '/v1/sealed-documents', token: zz.token, body: { sealId: 'CRASH-SEAL-0000', documentSm3: sm3(`document ${n}`) } }),
      receipt: (n) => ({
        kind: 'receipt',
        path: '/v1/receipts',
        token: ly.token,
        body: {
          receiptId: `CRASH-${String(n).padStart(6, '0')}`,
          providerId: zz.agencyId,
          catalogItemId: `410100-CRASH-${n}`,
          shareClass: 'conditional',
          purpose: '跨省通办 企业开办异地核验',
          legalBasis: '《政务数据共享条例》第十四条',
        },
      }),
      case: (n) => ({
        kind: 'case',
        path: '/v1/cases',
        token: ly.token,
        body: {
          caseId: `CRASH-${String(n).padStart(6, '0')}`,
          serviceItemCode: `${zz.agencyId}4000112`,
          serviceItemVersion: '2',
          mode: 'collect_and_forward',
          collectingRegion: '410300',
          handlingRegion: '410100',
          handlingAgencyId: zz.agencyId,
          applicantCommitment: sm3(`applicant ${n}`),
          appliedAt: iso(now - 86_400_000),
          promisedBy: iso(now + 10 * 86_400_000),
        },
      }),
      anchor: (n) => ({
        kind: 'anchor',
        path: '/v1/anchors',
        token: ly.token,
        body: { description: `批次 ${n}`, leaves: Array.from({ length: 8 }, (_, i) => sm3(`leaf ${n} ${i}`)) },
      }),
      registration: () => {
        const agencyId = randomUscc('410200');
        return { kind: 'agency', path: '/v1/agencies', token: GOVERNANCE, body: { agencyId, name: `机构 ${agencyId}`, regionCode: '410200', mspId: 'HenanProvinceMSP', roles: ['consumer'] } };
      },
    };

    const writes: Write[] = [];
    let writing = true;
    // The crash comes as an answer arrives: the writes committed in the same block are then being answered too.
    let nextAnswer: (() => void) | undefined;
    const answered = () => new Promise<void>((resolve) => (nextAnswer = resolve));
    const writer = async (family: string) => {
      for (let n = 1; writing; n++) {
        const write: Write = { ...families[family]!(n), retried: false };
        write.body.requestId = `crash-${family}-${n}-${randomBytes(4).toString('hex')}`;
        const reply = await gw.send('POST', write.path, write.token, write.body);
        t.true(reply.status === 201, `${family} ${n}${reply.retried ? ' (retried)' : ''}: ${reply.status} ${JSON.stringify(reply.body)}`);
        if (reply.status !== 201) return;
        const record = reply.body.record;
        Object.assign(write, {
          retried: reply.retried,
          txId: reply.body.transaction.txId,
          answer: reply.body,
          id: record.licenceId ?? record.sealingId ?? record.sealId ?? record.receiptId ?? record.caseId ?? record.anchorId ?? record.agencyId,
        });
        writes.push(write);
        nextAnswer?.();
      }
    };
    const writers = Object.keys(families).map(writer);
    for (let crash = 0; crash < CRASHES; crash++) {
      await new Promise((resolve) => setTimeout(resolve, randomInt(...RUN_MS)));
      await answered();
      await gw.crashAndRestart();
    }
    await new Promise((resolve) => setTimeout(resolve, RUN_MS[0]));
    writing = false;
    await Promise.all(writers);

    // Every acknowledged write is in its record's history with its transaction id.
    let found = 0;
    const histories = new Map<string, any>();
    for (const w of writes) {
      const key = `${w.kind}/${w.id}`;
      if (!histories.has(key)) histories.set(key, (await gw.send('GET', `/v1/audit/history/${key}`, GOVERNANCE)).body);
      if (histories.get(key).versions?.some((v: { txId: string }) => v.txId === w.txId)) found++;
      else t.fail(`${key}: the acknowledged transaction ${w.txId} is not in its history`);
    }
    // Every rotation was written once: the issuer's record has one version per answered rotation, and its registration.
    const rotations = writes.filter((w) => w.path.endsWith('/keys')).length;
    t.is(histories.get(`agency/${zz.agencyId}`)?.versions.length ?? 1, 1 + rotations, 'one version of the issuer per key rotation');
    // A retry now, of every write, gets its first answer.
    let replayed = 0;
    for (const w of writes) {
      const again = await gw.send('POST', w.path, w.token, w.body);
      if (again.status === 201 && JSON.stringify(again.body.transaction) === JSON.stringify((w.answer as any).transaction)) replayed++;
      else t.fail(`${w.kind} ${w.id}: a retry got ${again.status} ${JSON.stringify(again.body)}`);
    }
    const retried = writes.filter((w) => w.retried).length;
    t.log(`crashes: ${CRASHES}; acknowledged: ${writes.length}; found with their txId: ${found}; retried after a crash: ${retried}; retried again at the end, first result: ${replayed}`);
    t.is(found, writes.length);
    t.is(replayed, writes.length);
    t.true(retried > 0, 'at least one write met a crash and was retried');
  } finally {
    await gw.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
