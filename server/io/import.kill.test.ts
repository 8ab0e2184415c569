/**
 * A process killed with SIGKILL in the middle of a large import leaves the database consistent and
 * the previous data intact (the import is one transaction; SQLite rolls the WAL back on open).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuleDocument } from '../../engine/types.ts';
import { listAudit } from '../db/audit.ts';
import { openDatabase } from '../db/client.ts';
import { getDataset } from '../db/datasets.ts';
import { listRegions, loadRegions, parseRegionsCsv } from '../db/regions.ts';
import { REGIONS_CSV } from '../db/test-fixture.ts';
import { createDraft } from '../db/versions.ts';
import { importDataset } from './import.ts';

const CHILD = fileURLToPath(new URL('./kill-child.ts', import.meta.url));
const INPUTS = 2000;
const dir = mkdtempSync(join(tmpdir(), 'ecoscore-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wideDocument(): RuleDocument {
  return {
    schemaVersion: 1,
    family: 'wide',
    year: 2024,
    title: { zh: '宽表' },
    maxScore: 100,
    inputs: Array.from({ length: INPUTS }, (_, i) => ({
      key: `k${i}`,
      label: { zh: `指标${i}` },
      type: 'number' as const,
      min: 0,
    })),
    categories: [],
    grades: [{ id: 'all', label: { zh: '全部' }, min: 0 }],
  };
}

function csv(codes: string[], value: (i: number, k: number) => number): string {
  const lines = [['code', ...Array.from({ length: INPUTS }, (_, k) => `k${k}`)].join(',')];
  codes.forEach((c, i) =>
    lines.push([c, ...Array.from({ length: INPUTS }, (_, k) => value(i, k))].join(',')),
  );
  return lines.join('\n');
}

describe('SIGKILL during a large import', () => {
  it('leaves the database consistent with the previous data intact', async () => {
    const dbPath = join(dir, 'eco.db');
    const first = openDatabase(dbPath);
    await loadRegions(first.db, parseRegionsCsv(readFileSync(REGIONS_CSV, 'utf8')), 'system');
    const codes = (await listRegions(first.db)).map((r) => r.code);
    const versionId = (await createDraft(first.db, { document: wideDocument() }, 'a')).id;
    await importDataset(first.db, {
      year: 2024,
      versionId,
      format: 'csv',
      data: csv(codes, (i, k) => i + k),
      actor: 'a',
    });
    const before = await getDataset(first.db, 2024);
    const auditBefore = (await listAudit(first.db)).total;
    const countBefore = (
      first.sqlite.prepare('SELECT count(*) AS n FROM dataset_values').get() as { n: number }
    ).n;
    expect(countBefore).toBe(codes.length * INPUTS);
    first.close();

    const csvPath = join(dir, 'second.csv');
    writeFileSync(
      csvPath,
      csv(codes, (i, k) => 100000 + i + k),
    );
    const marker = join(dir, 'marker');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, dbPath, csvPath, marker, String(versionId), '2024'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const deadline = Date.now() + 60_000;
    while (!existsSync(marker)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the child never reached the middle of the import: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Half of the new values are written, uncommitted, partly spilled into the WAL file.
    const walSize = existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0;
    child.kill('SIGKILL');
    const { signal } = await exited;
    expect(signal).toBe('SIGKILL');
    expect(walSize).toBeGreaterThan(64 * 1024);

    const after = openDatabase(dbPath);
    try {
      expect(after.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(after.sqlite.pragma('foreign_key_check')).toEqual([]);
      expect(
        (after.sqlite.prepare('SELECT count(*) AS n FROM dataset_values').get() as { n: number }).n,
      ).toBe(countBefore);
      expect(
        (
          after.sqlite
            .prepare('SELECT count(*) AS n FROM dataset_values WHERE CAST(value AS REAL) >= 100000')
            .get() as { n: number }
        ).n,
      ).toBe(0);
      expect(await getDataset(after.db, 2024)).toEqual(before);
      expect((await listAudit(after.db)).total).toBe(auditBefore);
      // And the database still takes writes.
      await importDataset(after.db, {
        year: 2024,
        versionId,
        format: 'csv',
        data: readFileSync(csvPath),
        actor: 'a',
      });
      expect((await getDataset(after.db, 2024)).hash).not.toBe(before.hash);
    } finally {
      after.close();
    }
  }, 120_000);
});
