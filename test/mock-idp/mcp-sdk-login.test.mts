// The official MCP TypeScript SDK's OAuth client logs in against the mock
// unattended: protected-resource metadata → authorization-server discovery →
// dynamic client registration (or a pre-registered client) → authorization
// code + PKCE (auto-approved) → tokens.
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { decodeJwt } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';
import { must } from './helpers.mts';

let idp: MockIdp;
let resourceServer: Server;
let resourceUrl: string;

beforeAll(async () => {
  idp = await startMockIdp({ control: true });
  // A stand-in MCP server that only publishes RFC 9728 metadata naming the mock.
  resourceServer = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/oauth-protected-resource')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          resource: `${resourceUrl}/mcp`,
          authorization_servers: [idp.server('aus1234567890').issuer],
          scopes_supported: ['openid', 'mcp:tools:call'],
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => resourceServer.listen(0, '127.0.0.1', resolve));
  resourceUrl = `http://127.0.0.1:${(resourceServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await idp?.close();
  await new Promise((resolve) => resourceServer?.close(resolve));
});

/** An OAuthClientProvider that follows the authorization URL itself (the mock auto-approves). */
class UnattendedProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  code?: string;
  authorizationUrl?: URL;

  constructor(preRegistered?: OAuthClientInformationMixed) {
    this.client = preRegistered;
  }
  get redirectUrl() {
    return 'http://127.0.0.1:33418/callback';
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'unattended test client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  async redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(
      must(response.headers.get('location'), 'Location of the authorization redirect'),
    );
    this.code = must(location.searchParams.get('code'), `code in ${location.search}`);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe('MCP TypeScript SDK OAuth client', () => {
  it.each([
    ['with dynamic client registration', undefined],
    ['with the pre-registered MCP client', { client_id: '0oa1234567890abcdef' }],
  ])('logs in unattended %s', async (_name, preRegistered) => {
    const provider = new UnattendedProvider(preRegistered);
    const serverUrl = `${resourceUrl}/mcp`;
    expect(await auth(provider, { serverUrl, scope: 'openid mcp:tools:call' })).toBe('REDIRECT');
    expect(provider.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(await auth(provider, { serverUrl, authorizationCode: provider.code })).toBe(
      'AUTHORIZED',
    );
    const claims = decodeJwt(must(provider.saved).access_token);
    expect(claims).toMatchObject({
      iss: idp.server('aus1234567890').issuer,
      aud: 'mcp-server',
      sub: 'alice@example.com',
      scp: ['openid', 'mcp:tools:call'],
    });
  });
});
