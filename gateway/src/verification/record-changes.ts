import type { RecordEvent } from '@henan-chain/chaincode';
import { EventProgress } from './event-progress';
import type { Ledger } from '../ledger/ledger';
import { recordEventOf } from '../ledger/record-event';

/**
 * The chaincode's record events as blocks commit, for the caches of answers they may change (licence
 * verdicts, agencies' status): on a stream of their own, from the height at start, so that a cache
 * knows a change as soon as the ledger delivers it. Following the audit index instead, a cache had to wait for the
 * index to write each event's projections, and about one lookup in eleven while an agency wrote went
 * to the ledger for it. An event whose payload is not JSON changes no record a cache holds.
 */
export class RecordChanges {
  private readonly followers: ((event: RecordEvent) => void)[] = [];

  private constructor(
    private readonly stream: ReturnType<Ledger['events']>,
    private readonly progress: EventProgress,
    private readonly running: Promise<void>,
  ) {}

  /** Follows `ledger` from its height now: a cache started empty needs nothing committed before. */
  static async follow(ledger: Ledger, onError: (err: unknown) => void): Promise<RecordChanges> {
    const start = await ledger.height();
    const stream = ledger.events(start);
    const progress = new EventProgress(ledger, start);
    let changes!: RecordChanges;
    const running = (async () => {
      for await (const event of stream) {
        const payload = recordEventOf(event.payload);
        if (payload) for (const follower of changes.followers) follower(payload);
        progress.passed(event);
      }
    })().catch(onError);
    changes = new RecordChanges(stream, progress, running);
    return changes;
  }

  /** Calls `follower` with each event, in ledger order, before caughtUp counts it as passed. */
  onChange(follower: (event: RecordEvent) => void): void {
    this.followers.push(follower);
  }

  /** Whether every follower has been given every event of the blocks committed at the time of asking. */
  caughtUp(): Promise<boolean> {
    return this.progress.caughtUp();
  }

  async stop(): Promise<void> {
    this.stream.close();
    await this.running;
  }
}
