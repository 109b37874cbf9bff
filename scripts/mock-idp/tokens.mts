// Signing and verifying the JWTs the mock issues.
import {
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
} from 'jose';
import type { SigningKey } from './keys.mts';
import { OAuthError } from './oauth-error.mts';
import type { AuthServer, MockIdpState } from './state.mts';

/** Signs a JWT; `typ` is left out when undefined (Okta's access tokens carry none). */
export async function signJwt(
  payload: JWTPayload,
  key: SigningKey,
  typ: string | undefined,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...(typ ? { typ } : {}) })
    .sign(key.privateKey);
}

export interface VerifiedToken {
  /** The server that issued it (one of the mock's). */
  server: AuthServer;
  payload: JWTPayload;
}

/**
 * Verifies a JWT issued by one of this mock's authorization servers: the
 * signature against that server's published keys, `iss`, `exp`/`nbf`. The
 * caller checks that the issuer is trusted and the audience acceptable.
 */
export async function verifyOwnToken(state: MockIdpState, token: string): Promise<VerifiedToken> {
  const invalid = (why: string) =>
    new OAuthError(
      400,
      'invalid_grant',
      'subject_token_invalid',
      `the subject token is invalid: ${why}`,
    );
  let claims: JWTPayload;
  let kid: string | undefined;
  try {
    claims = decodeJwt(token);
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw invalid('not a JWT');
  }
  const server = typeof claims.iss === 'string' ? state.serverForIssuer(claims.iss) : undefined;
  if (!server)
    throw new OAuthError(
      400,
      'invalid_grant',
      'subject_token_untrusted',
      `the subject token's issuer ${JSON.stringify(claims.iss)} is not a trusted authorization server`,
    );
  const key = server.keys.find(kid);
  if (!key)
    throw invalid(
      `it is not signed by a key of ${String(claims.iss)} (kid ${JSON.stringify(kid)})`,
    );
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: claims.iss as string,
      algorithms: [key.alg],
    });
    // RFC 7009 §2: a revoked token is no longer usable, also as a subject token.
    if (typeof payload.jti === 'string' && state.revoked.has(payload.jti))
      throw new OAuthError(
        400,
        'invalid_grant',
        'subject_token_revoked',
        'the subject token has been revoked',
      );
    return { server, payload };
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    if (error instanceof joseErrors.JWTExpired)
      throw new OAuthError(
        400,
        'invalid_grant',
        'subject_token_expired',
        'the subject token has expired',
      );
    throw invalid(error instanceof Error ? error.message : String(error));
  }
}
