/** When the orderer cuts a block (Fabric's channel config BatchSize.MaxMessageCount and BatchTimeout). */
export interface BlockCutting {
  maxTransactions: number;
  timeoutMs: number;
}

/**
 * The ordering service's block cutter, reduced to one process: transactions queue in arrival order; a
 * block is cut as soon as maxTransactions are waiting, or timeoutMs after the first transaction of an
 * empty batch arrived (orderer/common/blockcutter and the solo/etcdraft batch timer).
 */
export class BlockCutter<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cutting: BlockCutting,
    private readonly onBlock: (batch: T[]) => void,
  ) {
    if (!Number.isInteger(cutting.maxTransactions) || cutting.maxTransactions < 1) {
      throw new RangeError(`block.maxTransactions must be a positive integer, got ${cutting.maxTransactions}`);
    }
    if (!(cutting.timeoutMs >= 0)) throw new RangeError(`block.timeoutMs must be >= 0, got ${cutting.timeoutMs}`);
  }

  order(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.cutting.maxTransactions) this.cut();
    else if (this.pending.length === 1) this.timer = setTimeout(() => this.cut(), this.cutting.timeoutMs);
  }

  /** Cuts whatever is waiting now; used by the timer and when the ledger closes. */
  cut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.onBlock(batch);
  }
}
