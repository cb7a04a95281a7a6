import type { GatewayConfig } from './config';
import { ApiError } from './errors';

/** A Node or LevelDB error's code, on the error or on its cause (classic-level wraps LevelDB's). */
function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) codes.push(code);
  }
  return codes;
}

/**
 * What an operator reads when the gateway cannot start for a reason of the machine or its settings:
 * one line naming the setting and what to do, never a stack. Undefined for anything else (a bug).
 */
export function explainStartFailure(err: unknown, config: Pick<GatewayConfig, 'host' | 'port' | 'dataDir'>): string | undefined {
  const codes = codesOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const address = `${config.host}:${config.port}`;
  if (codes.includes('EADDRINUSE')) return `cannot listen on ${address}: the port is in use (another gateway?); choose another with PORT or --port`;
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return `cannot listen on ${address}: HOST ${config.host} is no name this machine resolves`;
  if (codes.includes('EADDRNOTAVAIL')) return `cannot listen on ${address}: HOST ${config.host} is no address of this machine`;
  if (codes.includes('EACCES') && message.includes('listen')) return `cannot listen on ${address}: not permitted (ports below 1024 need privileges)`;
  if (err instanceof ApiError && err.code === 'LEDGER_UNAVAILABLE') {
    return `the ledger does not answer: ${message}. On Fabric: is the network up and the chaincode deployed (npm run network:status)?`;
  }
  if (codes.includes('LEVEL_LOCKED')) return `DATA_DIR ${config.dataDir} is in use by another running gateway (its LevelDB lock is held); stop it, or give this one its own DATA_DIR`;
  if (codes.some((code) => ['EEXIST', 'ENOTDIR', 'EACCES', 'EROFS', 'ENOSPC'].includes(code))) {
    return `DATA_DIR ${config.dataDir} cannot be used: ${message}`;
  }
  return undefined;
}
