/** How large a block may grow (Fabric's channel config BatchSize.MaxMessageCount). */
export interface BlockCutting {
  maxTransactions: number;
}

/**
 * The ordering service's block cutter, reduced to one process, cutting by group commit: transactions
 * queue in arrival order; while a block is being committed (validated and written with fsync) the
 * next ones wait, and the moment it is done they are cut into the next block together, up to
 * maxTransactions at a time. With the committer idle a transaction is cut at once (after the current
 * turn of the event loop, so that transactions arriving together share a block). So one writer waits
 * only for its own commit, and many writers share one fsync per block, where Fabric's BatchTimeout
 * would hold every lone transaction for the timeout.
 */
export class BlockCutter<T> {
  private pending: T[] = [];
  /** Blocks cut and not yet committed. */
  private committing = 0;
  private scheduled = false;

  constructor(
    private readonly cutting: BlockCutting,
    /** Commits a block; the promise settles once it is committed (or failed). */
    private readonly onBlock: (batch: T[]) => Promise<void>,
  ) {
    if (!Number.isInteger(cutting.maxTransactions) || cutting.maxTransactions < 1) {
      throw new RangeError(`block.maxTransactions must be a positive integer, got ${cutting.maxTransactions}`);
    }
  }

  order(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.cutting.maxTransactions) this.cut();
    else if (this.committing === 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (this.committing === 0) this.cut();
      });
    }
  }

  /** Cuts whatever is waiting now (up to maxTransactions a block); also used when the ledger closes. */
  cut(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.cutting.maxTransactions);
      this.committing++;
      void this.onBlock(batch).finally(() => {
        // The committer is free: what arrived meanwhile goes into the next block at once.
        if (--this.committing === 0) this.cut();
      });
    }
  }
}
