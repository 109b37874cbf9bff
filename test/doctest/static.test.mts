import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { runDoctests } from '../../scripts/doctest/run.mts';
import { compareClaims } from '../../scripts/doctest/validators/claims.mts';
import { readSequence } from '../../scripts/doctest/validators/mermaid.mts';
import { checkSequence } from '../../scripts/doctest/sequence.mts';
import { matchOutput } from '../../scripts/doctest/handlers/output.mts';

const root = path.resolve(import.meta.dirname, '../..');

describe('static validators on a fixture page', async () => {
  const report = await runDoctests({
    root,
    pages: [path.join(import.meta.dirname, 'fixtures/static/page.mdx')],
  });
  const at = (line: number) => report.samples.find((s) => s.line === line);

  it('validates a correct MCPExternalAuthConfig', () => {
    expect(at(3)).toMatchObject({ status: 'passed', kind: 'validated' });
  });
  it('rejects an unknown CRD field at its own line', () => {
    expect(at(20)?.status).toBe('failed');
    expect(at(20)?.reason).toMatch(/tokenURL/);
    expect(at(20)?.failureLine).toBe(28); // the tokenURL line
  });
  it('rejects a wrong apiVersion at its line', () => {
    expect(at(32)?.reason).toMatch(/no version "v1" of MCPServer/);
    expect(at(32)?.failureLine).toBe(33);
  });
  it('parses JSON and points at the broken line', () => {
    expect(at(41)?.status).toBe('passed');
    expect(at(45)?.status).toBe('failed');
    expect(at(45)?.failureLine).toBe(48); // the line with `oops`
  });
  it("parses mermaid with mermaid's parser (flowchart needs the DOMPurify shim)", () => {
    expect(at(52)).toMatchObject({ status: 'passed', kind: 'validated' });
    expect(at(57)?.status).toBe('failed');
    expect(at(57)?.failureLine).toBe(60);
  });
  it('fails an output block with no shell sample before it', () => {
    expect(at(63)?.reason).toMatch(/needs a bash sample before it/);
  });
});

describe('claims comparison', () => {
  const actual = {
    iss: 'https://i',
    sub: 'alice@example.com',
    aud: 'backend-api',
    scp: ['api:read', 'api:write'],
    iat: 1,
    exp: 2,
    jti: 'x',
  };
  it('accepts keys and stated values; volatile claims by type; lists in any order', () => {
    expect(
      compareClaims(
        {
          sub: 'alice@example.com',
          scp: ['api:write', 'api:read'],
          iat: 1700000000,
          jti: 'abc',
          aud: '<AUD>',
        },
        actual,
      ),
    ).toEqual([]);
  });
  it('names a missing key and a wrong value', () => {
    const issues = compareClaims(
      { sub: 'alice@example.com', aud: 'mcp-server', cid: 'x', exp: '2' },
      actual,
    );
    expect(issues.map((i) => i.key)).toEqual(['aud', 'cid', 'exp']);
  });
});

describe('sequence check', () => {
  const rec = (from: string, to: string, start: number, end: number) => ({
    from,
    to,
    method: 'POST',
    path: '/',
    start,
    end,
  });
  const calls = [
    rec('client', 'proxy', 0, 10),
    rec('proxy', 'idp', 1, 2),
    rec('proxy', 'mcp-server', 3, 9),
    rec('mcp-server', 'backend-api', 4, 5),
  ];
  const diagram = (body: string) =>
    readSequence(
      `sequenceDiagram\n  participant C as MCP client\n  participant P as ToolHive proxy\n  participant I as Okta\n  participant S as MCP server\n  participant B as Backend API\n${body}`,
    );
  it('accepts the recorded order', () => {
    expect(
      checkSequence(
        diagram(
          '  C->>P: call\n  P->>I: exchange\n  I-->>P: token\n  P->>S: call\n  S->>B: api\n  B-->>S: ok\n  S-->>P: ok\n  P-->>C: ok',
        ),
        calls,
      ),
    ).toBeUndefined();
  });
  it('rejects a message out of order, at its line', () => {
    const r = checkSequence(diagram('  C->>P: call\n  P->>S: call\n  P->>I: exchange'), calls);
    expect(r?.line).toBe(9);
  });
});

describe('output matching', () => {
  it('supports ... lines and inline ...', () => {
    expect(matchOutput(['a', '...', 'id: ...'], ['a', 'b', 'c', 'id: 42'])).toBe(true);
    expect(matchOutput(['a', 'b'], ['a', 'c'])).toBe(false);
  });
});
