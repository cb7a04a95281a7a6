/**
 * `npm run bench:gateway`: one run measures, on this machine, POST /v1/verify/licence by id next to a
 * bare Koa app, and the time to anchor and prove a 100,000-leaf batch; prints a table and writes
 * bench/results/gateway.json. Targets are reported, never asserted: figures depend on the machine.
 *
 * Both servers live in this process, so each is measured in the same runtime, and only one is under
 * load at a time; autocannon runs in a child process (see load.ts). The two endpoints are measured
 * in alternating rounds, as the crypto benchmark does, so both see the same load of the machine.
 */
import '@henan-chain/gateway/dist/quiet-chaincode-logs';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import pino from 'pino';
import { loadConfig } from '@henan-chain/gateway/dist/config';
import { startGateway } from '@henan-chain/gateway/dist/server';
import { GOVERNANCE, TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { issueLicence, newIssuer } from '@henan-chain/gateway/dist/testing/licence-fixtures';
import { type Load, LoadGenerator, type Run, type Summary, summarise } from './load';
import { formatRatio, loadAverage, machine, saveJson, table } from './report';

const RESULTS = join(__dirname, '..', 'results', 'gateway.json');

const CONNECTIONS = 10;
const WARM_UP_SECONDS = 2;
const ROUNDS = 5;
const ROUND_SECONDS = 2;
const LEAVES = 100_000;
/** Anchored batches, each by a fresh agency so that each is a 100,000-leaf tree; the median is judged. */
const BATCHES = 3;

const METHOD = {
  loadGenerator: `autocannon ${(require('autocannon/package.json') as { version: string }).version} in a child process`,
  connections: CONNECTIONS,
  pipelining: 1,
  latency: 'whole milliseconds, rounded down, as autocannon records them (0 means under 1 ms)',
  warmUpSeconds: WARM_UP_SECONDS,
  interleavedRounds: ROUNDS,
  roundSeconds: ROUND_SECONDS,
  request: 'the same POST with the same JSON body to both servers; bare Koa ignores it',
  verify: 'the same licence on every request: after the first, answered from the gateway\u2019s verdict cache',
  gatewayLog: 'info level (the default), to /dev/null',
  anchor: `${BATCHES} batches of ${LEAVES} random SM3 leaves, each by a new agency; times end to end over HTTP, the body serialised beforehand`,
};

/** The gateway as `npm start` runs it, with its access log at the default level (into /dev/null, not a terminal), over a fresh data directory without demo data. */
async function startBenchGateway(): Promise<TestGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-bench-'));
  const config = loadConfig({}, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, GOVERNANCE_TOKEN: GOVERNANCE, DEMO: 'false', LOG_LEVEL: 'info' });
  const log = pino({ level: config.logLevel }, pino.destination('/dev/null'));
  return new TestGateway(await startGateway(config, log), dataDir);
}

async function startBareKoa(): Promise<{ url: string; server: Server }> {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/**
 * A valid licence: a verdict of not_found would be cheaper and flatter the gateway. Every request
 * verifies this same licence, so after the first one the gateway answers from its verdict cache
 * (gateway/src/verification/licence-verdict-cache.ts): the figure is that of public verification of
 * a popular licence, not of a chaincode evaluation, which a licence verified for the first time, or
 * again after a change, still costs.
 */
async function licenceToVerify(gw: TestGateway): Promise<string> {
  const issuer = await newIssuer(gw);
  const { licenceId } = await issueLicence(gw, issuer);
  const check = await gw.request('POST', '/v1/verify/licence', { json: { id: licenceId } });
  if (check.body?.verdict !== 'valid') throw new Error(`benchmark fixture broken: verdict ${check.status} ${check.text}`);
  return licenceId;
}

/**
 * A measured endpoint, with the CPU time this process (the servers, LevelDB's threads included) spent
 * per request: unlike requests/s, it hardly moves when other work shares the machine.
 */
type Measured = Summary & { serverCpuMsPerRequest: number };

async function measureHttp(loads: Omit<Load, 'seconds'>[]): Promise<Measured[]> {
  const generator = new LoadGenerator();
  try {
    for (const load of loads) await generator.run({ ...load, seconds: WARM_UP_SECONDS });
    const runs: Run[][] = loads.map(() => []);
    const cpuMicros = loads.map(() => 0);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, load] of loads.entries()) {
        const before = process.cpuUsage();
        runs[i]!.push(await generator.run({ ...load, seconds: ROUND_SECONDS }));
        const { user, system } = process.cpuUsage(before);
        cpuMicros[i]! += user + system;
      }
    }
    return runs.map((r, i) => {
      const summary = summarise(loads[i]!.url, r);
      return { ...summary, serverCpuMsPerRequest: cpuMicros[i]! / 1000 / summary.requests };
    });
  } finally {
    generator.close();
  }
}

interface BatchTimes {
  anchorMs: number;
  proofMs: number;
  verifyMs: number;
  totalMs: number;
}

async function timed<T>(what: string, expectStatus: number, call: () => Promise<{ status: number; text: string; body: T }>): Promise<{ body: T; ms: number }> {
  const start = performance.now();
  const reply = await call();
  const ms = performance.now() - start;
  if (reply.status !== expectStatus) throw new Error(`${what}: ${reply.status} ${reply.text.slice(0, 500)}`);
  return { body: reply.body, ms };
}

/** POST /v1/anchors to the 201 after commit, then GET the proof of one leaf and POST it to /v1/verify/proof. */
async function anchorAndProve(gw: TestGateway): Promise<BatchTimes> {
  const { token } = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['provider'] });
  const leaves = Array.from({ length: LEAVES }, () => randomBytes(32).toString('hex'));
  const body = JSON.stringify({ leaves, description: '不动产登记电子证明 批次' });
  const anchored = await timed('POST /v1/anchors', 201, () => gw.request('POST', '/v1/anchors', { token, raw: body, contentType: 'application/json' }));
  const leaf = leaves[randomInt(LEAVES)]!;
  const { anchorId } = anchored.body.batch;
  const proof = await timed('GET proof', 200, () => gw.request('GET', `/v1/anchors/${anchorId}/proof?leaf=${leaf}`));
  const { agencyId: _a, evidence: _e, ...claim } = proof.body;
  const verified = await timed('POST /v1/verify/proof', 200, () => gw.request('POST', '/v1/verify/proof', { json: claim }));
  if (verified.body.valid !== true) throw new Error(`benchmark fixture broken: the proof of leaf ${leaf} did not verify`);
  return { anchorMs: anchored.ms, proofMs: proof.ms, verifyMs: verified.ms, totalMs: anchored.ms + proof.ms + verified.ms };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

function medianTimes(batches: BatchTimes[]): BatchTimes {
  const of = (key: keyof BatchTimes) => median(batches.map((b) => b[key]));
  return { anchorMs: of('anchorMs'), proofMs: of('proofMs'), verifyMs: of('verifyMs'), totalMs: of('totalMs') };
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

function format(verify: Measured, koa: Measured, batches: BatchTimes[], verdicts: Verdict[]): string {
  const http = table(
    [
      ['endpoint', 'requests/s', 'p50', 'p99', 'requests', 'server CPU/request'],
      ...(
        [
          ['POST /v1/verify/licence {id}', verify],
          ['bare Koa {"hello":"world"}', koa],
        ] as const
      ).map(([what, m]) => [
        what,
        number(m.requestsPerSecond),
        latency(m.latencyMs.p50),
        latency(m.latencyMs.p99),
        number(m.requests),
        `${number(m.serverCpuMsPerRequest, 3)} ms`,
      ]),
    ],
    [1, 2, 3, 4, 5],
  );
  const m = medianTimes(batches);
  const anchor = table(
    [
      [`anchor batch of ${number(LEAVES)} leaves`, 'median', ...batches.map((_, i) => `#${i + 1}`)],
      ['POST /v1/anchors → 201 committed', seconds(m.anchorMs), ...batches.map((b) => seconds(b.anchorMs))],
      ['GET /v1/anchors/:id/proof', millis(m.proofMs), ...batches.map((b) => millis(b.proofMs))],
      ['POST /v1/verify/proof', millis(m.verifyMs), ...batches.map((b) => millis(b.verifyMs))],
      ['accepted and proven', seconds(m.totalMs), ...batches.map((b) => seconds(b.totalMs))],
    ],
    batches.map((_, i) => i + 1).concat(batches.length + 1),
  );
  const targets = verdicts.map((v) => `${v.met ? 'met    ' : 'NOT met'}  ${v.text}: ${v.shown}`);
  return `${http}\n\n${anchor}\n\nTargets\n${targets.join('\n')}\n`;
}

async function main(): Promise<void> {
  // Other work on the machine lowers every figure; the 1-minute load average says how much there was.
  const loadAtStart = loadAverage();
  process.stderr.write('starting the gateway and a bare Koa app, issuing a licence...\n');
  const gw = await startBenchGateway();
  const koa = await startBareKoa();
  try {
    const licenceId = await licenceToVerify(gw);
    const body = JSON.stringify({ id: licenceId });
    process.stderr.write(`  POST /v1/verify/licence and bare Koa: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s each\n`);
    const [verify, bare] = await measureHttp([
      { url: `${gw.url}/v1/verify/licence`, method: 'POST', body, connections: CONNECTIONS },
      { url: koa.url, method: 'POST', body, connections: CONNECTIONS },
    ]);
    const batches: BatchTimes[] = [];
    for (let i = 0; i < BATCHES; i++) {
      process.stderr.write(`  anchor batch ${i + 1} of ${BATCHES}: ${number(LEAVES)} leaves\n`);
      batches.push(await anchorAndProve(gw));
    }

    const ratio = verify!.requestsPerSecond / bare!.requestsPerSecond;
    const anchorMedian = medianTimes(batches);
    const targets: Verdict[] = [
      { text: 'verify-by-id ≥ 0.5× the bare Koa requests/s', value: ratio, shown: formatRatio(ratio), met: ratio >= 0.5 },
      {
        text: `a ${number(LEAVES)}-leaf batch accepted and proven in < 5 s (median)`,
        value: anchorMedian.totalMs / 1000,
        shown: seconds(anchorMedian.totalMs),
        met: anchorMedian.totalMs < 5000,
      },
    ];
    process.stdout.write(`\n${format(verify!, bare!, batches, targets)}`);
    await saveJson(RESULTS, {
      machine: machine(loadAtStart),
      method: METHOD,
      http: { verifyLicenceById: verify, bareKoa: bare, ratio },
      anchor: { leaves: LEAVES, median: anchorMedian, batches },
      targets,
    });
    process.stdout.write(`\nwritten to ${RESULTS}\n`);
  } finally {
    await new Promise((resolve) => koa.server.close(resolve));
    await gw.stop();
  }
}

void main();
