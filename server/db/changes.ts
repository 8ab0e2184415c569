/**
 * Change notices for caches of what the database holds: a repository function that changes a
 * user or ends sessions says so here, after its transaction commits, and caches (the session
 * cache of server/auth/store.ts) forget what they kept. Per database handle.
 *
 * @example onUserChange(db, (userId) => cache.forgetUser(userId)); userChanged(db, 7)
 */
import type { Tx } from './audit.ts';

type Listener = (userId: number | undefined, sessionId: string | undefined) => void;
const listeners = new WeakMap<object, Set<Listener>>();

/** Calls `fn` whenever a user changes (any field, password, sessions) or a session ends. */
export function onUserChange(db: Tx, fn: Listener): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

/** A user changed (or all their sessions ended). */
export function userChanged(db: Tx, userId: number): void {
  for (const fn of listeners.get(db) ?? []) fn(userId, undefined);
}

/** One session ended. */
export function sessionEnded(db: Tx, sessionId: string): void {
  for (const fn of listeners.get(db) ?? []) fn(undefined, sessionId);
}
