/**
 * `npm run bench:gateway`: one run measures, on this machine and in the same run as their baselines,
 * licence issuance (gateway-signed and client-signed, c = 1, 10, 50), the first verification after a
 * burst of writes, POST /v1/verify/licence on a cache hit and on a miss next to a bare Koa app, cache
 * hits while an agency writes, anchoring batches of 100,000 leaves (JSON) and of 1,000,000 (uploaded
 * as raw bytes) with the gateway's memory per anchored leaf, and start-up with the ledger so filled
 * beside start-up with a one-licence ledger; prints a table with every target
 * beside its measured figure and writes bench/results/gateway.json. Targets are reported, never
 * asserted: figures depend on the machine and its load.
 *
 * The servers live in this process; autocannon runs in child processes (see load.ts). Compared loads
 * are measured in alternating rounds, as the crypto benchmark does, so they see the same load.
 */
import '@henan-chain/gateway/dist/quiet-chaincode-logs';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import pino from 'pino';
import { loadConfig } from '@henan-chain/gateway/dist/config';
import { AuditIndex } from '@henan-chain/gateway/dist/index/audit-index';
import { createMetrics } from '@henan-chain/gateway/dist/metrics';
import { openGatewayDb } from '@henan-chain/gateway/dist/store';
import { startGateway } from '@henan-chain/gateway/dist/server';
import { GOVERNANCE, TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { issueLicence, newIssuer } from '@henan-chain/gateway/dist/testing/licence-fixtures';
import { type BodyMaker, clientSigned, gatewaySigned } from './licence-bodies';
import { type Load, LoadGenerator, type Run, type Summary, summarise } from './load';
import { formatLoad, formatRatio, loadAverage, machine, saveJson, table } from './report';

const RESULTS = join(__dirname, '..', 'results', 'gateway.json');

const CONNECTIONS = 10;
const WARM_UP_SECONDS = 2;
const ROUNDS = 5;
const ROUND_SECONDS = 2;
const ISSUANCE_CONCURRENCY = [1, 10, 50] as const;
const ISSUANCE_ROUNDS = 2;
/** Rounds of 1.5 s gave c = 50 figures a tenth apart run to run: a few block cuts and one GC decide. */
const ISSUANCE_ROUND_SECONDS = 3;
/** Bodies made in advance for each kind of issuance, enough for every round at about 1,000/s; a round that uses its pool up ends early. */
const ISSUANCE_POOL = 20_000;
/** Writes before the first verification is timed: BENCH_BURST overrides, for a quicker run. */
const BURST = burstSize(process.env.BENCH_BURST);
const BURST_CONNECTIONS = 50;
/** The agency that writes while verifications are answered from the cache. */
const WRITERS = 5;
const WRITES_POOL = 10_000;
const LEAVES = 100_000;
/** Anchored batches, each by a fresh agency so that each is a 100,000-leaf tree; the median is judged. */
const BATCHES = 3;
/** The largest batch the gateway takes, its leaves uploaded as raw bytes (multipart/form-data). */
const UPLOADED_LEAVES = 1_000_000;
const UPLOADED_BATCHES = 3;
/** Start-up rounds of each data directory, alternating; the median of each is judged. */
const STARTS = 5;

function burstSize(setting: string | undefined): number {
  const n = Number(setting ?? 30_000);
  if (!Number.isInteger(n) || n < 100) throw new Error(`BENCH_BURST must be an integer ≥ 100, got ${setting}`);
  return n;
}

const METHOD = {
  loadGenerator: `autocannon ${(require('autocannon/package.json') as { version: string }).version} in child processes`,
  connections: CONNECTIONS,
  pipelining: 1,
  latency: 'whole milliseconds, rounded down, as autocannon records them (0 means under 1 ms)',
  warmUpSeconds: WARM_UP_SECONDS,
  interleavedRounds: ROUNDS,
  roundSeconds: ROUND_SECONDS,
  request: 'GET /v1/verify/licence?id= (the QR-code link, as the issue\u2019s table measured), and beside it POST /v1/verify/licence {id}; each next to bare Koa apps asked the same way, which ignore the request: one answers {"hello":"world"} (the targets\u2019 baseline), the other (GET) the very bytes of the gateway\u2019s answer (like for like)',
  hit: 'the same licence on every request: after the first, answered from the gateway\u2019s verdict cache',
  miss: 'a distinct licence on every request, issued in this run and never verified before; every answer must say "verdict":"valid"',
  issuance: `POST /v1/licences, each body once (distinct licence ids), gateway-signed (agency key kept by the gateway) and client-signed (operation, requestId, agencyId, keyId and the agency\u2019s SM2 signature in the body, made beforehand); c = ${ISSUANCE_CONCURRENCY.join(', ')}, ${ISSUANCE_ROUNDS} alternating rounds of ${ISSUANCE_ROUND_SECONDS} s per kind`,
  burst: `${BURST} gateway-signed issuances at c = ${BURST_CONNECTIONS}, then one POST /v1/verify/licence of a licence verified before the burst, timed`,
  rebuild: 'after the burst, AuditIndex.replay (what npm run index:rebuild runs) of the whole ledger into a fresh database, timed',
  hitsDuringWrites: `cache hits at c = ${CONNECTIONS} while one agency issues licences at c = ${WRITERS}, in rounds alternating with quiet hits`,
  gatewayLog: 'info level (the default), to /dev/null',
  anchor: `${BATCHES} batches of ${LEAVES} random SM3 leaves as hex in JSON, then ${UPLOADED_BATCHES} of ${UPLOADED_LEAVES} as raw bytes in multipart/form-data, each by a new agency; times end to end over HTTP, the body made beforehand`,
  memory: 'gateway memory per anchored leaf: heapUsed + arrayBuffers of the process (the gateway runs in it) after global.gc(), after the batch and its proof minus before it, divided by its leaves',
  startUp: `at the end, the gateway stopped and started again on its data directory, and a gateway on a fresh one-licence data directory, ${STARTS} alternating rounds: from startGateway() to the answer of the first POST /v1/verify/licence (a licence verified before the stop)`,
};

/** The gateway as `npm start` runs it, with its access log at the default level (into /dev/null, not a terminal), over a fresh data directory (or `dataDir`) without demo data. */
async function startBenchGateway(dataDir?: string): Promise<TestGateway> {
  dataDir ??= await mkdtemp(join(tmpdir(), 'hnc-bench-'));
  const config = loadConfig({}, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, GOVERNANCE_TOKEN: GOVERNANCE, DEMO: 'false', LOG_LEVEL: 'info' });
  const log = pino({ level: config.logLevel }, pino.destination('/dev/null'));
  return new TestGateway(await startGateway(config, log), dataDir);
}

/**
 * A Koa app with nothing in front of its one handler: answers {"hello":"world"} (the issue's baseline),
 * or `answer`, the very bytes of a verification's answer (about 4 KB): a like-for-like baseline, in
 * case writing them cost more than writing 17 bytes (measured: it does not).
 */
async function startBareKoa(answer?: Buffer): Promise<{ url: string; server: Server }> {
  const app = new Koa();
  app.use((ctx) => {
    if (answer) {
      ctx.type = 'application/json';
      ctx.body = answer;
    } else ctx.body = { hello: 'world' };
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** A valid licence, verified once: a verdict of not_found would be cheaper and flatter the gateway. */
async function licenceToVerify(gw: TestGateway): Promise<string> {
  const { licenceId } = await issueLicence(gw, await newIssuer(gw));
  await verifyValid(gw, licenceId);
  return licenceId;
}

async function verifyValid(gw: TestGateway, licenceId: string): Promise<void> {
  const check = await gw.request('POST', '/v1/verify/licence', { json: { id: licenceId } });
  if (check.body?.verdict !== 'valid') throw new Error(`benchmark fixture broken: verdict ${check.status} ${check.text.slice(0, 300)}`);
}

/** A measured load, with the CPU time this process (the servers, LevelDB's threads included) spent per request. */
type Measured = Summary & { serverCpuMsPerRequest: number };

/** Measures `loads` in alternating rounds, after a warm-up of each unless `warmUp` is 0. */
async function measureRounds(generator: LoadGenerator, loads: Omit<Load, 'seconds'>[], rounds: number, seconds: number, warmUp = WARM_UP_SECONDS): Promise<{ measured: Measured[]; runs: Run[][] }> {
  if (warmUp > 0) for (const load of loads) await generator.run({ ...load, seconds: warmUp });
  const runs: Run[][] = loads.map(() => []);
  const cpu = loads.map(() => ({ micros: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, load] of loads.entries()) runs[i]!.push(await withCpu(cpu[i]!, () => generator.run({ ...load, seconds })));
  }
  const measured = runs.map((r, i) => {
    const summary = summarise(loads[i]!.url, r);
    return { ...summary, serverCpuMsPerRequest: cpu[i]!.micros / 1000 / summary.requests };
  });
  return { measured, runs };
}

interface IssuanceRow {
  connections: number;
  gatewaySigned: Measured;
  clientSigned: Measured;
  /** gateway-signed / client-signed requests per second. */
  ratio: number;
}

/** Issuance at each concurrency, the two kinds in alternating rounds; returns the rows and the licence ids committed. */
async function measureIssuance(gw: TestGateway, generator: LoadGenerator): Promise<{ rows: IssuanceRow[]; licenceIds: string[] }> {
  const makers: [string, BodyMaker][] = [
    ['gateway-signed', await gatewaySigned(gw)],
    ['client-signed', await clientSigned(gw)],
  ];
  process.stderr.write(`  making ${ISSUANCE_POOL} bodies of each kind (the client-signed ones signed now)\n`);
  const ids = new Map<string, string[]>();
  for (const [name, maker] of makers) {
    const { licenceIds, bodies } = maker.make(ISSUANCE_POOL);
    ids.set(name, licenceIds);
    generator.pool(name, bodies);
  }
  const load = (name: string, connections: number, token: string): Omit<Load, 'seconds'> => ({ url: `${gw.url}/v1/licences`, method: 'POST', pool: name, token, connections });
  const rows: IssuanceRow[] = [];
  const committed: string[] = [];
  for (const connections of ISSUANCE_CONCURRENCY) {
    process.stderr.write(`  issuance, gateway-signed and client-signed, c = ${connections}: ${ISSUANCE_ROUNDS} alternating rounds of ${ISSUANCE_ROUND_SECONDS} s\n`);
    const loads = makers.map(([name, maker]) => load(name, connections, maker.token));
    const { measured, runs } = await measureRounds(generator, loads, ISSUANCE_ROUNDS, ISSUANCE_ROUND_SECONDS, connections === 1 ? 1 : 0);
    makers.forEach(([name], i) => runs[i]!.forEach((run) => committed.push(...run.answered!.map((index) => ids.get(name)![index]!))));
    rows.push({ connections, gatewaySigned: measured[0]!, clientSigned: measured[1]!, ratio: measured[0]!.requestsPerSecond / measured[1]!.requestsPerSecond });
  }
  return { rows, licenceIds: committed };
}

/** BURST issuances as fast as the gateway takes them, then the time of the next verification of `licenceId`. */
async function burstThenVerify(gw: TestGateway, generator: LoadGenerator, licenceId: string): Promise<{ writes: number; seconds: number; firstVerifyMs: number; licenceIds: string[] }> {
  const maker = await gatewaySigned(gw);
  const { licenceIds, bodies } = maker.make(BURST);
  generator.pool('burst', bodies);
  process.stderr.write(`  burst: ${BURST} issuances at c = ${BURST_CONNECTIONS}, then one verification\n`);
  const run = await generator.run({ url: `${gw.url}/v1/licences`, method: 'POST', pool: 'burst', token: maker.token, connections: BURST_CONNECTIONS, seconds: 1200 });
  const start = performance.now();
  await verifyValid(gw, licenceId);
  const firstVerifyMs = performance.now() - start;
  return { writes: run.totalCompletedRequests, seconds: run.duration, firstVerifyMs, licenceIds: run.answered!.map((i) => licenceIds[i]!) };
}

/**
 * The audit index rebuilt from the whole ledger into a fresh database, as `npm run index:rebuild`
 * does (AuditIndex.replay from block 0), while the gateway is idle: events per second.
 */
async function rebuildRate(gw: TestGateway): Promise<{ events: number; blocks: number; seconds: number; eventsPerSecond: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hnc-bench-index-'));
  const db = await openGatewayDb(dir);
  try {
    const { ledger } = gw.gateway.services;
    const height = await ledger.height();
    const start = performance.now();
    const events = await new AuditIndex(db, pino({ level: 'silent' }), createMetrics()).replay(ledger, 0n, height);
    const seconds = (performance.now() - start) / 1000;
    return { events, blocks: Number(height), seconds, eventsPerSecond: events / seconds };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface StartUp {
  /** Licences on each ledger (the small one: only the licence verified). */
  licences: { small: number; large: number };
  /** From startGateway() to the answer of the first POST /v1/verify/licence, each round. */
  smallMs: number[];
  largeMs: number[];
  median: { smallMs: number; largeMs: number };
  /** Median large / median small. */
  ratio: number;
}

/** Starts a gateway on `dataDir` and times it up to the answer of its first verification of `licenceId`; stops it, keeping the data. */
async function timeStartUp(dataDir: string, licenceId: string): Promise<number> {
  const start = performance.now();
  const gw = await startBenchGateway(dataDir);
  try {
    await verifyValid(gw, licenceId);
    return performance.now() - start;
  } finally {
    await gw.stop({ keepData: true });
  }
}

/**
 * Start-up with the ledger this run filled (its gateway stopped) beside start-up with a ledger holding one
 * licence, in alternating rounds: what the gateway reads before it answers must not grow with the ledger.
 */
async function startUpTimes(large: { dataDir: string; licenceId: string; licences: number }): Promise<StartUp> {
  const smallGw = await startBenchGateway();
  const smallLicence = await licenceToVerify(smallGw);
  await smallGw.stop({ keepData: true });
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  try {
    for (let round = 0; round < STARTS; round++) {
      smallMs.push(await timeStartUp(smallGw.dataDir, smallLicence));
      largeMs.push(await timeStartUp(large.dataDir, large.licenceId));
    }
  } finally {
    await rm(smallGw.dataDir, { recursive: true, force: true });
  }
  const medians = { smallMs: median(smallMs), largeMs: median(largeMs) };
  return { licences: { small: 1, large: large.licences }, smallMs, largeMs, median: medians, ratio: medians.largeMs / medians.smallMs };
}

interface DuringWrites {
  quiet: Measured;
  duringWrites: Measured;
  writes: Summary;
  /** Licences the writes committed. */
  issued: number;
  /** Verifications in the rounds with writes, by cache outcome (bypass: the verdict cache's record events behind the ledger). */
  outcomes: Record<Outcome, number>;
  bypassShare: number;
  /** duringWrites / quiet requests per second. */
  ratio: number;
}

const OUTCOMES = ['hit', 'miss', 'bypass'] as const;
type Outcome = (typeof OUTCOMES)[number];

async function cacheOutcomes(gw: TestGateway): Promise<Record<Outcome, number>> {
  const { values } = await gw.gateway.services.metrics.licenceVerdictCache.get();
  const count = (outcome: Outcome) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { hit: count('hit'), miss: count('miss'), bypass: count('bypass') };
}

/** Runs `run` and adds the CPU time this process spent meanwhile to `cpu.micros`. */
async function withCpu<T>(cpu: { micros: number }, run: () => Promise<T>): Promise<T> {
  const before = process.cpuUsage();
  const result = await run();
  const { user, system } = process.cpuUsage(before);
  cpu.micros += user + system;
  return result;
}

/** Cache hits in rounds alternating between quiet and while one agency issues at c = WRITERS. */
async function hitsDuringWrites(gw: TestGateway, reader: LoadGenerator, hit: Omit<Load, 'seconds'>): Promise<DuringWrites> {
  const writer = new LoadGenerator();
  try {
    const maker = await gatewaySigned(gw);
    writer.pool('writes', maker.make(WRITES_POOL).bodies);
    const write: Load = { url: `${gw.url}/v1/licences`, method: 'POST', pool: 'writes', token: maker.token, connections: WRITERS, seconds: ROUND_SECONDS };
    const runs = { quiet: [] as Run[], during: [] as Run[], writes: [] as Run[] };
    const cpu = { quiet: { micros: 0 }, during: { micros: 0 } };
    const outcomes: Record<Outcome, number> = { hit: 0, miss: 0, bypass: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      runs.quiet.push(await withCpu(cpu.quiet, () => reader.run({ ...hit, seconds: ROUND_SECONDS })));
      const before = await cacheOutcomes(gw);
      const [read, written] = await withCpu(cpu.during, () => Promise.all([reader.run({ ...hit, seconds: ROUND_SECONDS }), writer.run(write)]));
      const after = await cacheOutcomes(gw);
      for (const outcome of OUTCOMES) outcomes[outcome] += after[outcome] - before[outcome];
      runs.during.push(read);
      runs.writes.push(written);
    }
    const measured = (r: Run[], micros: number): Measured => {
      const summary = summarise(hit.url, r);
      return { ...summary, serverCpuMsPerRequest: micros / 1000 / summary.requests };
    };
    const quiet = measured(runs.quiet, cpu.quiet.micros);
    const duringWrites = measured(runs.during, cpu.during.micros);
    const total = outcomes.hit + outcomes.miss + outcomes.bypass;
    return {
      quiet,
      duringWrites,
      writes: summarise(write.url, runs.writes),
      issued: runs.writes.reduce((n, run) => n + run.answered!.length, 0),
      outcomes,
      bypassShare: total ? outcomes.bypass / total : 0,
      ratio: duringWrites.requestsPerSecond / quiet.requestsPerSecond,
    };
  } finally {
    writer.close();
  }
}

interface BatchTimes {
  anchorMs: number;
  proofMs: number;
  verifyMs: number;
  totalMs: number;
  /** What the process holds more after the batch than before it, per leaf (see METHOD.memory). */
  bytesPerLeaf: number;
}

/** heapUsed + arrayBuffers after full collections: what the process holds, the gateway's trees included. */
function heldBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc, as npm run bench:gateway does');
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

async function timed<T>(what: string, expectStatus: number, call: () => Promise<{ status: number; text: string; body: T }>): Promise<{ body: T; ms: number }> {
  const start = performance.now();
  const reply = await call();
  const ms = performance.now() - start;
  if (reply.status !== expectStatus) throw new Error(`${what}: ${reply.status} ${reply.text.slice(0, 500)}`);
  return { body: reply.body, ms };
}

/**
 * POST /v1/anchors of `count` leaves to the 201 after commit, then GET the proof of one leaf and POST it
 * to /v1/verify/proof. The leaves go as hex in JSON, or with `upload` as raw bytes in multipart/form-data.
 */
async function anchorAndProve(gw: TestGateway, count: number, upload: boolean): Promise<BatchTimes> {
  const { token } = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['provider'] });
  const leaves = randomBytes(count * 32);
  const hex = (i: number) => leaves.subarray(i * 32, (i + 1) * 32).toString('hex');
  const description = '不动产登记电子证明 批次';
  let body: string | FormData;
  if (upload) {
    body = new FormData();
    body.append('description', description);
    body.append('leaves', new Blob([leaves]), 'leaves.bin');
  } else {
    body = JSON.stringify({ leaves: Array.from({ length: count }, (_, i) => hex(i)), description });
  }
  const before = heldBytes();
  const anchored = await timed('POST /v1/anchors', 201, () => gw.request('POST', '/v1/anchors', { token, raw: body, ...(upload ? {} : { contentType: 'application/json' }) }));
  const leaf = hex(randomInt(count));
  const { anchorId } = anchored.body.batch;
  const proof = await timed('GET proof', 200, () => gw.request('GET', `/v1/anchors/${anchorId}/proof?leaf=${leaf}`));
  const { agencyId: _a, evidence: _e, ...claim } = proof.body;
  const verified = await timed('POST /v1/verify/proof', 200, () => gw.request('POST', '/v1/verify/proof', { json: claim }));
  if (verified.body.valid !== true) throw new Error(`benchmark fixture broken: the proof of leaf ${leaf} did not verify`);
  const bytesPerLeaf = (heldBytes() - before) / count;
  return { anchorMs: anchored.ms, proofMs: proof.ms, verifyMs: verified.ms, totalMs: anchored.ms + proof.ms + verified.ms, bytesPerLeaf };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

function medianTimes(batches: BatchTimes[]): BatchTimes {
  const of = (key: keyof BatchTimes) => median(batches.map((b) => b[key]));
  return { anchorMs: of('anchorMs'), proofMs: of('proofMs'), verifyMs: of('verifyMs'), totalMs: of('totalMs'), bytesPerLeaf: of('bytesPerLeaf') };
}

const number = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number): string => `${number(ms, 1)} ms`;
/** autocannon keeps latencies in whole milliseconds, rounded down. */
const latency = (ms: number): string => (ms === 0 ? '< 1 ms' : `${ms} ms`);

interface Verdict {
  text: string;
  value: number;
  shown: string;
  met: boolean;
}

/** Each target beside the figure it judges: a ratio at least `min`, or a value at most `max`. */
const atLeast = (text: string, ratio: number, min: number): Verdict => ({ text, value: ratio, shown: formatRatio(ratio), met: ratio >= min });
const atMost = (text: string, value: number, max: number, shown: string): Verdict => ({ text, value, shown, met: value <= max });

interface Results {
  http: {
    hit: Measured;
    miss: Measured;
    bareKoa: Measured;
    hitRatio: number;
    missRatio: number;
    /** The size of the verification answer the like-for-like bare Koa sends. */
    answerBytes: number;
    bareKoaSameAnswer: Measured;
    hitRatioSameAnswer: number;
    missRatioSameAnswer: number;
    /** POST /v1/verify/licence {id} hits beside bare Koa answering the same POST: the body parsed, validated. */
    post: { hit: Measured; bareKoa: Measured; hitRatio: number };
  };
  issuance: IssuanceRow[];
  burst: { writes: number; seconds: number; firstVerifyMs: number };
  rebuild: Awaited<ReturnType<typeof rebuildRate>>;
  duringWrites: DuringWrites;
  anchor: AnchorRuns;
  uploadedAnchor: AnchorRuns;
  startUp: StartUp;
}

interface AnchorRuns {
  leaves: number;
  median: BatchTimes;
  batches: BatchTimes[];
}

function targets(r: Results): Verdict[] {
  const at = (c: number) => r.issuance.find((row) => row.connections === c)!;
  return [
    atLeast('verify, cache hit ≥ 0.5× bare Koa requests/s', r.http.hitRatio, 0.5),
    atLeast('verify, cache miss (distinct never-verified licences) ≥ 0.25× bare Koa requests/s', r.http.missRatio, 0.25),
    atLeast('cache hits while an agency writes ≥ 0.8× quiet hits', r.duringWrites.ratio, 0.8),
    atMost(`first verification after ${number(r.burst.writes)} writes ≤ 50 ms`, r.burst.firstVerifyMs, 50, millis(r.burst.firstVerifyMs)),
    {
      text: 'audit index rebuild ≥ 20,000 events/s',
      value: r.rebuild.eventsPerSecond,
      shown: `${number(r.rebuild.eventsPerSecond)} events/s`,
      met: r.rebuild.eventsPerSecond >= 20_000,
    },
    ...(['gatewaySigned', 'clientSigned'] as const).flatMap((kind) => {
      const name = kind === 'gatewaySigned' ? 'gateway-signed' : 'client-signed';
      const c50 = at(50)[kind].requestsPerSecond;
      const p50 = at(1)[kind].latencyMs.p50;
      return [
        { text: `issuance, ${name}, ≥ 1,000 committed/s at c = 50`, value: c50, shown: `${number(c50)}/s`, met: c50 >= 1000 },
        atMost(`issuance, ${name}, p50 at c = 1 ≤ 10 ms`, p50, 10, latency(p50)),
      ];
    }),
    atMost(
      `start-up to the first verification with ${number(r.startUp.licences.large)} licences ≤ 1.25× with ${r.startUp.licences.small} (median of ${STARTS})`,
      r.startUp.ratio,
      1.25,
      formatRatio(r.startUp.ratio),
    ),
    {
      text: `a ${number(LEAVES)}-leaf batch accepted and proven in < 5 s (median)`,
      value: r.anchor.median.totalMs / 1000,
      shown: seconds(r.anchor.median.totalMs),
      met: r.anchor.median.totalMs < 5000,
    },
    {
      text: `${number(UPLOADED_LEAVES)} leaves uploaded in one batch accepted and proven in ≤ 4 s (median)`,
      value: r.uploadedAnchor.median.totalMs / 1000,
      shown: seconds(r.uploadedAnchor.median.totalMs),
      met: r.uploadedAnchor.median.totalMs <= 4000,
    },
    {
      text: 'gateway memory ≤ 64 bytes per anchored leaf (median)',
      value: r.uploadedAnchor.median.bytesPerLeaf,
      shown: `${number(r.uploadedAnchor.median.bytesPerLeaf, 1)} bytes`,
      met: r.uploadedAnchor.median.bytesPerLeaf <= 64,
    },
  ];
}

function issuanceTable(rows: IssuanceRow[]): string {
  const row = (what: string, m: Measured, ratio: string) => [what, number(m.requestsPerSecond), latency(m.latencyMs.p50), latency(m.latencyMs.p99), `${number(m.serverCpuMsPerRequest, 2)} ms`, ratio];
  return table(
    [
      ['issuance POST /v1/licences', 'committed/s', 'p50', 'p99', 'server CPU/request', 'gateway/client'],
      ...rows.flatMap((r) => [
        row(`gateway-signed, c = ${r.connections}`, r.gatewaySigned, formatRatio(r.ratio)),
        row(`client-signed, c = ${r.connections}`, r.clientSigned, ''),
      ]),
    ],
    [1, 2, 3, 4, 5],
  );
}

function format(r: Results, verdicts: Verdict[]): string {
  const httpRow = (what: string, m: Measured) => [
    what,
    number(m.requestsPerSecond),
    latency(m.latencyMs.p50),
    latency(m.latencyMs.p99),
    number(m.requests),
    `${number(m.serverCpuMsPerRequest, 3)} ms`,
  ];
  const http = table(
    [
      ['endpoint', 'requests/s', 'p50', 'p99', 'requests', 'server CPU/request'],
      httpRow('GET /v1/verify/licence?id=, cache hit', r.http.hit),
      httpRow('GET /v1/verify/licence?id=, miss (distinct ids)', r.http.miss),
      httpRow('bare Koa, GET {"hello":"world"}', r.http.bareKoa),
      httpRow(`bare Koa, GET, the same answer's ${number(r.http.answerBytes)} bytes`, r.http.bareKoaSameAnswer),
      httpRow('POST /v1/verify/licence {id}, cache hit', r.http.post.hit),
      httpRow('bare Koa, POST {"hello":"world"}', r.http.post.bareKoa),
      httpRow(`cache hits, quiet rounds`, r.duringWrites.quiet),
      httpRow(`cache hits while an agency writes at c = ${WRITERS}`, r.duringWrites.duringWrites),
    ],
    [1, 2, 3, 4, 5],
  );
  const issuance = issuanceTable(r.issuance);
  const anchorTable = (runs: AnchorRuns, how: string) => {
    const m = runs.median;
    return table(
      [
        [`anchor batch of ${number(runs.leaves)} leaves, ${how}`, 'median', ...runs.batches.map((_, i) => `#${i + 1}`)],
        ['POST /v1/anchors → 201 committed', seconds(m.anchorMs), ...runs.batches.map((b) => seconds(b.anchorMs))],
        ['GET /v1/anchors/:id/proof', millis(m.proofMs), ...runs.batches.map((b) => millis(b.proofMs))],
        ['POST /v1/verify/proof', millis(m.verifyMs), ...runs.batches.map((b) => millis(b.verifyMs))],
        ['accepted and proven', seconds(m.totalMs), ...runs.batches.map((b) => seconds(b.totalMs))],
        ['memory held per leaf', `${number(m.bytesPerLeaf, 1)} B`, ...runs.batches.map((b) => `${number(b.bytesPerLeaf, 1)} B`)],
      ],
      runs.batches.map((_, i) => i + 2).concat(1),
    );
  };
  const anchor = `${anchorTable(r.anchor, 'hex in JSON')}\n\n${anchorTable(r.uploadedAnchor, 'raw bytes uploaded')}`;
  const burst =
    `burst: ${number(r.burst.writes)} issuances in ${r.burst.seconds.toFixed(1)} s (${number(r.burst.writes / r.burst.seconds)}/s at c = ${BURST_CONNECTIONS}); ` +
    `the next verification took ${millis(r.burst.firstVerifyMs)}\n` +
    `audit index rebuilt from ${number(r.rebuild.blocks)} blocks: ${number(r.rebuild.events)} events in ${r.rebuild.seconds.toFixed(2)} s (${number(r.rebuild.eventsPerSecond)} events/s)\n` +
    `cache outcomes while writing: ${OUTCOMES.map((o) => `${o} ${number(r.duringWrites.outcomes[o])}`).join(', ')} (bypass ${(r.duringWrites.bypassShare * 100).toFixed(1)} %)\n` +
    `start-up to the first verification: ${number(r.startUp.licences.large)} licences ${r.startUp.largeMs.map(millis).join(', ')}; ` +
    `${r.startUp.licences.small} licence ${r.startUp.smallMs.map(millis).join(', ')}`;
  const lines = verdicts.map((v) => `${v.met ? 'met    ' : 'NOT met'}  ${v.text}: ${v.shown}`);
  return `${http}\n\n${issuance}\n\n${burst}\n\n${anchor}\n\nTargets\n${lines.join('\n')}\n`;
}

/**
 * BENCH_ONLY=issuance: the issuance section alone, printed with the load averages; no results file is
 * written, so bench/results/gateway.json always holds a whole run.
 */
async function issuanceOnly(): Promise<void> {
  const loadAtStart = loadAverage();
  const gw = await startBenchGateway();
  const generator = new LoadGenerator();
  try {
    const { rows } = await measureIssuance(gw, generator);
    process.stdout.write(`\n${issuanceTable(rows)}\n${formatLoad(loadAtStart)}`);
  } finally {
    generator.close();
    await gw.stop();
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY !== undefined) {
    if (process.env.BENCH_ONLY !== 'issuance') throw new Error(`BENCH_ONLY may only be "issuance", got ${process.env.BENCH_ONLY}`);
    return issuanceOnly();
  }
  // Other work on the machine lowers every figure; the load averages say how much there was.
  const loadAtStart = loadAverage();
  process.stderr.write('starting the gateway and a bare Koa app, issuing a licence...\n');
  const gw = await startBenchGateway();
  const koa = await startBareKoa();
  const generator = new LoadGenerator();
  let stopped = false;
  let sameAnswerKoa: Awaited<ReturnType<typeof startBareKoa>> | undefined;
  try {
    const licenceId = await licenceToVerify(gw);
    const issuance = await measureIssuance(gw, generator);
    const burst = await burstThenVerify(gw, generator, licenceId);
    process.stderr.write('  audit index rebuilt from the ledger into a fresh database\n');
    const rebuild = await rebuildRate(gw);
    const neverVerified = [...issuance.licenceIds, ...burst.licenceIds];
    const verifyPath = (id: string) => `/v1/verify/licence?id=${encodeURIComponent(id)}`;
    generator.pool('miss', neverVerified.map(verifyPath));

    process.stderr.write(`  GET /v1/verify/licence?id= hit and miss, POST hit, and bare Koa: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s each\n`);
    const expect = '"verdict":"valid"';
    const hit: Omit<Load, 'seconds'> = { url: `${gw.url}${verifyPath(licenceId)}`, method: 'GET', expect, connections: CONNECTIONS };
    const body = JSON.stringify({ id: licenceId });
    const answer = Buffer.from((await gw.request('GET', verifyPath(licenceId))).text);
    sameAnswerKoa = await startBareKoa(answer);
    const {
      measured: [hitMeasured, bare, miss, bareSameAnswer, postHit, postBare],
    } = await measureRounds(generator, [
      hit,
      { url: koa.url, method: 'GET', connections: CONNECTIONS },
      { url: `${gw.url}/v1/verify/licence`, method: 'GET', pool: 'miss', expect, connections: CONNECTIONS },
      { url: sameAnswerKoa.url, method: 'GET', expect, connections: CONNECTIONS },
      { url: `${gw.url}/v1/verify/licence`, method: 'POST', body, expect, connections: CONNECTIONS },
      { url: koa.url, method: 'POST', body, connections: CONNECTIONS },
    ], ROUNDS, ROUND_SECONDS);

    process.stderr.write(`  cache hits, quiet and while an agency writes at c = ${WRITERS}: ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s each\n`);
    const duringWrites = await hitsDuringWrites(gw, generator, hit);

    const batches: BatchTimes[] = [];
    for (let i = 0; i < BATCHES; i++) {
      process.stderr.write(`  anchor batch ${i + 1} of ${BATCHES}: ${number(LEAVES)} leaves as hex in JSON\n`);
      batches.push(await anchorAndProve(gw, LEAVES, false));
    }
    const uploaded: BatchTimes[] = [];
    for (let i = 0; i < UPLOADED_BATCHES; i++) {
      process.stderr.write(`  anchor batch ${i + 1} of ${UPLOADED_BATCHES}: ${number(UPLOADED_LEAVES)} leaves uploaded as raw bytes\n`);
      uploaded.push(await anchorAndProve(gw, UPLOADED_LEAVES, true));
    }

    process.stderr.write(`  start-up with this run's ledger and with a one-licence ledger: ${STARTS} alternating rounds\n`);
    await gw.stop({ keepData: true });
    stopped = true;
    const startUp = await startUpTimes({ dataDir: gw.dataDir, licenceId, licences: 1 + issuance.licenceIds.length + burst.licenceIds.length + duringWrites.issued });

    const results: Results = {
      http: {
        hit: hitMeasured!,
        miss: miss!,
        bareKoa: bare!,
        hitRatio: hitMeasured!.requestsPerSecond / bare!.requestsPerSecond,
        missRatio: miss!.requestsPerSecond / bare!.requestsPerSecond,
        answerBytes: answer.length,
        bareKoaSameAnswer: bareSameAnswer!,
        hitRatioSameAnswer: hitMeasured!.requestsPerSecond / bareSameAnswer!.requestsPerSecond,
        missRatioSameAnswer: miss!.requestsPerSecond / bareSameAnswer!.requestsPerSecond,
        post: { hit: postHit!, bareKoa: postBare!, hitRatio: postHit!.requestsPerSecond / postBare!.requestsPerSecond },
      },
      issuance: issuance.rows,
      burst: { writes: burst.writes, seconds: burst.seconds, firstVerifyMs: burst.firstVerifyMs },
      rebuild,
      duringWrites,
      anchor: { leaves: LEAVES, median: medianTimes(batches), batches },
      uploadedAnchor: { leaves: UPLOADED_LEAVES, median: medianTimes(uploaded), batches: uploaded },
      startUp,
    };
    const verdicts = targets(results);
    process.stdout.write(`\n${format(results, verdicts)}${formatLoad(loadAtStart)}`);
    await saveJson(RESULTS, { machine: machine(loadAtStart), method: METHOD, ...results, targets: verdicts });
    process.stdout.write(`\nwritten to ${RESULTS}\n`);
  } finally {
    generator.close();
    for (const app of [koa, sameAnswerKoa]) if (app) await new Promise((resolve) => app.server.close(resolve));
    // Stopped for the start-up rounds, its data kept for them.
    if (stopped) await rm(gw.dataDir, { recursive: true, force: true });
    else await gw.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
