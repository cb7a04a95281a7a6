import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
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
  const app = createApp(services, allRoutes(services));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  // Keep idle connections longer than clients and proxies do (Node's 5 s default closes sockets a
  // client is about to reuse, which the client sees as a failed request).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    services,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await services.close();
    },
  };
}
