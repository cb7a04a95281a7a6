import { ClassicLevel, type BatchOperation, type Iterator, type Snapshot as LevelSnapshot } from 'classic-level';

/** The ledger's one LevelDB, keys and values as Buffers; layout.ts says what lives where. */
export type Db = ClassicLevel<Buffer, Buffer>;

/** A consistent read view of the database, as of the moment it was taken. */
export type Snapshot = LevelSnapshot;

export type DbIterator = Iterator<Db, Buffer, Buffer>;

export type DbOperation = BatchOperation<Db, Buffer, Buffer>;

/** Opens (by default creating) the LevelDB in `dataDir`; `createIfMissing: false` only opens one that exists. */
export async function openDb(dataDir: string, { createIfMissing = true }: { createIfMissing?: boolean } = {}): Promise<Db> {
  const db = new ClassicLevel<Buffer, Buffer>(dataDir, { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing });
  await db.open();
  return db;
}
