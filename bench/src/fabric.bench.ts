/**
 * `npm run bench:fabric`, on the network `npm run network:up` and `npm run chaincode:deploy` started
 * (HNC_FABRIC_DIR moves it): committed licence issuances per second and their latency next to the
 * chaincode's no-op transaction (agency:ping: reads, writes and emits nothing), same network, same
 * endorsement policy, same client, at 16 and at 64 transactions in flight; then anchored leaves per
 * second through batch roots. Prints a table and writes bench/results/fabric.json. Targets are
 * reported, never asserted.
 *
 * Transactions go through the gateway's FabricLedger (endorse on both organisations' peers, order,
 * wait for the commit), as the gateway's own writes do; issuance bodies are signed before the clock
 * starts, as an agency's system signs its own. Issuance and no-op run in alternating rounds, so both
 * see the same load of the machine.
 */
import '@henan-chain/gateway/dist/quiet-chaincode-logs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@henan-chain/gateway/dist/config';
import type { LedgerIdentity } from '@henan-chain/gateway/dist/ledger/ledger';
import { startGateway } from '@henan-chain/gateway/dist/server';
import { GOVERNANCE, TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { clientSigned } from './licence-bodies';
import { formatRatio, loadAverage, machine, saveJson, table } from './report';

const RESULTS = join(__dirname, '..', 'results', 'fabric.json');
const IN_FLIGHT = [16, 64] as const;
const ROUNDS = 2;
const ROUND_SECONDS = 10;
const WARM_UP_TRANSACTIONS = 32;
const ANCHOR_BATCHES = 3;
const LEAVES = 10_000;
const TARGET_RATIO = 0.7;

interface RoundResult {
  committed: number;
  seconds: number;
  latenciesMs: number[];
  failed: number;
}

interface Measured {
  committedPerSecond: number;
  committed: number;
  failed: number;
  latencyMs: { p50: number; p99: number };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

function summarise(rounds: RoundResult[]): Measured {
  const latencies = rounds.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const committed = rounds.reduce((n, r) => n + r.committed, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  return {
    committedPerSecond: committed / seconds,
    committed,
    failed: rounds.reduce((n, r) => n + r.failed, 0),
    latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) },
  };
}

/**
 * Keeps `inFlight` submissions going for `seconds`: each worker starts the next as soon as its last
 * one committed. Only the transactions started within the window count; the round ends when they have.
 */
async function round(inFlight: number, seconds: number, submit: () => Promise<unknown>): Promise<RoundResult> {
  const latenciesMs: number[] = [];
  let failed = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await submit();
          latenciesMs.push(performance.now() - t0);
        } catch (err) {
          failed++;
          if (failed === 1) console.error(`a transaction failed: ${(err as Error).message}`);
        }
      }
    }),
  );
  return { committed: latenciesMs.length, seconds: (performance.now() - start) / 1000, latenciesMs, failed };
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-bench-fabric-'));
  const config = loadConfig(process.env, { LEDGER: 'fabric', PORT: '0', DATA_DIR: dataDir, GOVERNANCE_TOKEN: GOVERNANCE, LOG_LEVEL: 'warn' });
  const gw = new TestGateway(await startGateway(config, pino({ level: 'warn' })), dataDir);
  try {
    const { ledger, wallet } = gw.gateway.services;
    const client: LedgerIdentity = wallet.organisations[0]!.client;
    // Bodies the agency signed itself, as its own system would: the chaincode verifies each signature.
    const maker = await clientSigned(gw);
    const nextIssue = () => maker.make(1).bodies[0]!;
    const issue = async (body: string) => ledger.submit(client, 'licence:issue', [body]);
    const ping = () => ledger.submit(client, 'agency:ping', []);

    // Warm up: connections, chaincode servers, the endorsement plan of both organisations.
    await Promise.all(Array.from({ length: WARM_UP_TRANSACTIONS }, () => ping()));
    await Promise.all(Array.from({ length: WARM_UP_TRANSACTIONS }, () => issue(nextIssue())));

    const results: Record<string, { issue: Measured; ping: Measured; ratio: number }> = {};
    for (const inFlight of IN_FLIGHT) {
      const issued: RoundResult[] = [];
      const pinged: RoundResult[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Bodies signed ahead: more than the round can commit at this many in flight.
        const { bodies } = maker.make(inFlight * 40);
        pinged.push(await round(inFlight, ROUND_SECONDS, ping));
        issued.push(await round(inFlight, ROUND_SECONDS, () => issue(bodies.pop() ?? nextIssue())));
      }
      const issue_ = summarise(issued);
      const ping_ = summarise(pinged);
      results[String(inFlight)] = { issue: issue_, ping: ping_, ratio: issue_.committedPerSecond / ping_.committedPerSecond };
      console.log(`${inFlight} in flight: issue ${issue_.committedPerSecond.toFixed(1)}/s, no-op ${ping_.committedPerSecond.toFixed(1)}/s`);
    }

    // Anchored leaves per second: POST /v1/anchors to the 201 after commit, a fresh agency per batch.
    const anchors: { leaves: number; ms: number }[] = [];
    for (let b = 0; b < ANCHOR_BATCHES; b++) {
      const { token } = await gw.registerAgency({ name: '河南省大数据管理局', roles: ['provider'] });
      const body = JSON.stringify({ leaves: Array.from({ length: LEAVES }, () => randomBytes(32).toString('hex')), description: '不动产登记电子证明 批次' });
      const start = performance.now();
      const reply = await gw.request('POST', '/v1/anchors', { token, raw: body, contentType: 'application/json' });
      const ms = performance.now() - start;
      if (reply.status !== 201) throw new Error(`anchor: ${reply.status} ${reply.text.slice(0, 300)}`);
      anchors.push({ leaves: LEAVES, ms });
    }
    const anchoredLeavesPerSecond = anchors.map((a) => (a.leaves * 1000) / a.ms).sort((a, b) => a - b)[anchors.length >> 1]!;

    const rows = IN_FLIGHT.flatMap((n) => {
      const r = results[String(n)]!;
      return [
        [`licence:issue, ${n} in flight`, r.issue.committedPerSecond.toFixed(1), `${r.issue.latencyMs.p50} ms`, `${r.issue.latencyMs.p99} ms`, String(r.issue.committed), String(r.issue.failed), formatRatio(r.ratio)],
        [`agency:ping (no-op), ${n} in flight`, r.ping.committedPerSecond.toFixed(1), `${r.ping.latencyMs.p50} ms`, `${r.ping.latencyMs.p99} ms`, String(r.ping.committed), String(r.ping.failed), ''],
      ];
    });
    const targets = IN_FLIGHT.map((n) => ({ inFlight: n, text: `issuance ≥ ${TARGET_RATIO}× the no-op rate at ${n} in flight`, ratio: results[String(n)]!.ratio, met: results[String(n)]!.ratio >= TARGET_RATIO }));
    console.log(table([['transaction (committed)', 'tx/s', 'p50', 'p99', 'committed', 'failed', 'vs no-op'], ...rows], [1, 2, 3, 4, 5, 6]));
    console.log(`anchored leaves: ${Math.round(anchoredLeavesPerSecond).toLocaleString('en-US')}/s (median of ${ANCHOR_BATCHES} batches of ${LEAVES.toLocaleString('en-US')}, POST /v1/anchors to the committed 201)`);
    for (const t of targets) console.log(`${t.met ? 'met    ' : 'NOT met'}  ${t.text}: ${formatRatio(t.ratio)}`);
    const profile = config.fabric!;
    await saveJson(RESULTS, {
      machine: machine(loadAtStart),
      method: {
        network: `the running network of ${profile.profile}`,
        client: `the gateway's FabricLedger (fabric-gateway 1.11) as ${profile.org}'s client; endorsed by both organisations (MAJORITY), committed`,
        rounds: `${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per transaction and concurrency, after ${WARM_UP_TRANSACTIONS} warm-up transactions of each`,
        issue: 'licence:issue with a body the agency signed (SM2) before the round; the chaincode verifies the signature, checks the agency and writes the licence and its indexes',
        noop: 'agency:ping: reads, writes and emits nothing',
        anchor: `${ANCHOR_BATCHES} batches of ${LEAVES} random leaves, each by a fresh agency, POST /v1/anchors to the 201 after commit`,
      },
      results: { inFlight: results, anchoredLeavesPerSecond, anchors },
      targets,
    });
    console.log(`results: ${RESULTS}`);
  } finally {
    await gw.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
