/**
 * A small least-recently-used cache, for values that cannot go stale (finished runs, which the
 * database keeps immutable) or whose key names their version (the audit log's newest id).
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly size: number) {}

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
}
