#!/usr/bin/env node
/**
 * `npm start`: the gateway on the embedded ledger, with demo data on a fresh data directory;
 * `npm start -- --ledger fabric [--org ZhengzhouMSP]`: on the Fabric network of `npm run network:up`.
 */
import './quiet-chaincode-logs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, misspeltSettings } from './config';
import { restoreCrashOnError } from './process-guard';
import { startGateway } from './server';
import { loadOrSeedDemo } from './demo/state';
import { explainStartFailure } from './start-failure';
import { startupLines } from './startup-lines';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ledger: { type: 'string' },
      org: { type: 'string' },
      profile: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const config = loadConfig(process.env, {
    ...(values.ledger ? { LEDGER: values.ledger } : {}),
    ...(values.org ? { FABRIC_ORG: values.org } : {}),
    ...(values.profile ? { FABRIC_PROFILE: values.profile } : {}),
    ...(values.port ? { PORT: values.port } : {}),
    ...(values.host ? { HOST: values.host } : {}),
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
  });
  for (const { given, meant } of misspeltSettings(process.env)) process.stderr.write(`warning: ${given} is no setting of the gateway and is ignored; did you mean ${meant}?\n`);
  await requirePortal(config.portalDir);
  // What the gateway writes is its user's alone (LevelDB makes its files with the umask's mode).
  process.umask(0o077);
  const log = pino({ level: config.logLevel });
  const gateway = await startGateway(config, log).catch((err: unknown) => {
    const explained = explainStartFailure(err, config);
    throw explained === undefined ? err : new ConfigError(explained);
  });
  restoreCrashOnError(log);
  const demo = config.demo ? await loadOrSeedDemo(gateway) : undefined;
  process.stdout.write(startupLines(gateway, demo).join('\n') + '\n');

  // Under `npm start` a Ctrl-C reaches the gateway twice (from the terminal, and forwarded by npm):
  // the second must not kill it halfway through closing the ledger.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await gateway.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * The portal's folder must be there: the start prints the portal's address, and QR codes link into it.
 * Its files are not looked for: a build running beside the gateway (as `npm start` does) empties the
 * folder for a moment, and the pages are read at each request anyway.
 */
async function requirePortal(portalDir: string): Promise<void> {
  const found = await stat(portalDir).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new ConfigError(`invalid configuration:\n  PORTAL_DIR: ${portalDir} is no folder; build the portal (npm run build) or point PORTAL_DIR at its pages`);
  }
}

/** A mistake in how the gateway was started (its settings, its flags, its machine) is told in its own words; anything else is a bug, with its stack. */
function startFailureText(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code?.startsWith('ERR_PARSE_ARGS_')) return `${(err as Error).message} (the flags are --port, --host, --data-dir, --ledger, --org and --profile)`;
  return `failed to start: ${err instanceof Error ? err.stack : String(err)}`;
}

main().catch((err) => {
  process.stderr.write(`${startFailureText(err)}\n`);
  process.exit(1);
});
