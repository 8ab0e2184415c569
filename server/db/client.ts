/**
 * Opening the database: better-sqlite3 with WAL, foreign keys and a busy timeout, drizzle on top,
 * migrations (drizzle-kit, `./migrations`) applied at open.
 *
 * @example
 * const { db, close } = openDatabase(':memory:');
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';
import { projectPath } from '../runtime.ts';

export type Schema = typeof schema;
/** The drizzle database every repository function takes first. `db.$client` is the raw handle. */
export type Db = BetterSQLite3Database<Schema> & { $client: Database.Database };

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
  /** The resolved file path, or `:memory:`. */
  path: string;
  close(): void;
}

export const DEFAULT_DB_PATH = './data/ecoscore.db';
export const MIGRATIONS_FOLDER = projectPath('server', 'db', 'migrations');

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
  const memory = path === ':memory:' || path === '';
  const file = memory ? ':memory:' : resolve(path);
  if (!memory && !opts.readonly) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file, { readonly: opts.readonly ?? false });
  try {
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
    if (!memory && !opts.readonly) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const db = drizzle({ client: sqlite, schema }) as Db;
    if (!opts.readonly) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db,
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
