// The doctest's forward proxy: vendor hosts are terminated with the run's CA
// and reach the mock IdP with their Host header; mapped local addresses reach
// the page's real port; everything else is refused; a client that resets a
// refused tunnel ends that tunnel only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import {
  startHostProxy,
  type HostProxy,
  type RecordedHttpCall,
} from '../../scripts/doctest/worlds/shared/host-proxy.mts';
import { createTestCa } from '../../scripts/lib/test-ca.mts';

let backend: http.Server;
let proxy: HostProxy;
let proxyUrl: URL;
let caPem: string;
const calls: RecordedHttpCall[] = [];

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ host: req.headers.host, path: req.url }));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as AddressInfo).port;
  const ca = await createTestCa();
  caPem = ca.certPem;
  proxy = await startHostProxy({
    issueCert: (hosts) => ca.issue(hosts),
    vendorHosts: ['dev-123456.okta.com'],
    idpPort: port,
    onCall: (c) => calls.push(c),
  });
  proxyUrl = new URL(await proxy.listen('client'));
  proxy.mapLocal('localhost:8080', port, 'toolhive');
});

afterAll(async () => {
  await proxy.close();
  await new Promise((r) => backend.close(r));
});

/** Opens a CONNECT tunnel and returns the socket with the proxy's status line. */
function connect(target: string): Promise<{ socket: net.Socket; status: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(proxyUrl.port), '127.0.0.1', () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    });
    socket.once('data', (d: Buffer) =>
      resolve({ socket, status: d.toString().split('\r\n')[0] ?? '' }),
    );
    socket.once('error', reject);
  });
}

describe('doctest host proxy', () => {
  it('terminates TLS for a vendor host with the run CA and keeps the Host header', async () => {
    const { socket, status } = await connect('dev-123456.okta.com:443');
    expect(status).toBe('HTTP/1.1 200 Connection Established');
    const body = await new Promise<string>((resolve, reject) => {
      const t = tls.connect({ socket, servername: 'dev-123456.okta.com', ca: caPem }, () => {
        t.write(
          'GET /oauth2/aus1234567890/v1/keys HTTP/1.1\r\nHost: dev-123456.okta.com\r\nConnection: close\r\n\r\n',
        );
      });
      let out = '';
      t.on('data', (d: Buffer) => (out += d.toString()));
      t.on('end', () => resolve(out));
      t.on('error', reject);
    });
    expect(body).toContain('"host":"dev-123456.okta.com"');
    expect(body).toContain('"path":"/oauth2/aus1234567890/v1/keys"');
    expect(calls.some((c) => c.to === 'idp' && c.path === '/oauth2/aus1234567890/v1/keys')).toBe(
      true,
    );
  });

  it('routes a mapped local address (localhost:8080) to the real port', async () => {
    const res = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: Number(proxyUrl.port),
          path: 'http://localhost:8080/mcp',
          headers: { host: 'localhost:8080' },
        },
        (r) => {
          let b = '';
          r.on('data', (d: Buffer) => (b += d.toString()));
          r.on('end', () => resolve({ status: r.statusCode, body: b }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('"path":"/mcp"');
    expect(calls.some((c) => c.from === 'client' && c.to === 'toolhive' && c.path === '/mcp')).toBe(
      true,
    );
  });

  it('refuses an unrouted host, and a client reset after that does not bring the proxy down', async () => {
    const { socket, status } = await connect('example.org:443');
    expect(status).toBe('HTTP/1.1 502 Bad Gateway');
    socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    // still serving
    const again = await connect('dev-123456.okta.com:443');
    expect(again.status).toBe('HTTP/1.1 200 Connection Established');
    again.socket.destroy();
  });
});
