// The proxy: validate the incoming bearer token, exchange it (RFC 8693),
// inject the exchanged token, pass the request to the upstream MCP server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { pino, type Logger } from 'pino';
import {
  sendDependencyFailure,
  sendResourceMetadata,
  sendToolhiveExchangeFailed,
  sendToolhiveHealth,
  sendUnauthorized,
  type ChallengeSettings,
} from './auth-responses.mts';
import { sendJson } from '../lib/send-json.mts';
import {
  CredentialError,
  DependencyError,
  redactUrl,
  toolhiveExchangeErrorText,
} from './errors.mts';
import { ExchangeCache } from './exchange-cache.mts';
import {
  createUpstream,
  forward,
  type ForwardObserver,
  requestHeadersToDrop,
  sendInternalError,
  upstreamRequestHeaders,
} from './forward.mts';
import { createIdpDispatcher } from './idp-http.mts';
import { createMetrics } from './metrics.mts';
import type { ProxyOptions } from './options.mts';
import { originFormTarget, type RequestTargetError } from './request-target.mts';
import { checkStartup } from './startup-checks.mts';
import { STARTUP } from './startup-messages.mts';
import { exchangeToken } from './token-exchange.mts';
import { TokenValidator, type Identity } from './token-validator.mts';
import { credentialReader, type Credentials } from './token-hash.mts';

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

export interface StartProxyExtras {
  /** PEM of an extra CA for IdP calls (--thv-ca-bundle). */
  caBundlePem?: string;
  /** Collect Node default metrics (process CPU, memory); on for the CLI. */
  defaultMetrics?: boolean;
  /** Environment for INSECURE_DISABLE_URL_VALIDATION (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * RFC 6750 §2.1 credentials: `Bearer <b64token>`. The scheme is
 * case-insensitive and followed by one or more spaces (RFC 9110 §11.1,
 * §11.4 `auth-scheme [ 1*SP token68 ]`); the field value's surrounding
 * whitespace is not part of it (§5.5). ToolHive matches `Bearer ` exactly
 * (pkg/auth/utils.go@v0.44.0, ExtractBearerToken).
 */
const BEARER_SCHEME = /^bearer +/i;

function bearerToken(header: string | undefined, compat: boolean, maxSize: number): string {
  if (header === undefined || header === '') {
    throw new CredentialError('invalid_request', 'authorization header required', false);
  }
  const scheme = compat
    ? header.startsWith('Bearer ')
      ? 'Bearer '
      : ''
    : BEARER_SCHEME.exec(header)?.[0];
  if (!scheme) {
    throw new CredentialError(
      'invalid_request',
      "invalid authorization header format, expected 'Bearer <token>'",
    );
  }
  // ToolHive strips exactly "Bearer " and keeps the rest as it is (a second
  // space stays in the token), refusing only an all-blank one (ExtractBearerToken).
  const rest = header.slice(scheme.length);
  const token = compat ? rest : rest.trim();
  if (token.trim() === '')
    throw new CredentialError('invalid_request', 'empty token in authorization header');
  if (token.length > maxSize) {
    throw new CredentialError('invalid_token', `the token is longer than ${maxSize} bytes`);
  }
  // RFC 6750 §2.1 b64token syntax
  if (!compat && !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
    throw new CredentialError(
      'invalid_request',
      'the bearer token contains characters RFC 6750 does not allow',
    );
  }
  return token;
}

export async function startProxy(
  options: ProxyOptions,
  extras: StartProxyExtras = {},
): Promise<RunningProxy> {
  if (!options.targetUri) throw new Error('startProxy: targetUri is required (--target-uri)');
  const compat = options.compat === 'toolhive';
  // Before anything is started: a refused configuration leaves nothing running.
  const startupWarnings = checkStartup(options, extras.env);
  const logger: Logger = pino(
    {
      level: options.logLevel ?? 'info',
      base: { proxy: options.name || undefined },
      // Belt and braces: these never carry a token or secret in a log line.
      redact: {
        paths: ['authorization', 'headers.authorization', 'clientSecret', 'token', 'subjectToken'],
        censor: '[redacted]',
      },
    },
    options.logDestination
      ? (options.logDestination as pino.DestinationStream)
      : pino.destination({ fd: 1, sync: false }),
  );
  const metrics = createMetrics(extras.defaultMetrics ?? false);
  const dispatcher = createIdpDispatcher(extras.caBundlePem);
  const upstream = createUpstream(options.targetUri);
  const idpTimeoutMs = options.idpTimeoutMs ?? 10_000;
  const cacheSize = options.exchangeCacheSize ?? 100_000;
  const oidc = options.oidc;
  const te = options.tokenExchange;

  for (const w of startupWarnings) logger.warn({ flag: `--${w.flag}` }, w.message);
  if (!oidc) {
    logger.warn(STARTUP.noOidc);
  } else if (!options.resourceUrl) {
    logger.warn(STARTUP.noResourceUrl);
  }

  const validator = oidc
    ? new TokenValidator({
        oidc,
        dispatcher,
        compat,
        clockSkewSeconds: options.clockSkewSeconds ?? (compat ? 0 : 30),
        timeoutMs: idpTimeoutMs,
        jwksCooldownMs: options.jwksCooldownMs ?? 30_000,
        jwksMaxAgeMs: options.jwksMaxAgeMs ?? 10 * 60_000,
        introspectionCacheMs: options.introspectionCacheMs ?? 10_000,
        cacheSize,
        onIdpCall: (kind) => metrics.idpCalls.inc({ kind }),
      })
    : undefined;
  const cache =
    te && !compat
      ? new ExchangeCache(cacheSize, (options.exchangeRefreshMarginSeconds ?? 30) * 1000)
      : undefined;
  const challenge: ChallengeSettings = {
    issuer: oidc?.issuer,
    resourceUrl: options.resourceUrl,
    scopes: oidc?.scopes,
    compat,
  };
  const customHeader = te?.headerName?.toLowerCase();
  const maxTokenSize = options.maxTokenSize ?? 8192;

  async function doExchange(
    cfg: NonNullable<ProxyOptions['tokenExchange']>,
    subjectToken: string,
    signal?: AbortSignal,
  ) {
    const end = metrics.exchangeSeconds.startTimer();
    try {
      const t = await exchangeToken(dispatcher, cfg, subjectToken, idpTimeoutMs, signal, compat);
      metrics.exchanges.inc({ result: 'ok' });
      return t;
    } catch (e) {
      metrics.exchanges.inc({ result: e instanceof CredentialError ? 'rejected' : 'failed' });
      throw e;
    } finally {
      end();
    }
  }

  function subjectExpMs(token: string, identity?: Identity): number {
    if (identity) return identity.exp * 1000;
    try {
      const exp = decodeJwt(token).exp;
      if (typeof exp === 'number') return exp * 1000;
    } catch {
      // not a JWT
    }
    return Date.now() + 5 * 60_000;
  }

  /** Client headers the upstream never sees (besides hop-by-hop ones), fixed per configuration. */
  const dropped = requestHeadersToDrop({ compat, customHeader });

  /** The token and its cache key from an Authorization value; throws CredentialError when refused. */
  const credentials = credentialReader((h) => bearerToken(h, compat, maxTokenSize));

  /**
   * Answers one request. The warm path (claims and exchanged token cached)
   * runs synchronously to the upstream and returns undefined: forward()
   * reports the status when the response ends. Answers of the proxy's own
   * return their status; a step that must wait (validation, an exchange, the
   * metrics text) returns a promise of one of these.
   */
  function handle(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
  ): number | undefined | Promise<number | undefined> {
    let url: string;
    try {
      url = originFormTarget(req.url ?? '/', compat);
    } catch (e) {
      sendJson(
        res,
        400,
        { error: 'invalid_request', error_description: (e as RequestTargetError).description },
        { connection: 'close' },
      );
      return 400;
    }
    if (url === '/health') {
      if (compat) return sendToolhiveHealth(res, req.method ?? 'GET');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return 200;
    }
    if (url === '/metrics') return sendMetrics(res);
    if (url.startsWith('/.well-known/')) {
      // RFC 9728 metadata, outside the auth chain (pkg/auth/well_known.go@v0.44.0).
      const path = url.split('?')[0] as string;
      if (
        oidc &&
        (path === '/.well-known/oauth-protected-resource' ||
          path.startsWith('/.well-known/oauth-protected-resource/'))
      ) {
        sendResourceMetadata(res, req.method ?? 'GET', req.headers.origin, challenge);
        return res.statusCode;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
      return 404;
    }

    const headers = upstreamRequestHeaders(req, dropped);
    if (validator) {
      let c: Credentials;
      try {
        c = credentials(req.headers.authorization, req.socket);
      } catch (e) {
        return refuse(res, e, 'incoming token refused');
      }
      // Warm path: claims verified before, found synchronously (no async hop).
      const identity = validator.cached(c.hash);
      if (!identity) return validateThenPass(req, res, expectContinue, url, headers, c);
      return pass(req, res, expectContinue, url, headers, c, identity);
    }
    if (req.headers.authorization) {
      // pkg/oauthproto/tokenexchange/middleware.go@v0.44.0: without OIDC, a bearer token is exchanged unvalidated; none passes through.
      try {
        return pass(
          req,
          res,
          expectContinue,
          url,
          headers,
          credentials(req.headers.authorization, req.socket),
        );
      } catch (e) {
        // Not a bearer token: nothing to exchange (ToolHive passes it on as it is).
        if (!(e instanceof CredentialError)) throw e;
      }
    }
    return pass(req, res, expectContinue, url, headers);
  }

  async function sendMetrics(res: ServerResponse): Promise<number> {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(text);
    return 200;
  }

  async function validateThenPass(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    url: string,
    headers: Record<string, string | string[]>,
    c: Credentials,
  ): Promise<number | undefined> {
    let identity: Identity;
    try {
      identity = await (validator as TokenValidator).validate(c.token, c.hash);
    } catch (e) {
      return refuse(res, e, 'incoming token refused');
    }
    return pass(req, res, expectContinue, url, headers, c, identity);
  }

  /** The accepted request: its exchanged token (cached: synchronously), then the upstream. */
  function pass(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    url: string,
    headers: Record<string, string | string[]>,
    c?: Credentials,
    identity?: Identity,
  ): undefined | Promise<number | undefined> {
    if (te && c) {
      const hit = cache?.peek(c.hash);
      // Warm path: an exact hash match, synchronously.
      if (!hit) return exchangeThenSend(req, res, expectContinue, url, headers, te, c, identity);
      metrics.cacheLookup('hit');
      headers[customHeader ?? 'authorization'] = hit.headerValue;
    }
    send(req, res, expectContinue, url, headers);
    return undefined;
  }

  async function exchangeThenSend(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    url: string,
    headers: Record<string, string | string[]>,
    cfg: NonNullable<ProxyOptions['tokenExchange']>,
    c: Credentials,
    identity?: Identity,
  ): Promise<number | undefined> {
    let headerValue: string;
    try {
      if (cache) {
        const entry = await cache.get(
          c.hash,
          () => subjectExpMs(c.token, identity),
          () => doExchange(cfg, c.token),
          (outcome) => metrics.cacheLookup(outcome),
        );
        headerValue = entry.headerValue;
      } else {
        const controller = new AbortController();
        const abort = () => controller.abort();
        res.once('close', abort);
        try {
          headerValue = `Bearer ${(await doExchange(cfg, c.token, controller.signal)).accessToken}`;
        } finally {
          res.off('close', abort);
        }
      }
    } catch (e) {
      if (compat) {
        // ToolHive's line: slog.Warn("Token exchange failed", "error", err), the IdP's
        // error and error_description in it (pkg/oauthproto/tokenexchange/middleware.go:346@v0.44.0)
        logger.warn({ error: toolhiveExchangeErrorText(e) }, 'Token exchange failed');
        sendToolhiveExchangeFailed(res);
        return 401;
      }
      return refuse(res, e, 'token exchange failed');
    }
    headers[customHeader ?? 'authorization'] = headerValue;
    send(req, res, expectContinue, url, headers);
    return undefined;
  }

  /** Forwards the accepted request; forward() reports its status to `forwarded`. */
  function send(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
    url: string,
    headers: Record<string, string | string[]>,
  ): void {
    // RFC 9110 §10.1.1: the client may send its body now that the request is accepted.
    if (expectContinue) res.writeContinue();
    forward(upstream, req, res, headers, url, forwarded);
  }

  function refuse(res: ServerResponse, e: unknown, msg: string): number {
    if (e instanceof CredentialError) {
      logger.info({ code: e.code, reason: e.description }, msg);
      sendUnauthorized(res, challenge, e);
      return 401;
    }
    if (e instanceof DependencyError) {
      logger.warn({ status: e.status, reason: e.description, url: e.detail }, msg);
      sendDependencyFailure(res, e);
      return e.status;
    }
    logger.error({ err: { message: (e as Error)?.message } }, `${msg}: unexpected error`);
    sendDependencyFailure(res, new DependencyError(502, 'internal error'));
    return 502;
  }

  function failed(res: ServerResponse, e: unknown): void {
    logger.error({ err: { message: (e as Error)?.message } }, 'request failed');
    sendInternalError(res);
    metrics.response(500);
  }
  const counted = (status: number | undefined): void => {
    if (status !== undefined) metrics.response(status);
  };
  /** What forward() reports to: one object for every request. */
  const forwarded: ForwardObserver = {
    upstreamHeaders: (ms) => metrics.upstreamHeaders(ms),
    done: counted,
    failed,
  };

  function served(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    let answer: number | undefined | Promise<number | undefined>;
    try {
      answer = handle(req, res, expectContinue);
    } catch (e) {
      failed(res, e);
      return;
    }
    if (typeof answer === 'object') answer.then(counted, (e: unknown) => failed(res, e));
    else counted(answer);
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => served(req, res, false));
  // Expect: 100-continue (RFC 9110 §10.1.1): "100 Continue" only once the
  // token is accepted, so a refused client does not send its body for nothing.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => served(req, res, true));
  // RFC 9112 §3.2.3: the authority form is for CONNECT, which an MCP server
  // does not serve; Node hands CONNECT to this event, not to the handler.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    const body = '{"error":"invalid_request","error_description":"CONNECT is not served"}';
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  // A long-lived SSE request must not be cut: no overall request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  logger.info(
    {
      url,
      target: redactUrl(options.targetUri),
      compat: compat ? 'toolhive' : undefined,
      oidc: oidc
        ? {
            issuer: redactUrl(oidc.issuer),
            audience: oidc.audience,
            jwksUrl: redactUrl(oidc.jwksUrl),
            introspectionUrl: redactUrl(oidc.introspectionUrl),
          }
        : undefined,
      tokenExchange: te
        ? {
            tokenUrl: redactUrl(te.tokenUrl),
            audience: te.audience,
            scopes: te.scopes,
            subjectTokenType: te.subjectTokenType,
            headerStrategy: te.headerName ? 'custom' : 'replace',
            headerName: te.headerName,
            clientAuth: te.clientId && te.clientSecret ? 'client_secret_basic' : 'none',
          }
        : undefined,
    },
    STARTUP.listening,
  );

  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.pool.close().catch(() => undefined);
      await dispatcher.close().catch(() => undefined);
      logger.flush?.();
    },
  };
}

/** Reads --thv-ca-bundle, naming the flag when it fails. */
export function readCaBundle(path: string): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--thv-ca-bundle: cannot read ${path}: ${(e as NodeJS.ErrnoException).code}`);
  }
}
