// The network every page world gives its samples, started on first use:
//   run-wide (shared by the pages, stopped when the last run ends): the test
//   CA, the mock IdP (host-routed vendor tenants, control plane) and the
//   esbuild bundles of the project's CLIs (../../bundles.mts);
//   per page (pushed onto the page's clean-up stack): the host-routing forward
//   proxy and its record of HTTP calls, and the example backend API.
// Both worlds use it: the stand-ins and the real thv reach the same mock IdP
// at the vendor URLs the pages write.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestCa, type TestCa } from '../../../lib/test-ca.mts';
import { startMockIdp, type MockIdp } from '../../../mock-idp/index.mts';
import {
  startBackendApi,
  type RunningBackendApi,
} from '../../../example-mcp-server/backend-api.mts';
import { buildBundles, type Bundles } from '../../bundles.mts';
import { emergencyDir } from '../../cleanups.mts';
import type { MintSpec } from '../../plan.mts';
import type { PageSpec } from '../../world.mts';
import { startHostProxy, type HostProxy, type RecordedHttpCall } from './host-proxy.mts';
import { pageLocal } from '../../page-local.mts';
import { statedValues } from '../../value-tables.mts';

export interface RunServices {
  ca: TestCa;
  caFile: string;
  idp: MockIdp;
  vendorHosts: string[];
  dir: string;
  bundles: Bundles;
}

let run: Promise<RunServices> | undefined;
let users = 0;
let forgetDir = () => {};

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** One more user of the run-wide services (a world that is open); `releaseRunServices` ends it. */
export function holdRunServices(): void {
  users++;
}

/** Stops the run-wide services when the last world that held them closes. */
export async function releaseRunServices(): Promise<void> {
  if (--users > 0) return;
  users = 0;
  await stopRunServices();
}

export function runServices(): Promise<RunServices> {
  run ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-run-'));
    forgetDir = emergencyDir(dir);
    const bundling = buildBundles(ROOT, dir);
    bundling.catch(() => {}); // awaited below
    const ca = await createTestCa({ commonName: 'doctest TEST-ONLY CA' });
    const caFile = path.join(dir, 'doctest-ca.pem');
    await writeFile(caFile, ca.certPem);
    const idp = await startMockIdp({ control: true });
    const vendorHosts = [
      ...new Set(idp.authorizationServers.map((s) => new URL(s.vendorIssuer).hostname)),
    ];
    let bundles: Bundles;
    try {
      bundles = await bundling;
    } catch (err) {
      await idp.close();
      throw err;
    }
    return { ca, caFile, idp, vendorHosts, dir, bundles };
  })();
  return run;
}

async function stopRunServices(): Promise<void> {
  const r = run;
  run = undefined;
  if (!r) return;
  const s = await r;
  await s.idp.close();
  await rm(s.dir, { recursive: true, force: true });
  forgetDir();
}

export interface PageServices {
  run: RunServices;
  hostProxy: HostProxy;
  /** Forward-proxy URL for processes that act as the client (the page's shell, the verify client). */
  clientProxyUrl: string;
  /** Forward-proxy URL for proxy processes a world starts (thv's proxy, the operator's). */
  proxyProxyUrl: string;
  calls: RecordedHttpCall[];
  backend: RunningBackendApi;
  /**
   * Environment every process of the page starts with, before the world adds
   * its PATH: HOME (= the workspace), the client forward proxy, the CA bundle,
   * DOCTEST_ROOT, DOCTEST_WORKSPACE, DOCTEST_BACKEND_URL, then the plan's `env`.
   */
  env: NodeJS.ProcessEnv;
}

/** The page's network, started on first use; everything it starts is on the page's clean-up stack. */
export const pageServices = pageLocal((spec: PageSpec): Promise<PageServices> => startPage(spec));

async function startPage(spec: PageSpec): Promise<PageServices> {
  const r = await runServices();
  const calls: RecordedHttpCall[] = [];
  const idpPort = Number(new URL(r.idp.url).port);
  const hostProxy = await startHostProxy({
    issueCert: (h) => r.ca.issue(h),
    vendorHosts: r.vendorHosts,
    idpPort,
    onCall: (c) => calls.push(c),
  });
  spec.cleanups.push(() => hostProxy.close(), 'host proxy');
  const clientProxyUrl = await hostProxy.listen('client');
  const proxyProxyUrl = await hostProxy.listen('proxy');
  const b = spec.plan.backend;
  const backendAs = r.idp.server(b.issuer);
  const backend = await startBackendApi({
    issuer: b.issuer,
    jwksUrl: backendAs.endpoints.jwks ?? `${backendAs.issuer}/v1/keys`,
    audience: b.audience,
  });
  spec.cleanups.push(() => backend.close(), 'example backend API');
  hostProxy.nameLocal(Number(new URL(backend.url).port), 'backend-api');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: spec.workspace,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    http_proxy: clientProxyUrl,
    https_proxy: clientProxyUrl,
    HTTP_PROXY: clientProxyUrl,
    HTTPS_PROXY: clientProxyUrl,
    NODE_EXTRA_CA_CERTS: r.caFile,
    CURL_CA_BUNDLE: r.caFile,
    SSL_CERT_FILE: r.caFile,
    DOCTEST_ROOT: spec.root,
    DOCTEST_WORKSPACE: spec.workspace,
    DOCTEST_BACKEND_URL: backend.url,
    ...spec.plan.env,
  };
  return { run: r, hostProxy, clientProxyUrl, proxyProxyUrl, calls, backend, env };
}

/** The plan's placeholder values: strings as written, tokens minted by the mock IdP's control plane. */
export async function mintPlaceholders(spec: PageSpec): Promise<Record<string, string>> {
  // what the page's value tables state (plan `valueTables`), then the plan's own bindings
  const out: Record<string, string> = Object.fromEntries(
    statedValues(spec.root, spec.pageAbs, spec.plan).map((s) => [s.name, s.value]),
  );
  for (const [k, v] of Object.entries(spec.plan.bind)) {
    out[k] = typeof v === 'string' ? v : await mint(v.token);
  }
  return out;
}

async function mint(spec: MintSpec): Promise<string> {
  const r = await runServices();
  if (!r.idp.control) throw new Error('the mock IdP was started without its control plane');
  const t = await r.idp.control.mintToken({
    issuer: spec.issuer,
    ...(spec.sub ? { user: spec.sub } : {}),
    ...(spec.clientId ? { clientId: spec.clientId } : {}),
    ...(spec.audience ? { audience: spec.audience } : {}),
    ...(spec.scope ? { scopes: spec.scope.split(' ') } : {}),
    ...(spec.expiresIn ? { expiresInSeconds: spec.expiresIn } : {}),
  });
  return t.access_token;
}
