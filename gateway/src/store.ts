import { ClassicLevel } from 'classic-level';

/**
 * The gateway's own LevelDB (never the ledger's): tokens, idempotent results, the audit index,
 * anchored leaves. Each concern gets a sublevel so its keys cannot collide with another's.
 */
export type GatewayDb = ClassicLevel<string, unknown>;

export async function openGatewayDb(path: string): Promise<GatewayDb> {
  const db = new ClassicLevel<string, unknown>(path, { valueEncoding: 'json' });
  await db.open();
  return db;
}

export function section<V>(db: GatewayDb, name: string) {
  return db.sublevel<string, V>(name, { valueEncoding: 'json' });
}

/** Fixed-width decimal, so LevelDB's byte order is numeric order. */
export function orderKey(n: bigint | number, width = 20): string {
  return n.toString().padStart(width, '0');
}
