import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { generateKeyPair } from '@henan-chain/crypto';
import { HolderReadLog } from './audit/holder-reads';
import { AgencyStatusCache } from './auth/agency-status';
import { chainKeysOf, KeyCustody } from './auth/key-custody';
import { KeyStore, type StoredKey } from './auth/keystore';
import { TokenStore } from './auth/tokens';
import { ConfigError, type GatewayConfig } from './config';
import { ownDataDir } from './data-dir';
import { ApiError } from './errors';
import { AuditIndex } from './index/audit-index';
import { loadHolderSecret } from './holders';
import { EmbeddedLedgerAdapter } from './ledger/embedded';
import { FabricLedger } from './ledger/fabric/fabric-ledger';
import { loadConnectionProfile } from './ledger/fabric/profile';
import type { Ledger } from './ledger/ledger';
import { createMetrics, type Metrics } from './metrics';
import { loadOrCreateEmbeddedWallet, organisationOf, type Wallet } from './organisations';
import { type GatewayDb, openGatewayDb } from './store';
import { Submitter } from './submission';
import { LicenceVerdictCache } from './verification/licence-verdict-cache';
import { RecordChanges } from './verification/record-changes';

/** Everything a route handler may use; made once at start, closed once at stop. */
export interface Services {
  config: GatewayConfig;
  log: Logger;
  metrics: Metrics;
  ledger: Ledger;
  wallet: Wallet;
  db: GatewayDb;
  tokens: TokenStore;
  /** Agencies' status on chain, for refusing a suspended agency's tokens. */
  agencyStatus: AgencyStatusCache;
  keys: KeyStore;
  /** Keys the gateway makes for records on chain: pending until committed, settled with the chain. */
  keyCustody: KeyCustody;
  submitter: Submitter;
  index: AuditIndex;
  /** Licence verdicts served again until a chaincode event or the clock may change them. */
  licenceVerdicts: LicenceVerdictCache;
  /** The chaincode events the verdict cache follows, on a stream of their own. */
  recordChanges: RecordChanges;
  /** The gateway's own SM2 key, which signs audit reports and anchor checkpoints. */
  gatewayKey: StoredKey;
  /** The key of holder commitments (HMAC-SM3), held off chain; see holders.ts. */
  holderSecret: Uint8Array;
  /** The trail of reads that name a holder (by commitment or clear code); see auth/holder-access.ts. */
  holderReads: HolderReadLog;
  /** The governance organisation's bearer token: GOVERNANCE_TOKEN, or one made on first start. */
  governanceToken: string;
  /** Where it came from: GOVERNANCE_TOKEN, DATA_DIR/governance-token, or made by this start (to be shown once). */
  governanceTokenOrigin: TokenOrigin;
  /** Evaluates a query transaction and parses its JSON result. */
  query<T = unknown>(fn: string, ...args: string[]): Promise<T>;
  close(): Promise<void>;
}

/** The owner name under which the gateway keeps its own key in the key store. */
export const GATEWAY_KEY_OWNER = 'gateway';

export async function openServices(config: GatewayConfig, log: Logger): Promise<Services> {
  await ownDataDir(config.dataDir);
  // A setting that cannot work is refused before anything is opened.
  const holderSecret = await loadHolderSecret(config.dataDir, config.holderSecret);
  // What is open so far, closed (last first) if a later step fails: a failed start leaves nothing held.
  const opened: (() => Promise<void>)[] = [];
  try {
    return await openedServices(config, log, holderSecret, opened);
  } catch (err) {
    for (const close of opened.reverse()) await close().catch((closing) => log.warn({ err: closing }, 'closing after a failed start'));
    throw err;
  }
}

async function openedServices(config: GatewayConfig, log: Logger, holderSecret: Uint8Array, opened: (() => Promise<void>)[]): Promise<Services> {
  const { ledger, wallet } = await openLedger(config, log);
  opened.push(() => ledger.close());
  // Queries are asked as the first organisation served (the governance organisation on the embedded ledger).
  const reader = wallet.organisations[0]!.client;
  const query = async <T>(fn: string, ...args: string[]): Promise<T> => {
    const text = Buffer.from(await ledger.evaluate(reader, fn, args)).toString('utf8');
    return (text ? JSON.parse(text) : undefined) as T;
  };
  await initialiseChain(ledger, wallet, query);

  const db = await openGatewayDb(join(config.dataDir, 'gateway'));
  opened.push(() => db.close());
  const keys = new KeyStore(join(config.dataDir, 'keys'));
  const gatewayKey = (await keys.active(GATEWAY_KEY_OWNER)) ?? (await keys.add(GATEWAY_KEY_OWNER, generateKeyPair().privateKey));
  // Keys made for requests whose outcome this gateway did not see through (it stopped, or keeping one failed).
  const keyCustody = new KeyCustody(keys, chainKeysOf(query), log);
  await keyCustody.reconcileAll();
  const metrics = createMetrics();
  const index = new AuditIndex(db, log, metrics);
  const recordChanges = await RecordChanges.follow(ledger, (err) => log.error({ err }, 'the caches of licence verdicts and agency status stopped following the ledger'));
  opened.push(() => recordChanges.stop());
  const licenceVerdicts = new LicenceVerdictCache(() => recordChanges.caughtUp());
  const agencyStatus = new AgencyStatusCache(query);
  // Both caches follow the ledger's events as they are delivered, not as the audit index writes them
  // (after a burst of writes the index may be seconds behind).
  recordChanges.onChange((event) => {
    licenceVerdicts.evict(event);
    if (event.kind === 'agency') agencyStatus.evict(event.id);
  });
  await index.start(ledger);
  opened.push(() => index.stop());
  const submitter = new Submitter(ledger, wallet, keys, db, metrics);
  // Writes this gateway submitted and stopped before seeing through: their first results, from the ledger.
  const settled = await submitter.settleAll();
  if (settled.committed + settled.open > 0) log.warn(settled, 'writes left unsettled by the last stop settled with the ledger');
  const tokens = await TokenStore.open(db, { ttlDays: config.tokenTtlDays });
  const { token: governanceToken, origin: governanceTokenOrigin } = await governanceTokenOf(config, tokens);

  return {
    config,
    log,
    metrics,
    ledger,
    wallet,
    db,
    tokens,
    agencyStatus,
    keys,
    keyCustody,
    submitter,
    index,
    licenceVerdicts,
    recordChanges,
    gatewayKey,
    holderSecret,
    holderReads: new HolderReadLog(db),
    governanceToken,
    governanceTokenOrigin,
    query,
    async close() {
      await recordChanges.stop();
      await index.stop();
      await db.close();
      await ledger.close();
    },
  };
}

/** The embedded ledger in DATA_DIR with its development wallet, or the Fabric network of the connection profile. */
async function openLedger(config: GatewayConfig, log: Logger): Promise<{ ledger: Ledger; wallet: Wallet }> {
  if (!config.fabric) {
    const wallet = await loadOrCreateEmbeddedWallet(config.dataDir);
    return { ledger: await EmbeddedLedgerAdapter.open(config.dataDir, wallet.organisations.map((o) => o.definition)), wallet };
  }
  const connection = await loadConnectionProfile(config.fabric.profile, config.fabric.org);
  const ledger = FabricLedger.open(connection, log);
  try {
    await ledger.height();
  } catch (err) {
    await ledger.close();
    const cause = err instanceof ApiError ? err.message : String(err);
    throw new ConfigError(`the peer of ${connection.mspId} (${connection.peer.name} at ${connection.peer.address}) does not answer: ${cause}\n  is the network up? (npm run network:status)`);
  }
  const { mspId, admin, client } = connection;
  return { ledger, wallet: { governanceMspId: connection.governanceMspId, organisations: [{ mspId, name: mspId, admin, client }] } };
}

/** Sets the governance organisation on a new chain (the first start of a fresh ledger). */
async function initialiseChain(ledger: Ledger, wallet: Wallet, query: Services['query']): Promise<void> {
  try {
    await query('agency:getConfig');
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'NOT_INITIALISED') throw err;
    const governance = organisationOf(wallet, wallet.governanceMspId);
    // On Fabric, `npm run chaincode:deploy` initialises the chain as the governance organisation's admin.
    if (!governance) throw new ConfigError(`the chain is not initialised, and only ${wallet.governanceMspId} may initialise it: deploy the chaincode (npm run chaincode:deploy)`);
    await ledger.submit(governance.admin, 'agency:initialise', [JSON.stringify({ governanceMspId: wallet.governanceMspId })]);
  }
}

/**
 * GOVERNANCE_TOKEN when set (so a script can drive a fresh instance); otherwise a token made on the
 * first start and kept in DATA_DIR/governance-token (mode 0600), so the operator can read it again.
 */
async function governanceTokenOf(config: GatewayConfig, tokens: TokenStore): Promise<{ token: string; origin: TokenOrigin }> {
  const current = await currentGovernanceToken(config, tokens);
  // Exactly one governance token works: a replaced GOVERNANCE_TOKEN (or the generated one it replaced) stops.
  await tokens.revokeAllBut('governance', current.token, 'replaced by the configured governance token');
  return current;
}

export type TokenOrigin = 'configured' | 'kept' | 'made';

/** The file a generated governance token is kept in. */
export const governanceTokenFile = (dataDir: string) => join(dataDir, 'governance-token');

async function currentGovernanceToken(config: GatewayConfig, tokens: TokenStore): Promise<{ token: string; origin: TokenOrigin }> {
  const principal = { kind: 'governance', label: 'governance' } as const;
  if (config.governanceToken) {
    await tokens.register(config.governanceToken, principal);
    return { token: config.governanceToken, origin: 'configured' };
  }
  const file = governanceTokenFile(config.dataDir);
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    // A kept token may have been revoked while GOVERNANCE_TOKEN was set: then make a new one.
    if (await tokens.resolve(kept)) return { token: kept, origin: 'kept' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { token } = await tokens.issue(principal);
  await writeFile(file, token + '\n', { mode: 0o600 });
  return { token, origin: 'made' };
}
