import type { AddressInfo } from 'node:net';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import pino, { type Logger } from 'pino';
import { createApp } from './app';
import { messageZh } from './http/messages-zh';
import type { GatewayConfig } from './config';
import { allRoutes } from './routes';
import { openServices, type Services } from './services';

export interface RunningGateway {
  url: string;
  services: Services;
  stop(): Promise<void>;
}

/**
 * Listens, then opens the services and serves the API; `stop()` closes the server, then the ledger and
 * database. Listening comes first: an address that cannot be had (in use, unknown HOST) fails the start
 * before anything is made in DATA_DIR (keys, secrets, a governance token that would never be shown).
 */
export async function startGateway(config: GatewayConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningGateway> {
  const server = createServer(answerStarting);
  // Listening tells the address (PORT=0 picks one), the default of the public base URL.
  const url = await new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      resolve(`http://${host}:${port}`);
    });
  });
  let services: Services;
  try {
    services = await openServices(config, log);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  server.off('request', answerStarting);
  server.on('request', createApp(services, allRoutes(services, config.publicBaseUrl ?? url)).callback());
  // Keep idle connections longer than clients and proxies do (Node's 5 s default closes sockets a
  // client is about to reuse, which the client sees as a failed request).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return {
    url,
    services,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await services.close();
    },
  };
}

/** What a request gets while the ledger is still opening: try again in a moment. */
function answerStarting(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '1', 'X-Content-Type-Options': 'nosniff' });
  const message = 'the gateway is starting: its ledger is being opened; try again in a moment';
  response.end(JSON.stringify({ error: { code: 'LEDGER_UNAVAILABLE', message, messageZh: messageZh(503, 'LEDGER_UNAVAILABLE') } }));
}
