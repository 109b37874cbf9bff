// /metrics: the names, labels and values a Prometheus scrape sees after a
// known sequence of requests, and the histogram the request path records
// cheaply exported exactly as prom-client's own Histogram exports it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { TalliedHistogram } from '../../scripts/token-exchange-proxy/metrics.mts';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import { fixtureAuth, startFixtureIdp, type FixtureIdp } from './helpers/fixture-idp.mts';
import { LogCapture } from './helpers/log-capture.mts';
import { startRecordingUpstream, type RecordingUpstream } from './helpers/upstream.mts';

/** The sample lines of one metric family (`name` or `name_…`), without HELP/TYPE. */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter(
      (l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) || l.startsWith(`${name}_`),
    );
}

describe('TalliedHistogram', () => {
  it('exports what prom-client’s Histogram exports for the same observations', async () => {
    const buckets = [
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ];
    const ours = new Registry();
    const theirs = new Registry();
    const config = { name: 'x_seconds', help: 'x', buckets };
    const h = new TalliedHistogram({ ...config, registers: [ours] });
    const ref = new Histogram({ ...config, registers: [theirs] });
    expect(await ours.metrics()).toBe(await theirs.metrics()); // nothing observed yet
    // on a bound, between bounds, below the first, past the last
    for (const v of [0.0005, 0.0007, 0.003, 0.0001, 0.5, 0.5000001, 10, 11, 42.5, 0]) {
      h.record(v);
      ref.observe(v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    h.reset();
    ref.reset();
    ref.zero({});
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});

describe('/metrics after a known sequence of requests', () => {
  let idp: FixtureIdp;
  let upstream: RecordingUpstream;
  let proxy: RunningProxy;
  beforeAll(async () => {
    idp = await startFixtureIdp();
    upstream = await startRecordingUpstream();
    proxy = await startProxy({
      name: 'metrics',
      targetUri: upstream.url,
      ...fixtureAuth(idp),
      logDestination: new LogCapture(),
    });
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
    await idp.close();
  });

  it('counts responses by status, cache lookups, exchanges and upstream answers', async () => {
    const token = await idp.mint();
    const post = (auth?: string) =>
      fetch(`${proxy.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: '{}',
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await post(`Bearer ${token}`));
    statuses.push(await post()); // no token: 401
    statuses.push(await post('Basic abc')); // not a bearer token: 401
    expect(statuses).toEqual([200, 200, 200, 200, 200, 401, 401]);

    const r = await fetch(`${proxy.url}/metrics`);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await r.text();
    expect(samples(text, 'proxy_responses_total')).toEqual([
      'proxy_responses_total{status="200"} 5',
      'proxy_responses_total{status="401"} 2',
    ]);
    expect(samples(text, 'token_exchange_cache_lookups_total')).toEqual([
      'token_exchange_cache_lookups_total{outcome="miss"} 1',
      'token_exchange_cache_lookups_total{outcome="hit"} 4',
    ]);
    expect(samples(text, 'token_exchange_requests_total')).toEqual([
      'token_exchange_requests_total{result="ok"} 1',
    ]);
    expect(text).toContain('# TYPE upstream_response_header_duration_seconds histogram');
    const upstreamLines = samples(text, 'upstream_response_header_duration_seconds');
    expect(upstreamLines).toContain(
      'upstream_response_header_duration_seconds_bucket{le="+Inf"} 5',
    );
    expect(upstreamLines).toContain('upstream_response_header_duration_seconds_count 5');
    const buckets = upstreamLines
      .filter((l) => l.includes('_bucket{'))
      .map((l) => Number(l.split(' ')[1]));
    expect(buckets).toHaveLength(15);
    // cumulative: never decreasing, ending at the count
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    const sum = Number(
      upstreamLines
        .find((l) => l.startsWith('upstream_response_header_duration_seconds_sum '))
        ?.split(' ')[1],
    );
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(5 * 10);
    expect(samples(text, 'token_exchange_duration_seconds')).toContain(
      'token_exchange_duration_seconds_count 1',
    );
  });
});
