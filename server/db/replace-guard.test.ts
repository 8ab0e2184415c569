/**
 * Migration 0002_replace_guard: `REPLACE INTO` / `INSERT OR REPLACE` delete the row they collide
 * with without firing DELETE triggers, so they could forge an audit entry, a published version or
 * a finished run. These tests mount that forgery with a raw client (the sqlite3 command line when
 * installed, and a bare better-sqlite3 connection with no pragmas) on a database file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from './audit.ts';
import { openDatabase } from './client.ts';
import { saveDatasetGrid } from './datasets.ts';
import { loadRegions, parseRegionsCsv } from './regions.ts';
import { createRun } from './runs.ts';
import { demoDocument, publishApproved, REGIONS_CSV } from './test-fixture.ts';
import { createDraft } from './versions.ts';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'ecoscore-replace-'));
const file = join(dir, 'live.db');
let ids: { version: number; run: number; audit: number; result: number; draft: number };

beforeAll(async () => {
  const h = openDatabase(file);
  await loadRegions(h.db, parseRegionsCsv(readFileSync(REGIONS_CSV, 'utf8')), 'system');
  const v = await createDraft(h.db, { document: demoDocument() }, 'a');
  const version = (await publishApproved(h.db, v.id)).id;
  await saveDatasetGrid(
    h.db,
    2024,
    { regions: [{ code: '220100', values: { pm25: 30, pm25_target: 34, projects: 3 } }] },
    { versionId: version, actor: 'a' },
  );
  const run = (await createRun(h.db, { versionId: version, year: 2024 }, 'a')).id;
  await appendAudit(h.db, { user: 'a', action: 'test.entry', entity: 'test', entityId: 1 });
  const audit = (h.sqlite.prepare('SELECT max(id) AS id FROM audit_log').get() as { id: number }).id;
  const result = (h.sqlite.prepare('SELECT min(id) AS id FROM run_results').get() as { id: number }).id;
  const draft = (await createDraft(h.db, { document: demoDocument(2025) }, 'a')).id;
  ids = { version, run, audit, result, draft };
  h.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Forgeries, each a statement that would silently replace an immutable row. */
const forgeries = (): [string, string][] => [
  [
    'audit_log',
    `REPLACE INTO audit_log (id, at, user, action, entity, entity_id, detail) SELECT id, at, 'mallory', action, entity, entity_id, detail FROM audit_log WHERE id = ${ids.audit}`,
  ],
  [
    'audit_log (INSERT OR REPLACE)',
    `INSERT OR REPLACE INTO audit_log (id, at, user, action, entity, entity_id, detail) SELECT id, at, 'mallory', action, entity, entity_id, detail FROM audit_log WHERE id = ${ids.audit}`,
  ],
  ['rule_versions', `REPLACE INTO rule_versions SELECT * FROM rule_versions WHERE id = ${ids.version}`],
  [
    'rule_versions (new id, same family and version)',
    `INSERT OR REPLACE INTO rule_versions (family, year, version, revision, status, document, content_hash, created_by, created_at, updated_by, updated_at) SELECT family, year, version, revision, 'draft', '{}', 'x', created_by, created_at, updated_by, updated_at FROM rule_versions WHERE id = ${ids.version}`,
  ],
  ['rule_families', `REPLACE INTO rule_families SELECT family, 0, created_by, created_at FROM rule_families`],
  ['runs', `REPLACE INTO runs SELECT * FROM runs WHERE id = ${ids.run}`],
  ['run_results', `REPLACE INTO run_results SELECT * FROM run_results WHERE id = ${ids.result}`],
];

describe('REPLACE cannot forge immutable rows (0002_replace_guard)', () => {
  it('refuses every forgery through a bare better-sqlite3 connection (no pragmas)', () => {
    const raw = new Database(file);
    try {
      const before = raw.prepare('SELECT count(*) AS n, max(id) AS last FROM audit_log').get();
      for (const [table, sql] of forgeries()) {
        expect(() => raw.prepare(sql).run(), table).toThrow(/immutable/);
      }
      expect(raw.prepare('SELECT user FROM audit_log WHERE id = ?').get(ids.audit)).toEqual({ user: 'a' });
      expect(raw.prepare('SELECT count(*) AS n, max(id) AS last FROM audit_log').get()).toEqual(before);
      expect(raw.prepare('SELECT status FROM rule_versions WHERE id = ?').get(ids.version)).toEqual({
        status: 'published',
      });
      // Drafts and new rows are untouched by the guard.
      expect(
        raw.prepare(`REPLACE INTO rule_versions SELECT * FROM rule_versions WHERE id = ?`).run(ids.draft)
          .changes,
      ).toBe(1);
    } finally {
      raw.close();
    }
  });

  it.skipIf(!existsSync('/usr/bin/sqlite3'))('refuses them through the sqlite3 command line', () => {
    for (const [table, sql] of forgeries()) {
      let failed = false;
      try {
        execFileSync('/usr/bin/sqlite3', [file, `${sql};`], { stdio: 'pipe' });
      } catch (e) {
        failed = true;
        expect(String((e as { stderr?: Buffer }).stderr), table).toMatch(/immutable/);
      }
      expect(failed, table).toBe(true);
    }
    const out = execFileSync('/usr/bin/sqlite3', [
      file,
      `SELECT user FROM audit_log WHERE id = ${ids.audit};`,
    ]);
    expect(String(out).trim()).toBe('a');
  });
});
