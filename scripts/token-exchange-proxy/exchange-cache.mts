// Exchanged tokens, cached per (subject token, audience, scopes, subject token
// type). One cache belongs to one exchange configuration, so audience, scopes
// and type are fixed and the key is the subject token's SHA-256. An entry
// lives until `marginMs` before the earlier of the issued token's and the
// subject token's expiry; concurrent misses for one key share one exchange
// (single-flight). ToolHive caches nothing (stacklok/toolhive#2045).
import { ExpiringMap } from './bounded-map.mts';
import type { ExchangedToken } from './token-exchange.mts';

export interface CachedExchange {
  /** The ready-made header value, `Bearer <token>`. */
  headerValue: string;
}

export type CacheOutcome = 'hit' | 'miss' | 'shared';

export class ExchangeCache {
  private readonly entries: ExpiringMap<CachedExchange>;
  private readonly inflight = new Map<string, Promise<CachedExchange>>();

  constructor(
    maxEntries: number,
    private readonly marginMs: number,
  ) {
    this.entries = new ExpiringMap(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A live entry for `key` (exact match), synchronously: the warm path. */
  peek(key: string): CachedExchange | undefined {
    return this.entries.get(key);
  }

  /** `subjectExpMs` is only asked for on a miss. */
  async get(
    key: string,
    subjectExpMs: () => number,
    exchange: () => Promise<ExchangedToken>,
    onOutcome: (o: CacheOutcome) => void,
  ): Promise<CachedExchange> {
    const hit = this.entries.get(key);
    if (hit) {
      onOutcome('hit');
      return hit;
    }
    const pending = this.inflight.get(key);
    if (pending) {
      onOutcome('shared');
      return pending;
    }
    onOutcome('miss');
    const subjectExp = subjectExpMs();
    const p = exchange()
      .then((t) => {
        const value = { headerValue: `Bearer ${t.accessToken}` };
        const until = Math.min(t.expiresAtMs ?? subjectExp, subjectExp) - this.marginMs;
        this.entries.set(key, value, until);
        return value;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
}
