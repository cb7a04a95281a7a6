/**
 * The progress bar of `anchor`, on stderr so that stdout carries only results. Hand-written rather
 * than a dependency: one line of counters needs no more. On a terminal it is redrawn in place, at
 * most every REDRAW_MS; elsewhere (a log, a pipe) it is written as a line at each milestone only,
 * so that a log does not fill with redraws.
 */
const WIDTH = 24;
const REDRAW_MS = 100;

export class Progress {
  hashed = 0;
  skipped = 0;
  proven = 0;
  batches = 0;
  private drawnAt = 0;
  private readonly live = process.stderr.isTTY === true;

  constructor(private readonly total: number) {}

  /** Counters changed: redraw on a terminal, if the last redraw is old enough. */
  update(): void {
    if (!this.live || Date.now() - this.drawnAt < REDRAW_MS) return;
    this.drawnAt = Date.now();
    process.stderr.write(`\r${this.line()}\x1b[K`);
  }

  /** A batch is done (or the run is): the bar as it stands, kept as a line of its own. */
  milestone(): void {
    process.stderr.write(`${this.live ? '\r' : ''}${this.line()}${this.live ? '\x1b[K' : ''}\n`);
  }

  /** A result line on stdout; on a terminal the bar is cleared first so that the two do not mix. */
  print(text: string): void {
    if (this.live) process.stderr.write('\r\x1b[K');
    process.stdout.write(`${text}\n`);
  }

  private line(): string {
    const done = this.skipped + this.proven;
    const filled = this.total === 0 ? WIDTH : Math.round((done / this.total) * WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    return `[${bar}] ${done}/${this.total} files proven (${this.skipped} already were) · hashed ${this.hashed} · batches ${this.batches}`;
  }
}
