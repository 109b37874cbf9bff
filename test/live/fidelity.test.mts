// Differential fidelity: the reference proxy in `--compat toolhive` mode
// against the real `thv proxy`, same flags, same mock IdP, same upstream.
// Every case that differs must be explained by a row of the README's
// "measured differences" table, and no row may explain a case that agrees.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASURED_DIFFERENCES, PROXY_CASES } from '../../scripts/live/differential/cases.mts';
import { CLI_CASES } from '../../scripts/live/differential/cli-cases.mts';
import { compare, normalise, type Observation } from '../../scripts/live/differential/observe.mts';
import { REPO_ROOT } from '../../scripts/live/differential/processes.mts';
import { lineOf, summaryOf } from '../../scripts/live/differential/run.mts';
import type { FidelityReport } from '../../scripts/live/differential/suite.mts';
import { sealedNetworkUnavailable } from '../../scripts/live/sealed-network.mts';
import { liveAvailability } from '../../scripts/live/environment.mts';
import { measuredDifferenceKeys } from '../../scripts/live/differential/readme-table.mts';

const README = join(REPO_ROOT, 'scripts/token-exchange-proxy/README.md');
const available = liveAvailability();
const sealed = sealedNetworkUnavailable();
const skipWhy = !available.ok
  ? available.reason
  : sealed
    ? `the sealed network namespace ${sealed}`
    : undefined;
if (skipWhy) console.warn(`test/live/fidelity: the thv runs are skipped: ${skipWhy}`);

describe('the case table', () => {
  it('has at least 40 proxy cases with unique ids', () => {
    expect(PROXY_CASES.length).toBeGreaterThanOrEqual(40);
    const ids = [...PROXY_CASES, ...CLI_CASES].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers every exchange failure kind of the mock IdP’s fault list', async () => {
    const { FAULT_KINDS } = await import('../../scripts/mock-idp/faults.mts');
    const used = new Set(PROXY_CASES.map((c) => c.fault?.kind).filter(Boolean));
    for (const kind of FAULT_KINDS) expect(used, kind).toContain(kind);
  });

  it('names only rows that exist in the README’s measured-differences table', () => {
    const keys = measuredDifferenceKeys(readFileSync(README, 'utf8'));
    const ids = new Set([...PROXY_CASES, ...CLI_CASES].map((c) => c.id));
    for (const [id, rows] of Object.entries(MEASURED_DIFFERENCES)) {
      expect(ids, `MEASURED_DIFFERENCES names no case ${id}`).toContain(id);
      for (const row of rows) expect(keys, id).toContain(row);
    }
    // and every row explains at least one case
    const used = new Set(Object.values(MEASURED_DIFFERENCES).flat());
    for (const key of keys) expect(used, `README row "${key}" explains no case`).toContain(key);
  });
});

describe('normalisation replaces only run-specific values', () => {
  const tokens = new Map([['eyJhbGciOiJSUzI1NiJ9.abc.def', '<client token>']]);
  it('ports, timestamps and token values', () => {
    expect(
      normalise(
        'Bearer eyJhbGciOiJSUzI1NiJ9.abc.def at http://127.0.0.1:43125/x, 2026-12-02T00:01:10.081157358Z',
        tokens,
      ),
    ).toBe('Bearer <client token> at http://127.0.0.1:<port>/x, <timestamp>');
  });
  it('leaves everything else alone (a different message stays different)', () => {
    expect(normalise('token expired', tokens)).toBe('token expired');
    expect(normalise('https://mcp.example.com:8443/mcp', tokens)).toBe(
      'https://mcp.example.com:8443/mcp',
    );
  });
  it('compare() names each differing field', () => {
    const a: Observation = {
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: 'x',
      tokenRequests: [],
      upstream: null,
    };
    const b: Observation = { ...a, status: 200, headers: {} };
    expect(compare(a, a)).toEqual([]);
    expect(compare(a, b).map((d) => d.field)).toEqual(['status', 'headers.content-type']);
  });
});

describe.skipIf(skipWhy !== undefined)('thv proxy vs --compat toolhive', () => {
  it('every difference is explained by a README row, and every row by a difference', () => {
    // The runner itself: it makes the sealed network namespace and runs inside it.
    const dir = mkdtempSync(join(tmpdir(), 'fidelity-test-'));
    const reportFile = join(dir, 'fidelity.json');
    let report: FidelityReport;
    try {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(REPO_ROOT, 'scripts/live/differential/run.mts'),
          '--report',
          reportFile,
        ],
        { cwd: REPO_ROOT, encoding: 'utf8', timeout: 900_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as FidelityReport;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const ran = report.cases.filter((c) => !c.skipped);
    expect(ran.length).toBeGreaterThanOrEqual(40);
    console.log([...ran.filter((c) => !c.agree).map(lineOf), summaryOf(report)].join('\n'));
    const unexplained = ran.filter((c) => !c.agree && !c.listed).map(lineOf);
    expect(unexplained, 'differences not in the README table').toEqual([]);
    const stale = ran
      .filter((c) => c.agree && c.listed)
      .map((c) => `${c.id} [${c.listed?.join('; ')}]`);
    expect(stale, 'listed as different, but agree now').toEqual([]);
    for (const c of report.cases.filter((x) => x.skipped)) expect(c.skipped).toMatch(/\S/);
  }, 900_000);
});
