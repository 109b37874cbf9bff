import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { runDoctests } from '../../scripts/doctest/run.mts';
import { compareClaims } from '../../scripts/doctest/validators/claims.mts';
import { readSequence } from '../../scripts/doctest/validators/mermaid.mts';
import { checkSequence } from '../../scripts/doctest/sequence.mts';
import { checkTopology } from '../../scripts/doctest/topology.mts';
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

/** A recorded HTTP call from one party to another, as the host proxy's tap records it. */
const rec = (from: string, to: string, start: number, end: number, note?: string) => ({
  from,
  to,
  method: 'POST',
  path: '/',
  start,
  end,
  ...(note ? { note } : {}),
});

describe('sequence check', () => {
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

describe('topology check', () => {
  // an earlier call (sign-in) outside the tool call must not count
  const calls = [
    rec('client', 'idp', 0, 1),
    rec('client', 'proxy', 2, 20, 'bearer(authorization)=aud:mcp-server'),
    rec('proxy', 'idp', 3, 4, 'grant_type=urn:ietf:params:oauth:grant-type:token-exchange'),
    rec('proxy', 'mcp-server', 5, 19, 'bearer(authorization)=aud:backend-api'),
    rec('mcp-server', 'backend-api', 6, 7, 'bearer(authorization)=aud:backend-api'),
  ];
  const auds = { subject: ['mcp-server'], exchanged: ['backend-api'] };
  const nodes = [
    { id: 'c', label: 'MCP client', line: 2 },
    { id: 'p', label: 'ToolHive proxy', line: 2 },
    { id: 'i', label: 'Okta', line: 3 },
    { id: 's', label: 'MCP server', line: 4 },
    { id: 'b', label: 'Backend API', line: 5 },
  ];
  const edge = (from: string, to: string, line: number, text = '', directed = true) => ({
    from,
    to,
    text,
    directed,
    line,
  });
  const good = [
    edge('c', 'p', 2, 'client token, aud mcp-server'),
    edge('p', 'i', 3, 'token exchange', false),
    edge('p', 's', 4, 'exchanged token'),
    edge('s', 'b', 5),
  ];
  it('accepts the recorded request path; a two-way edge in either direction', () => {
    expect(checkTopology({ nodes, edges: good }, calls, auds)).toBeUndefined();
    const swapped = good.map((e) => (e.line === 3 ? edge('i', 'p', 3, '', false) : e));
    expect(checkTopology({ nodes, edges: swapped }, calls, auds)).toBeUndefined();
  });
  it('rejects a one-way edge against the call, at its line', () => {
    const r = checkTopology(
      { nodes, edges: good.map((e) => (e.line === 5 ? edge('b', 's', 5) : e)) },
      calls,
      auds,
    );
    expect(r).toMatchObject({ line: 5, message: expect.stringMatching(/points the wrong way/) });
  });
  it('rejects a label whose audience is not what the call carried', () => {
    const r = checkTopology(
      { nodes, edges: good.map((e) => (e.line === 4 ? edge('p', 's', 4, 'aud mcp-server') : e)) },
      calls,
      auds,
    );
    expect(r).toMatchObject({ line: 4, message: expect.stringMatching(/a token for backend-api/) });
  });
  it('rejects a node that names no hop, and a missing call at the nearest edge', () => {
    const r = checkTopology(
      { nodes: nodes.map((n) => (n.id === 'i' ? { ...n, label: 'Database' } : n)), edges: good },
      calls,
      auds,
    );
    expect(r).toMatchObject({ line: 3, message: expect.stringMatching(/names none of the hops/) });
    const r2 = checkTopology({ nodes, edges: good.filter((e) => e.line !== 5) }, calls, auds);
    expect(r2).toMatchObject({ line: 4, message: expect.stringMatching(/no edge for it/) });
  });
});

describe('output matching', () => {
  it('supports ... lines and inline ...', () => {
    expect(matchOutput(['a', '...', 'id: ...'], ['a', 'b', 'c', 'id: 42'])).toBe(true);
    expect(matchOutput(['a', 'b'], ['a', 'c'])).toBe(false);
  });
});
