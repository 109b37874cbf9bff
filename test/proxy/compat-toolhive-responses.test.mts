// --compat toolhive answers byte for byte as thv proxy v0.44.0 does where the
// fidelity suite (test/live/fidelity.test.mts) measured a difference: the 401
// (no Cache-Control, Go's JSON escaping, the challenge without the body's
// `Invalid token: ` prefix), the metadata document (trailing newline, CORS on
// the 404 too), /health, and "Bearer  <token>" (the second space stays).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../scripts/token-exchange-proxy/index.mts';
import { fixtureAuth, startFixtureIdp, type FixtureIdp } from './helpers/fixture-idp.mts';
import { LogCapture } from './helpers/log-capture.mts';
import { startRecordingUpstream, type RecordingUpstream } from './helpers/upstream.mts';

let idp: FixtureIdp;
let upstream: RecordingUpstream;
let compat: RunningProxy;
let compatNoResource: RunningProxy;
let reference: RunningProxy;
const log = new LogCapture();

beforeAll(async () => {
  idp = await startFixtureIdp();
  upstream = await startRecordingUpstream();
  const common = {
    name: 'compat',
    targetUri: upstream.url,
    ...fixtureAuth(idp),
    logDestination: log,
  };
  compat = await startProxy({
    ...common,
    compat: 'toolhive',
    resourceUrl: 'https://mcp.example.com/mcp',
  });
  compatNoResource = await startProxy({ ...common, compat: 'toolhive' });
  reference = await startProxy({ ...common, resourceUrl: 'https://mcp.example.com/mcp' });
});
afterAll(async () => {
  await Promise.all([compat.close(), compatNoResource.close(), reference.close()]);
  await upstream.close();
  await idp.close();
});

describe('--compat toolhive responses', () => {
  it('401: no Cache-Control, Go JSON escaping, the prefix only in the body', async () => {
    const res = await fetch(`${compat.url}/mcp`, { headers: { authorization: 'Basic x' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBeNull();
    expect(await res.text()).toBe(
      String.raw`{"error":"invalid_request","error_description":"invalid authorization header format, expected 'Bearer \u003ctoken\u003e'"}`,
    );
    const bad = await fetch(`${compat.url}/mcp`, {
      headers: { authorization: `Bearer ${await idp.mint({ aud: 'other' })}` },
    });
    const challenge = bad.headers.get('www-authenticate') ?? '';
    const body = (await bad.json()) as { error_description: string };
    const inHeader = /error_description="(.*)"$/.exec(challenge)?.[1] ?? '';
    expect(inHeader).not.toMatch(/^Invalid token: /);
    // the challenge escapes quotes as a quoted-string (RFC 9110 §5.6.4); the body is JSON
    expect(body.error_description).toBe(`Invalid token: ${inHeader.replace(/\\(["\\])/g, '$1')}`);
  });

  it('the default mode keeps no-store and plain JSON', async () => {
    const res = await fetch(`${reference.url}/mcp`, { headers: { authorization: 'Basic x' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain("expected 'Bearer <token>'");
  });

  it('metadata ends with a newline; without --resource-url the 404 still has CORS', async () => {
    const doc = await fetch(`${compat.url}/.well-known/oauth-protected-resource/mcp`);
    expect((await doc.text()).endsWith('}\n')).toBe(true);
    const missing = await fetch(`${compatNoResource.url}/.well-known/oauth-protected-resource`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
    expect(missing.headers.get('access-control-max-age')).toBe('86400');
  });

  it('/health answers as ToolHive’s health checker, GET only', async () => {
    const res = await fetch(`${compat.url}/health`);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const body = JSON.parse(text) as { status: string; timestamp: string; transport: string };
    expect(body.status).toBe('healthy');
    expect(body.transport).toBe('');
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    expect((await fetch(`${compat.url}/health`, { method: 'POST' })).status).toBe(405);
  });

  it('"Bearer  <token>": the second space stays in the token, so it is refused', async () => {
    const token = await idp.mint();
    const before = upstream.requests.length;
    const res = await fetch(`${compat.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer  ${token}` },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(upstream.requests.length).toBe(before);
    log.expectNoSecrets([token]);
  });

  it.each([
    [
      'expired',
      { exp: Math.floor(Date.now() / 1000) - 60 },
      'failed to parse token: token has invalid claims: token is expired',
    ],
    [
      'not yet valid',
      { nbf: Math.floor(Date.now() / 1000) + 600 },
      'failed to parse token: token has invalid claims: token is not valid yet',
    ],
    ['wrong aud', { aud: 'other' }, 'invalid audience'],
  ] as const)('ToolHive’s error text: %s', async (_name, claims, text) => {
    const res = await fetch(`${compat.url}/mcp`, {
      headers: { authorization: `Bearer ${await idp.mint(claims)}` },
    });
    expect(res.headers.get('www-authenticate')).toContain(`error_description="${text}"`);
  });

  it('ToolHive’s error text: an opaque token without introspection', async () => {
    const res = await fetch(`${compat.url}/mcp`, {
      headers: { authorization: 'Bearer opaque-123' },
    });
    expect(res.headers.get('www-authenticate')).toContain(
      'error_description="failed to introspect opaque token: no introspection endpoint available"',
    );
  });
});
