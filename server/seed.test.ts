import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetHash } from '../engine/index.ts';
import { listAudit } from './db/audit.ts';
import { openDatabase, type OpenedDatabase } from './db/client.ts';
import { datasetForYear, getDataset } from './db/datasets.ts';
import { listRegions } from './db/regions.ts';
import { createRun } from './db/runs.ts';
import { createUser, listUsers } from './db/users.ts';
import { getVersion, listVersions } from './db/versions.ts';
import { RULES_DIR, seedIfEmpty } from './seed.ts';

let h: OpenedDatabase;
beforeEach(() => {
  h = openDatabase(':memory:');
});
afterEach(() => h.close());

describe('seedIfEmpty', () => {
  it('loads the regions, the sample family (2021-2024 published, 2025 draft) and every year of sample data', async () => {
    const report = await seedIfEmpty(h.db);
    expect(report.problems).toEqual([]);
    expect(await listRegions(h.db)).toHaveLength(12);
    expect((await listVersions(h.db)).map((v) => [v.family, v.year, v.status])).toEqual([
      ['jilin-eco-target', 2021, 'published'],
      ['jilin-eco-target', 2022, 'published'],
      ['jilin-eco-target', 2023, 'published'],
      ['jilin-eco-target', 2024, 'published'],
      ['jilin-eco-target', 2025, 'draft'],
    ]);
    // Each year is written from the year before, so the 2025 draft's preview compares with 2024.
    const byYear = new Map((await listVersions(h.db)).map((v) => [v.year, v]));
    expect(byYear.get(2021)!.parentId).toBeNull();
    for (const year of [2022, 2023, 2024, 2025])
      expect(byYear.get(year)!.parentId).toBe(byYear.get(year - 1)!.id);
    for (const year of [2021, 2022, 2023, 2024, 2025]) {
      const file = JSON.parse(readFileSync(join(RULES_DIR, 'sample-data', `${year}.json`), 'utf8'));
      // The values as given; last year's values are stored (as prev.KEY) only for 2021, whose
      // 2020 values no sample file holds — later years read theirs from the year before.
      const regions = file.regions.map(
        (r: { code: string; name: string; values: object; previous: Record<string, unknown> }) => ({
          code: r.code,
          name: r.name,
          values: {
            ...r.values,
            ...(year === 2021
              ? Object.fromEntries(Object.entries(r.previous).map(([k, v]) => [`prev.${k}`, v]))
              : {}),
          },
        }),
      );
      expect(datasetHash(await datasetForYear(h.db, year))).toBe(datasetHash({ year, regions }));
    }
    expect((await listAudit(h.db, { user: 'system' })).total).toBeGreaterThan(12 + 5 + 4 + 5);
  });

  it('marks national figures as national and the rest as provincial', async () => {
    await seedIfEmpty(h.db);
    const doc = (await getVersion(h.db, (await listVersions(h.db, { year: 2024 }))[0].id)).document;
    const national = doc.inputs.filter((i) => i.source === 'national').map((i) => i.key);
    expect(national.length).toBeGreaterThan(0);
    const region = (await getDataset(h.db, 2024)).regions[0];
    for (const [key, source] of Object.entries(region.sources))
      expect(source).toBe(national.includes(key) ? 'national' : 'provincial');
  });

  it('gives a working system: every published sample year runs', async () => {
    await seedIfEmpty(h.db);
    for (const v of await listVersions(h.db, { status: 'published' })) {
      const run = await createRun(h.db, { versionId: v.id, year: v.year }, 'test');
      // every region scored, 2021 included (its 2020 values come with the sample data)
      expect(run.counts).toMatchObject({ scored: 12, errors: 0 });
    }
  });

  it('does nothing on a database that has data, and calls createUsers only without users', async () => {
    let calls = 0;
    const createUsers = async (db: typeof h.db) => {
      calls++;
      await createUser(
        db,
        { username: 'admin', displayName: '管理员', role: 'admin', passwordHash: 'x' },
        'system',
      );
    };
    await seedIfEmpty(h.db, { createUsers });
    const audit = (await listAudit(h.db)).total;
    const second = await seedIfEmpty(h.db, { createUsers });
    expect(second).toMatchObject({ regions: 0, versions: [], datasets: [], usersCreated: false });
    expect((await listAudit(h.db)).total).toBe(audit);
    expect(calls).toBe(1);
    expect((await listUsers(h.db)).map((u) => u.username)).toEqual(['admin']);
  });

  it('seeds what exists and reports unusable files instead of failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoscore-seed-'));
    try {
      copyFileSync(join(RULES_DIR, 'regions.csv'), join(dir, 'regions.csv'));
      mkdirSync(join(dir, 'fam'));
      writeFileSync(join(dir, 'fam', '2024.json'), '{ not json');
      const bad = JSON.parse(readFileSync(join(RULES_DIR, 'jilin-eco-target', '2024.json'), 'utf8'));
      bad.family = 'fam';
      bad.year = 2023;
      bad.maxScore = 99; // does not validate: kept as a draft
      writeFileSync(join(dir, 'fam', '2023.json'), JSON.stringify(bad));
      const report = await seedIfEmpty(h.db, { rulesDir: dir });
      expect(report.regions).toBe(12);
      expect(report.versions).toEqual([{ id: 1, family: 'fam', year: 2023, status: 'draft' }]);
      expect(report.problems).toHaveLength(2);
      expect(report.problems[0]).toMatch(/2023\.json: 未能发布/);
      expect(report.problems[1]).toMatch(/2024\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
