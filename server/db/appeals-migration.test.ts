/**
 * Migration 0005 (appeals) on a database that already has users, sessions and data: SQLite cannot
 * change a CHECK constraint, so `users` and `dataset_values` are rebuilt — nothing may be lost, and
 * the foreign keys must still hold afterwards.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from './client.ts';

const dir = mkdtempSync(join(tmpdir(), 'ecoscore-0005-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 0005_appeals', () => {
  it('keeps users, sessions (dropped: everyone signs in again) and data, and adds the region column', () => {
    // The migrations before 0005.
    const before = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journal = JSON.parse(readFileSync(join(before, 'meta', '_journal.json'), 'utf8'));
    for (const e of journal.entries as { idx: number; tag: string }[])
      if (e.idx >= 5) rmSync(join(before, `${e.tag}.sql`));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < 5);
    writeFileSync(join(before, 'meta', '_journal.json'), JSON.stringify(journal));
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(drizzle({ client: old }), { migrationsFolder: before });
    const now = '2026-01-01T00:00:00.000Z';
    old.exec(`INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
      VALUES ('admin', 'A', 'admin', 'x', '${now}', '${now}'), ('ed', 'E', 'editor', 'y', '${now}', '${now}')`);
    old.exec(
      `INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES ('s', 1, '${now}', '${now}', '${now}')`,
    );
    old.exec(
      `INSERT INTO regions (code, name_zh, kind, years, created_at, updated_at) VALUES ('220100', '长春市', 'city', '[2024]', '${now}', '${now}')`,
    );
    old.exec(`INSERT INTO dataset_values (year, region_code, key, value, source, updated_by, updated_at)
      VALUES (2024, '220100', 'pm25', '31', 'import', 'ed', '${now}')`);
    old.close();

    const { sqlite, close } = openDatabase(file);
    try {
      expect(sqlite.prepare('SELECT id, username, role, region FROM users ORDER BY id').all()).toEqual([
        { id: 1, username: 'admin', role: 'admin', region: null },
        { id: 2, username: 'ed', role: 'editor', region: null },
      ]);
      expect(sqlite.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
      expect(sqlite.prepare('SELECT key, value, source FROM dataset_values').all()).toEqual([
        { key: 'pm25', value: '31', source: 'import' },
      ]);
      expect(sqlite.pragma('foreign_key_check')).toEqual([]);
      // The new checks: a region account needs a region that exists; appeal sources are well-formed.
      const ins = (role: string, region: string | null) =>
        sqlite
          .prepare(
            `INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at, region)
            VALUES (?, 'x', ?, 'z', '${now}', '${now}', ?)`,
          )
          .run(`u${Math.random()}`, role, region);
      expect(() => ins('region', '220100')).not.toThrow();
      expect(() => ins('region', null)).toThrow(/CHECK/);
      expect(() => ins('editor', '220100')).toThrow(/CHECK/);
      expect(() => ins('region', '999999')).toThrow(/FOREIGN KEY/);
      const src = (source: string) =>
        sqlite.prepare(`UPDATE dataset_values SET source = ? WHERE key = 'pm25'`).run(source);
      expect(() => src('appeal:12')).not.toThrow();
      for (const bad of ['appeal:', 'appeal:x', 'appeal:0', 'appeal:1x', 'other'])
        expect(() => src(bad), bad).toThrow(/CHECK/);
      // Sessions still reference users (the rebuilt table).
      sqlite.exec(
        `INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES ('t', 2, '${now}', '${now}', '${now}')`,
      );
      expect(() =>
        sqlite.exec(
          `INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES ('u', 99, '${now}', '${now}', '${now}')`,
        ),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      close();
    }
  });
});
