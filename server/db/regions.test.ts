import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listAudit } from './audit.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import {
  createRegion,
  formatYears,
  getRegion,
  listRegions,
  loadRegions,
  parseRegionsCsv,
  parseYears,
  regionsAssessedIn,
  updateRegion,
} from './regions.ts';
import { REGIONS_CSV, useFreshDb } from './test-fixture.ts';

const h = useFreshDb({ regions: false });

describe('years', () => {
  it.each([
    ['2021-2025', [2021, 2022, 2023, 2024, 2025]],
    ['2021,2023', [2021, 2023]],
    ['2021-2022;2025', [2021, 2022, 2025]],
    ['2025 2021', [2021, 2025]],
  ])('parses %s', (text, years) => {
    expect(parseYears(text)).toEqual(years);
    expect(parseYears(formatYears(years as number[]))).toEqual(years);
  });

  it.each(['20x1', '2025-2021', '2021-2400'])('refuses %s', (text) => {
    expect(typeof parseYears(text)).toBe('string');
  });
});

describe('regions CSV', () => {
  it('reads rules/regions.csv: 12 regions, assessed 2021-2025', () => {
    const list = parseRegionsCsv(readFileSync(REGIONS_CSV, 'utf8'));
    expect(list).toHaveLength(12);
    expect(list[0]).toEqual({
      code: '220100',
      nameZh: '长春市',
      nameEn: 'Changchun',
      kind: 'city',
      note: 'GB/T 2260',
      years: [2021, 2022, 2023, 2024, 2025],
      active: true,
    });
    expect(list.find((r) => r.code === 'CBS001')?.kind).toBe('management-committee');
  });

  it('reads the shared file without a years column using default years', () => {
    const list = parseRegionsCsv(
      'code,name_zh,name_en,kind,note\n220100,长春市,Changchun,city,x\n',
      [2021, 2022],
    );
    expect(list[0].years).toEqual([2021, 2022]);
  });

  it('reports every bad row', () => {
    try {
      parseRegionsCsv(
        'code,name_zh,name_en,kind,years\n220100,a,,city,2021\n220100,b,,city,2021\n22-01,c,,city,2021\n220200,d,,city,later\n',
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).errors.map((p) => [p.row, p.column, p.code])).toEqual([
        [3, 'code', 'duplicate_row'],
        [4, 'code', 'invalid_code'],
        [5, 'years', 'invalid_years'],
      ]);
    }
    expect(() => parseRegionsCsv('code,name\n1,a\n')).toThrow(ValidationError);
  });
});

describe('region repository', () => {
  it('loads, lists in file order, filters by assessed year', async () => {
    await loadRegions(h.db, parseRegionsCsv(readFileSync(REGIONS_CSV, 'utf8')), 'system');
    expect((await listRegions(h.db)).map((r) => r.code).slice(0, 2)).toEqual(['220100', '220200']);
    await updateRegion(h.db, '220184', { years: [2021, 2022] }, 'admin');
    await updateRegion(h.db, '220581', { active: false }, 'admin');
    const assessed = (await regionsAssessedIn(h.db, 2024)).map((r) => r.code);
    expect(assessed).toHaveLength(10);
    expect(assessed).toEqual([...assessed].sort());
    expect(await regionsAssessedIn(h.db, 2021)).toHaveLength(11);
    expect((await listAudit(h.db, { action: 'region.load' })).total).toBe(12);
  });

  it('creates and updates regions with audit; refuses duplicates and bad fields', async () => {
    const r = await createRegion(
      h.db,
      {
        code: 'X001',
        nameZh: '试验区',
        nameEn: 'Test',
        kind: 'city',
        note: '',
        years: [2025, 2024],
        active: true,
      },
      'admin',
    );
    expect(r.years).toEqual([2024, 2025]);
    await expect(async () => await createRegion(h.db, { ...r }, 'admin')).rejects.toThrow(ConflictError);
    await expect(
      async () => await createRegion(h.db, { ...r, code: 'bad code', nameZh: '' }, 'admin'),
    ).rejects.toThrow(ValidationError);
    const u = await updateRegion(h.db, 'X001', { nameZh: '试验区二', years: [2026] }, 'admin');
    expect(u).toMatchObject({ nameZh: '试验区二', years: [2026], nameEn: 'Test' });
    expect(await getRegion(h.db, 'X001')).toEqual(u);
    await expect(async () => await updateRegion(h.db, 'nope', { nameZh: 'x' }, 'admin')).rejects.toThrow(
      NotFoundError,
    );
    const entries = (await listAudit(h.db, { entity: 'region' })).entries;
    expect(entries.map((e) => e.action)).toEqual(['region.update', 'region.create']);
    expect(entries[0].beforeHash).not.toBe(entries[0].afterHash);
  });
});
