// A Map bounded in entries whose values expire. Insertion order is the
// eviction order (oldest first), which is what a cache of short-lived tokens
// needs: no per-hit bookkeeping on the hot path.

export class ExpiringMap<V> {
  private readonly map = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string, nowMs = Date.now()): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expiresAtMs <= nowMs) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V, expiresAtMs: number, nowMs = Date.now()): void {
    if (this.maxEntries <= 0 || expiresAtMs <= nowMs) return;
    this.map.delete(key);
    this.map.set(key, { value, expiresAtMs });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
