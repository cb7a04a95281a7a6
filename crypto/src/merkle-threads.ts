import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CryptoError } from './errors';

type Reply = { id: number; roots: ArrayBuffer } | { id: number; error: string };

/**
 * Worker threads that hash runs of leaf data into their roots over SM3 (leafRunRoots with wasmSM3),
 * for MerkleTree.appendLeafDataInParallel: one per core beyond the calling thread, started on first
 * use, holding the process open only while they work.
 */
export class LeafRunHashers {
  /** Shares to split a batch into: this thread's and one per worker. */
  readonly shares = Math.max(1, availableParallelism());
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve(roots: Uint8Array): void; reject(err: Error): void; worker: Worker }>();
  private nextId = 0;

  /** The run roots of `data` (leaves of `width` bytes, whole runs), computed on a worker thread. */
  runRoots = (data: Uint8Array, width: number): Promise<Uint8Array> => {
    const id = this.nextId++;
    const worker = this.worker(id % (this.shares - 1 || 1));
    // A copy the worker takes over (a Buffer's slice() would be a view): the caller's buffer stays the caller's.
    const copy = new Uint8Array(data).buffer;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.ref();
      worker.postMessage({ id, data: copy, width }, [copy]);
    });
  };

  private worker(slot: number): Worker {
    let worker = this.workers[slot];
    if (worker) return worker;
    worker = new Worker(join(__dirname, 'merkle-thread.js'));
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) => this.fail(slot, new Error(`the Merkle worker thread exited with code ${code}`)));
    this.workers[slot] = worker;
    return worker;
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (![...this.pending.values()].some((p) => p.worker === waiting.worker)) waiting.worker.unref();
    if ('error' in reply) waiting.reject(new CryptoError('BAD_ARGUMENT', reply.error));
    else waiting.resolve(new Uint8Array(reply.roots));
  }

  /** A worker that failed is dropped (the next call starts another); what it was doing fails. */
  private fail(slot: number, err: Error): void {
    const worker = this.workers[slot];
    delete this.workers[slot];
    for (const [id, waiting] of this.pending) {
      if (waiting.worker !== worker) continue;
      this.pending.delete(id);
      waiting.reject(err);
    }
  }
}
