/**
 * Time-boxed throughput: run operations for a fixed time and count, rather than a fixed count.
 * Operations that are compared run side by side, in alternating slices: on a shared machine the
 * load changes from second to second, and alternating lets every operation of a comparison see the
 * same load, so that their ratio holds even when the absolute figures drift.
 */

export interface Timing {
  ops: number;
  seconds: number;
}

const WARM_UP_MS = 400;
/** Measured time per operation, in ROUNDS slices. */
const MEASURE_MS = 2000;
const ROUNDS = 8;
/** Batches long enough that reading the clock costs nothing next to them, short enough to stop on time. */
const BATCH_MS = 10;

/** How the figures were taken, saved with them. */
export const METHOD = { warmUpMs: WARM_UP_MS, measureMs: MEASURE_MS, interleavedRounds: ROUNDS, timer: 'performance.now()' };

function timeBatch(op: () => void, batch: number): number {
  const start = performance.now();
  for (let i = 0; i < batch; i++) op();
  return performance.now() - start;
}

/** Warms up (JIT, lazily built tables, caches) and returns a batch size of about BATCH_MS. */
function warmUp(op: () => void): number {
  let batch = 1;
  for (const start = performance.now(); performance.now() - start < WARM_UP_MS; ) {
    if (timeBatch(op, batch) < BATCH_MS) batch *= 2;
  }
  return batch;
}

/** Measures `ops` side by side: each for MEASURE_MS in all, in ROUNDS alternating slices. */
export function measureSideBySide(ops: ReadonlyArray<() => void>): Timing[] {
  const batches = ops.map(warmUp);
  const timings = ops.map(() => ({ ops: 0, ms: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    ops.forEach((op, i) => {
      const timing = timings[i]!;
      for (let slice = 0; slice < MEASURE_MS / ROUNDS; ) {
        const ms = timeBatch(op, batches[i]!);
        slice += ms;
        timing.ms += ms;
        timing.ops += batches[i]!;
      }
    });
  }
  return timings.map(({ ops, ms }) => ({ ops, seconds: ms / 1000 }));
}

/**
 * measureSideBySide for asynchronous operations of a millisecond or more (an OFD verified, a
 * request answered): one awaited call at a time, no batching, the same alternating slices.
 */
export async function measureAsyncSideBySide(ops: ReadonlyArray<() => Promise<unknown>>): Promise<Timing[]> {
  for (const op of ops) for (const start = performance.now(); performance.now() - start < WARM_UP_MS; ) await op();
  const timings = ops.map(() => ({ ops: 0, ms: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, op] of ops.entries()) {
      const timing = timings[i]!;
      for (let slice = 0; slice < MEASURE_MS / ROUNDS; timing.ops++) {
        const start = performance.now();
        await op();
        const ms = performance.now() - start;
        slice += ms;
        timing.ms += ms;
      }
    }
  }
  return timings.map(({ ops, ms }) => ({ ops, seconds: ms / 1000 }));
}
