import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import pino, { type Logger } from 'pino';
import { createApp } from './app';
import type { GatewayConfig } from './config';
import { allRoutes } from './routes';
import { openServices, type Services } from './services';

export interface RunningGateway {
  url: string;
  services: Services;
  stop(): Promise<void>;
}

/** Opens the services and serves the API; `stop()` closes the server, then the ledger and database. */
export async function startGateway(config: GatewayConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningGateway> {
  const services = await openServices(config, log);
  // Listening first tells the address (PORT=0 picks one), the default of the public base URL; the app
  // takes the requests from the same tick on, so none arrives before it.
  const server = createServer();
  const url = await new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const listening = `http://${host}:${port}`;
      server.on('request', createApp(services, allRoutes(services, config.publicBaseUrl ?? listening)).callback());
      resolve(listening);
    });
  });
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
