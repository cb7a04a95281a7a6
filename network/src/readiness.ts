import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning, type ProcessRecord } from './processes';

/**
 * Polls `check` until it holds, failing after `timeoutMs` with `what` in the message. When the
 * process that should become ready has died, fails at once and points at its log.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, process?: ProcessRecord): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (process && !isRunning(process)) throw new Error(`${process.name} exited while waiting for ${what}; the end of ${process.log}:\n${await logTail(process.log)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${process ? `; see ${process.log}` : ''}`);
    await sleep(100);
  }
}

/** The last lines of a log, indented: why a node exited, in the error itself (CI keeps no logs). */
async function logTail(log: string, lines = 8): Promise<string> {
  const text = await readFile(log, 'utf8').catch((err: Error) => `(unreadable: ${err.message})`);
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => `    ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`)
    .join('\n');
}

/** GET http://host:port<path> on a node's operations endpoint: status and body, or undefined when nothing answers. */
function operations(host: string, port: number, path: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** GET /healthz answers 200 {"status":"OK"} (Fabric's operations endpoint). */
export async function healthy(host: string, port: number): Promise<boolean> {
  return (await operations(host, port, '/healthz'))?.status === 200;
}

/**
 * A Prometheus gauge from the node's /metrics, e.g. gossip_membership_total_peers_known with
 * channel="henan-chain"; undefined while the node does not report it.
 */
export async function gauge(host: string, port: number, name: string, labels: string): Promise<number | undefined> {
  const body = (await operations(host, port, '/metrics'))?.body ?? '';
  const line = body.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Something accepts TCP connections at host:port. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The log holds `text`: Fabric's own "serving" lines come after its gRPC listener is up, unlike /healthz. */
export async function logContains(file: string, text: string): Promise<boolean> {
  return (await readFile(file, 'utf8')).includes(text);
}
