// Library entry point: start the mock IdP inside a test or a script.
//
//   const idp = await startMockIdp({ control: true });
//   idp.authorizationServers[0].issuer  // http://127.0.0.1:PORT/dev-123456.okta.com/oauth2/aus1234567890
//   await idp.close();
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.mts';
import { loadConfigFile, validateConfig, type MockIdpConfig } from './config.mts';
import { describeServers, type AuthorizationServerInfo } from './control-plane.mts';
import { MockIdpControl } from './control-client.mts';
import { defaultConfig } from './default-config.mts';
import { FaultRegistry } from './faults.mts';
import { RequestLog } from './request-log.mts';
import { MockIdpState } from './state.mts';

export interface MockIdpOptions {
  /** Plain HTTP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** A configuration object, or the path of a YAML/JSON file; default: the guides' tenants. */
  config?: MockIdpConfig | string;
  /** Also listen with TLS (same app), for host routing with https. PEM strings. */
  tls?: { cert: string; key: string; port?: number };
  /** Serve the /__mock/ control plane. Off by default. */
  control?: boolean;
}

export interface MockIdp {
  /** http://127.0.0.1:PORT */
  url: string;
  /** https://127.0.0.1:TLSPORT, when TLS is on. */
  tlsUrl?: string;
  authorizationServers: AuthorizationServerInfo[];
  /** Typed client of the control plane (when `control` is on). */
  control?: MockIdpControl;
  /** Finds an authorization server by id ("aus1234567890", "mcp") or issuer (either form). */
  server(idOrIssuer: string): AuthorizationServerInfo;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startMockIdp(options: MockIdpOptions = {}): Promise<MockIdp> {
  const host = options.host ?? '127.0.0.1';
  const config =
    options.config === undefined
      ? defaultConfig()
      : typeof options.config === 'string'
        ? loadConfigFile(options.config)
        : validateConfig(options.config, 'options.config');
  const state = await MockIdpState.create(config);
  const urls: { url: string; tlsUrl?: string } = { url: '' };
  const handler = createApp({
    state,
    log: new RequestLog(),
    faults: new FaultRegistry(),
    control: options.control ?? false,
    urls: () => urls,
  });
  const listener = (req: Parameters<typeof handler>[0], res: Parameters<typeof handler>[1]) =>
    void handler(req, res);

  const http = createHttpServer({ keepAlive: true }, listener);
  const port = await listen(http, options.port ?? 0, host);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  urls.url = `http://${hostPart}:${port}`;
  const servers: Server[] = [http];
  if (options.tls) {
    const https = createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener);
    try {
      const tlsPort = await listen(https, options.tls.port ?? 0, host);
      urls.tlsUrl = `https://${hostPart}:${tlsPort}`;
      servers.push(https);
    } catch (error) {
      await closeServer(http);
      throw error;
    }
  }

  const authorizationServers = describeServers(state, urls);
  return {
    url: urls.url,
    ...(urls.tlsUrl ? { tlsUrl: urls.tlsUrl } : {}),
    authorizationServers,
    ...(options.control ? { control: new MockIdpControl(urls.url) } : {}),
    server(idOrIssuer) {
      const found = authorizationServers.find(
        (s) =>
          s.id === idOrIssuer ||
          s.issuer === idOrIssuer ||
          s.vendorIssuer === idOrIssuer ||
          s.tlsIssuer === idOrIssuer,
      );
      if (!found)
        throw new Error(
          `no authorization server "${idOrIssuer}" in the mock IdP (have: ${authorizationServers.map((s) => s.id).join(', ')})`,
        );
      return found;
    },
    async close() {
      await Promise.all(servers.map(closeServer));
    },
  };
}

export type { AuthorizationServerInfo, MintTokenRequest } from './control-plane.mts';
export type { MockIdpConfig } from './config.mts';
export { ConfigError, loadConfigFile, validateConfig } from './config.mts';
export { MockIdpControl } from './control-client.mts';
export { defaultConfig } from './default-config.mts';
export * as defaults from './default-config.mts';
export type { FaultKind, FaultSpec, Fault } from './faults.mts';
export type { RequestLogEntry } from './request-log.mts';
