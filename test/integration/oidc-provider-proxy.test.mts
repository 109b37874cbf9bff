// The reference proxy's CLI against an independent IdP: panva's oidc-provider
// (JWT access tokens through resource indicators, a registered token-exchange
// grant, introspection of opaque tokens, revocation). openid-client obtains and
// revokes the tokens, so no line of the project's mock IdP takes part.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../proxy/helpers/upstream.mts';
import {
  ACCESS_TOKEN_TYPE,
  BACKEND_RESOURCE,
  MCP_RESOURCE,
  OPAQUE_MCP_RESOURCE,
  startOidcProvider,
  type OidcProviderIdp,
} from './helpers/oidc-provider-idp.mts';
import { startProxyCli, type ProxyProcess } from './helpers/proxy-cli.mts';

let op: OidcProviderIdp;
let upstream: RecordingUpstream;
let jwtProxy: ProxyProcess;
let opaqueProxy: ProxyProcess;
let userApp: client.Configuration;
const tokens = new Set<string>();

function proxyArgs(name: string, audience: string): string[] {
  return [
    name,
    '--target-uri',
    upstream.url,
    '--oidc-issuer',
    op.issuer,
    '--oidc-audience',
    audience,
    '--oidc-introspection-url',
    `${op.issuer}/token/introspection`,
    '--oidc-client-id',
    op.clients.introspector.id,
    '--resource-url',
    audience,
    '--token-exchange-url',
    `${op.issuer}/token`,
    '--token-exchange-client-id',
    op.clients.exchange.id,
    '--token-exchange-audience',
    BACKEND_RESOURCE,
    '--token-exchange-scopes',
    'api:read',
  ];
}

beforeAll(async () => {
  op = await startOidcProvider();
  upstream = await startRecordingUpstream();
  const env = {
    TOOLHIVE_OIDC_CLIENT_SECRET: op.clients.introspector.secret,
    TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: op.clients.exchange.secret,
  };
  [jwtProxy, opaqueProxy] = await Promise.all([
    startProxyCli(proxyArgs('oidc-provider-jwt', MCP_RESOURCE), env),
    startProxyCli(proxyArgs('oidc-provider-opaque', OPAQUE_MCP_RESOURCE), env),
  ]);
  userApp = await client.discovery(
    new URL(op.issuer),
    op.clients.user.id,
    op.clients.user.secret,
    client.ClientSecretBasic(op.clients.user.secret),
    { execute: [client.allowInsecureRequests] },
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([jwtProxy?.close(), opaqueProxy?.close()]);
  await upstream?.close();
  await op?.close();
  // Never log a token or a secret.
  const logs = (jwtProxy?.output() ?? '') + (opaqueProxy?.output() ?? '');
  for (const secret of [op.clients.exchange.secret, op.clients.introspector.secret, ...tokens])
    expect(logs).not.toContain(secret);
});

/** An access token of oidc-provider for one resource (RFC 8707), by client credentials. */
async function tokenFor(resource: string): Promise<string> {
  const response = await client.clientCredentialsGrant(userApp, { resource, scope: 'mcp:tools' });
  tokens.add(response.access_token);
  return response.access_token;
}

const call = (proxy: ProxyProcess, token: string) =>
  fetch(`${proxy.url}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  });

function lastUpstreamToken(): string {
  const auth = upstream.requests.at(-1)?.headers.authorization ?? '';
  expect(auth).toMatch(/^Bearer /);
  const token = auth.slice('Bearer '.length);
  tokens.add(token);
  return token;
}

describe('oidc-provider 9 as the IdP of the reference proxy', () => {
  it('JWT subject token: validated against its JWKS (typ at+jwt), exchanged by the registered grant', async () => {
    const subject = await tokenFor(MCP_RESOURCE);
    expect(decodeProtectedHeader(subject).typ).toBe('at+jwt');
    expect(decodeJwt(subject).aud).toBe(MCP_RESOURCE);
    const before = op.exchanges.length;
    const response = await call(jwtProxy, subject);
    expect(response.status).toBe(200);
    // What oidc-provider's grant handler received (RFC 8693 §2.1).
    expect(op.exchanges.slice(before)).toEqual([
      expect.objectContaining({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token_type: ACCESS_TOKEN_TYPE,
        requested_token_type: ACCESS_TOKEN_TYPE,
        audience: BACKEND_RESOURCE,
        scope: 'api:read',
      }),
    ]);
    const exchanged = decodeJwt(lastUpstreamToken());
    expect(exchanged).toMatchObject({
      iss: op.issuer,
      aud: BACKEND_RESOURCE,
      sub: op.clients.user.id,
      client_id: op.clients.exchange.id,
      scope: 'api:read',
    });
  });

  it('a token for another resource is refused with an RFC 6750 challenge', async () => {
    const response = await call(jwtProxy, await tokenFor(BACKEND_RESOURCE));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('opaque subject token: introspected (RFC 7662), then exchanged', async () => {
    const subject = await tokenFor(OPAQUE_MCP_RESOURCE);
    expect(subject.split('.')).toHaveLength(1);
    const introspection = await client.tokenIntrospection(userApp, subject);
    expect(introspection).toMatchObject({ active: true, aud: OPAQUE_MCP_RESOURCE });
    const response = await call(opaqueProxy, subject);
    expect(response.status, opaqueProxy.output()).toBe(200);
    expect(decodeJwt(lastUpstreamToken())).toMatchObject({
      aud: BACKEND_RESOURCE,
      sub: op.clients.user.id,
      scope: 'api:read',
    });
  });

  it('a revoked opaque token (RFC 7009) is refused by the proxy and by the exchange grant', async () => {
    const subject = await tokenFor(OPAQUE_MCP_RESOURCE);
    await client.tokenRevocation(userApp, subject);
    expect(await client.tokenIntrospection(userApp, subject)).toEqual({ active: false });
    const seen = upstream.requests.length;
    const response = await call(opaqueProxy, subject);
    expect(response.status).toBe(401);
    expect(upstream.requests.length).toBe(seen);
    // The grant itself refuses it too (invalid_grant), asked directly.
    const exchangeApp = await client.discovery(
      new URL(op.issuer),
      op.clients.exchange.id,
      op.clients.exchange.secret,
      client.ClientSecretBasic(op.clients.exchange.secret),
      { execute: [client.allowInsecureRequests] },
    );
    await expect(
      client.genericGrantRequest(exchangeApp, 'urn:ietf:params:oauth:grant-type:token-exchange', {
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: BACKEND_RESOURCE,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
