// Prometheus metrics, one registry per proxy instance (so tests and benches
// can run several proxies in one process).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(defaultMetrics: boolean) {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const cache = new Counter({
    name: 'token_exchange_cache_lookups_total',
    help: 'Exchanged-token cache lookups: hit, miss (an exchange), shared (joined an exchange in flight)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const responses = new Counter({
    name: 'proxy_responses_total',
    help: 'Responses sent to clients, by status code',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // Children bound to their labels once: the warm path counts every request,
  // and inc({label}) hashes the label object each time.
  const byStatus = new Map<number, ReturnType<typeof responses.labels>>();
  return {
    registry,
    exchanges: new Counter({
      name: 'token_exchange_requests_total',
      help: 'Token-exchange requests sent to the token endpoint, by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    cache,
    cacheHit: cache.labels({ outcome: 'hit' }),
    exchangeSeconds: new Histogram({
      name: 'token_exchange_duration_seconds',
      help: 'Latency of token-exchange requests to the token endpoint',
      buckets,
      registers: [registry],
    }),
    upstreamSeconds: new Histogram({
      name: 'upstream_response_header_duration_seconds',
      help: 'Time until the upstream MCP server answered with headers',
      buckets,
      registers: [registry],
    }),
    responses,
    /** The responses counter for one status code. */
    response(status: number) {
      let c = byStatus.get(status);
      if (!c) byStatus.set(status, (c = responses.labels({ status: String(status) })));
      return c;
    },
    idpCalls: new Counter({
      name: 'idp_requests_total',
      help: 'Calls to the IdP for validation: discovery, jwks, introspection',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
