/**
 * The PostgreSQL schema, derived from schema.ts: every table is declared once, there, and this
 * module translates each SQLite table into the same PostgreSQL table (same names, columns, keys,
 * indexes and checks) in PostgreSQL's types: identity ids, `boolean`, `double precision`, `bytea`,
 * and `jsonb` for the JSON columns that are read whole and never hashed as text (region years, a
 * run's grade counts and warnings, audit details, settings). Rule documents, results, errors and
 * datasets stay `text`: their bytes are what their hashes cover.
 *
 * The repository is written against schema.ts and runs on PostgreSQL through the pg dialect
 * (dialect.ts), so these tables serve drizzle-kit, which writes migrations-pg/ from this file
 * (drizzle.pg.config.ts; the triggers are in migrations-pg/*_immutability.sql), and the parity test.
 * What PostgreSQL stores or spells differently is listed below, nothing else.
 */
import { Column, getTableColumns, getTableName, is, SQL, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  type AnyPgColumn,
  type PgColumn,
  type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as sqlite from './schema.ts';

/** PostgreSQL's byte string, as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

type PgType = 'integer' | 'identity' | 'bigint' | 'boolean' | 'text' | 'jsonb' | 'double' | 'bytea';

/** The PostgreSQL type of each kind of SQLite column. */
const BY_SQLITE_TYPE: Record<string, PgType> = {
  SQLiteInteger: 'integer',
  SQLiteBoolean: 'boolean',
  SQLiteText: 'text',
  SQLiteTextJson: 'jsonb',
  SQLiteReal: 'double',
  SQLiteBlobBuffer: 'bytea',
};

/** Columns (`table.column`) PostgreSQL stores in another type than their SQLite kind implies. */
const PG_TYPES: Record<string, PgType> = {
  // JSON text in SQLite, read whole: jsonb.
  'runs.warnings': 'jsonb',
  'settings.value': 'jsonb',
  // Epoch milliseconds exceed PostgreSQL's 32-bit integer.
  'login_throttle.last_failure': 'bigint',
  'login_throttle.locked_until': 'bigint',
};

type PgColumns = Record<string, PgColumn>;

/** Conditions (by index or check name) PostgreSQL spells differently: a regular expression for GLOB, quoted names. */
const PG_SQL: Record<string, (t: PgColumns) => SQL> = {
  rule_versions_one_published: () => sql`"status" = 'published'`,
  run_publications_one_published: () => sql`"status" = 'published' AND "supersedes" IS NULL`,
  run_publications_one_correction: () => sql`"status" = 'published' AND "supersedes" IS NOT NULL`,
  dataset_values_source_check: (t) =>
    sql`${t.source} IN ('provincial', 'national', 'manual', 'import') OR ${t.source} ~ '^appeal:[1-9][0-9]*$'`,
};

/** The chainable part of a PostgreSQL column builder that the translation uses. */
interface PgBuilder {
  primaryKey(): PgBuilder;
  notNull(): PgBuilder;
  default(value: unknown): PgBuilder;
  generatedByDefaultAsIdentity(): PgBuilder;
  references(ref: () => AnyPgColumn, actions: { onUpdate?: never; onDelete?: never }): PgBuilder;
}

function builder(type: PgType, name: string, column: SQLiteColumn): PgBuilder {
  const made = {
    integer: () => integer(name),
    identity: () => integer(name).generatedByDefaultAsIdentity(),
    bigint: () => bigint(name, { mode: 'number' }),
    boolean: () => boolean(name),
    text: () => text(name, { enum: column.enumValues as [string, ...string[]] | undefined }),
    jsonb: () => jsonb(name),
    double: () => doublePrecision(name),
    bytea: () => bytea(name),
  }[type]();
  return made as unknown as PgBuilder;
}

type SqliteTables = {
  [K in keyof typeof sqlite as (typeof sqlite)[K] extends SQLiteTable ? K : never]: (typeof sqlite)[K];
};
type PgTables = { [K in keyof SqliteTables]: PgTableWithColumns<any> };

/** Translates every table of schema.ts; foreign keys resolve lazily, like drizzle's own references. */
function translate(): PgTables {
  const tables = (Object.entries(sqlite) as [string, unknown][]).filter((e): e is [string, SQLiteTable] =>
    is(e[1], SQLiteTable),
  );
  const out: Record<string, PgTableWithColumns<any>> = {};
  const key = (column: Column) =>
    Object.entries(getTableColumns(column.table)).find(([, c]) => c === column)![0];
  const pgColumn = (column: Column): AnyPgColumn => {
    const table = tables.find(([, t]) => t === column.table)![0];
    return out[table][key(column)] as AnyPgColumn;
  };
  /** The same SQL with the SQLite columns it names replaced by their PostgreSQL twins. */
  const remap = (q: SQL): SQL =>
    new SQL(q.queryChunks.map((c) => (is(c, Column) ? pgColumn(c) : is(c, SQL) ? remap(c) : c)));

  for (const [name, table] of tables) {
    const config = getTableConfig(table);
    const columns: Record<string, PgBuilder> = {};
    for (const [k, column] of Object.entries(getTableColumns(table)) as [string, SQLiteColumn][]) {
      const autoIncrement = (column as { autoIncrement?: boolean }).autoIncrement;
      const type = PG_TYPES[`${config.name}.${column.name}`] ?? BY_SQLITE_TYPE[column.columnType];
      if (!type) throw new Error(`schema.pg.ts: no PostgreSQL type for ${config.name}.${column.name}`);
      let b = builder(autoIncrement ? 'identity' : type, column.name, column);
      if (column.primary) b = b.primaryKey();
      if (column.notNull && !column.primary) b = b.notNull();
      if (column.default !== undefined)
        b = b.default(
          type === 'jsonb' && typeof column.default === 'string'
            ? JSON.parse(column.default)
            : column.default,
        );
      for (const fk of config.foreignKeys) {
        const ref = fk.reference();
        if (ref.columns.length !== 1 || ref.columns[0] !== column) continue;
        b = b.references(() => pgColumn(fk.reference().foreignColumns[0]), {
          onUpdate: fk.onUpdate as never,
          onDelete: fk.onDelete as never,
        });
      }
      columns[k] = b;
    }
    out[name] = pgTable(config.name, columns as never, (t: PgColumns) => [
      ...config.indexes.map(({ config: ix }) => {
        const made = (ix.unique ? uniqueIndex : index)(ix.name).on(
          ...(ix.columns.map((c) => t[key(c as Column)]) as [PgColumn]),
        );
        const where = PG_SQL[ix.name]?.(t) ?? (ix.where && remap(ix.where));
        return where ? made.where(where) : made;
      }),
      ...config.checks.map((c) => check(c.name, PG_SQL[c.name]?.(t) ?? remap(c.value))),
    ]);
  }
  return out as PgTables;
}

export const {
  users,
  sessions,
  regions,
  ruleFamilies,
  ruleVersions,
  datasetValues,
  runs,
  runResults,
  runErrors,
  auditLog,
  signingKeys,
  runPublications,
  dataChanges,
  settings,
  loginThrottle,
  appeals,
  appealEvidence,
  appealDecisions,
  correctionAppeals,
  runConsequences,
} = translate();
