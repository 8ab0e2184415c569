/**
 * Yearly data: one value per year, region and input key, with its source and who entered it when.
 * Read as a grid (SPEC section 4's dataset shape plus sources); written all-or-nothing in one
 * transaction with its audit row, after checking every value against a rule version's inputs.
 * The importers (server/io/) parse files into `IncomingRegion`s and call `applyRegionValues`.
 */
import { transaction } from './dialect.ts';
import { and, asc, eq, sql } from 'drizzle-orm';
import { datasetHash } from '../../engine/index.ts';
import type { Dataset, Input, RuleDocument } from '../../engine/types.ts';
import { appendAudit, nowIso, type Tx } from './audit.ts';
import { cellsHash, recordChanges, type CellChange } from './data-changes.ts';
import type { Db } from './client.ts';
import { ValidationError, type ImportProblem } from './errors.ts';
import { listRegions, type Region } from './regions.ts';
import { datasetValues, VALUE_SOURCES, type ValueSource } from './schema.ts';
import { checkValue, choiceOfValue, inputOfKey, isRequiredWithoutDefault, isScalar } from './values.ts';
import { getVersion } from './versions.ts';
import type { Value, DatasetRegion, DatasetGrid, DatasetSummary, GridInput } from './dataset-types.ts';
export type { Value, DatasetRegion, DatasetGrid, DatasetSummary, GridInput } from './dataset-types.ts';

/** One incoming value with where it came from. `value` null or undefined means "missing" (removed). */
export interface IncomingValue {
  key: string;
  value: unknown;
  path: string;
  row?: number;
  column?: string;
  /** Overrides the write's source for this value (the seed marks national figures). */
  source?: ValueSource;
}

export interface IncomingRegion {
  code: string;
  /** JSON pointer of the region (`/regions/3`). */
  path: string;
  row?: number;
  /** Where the code is (`code (A)` or `/regions/3/code`). */
  codeColumn?: string;
  values: IncomingValue[];
  /**
   * Input keys this region's source covers (the file's columns): with `requireComplete`, stored values
   * of other keys count towards completeness; a covered key without an incoming value is missing.
   */
  covers?: string[];
}

export interface ApplyOptions {
  year: number;
  /** The rule document the values are checked against; without one, values are only checked to be scalars. */
  document?: RuleDocument | null;
  regions: IncomingRegion[];
  /** Problems found while parsing (unknown columns, malformed rows): reported with the others. */
  problems?: ImportProblem[];
  /** Report a required input (without default) that stays missing after the write. */
  requireComplete: boolean;
  source: ValueSource;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
  /** Called while writing, after each region, with (regions written, regions in total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Check everything and work out the cell changes, but write nothing and audit nothing (the import
   * preview): the result's `changes` lists what a real write would change.
   */
  dryRun?: boolean;
}

export interface ApplyResult {
  /** Regions written. */
  regions: number;
  /** Values written (inserted or changed). */
  values: number;
  /** Values removed. */
  removed: number;
  /** The year's dataset hash after the write (before it, for a dry run). */
  hash: string;
  /** Cells whose value changes (or would change, for a dry run): added, changed or removed. */
  changed: number;
  /** Cells whose value stays and only the source changes (e.g. 国家考核结果 → import). */
  sourceOnly: number;
  /** A dry run's cell changes, in file order. */
  changes?: CellChange[];
}

function byCode(a: { code: string }, b: { code: string }): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Stored values of a year: region code → key → { value, source }. */
async function storedValues(
  db: Tx,
  year: number,
): Promise<Map<string, Map<string, { value: Value; source: ValueSource }>>> {
  const rows = await db
    .select()
    .from(datasetValues)
    .where(eq(datasetValues.year, year))
    .orderBy(asc(datasetValues.regionCode), asc(datasetValues.key))
    .all();
  const out = new Map<string, Map<string, { value: Value; source: ValueSource }>>();
  for (const r of rows) {
    let m = out.get(r.regionCode);
    if (!m) out.set(r.regionCode, (m = new Map()));
    m.set(r.key, { value: JSON.parse(r.value) as Value, source: r.source });
  }
  return out;
}

async function gridOf(
  db: Tx,
  year: number,
  regionList: Region[],
  assessedOnly: boolean,
): Promise<DatasetRegion[]> {
  const stored = await storedValues(db, year);
  const byCodeMap = new Map(regionList.map((r) => [r.code, r]));
  const codes = new Set<string>();
  for (const r of regionList) if (r.active && r.years.includes(year)) codes.add(r.code);
  if (!assessedOnly) for (const code of stored.keys()) codes.add(code);
  return [...codes].sort().map((code) => {
    const values: Record<string, Value> = {};
    const sources: Record<string, ValueSource> = {};
    for (const [k, v] of stored.get(code) ?? []) {
      values[k] = v.value;
      sources[k] = v.source;
    }
    return { code, name: byCodeMap.get(code)?.nameZh ?? code, values, sources };
  });
}

/**
 * A year's data as a grid: every region assessed that year (even without values) and every region
 * holding values for it, sorted by code, with each value's source.
 */
export async function getDataset(db: Tx, year: number): Promise<DatasetGrid> {
  const regions = await gridOf(db, year, await listRegions(db), false);
  return {
    year,
    hash: datasetHash({ year, regions: regions.map(({ code, name, values }) => ({ code, name, values })) }),
    regions,
  };
}

/**
 * The dataset an assessment of `year` evaluates (SPEC section 4 JSON shape): the regions assessed
 * that year, sorted by code, with their stored values (none when nothing was entered).
 */
export async function datasetForYear(db: Tx, year: number): Promise<Dataset> {
  const regions = await gridOf(db, year, await listRegions(db), true);
  return { year, regions: regions.map(({ code, name, values }) => ({ code, name, values })) };
}

/** The hash of the year's full grid (the same as `getDataset(db, year).hash`). */
export async function gridHash(db: Tx, year: number): Promise<string> {
  return (await getDataset(db, year)).hash;
}

/** One line per year that holds data, newest first. */
export async function listDatasets(db: Tx): Promise<DatasetSummary[]> {
  return await db
    .select({
      year: datasetValues.year,
      regions: sql<number>`count(distinct ${datasetValues.regionCode})`,
      values: sql<number>`count(*)`,
      updatedAt: sql<string>`max(${datasetValues.updatedAt})`,
    })
    .from(datasetValues)
    .groupBy(datasetValues.year)
    .orderBy(sql`${datasetValues.year} desc`)
    .all();
}

function location(p: { row?: number; column?: string }): Pick<ImportProblem, 'row' | 'column'> {
  const out: Pick<ImportProblem, 'row' | 'column'> = {};
  if (p.row !== undefined) out.row = p.row;
  if (p.column !== undefined) out.column = p.column;
  return out;
}

function where(p: { row?: number; column?: string }): string {
  if (p.row !== undefined && p.column !== undefined) return `第 ${p.row} 行 ${p.column} 列：`;
  if (p.row !== undefined) return `第 ${p.row} 行：`;
  return '';
}

/** Every problem of an incoming write, checked against the regions, the document and the stored data. */
export async function checkIncoming(
  db: Tx,
  opts: Pick<ApplyOptions, 'year' | 'document' | 'regions' | 'requireComplete'>,
): Promise<ImportProblem[]> {
  const problems: ImportProblem[] = [];
  const regionMap = new Map((await listRegions(db)).map((r) => [r.code, r]));
  const inputs = new Map<string, Input>((opts.document?.inputs ?? []).map((i) => [i.key, i]));
  const doc = opts.document;
  const stored = opts.requireComplete ? await storedValues(db, opts.year) : new Map();
  const seen = new Map<string, IncomingRegion>();
  for (const region of opts.regions) {
    const at = { row: region.row, column: region.codeColumn };
    const region0 = regionMap.get(region.code);
    if (!region0) {
      problems.push({
        path: `${region.path}/code`,
        ...location(at),
        code: 'unknown_region',
        message: `${where(at)}未知的地区代码 "${region.code}" / unknown region code "${region.code}"`,
      });
      continue;
    }
    if (!region0.active || !region0.years.includes(opts.year)) {
      problems.push({
        path: `${region.path}/code`,
        ...location(at),
        code: 'region_not_assessed',
        message: `${where(at)}地区 ${region.code}（${region0.nameZh}）${opts.year}年不参加考核 / region ${region.code} is not assessed in ${opts.year}`,
      });
      continue;
    }
    const first = seen.get(region.code);
    if (first) {
      problems.push({
        path: `${region.path}/code`,
        ...location(at),
        code: 'duplicate_row',
        message: `${where(at)}地区 ${region.code} 重复出现（首次在${first.row !== undefined ? `第 ${first.row} 行` : ` ${first.path}`}） / region ${region.code} appears twice (first at ${first.row !== undefined ? `row ${first.row}` : first.path})`,
      });
      continue;
    }
    seen.set(region.code, region);
    const given = new Map<string, IncomingValue>();
    for (const v of region.values) {
      given.set(v.key, v);
      if (v.value === null || v.value === undefined) continue;
      // `prev.KEY` (schema version 2): last year's value, checked like the input itself.
      const input = doc ? inputOfKey(doc, v.key) : inputs.get(v.key);
      if (opts.document && !input) {
        problems.push({
          path: v.path,
          ...location(v),
          code: 'unknown_key',
          message: `${where(v)}"${v.key}" 不是该规则版本的输入项 / "${v.key}" is not an input of this rule version`,
        });
        continue;
      }
      const problem = input
        ? checkValue(input, v.value)
        : isScalar(v.value)
          ? null
          : {
              code: 'invalid_type' as const,
              message: `"${v.key}" 的值必须是数值、布尔值或文本 / "${v.key}" must be a number, boolean or string`,
            };
      if (problem)
        problems.push({
          path: v.path,
          ...location(v),
          code: problem.code,
          message: `${where(v)}${problem.message}`,
        });
    }
    if (opts.requireComplete && opts.document) {
      const have = stored.get(region.code) ?? new Map();
      const covers = new Set(region.covers ?? []);
      for (const input of opts.document.inputs) {
        if (!isRequiredWithoutDefault(input)) continue;
        const v = given.get(input.key);
        const present = v
          ? v.value !== null && v.value !== undefined
          : !covers.has(input.key) && have.has(input.key);
        if (present) continue;
        const loc = v ?? { row: region.row, column: input.key };
        problems.push({
          path: v?.path ?? `${region.path}/values/${input.key}`,
          ...location(loc),
          code: 'missing_required',
          message: `${where(loc)}地区 ${region.code} 缺少必填项 ${input.key}(${input.label.zh}) / region ${region.code}: required value ${input.key} is missing`,
        });
      }
    }
  }
  return problems;
}

/**
 * Checks and writes incoming values in one transaction with one audit row: either every value is
 * written or, when any problem is found, nothing is and a ValidationError lists every problem.
 */
export async function applyRegionValues(db: Db, opts: ApplyOptions): Promise<ApplyResult> {
  if (!(VALUE_SOURCES as readonly string[]).includes(opts.source))
    throw new TypeError(`unknown source ${opts.source}`);
  // Labelled choices (schema version 2): a label given for a value is stored as the value.
  const doc = opts.document;
  if (doc && doc.inputs.some((i) => i.enum?.some((e) => typeof e === 'object')))
    opts = {
      ...opts,
      regions: opts.regions.map((r) => ({
        ...r,
        values: r.values.map((v) => ({ ...v, value: choiceOfValue(inputOfKey(doc, v.key), v.value) })),
      })),
    };
  return await transaction(db, async (tx) => {
    const problems = [...(opts.problems ?? []), ...(await checkIncoming(tx, opts))];
    if (problems.length) {
      const sorted = problems
        .map((p, i) => ({ p, i }))
        .sort((a, b) => (a.p.row ?? 0) - (b.p.row ?? 0) || a.i - b.i)
        .map((x) => x.p);
      throw new ValidationError(
        `数据有 ${problems.length} 处问题，未保存任何数据 / ${problems.length} problem${problems.length === 1 ? '' : 's'} in the data; nothing was saved`,
        sorted,
        'invalid_data',
      );
    }
    const beforeHash = await gridHash(tx, opts.year);
    const at = nowIso();
    // Cell-level audit: what each written cell held before and holds after.
    const stored = await storedValues(tx, opts.year);
    const changes: CellChange[] = [];
    for (const region of opts.regions)
      for (const v of region.values) {
        const old = stored.get(region.code)?.get(v.key);
        const removing = v.value === null || v.value === undefined;
        const after = removing ? null : JSON.stringify(v.value);
        const afterSource = removing ? null : (v.source ?? opts.source);
        const before = old ? JSON.stringify(old.value) : null;
        if (before === after && (removing || old?.source === afterSource)) continue;
        changes.push({
          region: region.code,
          key: v.key,
          before,
          after,
          beforeSource: old?.source ?? null,
          afterSource,
        });
      }
    const sourceOnly = changes.filter((c) => c.before === c.after).length;
    const changed = changes.length - sourceOnly;
    if (opts.dryRun)
      return {
        regions: opts.regions.length,
        values: 0,
        removed: 0,
        hash: beforeHash,
        changed,
        sourceOnly,
        // value changes first, then the cells whose source alone changes
        changes: [
          ...changes.filter((c) => c.before !== c.after),
          ...changes.filter((c) => c.before === c.after),
        ],
      };
    // An upsert that leaves a row alone (no change counted) when value and source are the same.
    let values = 0;
    let removed = 0;
    for (const [i, region] of opts.regions.entries()) {
      for (const v of region.values) {
        if (v.value === null || v.value === undefined)
          removed += (
            await tx
              .delete(datasetValues)
              .where(
                and(
                  eq(datasetValues.year, opts.year),
                  eq(datasetValues.regionCode, region.code),
                  eq(datasetValues.key, v.key),
                ),
              )
              .run()
          ).changes;
        else
          values += (
            await tx
              .insert(datasetValues)
              .values({
                year: opts.year,
                regionCode: region.code,
                key: v.key,
                value: JSON.stringify(v.value),
                source: v.source ?? opts.source,
                updatedBy: opts.actor,
                updatedAt: at,
              })
              .onConflictDoUpdate({
                target: [datasetValues.year, datasetValues.regionCode, datasetValues.key],
                set: {
                  value: sql`excluded.value`,
                  source: sql`excluded.source`,
                  updatedBy: sql`excluded.updated_by`,
                  updatedAt: sql`excluded.updated_at`,
                },
                setWhere: sql`${datasetValues.value} IS DISTINCT FROM excluded.value OR ${datasetValues.source} IS DISTINCT FROM excluded.source`,
              })
              .run()
          ).changes;
      }
      opts.onProgress?.(i + 1, opts.regions.length);
    }
    const hash = await gridHash(tx, opts.year);
    const entry = await appendAudit(tx, {
      user: opts.actor,
      action: opts.action,
      entity: 'dataset',
      entityId: opts.year,
      beforeHash,
      afterHash: hash,
      detail: {
        year: opts.year,
        regions: opts.regions.length,
        values,
        removed,
        source: opts.source,
        ...opts.detail,
        cells: changes.length,
        cellsHash: cellsHash(changes),
      },
      at,
    });
    await recordChanges(tx, entry.id, opts.year, opts.actor, at, changes);
    return { regions: opts.regions.length, values, removed, hash, changed, sourceOnly };
  });
}

/**
 * Saves a grid (`PUT /api/datasets/:year`): every value checked against the version's inputs
 * (`versionId`), `null` removing a value, all-or-nothing. Problems carry JSON pointers
 * (`/regions/3/values/pm25`). Partial grids are fine: required values are not enforced here (runs
 * report them), so data can be entered step by step. Audited as `dataset.save`.
 */
export async function saveDatasetGrid(
  db: Db,
  year: number,
  grid: GridInput,
  opts: { versionId?: number | null; actor: string; source?: ValueSource },
): Promise<ApplyResult> {
  const problems: ImportProblem[] = [];
  if (!grid || typeof grid !== 'object' || !Array.isArray(grid.regions))
    throw new ValidationError('数据格式无效 / invalid grid', [
      { path: '/regions', code: 'invalid_data', message: '需要 regions 数组 / "regions" must be an array' },
    ]);
  const document =
    opts.versionId !== undefined && opts.versionId !== null
      ? (await getVersion(db, opts.versionId)).document
      : null;
  const regions: IncomingRegion[] = [];
  grid.regions.forEach((r, i) => {
    const path = `/regions/${i}`;
    if (!r || typeof r !== 'object' || typeof r.code !== 'string' || r.code === '') {
      problems.push({
        path: `${path}/code`,
        code: 'invalid_data',
        message: `${path}: 缺少地区代码 / the region needs a "code"`,
      });
      return;
    }
    if (!r.values || typeof r.values !== 'object' || Array.isArray(r.values)) {
      problems.push({
        path: `${path}/values`,
        code: 'invalid_data',
        message: `${path}: values 必须是对象 / "values" must be an object`,
      });
      return;
    }
    regions.push({
      code: r.code,
      path,
      codeColumn: undefined,
      values: Object.entries(r.values).map(([key, value]) => ({
        key,
        value,
        path: `${path}/values/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      })),
    });
  });
  return await applyRegionValues(db, {
    year,
    document,
    regions,
    problems,
    requireComplete: false,
    source: opts.source ?? 'manual',
    actor: opts.actor,
    action: 'dataset.save',
    detail: { versionId: opts.versionId ?? null },
  });
}

/** A region's stored values for a year, with sources (empty when none). */
export async function getRegionValues(
  db: Tx,
  year: number,
  code: string,
): Promise<{ values: Record<string, Value>; sources: Record<string, ValueSource> }> {
  const rows = await db
    .select()
    .from(datasetValues)
    .where(and(eq(datasetValues.year, year), eq(datasetValues.regionCode, code)))
    .orderBy(asc(datasetValues.key))
    .all();
  const values: Record<string, Value> = {};
  const sources: Record<string, ValueSource> = {};
  for (const r of rows) {
    values[r.key] = JSON.parse(r.value) as Value;
    sources[r.key] = r.source;
  }
  return { values, sources };
}

export { byCode };
