import type { Ledger } from '../ledger/ledger';

/** Where a chaincode event sits in the ledger. */
export interface EventPosition {
  blockNumber: bigint;
  transactionId: string;
}

/**
 * Whether a follower of the chaincode events (RecordChanges, for the caches of answers) has passed
 * every event of every block committed so far. It sees events, not blocks: having passed an event of
 * block n says nothing of the events after it in n, nor of later blocks that hold none. So the last
 * event below the ledger's height is read from the ledger itself and compared with the last event the
 * follower passed (which it passes in ledger order). That read walks back from the newest block and
 * stops at the first that holds an event, so a question costs one block read whatever the ledger
 * committed since the last one: after a burst of 30,000 writes a verification must not wait while
 * every new block is read (until the follower catches up the answer is false and readers go to the ledger).
 */
export class EventProgress {
  private passedEvent?: EventPosition;
  /** Blocks below this one are accounted for: `lastEvent` is the last event before it. */
  private scannedTo: bigint;
  private lastEvent?: EventPosition;
  private scan?: Promise<void>;

  /** `startBlock`: where the follower's stream starts; it needs nothing before it. */
  constructor(
    private readonly ledger: Pick<Ledger, 'height' | 'events'>,
    startBlock: bigint,
  ) {
    this.scannedTo = startBlock;
  }

  /** The follower is done with `event`. */
  passed(event: EventPosition): void {
    this.passedEvent = { blockNumber: event.blockNumber, transactionId: event.transactionId };
  }

  /** True when the follower had passed every event of the blocks committed at the time of asking. */
  async caughtUp(): Promise<boolean> {
    const height = await this.ledger.height();
    while (this.scannedTo < height) {
      // One look at the new blocks at a time, shared by every caller waiting on it.
      this.scan ??= this.scanTo(height).finally(() => (this.scan = undefined));
      await this.scan;
    }
    const last = this.lastEvent;
    const passed = this.passedEvent;
    if (!last) return true;
    if (!passed) return false;
    return passed.blockNumber > last.blockNumber || (passed.blockNumber === last.blockNumber && passed.transactionId === last.transactionId);
  }

  private async scanTo(height: bigint): Promise<void> {
    for (let block = height - 1n; block >= this.scannedTo; block--) {
      let last: EventPosition | undefined;
      for await (const event of this.ledger.events(block, block + 1n)) last = { blockNumber: event.blockNumber, transactionId: event.transactionId };
      if (last) {
        this.lastEvent = last;
        break;
      }
    }
    this.scannedTo = height;
  }
}
