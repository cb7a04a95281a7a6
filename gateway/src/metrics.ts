import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, in a registry of its own (several apps may share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'hnc_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    submissions: new Counter({
      name: 'hnc_ledger_submissions_total',
      help: 'Transactions submitted to the ledger, by function and outcome',
      labelNames: ['fn', 'outcome'],
      registers: [registry],
    }),
    indexedEvents: new Counter({
      name: 'hnc_audit_index_events_total',
      help: 'Chaincode events projected into the audit index',
      registers: [registry],
    }),
    licenceVerdictCache: new Counter({
      name: 'hnc_licence_verdict_cache_total',
      help: 'Licence verifications by cache outcome: hit, miss, or bypass (the chaincode events the cache follows behind the ledger)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
