// Typed client of the mock IdP's control plane (/__mock/…), for tests and the
// doctest runner. Uses the global fetch; the mock must run with control on.
import type { AuthorizationServerInfo, MintTokenRequest } from './control-plane.mts';
import type { Fault, FaultSpec } from './faults.mts';
import type { RequestLogEntry } from './request-log.mts';
import type { JWTPayload } from 'jose';

export interface MintedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  claims: JWTPayload;
}

export class MockIdpControl {
  /** @param baseUrl the mock's plain HTTP URL, e.g. http://127.0.0.1:PORT */
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/__mock${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `mock IdP control plane: ${method} /__mock${path} answered ${response.status}: ${text}`,
      );
    return JSON.parse(text) as T;
  }

  async authorizationServers(): Promise<AuthorizationServerInfo[]> {
    return (
      await this.call<{ authorizationServers: AuthorizationServerInfo[] }>(
        'GET',
        '/authorization-servers',
      )
    ).authorizationServers;
  }

  async requests(
    filter: { issuer?: string; endpoint?: string; since?: number } = {},
  ): Promise<RequestLogEntry[]> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) query.set(k, String(v));
    const qs = query.size ? `?${query}` : '';
    return (await this.call<{ requests: RequestLogEntry[] }>('GET', `/requests${qs}`)).requests;
  }

  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/requests');
  }

  async mintToken(request: MintTokenRequest): Promise<MintedToken> {
    return this.call<MintedToken>('POST', '/tokens', request);
  }

  /** Rotates the signing key of one server (by issuer) or of all; the old key stays published unless keepPrevious is false. */
  async rotateKeys(
    options: { issuer?: string; keepPrevious?: boolean } = {},
  ): Promise<{ domain: string; id: string; kid: string }[]> {
    return (
      await this.call<{ rotated: { domain: string; id: string; kid: string }[] }>(
        'POST',
        '/keys/rotate',
        options,
      )
    ).rotated;
  }

  async addFault(spec: FaultSpec): Promise<Fault> {
    return this.call<Fault>('POST', '/faults', spec);
  }

  async faults(): Promise<Fault[]> {
    return (await this.call<{ faults: Fault[] }>('GET', '/faults')).faults;
  }

  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }
}
