// The key of the validation and exchange caches: sha256 of the bearer token
// (token-validator.mts). A client sends the same Authorization value on every
// request of a session, so a small map from that value to its token and the
// token's digest spares the warm path the RFC 6750 parse (bearerToken in
// server.mts: a regexp over the whole token) and one SHA-256 per request: a
// Map lookup hashes a string far faster. Each connection also remembers the
// last value it sent, so a repeat on a kept-alive connection is one string
// comparison (no hashing of the ~1 KB value at all). Only accepted values are
// kept (the parse is a function of the value alone); past `max` values, the
// oldest is forgotten first.
import { sha256 } from './token-validator.mts';

export interface Credentials {
  /** The bearer token as the parse returned it. */
  token: string;
  /** sha256(token), hex. */
  hash: string;
}

interface Seen {
  authorization: string;
  credentials: Credentials;
}

/**
 * `parse` turns an Authorization value into its token or throws (a refused
 * value is never kept). `connection` is the object a client's requests share
 * (the socket).
 */
export function credentialReader(
  parse: (authorization: string | undefined) => string,
  max = 1024,
): (authorization: string | undefined, connection?: object) => Credentials {
  const recent = new Map<string, Seen>();
  const lastOn = new WeakMap<object, Seen>();
  const read = (authorization: string | undefined): Credentials => {
    const token = parse(authorization);
    return { token, hash: sha256(token) };
  };
  return (authorization, connection) => {
    if (authorization === undefined) return read(authorization);
    if (connection) {
      const last = lastOn.get(connection);
      if (last !== undefined && last.authorization === authorization) return last.credentials;
    }
    let seen = recent.get(authorization);
    if (seen === undefined) {
      seen = { authorization, credentials: read(authorization) };
      if (recent.size >= max) recent.delete(recent.keys().next().value as string);
      recent.set(authorization, seen);
    }
    if (connection) lastOn.set(connection, seen);
    return seen.credentials;
  };
}
