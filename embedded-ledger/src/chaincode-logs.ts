/**
 * fabric-shim and fabric-contract-api log through winston, and a winston logger runs its whole
 * format (timestamp, metadata, colours, JSON of every argument) on each message before its transport
 * drops the message for being below the level: the chaincode's debug messages, which nobody sees,
 * cost some 6 % of a licence verification in this process. Here a message below the level is dropped
 * before it is formatted; one at or above it is formatted and written exactly as before.
 */
import { createRequire } from 'node:module';

/** The part of winston's Logger (winston 3) used here: a Transform stream with its level check. */
interface WinstonLogger {
  _transform(info: Record<string | symbol, unknown>, encoding: string, callback: () => void): void;
  isLevelEnabled(level: string): boolean;
}

/** winston's own key of a message's level (triple-beam's LEVEL). */
const LEVEL = Symbol.for('level');
const FILTERED = Symbol('henan-chain: filtered before formatting');

function filterBeforeFormat(logger: WinstonLogger & { [FILTERED]?: true }): void {
  if (logger[FILTERED]) return; // the two packages usually share one copy of winston
  const transform = logger._transform;
  logger._transform = function (this: WinstonLogger, info, encoding, callback) {
    const level = (info[LEVEL] ?? info.level) as string;
    if (!this.isLevelEnabled(level)) return callback();
    return transform.call(this, info, encoding, callback);
  };
  logger[FILTERED] = true;
}

// The winston each package loads, wherever npm placed it.
for (const user of ['fabric-shim', 'fabric-contract-api']) {
  const { Logger } = createRequire(require.resolve(user))('winston') as { Logger: { prototype: WinstonLogger } };
  filterBeforeFormat(Logger.prototype);
}
