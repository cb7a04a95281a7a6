import { connect } from 'node:net';
import type { TestGateway } from './harness';

/**
 * Sends a request exactly as written (request line and header lines, then `body`) on its own
 * connection, for what fetch and node:http will not send: no Content-Length at all, a header twice.
 * Resolves to the status line and the parsed JSON body of the answer.
 */
export function rawRequest(gw: TestGateway, head: string[], body = ''): Promise<{ status: string; body: any }> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write([...head, 'Connection: close', '', body].join('\r\n')));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: answer.split('\r\n')[0]!, body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) }));
  });
}
