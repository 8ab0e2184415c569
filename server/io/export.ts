/**
 * Exports: a year's data as CSV, XLSX or JSON (SPEC section 4's formats, re-importable), and a run's
 * ranking as CSV or XLSX.
 */
import Papa from 'papaparse';
import type { Grade, RegionError, RegionResult, RuleDocument } from '../../engine/types.ts';
import type { Tx } from '../db/audit.ts';
import { datasetForYear, getDataset } from '../db/datasets.ts';
import { ValidationError } from '../db/errors.ts';
import { getRun } from '../db/runs.ts';
import { dataColumns, valueForPeople } from '../db/values.ts';
import { PREV_PREFIX } from '../../engine/index.ts';
import { getVersion } from '../db/versions.ts';
import { listUsers } from '../db/users.ts';
import { roundHalfAway } from '../../engine/numeric/round.ts';
import { dataWorkbook, inputHeader } from './template.ts';
import { newWorkbook, workbookBuffer } from './xlsx.ts';

export type ExportFormat = 'csv' | 'xlsx' | 'json';

export interface ExportFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

const BOM = '\uFEFF';

function unsupported(format: string, allowed: string[]): ValidationError {
  return new ValidationError('不支持的格式 / unsupported format', [
    {
      path: '/format',
      code: 'unsupported_format',
      message: `格式必须是 ${allowed.join('、')} / format must be one of ${allowed.join(', ')}, got ${format}`,
    },
  ]);
}

/**
 * A text cell that a spreadsheet program would read as a formula (leading `=`, `+`, `-`, `@`, tab
 * or carriage return) gets a leading apostrophe, so opening an export in Excel or WPS never runs
 * what a region name or message says (CSV injection). Numbers stay numbers; the CSV importer drops
 * the apostrophe again (server/io/parse.ts), so exports re-import unchanged.
 */
export function neutraliseCsv(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function csvCell(v: unknown): string | number {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return neutraliseCsv(v);
  return neutraliseCsv(JSON.stringify(v));
}

/** Every text cell of CSV rows neutralised. */
function safeRows(rows: unknown[][]): unknown[][] {
  return rows.map((row) => row.map((v) => (typeof v === 'string' ? neutraliseCsv(v) : v)));
}

/**
 * A year's data as a file. With `versionId`, the columns are that version's inputs grouped by role
 * with a `#` label row (the template layout); without, every stored key in alphabetical order.
 * CSV is UTF-8 with a BOM (so spreadsheet programs read the Chinese text), booleans `true`/`false`;
 * XLSX writes booleans as 是/否. All three re-import unchanged.
 */
export async function exportDataset(
  db: Tx,
  year: number,
  format: ExportFormat,
  versionId?: number | null,
): Promise<ExportFile> {
  const stored = await getDataset(db, year);
  const doc: RuleDocument | null =
    versionId !== undefined && versionId !== null ? (await getVersion(db, versionId)).document : null;
  const columns = doc ? dataColumns(doc) : [];
  const keys = doc
    ? columns.map((i) => i.key)
    : [...new Set(stored.regions.flatMap((r) => Object.keys(r.values)))].sort();
  // Last year's values (schema version 2): stored as prev.KEY, else the stored data of year − 1.
  const last =
    doc && doc.inputs.some((i) => i.previous !== undefined)
      ? new Map((await datasetForYear(db, year - 1)).regions.map((r) => [r.code, r.values]))
      : null;
  const grid = !last
    ? stored
    : {
        ...stored,
        regions: stored.regions.map((r) => {
          const values: Record<string, unknown> = { ...r.values };
          for (const k of keys)
            if (k.startsWith(PREV_PREFIX) && values[k] === undefined) {
              const v = last.get(r.code)?.[k.slice(PREV_PREFIX.length)];
              if (v !== undefined) values[k] = v;
            }
          return { ...r, values };
        }),
      };
  const byKey = new Map(columns.map((i) => [i.key, i]));
  const base = `dataset-${year}`;
  switch (format) {
    case 'json': {
      // SPEC section 4's JSON, last year's values (prev.KEY) as the region's `previous`.
      const regions = grid.regions.map((r) => {
        const values: Record<string, unknown> = {};
        const previous: Record<string, unknown> = {};
        for (const k of doc ? keys : Object.keys(r.values).sort())
          if (r.values[k] === undefined) continue;
          else if (doc && k.startsWith(PREV_PREFIX)) previous[k.slice(PREV_PREFIX.length)] = r.values[k];
          else values[k] = r.values[k];
        return Object.keys(previous).length > 0
          ? { code: r.code, name: r.name, values, previous }
          : { code: r.code, name: r.name, values };
      });
      return {
        filename: `${base}.json`,
        contentType: CONTENT_TYPES.json,
        body: Buffer.from(JSON.stringify({ year, regions }, null, 2) + '\n', 'utf8'),
      };
    }
    case 'csv': {
      const rows: (string | number)[][] = [['code', 'name', ...keys]];
      if (doc)
        rows.push(['#地区代码', '地区名称', ...keys.map((k) => neutraliseCsv(inputHeader(byKey.get(k)!)))]);
      for (const r of grid.regions)
        rows.push([
          neutraliseCsv(r.code),
          neutraliseCsv(r.name),
          ...keys.map((k) => csvCell(valueForPeople(byKey.get(k), r.values[k]))),
        ]);
      return {
        filename: `${base}.csv`,
        contentType: CONTENT_TYPES.csv,
        body: Buffer.from(BOM + Papa.unparse(rows, { newline: '\n' }) + '\n', 'utf8'),
      };
    }
    case 'xlsx': {
      const regions = grid.regions.map((r) => ({ code: r.code, name: r.name, values: r.values }));
      const docForSheet: RuleDocument = doc ?? {
        schemaVersion: 1,
        family: 'data',
        year,
        title: { zh: `${year}年数据` },
        maxScore: 100,
        inputs: keys.map((key) => ({
          key,
          label: { zh: key },
          type: inferType(grid.regions.map((r) => r.values[key])),
          role: 'other' as const,
        })),
        categories: [],
        grades: [{ id: 'none', label: { zh: '-' }, min: 0 }],
      };
      const wb = await dataWorkbook(docForSheet, regions, `${year}年考核数据`);
      return { filename: `${base}.xlsx`, contentType: CONTENT_TYPES.xlsx, body: await workbookBuffer(wb) };
    }
    default:
      throw unsupported(String(format), ['csv', 'xlsx', 'json']);
  }
}

function inferType(values: unknown[]): 'number' | 'boolean' | 'string' {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length && present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.length && present.every((v) => typeof v === 'number')) return 'number';
  return 'string';
}

/** A user's display name (姓名), the username when unknown. */
async function displayNameOf(db: Tx, username: string): Promise<string> {
  return (await listUsers(db)).find((u) => u.username === username)?.displayName ?? username;
}

function gradeLabel(grades: Grade[], id: string): string {
  return grades.find((g) => g.id === id)?.label.zh ?? id;
}

interface RunTable {
  header: string[];
  labels: string[];
  rows: (string | number)[][];
  /** 0-based columns that hold points (total, base, bonus, categories, items). */
  scoreColumns: number[];
  /** The rule document's decimals. */
  precision: number;
}

/** The ranking as a table: one row per scored region, then one per region with errors. */
/** The Chinese names of the vetoes, downgrades or caps a region triggered (ids when unnamed), joined by 、. */
function adjustmentNames(list: { id: string; label: { zh: string } }[] | undefined, ids: string[]): string {
  return ids.map((id) => list?.find((x) => x.id === id)?.label.zh ?? id).join('、');
}

function runTable(
  results: RegionResult[],
  errors: RegionError[],
  grades: Grade[],
  doc?: RuleDocument,
): RunTable {
  const first = results[0];
  const cats = first ? first.categories : [];
  const header = [
    'rank',
    'code',
    'name',
    'total',
    'base',
    'bonus',
    'scoreGrade',
    'grade',
    'vetoes',
    'downgrades',
    'caps',
  ];
  const labels = [
    '#排名',
    '地区代码',
    '地区名称',
    '总分',
    '基础得分',
    '加分',
    '分数等级',
    '最终等级',
    '否决项',
    '降档项',
    '封顶项',
  ];
  const scoreColumns = [3, 4, 5];
  for (const c of cats) {
    scoreColumns.push(header.length);
    header.push(c.id);
    labels.push(c.label.zh);
    for (const item of c.items) {
      scoreColumns.push(header.length);
      header.push(`${c.id}.${item.id}`);
      labels.push(item.label.zh);
    }
  }
  header.push('errors');
  labels.push('错误');
  const rows: (string | number)[][] = results.map((r) => {
    const row: (string | number)[] = [
      r.rank,
      r.region,
      r.name,
      r.total,
      r.base,
      r.bonus,
      gradeLabel(grades, r.scoreGrade),
      gradeLabel(grades, r.grade),
      adjustmentNames(doc?.vetoes, r.vetoes),
      adjustmentNames(doc?.downgrades, r.downgrades),
      adjustmentNames(doc?.caps, r.caps),
    ];
    for (const c of cats) {
      const rc = r.categories.find((x) => x.id === c.id);
      row.push(rc?.points ?? '');
      for (const item of c.items) row.push(rc?.items.find((x) => x.id === item.id)?.points ?? '');
    }
    row.push('');
    return row;
  });
  const byRegion = new Map<string, RegionError[]>();
  for (const e of errors) byRegion.set(e.region, [...(byRegion.get(e.region) ?? []), e]);
  for (const [code, errs] of byRegion) {
    const row: (string | number)[] = new Array(header.length).fill('');
    row[1] = code;
    row[2] = errs[0].name;
    row[header.length - 1] = errs.map((e) => e.message).join('；');
    rows.push(row);
  }
  return { header, labels, rows, scoreColumns, precision: doc?.precision ?? 2 };
}

/** The table's points written with exactly the document's decimals (`96.80`), for CSV. */
function fixedScores(table: RunTable): (string | number)[][] {
  const cols = new Set(table.scoreColumns);
  return table.rows.map((row) =>
    row.map((v, i) =>
      cols.has(i) && typeof v === 'number' ? roundHalfAway(v, table.precision).toFixed(table.precision) : v,
    ),
  );
}

/** `2026-12-03T08:05:00.000Z` → `2026年12月3日 16:05` (Beijing time, as the offices read it). */
function chineseDateTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** A run's ranking as CSV (UTF-8 with BOM, a `#` label row) or XLSX (sheets 排名 and 错误). */
export async function exportRun(db: Tx, runId: number, format: 'csv' | 'xlsx'): Promise<ExportFile> {
  const run = await getRun(db, runId);
  const table = runTable(run.results, run.errors, run.grades, (await getVersion(db, run.versionId)).document);
  const base = `run-${run.id}-${run.family}-${run.year}-v${run.version}`;
  if (format === 'csv') {
    const text = Papa.unparse(safeRows([table.header, table.labels, ...fixedScores(table)]), {
      newline: '\n',
    });
    return {
      filename: `${base}.csv`,
      contentType: CONTENT_TYPES.csv,
      body: Buffer.from(BOM + text + '\n', 'utf8'),
    };
  }
  if (format === 'xlsx') {
    const wb = await newWorkbook();
    wb.creator = 'ecoscore';
    wb.created = new Date(run.createdAt);
    wb.modified = new Date(run.createdAt);
    const ws = wb.addWorksheet('排名', { views: [{ state: 'frozen', xSplit: 3, ySplit: 2 }] });
    ws.addRow(table.header).font = { color: { argb: 'FF808080' }, size: 9 };
    ws.addRow(table.labels).font = { bold: true };
    for (const row of table.rows) ws.addRow(row);
    ws.getColumn(3).width = 22;
    // Points shown with the document's decimals; the cells stay numbers.
    const numFmt = table.precision > 0 ? `0.${'0'.repeat(table.precision)}` : '0';
    for (const c of table.scoreColumns)
      ws.getColumn(c + 1).eachCell((cell, rowNo) => {
        if (rowNo > 2) cell.numFmt = numFmt;
      });
    const info = wb.addWorksheet('运行信息');
    for (const [k, v] of [
      ['运行 / run', run.id],
      ['规则 / rules', `${run.family} ${run.year} v${run.version}`],
      ['数据年份 / data year', run.year],
      ['规则哈希 / document hash', run.documentHash],
      ['数据哈希 / dataset hash', run.datasetHash],
      ['引擎版本 / engine', run.engineVersion],
      ['执行人 / by', await displayNameOf(db, run.createdBy)],
      ['时间 / at', chineseDateTime(run.createdAt)],
    ] as const)
      info.addRow([k, v]);
    info.getColumn(1).width = 26;
    info.getColumn(2).width = 70;
    if (run.errors.length) {
      const es = wb.addWorksheet('错误');
      es.addRow([
        '地区代码 / region',
        '名称 / name',
        '输入项 / key',
        '评分项 / item',
        '代码 / code',
        '说明 / message',
      ]).font = { bold: true };
      for (const e of run.errors) es.addRow([e.region, e.name, e.key ?? '', e.item ?? '', e.code, e.message]);
      es.getColumn(6).width = 80;
    }
    return { filename: `${base}.xlsx`, contentType: CONTENT_TYPES.xlsx, body: await workbookBuffer(wb) };
  }
  throw unsupported(String(format), ['csv', 'xlsx']);
}
