/**
 * `npm run bench:readme`: rewrites the README's performance tables from bench/results/*.json, so the
 * README shows exactly what the latest runs printed. Each table sits between `<!-- bench:NAME -->`
 * and `<!-- /bench:NAME -->`; a results file that is missing leaves its table as it was.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatRate, formatRatio, type Row, type TargetVerdict } from './report';

const ROOT = join(__dirname, '..', '..');
export const README = join(ROOT, 'README.md');
const RESULTS = join(__dirname, '..', 'results');

interface RunInfo {
  date: string;
  cpu: string;
  cores: number;
  node: string;
  openssl: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

/** The line under each table: when, on what, and how loaded the machine was. */
function runLine(m: RunInfo): string {
  return (
    `Run of ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cores}-core ${m.cpu}, Node ${m.node}, OpenSSL ${m.openssl}; ` +
    `load average (1, 5, 15 min) ${m.loadAverageAtStart.join(' / ')} at the start, ${m.loadAverageAtEnd.join(' / ')} at the end.`
  );
}

const targetCell = (v: TargetVerdict | undefined): string => (v ? `${v.text.replace(/^.*?(≥|≤|<)/, '$1')}: ${v.met ? 'met' : '**not met**'}` : '');

function cryptoTable(report: { machine: RunInfo; results: Row[]; targets: TargetVerdict[] }): string {
  const row = (id: string): Row => {
    const found = report.results.find((r) => r.id === id);
    if (!found) throw new Error(`bench/results/crypto.json has no ${id}: run npm run bench:crypto`);
    return found;
  };
  const target = (id: string) => report.targets.find((t) => t.id === id);
  const others = ['sm-crypto-v2', 'sm-crypto', 'node-p256'] as const;
  const sm2 = (['verify-cached', 'verify-fresh', 'sign'] as const).map((op) => {
    const ours = row(`sm2.${op}.henan-chain`);
    const native = row(`sm2.${op}.node-sm2`);
    const vs = others.map((o) => {
      const r = row(`sm2.${op}.${o}`);
      return `${formatRate(r.rate)} (ours ${formatRatio(ours.rate / r.rate)})`;
    });
    return `| ${ours.what} | ${formatRate(ours.rate)} /s | ${formatRate(native.rate)} /s | ${formatRatio(ours.ratio!)} | ${targetCell(target(ours.id))} | ${vs.join(' | ')} |`;
  });
  const hash = ['merkle.build', 'merkle.inclusion'].map((id) => {
    const r = row(id);
    return `| ${r.what} | ${formatRate(r.rate)} ${r.unit} | ${r.baseline!.who}: ${formatRate(r.baseline!.rate)} calls/s | ${formatRatio(r.ratio!)} | ${targetCell(target(id))} |`;
  });
  return [
    '| SM2 | this project | native SM2 (OpenSSL, empty id), same run | ratio | target | sm-crypto-v2, precomputed key | sm-crypto 0.5.8 | ECDSA P-256, native (not SM2) |',
    '|---|---|---|---|---|---|---|---|',
    ...sm2,
    '',
    '| SM3 trees | this project | SM3 calls, same run | ratio | target |',
    '|---|---|---|---|---|',
    ...hash,
    '',
    runLine(report.machine),
  ].join('\n');
}

interface HttpFigure {
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
}

interface GatewayReport {
  machine: RunInfo;
  http: {
    hit: HttpFigure;
    miss: HttpFigure;
    bareKoa: HttpFigure;
    hitRatio: number;
    missRatio: number;
    answerBytes: number;
    bareKoaSameAnswer: HttpFigure;
    hitRatioSameAnswer: number;
    missRatioSameAnswer: number;
    post: { hit: HttpFigure; bareKoa: HttpFigure; hitRatio: number };
  };
  issuance: { connections: number; gatewaySigned: HttpFigure; clientSigned: HttpFigure; ratio: number }[];
  burst: { writes: number; seconds: number; firstVerifyMs: number };
  rebuild: { events: number; eventsPerSecond: number };
  duringWrites: { quiet: HttpFigure; duringWrites: HttpFigure; bypassShare: number; ratio: number };
  anchor: { leaves: number; median: { totalMs: number; anchorMs: number } };
  uploadedAnchor: { leaves: number; median: { totalMs: number; anchorMs: number; bytesPerLeaf: number } };
  startUp: { licences: { small: number; large: number }; median: { smallMs: number; largeMs: number }; ratio: number };
  targets: { text: string; shown: string; met: boolean }[];
}

const perSecond = (f: HttpFigure): string => `${formatRate(f.requestsPerSecond)} /s (p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms)`;

function gatewayTable(report: GatewayReport): string {
  const verdict = (start: string): string => {
    const found = report.targets.find((t) => t.text.startsWith(start));
    if (!found) throw new Error(`bench/results/gateway.json has no target "${start}…": run npm run bench:gateway`);
    return `${found.text}: ${found.met ? 'met' : '**not met**'}`;
  };
  const { http, burst, duringWrites: writes } = report;
  const issuance = report.issuance.flatMap((row) => [
    `| issuance, gateway-signed, c = ${row.connections} | ${perSecond(row.gatewaySigned)} | client-signed: ${perSecond(row.clientSigned)} | ${formatRatio(row.ratio)} | ${row.connections === 50 ? verdict('issuance, gateway-signed,') : row.connections === 1 ? verdict('issuance, gateway-signed, p50') : ''} |`,
  ]);
  const clientTargets = [verdict('issuance, client-signed,'), verdict('issuance, client-signed, p50')];
  return [
    '| measurement | this project | baseline, same run | ratio | target |',
    '|---|---|---|---|---|',
    `| verify by GET ?id=, cache hit (one licence again and again) | ${perSecond(http.hit)} | bare Koa: ${perSecond(http.bareKoa)} | ${formatRatio(http.hitRatio)} | ${verdict('verify, cache hit')} |`,
    `| verify by GET ?id=, miss (distinct never-verified licences) | ${perSecond(http.miss)} | bare Koa | ${formatRatio(http.missRatio)} | ${verdict('verify, cache miss (distinct never-verified licences)')} |`,
    `| (like for like) verify by GET, cache hit and miss | | bare Koa sending the same ${http.answerBytes.toLocaleString('en-US')}-byte answer: ${perSecond(http.bareKoaSameAnswer)} | hit ${formatRatio(http.hitRatioSameAnswer)}, miss ${formatRatio(http.missRatioSameAnswer)} | |`,
    `| verify by POST {id}, cache hit (the body parsed and validated) | ${perSecond(http.post.hit)} | bare Koa, POST: ${perSecond(http.post.bareKoa)} | ${formatRatio(http.post.hitRatio)} | |`,
    `| cache hits while an agency writes (bypass ${(writes.bypassShare * 100).toFixed(1)} %) | ${perSecond(writes.duringWrites)} | quiet hits: ${perSecond(writes.quiet)} | ${formatRatio(writes.ratio)} | ${verdict('cache hits while an agency writes')} |`,
    `| first verification after ${burst.writes.toLocaleString('en-US')} writes | ${burst.firstVerifyMs.toFixed(1)} ms | | | ${verdict(`first verification after ${burst.writes.toLocaleString('en-US')} writes`)} |`,
    `| audit index rebuild (${report.rebuild.events.toLocaleString('en-US')} events) | ${formatRate(report.rebuild.eventsPerSecond)} events/s | | | ${verdict('audit index rebuild')} |`,
    `| start-up to the first verification, ${report.startUp.licences.large.toLocaleString('en-US')} licences (median) | ${report.startUp.median.largeMs.toFixed(0)} ms | ${report.startUp.licences.small} licence: ${report.startUp.median.smallMs.toFixed(0)} ms | ${formatRatio(report.startUp.ratio)} | ${verdict('start-up to the first verification')} |`,
    ...issuance,
    `| issuance, client-signed | (beside) | | | ${clientTargets.join('; ')} |`,
    `| anchor ${report.anchor.leaves.toLocaleString('en-US')} leaves, accepted and proven (median) | ${(report.anchor.median.totalMs / 1000).toFixed(2)} s | | | ${verdict(`a ${report.anchor.leaves.toLocaleString('en-US')}-leaf batch`)} |`,
    `| anchor ${report.uploadedAnchor.leaves.toLocaleString('en-US')} leaves uploaded as raw bytes, accepted and proven (median) | ${(report.uploadedAnchor.median.totalMs / 1000).toFixed(2)} s | | | ${verdict(`${report.uploadedAnchor.leaves.toLocaleString('en-US')} leaves uploaded`)} |`,
    `| gateway memory per anchored leaf (median of the ${report.uploadedAnchor.leaves.toLocaleString('en-US')}-leaf batches) | ${report.uploadedAnchor.median.bytesPerLeaf.toFixed(1)} bytes | | | ${verdict('gateway memory')} |`,
    '',
    `The burst: ${burst.writes.toLocaleString('en-US')} issuances at c = 50 in ${burst.seconds.toFixed(1)} s. ${runLine(report.machine)}`,
  ].join('\n');
}

/** Each verification beside parsing the same file alone (bench/results/ofd.json). */
function ofdTable(report: { machine: RunInfo; results: Row[]; targets: TargetVerdict[] }): string {
  const rows = report.results
    .filter((r) => r.baseline !== undefined)
    .map((r) => {
      const target = report.targets.find((t) => t.id === r.id);
      return `| ${r.what.replace(/^verify /, '')} | ${formatRate(r.rate)} ${r.unit} | ${formatRate(r.baseline!.rate)} ${r.unit} | ${formatRatio(r.ratio!)} | ${targetCell(target)} |`;
    });
  return ['| OFD | verified | parsed alone (zip + XML), same run | ratio | target |', '|---|---|---|---|---|', ...rows, '', runLine(report.machine)].join('\n');
}

interface FabricMeasured {
  committedPerSecond: number;
  committed: number;
  failed: number;
  latencyMs: { p50: number; p99: number };
}

/** Committed issuances beside the no-op transaction, per concurrency, and anchored leaves (bench/results/fabric.json). */
function fabricTable(report: {
  machine: RunInfo;
  results: { inFlight: Record<string, { issue: FabricMeasured; ping: FabricMeasured; ratio: number }>; anchoredLeavesPerSecond: number };
  targets: { inFlight: number; text: string; ratio: number; met: boolean }[];
}): string {
  const cells = (m: FabricMeasured) => `${m.committedPerSecond.toFixed(1)} /s | ${m.latencyMs.p50} ms | ${m.latencyMs.p99} ms`;
  const rows = Object.entries(report.results.inFlight).map(([n, r]) => {
    const target = report.targets.find((t) => String(t.inFlight) === n);
    return `| ${n} | ${cells(r.issue)} | ${cells(r.ping)} | ${formatRatio(r.ratio)} | ${target ? `≥ 0.7×: ${target.met ? 'met' : '**not met**'}` : ''} |`;
  });
  return [
    '| in flight | licence:issue committed | p50 | p99 | agency:ping (no-op) committed | p50 | p99 | issue / no-op | target |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Anchored leaves through batch roots: ${Math.round(report.results.anchoredLeavesPerSecond).toLocaleString('en-US')} leaves/s (POST /v1/anchors to the committed 201). ${runLine(report.machine)}`,
  ].join('\n');
}

/** Replaces the text between the markers of `name`. */
function replaceBlock(readme: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} block`);
  return `${readme.slice(0, start + open.length)}\n${body}\n${readme.slice(end)}`;
}

/** bench/results/<name>.json, parsed; undefined when that benchmark has not been run. */
export async function results(name: string): Promise<any | undefined> {
  try {
    return JSON.parse(await readFile(join(RESULTS, `${name}.json`), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The README with each table whose results file exists rendered from it; `results` gives a file's parsed JSON, or undefined when it is missing. */
export async function renderReadme(readme: string, results: (name: string) => Promise<any | undefined>): Promise<string> {
  const tables: [string, (report: any) => string][] = [
    ['crypto', cryptoTable],
    ['gateway', gatewayTable],
    ['ofd', ofdTable],
    ['fabric', fabricTable],
  ];
  for (const [name, table] of tables) {
    const report = await results(name);
    if (report) readme = replaceBlock(readme, name, table(report));
  }
  return readme;
}

async function main(): Promise<void> {
  await writeFile(README, await renderReadme(await readFile(README, 'utf8'), results));
  process.stdout.write(`README.md: performance tables rewritten from ${RESULTS}\n`);
}

if (require.main === module) void main();
