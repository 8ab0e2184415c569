/**
 * Opening the database. `ECOSCORE_DB` names it: a SQLite file (the default, `./data/ecoscore.db`) —
 * better-sqlite3 with WAL, foreign keys and a busy timeout, migrations from `./migrations` — or a
 * PostgreSQL URL (`postgres://…`, see client-pg.ts) with migrations from `./migrations-pg`.
 * Either way the repository gets the same `Db` (server/db/dialect.ts).
 *
 * @example
 * const { db, close } = await openStore(':memory:');
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { PreparedQuery } from 'drizzle-orm/better-sqlite3';
import { guardSqliteQueries, markDialect, type Dialect } from './dialect.ts';
import * as schema from './schema.ts';
import { projectPath } from '../runtime.ts';

export type Schema = typeof schema;
/** What `.run()` resolves to: how many rows the statement changed. */
export interface RunResult {
  changes: number;
}

/** The synchronous better-sqlite3 drizzle database (`db.$client` is the raw handle). */
export type SqliteDb = BetterSQLite3Database<Schema> & { $client: Database.Database };

/**
 * The drizzle database every repository function takes first, on either dialect: the async view
 * (`AsyncDb`). On SQLite the values are there at once; awaiting them costs nothing.
 */
export type Db = AsyncDb;

/**
 * The database on either dialect, as the async repository sees it (server/db/dialect.ts): queries
 * are awaited (`await q.get()`, `.all()`, `.run()`); transactions go through `transaction(db, fn)`
 * (drizzle's own `db.transaction` is left out: on SQLite it cannot span an `await`).
 */
export type AsyncDb = Omit<BaseSQLiteDatabase<'async', RunResult, Schema>, 'transaction'>;

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
  /** The resolved file path, or `:memory:`. */
  path: string;
  close(): void;
}

/** A database opened by `openStore`, SQLite or PostgreSQL. */
export interface OpenedStore {
  db: AsyncDb;
  dialect: Dialect;
  /** The better-sqlite3 handle (SQLite only). */
  sqlite?: Database.Database;
  /** The resolved file path, `:memory:`, or the PostgreSQL URL without its password. */
  path: string;
  close(): Promise<void>;
}

export const DEFAULT_DB_PATH = './data/ecoscore.db';
export const MIGRATIONS_FOLDER = projectPath('server', 'db', 'migrations');

/** Whether `ECOSCORE_DB` names a PostgreSQL database (`postgres://`, `postgresql://`, `pglite:`). */
export function isPostgresUrl(path: string): boolean {
  return /^(postgres(ql)?:\/\/|pglite:)/i.test(path.trim());
}

/** The database path from `ECOSCORE_DB`, defaulting to `./data/ecoscore.db`. */
export function databasePathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.ECOSCORE_DB && env.ECOSCORE_DB.trim() !== '' ? env.ECOSCORE_DB : DEFAULT_DB_PATH;
}

/**
 * Opens (creating if needed) the database at `path` (`:memory:` for a private in-memory one) and
 * applies pending migrations. The file's directory is created when missing.
 */
export function openDatabase(
  path: string = databasePathFromEnv(),
  opts: { busyTimeoutMs?: number; readonly?: boolean } = {},
): OpenedDatabase {
  if (isPostgresUrl(path))
    throw new Error(
      'ECOSCORE_DB names a PostgreSQL database: this opens SQLite files only (the server opens PostgreSQL through openStore; `ecoscore backup` and `verify` do not support PostgreSQL yet — use pg_dump)',
    );
  const memory = path === ':memory:' || path === '';
  const file = memory ? ':memory:' : resolve(path);
  if (!memory && !opts.readonly) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file, { readonly: opts.readonly ?? false });
  try {
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
    if (!memory && !opts.readonly) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    guardSqliteQueries(PreparedQuery.prototype as unknown as Record<string, unknown>);
    const db = markDialect(drizzle({ client: sqlite, schema }), 'sqlite') as SqliteDb;
    if (!opts.readonly) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db: db as unknown as Db,
      sqlite,
      path: file,
      close: () => {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (e) {
    sqlite.close();
    throw e;
  }
}

/**
 * Opens the database `ECOSCORE_DB` names (or `path`): PostgreSQL for a `postgres://` or `pglite:` URL,
 * else the SQLite file (`:memory:` for a private in-memory one). Pending migrations are applied.
 */
export async function openStore(
  path: string = databasePathFromEnv(),
  opts: { busyTimeoutMs?: number; readonly?: boolean } = {},
): Promise<OpenedStore> {
  if (isPostgresUrl(path)) {
    const { openPostgres } = await import('./client-pg.ts');
    return openPostgres(path, opts);
  }
  const opened = openDatabase(path, opts);
  return {
    db: opened.db,
    dialect: 'sqlite',
    sqlite: opened.sqlite,
    path: opened.path,
    close: async () => opened.close(),
  };
}
