// The running mock's state: tenants and authorization servers built from the
// configuration, their keys, and what the grants remember (codes, refresh
// tokens, registered clients).
import { createHash, randomBytes } from 'node:crypto';
import type {
  AuthorizationServerConfig,
  ClientConfig,
  MockIdpConfig,
  TenantConfig,
  UserConfig,
  Vendor,
} from './config.mts';
import { KeyPool, KeySet } from './keys.mts';
import {
  ENDPOINT_NAMES,
  VENDOR_PROFILES,
  type EndpointName,
  type VendorProfile,
} from './vendors.mts';

export interface Tenant {
  config: TenantConfig;
  vendor: Vendor;
  domain: string;
  profile: VendorProfile;
  servers: Map<string, AuthServer>;
  clients: Map<string, ClientConfig>;
  users: UserConfig[];
}

export interface AuthServer {
  tenant: Tenant;
  id: string;
  config: AuthorizationServerConfig;
  keys: KeySet;
  lifetimeSeconds: number;
}

export interface AuthorizationCode {
  server: AuthServer;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  audience: string;
  user: UserConfig;
  nonce?: string;
  expiresAt: number;
}

export interface RefreshGrant {
  server: AuthServer;
  clientId: string;
  scopes: string[];
  audience: string;
  user: UserConfig;
  /** All refresh tokens rotated from one authorization grant share a family (RFC 9700 §4.14.2). */
  family: string;
  /** Spent by rotation: presenting it again revokes the family. */
  rotated?: boolean;
}

/** Where a request came in: the tenant base URL decides every URL and the issuer. */
export interface Addressing {
  /** `https://dev-123456.okta.com` (host-routed) or `http://127.0.0.1:PORT/dev-123456.okta.com`. */
  base: string;
  mode: 'host' | 'path';
}

export function issuerOf(server: AuthServer, base: string): string {
  return base + server.tenant.profile.issuerPath(server.id);
}

export function endpointUrls(
  server: AuthServer,
  base: string,
): Partial<Record<EndpointName, string>> {
  const paths = server.tenant.profile.endpointPaths(server.id);
  const urls: Partial<Record<EndpointName, string>> = {};
  for (const name of ENDPOINT_NAMES) {
    const path = paths[name];
    if (path !== undefined) urls[name] = base + path;
  }
  return urls;
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** A short, stable, non-reversible tag for a secret or a token (for logs). */
export function fingerprint(value: string): string {
  return 'sha256:' + createHash('sha256').update(value).digest('hex').slice(0, 16);
}

export class MockIdpState {
  readonly tenants = new Map<string, Tenant>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  readonly revoked = new Set<string>();
  private readonly keyPool = new KeyPool();

  private constructor(readonly config: MockIdpConfig) {}

  static async create(config: MockIdpConfig): Promise<MockIdpState> {
    const state = new MockIdpState(config);
    for (const tenantConfig of config.tenants) {
      const tenant: Tenant = {
        config: tenantConfig,
        vendor: tenantConfig.vendor,
        domain: tenantConfig.domain.toLowerCase(),
        profile: VENDOR_PROFILES[tenantConfig.vendor],
        servers: new Map(),
        clients: new Map((tenantConfig.clients ?? []).map((c) => [c.clientId, c])),
        users: tenantConfig.users ?? [],
      };
      for (const serverConfig of tenantConfig.authorizationServers) {
        const key = await state.keyPool.take(serverConfig.signingAlg ?? 'RS256');
        tenant.servers.set(serverConfig.id, {
          tenant,
          id: serverConfig.id,
          config: serverConfig,
          keys: new KeySet(key),
          lifetimeSeconds: serverConfig.accessTokenLifetimeSeconds ?? 3600,
        });
      }
      state.tenants.set(tenant.domain, tenant);
    }
    return state;
  }

  /** Revokes every refresh token of one grant (RFC 9700 §4.14.2 reuse detection). */
  revokeRefreshFamily(family: string): void {
    for (const [token, grant] of this.refreshTokens)
      if (grant.family === family) this.revoked.add(token);
  }

  servers(): AuthServer[] {
    return [...this.tenants.values()].flatMap((t) => [...t.servers.values()]);
  }

  async rotateKeys(server: AuthServer, keepPrevious = true): Promise<string> {
    const key = await this.keyPool.take(server.config.signingAlg ?? 'RS256');
    server.keys.rotate(key, keepPrevious);
    return key.kid;
  }

  /** A fresh key that no server publishes: for the "unknown key" fault. */
  async strayKey(alg: 'RS256' | 'ES256') {
    return this.keyPool.take(alg);
  }

  /**
   * Finds the authorization server an issuer string names, in either addressing
   * mode: `https://{domain}{issuerPath}` or `http(s)://{loopback}/{domain}{issuerPath}`.
   */
  serverForIssuer(issuer: string): AuthServer | undefined {
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      return undefined;
    }
    let tenant = this.tenants.get(url.hostname.toLowerCase());
    let rest = url.pathname;
    if (!tenant || url.protocol !== 'https:') {
      const [, first, ...others] = url.pathname.split('/');
      tenant = first ? this.tenants.get(first.toLowerCase()) : undefined;
      if (!tenant || !isLoopback(url.hostname)) return undefined;
      rest = others.length ? '/' + others.join('/') : '';
    }
    for (const server of tenant.servers.values()) {
      const path = tenant.profile.issuerPath(server.id);
      if (path === rest || (path === '' && rest === '/')) return server;
    }
    return undefined;
  }
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === '127.0.0.1' ||
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    hostname === '::1'
  );
}
