import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncFolder } from '../data-dir';

/**
 * The leaves of each agency's anchored batches, back to back in one file per agency, at
 * DATA_DIR/anchor-leaves/<agencyId>.leaves: leaf i of the log at byte i × leafBytes. A batch is written
 * in its place and fsync'd before its record goes into LevelDB, so bytes past the last recorded batch
 * (a crash in between) are never read, and the next batch writes over them. LevelDB took 2-5 s to
 * write a 32 MB batch as one value (its log, then a compaction writing it again); a file takes one write.
 */
export class LeafFiles {
  constructor(
    private readonly dir: string,
    private readonly leafBytes: number,
  ) {}

  /** Writes `leaves` from leaf position `position` of the agency's file, durably. */
  async write(agencyId: string, position: number, leaves: Uint8Array): Promise<void> {
    // mkdir returns the first folder it made: its parent must then record it durably too.
    const made = await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (made !== undefined) await syncFolder(dirname(made));
    const file = await open(this.path(agencyId), constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      const { bytesWritten } = await file.write(leaves, 0, leaves.length, position * this.leafBytes);
      if (bytesWritten !== leaves.length) throw new Error(`anchor leaves of agency ${agencyId}: wrote ${bytesWritten} of ${leaves.length} bytes`);
      await file.sync();
    } finally {
      await file.close();
    }
    // A new file's name must survive a crash as well as its bytes.
    await syncFolder(this.dir);
  }

  /** The first `count` leaves of the agency's file. */
  async read(agencyId: string, count: number): Promise<Buffer> {
    const bytes = count === 0 ? Buffer.alloc(0) : await readFile(this.path(agencyId));
    if (bytes.length < count * this.leafBytes) {
      throw new Error(`anchor leaves of agency ${agencyId}: the file holds ${bytes.length} bytes, its anchored batches ${count * this.leafBytes}`);
    }
    return bytes.subarray(0, count * this.leafBytes);
  }

  private path(agencyId: string): string {
    // agencyId is a validated unified social credit code: letters and digits only.
    return join(this.dir, `${agencyId}.leaves`);
  }
}
