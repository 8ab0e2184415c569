/**
 * The two databases behind one repository (SPEC section 14): SQLite (better-sqlite3, synchronous)
 * and PostgreSQL (node-postgres, or PGlite in-process), both through drizzle.
 *
 * The repository is written once, against drizzle's query builder over the tables of schema.ts,
 * and is async throughout: every query is awaited (`await q.get()`, `await q.all()`,
 * `await q.run()`). On SQLite those calls return at once; on PostgreSQL drizzle's pg dialect renders
 * the same builder calls, and this module gives its builders the same three terminal methods.
 * schema.pg.ts derives the same tables from schema.ts in PostgreSQL's types (parity: dialect.test.ts).
 *
 * Transactions are explicit: `transaction(db, async (tx) => …)`. drizzle's better-sqlite3
 * transaction is synchronous and would commit an async callback at its first `await`, so on SQLite
 * this module runs `BEGIN IMMEDIATE` / `COMMIT` / `ROLLBACK` itself, one transaction at a time per
 * connection (a queue), nested calls becoming savepoints. On PostgreSQL it uses drizzle's
 * transaction and first takes a transaction-scoped advisory lock, so writers are serialised across
 * every process on the database exactly as SQLite serialises them (one writer at a time); readers
 * are never blocked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDatabase } from 'drizzle-orm/pg-core';
import { PgDeleteBase, PgInsertBase, PgSelectBase, PgUpdateBase } from 'drizzle-orm/pg-core';
import type { AsyncDb as Db } from './client.ts';

export type Dialect = 'sqlite' | 'postgres';

const DIALECT = Symbol.for('ecoscore.dialect');

/** Marks a drizzle database with its dialect (done by client.ts when it opens one). */
export function markDialect<T extends object>(db: T, dialect: Dialect): T {
  Object.defineProperty(db, DIALECT, { value: dialect, enumerable: false });
  return db;
}

/** Which database `db` (or a transaction of it) talks to. */
export function dialectOf(db: unknown): Dialect {
  return (db as Record<symbol, Dialect>)[DIALECT] ?? 'sqlite';
}

export function isPostgres(db: unknown): boolean {
  return dialectOf(db) === 'postgres';
}

/** The better-sqlite3 handle behind a SQLite `db`, or undefined on PostgreSQL. */
export function sqliteOf(db: unknown): Database.Database | undefined {
  return isPostgres(db) ? undefined : ((db as { $client: Database.Database }).$client ?? undefined);
}

/**
 * The object that stands for one open database (SQLite: the better-sqlite3 handle; PostgreSQL: the
 * pool's root database), the same for `db` and every transaction of it: the key of per-database
 * caches and signers.
 */
export function storeKey(db: unknown): object {
  if (isPostgres(db)) return rootOf(db);
  return (db as { $client?: object }).$client ?? (db as object);
}

export interface StoreInfo {
  /** The file path, `:memory:`, or the PostgreSQL URL without its password. */
  name: string;
  /** Whether the database disappears with the process (SQLite `:memory:`, PGlite without a directory). */
  memory: boolean;
}
const infos = new WeakMap<object, StoreInfo>();

/** Records what `db` is (client.ts and client-pg.ts do this when they open one). */
export function setStoreInfo(db: unknown, info: StoreInfo): void {
  infos.set(storeKey(db), info);
}

/** What `db` is: its name and whether it lives in memory. */
export function storeInfo(db: unknown): StoreInfo {
  const known = infos.get(storeKey(db));
  if (known) return known;
  const client = sqliteOf(db);
  if (client)
    return { name: client.name, memory: client.memory || client.name === ':memory:' || client.name === '' };
  return { name: 'postgres', memory: false };
}

/**
 * The member `key` of the JSON text in `column` (SQL): as JSON text (`'json'`, e.g. an object) or,
 * for a string member, as that string (`'text'`). SQLite's `json_extract`, PostgreSQL's `->`/`->>`.
 */
export function jsonMember(db: unknown, column: SQLWrapper, key: string, as: 'json' | 'text'): SQL {
  if (isPostgres(db))
    return as === 'json'
      ? sql`((${column})::jsonb -> ${sql.raw(`'${key.replace(/'/g, "''")}'`)})::text`
      : sql`((${column})::jsonb ->> ${sql.raw(`'${key.replace(/'/g, "''")}'`)})`;
  return sql`json_extract(${column}, ${sql.raw(`'$.${key.replace(/'/g, "''")}'`)})`;
}

/** The error a driver threw, without drizzle's `DrizzleQueryError` wrapper. */
export function driverError(e: unknown): unknown {
  let cur = e;
  for (
    let i = 0;
    i < 3 && cur instanceof Error && cur.cause instanceof Error && cur.message.startsWith('Failed query:');
    i++
  )
    cur = cur.cause;
  return cur;
}

// ---- Transactions -------------------------------------------------------------------------------

/** The lock key every writing transaction on PostgreSQL takes (`pg_advisory_xact_lock`). */
export const PG_WRITE_LOCK = 0x65636f73; // 'ecos'

interface SqliteTxState {
  db: object;
  depth: number;
}
const sqliteTx = new AsyncLocalStorage<SqliteTxState>();
const sqliteQueues = new WeakMap<object, Promise<unknown>>();
/** SQLite connections with an async transaction open (between BEGIN IMMEDIATE and COMMIT/ROLLBACK). */
const sqliteOpen = new WeakSet<object>();

/**
 * Whether a query on `client` from the current async context must wait: an async transaction is
 * open on the connection and the caller is not inside it. (On SQLite's one connection, such a query
 * would otherwise run inside that transaction: a read would see its uncommitted rows, a write would
 * commit or roll back with it.)
 */
function mustWait(client: object): boolean {
  return sqliteOpen.has(client) && sqliteTx.getStore()?.db !== client;
}

async function waitFree(client: object): Promise<void> {
  while (mustWait(client)) await (sqliteQueues.get(client) ?? Promise.resolve()).catch(() => undefined);
}

/**
 * Resolves once `db` may be queried outside a transaction (SQLite: no other request's async
 * transaction is open on the connection); undefined when it may at once. For code that runs its own
 * better-sqlite3 statements; queries through drizzle wait by themselves (`guardSqliteQueries`).
 */
export function sqliteFree(db: unknown): Promise<void> | undefined {
  const client = sqliteOf(db);
  return client && mustWait(client) ? waitFree(client) : undefined;
}

let guarded = false;

/**
 * Makes every drizzle query on a better-sqlite3 connection made from outside an open async
 * transaction wait until that transaction has finished (it then returns a promise; the repository
 * awaits every query anyway). Called when a SQLite database is opened. Idempotent.
 */
export function guardSqliteQueries(proto: Record<string, unknown>): void {
  if (guarded) return;
  guarded = true;
  for (const name of ['run', 'all', 'get', 'values']) {
    const original = proto[name] as (this: { stmt: { database: object } }, ...a: unknown[]) => unknown;
    proto[name] = function (this: { stmt: { database: object } }, ...args: unknown[]) {
      const client = this.stmt.database;
      if (mustWait(client)) return waitFree(client).then(() => original.apply(this, args));
      return original.apply(this, args);
    };
  }
}

interface PgTxState {
  root: object;
  tx: Db;
}
const pgTx = new AsyncLocalStorage<PgTxState>();

/**
 * Runs `fn` in one transaction: everything it writes is committed when it resolves and rolled back
 * when it throws (or rejects). Inside, `fn` gets the transaction to query with; a nested call (with
 * the outer `db` or the `tx`) becomes a savepoint, so an inner failure that the outer code catches
 * undoes only the inner part.
 */
export async function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return isPostgres(db) ? await pgTransaction(db, fn) : await sqliteTransaction(db, fn);
}

async function sqliteTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const client = sqliteOf(db)!;
  const active = sqliteTx.getStore();
  if (active && active.db === client) {
    const name = `sp${++active.depth}`;
    client.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(db);
      client.exec(`RELEASE ${name}`);
      return result;
    } catch (e) {
      client.exec(`ROLLBACK TO ${name}`);
      client.exec(`RELEASE ${name}`);
      throw e;
    } finally {
      active.depth--;
    }
  }
  // One transaction at a time on this connection: later ones wait for the earlier to finish.
  const previous = sqliteQueues.get(client) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  sqliteQueues.set(
    client,
    previous.then(() => mine),
  );
  await previous.catch(() => undefined);
  try {
    return await sqliteTx.run({ db: client, depth: 0 }, async () => {
      client.exec('BEGIN IMMEDIATE');
      sqliteOpen.add(client);
      try {
        const result = await fn(db);
        client.exec('COMMIT');
        return result;
      } catch (e) {
        if (client.inTransaction) client.exec('ROLLBACK');
        throw e;
      } finally {
        sqliteOpen.delete(client);
      }
    });
  } finally {
    release();
  }
}

const ROOT = Symbol.for('ecoscore.root');

function rootOf(db: unknown): object {
  return (db as { [ROOT]?: object })[ROOT] ?? (db as object);
}

function wrapPgTx(tx: object, root: object): Db {
  Object.defineProperty(tx, DIALECT, { value: 'postgres', configurable: true });
  Object.defineProperty(tx, ROOT, { value: root, configurable: true });
  return tx as unknown as Db;
}

async function pgTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const root = rootOf(db);
  const active = pgTx.getStore();
  const run = (tx: object) => {
    const wrapped = wrapPgTx(tx, root);
    return pgTx.run({ root, tx: wrapped }, () => fn(wrapped));
  };
  if (active && active.root === root)
    return (active.tx as unknown as PgDatabase<never>).transaction(run) as Promise<T>;
  return (root as PgDatabase<never>).transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${PG_WRITE_LOCK})`);
    return await run(tx);
  }) as Promise<T>;
}

/**
 * The PostgreSQL database as the repository sees it: while a `transaction(db, …)` is running in the
 * current async context, every query made through `db` goes to that transaction's connection
 * (repository functions handed the outer `db` still read and write inside it, as on SQLite's single
 * connection); otherwise queries go to the pool.
 */
export function pgRoot<T extends object>(db: T): T {
  markDialect(db, 'postgres');
  Object.defineProperty(db, ROOT, { value: db, enumerable: false });
  return new Proxy(db, {
    get(target, prop) {
      const active = pgTx.getStore();
      const source = active && active.root === target ? (active.tx as object) : target;
      const value = Reflect.get(source, prop, source) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(source) : value;
    },
  });
}

// ---- drizzle's pg builders, finished like SQLite's -------------------------------------------------

interface Executable {
  execute(): Promise<unknown>;
}

function affected(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number } | unknown[];
  if (Array.isArray(r)) return r.length;
  return r?.rowCount ?? r?.affectedRows ?? 0;
}

function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  return (result as { rows?: unknown[] }).rows ?? [];
}

let patched = false;

/**
 * Gives drizzle's pg query builders (select, insert, update, delete) and database the terminal
 * methods of the SQLite ones, as promises: `.get()` (first row or undefined), `.all()` (rows),
 * `.run()` (`{ changes }`), and `db.get/all/run(sql)` for raw SQL. Idempotent.
 */
export function installPgFinishers(): void {
  if (patched) return;
  patched = true;
  for (const cls of [PgSelectBase, PgInsertBase, PgUpdateBase, PgDeleteBase] as unknown as {
    prototype: Executable & Record<string, unknown>;
  }[]) {
    Object.assign(cls.prototype, {
      async get(this: Executable) {
        return rowsOf(await this.execute())[0];
      },
      async all(this: Executable) {
        return rowsOf(await this.execute());
      },
      async run(this: Executable) {
        return { changes: affected(await this.execute()) };
      },
    });
  }
  Object.assign((PgDatabase as unknown as { prototype: Record<string, unknown> }).prototype, {
    async get(this: PgDatabase<never>, query: SQL) {
      return rowsOf(await this.execute(query))[0];
    },
    async all(this: PgDatabase<never>, query: SQL) {
      return rowsOf(await this.execute(query));
    },
    async run(this: PgDatabase<never>, query: SQL) {
      return { changes: affected(await this.execute(query)) };
    },
  });
}
