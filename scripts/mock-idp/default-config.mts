// The default configuration: the tenants, clients and users the guides' examples
// use. Secrets here are fixtures of the mock, never real secrets.
import type { MockIdpConfig, UserConfig } from './config.mts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

export const OKTA_DOMAIN = 'dev-123456.okta.com';
export const OKTA_MCP_SERVER_ID = 'aus1234567890';
export const OKTA_BACKEND_SERVER_ID = 'aus9876543210';
export const OKTA_EXCHANGE_CLIENT_ID = '0oa0987654321fedcba';
export const OKTA_EXCHANGE_CLIENT_SECRET = 'mock-only-exchange-secret';
export const OKTA_MCP_CLIENT_ID = '0oa1234567890abcdef';

export const KEYCLOAK_DOMAIN = 'keycloak.example.com';
export const KEYCLOAK_REALM = 'mcp';
export const KEYCLOAK_EXCHANGE_CLIENT_ID = 'toolhive-exchange';
export const KEYCLOAK_EXCHANGE_CLIENT_SECRET = 'mock-only-keycloak-secret';
export const KEYCLOAK_MCP_CLIENT_ID = 'mcp-client';

export const AUTH0_DOMAIN = 'example-tenant.us.auth0.com';
export const AUTH0_BACKEND_AUDIENCE = 'https://backend.example.com/api';
export const AUTH0_MCP_AUDIENCE = 'https://mcp.example.com/mcp';
export const AUTH0_EXCHANGE_CLIENT_ID = 'auth0-exchange-client';
export const AUTH0_EXCHANGE_CLIENT_SECRET = 'mock-only-auth0-secret';
export const AUTH0_MCP_CLIENT_ID = 'auth0-mcp-client';

export const GOOGLE_STS_DOMAIN = 'sts.googleapis.com';
export const GOOGLE_STS_AUDIENCE =
  '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/mcp-pool/providers/okta';

export const TEST_USER_LOGIN = 'alice@example.com';
export const TEST_USER_OKTA_ID = '00u1a2b3c4d5e6f7g8h9';

const MCP_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'mcp:tools:list',
  'mcp:tools:call',
];
const LOOPBACK_REDIRECTS = ['http://127.0.0.1/callback', 'http://localhost/callback'];

function alice(id: string): UserConfig {
  return {
    login: TEST_USER_LOGIN,
    id,
    name: 'Alice Example',
    email: TEST_USER_LOGIN,
    givenName: 'Alice',
    familyName: 'Example',
  };
}

export function defaultConfig(): MockIdpConfig {
  return {
    tenants: [
      {
        vendor: 'okta',
        domain: OKTA_DOMAIN,
        authorizationServers: [
          {
            id: OKTA_MCP_SERVER_ID,
            name: 'MCP server',
            audiences: ['mcp-server'],
            scopes: MCP_SCOPES,
          },
          {
            id: OKTA_BACKEND_SERVER_ID,
            name: 'Backend API',
            audiences: ['backend-api'],
            scopes: ['api:read', 'api:write'],
            // Okta "trusted servers": tokens of aus1234567890 may be exchanged here.
            trust: [{ server: OKTA_MCP_SERVER_ID }],
          },
        ],
        clients: [
          {
            clientId: OKTA_EXCHANGE_CLIENT_ID,
            clientSecret: OKTA_EXCHANGE_CLIENT_SECRET,
            name: 'ToolHive token exchange',
            tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post'],
            grantTypes: [TOKEN_EXCHANGE_GRANT],
            access: [{ server: OKTA_BACKEND_SERVER_ID, scopes: ['api:read', 'api:write'] }],
          },
          {
            clientId: OKTA_MCP_CLIENT_ID,
            name: 'MCP client',
            tokenEndpointAuthMethods: ['none'],
            grantTypes: ['authorization_code', 'refresh_token'],
            redirectUris: LOOPBACK_REDIRECTS,
            access: [{ server: OKTA_MCP_SERVER_ID }],
          },
        ],
        users: [alice(TEST_USER_OKTA_ID)],
      },
      {
        vendor: 'keycloak',
        domain: KEYCLOAK_DOMAIN,
        authorizationServers: [
          {
            id: KEYCLOAK_REALM,
            name: 'Keycloak realm mcp',
            // Tokens from a login carry the first audience (an audience mapper adding
            // the exchange client, as Keycloak's token exchange requires).
            audiences: [KEYCLOAK_EXCHANGE_CLIENT_ID, 'backend-api'],
            scopes: [...MCP_SCOPES, 'api:read', 'api:write'],
            trust: [{ server: KEYCLOAK_REALM, audiences: [KEYCLOAK_EXCHANGE_CLIENT_ID] }],
          },
        ],
        clients: [
          {
            clientId: KEYCLOAK_EXCHANGE_CLIENT_ID,
            clientSecret: KEYCLOAK_EXCHANGE_CLIENT_SECRET,
            tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post'],
            grantTypes: [TOKEN_EXCHANGE_GRANT, 'client_credentials'],
            access: [{ server: KEYCLOAK_REALM, audiences: ['backend-api'] }],
          },
          {
            clientId: KEYCLOAK_MCP_CLIENT_ID,
            tokenEndpointAuthMethods: ['none'],
            grantTypes: ['authorization_code', 'refresh_token'],
            redirectUris: LOOPBACK_REDIRECTS,
            access: [{ server: KEYCLOAK_REALM, audiences: [KEYCLOAK_EXCHANGE_CLIENT_ID] }],
          },
        ],
        users: [alice('5f0c3a2e-8d4b-4c1a-9e7f-0a1b2c3d4e5f')],
      },
      {
        vendor: 'auth0',
        domain: AUTH0_DOMAIN,
        authorizationServers: [
          {
            id: 'default',
            name: 'Auth0 tenant',
            audiences: [AUTH0_MCP_AUDIENCE, AUTH0_BACKEND_AUDIENCE],
            scopes: [...MCP_SCOPES, 'api:read', 'api:write'],
            trust: [{ server: 'default', audiences: [AUTH0_MCP_AUDIENCE] }],
          },
        ],
        clients: [
          {
            clientId: AUTH0_EXCHANGE_CLIENT_ID,
            clientSecret: AUTH0_EXCHANGE_CLIENT_SECRET,
            tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post'],
            grantTypes: [TOKEN_EXCHANGE_GRANT, 'client_credentials'],
            access: [
              {
                server: 'default',
                audiences: [AUTH0_BACKEND_AUDIENCE],
                scopes: ['api:read', 'api:write'],
              },
            ],
          },
          {
            clientId: AUTH0_MCP_CLIENT_ID,
            tokenEndpointAuthMethods: ['none'],
            grantTypes: ['authorization_code', 'refresh_token'],
            redirectUris: LOOPBACK_REDIRECTS,
            access: [{ server: 'default', audiences: [AUTH0_MCP_AUDIENCE] }],
          },
        ],
        users: [alice('auth0|6543210fedcba9876543210')],
      },
      {
        vendor: 'google-sts',
        domain: GOOGLE_STS_DOMAIN,
        authorizationServers: [
          {
            id: 'default',
            name: 'Google Security Token Service',
            audiences: [GOOGLE_STS_AUDIENCE],
            scopes: ['https://www.googleapis.com/auth/cloud-platform'],
            // The workload identity pool provider "okta": accepts tokens of the MCP
            // authorization server whose aud is an allowed audience of the provider.
            trust: [
              {
                domain: OKTA_DOMAIN,
                server: OKTA_MCP_SERVER_ID,
                audiences: [
                  'mcp-server',
                  'https://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/mcp-pool/providers/okta',
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}
