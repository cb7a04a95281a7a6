/**
 * fabric-shim and fabric-contract-api log through winston, and a winston logger runs its whole
 * format (timestamp, metadata, colours, JSON of every argument) on each message before its transport
 * drops the message for being below the level: the chaincode's debug messages, which nobody sees,
 * cost some 6 % of a licence verification in this process. Here a message below the level is dropped
 * as it is written to the logger, before the stream machinery and the format see it (dropped in
 * _transform instead, its trip through the logger's Transform stream still cost some 3 %); one at or
 * above the level is formatted and written exactly as before.
 */
import { createRequire } from 'node:module';

/** The part of winston's Logger (winston 3) used here: a Transform stream with its level check. */
interface WinstonLogger {
  write(info: Record<string | symbol, unknown>, ...rest: unknown[]): boolean;
  isLevelEnabled(level: string): boolean;
}

/** winston's own key of a message's level (triple-beam's LEVEL). */
const LEVEL = Symbol.for('level');
const FILTERED = Symbol('henan-chain: filtered before formatting');

function filterBeforeFormat(logger: WinstonLogger & { [FILTERED]?: true }): void {
  if (logger[FILTERED]) return; // the two packages usually share one copy of winston
  const write = logger.write;
  logger.write = function (this: WinstonLogger, info, ...rest) {
    const level = info?.[LEVEL] ?? info?.level;
    if (typeof level === 'string' && !this.isLevelEnabled(level)) {
      // As a stream would, call back a writer that waits for its message to be handled.
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      if (callback) process.nextTick(callback);
      return true;
    }
    return write.call(this, info, ...rest);
  };
  logger[FILTERED] = true;
}

// The winston each package loads, wherever npm placed it.
for (const user of ['fabric-shim', 'fabric-contract-api']) {
  const { Logger } = createRequire(require.resolve(user))('winston') as { Logger: { prototype: WinstonLogger } };
  filterBeforeFormat(Logger.prototype);
}
