import { describe, expect, it } from 'vitest';
import { tokenHasher } from '../../scripts/token-exchange-proxy/token-hash.mts';
import { sha256 } from '../../scripts/token-exchange-proxy/token-validator.mts';

describe('tokenHasher', () => {
  it('gives the same key as sha256, first time and again', () => {
    const hash = tokenHasher();
    for (const t of ['a.b.c', 'a.b.c', 'x'.repeat(900), 'a.b.d']) expect(hash(t)).toBe(sha256(t));
  });

  it('stays bounded and still answers for tokens it forgot', () => {
    const hash = tokenHasher(3);
    const tokens = Array.from({ length: 10 }, (_, i) => `token-${i}`);
    for (const t of tokens) hash(t);
    // the first tokens were evicted; their keys are computed again, unchanged
    for (const t of tokens) expect(hash(t)).toBe(sha256(t));
  });
});
