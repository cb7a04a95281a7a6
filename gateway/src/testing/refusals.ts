import type { ExecutionContext } from 'ava';
import type { TestGateway } from './harness';

export type RequestOptions = Parameters<TestGateway['request']>[2];

/** A request that must be refused: a name for the report, the request, and the status and code expected. */
export type Refusal = [name: string, method: 'GET' | 'POST', path: string, options: RequestOptions, status: number, code: string];

/** Sends each request in turn and asserts it is refused with exactly its status and error code. */
export async function assertRefusals(t: ExecutionContext, gw: TestGateway, refusals: Refusal[]): Promise<void> {
  for (const [name, method, path, options, status, code] of refusals) {
    const reply = await gw.request(method, path, options);
    t.is(reply.status, status, `${name}: ${reply.text}`);
    t.is(reply.body?.error?.code, code, name);
  }
}
