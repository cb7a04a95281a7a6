/** Turns timings into rows with ratios and target verdicts, printed as a table and saved as JSON. */
import { rename, writeFile } from 'node:fs/promises';
import { arch, availableParallelism, cpus, loadavg, platform } from 'node:os';
import type { Case } from './case';
import type { Timing } from './measure';

/** A measured case: its description, its rate in its unit, and how that compares to its baseline. */
export interface Row extends Pick<Case, 'id' | 'what' | 'who' | 'unit' | 'note'> {
  rate: number;
  ops: number;
  seconds: number;
  baseline?: { id: string; who: string; rate: number };
  /** rate / baseline rate. */
  ratio?: number;
}

export interface Target {
  text: string;
  /** The row whose ratio to its baseline is judged. */
  id: string;
  minRatio: number;
}

export interface TargetVerdict extends Target {
  ratio: number;
  met: boolean;
}

export function rowsOf(measured: ReadonlyArray<{ case: Omit<Case, 'op'>; timing: Timing }>): Row[] {
  const rows: Row[] = measured.map(({ case: { id, what, who, unit, perOp, note }, timing: { ops, seconds } }) => ({
    id,
    what,
    who,
    unit,
    rate: (ops * perOp) / seconds,
    ops,
    seconds,
    note,
  }));
  return rows.map((row, i) => {
    const baselineId = measured[i]!.case.baseline;
    if (baselineId === undefined) return row;
    const baseline = rows.find((r) => r.id === baselineId)!;
    return { ...row, baseline: { id: baseline.id, who: baseline.who, rate: baseline.rate }, ratio: row.rate / baseline.rate };
  });
}

export function judge(targets: readonly Target[], rows: readonly Row[]): TargetVerdict[] {
  return targets.map((target) => {
    const ratio = rows.find((r) => r.id === target.id)!.ratio!;
    return { ...target, ratio, met: ratio >= target.minRatio };
  });
}

export const formatRate = (rate: number): string => (rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toPrecision(3));
export const formatRatio = (ratio: number): string => `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;

/** Aligned columns; those in `rightAligned` (by default the third, the rate) right-aligned. */
export function table(lines: string[][], rightAligned: readonly number[] = [2]): string {
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const pad = (cell: string, column: number): string => (rightAligned.includes(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!));
  return lines.map((line) => line.map(pad).join('  ').trimEnd()).join('\n');
}

export function formatReport(rows: readonly Row[], verdicts: readonly TargetVerdict[]): string {
  const header = ['measurement', 'implementation', 'rate', 'unit', 'vs baseline'];
  const body = rows.map((r) => {
    const comparison = r.ratio === undefined ? '(baseline)' : `${formatRatio(r.ratio)} ${r.baseline!.who}`;
    return [r.what, r.who, formatRate(r.rate), r.unit, comparison];
  });
  const targets = verdicts.map((v) => `${v.met ? 'met    ' : 'NOT met'}  ${v.text}: ${formatRatio(v.ratio)}`);
  return `${table([header, ...body])}\n\nTargets\n${targets.join('\n')}\n`;
}

/** The 1-, 5- and 15-minute load averages: on a shared machine, how much other work the figures met. */
export function loadAverage(): number[] {
  return loadavg().map((load) => Number(load.toFixed(2)));
}

export function formatLoad(loadAtStart: readonly number[]): string {
  return `load average (1, 5, 15 min): ${loadAtStart.join(' ')} at the start, ${loadAverage().join(' ')} at the end\n`;
}

/** What ran the benchmark, when, and how loaded the machine was at the start and at the end. */
export function machine(loadAtStart: readonly number[]): Record<string, unknown> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    platform: `${platform()} ${arch()}`,
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    date: new Date().toISOString(),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadAverage(),
  };
}

/** Written beside and renamed, so that an interrupted run never leaves half a file. */
export async function saveJson(path: string, value: object): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

export async function saveReport(path: string, method: object, rows: readonly Row[], verdicts: readonly TargetVerdict[], loadAtStart: readonly number[]): Promise<void> {
  await saveJson(path, { machine: machine(loadAtStart), method, results: rows, targets: verdicts });
}

/** The end of a benchmark run: rows with their ratios and targets printed as a table, and saved to `path`. */
export async function publish(
  path: string,
  method: object,
  measured: ReadonlyArray<{ case: Omit<Case, 'op'>; timing: Timing }>,
  targets: readonly Target[],
  loadAtStart: readonly number[],
): Promise<void> {
  const rows = rowsOf(measured);
  const verdicts = judge(targets, rows);
  process.stdout.write(`\n${formatReport(rows, verdicts)}${formatLoad(loadAtStart)}`);
  await saveReport(path, method, rows, verdicts, loadAtStart);
  process.stdout.write(`\nwritten to ${path}\n`);
}
