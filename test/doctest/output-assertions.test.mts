// What a sample's output shows when the page shows none for it, and what a
// plan's expectation asks of it (scripts/doctest/output-assertions.mts).
import { describe, expect, it } from 'vitest';
import {
  FAILURE_TEXTS,
  failureShown,
  jsonValues,
  unmetExpectation,
} from '../../scripts/doctest/output-assertions.mts';

const toolResult = (isError: boolean) =>
  JSON.stringify(
    { content: [{ type: 'text', text: 'backend answered 401: no' }], isError },
    null,
    2,
  );

describe('failureShown', () => {
  it('passes a value', () => {
    expect(failureShown('curl -s x | jq .name', '"alice"\n')).toBeUndefined();
    expect(failureShown('thv list', 'NAME  STATUS\nbackend-mcp  running\n')).toBeUndefined();
    expect(
      failureShown(
        'x | jq .result',
        `get_profile\n${toolResult(false).replace('backend answered 401: no', 'ok')}\n`,
      ),
    ).toBeUndefined();
  });
  it('fails null, an empty string, and nothing from jq', () => {
    expect(failureShown('x | jq .a', 'null\n')).toBe('printed null');
    expect(failureShown('x | jq .a', '""\n')).toBe('printed an empty string');
    expect(failureShown("x | jq -r '.a'", '')).toBe('printed nothing (jq found no value)');
    // a command that prints nothing on success (no jq), or keeps jq's value in a variable, is no missing value
    expect(failureShown('rm -f f', '')).toBeUndefined();
    expect(failureShown('T=$(curl -s x | jq -r .access_token)', '')).toBeUndefined();
  });
  it('fails an MCP tool result with isError, after other lines, alone or in a JSON-RPC response', () => {
    expect(failureShown('x', `get_profile\n${toolResult(true)}\n`)).toMatch(/isError: true/);
    expect(
      failureShown(
        'x',
        JSON.stringify({ jsonrpc: '2.0', id: 3, result: { content: [], isError: true } }),
      ),
    ).toMatch(/isError: true/);
  });
  it('fails a JSON-RPC error object and an OAuth error object', () => {
    expect(
      failureShown(
        'x',
        '{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}}',
      ),
    ).toMatch(/JSON-RPC error \(-32601: Method not found\)/);
    expect(
      failureShown(
        'x',
        '{\n  "error": "invalid_target",\n  "error_description": "audience unknown"\n}',
      ),
    ).toMatch(/OAuth error object \("invalid_target": audience unknown\)/);
  });
  it('fails every failure text of the list, and names its source', () => {
    for (const f of FAILURE_TEXTS) {
      const why = failureShown('x', `HTTP 401: ${f.text}something\n`);
      expect(why).toContain(f.source);
    }
    expect(failureShown('x', 'HTTP 401: Token exchange failed\n')).toMatch(/Token exchange failed/);
  });
});

describe('jsonValues', () => {
  it('finds one-line values and pretty-printed blocks among other lines', () => {
    expect(jsonValues('a\n{"x":1}\nb\n{\n  "y": [\n    2\n  ]\n}\n')).toEqual([
      { x: 1 },
      { y: [2] },
    ]);
  });
});

describe('unmetExpectation', () => {
  const out = `get_profile\nlist_items\n${toolResult(false)}\n`;
  it('holds when the texts are there and the jq filter gives true', async () => {
    expect(
      await unmetExpectation(
        out,
        { contains: ['get_profile'], jq: '.isError == false' },
        'p: samples.t.expect',
      ),
    ).toBeUndefined();
  });
  it('names the missing text and the plan key', async () => {
    expect(await unmetExpectation(out, { contains: ['whoami'] }, 'p: samples.t.expect')).toBe(
      'the output does not contain "whoami" (p: samples.t.expect.contains)',
    );
  });
  it('fails a jq filter that gives false, and an output without JSON', async () => {
    expect(await unmetExpectation(out, { jq: '.isError == true' }, 'k')).toMatch(
      /does not satisfy k\.jq \(\.isError == true\): it gives false/,
    );
    expect(await unmetExpectation('get_profile\n', { jq: '.isError == false' }, 'k')).toMatch(
      /has no JSON value for k\.jq/,
    );
  });
});
