// A Python peer: Debian's Authlib (OAuth2Session) and PyJWT (PyJWKClient) run
// a token exchange and client credentials against the mock IdP and verify the
// tokens against its JWKS. Skips, with the reason, when they are not installed.
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';

// Debian's interpreter, where python3-authlib and python3-jwt install.
const PYTHON = process.env.PEER_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, [
  '-c',
  'import authlib, jwt, requests; print(authlib.__version__, jwt.__version__)',
]);
const missing =
  probe.status === 0
    ? undefined
    : `${PYTHON} lacks Authlib, PyJWT or requests; install them with \`apt-get install python3-authlib python3-jwt python3-requests\``;
if (missing) console.warn(`python-authlib: skipped: ${missing}`);
const versions = probe.status === 0 ? probe.stdout.toString().trim().split(' ') : [];

let idp: MockIdp;
beforeAll(async () => {
  if (!missing) idp = await startMockIdp({ control: true });
});
afterAll(async () => {
  await idp?.close();
});

describe.skipIf(Boolean(missing))(
  `Authlib ${versions[0] ?? ''} and PyJWT ${versions[1] ?? ''} against the mock IdP`,
  () => {
    it('token exchange (Okta) and client credentials (Keycloak), tokens verified with PyJWKClient', async () => {
      const okta = idp.server('aus9876543210');
      const kc = idp.server('mcp');
      const subject = await idp.control?.mintToken({
        issuer: idp.server('aus1234567890').issuer,
        audience: 'mcp-server',
      });
      const config = {
        okta: {
          issuer: okta.issuer,
          token_endpoint: okta.endpoints.token,
          jwks_uri: okta.endpoints.jwks,
          client_id: '0oa0987654321fedcba',
          client_secret: 'mock-only-exchange-secret',
          subject_token: subject?.access_token,
        },
        keycloak: {
          issuer: kc.issuer,
          token_endpoint: kc.endpoints.token,
          jwks_uri: kc.endpoints.jwks,
          client_id: 'toolhive-exchange',
          client_secret: 'mock-only-keycloak-secret',
        },
      };
      const { stdout } = await promisify(execFile)(
        PYTHON,
        [path.join(import.meta.dirname, 'peers', 'authlib_peer.py'), JSON.stringify(config)],
        { env: { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' } },
      );
      const out = JSON.parse(stdout) as Record<string, unknown>;
      expect(out.okta_exchange).toEqual({
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        claims: {
          sub: 'alice@example.com',
          aud: 'backend-api',
          scp: ['api:read'],
          cid: '0oa0987654321fedcba',
        },
      });
      expect(out.okta_bad_scope).toBe('invalid_scope');
      expect(out.keycloak_client_credentials).toEqual({
        sub: 'service-account-toolhive-exchange',
        azp: 'toolhive-exchange',
        typ: 'Bearer',
      });
    });
  },
);

describe.runIf(Boolean(missing))('Python peer', () => {
  it('is skipped because Authlib or PyJWT is missing', () => {
    expect(missing).toMatch(/apt-get install/);
  });
});
