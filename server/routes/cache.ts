/**
 * A small least-recently-used cache, for values that cannot go stale (finished runs, which the
 * database keeps immutable) or whose key names their version (the audit log's newest id). The
 * engine's (engine/cache/lru.ts), shared.
 */
export { Lru } from '../../engine/cache/lru.ts';
