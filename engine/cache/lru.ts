/**
 * A small least-recently-used cache with a fixed number of entries, for values that cannot go
 * stale for their key (anything keyed by a content hash, finished runs, published versions).
 *
 * @example const lru = new Lru<string, number>(2); lru.getOr('a', () => 1) // 1, computed once
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  /** @param size the most entries kept; the least recently used goes first. */
  constructor(readonly size: number) {}

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: K, value: V): V {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.size) this.map.delete(this.map.keys().next().value as K);
    return value;
  }

  /** The cached value, or `make()` stored under the key. */
  getOr(key: K, make: () => V): V {
    return this.get(key) ?? this.set(key, make());
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  /** The entries, least recently used first. */
  entries(): [K, V][] {
    return [...this.map.entries()];
  }

  get count(): number {
    return this.map.size;
  }
}
