/**
 * The dialect layer on both databases: explicit transactions that commit, roll back (also after an
 * `await`) and nest as savepoints; on PostgreSQL (PGlite, in-process) the migrations, the
 * immutability and four-eyes triggers, the TRUNCATE / ON CONFLICT equivalents of SQLite's REPLACE
 * guard, the audit hash chain through `jsonb`, and schema parity with the SQLite schema.
 */
import { getTableColumns, getTableName, eq, asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditRowHash, GENESIS } from '../trust/chain.ts';
import { openStore, type AsyncDb, type OpenedStore } from './client.ts';
import { driverError, transaction } from './dialect.ts';
import { classify } from '../problem.ts';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';
import * as sqliteSchema from './schema.ts';
import * as pgSchema from './schema.pg.ts';
import { auditLog, regions, ruleFamilies, ruleVersions, runResults, runs } from './schema.ts';

const AT = '2026-01-01T00:00:00.000Z';

function region(code: string) {
  return { code, nameZh: code, kind: 'city', years: [2025], createdAt: AT, updatedAt: AT };
}

async function codes(db: AsyncDb): Promise<string[]> {
  return (await db.select({ code: regions.code }).from(regions).orderBy(asc(regions.code)).all()).map(
    (r) => r.code,
  );
}

/** The message of a driver error, unwrapped from drizzle's query wrapper. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (driverError(e) as Error).message;
  }
  return 'accepted';
}

// A real PostgreSQL server too, where its binaries are installed (CI installs Debian's package).
const cluster: PgCluster | { skip: string } = await startPgCluster();
if ('skip' in cluster) console.warn(`real PostgreSQL tests skipped: ${cluster.skip}`);
afterAll(() => {
  if (!('skip' in cluster)) cluster.stop();
});

describe.each([
  ['sqlite', ':memory:'],
  ['postgres (PGlite)', 'pglite:'],
  ['postgres (server)', 'skip' in cluster ? '' : cluster.url],
])('transactions on %s', (name, url) => {
  let store: OpenedStore;
  beforeAll(async () => {
    if (url) store = await openStore(url);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(({ skip }) => {
    if (!url) skip(`${name}: no PostgreSQL server`);
  });

  it('commits what the callback wrote', async () => {
    await transaction(store.db, async (tx) => {
      await tx.insert(regions).values(region('c1')).run();
      await new Promise((r) => setTimeout(r, 5)); // a real await, past the first microtask
      await tx.insert(regions).values(region('c2')).run();
    });
    expect(await codes(store.db)).toEqual(['c1', 'c2']);
  });

  it('rolls back everything when the callback throws after an await', async () => {
    await expect(
      transaction(store.db, async (tx) => {
        await tx.insert(regions).values(region('r1')).run();
        await new Promise((r) => setTimeout(r, 5));
        await tx.insert(regions).values(region('r2')).run();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await codes(store.db)).toEqual(['c1', 'c2']);
  });

  it('rolls back a failed statement with the rest of the transaction', async () => {
    const message = await refusal(
      transaction(store.db, async (tx) => {
        await tx.insert(regions).values(region('d1')).run();
        await tx.insert(regions).values(region('c1')).run(); // duplicate key
      }),
    );
    expect(message).toMatch(/unique|duplicate/i);
    expect(await codes(store.db)).toEqual(['c1', 'c2']);
  });

  it('answers a constraint violation as a 409 problem (SQLite and PostgreSQL codes alike)', async () => {
    let caught: unknown;
    await store.db.insert(regions).values(region('k1')).run();
    try {
      await store.db.insert(regions).values(region('k1')).run();
    } catch (e) {
      caught = e;
    }
    expect(classify(caught)).toMatchObject({ status: 409, code: 'constraint_violation' });
    await store.db.delete(regions).where(eq(regions.code, 'k1')).run();
  });

  it('makes a nested transaction a savepoint, also when the outer db is used inside', async () => {
    await transaction(store.db, async (tx) => {
      await tx.insert(regions).values(region('n1')).run();
      await expect(
        transaction(store.db, async (inner) => {
          await inner.insert(regions).values(region('n2')).run();
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      // The outer db inside the transaction reads the transaction's own writes.
      expect(await codes(store.db)).toContain('n1');
    });
    expect(await codes(store.db)).toEqual(['c1', 'c2', 'n1']);
  });

  it('runs concurrent transactions one after the other, each all-or-nothing', async () => {
    const results = await Promise.allSettled(
      ['p1', 'p2', 'p3'].map((code, i) =>
        transaction(store.db, async (tx) => {
          await tx.insert(regions).values(region(code)).run();
          await new Promise((r) => setTimeout(r, 3));
          if (i === 1) throw new Error('second fails');
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await codes(store.db)).toEqual(['c1', 'c2', 'n1', 'p1', 'p3']);
  });
});

describe('PostgreSQL schema, triggers and hash chain (PGlite)', () => {
  let store: OpenedStore;
  let db: AsyncDb;
  beforeAll(async () => {
    store = await openStore('pglite:');
    db = store.db;
    await db
      .insert(ruleFamilies)
      .values({ family: 'f', lastVersion: 2, createdBy: 'a', createdAt: AT })
      .run();
    const base = {
      family: 'f',
      year: 2025,
      document: '{"title":{"zh":"x"}}',
      contentHash: 'h',
      createdBy: 'alice',
      createdAt: AT,
      updatedBy: 'alice',
      updatedAt: AT,
    };
    await db
      .insert(ruleVersions)
      .values({ ...base, id: 1, version: 1 })
      .run();
    await db
      .insert(ruleVersions)
      .values({ ...base, id: 2, version: 2, year: 2026 })
      .run();
    await db
      .update(ruleVersions)
      .set({
        status: 'published',
        requestedBy: 'alice',
        requestedAt: AT,
        publishedBy: 'bob',
        publishedAt: AT,
        docNumber: '吉环考〔2025〕1号',
        effectiveDate: '2025-01-01',
      })
      .where(eq(ruleVersions.id, 1))
      .run();
    await db.insert(regions).values(region('220100')).run();
    await db
      .insert(runs)
      .values({
        id: 1,
        versionId: 1,
        year: 2025,
        status: 'running',
        documentHash: 'h',
        datasetHash: 'd',
        dataset: '{}',
        engineVersion: '1',
        createdBy: 'alice',
        createdAt: AT,
        byGrade: { A: 1 },
      })
      .run();
    await db
      .insert(runResults)
      .values({ runId: 1, position: 0, regionCode: '220100', rank: 1, grade: 'A', total: 91.5, result: '{}' })
      .run();
    await db.update(runs).set({ status: 'finished' }).where(eq(runs.id, 1)).run();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('declares the same tables and columns as the SQLite schema', () => {
    const tables = (mod: Record<string, unknown>) =>
      Object.fromEntries(
        Object.values(mod)
          .filter((t): t is Parameters<typeof getTableName>[0] => {
            try {
              return typeof getTableName(t as never) === 'string';
            } catch {
              return false;
            }
          })
          .map((t) => [
            getTableName(t),
            Object.fromEntries(
              Object.entries(
                getTableColumns(t as never) as Record<string, { name: string; notNull: boolean }>,
              )
                .map(([k, c]) => [k, `${c.name}${c.notNull ? ' not null' : ''}`])
                .sort(),
            ),
          ]),
      );
    expect(tables(pgSchema)).toEqual(tables(sqliteSchema));
  });

  it('refuses to change or delete a published version, but allows published -> retired', async () => {
    expect(
      await refusal(db.update(ruleVersions).set({ document: '{}' }).where(eq(ruleVersions.id, 1)).run()),
    ).toMatch(/^immutable: a published or retired rule version cannot be changed/);
    expect(await refusal(db.delete(ruleVersions).where(eq(ruleVersions.id, 1)).run())).toMatch(
      /^immutable: only draft rule versions can be deleted/,
    );
    // What SQLite's REPLACE guard stops: an upsert over the published row fires the UPDATE trigger.
    expect(
      await refusal(
        db
          .insert(ruleVersions)
          .values({
            id: 1,
            family: 'f',
            year: 2025,
            version: 1,
            document: '{"forged":true}',
            contentHash: 'forged',
            createdBy: 'mallory',
            createdAt: AT,
            updatedBy: 'mallory',
            updatedAt: AT,
          })
          .onConflictDoUpdate({ target: ruleVersions.id, set: { document: '{"forged":true}' } })
          .run(),
      ),
    ).toMatch(/^immutable:/);
    expect(await refusal(db.run(sql`TRUNCATE rule_versions CASCADE`))).toMatch(/^immutable:/);
    await db
      .update(ruleVersions)
      .set({ status: 'retired', retiredAt: AT, retiredBy: 'bob' })
      .where(eq(ruleVersions.id, 1))
      .run();
    const row = await db.select().from(ruleVersions).where(eq(ruleVersions.id, 1)).get();
    expect(row?.status).toBe('retired');
    expect(
      await refusal(db.update(ruleVersions).set({ status: 'published' }).where(eq(ruleVersions.id, 1)).run()),
    ).toMatch(/^immutable:/);
  });

  it('enforces four eyes: requester and approver differ, with a 文号 and an effective date', async () => {
    const publish = (by: string, docNumber: string | null) =>
      db
        .update(ruleVersions)
        .set({
          status: 'published',
          requestedBy: 'carol',
          requestedAt: AT,
          publishedBy: by,
          publishedAt: AT,
          docNumber,
          effectiveDate: '2026-01-01',
        })
        .where(eq(ruleVersions.id, 2))
        .run();
    expect(await refusal(publish('carol', '吉环考〔2026〕1号'))).toMatch(/^four_eyes:/);
    expect(await refusal(publish('dave', null))).toMatch(/^four_eyes:/);
    // A draft awaiting approval is locked.
    await db
      .update(ruleVersions)
      .set({ requestedBy: 'carol', requestedAt: AT })
      .where(eq(ruleVersions.id, 2))
      .run();
    expect(
      await refusal(
        db.update(ruleVersions).set({ document: '{}', revision: 2 }).where(eq(ruleVersions.id, 2)).run(),
      ),
    ).toMatch(/^immutable: a draft awaiting approval/);
    expect(await refusal(publish('dave', '吉环考〔2026〕1号'))).toBe('accepted');
  });

  it('keeps a finished run, its results and the version counter as they are', async () => {
    expect(await refusal(db.update(runs).set({ scored: 9 }).where(eq(runs.id, 1)).run())).toMatch(
      /^immutable: a finished run cannot be changed/,
    );
    expect(await refusal(db.delete(runResults).where(eq(runResults.runId, 1)).run())).toMatch(/^immutable:/);
    expect(
      await refusal(db.update(runResults).set({ total: 100 }).where(eq(runResults.runId, 1)).run()),
    ).toMatch(/^immutable:/);
    expect(
      await refusal(
        db
          .insert(runResults)
          .values({ runId: 1, position: 1, regionCode: 'x', rank: 2, grade: 'B', total: 1, result: '{}' })
          .run(),
      ),
    ).toMatch(/^immutable:/);
    expect(await refusal(db.run(sql`TRUNCATE run_results`))).toMatch(/^immutable:/);
    expect(
      await refusal(
        db.update(ruleFamilies).set({ lastVersion: 1 }).where(eq(ruleFamilies.family, 'f')).run(),
      ),
    ).toMatch(/^immutable: a rule family's version numbers only grow/);
    const run = await db.select().from(runs).where(eq(runs.id, 1)).get();
    expect(run?.byGrade).toEqual({ A: 1 }); // jsonb read back as the SQLite JSON column reads it
  });

  it('chains audit rows through jsonb details and refuses to edit, delete or truncate them', async () => {
    let previous = GENESIS;
    for (let id = 1; id <= 3; id++) {
      const row = {
        id,
        at: AT,
        user: 'alice',
        action: 'test.write',
        entity: 'test',
        entityId: String(id),
        beforeHash: null,
        afterHash: null,
        // Keys in an order jsonb does not keep, numbers it stores as numeric.
        detail: { zeta: 1e21, alpha: [0.1 + 0.2, -0, 'ü'], nested: { b: true, a: null } },
      };
      previous = auditRowHash(previous, row);
      await db
        .insert(auditLog)
        .values({ ...row, hash: previous })
        .run();
    }
    let check = GENESIS;
    for (const row of await db.select().from(auditLog).orderBy(asc(auditLog.id)).all()) {
      check = auditRowHash(check, row);
      expect(row.hash).toBe(check);
    }
    expect(
      await refusal(db.update(auditLog).set({ user: 'mallory' }).where(eq(auditLog.id, 2)).run()),
    ).toMatch(/^immutable: the audit log is append-only/);
    expect(await refusal(db.delete(auditLog).where(eq(auditLog.id, 3)).run())).toMatch(/^immutable:/);
    expect(await refusal(db.run(sql`TRUNCATE audit_log CASCADE`))).toMatch(/^immutable:/);
  });
});
