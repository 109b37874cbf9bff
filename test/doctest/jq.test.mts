// No system jq (a plain Node build container): the preflight names missing
// tools, and pages get jq compiled to WebAssembly (tools/jq.mts over jq-web),
// which must print what the real jq prints for the filters the pages use.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { preflight, preflightMessage, which } from '../../scripts/doctest/preflight.mts';
import { runJq } from '../../scripts/doctest/tools/jq.mts';
import { runDoctests } from '../../scripts/doctest/run.mts';

const root = path.resolve(import.meta.dirname, '../..');
const systemJq = which('jq', process.env['PATH'] ?? '');

/** A PATH of one temp dir with every tool of the current PATH except those named. */
async function pathWithout(dir: string, ...tools: string[]): Promise<string> {
  for (const d of (process.env['PATH'] ?? '').split(':')) {
    for (const f of await readdir(d).catch(() => [] as string[])) {
      if (tools.includes(f)) continue;
      await symlink(path.join(d, f), path.join(dir, f)).catch(() => {});
    }
  }
  return dir;
}

const DISCOVERY = JSON.stringify({
  issuer: 'https://dev-123456.okta.com/oauth2/aus1234567890',
  token_endpoint: 'https://dev-123456.okta.com/oauth2/aus1234567890/v1/token',
  grant_types_supported: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
  result: { content: [{ text: '{"sub":"alice","scopes":["api:read"]}' }] },
});
// the filters and flags the pages use
const CASES: [string[], string][] = [
  [['-r', '.issuer'], DISCOVERY],
  [['-r', '.token_endpoint'], DISCOVERY],
  [
    ['.grant_types_supported | index("urn:ietf:params:oauth:grant-type:token-exchange") != null'],
    DISCOVERY,
  ],
  [['.result.content[0].text | fromjson'], DISCOVERY],
  [['-c', '{issuer, token_endpoint}'], DISCOVERY],
  [['{issuer}'], `${DISCOVERY}\n${DISCOVERY}`],
  [
    ['-R', 'split(".")[1] | gsub("-"; "+") | gsub("_"; "/") | @base64d | fromjson'],
    'x.eyJzdWIiOiJhbGljZSJ9.y\n',
  ],
  [['-r', '.[]'], '["a","","b"]'],
  [['-n', '--arg', 'x', 'hi', '$x'], ''],
  [['.[] | select(. > 5)'], '[1,2]'],
];

describe('jq without a system jq', () => {
  it.each(CASES)('jq %j prints what the real jq prints', async (args, input) => {
    const r = await runJq(args, () => input);
    expect(r.code).toBe(0);
    if (!systemJq) return; // nothing to compare with here
    expect(r.stdout).toBe(execFileSync(systemJq, args, { input, encoding: 'utf8' }));
  });

  it('fails like jq on bad input, and refuses what it cannot do exactly', async () => {
    const bad = await runJq(['.'], () => '{');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/parse error/);
    for (const flag of ['-e', '-j', '--slurpfile', '-f', '--args']) {
      const r = await runJq([flag, '.'], () => '{}');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag} is not supported`);
    }
  });

  describe('preflight', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-preflight-'));
    afterAll(() => rm(dir, { recursive: true, force: true }));
    const noJqCurl = await pathWithout(dir, 'jq', 'curl');

    it('names a missing tool and what to do; a missing jq is not an error', () => {
      const p = preflight(noJqCurl);
      expect(p.jqFromNpm).toBe(true);
      expect(p.missing.map((m) => m.tool)).toEqual(['curl']);
      expect(preflightMessage(p)).toMatch(
        /missing tool on PATH: curl\n {2}curl: .*apt-get install curl/,
      );
    });
  });

  describe('a page run with no jq on PATH', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-nojq-'));
    const saved = process.env['PATH'];
    process.env['PATH'] = await pathWithout(dir, 'jq');
    let report;
    try {
      report = await runDoctests({
        root,
        pages: [path.join(import.meta.dirname, 'fixtures/jq/page.mdx')],
      });
    } finally {
      process.env['PATH'] = saved;
      await rm(dir, { recursive: true, force: true });
    }
    it('passes with the npm build of jq', () => {
      expect(report.samples.map((s) => [s.line, s.status, s.reason ?? ''])).toEqual(
        report.samples.map((s) => [s.line, 'passed', '']),
      );
      expect(report.samples).toHaveLength(4);
    });
  });
});
