/**
 * SQLite has one connection per process, and an async transaction (`transaction(db, …)`) stays open
 * across its `await`s. A query another request makes meanwhile must not land inside it: a read would
 * see the transaction's uncommitted rows, a write would be committed — or rolled back — with it.
 * Such queries wait until the transaction has finished.
 */
import { asc, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from './client.ts';
import { sqliteFree, transaction } from './dialect.ts';
import { regions } from './schema.ts';

const AT = '2026-01-01T00:00:00.000Z';
const region = (code: string) => ({
  code,
  nameZh: code,
  kind: 'city',
  years: [2025],
  createdAt: AT,
  updatedAt: AT,
});
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('SQLite: requests do not interleave into an open async transaction', () => {
  let s: OpenedStore;
  beforeEach(async () => {
    s = await openStore(':memory:');
  });
  afterEach(async () => {
    await s.close();
  });
  const codes = async () =>
    (await s.db.select({ code: regions.code }).from(regions).orderBy(asc(regions.code)).all()).map(
      (r) => r.code,
    );

  it('a write made during a transaction that rolls back is kept, and lands after it', async () => {
    const order: string[] = [];
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const failing = transaction(s.db, async (tx) => {
      await tx.insert(regions).values(region('A')).run();
      inside();
      await tick();
      await tick();
      order.push('tx fails');
      throw new Error('boom');
    });
    await started;
    // Another request's bare write while the transaction is open.
    const bare = (async () => {
      await s.db.insert(regions).values(region('B')).run();
      order.push('bare write');
    })();
    await expect(failing).rejects.toThrow('boom');
    await bare;
    expect(order).toEqual(['tx fails', 'bare write']);
    expect(await codes()).toEqual(['B']);
  });

  it('a read made during a transaction waits for it and never sees half of it', async () => {
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const importing = transaction(s.db, async (tx) => {
      await tx.insert(regions).values(region('A')).run();
      inside();
      await tick();
      await tx.insert(regions).values(region('B')).run();
    });
    await started;
    expect(sqliteFree(s.db)).toBeInstanceOf(Promise);
    const seen = await codes();
    await importing;
    // The read waited for the commit: it sees both rows, not A alone.
    expect(seen).toEqual(['A', 'B']);
    expect(sqliteFree(s.db)).toBeUndefined();
  });

  it('two concurrent transactions run one after the other, each all-or-nothing', async () => {
    const log: string[] = [];
    const write = (name: string, codesToAdd: string[], fail: boolean) =>
      transaction(s.db, async (tx) => {
        for (const c of codesToAdd) {
          await tx.insert(regions).values(region(c)).run();
          log.push(`${name}:${c}`);
          await tick();
        }
        if (fail) throw new Error(`${name} fails`);
      });
    const results = await Promise.allSettled([
      write('x', ['X1', 'X2'], true),
      write('y', ['Y1', 'Y2'], false),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(log).toEqual(['x:X1', 'x:X2', 'y:Y1', 'y:Y2']);
    expect(await codes()).toEqual(['Y1', 'Y2']);
    // Raw SQL through drizzle waits too.
    const count = await s.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM regions`);
    expect(count?.n).toBe(2);
  });
});
