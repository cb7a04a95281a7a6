/**
 * Progress bars of the long commands (`anchor`, `verify-ledger`), on stderr so that stdout carries only
 * results. Hand-written rather than a dependency: one line of counters needs no more. On a terminal the
 * line is redrawn in place, at most every REDRAW_MS; elsewhere (a log, a pipe) it is written as a line
 * at each milestone only, so that a log does not fill with redraws.
 */
const WIDTH = 24;
const REDRAW_MS = 100;

/** `[#####-------] done/total`. */
export function bar(done: number, total: number): string {
  const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}`;
}

export class ProgressLine {
  private drawnAt = 0;
  readonly live = process.stderr.isTTY === true;

  /** `line` says where the work stands; it is asked each time the line is drawn. */
  constructor(private readonly line: () => string) {}

  /** Counters changed: redraw on a terminal, if the last redraw is old enough. */
  update(): void {
    if (!this.live || Date.now() - this.drawnAt < REDRAW_MS) return;
    this.drawnAt = Date.now();
    process.stderr.write(`\r${this.line()}\x1b[K`);
  }

  /** A step is done (or the run is): the line as it stands, kept as a line of its own. */
  milestone(): void {
    process.stderr.write(`${this.live ? '\r' : ''}${this.line()}${this.live ? '\x1b[K' : ''}\n`);
  }

  /** A result line on stdout; on a terminal the bar is cleared first so that the two do not mix. */
  print(text: string): void {
    if (this.live) process.stderr.write('\r\x1b[K');
    process.stdout.write(`${text}\n`);
  }
}

/** `anchor`'s counters, on one progress line. */
export class Progress extends ProgressLine {
  hashed = 0;
  skipped = 0;
  proven = 0;
  batches = 0;

  constructor(total: number) {
    super(() => `${bar(this.skipped + this.proven, total)} files proven (${this.skipped} already were) · hashed ${this.hashed} · batches ${this.batches}`);
  }
}
