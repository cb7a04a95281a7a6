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
  body?: string;
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
  non2xx: number;
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

/** The parent's side: a child that runs one load at a time; a run that overruns its time kills it. */
export class LoadGenerator {
  private readonly child: ChildProcess = fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  run(load: Load): Promise<Run> {
    return new Promise((resolve, reject) => {
      const exited = () => reject(new Error(`autocannon exited during ${load.method} ${load.url}`));
      const timer = setTimeout(() => {
        this.child.kill();
        reject(new Error(`autocannon did not finish ${load.method} ${load.url} in ${load.seconds + 10} s`));
      }, (load.seconds + 10) * 1000);
      this.child.once('exit', exited);
      this.child.once('message', (run: Run) => {
        clearTimeout(timer);
        this.child.off('exit', exited);
        // A benchmark of refusals or dropped connections would flatter: every request must succeed.
        if (run.errors || run.timeouts || run.non2xx) {
          reject(new Error(`${load.method} ${load.url}: ${run.errors} errors, ${run.timeouts} timeouts, ${run.non2xx} non-2xx answers`));
        } else resolve(run);
      });
      this.child.send(load);
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

if (require.main === module) {
  process.on('message', (load: Load) => {
    void autocannon({
      url: load.url,
      method: load.method,
      headers: { 'content-type': 'application/json' },
      ...(load.body === undefined ? {} : { body: load.body }),
      connections: load.connections,
      pipelining: 1,
      duration: load.seconds,
      skipAggregateResult: true,
    }).then((run) => process.send!(run));
  });
}
