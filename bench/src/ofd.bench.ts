/**
 * `npm run bench:ofd`: OFD verification (package ofd) side by side with parsing alone (the zip
 * inflated, the XML read, nothing hashed or checked) on the real samples and on a large OFD, printed
 * as a table and written to bench/results/ofd.json. Targets are reported, never asserted.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readContainer, readOfd, verifyOfd } from '@henan-chain/ofd';
import { SAMPLES, sampleEntries, sampleFile, zipOf } from '@henan-chain/ofd/testing';
import type { Case } from './case';
import { METHOD, measureAsyncSideBySide } from './measure';
import { type Target, loadAverage, publish } from './report';

const RESULTS = join(__dirname, '..', 'results', 'ofd.json');

/** The large OFD: the KingGrid sample with its page image replaced by this many incompressible bytes. */
const LARGE_IMAGE_BYTES = 32 * 1024 * 1024;

type AsyncCase = Omit<Case, 'op'> & { run: () => Promise<unknown> };

const TARGETS: Target[] = [
  { text: 'verifying a large OFD ≥ 0.3× the MB/s of parsing it alone', id: 'ofd.verify.large', minRatio: 0.3 },
  { text: 'verifying the AztSign sample (two seals) ≥ 0.1× the rate of parsing it alone', id: 'ofd.verify.aztSign', minRatio: 0.1 },
];

const parse = async (file: Uint8Array) => readOfd(await readContainer(file));

/** Verification of one file and, as its baseline, parsing it alone. */
function pair(key: string, what: string, file: Uint8Array, unit: string, perOp: number): AsyncCase[] {
  return [
    { id: `ofd.parse.${key}`, what: `parse ${what}`, who: 'zip + XML only', unit, perOp, run: () => parse(file) },
    { id: `ofd.verify.${key}`, what: `verify ${what}`, who: '@henan-chain/ofd', unit, perOp, baseline: `ofd.parse.${key}`, run: () => verifyOfd(file) },
  ];
}

async function largeOfd(): Promise<Uint8Array> {
  const entries = await sampleEntries(SAMPLES.kingGrid);
  entries.set('Doc_0/Res/IM8-7.jpg', new Uint8Array(randomBytes(LARGE_IMAGE_BYTES)));
  return zipOf(entries);
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  process.stderr.write('preparing the samples and a large OFD...\n');
  const large = await largeOfd();
  const groups: AsyncCase[][] = [
    ...Object.entries(SAMPLES).map(([key, name]) => pair(key, `${name} (${(sampleFile(name).length / 1024).toFixed(0)} KB)`, sampleFile(name), 'files/s', 1)),
    pair('large', `a large OFD (${(large.length / 1e6).toFixed(1)} MB)`, large, 'MB/s', large.length / 1e6),
  ];
  const measured = [];
  for (const group of groups) {
    process.stderr.write(`  ${group.map((c) => c.what).join(' | ')}\n`);
    const timings = await measureAsyncSideBySide(group.map((c) => c.run));
    measured.push(...group.map((c, i) => ({ case: c, timing: timings[i]! })));
  }
  await publish(RESULTS, METHOD, measured, TARGETS, loadAtStart);
}

void main();
