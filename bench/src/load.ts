/**
 * autocannon in a child process. Run in the servers' process, its own JavaScript (writing requests,
 * parsing responses, recording latencies) would share their event loop, and the faster endpoint
 * would be charged more of it, since it gets more responses to parse. In a process of its own it
 * takes the second core of the machine and leaves the servers' core to the servers.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';

export interface Load {
  url: string;
  method: 'GET' | 'POST';
  /** The same body on every request; or `pool`, the name of a pool sent with LoadGenerator.pool. */
  body?: string;
  /**
   * Each request takes the pool's next entry, once: distinct writes, or distinct never-verified ids. A
   * POST sends the entry as its body; a GET asks for it as its path (with its query).
   */
  pool?: string;
  token?: string;
  /** Every answer's body must contain this (e.g. `"verdict":"valid"`): a cheaper refusal would flatter. */
  expect?: string;
  connections: number;
  seconds: number;
}

/** One run as autocannon reports it with skipAggregateResult: counts, and histograms encoded for merging. */
export interface Run {
  latencies: string;
  totalCompletedRequests: number;
  /** Seconds. */
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  /** With a pool: the indices of its bodies answered with a 2xx in this run. */
  answered?: number[];
  /** With a pool: the status and start of the first answer that was not a 2xx. */
  refusal?: string;
}

export interface Summary {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
}

/** Present at run time, missing from @types/autocannon: merges runs' histograms as its workers' results are merged. */
const { aggregateResult } = autocannon as unknown as { aggregateResult(runs: Run[], options: { url: string }): autocannon.Result };

/** Runs of one endpoint as one measurement: all their requests over all their time, latencies from the merged histogram. */
export function summarise(url: string, runs: Run[]): Summary {
  const requests = runs.reduce((sum, r) => sum + r.totalCompletedRequests, 0);
  const seconds = runs.reduce((sum, r) => sum + r.duration, 0);
  const { latency } = aggregateResult(runs, { url });
  return { requests, seconds, requestsPerSecond: requests / seconds, latencyMs: { p50: latency.p50, p99: latency.p99, mean: latency.average, max: latency.max } };
}

type Message = { type: 'pool'; name: string; bodies: string[] } | { type: 'run'; load: Load };

/** The parent's side: a child that runs one load at a time; a run that overruns its time kills it. */
export class LoadGenerator {
  private readonly child: ChildProcess = fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  /** Sends bodies for loads that name `name` as their pool; runs take them in order, each once. */
  pool(name: string, bodies: string[]): void {
    this.child.send({ type: 'pool', name, bodies } satisfies Message);
  }

  run(load: Load): Promise<Run> {
    return new Promise((resolve, reject) => {
      const exited = () => reject(new Error(`autocannon exited during ${load.method} ${load.url}`));
      const timer = setTimeout(() => {
        this.child.kill();
        reject(new Error(`autocannon did not finish ${load.method} ${load.url} in ${load.seconds + 10} s`));
      }, (load.seconds + 10) * 1000);
      this.child.once('exit', exited);
      this.child.once('message', (run: Run | { error: string }) => {
        clearTimeout(timer);
        this.child.off('exit', exited);
        // A benchmark of refusals or dropped connections would flatter: every request must succeed.
        if ('error' in run) reject(new Error(`${load.method} ${load.url}: ${run.error}`));
        else if (run.errors || run.timeouts || run.non2xx || run.mismatches) {
          reject(new Error(`${load.method} ${load.url}: ${run.errors} errors, ${run.timeouts} timeouts, ${run.non2xx} non-2xx answers, ${run.mismatches} answers without ${load.expect}${run.refusal ? `; first refusal: ${run.refusal}` : ''}`));
        } else resolve(run);
      });
      this.child.send({ type: 'run', load } satisfies Message);
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

/** The child's pools: their bodies and how many have been taken. */
const pools = new Map<string, { bodies: string[]; next: number }>();

function runLoad(load: Load): Promise<Run> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (load.token) headers.authorization = `Bearer ${load.token}`;
  const options: autocannon.Options = {
    url: load.url,
    method: load.method,
    headers,
    ...(load.body === undefined ? {} : { body: load.body }),
    connections: load.connections,
    pipelining: 1,
    duration: load.seconds,
    // Samples every 50 ms rather than every second: a run that ends early ends on time.
    sampleInt: 50,
    skipAggregateResult: true,
    ...(load.expect === undefined ? {} : { verifyBody: (body) => String(body).includes(load.expect!) }),
  };
  const pool = load.pool === undefined ? undefined : pools.get(load.pool);
  if (load.pool !== undefined && !pool) return Promise.reject(new Error(`no pool ${load.pool}`));
  const answered: number[] = [];
  let refusal: string | undefined;
  if (pool) {
    // Each body once, across connections; the run ends early when the pool does.
    const left = pool.bodies.length - pool.next;
    if (left < load.connections) return Promise.reject(new Error(`pool ${load.pool} is used up`));
    options.amount = left - (left % load.connections);
    options.requests = [
      {
        setupRequest: (request: any, context: any) => {
          context.index = pool.next++;
          const entry = pool.bodies[context.index];
          return load.method === 'GET' ? { ...request, path: entry } : { ...request, body: entry };
        },
        onResponse: (status: number, body: string, context: any) => {
          if (status >= 200 && status < 300) answered.push(context.index);
          else refusal ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ];
  }
  // Without a callback autocannon returns its tracker, made thenable: it can be stopped and awaited.
  const instance = autocannon(options) as unknown as Promise<Run> & { stop(): void };
  // amount overrides duration in autocannon: the run is stopped on time here.
  const timer = pool ? setTimeout(() => instance.stop(), load.seconds * 1000) : undefined;
  return instance.then((run) => {
    clearTimeout(timer);
    return pool ? { ...run, answered, ...(refusal === undefined ? {} : { refusal }) } : run;
  });
}

if (require.main === module) {
  process.on('message', (message: Message) => {
    if (message.type === 'pool') pools.set(message.name, { bodies: message.bodies, next: 0 });
    else {
      runLoad(message.load).then(
        (run) => process.send!(run),
        (err: Error) => process.send!({ error: err.message }),
      );
    }
  });
}
