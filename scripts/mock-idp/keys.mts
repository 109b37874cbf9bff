// Signing keys of the authorization servers. Keys come from the TEST-ONLY
// fixtures (imported in well under a millisecond), are handed out once per
// process, and are generated only when the fixtures run out (e.g. many key
// rotations). Never per server start.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import { TEST_ONLY_EC_PRIVATE_JWKS, TEST_ONLY_RSA_PRIVATE_JWKS } from '../lib/test-only-keys.mts';
import type { SigningAlg } from './config.mts';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject | CryptoKey;
  publicKey: KeyObject | CryptoKey;
  /** The public JWK as served in the JWKS (kid, alg, use=sig). */
  publicJwk: JWK;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

async function fromPrivateJwk(jwk: JWK, alg: SigningAlg): Promise<SigningKey> {
  const kid = (await calculateJwkThumbprint(jwk)).slice(0, 16);
  const privateKey = (await importJWK(jwk, alg)) as KeyObject | CryptoKey;
  const publicJwk = Object.fromEntries(
    Object.entries(jwk).filter(([name]) => !(PRIVATE_MEMBERS as readonly string[]).includes(name)),
  ) as JWK;
  const publicKey = (await importJWK(publicJwk, alg)) as KeyObject | CryptoKey;
  return { kid, alg, privateKey, publicKey, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

/** Hands out distinct test keys within this process, fixtures first. */
export class KeyPool {
  private next: Record<SigningAlg, number> = { RS256: 0, ES256: 0 };

  async take(alg: SigningAlg): Promise<SigningKey> {
    const fixtures = alg === 'RS256' ? TEST_ONLY_RSA_PRIVATE_JWKS : TEST_ONLY_EC_PRIVATE_JWKS;
    const index = this.next[alg]++;
    const fixture = fixtures[index];
    if (fixture) return fromPrivateJwk(fixture, alg);
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    return fromPrivateJwk(await exportJWK(privateKey), alg);
  }
}

/** The keys of one authorization server: the active key plus retired ones still published. */
export class KeySet {
  private keys: SigningKey[];

  constructor(active: SigningKey) {
    this.keys = [active];
  }

  get active(): SigningKey {
    return this.keys[0] as SigningKey;
  }

  /** Publishes the new key first and keeps the previous one in the JWKS unless dropped. */
  rotate(next: SigningKey, keepPrevious = true): void {
    this.keys = keepPrevious ? [next, ...this.keys].slice(0, 3) : [next];
  }

  find(kid: string | undefined): SigningKey | undefined {
    return kid === undefined ? undefined : this.keys.find((k) => k.kid === kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }
}
