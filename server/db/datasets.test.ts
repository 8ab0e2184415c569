import { beforeEach, describe, expect, it } from 'vitest';
import { datasetHash } from '../../engine/index.ts';
import { listAudit } from './audit.ts';
import { datasetForYear, getDataset, getRegionValues, listDatasets, saveDatasetGrid } from './datasets.ts';
import { ValidationError } from './errors.ts';
import { updateRegion } from './regions.ts';
import { demoDocument, useFreshDb } from './test-fixture.ts';
import { createDraft } from './versions.ts';

const h = useFreshDb();
let versionId: number;
beforeEach(async () => {
  versionId = (await createDraft(h.db, { document: demoDocument() }, 'a')).id;
});

describe('grid read', () => {
  it('lists every region assessed that year, sorted by code, even without values', async () => {
    const grid = await getDataset(h.db, 2024);
    expect(grid.regions.map((r) => r.code)).toEqual([...grid.regions.map((r) => r.code)].sort());
    expect(grid.regions).toHaveLength(12);
    expect(grid.regions.find((r) => r.code === '220100')).toEqual({
      code: '220100',
      name: '长春市',
      values: {},
      sources: {},
    });
    expect(grid.hash).toBe(
      datasetHash({
        year: 2024,
        regions: grid.regions.map(({ code, name, values }) => ({ code, name, values })),
      }),
    );
    expect((await getDataset(h.db, 1999)).regions).toEqual([]);
  });

  it('leaves inactive regions out of the run dataset', async () => {
    await updateRegion(h.db, '220184', { active: false }, 'admin');
    expect((await datasetForYear(h.db, 2024)).regions.map((r) => r.code)).not.toContain('220184');
  });
});

describe('grid write', () => {
  it('saves values with source, user and audit row; null removes a value', async () => {
    const before = (await getDataset(h.db, 2024)).hash;
    const res = await saveDatasetGrid(
      h.db,
      2024,
      {
        regions: [
          { code: '220100', values: { pm25: 31.5, pm25_target: 34, incident: false, level: 'none' } },
        ],
      },
      { versionId, actor: 'bob' },
    );
    expect(res).toMatchObject({ regions: 1, values: 4, removed: 0 });
    const grid = await getDataset(h.db, 2024);
    expect(grid.hash).toBe(res.hash);
    expect(grid.hash).not.toBe(before);
    expect(grid.regions.find((r) => r.code === '220100')).toMatchObject({
      values: { pm25: 31.5, pm25_target: 34, incident: false, level: 'none' },
      sources: { pm25: 'manual' },
    });
    const [entry] = (await listAudit(h.db, { entity: 'dataset' })).entries;
    expect(entry).toMatchObject({
      action: 'dataset.save',
      user: 'bob',
      entityId: '2024',
      beforeHash: before,
      afterHash: res.hash,
    });

    const res2 = await saveDatasetGrid(
      h.db,
      2024,
      { regions: [{ code: '220100', values: { level: null, pm25: 31.5 } }] },
      { versionId, actor: 'bob' },
    );
    expect(res2).toMatchObject({ values: 0, removed: 1 });
    expect((await getRegionValues(h.db, 2024, '220100')).values).toEqual({
      pm25: 31.5,
      pm25_target: 34,
      incident: false,
    });
    expect(await listDatasets(h.db)).toEqual([
      { year: 2024, regions: 1, values: 3, updatedAt: expect.any(String) },
    ]);
  });

  it('refuses the whole grid with every problem, each with a JSON pointer, and writes nothing', async () => {
    await saveDatasetGrid(
      h.db,
      2024,
      { regions: [{ code: '220100', values: { pm25: 30 } }] },
      { versionId, actor: 'a' },
    );
    const hash = (await getDataset(h.db, 2024)).hash;
    const audit = (await listAudit(h.db)).total;
    try {
      await saveDatasetGrid(
        h.db,
        2024,
        {
          regions: [
            { code: '220200', values: { pm25: 20 } },
            { code: '999999', values: { pm25: 1 } },
            {
              code: '220300',
              values: {
                pm25: 'high',
                projects: 2.5,
                incident: '是',
                level: 'minor',
                nope: 1,
                pm25_target: -1,
              },
            },
            { code: '220200', values: { pm25: 21 } },
          ],
        },
        { versionId, actor: 'a' },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const problems = (e as ValidationError).errors.map((p) => [p.path, p.code]);
      expect(problems).toEqual([
        ['/regions/1/code', 'unknown_region'],
        ['/regions/2/values/pm25', 'invalid_type'],
        ['/regions/2/values/projects', 'invalid_type'],
        ['/regions/2/values/incident', 'invalid_type'],
        ['/regions/2/values/level', 'not_in_enum'],
        ['/regions/2/values/nope', 'unknown_key'],
        ['/regions/2/values/pm25_target', 'out_of_range'],
        ['/regions/3/code', 'duplicate_row'],
      ]);
    }
    expect((await getDataset(h.db, 2024)).hash).toBe(hash);
    expect((await listAudit(h.db)).total).toBe(audit);
  });

  it('refuses a region not assessed that year', async () => {
    await updateRegion(h.db, '220184', { years: [2021, 2022] }, 'admin');
    await expect(
      async () =>
        await saveDatasetGrid(
          h.db,
          2024,
          { regions: [{ code: '220184', values: { pm25: 1 } }] },
          { versionId, actor: 'a' },
        ),
    ).rejects.toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ code: 'region_not_assessed' })] }),
    );
  });

  it('without a version only checks that values are scalars', async () => {
    await saveDatasetGrid(
      h.db,
      2024,
      { regions: [{ code: '220100', values: { anything: 'x', n: 1 } }] },
      { actor: 'a' },
    );
    await expect(
      async () =>
        await saveDatasetGrid(
          h.db,
          2024,
          { regions: [{ code: '220100', values: { obj: { a: 1 } } }] },
          { actor: 'a' },
        ),
    ).rejects.toThrow(ValidationError);
  });
});
