import type { Logger } from 'pino';

/**
 * The embedded ledger runs fabric-shim in this process, and the shim's logger installs handlers that
 * log uncaught exceptions and rejections and keep the process running. A gateway in an unknown state
 * must not keep answering: put back crash-on-error, logged through our own logger.
 */
export function restoreCrashOnError(log: Logger): void {
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  const crash = (err: unknown) => {
    log.fatal({ err }, 'uncaught error: stopping');
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
