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
    if (process && !isRunning(process)) throw new Error(`${process.name} exited before ${what}; see ${process.log}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${process ? `; see ${process.log}` : ''}`);
    await sleep(100);
  }
}

/** GET http://host:port/healthz answers 200 {"status":"OK"} (Fabric's operations endpoint). */
export function healthy(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
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
