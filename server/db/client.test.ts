import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePathFromEnv, DEFAULT_DB_PATH, openDatabase } from './client.ts';

const migrationCount = (
  JSON.parse(readFileSync(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8')) as {
    entries: unknown[];
  }
).entries.length;
const dir = mkdtempSync(join(tmpdir(), 'ecoscore-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('opens an in-memory database with every migration applied and foreign keys on', () => {
    const { sqlite, close } = openDatabase(':memory:');
    try {
      const tables = (
        sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
          name: string;
        }[]
      ).map((t) => t.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'audit_log',
          'dataset_values',
          'regions',
          'rule_families',
          'rule_versions',
          'run_errors',
          'run_results',
          'runs',
          'sessions',
          'users',
        ]),
      );
      const triggers = sqlite
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger'")
        .get() as { n: number };
      expect(triggers.n).toBeGreaterThanOrEqual(14);
      expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(() =>
        sqlite
          .prepare(
            "INSERT INTO dataset_values (year, region_code, key, value, source, updated_by, updated_at) VALUES (2024, 'nope', 'k', '1', 'manual', 'a', 'x')",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      close();
    }
  });

  it('creates the directory of a file database, uses WAL, and reopens without re-migrating', () => {
    const path = join(dir, 'nested', 'deeper', 'eco.db');
    const a = openDatabase(path);
    expect(a.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    a.sqlite
      .prepare("INSERT INTO rule_families (family, created_by, created_at) VALUES ('f', 'a', 'x')")
      .run();
    a.close();
    expect(existsSync(path)).toBe(true);
    const b = openDatabase(path);
    expect(b.sqlite.prepare('SELECT family FROM rule_families').all()).toEqual([{ family: 'f' }]);
    expect(
      (b.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n,
    ).toBe(migrationCount);
    b.close();
  });

  it('takes the path from ECOSCORE_DB, defaulting to ./data/ecoscore.db', () => {
    expect(databasePathFromEnv({ ECOSCORE_DB: '/tmp/x.db' })).toBe('/tmp/x.db');
    expect(databasePathFromEnv({})).toBe(DEFAULT_DB_PATH);
    expect(databasePathFromEnv({ ECOSCORE_DB: ' ' })).toBe(DEFAULT_DB_PATH);
  });
});
