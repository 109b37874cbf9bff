// The shared ground both proxies stand on in a differential run: one mock IdP
// (plain and TLS listeners), a test CA, a forward proxy that sends vendor host
// names to the mock, a tap that records every request reaching the mock raw
// (form fields in the order they were sent, the Authorization header), a small
// RFC 7662 introspection endpoint for opaque tokens, and a recording upstream.
// Everything listens on 127.0.0.1 and stops in close().
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostProxy, type HostProxy } from '../../doctest/worlds/shared/host-proxy.mts';
import { createTestCa } from '../../lib/test-ca.mts';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.mts';
import type { MockIdpControl } from '../../mock-idp/control-client.mts';
import { startRuntimeSocket } from './runtime.mts';
import { SEALED_ADDRESS } from '../sealed-network.mts';

export const OKTA_DOMAIN = 'dev-123456.okta.com';
export const VENDOR_HOSTS = [
  OKTA_DOMAIN,
  'keycloak.example.com',
  'example-tenant.us.auth0.com',
  'sts.googleapis.com',
];

/** One request as it reached the mock IdP (through the tap). */
export interface IdpRequest {
  method: string;
  host: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  /** The answer's body (to learn the exchanged token). */
  response: string;
}

/** One request as it reached the upstream MCP server. */
export interface UpstreamRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Claims an opaque token introspects to (RFC 7662 §2.2). */
export type IntrospectionAnswer = Record<string, unknown> & { active: boolean };

export interface World {
  dir: string;
  caFile: string;
  idp: MockIdp;
  control: MockIdpControl;
  /**
   * Forward-proxy URL per caller ("thv", "standin"); empty inside the sealed
   * network, where the vendor hosts resolve to the vendor front instead.
   */
  proxyUrl: Record<'thv' | 'standin', string>;
  /** Inside a sealed network namespace (scripts/live/sealed-network.mts). */
  sealed: boolean;
  /** https://127.0.0.1:TLSPORT of the mock IdP. */
  idpTlsUrl: string;
  idpRequests: IdpRequest[];
  upstreamUrl: string;
  upstreamRequests: UpstreamRequest[];
  introspectionUrl: string;
  /** Opaque token → what the introspection endpoint answers. */
  opaque: Map<string, IntrospectionAnswer>;
  /** A loopback port nothing listens on (an unreachable IdP). */
  closedPort: number;
  /** What thv needs to find a container runtime (TOOLHIVE_PODMAN_SOCKET, …). */
  runtimeEnv: Record<string, string>;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** A recording reverse proxy in front of the mock IdP's plain port (Host kept: host routing). */
function idpTap(idpPort: number, log: IdpRequest[]): http.RequestListener {
  return (req, res) => {
    void readBody(req).then((body) => {
      const up = http.request(
        {
          host: '127.0.0.1',
          port: idpPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (upRes) => {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const response = Buffer.concat(chunks);
            log.push({
              method: req.method ?? 'GET',
              host: req.headers.host ?? '',
              path: req.url ?? '/',
              headers: req.headers,
              body,
              status: upRes.statusCode ?? 0,
              response: response.toString('utf8'),
            });
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            res.end(response);
          });
          upRes.on('error', () => res.destroy());
        },
      );
      // A "reset" fault destroys the connection: pass that on as it is.
      up.on('error', () => res.destroy());
      up.end(body);
    });
  };
}

/** The upstream MCP server: records the request, answers a fixed JSON-RPC result. */
async function startUpstream(log: UpstreamRequest[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void readBody(req).then((body) => {
      log.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
      const answer = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [] } });
      res.writeHead(200, {
        'content-type': 'application/json',
        'mcp-session-id': 'session-from-upstream',
      });
      res.end(answer);
    });
  });
  await listen(server);
  return server;
}

/** RFC 7662 §2: POST token=…, no client authentication asked. */
async function startIntrospection(opaque: Map<string, IntrospectionAnswer>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void readBody(req).then((body) => {
      const token = new URLSearchParams(body).get('token') ?? '';
      const answer = opaque.get(token) ?? { active: false };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await listen(server);
  return server;
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  const port = await listen(s);
  await stop(s);
  return port;
}

export async function startWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'fidelity-'));
  const ca = await createTestCa({ commonName: 'Fidelity run TEST-ONLY CA' });
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, ca.certPem);
  const leaf = await ca.issue([...VENDOR_HOSTS, '127.0.0.1', 'localhost']);
  const idp = await startMockIdp({ control: true, tls: { cert: leaf.certPem, key: leaf.keyPem } });
  const idpRequests: IdpRequest[] = [];
  const idpPort = Number(new URL(idp.url).port);
  const sealed = process.env.FIDELITY_NETNS !== undefined;
  const tap = http.createServer(idpTap(idpPort, idpRequests));
  await listen(tap);
  // Inside the sealed namespace the vendor hosts resolve to SEALED_ADDRESS
  // (its /etc/hosts): the vendor front answers there with TLS, as the vendor
  // would, so both proxies reach the IdP without a forward proxy. Outside,
  // the forward proxy routes the vendor host names.
  let front: https.Server | undefined;
  let hostProxy: HostProxy | undefined;
  let proxyUrl = { thv: '', standin: '' };
  if (sealed) {
    const f = https.createServer(
      { cert: leaf.certPem, key: leaf.keyPem },
      idpTap(idpPort, idpRequests),
    );
    await new Promise<void>((r) => f.listen(443, SEALED_ADDRESS, r));
    front = f;
  } else {
    const hp = await startHostProxy({
      issueCert: (hosts) => ca.issue(hosts),
      vendorHosts: VENDOR_HOSTS,
      idpPort: (tap.address() as AddressInfo).port,
    });
    proxyUrl = { thv: await hp.listen('thv'), standin: await hp.listen('standin') };
    hostProxy = hp;
  }
  const upstreamRequests: UpstreamRequest[] = [];
  const upstream = await startUpstream(upstreamRequests);
  const opaque = new Map<string, IntrospectionAnswer>();
  const introspection = await startIntrospection(opaque);
  const closedPort = await freePort();
  const runtime = await startRuntimeSocket(dir);
  const control = idp.control;
  if (!control || !idp.tlsUrl) throw new Error('mock IdP started without control plane or TLS');
  return {
    dir,
    caFile,
    idp,
    control,
    proxyUrl,
    sealed,
    idpTlsUrl: idp.tlsUrl,
    idpRequests,
    upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    upstreamRequests,
    introspectionUrl: `http://127.0.0.1:${(introspection.address() as AddressInfo).port}/introspect`,
    opaque,
    closedPort,
    runtimeEnv: runtime.env,
    async close() {
      await runtime.close();
      await Promise.all([
        stop(tap),
        stop(upstream),
        stop(introspection),
        front ? stop(front) : undefined,
        hostProxy?.close(),
      ]);
      await idp.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
