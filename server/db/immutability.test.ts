/**
 * The database itself refuses changes to published/retired rule versions, finished runs and the
 * audit log: these tests go around the repositories with raw SQL.
 */
import { describe, expect, it } from 'vitest';
import { saveDatasetGrid } from './datasets.ts';
import { createRun } from './runs.ts';
import { demoDocument, publishApproved, useFreshDb } from './test-fixture.ts';
import { createDraft, getVersion } from './versions.ts';
import { requestPublication } from './version-publication.ts';

const h = useFreshDb();

const IMMUTABLE = /immutable/;

async function published(): Promise<number> {
  const v = await createDraft(h.db, { document: demoDocument() }, 'a');
  return (await publishApproved(h.db, v.id)).id;
}

describe('rule versions', () => {
  it('a draft can be changed and deleted with raw SQL', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'a');
    expect(h.sqlite.prepare("UPDATE rule_versions SET doc_number = 'x' WHERE id = ?").run(v.id).changes).toBe(
      1,
    );
    expect(h.sqlite.prepare('DELETE FROM rule_versions WHERE id = ?').run(v.id).changes).toBe(1);
  });

  it.each([
    ["document = '{}'"],
    ["content_hash = 'x'"],
    ['revision = revision + 1'],
    ['year = year + 1'],
    ["doc_number = '改'"],
    ["published_by = 'mallory'"],
    ["status = 'draft'"],
    ["status = 'retired'"], // without retired_at / retired_by
  ])('a published version refuses UPDATE SET %s', async (set) => {
    const id = await published();
    const before = h.sqlite.prepare('SELECT * FROM rule_versions WHERE id = ?').get(id);
    expect(() => h.sqlite.prepare(`UPDATE rule_versions SET ${set} WHERE id = ?`).run(id)).toThrow(IMMUTABLE);
    expect(h.sqlite.prepare('SELECT * FROM rule_versions WHERE id = ?').get(id)).toEqual(before);
  });

  it('a published version refuses DELETE', async () => {
    const id = await published();
    expect(() => h.sqlite.prepare('DELETE FROM rule_versions WHERE id = ?').run(id)).toThrow(IMMUTABLE);
    expect((await getVersion(h.db, id)).status).toBe('published');
  });

  it('allows exactly published → retired (setting retired_at and retired_by), then nothing', async () => {
    const id = await published();
    expect(() =>
      h.sqlite
        .prepare(
          "UPDATE rule_versions SET status = 'retired', retired_at = 'now', retired_by = 'x', document = '{}' WHERE id = ?",
        )
        .run(id),
    ).toThrow(IMMUTABLE);
    h.sqlite
      .prepare(
        "UPDATE rule_versions SET status = 'retired', retired_at = '2025-01-01T00:00:00.000Z', retired_by = 'x' WHERE id = ?",
      )
      .run(id);
    expect((await getVersion(h.db, id)).status).toBe('retired');
    expect(() =>
      h.sqlite.prepare("UPDATE rule_versions SET status = 'published' WHERE id = ?").run(id),
    ).toThrow(IMMUTABLE);
    expect(() =>
      h.sqlite.prepare("UPDATE rule_versions SET retired_at = 'later' WHERE id = ?").run(id),
    ).toThrow(IMMUTABLE);
    expect(() => h.sqlite.prepare('DELETE FROM rule_versions WHERE id = ?').run(id)).toThrow(IMMUTABLE);
  });

  it('a second published version for the same family and year is refused by the database', async () => {
    await published();
    const v = await createDraft(h.db, { document: demoDocument() }, 'a');
    expect(() =>
      h.sqlite
        .prepare(
          "UPDATE rule_versions SET status = 'published', published_at = 'x', published_by = 'x', requested_by = 'y', doc_number = 'd', effective_date = 'e' WHERE id = ?",
        )
        .run(v.id),
    ).toThrow(/UNIQUE/);
  });

  it('publishing without who and when is refused by the database', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'a');
    expect(() =>
      h.sqlite.prepare("UPDATE rule_versions SET status = 'published' WHERE id = ?").run(v.id),
    ).toThrow(/invalid|four_eyes/);
  });

  it('refuses a published version whose approver is its requester (four eyes, in the database)', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'a');
    const publish = (requester: string, approver: string, fourEyes = 1) =>
      h.sqlite
        .prepare(
          `UPDATE rule_versions SET status = 'published', published_at = 'x', published_by = ?, requested_by = ?,
             four_eyes = ?, doc_number = '吉环考〔2026〕3号', effective_date = '2026-01-01' WHERE id = ?`,
        )
        .run(approver, requester, fourEyes, v.id);
    expect(() => publish('alice', 'alice')).toThrow(/four_eyes/);
    expect((await getVersion(h.db, v.id)).status).toBe('draft');
    // Also refused when inserted directly as published.
    const row = h.sqlite.prepare('SELECT * FROM rule_versions WHERE id = ?').get(v.id) as Record<
      string,
      unknown
    >;
    expect(() =>
      h.sqlite
        .prepare(
          `INSERT INTO rule_versions (family, year, version, status, document, content_hash, created_by, created_at,
             updated_by, updated_at, published_by, published_at, requested_by, doc_number, effective_date)
           VALUES ('demo', 2030, 99, 'published', ?, ?, 'a', 'x', 'a', 'x', 'bob', 'x', 'bob', 'd', 'e')`,
        )
        .run(row.document, row.content_hash),
    ).toThrow(/four_eyes/);
    // A different approver passes this trigger (the signature is what verify then checks).
    expect(publish('alice', 'bob').changes).toBe(1);
  });

  it('a draft awaiting approval cannot be edited, even with raw SQL', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'a');
    await requestPublication(h.db, v.id, {}, 'a');
    expect(() => h.sqlite.prepare("UPDATE rule_versions SET document = '{}' WHERE id = ?").run(v.id)).toThrow(
      /awaiting approval/,
    );
  });

  it('a published run publication cannot change and must have two people', async () => {
    const vid = await published();
    await saveDatasetGrid(
      h.db,
      2024,
      { regions: [{ code: '220100', values: { pm25: 30, pm25_target: 34, projects: 4 } }] },
      { actor: 'a' },
    );
    const run = await createRun(h.db, { versionId: vid, year: 2024 }, 'a');
    const insert = (requester: string, approver: string) =>
      h.sqlite
        .prepare(
          `INSERT INTO run_publications (run_id, family, year, status, doc_number, published_on, appeal_days,
             appeal_ends_on, requested_by, requested_at, approved_by, approved_at)
           VALUES (?, 'demo', 2024, 'published', 'd', '2026-01-01', 15, '2026-01-16', ?, 'x', ?, 'x')`,
        )
        .run(run.id, requester, approver);
    expect(() => insert('alice', 'alice')).toThrow(/four_eyes/);
    insert('alice', 'bob');
    expect(() => h.sqlite.prepare("UPDATE run_publications SET doc_number = 'x'").run()).toThrow(IMMUTABLE);
    expect(() => h.sqlite.prepare('DELETE FROM run_publications').run()).toThrow(IMMUTABLE);
  });

  it("a family's version counter cannot go down", async () => {
    await createDraft(h.db, { document: demoDocument() }, 'a');
    expect(() =>
      h.sqlite.prepare("UPDATE rule_families SET last_version = 0 WHERE family = 'demo'").run(),
    ).toThrow(IMMUTABLE);
  });
});

describe('runs', () => {
  async function finishedRun(): Promise<number> {
    const id = await published();
    await saveDatasetGrid(
      h.db,
      2024,
      { regions: [{ code: '220100', values: { pm25: 30, pm25_target: 34, projects: 3 } }] },
      { versionId: id, actor: 'a' },
    );
    return (await createRun(h.db, { versionId: id, year: 2024 }, 'a')).id;
  }

  it('a finished run refuses UPDATE and DELETE', async () => {
    const id = await finishedRun();
    expect(() => h.sqlite.prepare("UPDATE runs SET dataset_hash = 'x' WHERE id = ?").run(id)).toThrow(
      IMMUTABLE,
    );
    expect(() => h.sqlite.prepare("UPDATE runs SET status = 'running' WHERE id = ?").run(id)).toThrow(
      IMMUTABLE,
    );
    expect(() => h.sqlite.prepare('DELETE FROM runs WHERE id = ?').run(id)).toThrow(IMMUTABLE);
  });

  it("a finished run's results and errors refuse UPDATE, DELETE and INSERT", async () => {
    const id = await finishedRun();
    expect(h.sqlite.prepare('SELECT count(*) AS n FROM run_results WHERE run_id = ?').get(id)).toEqual({
      n: 1,
    });
    expect(h.sqlite.prepare('SELECT count(*) AS n FROM run_errors WHERE run_id = ?').get(id)).toMatchObject({
      n: expect.any(Number),
    });
    expect(() => h.sqlite.prepare('UPDATE run_results SET total = 100 WHERE run_id = ?').run(id)).toThrow(
      IMMUTABLE,
    );
    expect(() => h.sqlite.prepare("UPDATE run_results SET result = '{}' WHERE run_id = ?").run(id)).toThrow(
      IMMUTABLE,
    );
    expect(() => h.sqlite.prepare('DELETE FROM run_results WHERE run_id = ?').run(id)).toThrow(IMMUTABLE);
    expect(() =>
      h.sqlite
        .prepare(
          "INSERT INTO run_results (run_id, position, region_code, rank, grade, total, result) VALUES (?, 99, 'X', 1, 'a', 1, '{}')",
        )
        .run(id),
    ).toThrow(IMMUTABLE);
    expect(() =>
      h.sqlite
        .prepare("INSERT INTO run_errors (run_id, position, region_code, error) VALUES (?, 99, 'X', '{}')")
        .run(id),
    ).toThrow(IMMUTABLE);
    expect(() => h.sqlite.prepare('DELETE FROM run_errors WHERE run_id = ?').run(id)).toThrow(IMMUTABLE);
    expect(h.sqlite.prepare('SELECT count(*) AS n FROM run_results WHERE run_id = ?').get(id)).toEqual({
      n: 1,
    });
  });

  it('errors of a finished run refuse UPDATE', async () => {
    const id = await published();
    // One region with data, the others assessed without data: they become run errors.
    await saveDatasetGrid(
      h.db,
      2024,
      { regions: [{ code: '220100', values: { pm25: 30, pm25_target: 34, projects: 3 } }] },
      { versionId: id, actor: 'a' },
    );
    const run = (await createRun(h.db, { versionId: id, year: 2024 }, 'a')).id;
    expect(
      (h.sqlite.prepare('SELECT count(*) AS n FROM run_errors WHERE run_id = ?').get(run) as { n: number }).n,
    ).toBeGreaterThan(0);
    expect(() => h.sqlite.prepare("UPDATE run_errors SET error = '{}' WHERE run_id = ?").run(run)).toThrow(
      IMMUTABLE,
    );
  });
});

describe('audit log', () => {
  it('is append-only', async () => {
    await createDraft(h.db, { document: demoDocument() }, 'a');
    const n = (h.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    expect(n).toBeGreaterThan(0);
    expect(() => h.sqlite.prepare("UPDATE audit_log SET user = 'mallory'").run()).toThrow(IMMUTABLE);
    expect(() => h.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(IMMUTABLE);
    expect((h.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n).toBe(n);
  });
});
