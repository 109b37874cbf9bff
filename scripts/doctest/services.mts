// Services a page's run needs, started on first use and stopped with the page
// (or, for the run-wide ones, with the run):
//   run-wide: the test CA, the mock IdP (host-routed tenants, control plane) and
//   the esbuild bundles of the project's CLIs (bundles.mts);
//   per page: the host-routing forward proxy and its record of HTTP calls, the
//   example backend API, the shim server behind `thv`/`kubectl`, the shell.
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestCa, type TestCa } from '../lib/test-ca.mts';
import { startHostProxy, type HostProxy, type RecordedHttpCall } from '../lib/host-proxy.mts';
import { startMockIdp, type MockIdp } from '../mock-idp/index.mts';
import { startBackendApi, type RunningBackendApi } from '../example-mcp-server/backend-api.mts';
import type { PageContext } from './context.mts';
import type { MintSpec } from './plan.mts';
import { buildBundles, realNpm, type Bundles } from './bundles.mts';
import { preflight } from './preflight.mts';

export interface RunServices {
  ca: TestCa;
  caFile: string;
  idp: MockIdp;
  vendorHosts: string[];
  dir: string;
  bundles: Bundles;
}

let run: Promise<RunServices> | undefined;

const ROOT = path.resolve(import.meta.dirname, '../..');

export function runServices(): Promise<RunServices> {
  run ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'doctest-run-'));
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

export async function stopRunServices(): Promise<void> {
  const r = run;
  run = undefined;
  if (!r) return;
  const s = await r;
  await s.idp.close();
  await rm(s.dir, { recursive: true, force: true });
}

export interface PageServices {
  run: RunServices;
  hostProxy: HostProxy;
  /** Forward-proxy URL for processes that act as the client (the page's shell, the verify client). */
  clientProxyUrl: string;
  /** Forward-proxy URL for proxy processes started by the shims. */
  proxyProxyUrl: string;
  calls: RecordedHttpCall[];
  backend: RunningBackendApi;
  /** Environment of every process the page starts. */
  env: NodeJS.ProcessEnv;
}

export function pageServices(ctx: PageContext): Promise<PageServices> {
  const existing = ctx.services['page'] as Promise<PageServices> | undefined;
  if (existing) return existing;
  const p = (async () => {
    const r = await runServices();
    const calls: RecordedHttpCall[] = [];
    const idpPort = Number(new URL(r.idp.url).port);
    const hostProxy = await startHostProxy({
      issueCert: (h) => r.ca.issue(h),
      vendorHosts: r.vendorHosts,
      idpPort,
      onCall: (c) => calls.push(c),
    });
    ctx.cleanups.push(() => hostProxy.close());
    const clientProxyUrl = await hostProxy.listen('client');
    const proxyProxyUrl = await hostProxy.listen('proxy');
    const b = ctx.plan.backend;
    const backendAs = r.idp.server(b.issuer);
    const backend = await startBackendApi({
      issuer: b.issuer,
      jwksUrl: backendAs.endpoints.jwks ?? `${backendAs.issuer}/v1/keys`,
      audience: b.audience,
    });
    ctx.cleanups.push(() => backend.close());
    hostProxy.nameLocal(Number(new URL(backend.url).port), 'backend-api');
    const bin = path.join(ctx.root, 'scripts/doctest/bin');
    const npm = realNpm(process.env['PATH'] ?? '', bin);
    // no system jq (a plain Node build container): the npm build of jq, last on PATH
    const jq = preflight().jqFromNpm ? `:${r.bundles.jqDir}` : '';
    const env: NodeJS.ProcessEnv = {
      PATH: `${bin}:${process.env['PATH'] ?? ''}${jq}`,
      HOME: ctx.workspace,
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      http_proxy: clientProxyUrl,
      https_proxy: clientProxyUrl,
      HTTP_PROXY: clientProxyUrl,
      HTTPS_PROXY: clientProxyUrl,
      NODE_EXTRA_CA_CERTS: r.caFile,
      CURL_CA_BUNDLE: r.caFile,
      SSL_CERT_FILE: r.caFile,
      DOCTEST_ROOT: ctx.root,
      DOCTEST_WORKSPACE: ctx.workspace,
      DOCTEST_BACKEND_URL: backend.url,
      ...(npm ? { DOCTEST_REAL_NPM: npm } : {}),
      ...(ctx.plan.repo
        ? {
            DOCTEST_NPM_RUN_DIR: r.bundles.npmRunDir,
            DOCTEST_REPO_PACKAGE_JSON: realpathSync(path.join(ctx.root, 'package.json')),
          }
        : {}),
      ...ctx.plan.env,
    };
    return { run: r, hostProxy, clientProxyUrl, proxyProxyUrl, calls, backend, env };
  })();
  ctx.services['page'] = p;
  return p;
}

/** The page's placeholder values: strings as written in the plan, tokens minted by the mock IdP. */
export async function placeholderValues(ctx: PageContext): Promise<Record<string, string>> {
  const cached = ctx.services['placeholders'] as Promise<Record<string, string>> | undefined;
  if (cached) return cached;
  const p = (async () => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.plan.bind)) {
      if (typeof v === 'string') out[k] = v;
      else out[k] = await mint(ctx, v.token);
    }
    return out;
  })();
  ctx.services['placeholders'] = p;
  return p;
}

async function mint(ctx: PageContext, spec: MintSpec): Promise<string> {
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
  void ctx;
  return t.access_token;
}
