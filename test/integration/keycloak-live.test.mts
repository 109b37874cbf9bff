// A real Keycloak (server distribution from the local Maven repository, dev
// mode on 127.0.0.1) set up as the Keycloak tab of the token-exchange guide
// says, then the guide's exchange and the errors its troubleshooting quotes,
// each sent to Keycloak and to the mock IdP's Keycloak profile: the mock must
// answer as Keycloak does. Skips, with the reason, when the distribution or a
// Java new enough for it is missing (`npm run live:keycloak -- --fetch`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  keycloakAvailability,
  setUpGuideRealm,
  startKeycloak,
  type GuideRealm,
  type RunningKeycloak,
} from '../../scripts/live/keycloak/keycloak.mts';
import { startMockIdp, type MockIdp } from '../../scripts/mock-idp/index.mts';

const availability = keycloakAvailability();
if (!availability.ok) console.warn(`keycloak-live: skipped: ${availability.reason}`);

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/** One side of the comparison: where to send, and the fixtures of that side. */
interface Side {
  name: string;
  issuer: string;
  token: string;
  exchangeAuth: string;
  wrongSecretAuth: string;
  /** A user's access token whose aud names toolhive-exchange. */
  subject: () => Promise<string>;
  /** A user's access token whose aud does not name toolhive-exchange. */
  foreignSubject: () => Promise<string>;
  revoke: (token: string) => Promise<void>;
  publicClient: string;
  /** A client of the realm that toolhive-exchange cannot reach. */
  unreachableClient: string;
}

const basic = (id: string, secret: string) =>
  'Basic ' +
  Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');

async function post(
  url: string,
  body: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

let keycloak: RunningKeycloak | undefined;
let realm: GuideRealm;
let idp: MockIdp;
let sides: Side[] = [];
let dataDir: string | undefined;

describe.skipIf(!availability.ok)(
  `Keycloak ${availability.ok ? `${availability.version} on Java ${availability.javaVersion}` : ''} against the mock's Keycloak profile`,
  () => {
    // Keycloak's start-up is CPU-bound: 35 s on an idle machine, 5-6 min at a
    // load average of 20 (measured); the hook allows 15 min.
    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'keycloak-live-'));
      keycloak = await startKeycloak({
        cacheDir: path.join(tmpdir(), 'toolhive-docs-keycloak-dist'),
        dataDir,
      });
      realm = await setUpGuideRealm(keycloak);
      idp = await startMockIdp({ control: true });
      const login = async (clientId: string) => {
        const r = await post(realm.tokenEndpoint, {
          grant_type: 'password',
          client_id: clientId,
          username: realm.user.username,
          password: realm.user.password,
          scope: 'openid',
        });
        if (r.status !== 200) throw new Error(`Keycloak login failed: ${JSON.stringify(r.json)}`);
        return r.json.access_token as string;
      };
      const mock = idp.server('mcp');
      const mint = async (audience: string) =>
        (await idp.control?.mintToken({ issuer: mock.issuer, audience }))?.access_token ?? '';
      sides = [
        {
          name: 'keycloak',
          issuer: realm.issuer,
          token: realm.tokenEndpoint,
          exchangeAuth: basic(realm.exchangeClient.id, realm.exchangeClient.secret),
          wrongSecretAuth: basic(realm.exchangeClient.id, 'wrong'),
          subject: () => login(realm.loginClient),
          foreignSubject: () => login(realm.plainLoginClient),
          revoke: async (token) => {
            await post(`${realm.issuer}/protocol/openid-connect/revoke`, {
              client_id: realm.loginClient,
              token,
            });
          },
          publicClient: realm.publicExchangeClient,
          unreachableClient: realm.loginClient,
        },
        {
          name: 'mock',
          issuer: mock.issuer,
          token: mock.endpoints.token as string,
          exchangeAuth: basic('toolhive-exchange', 'mock-only-keycloak-secret'),
          wrongSecretAuth: basic('toolhive-exchange', 'wrong'),
          subject: () => mint('toolhive-exchange'),
          foreignSubject: () => mint('backend-api'),
          revoke: async (token) => {
            await post(mock.endpoints.revoke as string, { client_id: 'mcp-client', token });
          },
          publicClient: 'mcp-client',
          unreachableClient: 'mcp-client',
        },
      ];
    }, 900_000);

    afterAll(async () => {
      await idp?.close();
      await keycloak?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it("the guide's exchange: aud backend-api, azp toolhive-exchange, the user's sub, typ Bearer", async () => {
      const results = [];
      for (const side of sides) {
        const subject = await side.subject();
        const r = await post(
          side.token,
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: subject,
            subject_token_type: ACCESS_TOKEN,
            requested_token_type: ACCESS_TOKEN,
            audience: 'backend-api',
            scope: 'api:read',
          },
          { authorization: side.exchangeAuth },
        );
        expect(r.status, `${side.name}: ${JSON.stringify(r.json)}`).toBe(200);
        const token = r.json.access_token as string;
        results.push({
          side,
          r,
          claims: decodeJwt(token),
          header: decodeProtectedHeader(token),
          subject: decodeJwt(subject),
        });
      }
      for (const { side, r, claims, header, subject } of results) {
        expect(r.json, side.name).toMatchObject({
          issued_token_type: ACCESS_TOKEN,
          token_type: 'Bearer',
        });
        expect(String(r.json.scope).split(' '), side.name).toContain('api:read');
        expect(header.typ, side.name).toBe('JWT');
        expect(claims, side.name).toMatchObject({
          iss: side.issuer,
          aud: 'backend-api',
          azp: 'toolhive-exchange',
          typ: 'Bearer',
          sub: subject.sub,
          preferred_username: expect.any(String),
          email: 'alice@example.com',
        });
        expect(String(claims.scope).split(' '), side.name).toContain('api:read');
      }
    });

    it('without audience: the audiences the exchange client reaches through its client scopes', async () => {
      for (const side of sides) {
        const r = await post(
          side.token,
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await side.subject(),
            subject_token_type: ACCESS_TOKEN,
          },
          { authorization: side.exchangeAuth },
        );
        expect(r.status, side.name).toBe(200);
        // Keycloak adds "account" (the realm's default roles scope); the mock has no such scope.
        expect([decodeJwt(r.json.access_token as string).aud].flat(), side.name).toContain(
          'backend-api',
        );
      }
    });

    /** Each error case: the request, built per side. Keycloak's answer is the expected one. */
    const errorCases: [
      string,
      (s: Side) => Promise<[Record<string, string>, Record<string, string>]>,
    ][] = [
      [
        'Client is not within the token audience',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await s.foreignSubject(),
            subject_token_type: ACCESS_TOKEN,
            audience: 'backend-api',
          },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'Requested audience not available',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await s.subject(),
            subject_token_type: ACCESS_TOKEN,
            audience: s.unreachableClient,
          },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'Audience not found',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await s.subject(),
            subject_token_type: ACCESS_TOKEN,
            audience: 'no-such-client',
          },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'Invalid scopes',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await s.subject(),
            subject_token_type: ACCESS_TOKEN,
            audience: 'backend-api',
            scope: 'api:delete',
          },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'public client',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            client_id: s.publicClient,
            subject_token: await s.subject(),
            subject_token_type: ACCESS_TOKEN,
            audience: 'backend-api',
          },
          {},
        ],
      ],
      [
        'wrong client secret',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await s.subject(),
            subject_token_type: ACCESS_TOKEN,
            audience: 'backend-api',
          },
          { authorization: s.wrongSecretAuth },
        ],
      ],
      [
        'unknown client',
        async () => [
          { grant_type: 'client_credentials' },
          { authorization: basic('no-such-client', 'x') },
        ],
      ],
      [
        'id_token as subject_token_type',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await s.subject(),
            subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
            audience: 'backend-api',
          },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'jwt as subject_token_type',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: await s.subject(),
            subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
            audience: 'backend-api',
          },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'no subject_token_type',
        async (s) => [
          { grant_type: TOKEN_EXCHANGE, subject_token: await s.subject(), audience: 'backend-api' },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'a subject token that is not a token',
        async (s) => [
          {
            grant_type: TOKEN_EXCHANGE,
            subject_token: 'abc.def.ghi',
            subject_token_type: ACCESS_TOKEN,
            audience: 'backend-api',
          },
          { authorization: s.exchangeAuth },
        ],
      ],
      [
        'a revoked subject token',
        async (s) => {
          const subject = await s.subject();
          await s.revoke(subject);
          return [
            {
              grant_type: TOKEN_EXCHANGE,
              subject_token: subject,
              subject_token_type: ACCESS_TOKEN,
              audience: 'backend-api',
            },
            { authorization: s.exchangeAuth },
          ];
        },
      ],
    ];

    it.each(errorCases)('%s: the mock answers as Keycloak does', async (_name, build) => {
      const answers = [];
      for (const side of sides) {
        const [body, headers] = await build(side);
        const r = await post(side.token, body, headers);
        answers.push({
          status: r.status,
          error: r.json.error,
          error_description: r.json.error_description,
        });
      }
      const [real, mock] = answers;
      expect(real?.status).toBeGreaterThanOrEqual(400);
      expect(mock).toEqual(real);
    });

    it('discovery: token exchange in grant_types_supported; RFC 8414 path-insertion for OAuth metadata only', async () => {
      for (const side of sides) {
        const doc = (await (
          await fetch(`${side.issuer}/.well-known/openid-configuration`)
        ).json()) as {
          grant_types_supported: string[];
          token_endpoint: string;
        };
        expect(doc.grant_types_supported, side.name).toContain(TOKEN_EXCHANGE);
        expect(doc.token_endpoint, side.name).toBe(side.token);
        const u = new URL(side.issuer);
        for (const [wellKnown, status] of [
          ['oauth-authorization-server', 200],
          ['openid-configuration', 404],
        ] as const) {
          const r = await fetch(`${u.origin}/.well-known/${wellKnown}${u.pathname}`);
          expect(r.status, `${side.name} ${wellKnown}`).toBe(status);
        }
      }
    });
  },
);

describe.runIf(!availability.ok)('Keycloak live comparison', () => {
  it('is skipped because Keycloak cannot run here', () => {
    expect(availability.ok ? '' : availability.reason).toMatch(/Keycloak|Java/);
  });
});
