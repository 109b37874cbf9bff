// Validation of incoming bearer tokens: JWTs against the issuer's JWKS (with
// jose), opaque tokens by RFC 7662 introspection. Mirrors ToolHive's checks
// (pkg/auth/token.go@v0.44.0) and adds what it lacks: a JWKS refetch on an
// unknown kid (with a cool-down), a configurable clock skew, and a cache of
// verified claims keyed by the token's SHA-256, never kept past `exp`.
import { hash } from 'node:crypto';
import {
  decodeProtectedHeader,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWSHeaderParameters,
} from 'jose';
import type { Dispatcher } from 'undici';
import { ExpiringMap } from './bounded-map.mts';
import { CredentialError, DependencyError, redactUrl } from './errors.mts';
import { idpRequest, IdpUnreachableError } from './idp-http.mts';
import type { OidcOptions } from './options.mts';

// token.go validateTokenHeader@v0.44.0: RSA and ECDSA only; PS*, EdDSA, HS* and none are refused.
export const ALLOWED_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

export interface Identity {
  /** Absent for an introspected token without `sub` (RFC 7662 §2.2). */
  sub?: string;
  /** Seconds since the epoch. */
  exp: number;
  claims: JWTPayload;
}

export interface ValidatorSettings {
  oidc: OidcOptions;
  dispatcher: Dispatcher;
  compat: boolean;
  clockSkewSeconds: number;
  timeoutMs: number;
  jwksCooldownMs: number;
  /** Age after which the key set is refreshed in the background. */
  jwksMaxAgeMs: number;
  /** Longest time an introspection answer is trusted (RFC 7662 §4). */
  introspectionCacheMs: number;
  cacheSize: number;
  onIdpCall?: (what: 'discovery' | 'jwks' | 'introspection') => void;
}

/** One-shot hash (Node ≥ 20.12): no Hash object per request. */
export const sha256 = (text: string): string => hash('sha256', text, 'base64url');

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * JWKS fetched from the configured URL or from OIDC discovery, cached by kid.
 *
 * A key set older than `maxAgeMs` is refreshed in the background while the
 * keys in hand keep verifying tokens; a failed fetch is retried with
 * exponential back-off (1 s, 2 s, 4 s … up to 5 min) and, until then, costs
 * the IdP nothing: neither an unknown-kid flood nor an outage turns into one
 * IdP request per incoming request. Only a proxy that has never had a key set
 * waits for a fetch (and fails while the back-off runs).
 */
class JwksCache {
  /** The configured or discovered JWKS URL (ToolHive names it in its JWKS error). */
  jwksUrl?: string;
  private keys?: Map<string, JWK>;
  private imported = new Map<string, VerifyKey>();
  private fetchedAtMs = 0;
  private lastUnknownKidFetchMs = -Infinity;
  private inflight?: Promise<void>;
  private failures = 0;
  private retryAtMs = 0;
  private lastError?: Error;
  static readonly BACKOFF_MIN_MS = 1000;
  static readonly BACKOFF_MAX_MS = 5 * 60_000;

  constructor(private readonly s: ValidatorSettings) {
    this.jwksUrl = s.oidc.jwksUrl;
  }

  private authHeaders(): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (this.s.oidc.jwksAuthToken) h.authorization = `Bearer ${this.s.oidc.jwksAuthToken}`;
    return h;
  }

  // OpenID Connect Discovery 1.0 §4
  private async discover(): Promise<string> {
    const issuer = this.s.oidc.issuer as string;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const where = redactUrl(url);
    this.s.onIdpCall?.('discovery');
    const res = await idpRequest(this.s.dispatcher, url, {
      headers: this.authHeaders(),
      timeoutMs: this.s.timeoutMs,
    });
    if (res.status !== 200) {
      throw new DependencyError(502, `OIDC discovery answered HTTP ${res.status}`, 10, where);
    }
    let doc: { jwks_uri?: unknown; issuer?: unknown };
    try {
      doc = JSON.parse(res.text) as typeof doc;
    } catch {
      throw new DependencyError(502, 'OIDC discovery did not answer JSON', 10, where);
    }
    if (typeof doc.jwks_uri !== 'string' || doc.jwks_uri === '') {
      throw new DependencyError(502, 'the OIDC discovery document has no jwks_uri', 10, where);
    }
    // OIDC Discovery §4.3: the issuer in the document must equal the one asked for.
    // (ToolHive does not compare them; --compat toolhive skips this check.)
    if (!this.s.compat && doc.issuer !== issuer) {
      throw new DependencyError(
        502,
        'the OIDC discovery document names another issuer than --oidc-issuer',
        10,
        `${where}: issuer ${redactUrl(String(doc.issuer))}`,
      );
    }
    return doc.jwks_uri;
  }

  private async fetchKeys(): Promise<void> {
    this.jwksUrl ??= await this.discover();
    this.s.onIdpCall?.('jwks');
    const res = await idpRequest(this.s.dispatcher, this.jwksUrl, {
      headers: this.authHeaders(),
      timeoutMs: this.s.timeoutMs,
    });
    let body: { keys?: unknown };
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      body = {};
    }
    if (res.status !== 200 || !Array.isArray(body.keys)) {
      throw new DependencyError(
        502,
        `the JWKS answered HTTP ${res.status} without a key set`,
        10,
        redactUrl(this.jwksUrl),
      );
    }
    const keys = new Map<string, JWK>();
    for (const k of body.keys as JWK[]) if (typeof k.kid === 'string') keys.set(k.kid, k);
    this.keys = keys;
    this.imported.clear();
    this.fetchedAtMs = Date.now();
  }

  /** One fetch at a time; a failure sets the back-off, and until it ends no fetch is made. */
  private refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (Date.now() < this.retryAtMs) return Promise.reject(this.lastError as Error);
    this.inflight = this.fetchKeys()
      .then(
        () => {
          this.failures = 0;
          this.retryAtMs = 0;
          this.lastError = undefined;
        },
        (e: unknown) => {
          this.failures++;
          const wait = Math.min(
            JwksCache.BACKOFF_MIN_MS * 2 ** (this.failures - 1),
            JwksCache.BACKOFF_MAX_MS,
          );
          this.retryAtMs = Date.now() + wait;
          this.lastError = e as Error;
          throw e;
        },
      )
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  async keyFor(header: JWSHeaderParameters): Promise<VerifyKey> {
    const kid = header.kid as string;
    const alg = header.alg as string;
    const now = Date.now();
    if (!this.keys) {
      await this.refresh();
    } else if (now - this.fetchedAtMs > this.s.jwksMaxAgeMs && now >= this.retryAtMs) {
      // Stale: refresh in the background; the keys in hand keep working meanwhile.
      this.refresh().catch(() => undefined);
    }
    let jwk = (this.keys as Map<string, JWK>).get(kid);
    if (!jwk && !this.s.compat) {
      // A new kid usually means the IdP rotated its keys: fetch again, at most
      // once per cool-down. While the JWKS is failing (back-off) the kid may
      // be a rotated key the proxy cannot see: that is the IdP's outage, not
      // the client's fault.
      if (now < this.retryAtMs) throw this.lastError as Error;
      if (now - this.lastUnknownKidFetchMs >= this.s.jwksCooldownMs) {
        this.lastUnknownKidFetchMs = now;
        await this.refresh();
        jwk = (this.keys as Map<string, JWK>).get(kid);
      }
    }
    if (!jwk)
      throw new CredentialError('invalid_token', `no key with kid '${kid}' in the issuer's JWKS`);
    const id = `${kid}\u0000${alg}`;
    let key = this.imported.get(id);
    if (!key) {
      if (jwk.alg && jwk.alg !== alg) {
        throw new CredentialError(
          'invalid_token',
          `key '${kid}' is for ${jwk.alg}, the token says ${alg}`,
        );
      }
      try {
        key = await importJWK(jwk, alg);
      } catch {
        throw new CredentialError('invalid_token', `key '${kid}' cannot verify ${alg}`);
      }
      this.imported.set(id, key);
    }
    return key;
  }
}

export class TokenValidator {
  private readonly jwks: JwksCache;
  private readonly cache: ExpiringMap<Identity>;

  constructor(private readonly s: ValidatorSettings) {
    this.jwks = new JwksCache(s);
    // ToolHive verifies every token every time; --compat toolhive does the same.
    this.cache = new ExpiringMap<Identity>(s.compat ? 0 : s.cacheSize);
  }

  /**
   * The claims of a token verified before and not yet past `exp`, found by an
   * exact match of its SHA-256; synchronous, so the warm path takes no async hop.
   */
  cached(tokenHash: string): Identity | undefined {
    return this.cache.get(tokenHash);
  }

  /** Validates a bearer token; `tokenHash` is sha256(token), computed once per request. */
  async validate(token: string, tokenHash: string): Promise<Identity> {
    const cached = this.cache.get(tokenHash);
    if (cached) return cached;
    let header: JWSHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      header = {};
    }
    // token.go ValidateToken@v0.44.0: only a token that is not a compact JWS goes to introspection.
    // golang-jwt decodes each part strictly (base64url), so in --compat toolhive
    // a token with any other character (a leading space, say) is malformed,
    // which sends it to introspection as ToolHive does.
    const isJws =
      token.split('.').length === 3 &&
      typeof header.alg === 'string' &&
      (!this.s.compat || /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token));
    let identity: Identity;
    try {
      identity = isJws ? await this.validateJwt(token, header) : await this.introspect(token);
    } catch (e) {
      throw this.s.compat ? toolhiveError(e, isJws, this.jwks.jwksUrl ?? '') : e;
    }
    // Never cache past exp; an introspection answer only for a short while
    // (RFC 7662 §4), so a revoked token stops working promptly.
    const until = isJws
      ? identity.exp * 1000
      : Math.min(identity.exp * 1000, Date.now() + this.s.introspectionCacheMs);
    this.cache.set(tokenHash, identity, until);
    return identity;
  }

  private async validateJwt(token: string, header: JWSHeaderParameters): Promise<Identity> {
    if (!ALLOWED_ALGS.includes(header.alg as string)) {
      throw new CredentialError(
        'invalid_token',
        `signing algorithm ${String(header.alg)} is not accepted`,
      );
    }
    if (typeof header.kid !== 'string' || header.kid === '') {
      throw new CredentialError('invalid_token', 'the token header has no kid');
    }
    // RFC 8725 §3.11 explicit typing: a JWT typed for another purpose (a
    // security event, a logout token, a DPoP proof, an ID token) is not an
    // access token, even if its claims would pass (§2.8 substitution).
    // ToolHive does not look at typ.
    if (!this.s.compat && !isAccessTokenTyp(header.typ)) {
      throw new CredentialError(
        'invalid_token',
        `a JWT of type '${String(header.typ)}' is not an access token (RFC 8725 §3.11)`,
      );
    }
    let payload: JWTPayload;
    try {
      const key = await this.jwks.keyFor(header);
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ALLOWED_ALGS,
        issuer: this.s.oidc.issuer,
        audience: this.s.oidc.audience,
        clockTolerance: this.s.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      throw this.classify(e);
    }
    return toIdentity(payload, true);
  }

  private classify(e: unknown): Error {
    if (e instanceof CredentialError) return e;
    if (e instanceof DependencyError || e instanceof IdpUnreachableError) {
      // token.go@v0.44.0: ToolHive answers an IdP outage with 401 invalid_token.
      if (this.s.compat) return new CredentialError('invalid_token', 'failed to fetch the JWKS');
      if (e instanceof IdpUnreachableError) {
        return new DependencyError(
          e.reason === 'timeout' ? 504 : 503,
          `the identity provider is unreachable (${e.message})`,
          10,
          e.url,
        );
      }
      return e;
    }
    if (e instanceof joseErrors.JWTExpired)
      return new CredentialError('invalid_token', 'the token has expired');
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      return new CredentialError(
        'invalid_token',
        `claim "${e.claim}" is not acceptable: ${e.reason}`,
      );
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      return new CredentialError('invalid_token', 'the signature does not verify');
    }
    if (e instanceof joseErrors.JOSEError)
      return new CredentialError('invalid_token', `the token is malformed (${e.code})`);
    return new CredentialError('invalid_token', 'the token is malformed');
  }

  // RFC 7662 §2.1
  private async introspect(token: string): Promise<Identity> {
    const { introspectionUrl, clientId, clientSecret } = this.s.oidc;
    if (!introspectionUrl) throw new CredentialError('invalid_token', 'the token is not a JWT');
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (clientId && clientSecret) {
      // RFC 6749 §2.3.1 form-encodes id and secret; ToolHive does not (pkg/auth/token.go@v0.44.0).
      const enc = this.s.compat ? (x: string) => x : formEncode;
      headers.authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
    }
    const body = `token=${formEncode(token)}&token_type_hint=access_token`;
    let res;
    try {
      this.s.onIdpCall?.('introspection');
      res = await idpRequest(this.s.dispatcher, introspectionUrl, {
        method: 'POST',
        headers,
        body,
        timeoutMs: this.s.timeoutMs,
      });
    } catch (e) {
      throw this.classify(e);
    }
    let claims: JWTPayload & { active?: unknown };
    try {
      claims = JSON.parse(res.text) as typeof claims;
    } catch {
      throw this.classify(
        new DependencyError(502, `introspection answered HTTP ${res.status} without JSON`),
      );
    }
    if (res.status !== 200)
      throw this.classify(new DependencyError(502, `introspection answered HTTP ${res.status}`));
    // RFC 7662 §2.2: "active" is required.
    if (claims.active !== true)
      throw new CredentialError('invalid_token', 'the token is not active');
    const now = Math.floor(Date.now() / 1000);
    const skew = this.s.clockSkewSeconds;
    if (this.s.oidc.issuer && claims.iss !== this.s.oidc.issuer) {
      throw new CredentialError('invalid_token', 'claim "iss" is not acceptable');
    }
    const aud = this.s.oidc.audience;
    if (aud && !(Array.isArray(claims.aud) ? claims.aud.includes(aud) : claims.aud === aud)) {
      throw new CredentialError('invalid_token', 'claim "aud" is not acceptable');
    }
    if (typeof claims.exp !== 'number' || claims.exp + skew <= now) {
      throw new CredentialError('invalid_token', 'the token has expired');
    }
    if (!this.s.compat) {
      // ToolHive drops nbf and token_type from the answer (pkg/auth/token.go@v0.44.0,
      // parseIntrospectionClaims) and checks neither.
      if (typeof claims.nbf === 'number' && claims.nbf - skew > now) {
        throw new CredentialError('invalid_token', 'the token is not valid yet (nbf)');
      }
      // RFC 7662 §2.2 token_type: a refresh token (or any non-access token) is not a credential here.
      if (claims.token_type !== undefined && !isAccessTokenType(claims.token_type)) {
        throw new CredentialError(
          'invalid_token',
          `an introspected token of type '${String(claims.token_type)}' is not an access token`,
        );
      }
    }
    // RFC 7662 §2.2: sub is optional (a client-credentials token has none);
    // ToolHive requires it.
    return toIdentity(claims, this.s.compat);
  }
}

/** RFC 9068 §2.1 `at+jwt` (`application/` may be left out, RFC 7515 §4.1.9), or the generic `JWT`, or none. */
function isAccessTokenTyp(typ: unknown): boolean {
  if (typ === undefined) return true;
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase().replace(/^application\//, '');
  return t === 'jwt' || t === 'at+jwt';
}

/** RFC 7662 §2.2 token_type values that name an access token. */
function isAccessTokenType(type: unknown): boolean {
  if (typeof type !== 'string') return false;
  const t = type.toLowerCase();
  return (
    t === 'bearer' || t === 'access_token' || t === 'urn:ietf:params:oauth:token-type:access_token'
  );
}

function toIdentity(payload: JWTPayload, subRequired: boolean): Identity {
  // token.go validateClaims@v0.44.0: ToolHive requires a non-empty string sub to build the identity.
  if (payload.sub !== undefined && typeof payload.sub !== 'string') {
    throw new CredentialError('invalid_token', 'the subject (sub) is not a string');
  }
  if (subRequired && (payload.sub === undefined || payload.sub === '')) {
    throw new CredentialError('invalid_token', 'the token has no subject (sub)');
  }
  return { sub: payload.sub || undefined, exp: payload.exp as number, claims: payload };
}

/** Go's url.QueryEscape: application/x-www-form-urlencoded, space as '+'. */
export function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * --compat toolhive: the error texts of ToolHive's ValidateToken
 * (pkg/auth/token.go@v0.44.0), which wraps golang-jwt's and jwx's errors: a
 * JWT failure reads `failed to parse token: …` (key lookup in the keyfunc,
 * exp/nbf by golang-jwt), iss/aud come from validateClaims after parsing,
 * and an opaque token's from introspectOpaqueToken.
 */
function toolhiveError(e: unknown, jwt: boolean, jwksUrl: string): unknown {
  if (!(e instanceof CredentialError)) return e;
  const d = e.description;
  const keyfunc = 'failed to parse token: token is unverifiable: error while executing keyfunc: ';
  const introspection = 'failed to introspect opaque token: ';
  let text: string | undefined;
  let m: RegExpExecArray | null;
  if (jwt) {
    if ((m = /^signing algorithm (.*) is not accepted$/.exec(d)))
      text = `${keyfunc}unexpected signing method: ${m[1]}`;
    else if (d === 'the token header has no kid') text = `${keyfunc}token header missing kid`;
    else if ((m = /^no key with kid '(.*)' in the issuer's JWKS$/.exec(d)))
      text = `${keyfunc}key ID ${m[1]} not found in JWKS`;
    else if (d === 'failed to fetch the JWKS')
      text = `${keyfunc}failed to lookup JWKS: resource "${jwksUrl}" is not ready`;
    else if (d === 'the token has expired')
      text = 'failed to parse token: token has invalid claims: token is expired';
    else if (/^claim "nbf" /.test(d))
      text = 'failed to parse token: token has invalid claims: token is not valid yet';
    else if (/^claim "iss" /.test(d)) text = 'invalid issuer';
    else if (/^claim "aud" /.test(d)) text = 'invalid audience';
  } else if (d === 'the token is not a JWT')
    text = `${introspection}no introspection endpoint available`;
  else if (d === 'the token is not active')
    text = `${introspection}rfc7662 introspection failed: invalid token`;
  else if (d === 'the token has expired') text = `${introspection}token expired`;
  else if (/^claim "iss" /.test(d)) text = `${introspection}invalid issuer`;
  else if (/^claim "aud" /.test(d)) text = `${introspection}invalid audience`;
  return text === undefined ? e : new CredentialError(e.code, text, e.credentialSent);
}
