/**
 * `ecoscore verify`: passes on an untouched database, and on copies tampered with plain SQL after
 * dropping the triggers it fails, naming the table and the id of each broken record — an edited
 * document (with and without its hash rewritten), an edited or deleted audit row, an edited result,
 * a removed signature, a publication approved by its requester, an edited cell change. A sealed run
 * verifies offline; one number changed in it does not.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../engine/index.ts';
import { openDatabase } from '../../server/db/client.ts';
import { saveDatasetGrid } from '../../server/db/datasets.ts';
import { approveRunPublication, requestRunPublication } from '../../server/db/run-publication.ts';
import { createRun } from '../../server/db/runs.ts';
import { listVersions } from '../../server/db/versions.ts';
import { seedIfEmpty } from '../../server/seed.ts';
import { signerFor } from '../../server/trust/keys.ts';
import { buildSealedRun } from '../../server/trust/sealed.ts';
import { run } from './verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'ecoscore-verify-'));
const original = join(dir, 'live.db');
let versionId = 0;
let runId = 0;
let keyJson = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const live = openDatabase(original);
  try {
    await seedIfEmpty(live.db);
    versionId = (await listVersions(live.db, { year: 2024, status: 'published' }))[0].id;
    await saveDatasetGrid(
      live.db,
      2024,
      { regions: [{ code: '220100', values: { pm25: 30.5 } }] },
      { actor: 'zhang' },
    );
    runId = (await createRun(live.db, { versionId, year: 2024 }, 'zhang')).id;
    await requestRunPublication(
      live.db,
      runId,
      { docNumber: '吉环考〔2025〕3号', publishedOn: '2025-04-30' },
      'zhang',
    );
    await approveRunPublication(live.db, runId, 'li');
    keyJson = JSON.stringify(signerFor(live.db).info);
    writeFileSync(join(dir, 'sealed.json'), JSON.stringify(await buildSealedRun(live.db, runId)));
  } finally {
    live.close();
  }
  writeFileSync(join(dir, 'key.json'), keyJson);
}, 60_000);

async function verify(...args: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await run(args, {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    cwd: dir,
    env: {},
  });
  return { code, ...out, json: args.includes('--json') ? JSON.parse(out.stdout) : undefined };
}

let copies = 0;
/** A copy of the database with `sql` run on it (triggers dropped first as needed). */
function tampered(...sql: (string | ((db: Database.Database) => void))[]): string {
  const path = join(dir, `copy-${++copies}.db`);
  copyFileSync(original, path);
  const db = new Database(path);
  try {
    for (const s of sql) typeof s === 'string' ? db.exec(s) : s(db);
  } finally {
    db.close();
  }
  return path;
}

const problemsOf = (r: { json?: { problems: { table: string; id: string; code: string }[] } }) =>
  r.json!.problems.map((p) => `${p.table} ${p.id} ${p.code}`);

describe('ecoscore verify --db', () => {
  it('passes on the untouched database, with its key file (created mode 0600) found next to it', async () => {
    expect(statSync(`${original}.key`).mode & 0o777).toBe(0o600);
    const r = await verify('--db', original, '--json');
    expect(r.json).toEqual({ ok: true, problems: [] });
    expect(r.code).toBe(0);
    const text = await verify('--db', original);
    expect(text.stdout).toMatch(/ok/);
    expect(text.stderr).toBe('');
  });

  it('catches an edited document (a threshold 90 → 85), and the same with its hash rewritten', async () => {
    const edit = (db: Database.Database, rehash: boolean) => {
      const doc = JSON.parse(
        db.prepare('SELECT document FROM rule_versions WHERE id = ?').pluck().get(versionId) as string,
      );
      doc.grades[0].min = 85;
      db.prepare('UPDATE rule_versions SET document = ? WHERE id = ?').run(JSON.stringify(doc), versionId);
      if (rehash)
        db.prepare('UPDATE rule_versions SET content_hash = ? WHERE id = ?').run(contentHash(doc), versionId);
    };
    const drop = 'DROP TRIGGER rule_versions_immutable_update';
    const a = await verify(
      '--db',
      tampered(drop, (db) => edit(db, false)),
      '--key',
      'key.json',
      '--json',
    );
    expect(a.code).toBe(1);
    expect(problemsOf(a)).toContain(`rule_versions ${versionId} content_hash_mismatch`);
    const b = await verify(
      '--db',
      tampered(drop, (db) => edit(db, true)),
      '--key',
      'key.json',
      '--json',
    );
    expect(b.code).toBe(1);
    expect(problemsOf(b)).toContain(`rule_versions ${versionId} bad_signature`);
    expect(problemsOf(b)).toContain(`runs ${runId} document_hash_mismatch`);
  });

  it('catches an edited audit row and a deleted one (in the middle and at the end)', async () => {
    const edited = await verify(
      '--db',
      tampered(
        'DROP TRIGGER audit_log_append_only_update',
        "UPDATE audit_log SET user = 'mallory' WHERE id = 7",
      ),
      '--json',
    );
    expect(edited.code).toBe(1);
    expect(problemsOf(edited)).toEqual(['audit_log 7 audit_hash_mismatch']);
    const deleted = await verify(
      '--db',
      tampered('DROP TRIGGER audit_log_append_only_delete', 'DELETE FROM audit_log WHERE id = 7'),
      '--json',
    );
    expect(problemsOf(deleted)).toEqual(expect.arrayContaining(['audit_log 7 audit_row_missing']));
    const last = await verify(
      '--db',
      tampered(
        'DROP TRIGGER audit_log_append_only_delete',
        'DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)',
      ),
      '--json',
    );
    expect(last.code).toBe(1);
    const lastId = last.json.problems.find((p: { table: string }) => p.table === 'audit_log').id;
    expect(problemsOf(last)).toEqual([
      `audit_log ${lastId} audit_row_missing`,
      `run_publications ${runId} approval_audit_missing`,
    ]);
  });

  it('catches an edited result and a removed signature', async () => {
    const result = await verify(
      '--db',
      tampered('DROP TRIGGER run_results_immutable_update', (db) => {
        const row = db
          .prepare('SELECT id, result FROM run_results WHERE run_id = ? AND position = 3')
          .get(runId) as {
          id: number;
          result: string;
        };
        db.prepare('UPDATE run_results SET result = ? WHERE id = ?').run(
          row.result.replace(/"total":([0-9.]+)/, '"total":99.99'),
          row.id,
        );
      }),
      '--json',
    );
    expect(result.code).toBe(1);
    expect(problemsOf(result)).toContain(`runs ${runId} results_hash_mismatch`);
    const unsigned = await verify(
      '--db',
      tampered(
        'DROP TRIGGER rule_versions_immutable_update',
        `UPDATE rule_versions SET signature = NULL WHERE id = ${versionId}`,
        'DROP TRIGGER runs_immutable_update',
        `UPDATE runs SET signature = NULL WHERE id = ${runId}`,
      ),
      '--json',
    );
    expect(unsigned.code).toBe(1);
    expect(problemsOf(unsigned)).toEqual(
      expect.arrayContaining([`rule_versions ${versionId} bad_signature`, `runs ${runId} bad_signature`]),
    );
  });

  it('catches a publication approved by its requester, a forged key and an edited cell change', async () => {
    const same = await verify(
      '--db',
      tampered(
        'DROP TRIGGER run_publications_immutable_update',
        'DROP TRIGGER run_publications_four_eyes_update',
        'UPDATE run_publications SET approved_by = requested_by',
        'DROP TRIGGER rule_versions_immutable_update',
        `UPDATE rule_versions SET published_by = requested_by WHERE id = ${versionId}`,
      ),
      '--json',
    );
    expect(problemsOf(same)).toEqual(
      expect.arrayContaining([
        `run_publications ${runId} same_person`,
        `rule_versions ${versionId} same_person`,
      ]),
    );
    const other = JSON.stringify({ ...JSON.parse(keyJson), publicKey: 'ab'.repeat(32) });
    writeFileSync(join(dir, 'other-key.json'), other);
    const forged = await verify('--db', original, '--key', 'other-key.json', '--json');
    expect(forged.code).toBe(1);
    expect(forged.json.problems[0]).toMatchObject({ table: 'signing_keys', code: 'untrusted_key' });
    const cells = await verify(
      '--db',
      tampered(
        'DROP TRIGGER data_changes_append_only_update',
        "UPDATE data_changes SET after = '31' WHERE id = (SELECT max(id) FROM data_changes)",
      ),
      '--json',
    );
    expect(cells.code).toBe(1);
    expect(cells.json.problems[0]).toMatchObject({ table: 'data_changes', code: 'cells_hash_mismatch' });
  });

  it('exit 2 for a missing or unreadable database and for wrong usage', async () => {
    expect((await verify('--db', 'nope.db')).code).toBe(2);
    writeFileSync(join(dir, 'junk.db'), 'not a database');
    expect((await verify('--db', 'junk.db')).code).toBe(2);
    expect((await verify('--db', original, '--frobnicate')).code).toBe(2);
    expect((await verify('--db')).code).toBe(2);
  });
});

describe('ecoscore verify --run', () => {
  it('verifies a sealed run offline (hashes, signatures, re-evaluated byte for byte)', async () => {
    const r = await verify('--run', 'sealed.json', '--key', 'key.json', '--json');
    expect(r.json).toEqual({ ok: true, problems: [] });
    expect(r.code).toBe(0);
  });

  it('fails when one number is changed, or with another key; exit 2 for an unreadable file', async () => {
    const sealed = JSON.parse(
      await import('node:fs').then((fs) => fs.readFileSync(join(dir, 'sealed.json'), 'utf8')),
    );
    sealed.results[2].total = sealed.results[2].total + 0.01;
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(sealed));
    const r = await verify('--run', 'forged.json', '--key', 'key.json', '--json');
    expect(r.code).toBe(1);
    expect(r.json.problems.map((p: { code: string }) => p.code)).toEqual(
      expect.arrayContaining(['results_hash_mismatch', 'results_differ']),
    );
    const other = await verify('--run', 'sealed.json', '--key', 'other-key.json');
    expect(other.code).toBe(1);
    expect((await verify('--run', 'junk.db')).code).toBe(2);
    expect((await verify('--run', 'sealed.json', '--key', 'junk.db')).code).toBe(2);
  });
});
