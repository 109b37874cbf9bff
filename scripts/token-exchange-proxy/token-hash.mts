// The key of the validation and exchange caches: sha256 of the bearer token
// (token-validator.mts). A client sends the same token on every request of a
// session, so a small map from the token's text to its digest spares the
// warm path one SHA-256 per request: a Map lookup hashes a string far faster.
// Bounded: past `max` tokens, the oldest entry is forgotten first.
import { sha256 } from './token-validator.mts';

export function tokenHasher(max = 1024): (token: string) => string {
  const recent = new Map<string, string>();
  return (token) => {
    const known = recent.get(token);
    if (known !== undefined) return known;
    const digest = sha256(token);
    if (recent.size >= max) recent.delete(recent.keys().next().value as string);
    recent.set(token, digest);
    return digest;
  };
}
