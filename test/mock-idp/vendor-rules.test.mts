// Vendor rules the guides rely on, one test each, so that a mock more lenient
// than the vendor fails here. Sources are named in scripts/mock-idp/vendors.mts
// and discovery.mts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';
import {
  ACCESS_TOKEN_TYPE,
  EXCHANGE_ID,
  EXCHANGE_SECRET,
  TOKEN_EXCHANGE,
  basic,
  getWithHost,
  must,
  oktaExchangeForm,
  postForm,
} from './helpers.mts';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ control: true });
});
afterAll(async () => {
  await idp?.close();
});

const grants = async (url: string) => {
  const response = await fetch(url);
  return {
    status: response.status,
    json: (await response.json()) as { grant_types_supported?: string[]; error?: string },
  };
};

describe('okta custom authorization server metadata', () => {
  const metadata = () => must(idp.server('aus9876543210').endpoints['oauth-authorization-server']);
  const oidc = () => must(idp.server('aus9876543210').endpoints['openid-configuration']);

  it('leaves the token-exchange grant out without client_id', async () => {
    for (const url of [metadata(), oidc()]) {
      const { status, json } = await grants(url);
      expect(status).toBe(200);
      expect(json.grant_types_supported).toContain('client_credentials');
      expect(json.grant_types_supported).not.toContain(TOKEN_EXCHANGE);
    }
  });

  it('lists it for ?client_id= of a client that has the grant, not for one that lacks it', async () => {
    const withGrant = await grants(`${metadata()}?client_id=${EXCHANGE_ID}`);
    expect(withGrant.json.grant_types_supported).toContain(TOKEN_EXCHANGE);
    const without = await grants(`${metadata()}?client_id=0oa1234567890abcdef`);
    expect(without.status).toBe(200);
    expect(without.json.grant_types_supported).not.toContain(TOKEN_EXCHANGE);
  });

  it('answers 400 for an unknown client_id', async () => {
    const { status, json } = await grants(`${metadata()}?client_id=0oaunknown`);
    expect(status).toBe(400);
    expect(json.error).toBe('invalid_client');
  });

  it('serves the RFC 8414 path-insertion form for OAuth metadata only, as Okta does', async () => {
    const url = new URL(idp.url);
    const insert = (wellKnown: string) =>
      getWithHost(
        `${url.origin}/.well-known/${wellKnown}/oauth2/aus9876543210`,
        'dev-123456.okta.com',
      );
    const oauth = await insert('oauth-authorization-server');
    expect(oauth.status).toBe(200);
    expect(JSON.parse(oauth.body).issuer).toBe('https://dev-123456.okta.com/oauth2/aus9876543210');
    expect((await insert('openid-configuration')).status).toBe(404);
  });
});

describe('token exchange rules', () => {
  const oktaToken = () => must(idp.server('aus9876543210').endpoints.token);
  const subject = async () =>
    must(
      await idp.control?.mintToken({
        issuer: idp.server('aus1234567890').issuer,
        audience: 'mcp-server',
      }),
    ).access_token;
  const auth = { authorization: basic(EXCHANGE_ID, EXCHANGE_SECRET) };

  it('okta: the backend server must trust the issuing server ("trusted servers")', async () => {
    // aus9876543210 does not trust itself: a token of its own is refused.
    const own = must(
      await idp.control?.mintToken({ issuer: idp.server('aus9876543210').issuer }),
    ).access_token;
    const refused = await postForm(oktaToken(), oktaExchangeForm(own), auth);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_grant');
  });

  it('okta: a scope outside the client policy is invalid_scope', async () => {
    const refused = await postForm(
      oktaToken(),
      oktaExchangeForm(await subject(), { scope: 'mcp:tools:call' }),
      auth,
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_scope');
  });

  it('okta: a client without the token-exchange grant is unauthorized_client', async () => {
    const refused = await postForm(oktaToken(), {
      ...oktaExchangeForm(await subject()),
      client_id: '0oa1234567890abcdef',
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('unauthorized_client');
  });

  it('okta: only access tokens are subject tokens', async () => {
    const refused = await postForm(
      oktaToken(),
      oktaExchangeForm(await subject(), {
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      }),
      auth,
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_request');
  });

  it('keycloak: the requesting client must be in the subject token audience', async () => {
    const kc = idp.server('mcp');
    const notForUs = must(
      await idp.control?.mintToken({ issuer: kc.issuer, audience: 'backend-api' }),
    ).access_token;
    const refused = await postForm(
      must(kc.endpoints.token),
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: notForUs,
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: 'backend-api',
      },
      { authorization: basic('toolhive-exchange', 'mock-only-keycloak-secret') },
    );
    // Keycloak 26.5 (measured): 403 access_denied.
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({
      error: 'access_denied',
      error_description: 'Client is not within the token audience',
    });
  });

  it('keycloak: a public client cannot exchange', async () => {
    const kc = idp.server('mcp');
    const token = must(
      await idp.control?.mintToken({ issuer: kc.issuer, audience: 'toolhive-exchange' }),
    ).access_token;
    const refused = await postForm(must(kc.endpoints.token), {
      grant_type: TOKEN_EXCHANGE,
      client_id: 'mcp-client',
      subject_token: token,
      subject_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      error: 'invalid_client',
      error_description: 'Public client is not allowed to exchange token',
    });
  });

  it('auth0: the audience parameter is required', async () => {
    const a0 = idp.server('https://example-tenant.us.auth0.com/');
    const refused = await postForm(
      must(a0.endpoints.token),
      { grant_type: 'client_credentials' },
      { authorization: basic('auth0-exchange-client', 'mock-only-auth0-secret') },
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_request');
  });
});
