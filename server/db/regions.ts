/**
 * Regions: the assessed units (市(州), 长白山管委会, 扩权强县试点市) with the years each is assessed.
 * Loaded from `rules/regions.csv` on first start (see seed.ts); admins add and edit them.
 */
import { transaction } from './dialect.ts';
import Papa from 'papaparse';
import { asc, eq } from 'drizzle-orm';
import { contentHash } from '../../engine/index.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, NotFoundError, ValidationError, type ImportProblem } from './errors.ts';
import { regions, type RegionRow } from './schema.ts';

/** A region as the API shows it. */
export interface Region {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  note: string;
  /** The years it is assessed, ascending. */
  years: number[];
  active: boolean;
}

export type RegionPatch = Partial<Omit<Region, 'code'>>;

const CODE = /^[A-Za-z0-9]{1,32}$/;

export function toRegion(row: RegionRow): Region {
  return {
    code: row.code,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    kind: row.kind,
    note: row.note,
    years: row.years,
    active: row.active,
  };
}

function regionHash(r: Region): string {
  return contentHash(r);
}

/**
 * Parses a years expression: `2021-2025`, `2021,2023`, `2021-2023;2025` (commas, semicolons or
 * spaces between parts). Returns the sorted distinct years, or a problem message.
 */
export function parseYears(text: string): number[] | string {
  const years = new Set<number>();
  const parts = text
    .split(/[,;，；\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    const m = /^(\d{4})(?:\s*[-–~至]\s*(\d{4}))?$/.exec(part);
    if (!m) return `无法识别的年份 "${part}" / unrecognised years "${part}" (use 2021-2025 or 2021,2023)`;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (b < a) return `年份范围 "${part}" 颠倒 / year range "${part}" is reversed`;
    if (b - a > 200) return `年份范围 "${part}" 过大 / year range "${part}" is too wide`;
    for (let y = a; y <= b; y++) years.add(y);
  }
  return [...years].sort((x, y) => x - y);
}

/** Formats years compactly: [2021,2022,2023,2025] → `2021-2023,2025`. */
export function formatYears(years: readonly number[]): string {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Parses the regions CSV (`code,name_zh,name_en,kind,years,note`; `years` optional, defaulting to
 * `defaultYears`; an `active` column optional, default true). Every problem is reported with its row.
 */
export function parseRegionsCsv(text: string, defaultYears: number[] = []): Region[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim(),
  });
  const problems: ImportProblem[] = [];
  const fields = parsed.meta.fields ?? [];
  for (const need of ['code', 'name_zh', 'kind'])
    if (!fields.includes(need))
      problems.push({
        path: '',
        row: 1,
        column: need,
        code: 'missing_column',
        message: `缺少列 ${need} / missing column ${need}`,
      });
  if (problems.length) throw new ValidationError('地区表无效 / invalid regions CSV', problems);
  const out: Region[] = [];
  const seen = new Set<string>();
  parsed.data.forEach((rec, i) => {
    const row = i + 2;
    const code = (rec.code ?? '').trim();
    if (!CODE.test(code)) {
      problems.push({
        path: '',
        row,
        column: 'code',
        code: 'invalid_code',
        message: `地区代码无效 "${code}" / invalid region code "${code}"`,
      });
      return;
    }
    if (seen.has(code)) {
      problems.push({
        path: '',
        row,
        column: 'code',
        code: 'duplicate_row',
        message: `地区代码 ${code} 重复 / duplicate region code ${code}`,
      });
      return;
    }
    seen.add(code);
    let years: number[] = defaultYears;
    if (rec.years !== undefined && rec.years.trim() !== '') {
      const y = parseYears(rec.years);
      if (typeof y === 'string') {
        problems.push({ path: '', row, column: 'years', code: 'invalid_years', message: y });
        return;
      }
      years = y;
    }
    const activeText = (rec.active ?? '').trim().toLowerCase();
    out.push({
      code,
      nameZh: (rec.name_zh ?? '').trim(),
      nameEn: (rec.name_en ?? '').trim(),
      kind: (rec.kind ?? '').trim(),
      note: (rec.note ?? '').trim(),
      years,
      active: !['false', '0', '否', 'no'].includes(activeText),
    });
  });
  if (problems.length) throw new ValidationError('地区表无效 / invalid regions CSV', problems);
  return out;
}

function checkRegion(r: Partial<Region>, requireAll: boolean): void {
  const errors: ImportProblem[] = [];
  if ((requireAll || r.code !== undefined) && (typeof r.code !== 'string' || !CODE.test(r.code)))
    errors.push({
      path: '/code',
      code: 'invalid_code',
      message: '地区代码只能是1–32位字母或数字 / code: 1–32 letters or digits',
    });
  if ((requireAll || r.nameZh !== undefined) && (typeof r.nameZh !== 'string' || r.nameZh.trim() === ''))
    errors.push({ path: '/nameZh', code: 'required', message: '中文名称不能为空 / nameZh is required' });
  if (r.nameEn !== undefined && typeof r.nameEn !== 'string')
    errors.push({
      path: '/nameEn',
      code: 'invalid_type',
      message: '英文名称必须是文本 / nameEn must be a string',
    });
  if ((requireAll || r.kind !== undefined) && (typeof r.kind !== 'string' || r.kind.trim() === ''))
    errors.push({ path: '/kind', code: 'required', message: '类型不能为空 / kind is required' });
  if (r.note !== undefined && typeof r.note !== 'string')
    errors.push({ path: '/note', code: 'invalid_type', message: '备注必须是文本 / note must be a string' });
  if (
    (requireAll || r.years !== undefined) &&
    (!Array.isArray(r.years) || !r.years.every((y) => Number.isInteger(y) && y >= 1900 && y <= 2999))
  )
    errors.push({
      path: '/years',
      code: 'invalid_years',
      message: '考核年份必须是年份整数的列表 / years must be a list of integer years',
    });
  if (r.active !== undefined && typeof r.active !== 'boolean')
    errors.push({
      path: '/active',
      code: 'invalid_type',
      message: 'active 必须是布尔值 / active must be a boolean',
    });
  if (errors.length) throw new ValidationError('地区信息无效 / invalid region', errors);
}

/** All regions in display order. */
export async function listRegions(db: Tx): Promise<Region[]> {
  return (await db.select().from(regions).orderBy(asc(regions.position), asc(regions.code)).all()).map(
    toRegion,
  );
}

export async function getRegion(db: Tx, code: string): Promise<Region> {
  const row = await db.select().from(regions).where(eq(regions.code, code)).get();
  if (!row) throw new NotFoundError('region', code);
  return toRegion(row);
}

/** The active regions assessed in `year`, sorted by code (the order of datasets and runs). */
export async function regionsAssessedIn(db: Tx, year: number): Promise<Region[]> {
  return (await listRegions(db))
    .filter((r) => r.active && r.years.includes(year))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

async function insertRegion(
  tx: Tx,
  r: Region,
  position: number,
  actor: string,
  action: string,
): Promise<Region> {
  const at = nowIso();
  await tx
    .insert(regions)
    .values({
      ...r,
      years: [...new Set(r.years)].sort((a, b) => a - b),
      position,
      createdAt: at,
      updatedAt: at,
    })
    .run();
  const created = await getRegion(tx, r.code);
  await appendAudit(tx, {
    user: actor,
    action,
    entity: 'region',
    entityId: r.code,
    afterHash: regionHash(created),
    detail: { nameZh: created.nameZh },
    at,
  });
  return created;
}

/** Adds a region (audited as `region.create`); an existing code is a ConflictError. */
export async function createRegion(db: Db, input: Region, actor: string): Promise<Region> {
  const r: Region = {
    code: input.code,
    nameZh: input.nameZh,
    nameEn: input.nameEn ?? '',
    kind: input.kind,
    note: input.note ?? '',
    years: input.years,
    active: input.active ?? true,
  };
  checkRegion(r, true);
  return await transaction(db, async (tx) => {
    if (await tx.select({ code: regions.code }).from(regions).where(eq(regions.code, r.code)).get())
      throw new ConflictError(
        `地区 ${r.code} 已存在 / region ${r.code} exists`,
        await getRegion(tx, r.code),
        'region_exists',
      );
    const max = (await tx.select({ p: regions.position }).from(regions).all()).reduce(
      (m, x) => Math.max(m, x.p),
      -1,
    );
    return await insertRegion(tx, r, max + 1, actor, 'region.create');
  });
}

/** Changes a region's fields (audited as `region.update`). */
export async function updateRegion(db: Db, code: string, patch: RegionPatch, actor: string): Promise<Region> {
  checkRegion(patch, false);
  return await transaction(db, async (tx) => {
    const before = await getRegion(tx, code);
    const set: Partial<RegionRow> = { updatedAt: nowIso() };
    if (patch.nameZh !== undefined) set.nameZh = patch.nameZh;
    if (patch.nameEn !== undefined) set.nameEn = patch.nameEn;
    if (patch.kind !== undefined) set.kind = patch.kind;
    if (patch.note !== undefined) set.note = patch.note;
    if (patch.years !== undefined) set.years = [...new Set(patch.years)].sort((a, b) => a - b);
    if (patch.active !== undefined) set.active = patch.active;
    await tx.update(regions).set(set).where(eq(regions.code, code)).run();
    const after = await getRegion(tx, code);
    await appendAudit(tx, {
      user: actor,
      action: 'region.update',
      entity: 'region',
      entityId: code,
      beforeHash: regionHash(before),
      afterHash: regionHash(after),
      detail: { changes: Object.keys(patch) },
    });
    return after;
  });
}

/** Loads regions into an empty regions table in the given order (audited as `region.load`, one row each). */
export async function loadRegions(db: Db, list: Region[], actor: string): Promise<Region[]> {
  list.forEach((r) => checkRegion(r, true));
  return await transaction(db, async (tx) => {
    const existing = (await tx.select({ code: regions.code }).from(regions).all()).length;
    const out: Region[] = [];
    for (const [i, r] of list.entries())
      out.push(await insertRegion(tx, r, existing + i, actor, 'region.load'));
    return out;
  });
}
