// Turns parsed flags into the proxy's options, with ToolHive's resolution
// rules for the client secret (cmd/thv/app/auth_flags.go@v0.44.0) and the subject token
// type (pkg/oauthproto/tokenexchange/exchange.go@v0.44.0 NormalizeTokenType).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagError, flagValue, type ParsedArgs } from './flags.mts';

export const TOKEN_TYPE_URN = {
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;
export type TokenTypeUrn = (typeof TOKEN_TYPE_URN)[keyof typeof TOKEN_TYPE_URN];

export const ENV_TOKEN_EXCHANGE_CLIENT_SECRET = 'TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET';
export const ENV_OIDC_CLIENT_SECRET = 'TOOLHIVE_OIDC_CLIENT_SECRET';

export interface OidcOptions {
  issuer?: string;
  audience?: string;
  jwksUrl?: string;
  introspectionUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** Explicitly configured scopes; undefined means none given (metadata says ["openid"]). */
  scopes?: string[];
  insecureAllowHttp?: boolean;
  /** Bearer token sent on JWKS/discovery fetches (--jwks-auth-token-file). */
  jwksAuthToken?: string;
}

export interface TokenExchangeOptions {
  tokenUrl: string;
  clientId?: string;
  clientSecret?: string;
  audience?: string;
  scopes?: string[];
  subjectTokenType?: TokenTypeUrn;
  /** Set: `custom` strategy, the token goes into this header; unset: `replace` Authorization. */
  headerName?: string;
}

export interface ProxyOptions {
  /** The workload name (thv's SERVER_NAME / the MCPServer's metadata.name). */
  name: string;
  targetUri: string;
  host?: string;
  port?: number;
  compat?: 'toolhive';
  oidc?: OidcOptions;
  resourceUrl?: string;
  tokenExchange?: TokenExchangeOptions;
  clockSkewSeconds?: number;
  exchangeCacheSize?: number;
  exchangeRefreshMarginSeconds?: number;
  idpTimeoutMs?: number;
  jwksCooldownMs?: number;
  /** Age after which the JWKS is refreshed in the background (default 10 min). */
  jwksMaxAgeMs?: number;
  /** Longest time an introspection answer is reused (RFC 7662 §4; --introspection-cache-ttl). */
  introspectionCacheMs?: number;
  maxTokenSize?: number;
  logLevel?: string;
  /** Where pino writes (default stdout). Tests pass a collector to scan logs. */
  logDestination?: { write(line: string): unknown };
}

/** RFC 8693 §3 token type identifiers; ToolHive's NormalizeTokenType (pkg/oauthproto/tokenexchange/exchange.go@v0.44.0). */
export function normalizeSubjectTokenType(
  value: string,
  where = '--token-exchange-subject-token-type',
): TokenTypeUrn {
  if (value === '') return TOKEN_TYPE_URN.access_token;
  if (value in TOKEN_TYPE_URN) return TOKEN_TYPE_URN[value as keyof typeof TOKEN_TYPE_URN];
  if ((Object.values(TOKEN_TYPE_URN) as string[]).includes(value)) return value as TokenTypeUrn;
  throw new FlagError(
    `invalid ${where} "${value}": must be one of access_token, id_token, jwt ` +
      `(or urn:ietf:params:oauth:token-type:access_token|id_token|jwt); letter case matters`,
    where.replace(/^--/, ''),
  );
}

/** auth_flags.go resolveSecret@v0.44.0: the flag, else the file (trimmed; unreadable or empty is an error), else the env var. */
export function resolveClientSecret(
  flagSecret: string,
  secretFile: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (flagSecret !== '') return flagSecret;
  if (secretFile !== '') {
    const file = path.normalize(secretFile);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new FlagError(
        `--token-exchange-client-secret-file: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'token-exchange-client-secret-file',
      );
    }
    const secret = text.trim();
    if (secret === '') {
      throw new FlagError(
        `--token-exchange-client-secret-file: ${file} is empty; put the client secret in it`,
        'token-exchange-client-secret-file',
      );
    }
    return secret;
  }
  const fromEnv = env[ENV_TOKEN_EXCHANGE_CLIENT_SECRET];
  return fromEnv ? fromEnv : undefined;
}

function checkUrl(flag: string, value: string): void {
  if (value === '') return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FlagError(`invalid --${flag} "${value}": not an absolute URL`, flag);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FlagError(`invalid --${flag} "${value}": the scheme must be http or https`, flag);
  }
}

const nonEmpty = (s: string): string | undefined => (s === '' ? undefined : s);

/** Everything except --manifests (see manifests.mts), from the command line. */
export function optionsFromArgs(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv = process.env,
): ProxyOptions {
  for (const [name] of args.values) {
    if (name.startsWith('remote-auth')) {
      throw new FlagError(
        `--${name} is a thv flag for authenticating to a remote MCP server, which the reference ` +
          `proxy does not implement; remove it (the exchange then uses the client's bearer token, ` +
          `as thv run and the operator do)`,
        name,
      );
    }
  }
  const compatRaw = flagValue<string>(args, 'compat');
  if (compatRaw !== '' && compatRaw !== 'toolhive') {
    throw new FlagError(`invalid --compat "${compatRaw}": the only value is toolhive`, 'compat');
  }
  const compat = compatRaw === 'toolhive' ? 'toolhive' : undefined;
  for (const flag of [
    'target-uri',
    'oidc-issuer',
    'oidc-jwks-url',
    'oidc-introspection-url',
    'resource-url',
    'token-exchange-url',
  ]) {
    checkUrl(flag, flagValue<string>(args, flag));
  }
  const port = flagValue<number>(args, 'port');
  if (port < 0 || port > 65535) throw new FlagError(`invalid --port ${port}: want 0–65535`, 'port');
  const level = flagValue<string>(args, 'log-level');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    throw new FlagError(`invalid --log-level "${level}"`, 'log-level');
  }

  const issuer = flagValue<string>(args, 'oidc-issuer');
  const jwksUrl = flagValue<string>(args, 'oidc-jwks-url');
  const introspectionUrl = flagValue<string>(args, 'oidc-introspection-url');
  let oidc: OidcOptions | undefined;
  // `thv proxy` turns OIDC on with an issuer, JWKS URL or introspection URL (cmd/thv/app/common.go@v0.44.0 IsOIDCEnabled).
  if (issuer || jwksUrl || introspectionUrl) {
    if (!issuer && !jwksUrl) {
      throw new FlagError(
        '--oidc-introspection-url needs --oidc-issuer or --oidc-jwks-url as well (ToolHive refuses to start without one)',
        'oidc-introspection-url',
      );
    }
    const tokenFile = flagValue<string>(args, 'jwks-auth-token-file');
    let jwksAuthToken: string | undefined;
    if (tokenFile) {
      try {
        jwksAuthToken = readFileSync(tokenFile, 'utf8').trim();
      } catch (e) {
        throw new FlagError(
          `--jwks-auth-token-file: cannot read ${tokenFile}: ${(e as NodeJS.ErrnoException).code}`,
          'jwks-auth-token-file',
        );
      }
    }
    const scopes = flagValue<string[]>(args, 'oidc-scopes');
    oidc = {
      issuer: nonEmpty(issuer),
      audience: nonEmpty(flagValue<string>(args, 'oidc-audience')),
      jwksUrl: nonEmpty(jwksUrl),
      introspectionUrl: nonEmpty(introspectionUrl),
      clientId: nonEmpty(flagValue<string>(args, 'oidc-client-id')),
      clientSecret:
        nonEmpty(flagValue<string>(args, 'oidc-client-secret')) ??
        nonEmpty(env[ENV_OIDC_CLIENT_SECRET] ?? ''),
      scopes: scopes.length ? scopes : undefined,
      insecureAllowHttp: flagValue<boolean>(args, 'oidc-insecure-allow-http'),
      jwksAuthToken,
    };
  }

  // auth_flags.go BuildTokenExchangeConfig@v0.44.0: the token URL turns exchange on; without it the other flags are ignored.
  const tokenUrl = flagValue<string>(args, 'token-exchange-url');
  let tokenExchange: TokenExchangeOptions | undefined;
  if (tokenUrl) {
    const scopes = flagValue<string[]>(args, 'token-exchange-scopes');
    tokenExchange = {
      tokenUrl,
      clientId: nonEmpty(flagValue<string>(args, 'token-exchange-client-id')),
      clientSecret: resolveClientSecret(
        flagValue<string>(args, 'token-exchange-client-secret'),
        flagValue<string>(args, 'token-exchange-client-secret-file'),
        env,
      ),
      audience: nonEmpty(flagValue<string>(args, 'token-exchange-audience')),
      scopes: scopes.filter((s) => s !== ''),
      subjectTokenType: normalizeSubjectTokenType(
        flagValue<string>(args, 'token-exchange-subject-token-type'),
      ),
      headerName: nonEmpty(flagValue<string>(args, 'token-exchange-header-name')),
    };
    if (
      tokenExchange.headerName &&
      !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(tokenExchange.headerName)
    ) {
      throw new FlagError(
        `invalid --token-exchange-header-name "${tokenExchange.headerName}": not an HTTP header name (RFC 9110 §5.1)`,
        'token-exchange-header-name',
      );
    }
  }
  const skewMs =
    args.values.has('clock-skew') || !compat ? flagValue<number>(args, 'clock-skew') : 0;
  return {
    name: args.positionals[0] ?? '',
    targetUri: flagValue<string>(args, 'target-uri'),
    host: flagValue<string>(args, 'host'),
    port,
    compat,
    oidc,
    resourceUrl: nonEmpty(flagValue<string>(args, 'resource-url')),
    tokenExchange,
    clockSkewSeconds: skewMs / 1000,
    exchangeCacheSize: flagValue<number>(args, 'exchange-cache-size'),
    exchangeRefreshMarginSeconds: flagValue<number>(args, 'exchange-refresh-margin') / 1000,
    idpTimeoutMs: flagValue<number>(args, 'idp-timeout'),
    jwksCooldownMs: flagValue<number>(args, 'jwks-cooldown'),
    introspectionCacheMs: flagValue<number>(args, 'introspection-cache-ttl'),
    maxTokenSize: flagValue<number>(args, 'max-token-size'),
    logLevel: level,
  };
}
