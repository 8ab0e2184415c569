/**
 * Opening a PostgreSQL database (15 or later): `postgres://user:pass@host:5432/db` through
 * node-postgres (a pool), or `pglite:` (in memory) / `pglite:/some/dir` through PGlite, PostgreSQL
 * compiled to WebAssembly and run in-process (the test suite's PostgreSQL; one process only).
 * Migrations from `./migrations-pg` are applied at open, under an advisory lock so that several
 * server processes starting together migrate once.
 *
 * JSON columns (`jsonb`) are read back as their text, like SQLite's, and `bigint` as a number.
 */
import pg from 'pg';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { projectPath } from '../runtime.ts';
import type { AsyncDb, OpenedStore } from './client.ts';
import { installPgFinishers, pgRoot, setStoreInfo } from './dialect.ts';

export const PG_MIGRATIONS_FOLDER = projectPath('server', 'db', 'migrations-pg');

/** The lock key that serialises migrations across processes. */
const MIGRATION_LOCK = 0x65636f6d; // 'ecom'

const OID = { int8: 20, numeric: 1700, json: 114, jsonb: 3802 } as const;
const asText = (v: string) => v;
const asNumber = (v: string) => Number(v);

/** The URL without its password, for logs and `/api/system`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export async function openPostgres(
  url: string,
  opts: { busyTimeoutMs?: number; readonly?: boolean } = {},
): Promise<OpenedStore> {
  installPgFinishers();
  if (/^pglite:/i.test(url)) return await openPglite(url);
  const parsers: Record<number, (v: string) => unknown> = {
    [OID.int8]: asNumber,
    [OID.numeric]: asNumber,
    [OID.json]: asText,
    [OID.jsonb]: asText,
  };
  // drizzle's node-postgres queries pass their own `types`, which fall back to pg's global parsers:
  // ours are set there too (this process reads PostgreSQL only through this module).
  for (const [oid, parse] of Object.entries(parsers)) pg.types.setTypeParser(Number(oid), parse);
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text'),
  } as pg.CustomTypesConfig;
  const pool = new pg.Pool({
    connectionString: url,
    types,
    max: Number(process.env.ECOSCORE_PG_POOL ?? 10),
  });
  try {
    const client = await pool.connect();
    try {
      // Read-only (`ecoscore verify`): the database is checked as it is, never migrated.
      if (opts.readonly) return storeOver(pool, url);
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await migratePg(drizzlePg({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end();
    throw e;
  }
  return storeOver(pool, url);
}

/** The repository's database over `pool`. */
function storeOver(pool: pg.Pool, url: string): OpenedStore {
  const db = pgRoot(drizzlePg({ client: pool })) as unknown as AsyncDb;
  setStoreInfo(db, { name: redactUrl(url), memory: false });
  return {
    db,
    dialect: 'postgres',
    path: redactUrl(url),
    close: () => pool.end(),
  };
}

async function openPglite(url: string): Promise<OpenedStore> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dir = url.replace(/^pglite:(\/\/)?/i, '');
  const client = new PGlite(dir === '' || dir === ':memory:' || dir === 'memory' ? undefined : dir, {
    parsers: {
      [OID.int8]: asNumber,
      [OID.numeric]: asNumber,
      [OID.json]: asText,
      [OID.jsonb]: asText,
    },
  });
  const wrapped = withParsers(client);
  try {
    await migrate(drizzle({ client: wrapped }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } catch (e) {
    await client.close();
    throw e;
  }
  const db = pgRoot(drizzle({ client: wrapped })) as unknown as AsyncDb;
  setStoreInfo(db, { name: url, memory: !client.dataDir });
  return {
    db,
    dialect: 'postgres',
    path: url,
    close: () => client.close(),
  };
}

/**
 * drizzle's PGlite driver passes its own parsers with every query (which replace the instance's),
 * so ours are merged into each query's: JSON as text, bigint and numeric as numbers.
 */
function withParsers<T extends object>(target: T): T {
  const ours = { [OID.int8]: asNumber, [OID.numeric]: asNumber, [OID.json]: asText, [OID.jsonb]: asText };
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'query')
        return (query: string, params?: unknown[], options?: { parsers?: object }) =>
          (t as unknown as { query: (...a: unknown[]) => unknown }).query(query, params, {
            ...options,
            parsers: { ...options?.parsers, ...ours },
          });
      if (prop === 'transaction')
        return (fn: (tx: object) => unknown) =>
          (t as unknown as { transaction: (f: (tx: object) => unknown) => unknown }).transaction((tx) =>
            fn(withParsers(tx)),
          );
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}
