import test from 'ava';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import './chaincode-logs';

// The winston fabric-shim logs through, as the filter found it.
const winston = createRequire(require.resolve('fabric-shim'))('winston');

test('a chaincode logger formats only what its level lets through, and writes that as before', (t) => {
  const formatted: string[] = [];
  const written: string[] = [];
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.printf((info: { level: string; message: string }) => {
      formatted.push(info.message);
      return `${info.level} ${info.message}`;
    }),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _encoding, done) {
            written.push(String(chunk).trim());
            done();
          },
        }),
      }),
    ],
  });
  logger.debug('below the level');
  logger.log('debug', 'below the level, by log()');
  logger.info('at the level');
  logger.error('above it', { detail: 1 });
  t.deepEqual(formatted, ['at the level', 'above it']);
  t.deepEqual(written, ['info at the level', 'error above it']);
});

test('a writer waiting on a message below the level is called back', async (t) => {
  const logger = winston.createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream: new Writable({ write: (_c, _e, done) => done() }) })] });
  await new Promise<void>((resolve) => logger.write({ level: 'debug', message: 'below the level', [Symbol.for('level')]: 'debug' }, resolve));
  t.pass();
});
