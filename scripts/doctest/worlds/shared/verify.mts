// The verify step of a page's plan: the official MCP TypeScript SDK client
// connects through the page's proxy (at the URL the page writes, routed by the
// host proxy), logs in through the mock IdP with the SDK's own OAuth support
// (or uses a token the plan minted), lists the tools and calls one. Then the
// backend API's record must show the exchanged token — audience and scopes
// changed, sub kept — and never the client's own token. The HTTP calls made
// meanwhile are the page's recorded sequence.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  UnauthorizedError,
  type OAuthClientProvider,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { decodeJwt } from 'jose';
import { fetch as undiciFetch, ProxyAgent } from 'undici';
import { redact } from '../../redact.mts';
import type { HttpCall } from '../../status.mts';
import type { PageSpec, VerifyPlan } from '../../world.mts';
import { pageServices } from './network.mts';
import type { ReceivedRequest } from '../../../example-mcp-server/backend-api.mts';
import { clientConfigUrl, thvPaths } from '../../shims/thv-state.mts';

const REDIRECT = 'http://127.0.0.1:8765/callback';
const MCP_CLIENT_ID = '0oa1234567890abcdef';

/** Claims shown to readers: the project's one redaction (redact.mts). */
const redactClaims = (c: Record<string, unknown>) => redact(c) as Record<string, unknown>;

class LoopbackLogin implements OAuthClientProvider {
  private verifier = '';
  private saved: OAuthTokens | undefined;
  code: string | undefined;
  constructor(private readonly fetchFn: typeof fetch) {}
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata() {
    return {
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      client_name: 'doctest',
    };
  }
  clientInformation(): OAuthClientInformationMixed {
    return { client_id: MCP_CLIENT_ID };
  }
  tokens() {
    return this.saved;
  }
  saveTokens(t: OAuthTokens) {
    this.saved = t;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  async redirectToAuthorization(url: URL) {
    // the mock IdP signs the test user in at once and redirects with a code
    const res = await this.fetchFn(url.href, { redirect: 'manual' });
    const loc = res.headers.get('location');
    if (!loc)
      throw new Error(
        `the authorization endpoint answered ${res.status} without a redirect: ${(await res.text()).slice(0, 300)}`,
      );
    const code = new URL(loc).searchParams.get('code');
    if (!code)
      throw new Error(`the authorization redirect carries no code: ${new URL(loc).search}`);
    this.code = code;
  }
}

/**
 * Where the verify step reads what the backend API received: the page's own
 * backend API (default), or another record, e.g. the live world's backend
 * inside the MCP server's container.
 */
export interface BackendRecord {
  received(): Promise<ReceivedRequest[]>;
}

/** The verify step (world.mts `PageWorld.verify`) over the page's network; `placeholders` gives bound tokens. */
export async function runVerify(
  spec: PageSpec,
  v: VerifyPlan,
  placeholders: () => Promise<Record<string, string>>,
  backend?: BackendRecord,
): Promise<string | undefined> {
  const svc = await pageServices(spec);
  const record = async () => (backend ? await backend.received() : svc.backend.received);
  const agent = new ProxyAgent({ uri: svc.clientProxyUrl, requestTls: { ca: svc.run.ca.certPem } });
  const proxiedFetch = ((url: string | URL, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  const since = svc.calls.length;
  const receivedBefore = (await record()).length;
  let urlText: string;
  if (typeof v.url === 'string') urlText = v.url;
  else {
    // as the client does: the URL its config file holds (thv client register wrote it)
    const found = clientConfigUrl(
      thvPaths(spec.workspace, {}),
      v.url.fromClientConfig,
      v.url.server,
    );
    if ('error' in found) return `verify: url.fromClientConfig: ${found.error}`;
    urlText = found.url;
  }
  const url = new URL(urlText);
  let subjectToken: string | undefined;
  const connect = async (auth: { token?: string; provider?: LoopbackLogin }) => {
    const transport = new StreamableHTTPClientTransport(url, {
      fetch: proxiedFetch,
      ...(auth.provider ? { authProvider: auth.provider } : {}),
      ...(auth.token
        ? { requestInit: { headers: { Authorization: `Bearer ${auth.token}` } } }
        : {}),
    });
    const client = new Client({ name: 'doctest-verify', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  };
  let session: Awaited<ReturnType<typeof connect>>;
  try {
    if (v.login) {
      const provider = new LoopbackLogin(proxiedFetch);
      try {
        session = await connect({ provider });
      } catch (err) {
        if (!(err instanceof UnauthorizedError) || !provider.code) throw err;
        const t = new StreamableHTTPClientTransport(url, {
          fetch: proxiedFetch,
          authProvider: provider,
        });
        await t.finishAuth(provider.code);
        session = await connect({ provider });
      }
      subjectToken = provider.tokens()?.access_token;
    } else {
      const values = await placeholders();
      subjectToken = v.token ? values[v.token] : undefined;
      if (!subjectToken)
        return `verify: token "${v.token ?? ''}" is not bound in the plan (bind it with {token: …}) and login is off`;
      session = await connect({ token: subjectToken });
    }
  } catch (err) {
    return `verify: the MCP SDK client could not connect to ${urlText}: ${(err as Error).message}`;
  } finally {
    spec.cleanups.push(() => agent.close(), 'verify client');
  }
  try {
    const { tools } = await session.client.listTools();
    if (!tools.some((t) => t.name === v.tool))
      return `verify: tool ${v.tool} is not listed (tools: ${tools.map((t) => t.name).join(', ')})`;
    const result = await session.client.callTool({ name: v.tool, arguments: v.arguments });
    if (result.isError)
      return `verify: tools/call ${v.tool} returned an error: ${JSON.stringify(result.content).slice(0, 500)}`;
  } catch (err) {
    return `verify: MCP request through the proxy failed: ${(err as Error).message}`;
  } finally {
    await session.client.close().catch(() => {});
  }
  // calls are recorded when their response ends (streamed responses end after the SDK has
  // its answer): wait until the record is quiet before reading it
  for (
    let n = svc.calls.length, quiet = 0, waited = 0;
    quiet < 150 && waited < 3000;
    waited += 50
  ) {
    await new Promise((r) => setTimeout(r, 50));
    if (svc.calls.length === n) quiet += 50;
    else [n, quiet] = [svc.calls.length, 0];
  }
  // the HTTP sequence of the verification, in time order
  const calls = svc.calls.slice(since).sort((a, b) => a.start - b.start);
  spec.artefacts.httpSequence = calls.map((c): HttpCall & { start: number; end: number } => ({
    from: c.from,
    to: c.to,
    method: c.method,
    path: c.path,
    ...(c.status !== undefined ? { status: c.status } : {}),
    ...(c.note ? { note: c.note } : {}),
    start: Math.round(c.start * 1000) / 1000,
    end: Math.round(c.end * 1000) / 1000,
  }));
  const subject = subjectToken ? (decodeJwt(subjectToken) as Record<string, unknown>) : undefined;
  const received = (await record()).slice(receivedBefore);
  const accepted = received.filter((r) => r.claims);
  const last = accepted[accepted.length - 1];
  if (!last?.claims)
    return `verify: the backend API accepted no token during the verification (received: ${received.map((r) => `${r.status} ${r.error ?? ''}`).join('; ') || 'nothing'})`;
  const exchanged = last.claims as Record<string, unknown>;
  spec.artefacts.claims = {
    ...(subject ? { subject: redactClaims(subject) } : {}),
    exchanged: redactClaims(exchanged),
  };
  const aud = ([] as unknown[]).concat(exchanged['aud']);
  if (!aud.includes(v.expect.audience))
    return `verify: the backend got a token for audience ${JSON.stringify(exchanged['aud'])}, expected ${v.expect.audience}`;
  const scopes = ([] as unknown[]).concat(
    exchanged['scp'] ?? String(exchanged['scope'] ?? '').split(' '),
  );
  for (const s of v.expect.scopes)
    if (!scopes.includes(s))
      return `verify: the exchanged token lacks scope ${s} (has ${scopes.join(' ')})`;
  if (subject) {
    if (exchanged['sub'] !== subject['sub'])
      return `verify: sub changed in the exchange: ${String(subject['sub'])} → ${String(exchanged['sub'])}`;
    if (JSON.stringify(subject['aud']) === JSON.stringify(exchanged['aud']))
      return 'verify: the backend got a token with the client token’s audience: no exchange happened';
    for (const r of received) {
      const c = r.claims as Record<string, unknown> | undefined;
      if (c && c['jti'] !== undefined && c['jti'] === subject['jti'])
        return "verify: the backend received the client's own token";
      if (
        c &&
        JSON.stringify(c['aud']) === JSON.stringify(subject['aud']) &&
        c['iss'] === subject['iss']
      )
        return "verify: the backend received the client's own token";
    }
  }
  return undefined;
}
