// Prometheus metrics, one registry per proxy instance (so tests and benches
// can run several proxies in one process).
//
// What every request counts (its response status, the cache hit, the time
// until the upstream answered) is kept in plain numbers and handed to
// prom-client when /metrics is read: prom-client's own inc() and observe()
// build a label hash string, validate the labels and allocate closures and
// objects on every call, which showed in the warm path's profile. The text
// /metrics serves is the same (test/proxy/metrics.test.mts).
import {
  Counter,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type LabelValues,
  type MetricValueWithName,
} from 'prom-client';

/** One label set's count, added to with `add()`; listed in first-use order, as prom-client does. */
export class Tally {
  n = 0;

  constructor(
    readonly labels: LabelValues<string>,
    private readonly used: Tally[],
  ) {}

  add(): void {
    if (this.n++ === 0) this.used.push(this);
  }
}

/** A counter whose per-request increments are Tallies, read when the registry is scraped. */
function talliedCounter(config: {
  name: string;
  help: string;
  labelNames: readonly string[];
  registers: Registry[];
}): { counter: Counter<string>; tally(labels: LabelValues<string>): Tally } {
  const used: Tally[] = [];
  const counter = new Counter({
    ...config,
    collect() {
      this.reset();
      for (const t of used) this.inc(t.labels, t.n);
    },
  });
  return { counter, tally: (labels) => new Tally(labels, used) };
}

/**
 * A histogram without labels that records an observation with a few
 * additions (`record`) and exports exactly what prom-client's Histogram
 * exports: cumulative `_bucket{le}` lines, `+Inf`, `_sum`, `_count`.
 */
export class TalliedHistogram extends Histogram<string> {
  private readonly bounds: readonly number[];
  private readonly counts: Float64Array;
  private total = 0;
  private sum = 0;

  constructor(config: { name: string; help: string; buckets: number[]; registers: Registry[] }) {
    super(config);
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    this.counts = new Float64Array(this.bounds.length);
  }

  /** One observation, in the histogram's unit (seconds here). */
  record(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > (b[i] as number)) i++;
    if (i < b.length) this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.total++;
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist
    if (!(this.counts as Float64Array | undefined)) return;
    this.counts.fill(0);
    this.sum = 0;
    this.total = 0;
  }

  /** What the registry formats (prom-client prefers this over get()). */
  getForPromString(): HistogramData {
    return this.get();
  }

  override get(): HistogramData {
    // prom-client's Metric sets these; its type declarations leave them out
    const m = this as unknown as { name: string; help: string; type: string; aggregator: string };
    const bucket = `${m.name}_bucket`;
    const values: MetricValueWithName<string>[] = [];
    let acc = 0;
    this.bounds.forEach((le, i) => {
      acc += this.counts[i] as number;
      values.push({ labels: { le }, value: acc, metricName: bucket });
    });
    values.push(
      { labels: { le: '+Inf' }, value: this.total, metricName: bucket },
      { labels: {}, value: this.sum, metricName: `${m.name}_sum` },
      { labels: {}, value: this.total, metricName: `${m.name}_count` },
    );
    const data = { name: m.name, help: m.help, type: m.type, values, aggregator: m.aggregator };
    return Promise.resolve(data as unknown as Awaited<HistogramData>);
  }
}

type HistogramData = ReturnType<Histogram<string>['get']>;

export function createMetrics(defaultMetrics: boolean) {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const cache = talliedCounter({
    name: 'token_exchange_cache_lookups_total',
    help: 'Exchanged-token cache lookups: hit, miss (an exchange), shared (joined an exchange in flight)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const cacheOutcomes = {
    hit: cache.tally({ outcome: 'hit' }),
    miss: cache.tally({ outcome: 'miss' }),
    shared: cache.tally({ outcome: 'shared' }),
  };
  const responses = talliedCounter({
    name: 'proxy_responses_total',
    help: 'Responses sent to clients, by status code',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const byStatus = new Map<number, Tally>();
  const upstreamSeconds = new TalliedHistogram({
    name: 'upstream_response_header_duration_seconds',
    help: 'Time until the upstream MCP server answered with headers',
    buckets,
    registers: [registry],
  });
  return {
    registry,
    exchanges: new Counter({
      name: 'token_exchange_requests_total',
      help: 'Token-exchange requests sent to the token endpoint, by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    /** Counts one exchanged-token cache lookup. */
    cacheLookup(outcome: 'hit' | 'miss' | 'shared'): void {
      cacheOutcomes[outcome].add();
    },
    exchangeSeconds: new Histogram({
      name: 'token_exchange_duration_seconds',
      help: 'Latency of token-exchange requests to the token endpoint',
      buckets,
      registers: [registry],
    }),
    /** Counts one response sent to a client. */
    response(status: number): void {
      let t = byStatus.get(status);
      if (!t) byStatus.set(status, (t = responses.tally({ status: String(status) })));
      t.add();
    },
    /** The upstream answered with headers after `ms` milliseconds. */
    upstreamHeaders(ms: number): void {
      upstreamSeconds.record(ms / 1000);
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
