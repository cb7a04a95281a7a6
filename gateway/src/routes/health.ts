import { z } from 'zod';
import { ApiError } from '../errors';
import { defineRoute } from '../http/route';
import type { Services } from '../services';

export function healthRoutes(s: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      tag: 'operations',
      summary: 'Liveness and ledger reachability',
      access: 'public',
      responses: {
        200: {
          description: 'The gateway and its ledger answer',
          schema: z.object({ status: z.literal('ok'), ledger: z.object({ kind: z.string(), height: z.string(), indexedTo: z.string().optional() }) }),
        },
      },
      async handler() {
        let height: bigint;
        try {
          height = await s.ledger.height();
        } catch (err) {
          throw new ApiError(503, 'LEDGER_UNAVAILABLE', `the ledger does not answer: ${(err as Error).message}`, undefined, 5);
        }
        const checkpoint = await s.index.checkpoint();
        return {
          body: {
            status: 'ok',
            ledger: { kind: s.ledger.kind, height: height.toString(), ...(checkpoint ? { indexedTo: checkpoint.blockNumber } : {}) },
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      tag: 'operations',
      summary: 'Prometheus metrics',
      access: 'public',
      responses: { 200: { description: 'Prometheus text exposition', schema: z.string(), mediaType: 'text/plain' } },
      async handler() {
        return { body: await s.metrics.registry.metrics(), type: s.metrics.registry.contentType };
      },
    }),
  ];
}
