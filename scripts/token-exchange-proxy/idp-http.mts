// Outbound HTTP to the identity provider (discovery, JWKS, introspection,
// token endpoint). undici's EnvHttpProxyAgent honours HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY; NODE_EXTRA_CA_CERTS is applied by Node to every TLS context.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { redactUrl } from './errors.mts';

export function createIdpDispatcher(extraCaPem?: string): Dispatcher {
  if (!extraCaPem) return new EnvHttpProxyAgent();
  // An explicit `ca` replaces Node's store (roots + NODE_EXTRA_CA_CERTS), so add both back.
  const ca = [...rootCertificates, extraCaPem];
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  if (extraFile) {
    try {
      ca.push(readFileSync(extraFile, 'utf8'));
    } catch {
      // Node itself warns at start-up about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  return new EnvHttpProxyAgent({ connect: { ca }, requestTls: { ca } });
}

export class IdpUnreachableError extends Error {
  /** The URL for the log, without userinfo or query (redactUrl). */
  readonly url: string;
  constructor(
    url: string,
    readonly reason: 'timeout' | 'network',
    cause: unknown,
  ) {
    // The message names no URL: it may reach a client's error_description.
    const c = cause as { code?: string; cause?: { code?: string } } | undefined;
    const code = c?.code ?? c?.cause?.code;
    super(reason === 'timeout' ? 'timed out' : `connection failed${code ? ` (${code})` : ''}`);
    this.url = redactUrl(url) as string;
    this.name = 'IdpUnreachableError';
  }
}

export interface IdpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const MAX_BODY = 1 << 20; // ToolHive reads at most 1 MiB (pkg/oauthproto/grants.go@v0.44.0)

export async function idpRequest(
  dispatcher: Dispatcher,
  url: string,
  init: {
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    timeoutMs: number;
    signal?: AbortSignal;
  },
): Promise<IdpResponse> {
  const timeout = AbortSignal.timeout(init.timeoutMs);
  const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
  try {
    const res = await request(url, {
      dispatcher,
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      signal,
    });
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.body.destroy();
        break;
      }
      chunks.push(chunk);
    }
    return {
      status: res.statusCode,
      headers: res.headers,
      text: Buffer.concat(chunks).toString('utf8'),
    };
  } catch (e) {
    if (timeout.aborted) throw new IdpUnreachableError(url, 'timeout', e);
    if (init.signal?.aborted) throw e;
    throw new IdpUnreachableError(url, 'network', e);
  }
}
