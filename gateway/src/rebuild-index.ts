#!/usr/bin/env node
/**
 * `npm run index:rebuild`: rebuilds the gateway's audit index from the ledger. Clears every projection
 * and the checkpoint, then replays every chaincode event from block 0 up to the ledger's height.
 * The gateway must be stopped: it holds the LevelDB locks, and it would index alongside.
 */
import './quiet-chaincode-logs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from './config';
import { AuditIndex } from './index/audit-index';
import { EmbeddedLedgerAdapter } from './ledger/embedded';
import { createMetrics } from './metrics';
import { loadOrCreateEmbeddedWallet } from './organisations';
import { restoreCrashOnError } from './process-guard';
import { openGatewayDb } from './store';

export class RebuildError extends Error {
  override readonly name = 'RebuildError';
}

export interface RebuildResult {
  events: number;
  checkpoint?: { blockNumber: string; transactionId: string };
  height: bigint;
}

function isLocked(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === 'LEVEL_LOCKED' || e.cause?.code === 'LEVEL_LOCKED';
}

/** Opens a LevelDB-backed store, turning a held lock into the one thing the operator must do. */
async function opened<T>(what: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (isLocked(err)) throw new RebuildError(`the ${what} is locked: a gateway is running on this data directory; stop it, then rebuild`);
    throw err;
  }
}

export async function rebuildIndex(dataDir: string): Promise<RebuildResult> {
  // Never create a data directory here: rebuilding an empty one is always a mistaken path.
  const wallet = join(dataDir, 'msp', 'wallet.json');
  await access(wallet).catch(() => {
    throw new RebuildError(`no gateway data in ${dataDir} (${wallet} is missing); set DATA_DIR or --data-dir`);
  });
  const { organisations } = await loadOrCreateEmbeddedWallet(dataDir);
  const ledger = await opened('ledger', () => EmbeddedLedgerAdapter.open(dataDir, organisations.map((o) => o.definition)));
  try {
    const db = await opened('gateway database', () => openGatewayDb(join(dataDir, 'gateway')));
    try {
      const index = new AuditIndex(db, pino({ level: 'silent' }), createMetrics());
      const height = await ledger.height();
      await index.clear();
      const events = await index.replay(ledger, 0n, height);
      return { events, checkpoint: await index.checkpoint(), height };
    } finally {
      await db.close();
    }
  } finally {
    await ledger.close();
  }
}

async function main(): Promise<void> {
  restoreCrashOnError(pino({ level: 'error' }));
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } }, strict: true });
  const config = loadConfig(process.env, values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {});
  const result = await rebuildIndex(config.dataDir);
  const checkpoint = result.checkpoint ? `block ${result.checkpoint.blockNumber}, transaction ${result.checkpoint.transactionId}` : 'none (no events)';
  process.stdout.write(
    `audit index of ${config.dataDir} rebuilt from the ledger (height ${result.height}): ${result.events} events indexed\n  checkpoint: ${checkpoint}\n`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    const usage = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    const known = err instanceof RebuildError || err instanceof ConfigError || usage;
    process.stderr.write(known ? `index:rebuild: ${err.message}${usage ? ' (usage: index:rebuild [--data-dir DIR])' : ''}\n` : `index:rebuild failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
