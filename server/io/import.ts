/**
 * Importing a year's data from CSV, XLSX or JSON (SPEC section 4's formats), checked against a
 * chosen rule version's inputs, all-or-nothing in one transaction. When anything is wrong nothing is
 * written and a ValidationError lists EVERY problem with its `row` and `column` (header name and
 * letter, `pm25 (D)`, for tables; the JSON pointer for JSON) and the reason: unknown region code,
 * unknown column/key, wrong type, out of range or not in the enum, duplicate row, missing required
 * value (after defaults and the values already stored for columns the file does not have).
 *
 * Tables: row 1 `code`, `name` (optional), then input keys; an optional second header row starting
 * with `#` (labels) is skipped; booleans accept true/false/1/0/是/否; empty cells are missing values.
 * Cell conversion and column letters come from the engine (`convertCell`, `columnLetter`).
 */
import { columnLetter, convertCell, parseCsvRows } from '../../engine/index.ts';
import type { RuleDocument } from '../../engine/types.ts';
import type { Db } from '../db/client.ts';
import { applyRegionValues, type ApplyResult, type IncomingRegion } from '../db/datasets.ts';
import { ValidationError, type ImportProblem } from '../db/errors.ts';
import { getVersion } from '../db/versions.ts';
import { readXlsxRows, UnreadableWorkbookError, type Cell } from './xlsx.ts';

export type ImportFormat = 'csv' | 'xlsx' | 'json';

export interface ImportOptions {
  year: number;
  /** The rule version whose inputs the data is checked against (any status). */
  versionId: number;
  format: ImportFormat;
  /** The file's bytes (CSV and JSON as UTF-8, a BOM is fine) or its text. */
  data: Uint8Array | string;
  actor: string;
  /** Recorded in the audit detail. */
  filename?: string;
  /** Called while writing, with (regions written, total). */
  onProgress?: (done: number, total: number) => void;
}

export type ImportResult = ApplyResult;

export interface ParsedImport {
  regions: IncomingRegion[];
  problems: ImportProblem[];
}

function text(data: Uint8Array | string): string {
  return typeof data === 'string' ? data : new TextDecoder('utf-8').decode(data);
}

function isEmpty(c: unknown): boolean {
  return c === null || c === undefined || String(c).trim() === '';
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Turns table rows (row 1 the header) into incoming regions, with a problem for each unknown or
 * repeated column and each row without a region code.
 */
export function rowsToIncoming(rows: unknown[][], doc: RuleDocument): ParsedImport {
  const problems: ImportProblem[] = [];
  const regions: IncomingRegion[] = [];
  if (rows.length === 0 || rows[0].every(isEmpty)) {
    problems.push({
      path: '',
      row: 1,
      column: 'A',
      code: 'missing_header',
      message: '第 1 行应为表头 code,name,输入项… / row 1 must be the header: code, name, then input keys',
    });
    return { regions, problems };
  }
  const inputs = new Map(doc.inputs.map((i) => [i.key, i]));
  const header = rows[0].map((h) => (isEmpty(h) ? '' : String(h).trim()));
  const col = (c: number) => `${header[c] || '?'} (${columnLetter(c)})`;
  let codeCol = -1;
  const keyCols: { c: number; key: string }[] = [];
  const seenHeaders = new Map<string, number>();
  header.forEach((h, c) => {
    if (h === '') return;
    const first = seenHeaders.get(h);
    if (first !== undefined) {
      problems.push({
        path: '',
        row: 1,
        column: col(c),
        code: 'duplicate_column',
        message: `第 1 行 ${col(c)} 列: 列 "${h}" 重复(首次在 ${columnLetter(first)} 列) / column "${h}" appears twice (first in column ${columnLetter(first)})`,
      });
      return;
    }
    seenHeaders.set(h, c);
    if (h === 'code') codeCol = c;
    else if (h === 'name') return;
    else if (inputs.has(h)) keyCols.push({ c, key: h });
    else
      problems.push({
        path: '',
        row: 1,
        column: col(c),
        code: 'unknown_column',
        message: `第 1 行 ${col(c)} 列: "${h}" 不是该规则版本的输入项 / "${h}" is not an input key of this rule version`,
      });
  });
  if (codeCol < 0) {
    problems.push({
      path: '',
      row: 1,
      column: 'code',
      code: 'missing_column',
      message: '表头缺少 code 列(地区代码) / the header has no "code" column (region code)',
    });
    return { regions, problems };
  }
  let start = 1;
  if (
    rows.length > 1 &&
    String(rows[1][0] ?? '')
      .trim()
      .startsWith('#')
  )
    start = 2;
  const covers = keyCols.map((k) => k.key);
  for (let r = start; r < rows.length; r++) {
    const row = rows[r] ?? [];
    const rowNo = r + 1;
    if (row.every(isEmpty)) continue;
    const path = `/regions/${regions.length}`;
    const code = isEmpty(row[codeCol]) ? '' : String(row[codeCol]).trim();
    if (code === '') {
      problems.push({
        path: `${path}/code`,
        row: rowNo,
        column: col(codeCol),
        code: 'missing_region_code',
        message: `第 ${rowNo} 行 ${col(codeCol)} 列: 缺少地区代码 / row ${rowNo} has no region code`,
      });
      continue;
    }
    regions.push({
      code,
      path,
      row: rowNo,
      codeColumn: col(codeCol),
      covers,
      values: keyCols.map(({ c, key }) => ({
        key,
        value: convertCell(row[c] ?? null, inputs.get(key)!.type) ?? null,
        path: `${path}/values/${escapePointer(key)}`,
        row: rowNo,
        column: col(c),
      })),
    });
  }
  return { regions, problems };
}

/** Parses SPEC section 4's JSON data (`{ year, regions: [{ code, name, values }] }`) for `year`. */
export function jsonToIncoming(value: unknown, year: number): ParsedImport {
  const problems: ImportProblem[] = [];
  const regions: IncomingRegion[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const at = (path: string, code: string, message: string) =>
    problems.push({ path, column: path, code, message: `${path || '/'}: ${message}` });
  if (!isObj(value)) {
    at(
      '',
      'invalid_data',
      '数据应为对象 { "year", "regions": [...] } / the data must be an object { "year", "regions": [...] }',
    );
    return { regions, problems };
  }
  if (value.year !== undefined && value.year !== year)
    at(
      '/year',
      'year_mismatch',
      `文件年份 ${JSON.stringify(value.year)} 与导入年份 ${year} 不符 / the file is for ${JSON.stringify(value.year)}, not ${year}`,
    );
  if (!Array.isArray(value.regions)) {
    at('/regions', 'invalid_data', '缺少 regions 数组 / "regions" must be an array');
    return { regions, problems };
  }
  value.regions.forEach((r, i) => {
    const path = `/regions/${i}`;
    if (!isObj(r))
      return at(
        path,
        'invalid_data',
        '每个地区应为对象 { "code", "name", "values" } / each region must be an object { "code", "name", "values" }',
      );
    // A numeric code (220100 written as a number) is read as its text, as the engine does.
    if (typeof r.code === 'number' && Number.isInteger(r.code) && r.code >= 0) r.code = String(r.code);
    if (typeof r.code !== 'string' || r.code.trim() === '')
      return at(`${path}/code`, 'missing_region_code', '缺少地区代码 / the region has no "code"');
    if (!isObj(r.values))
      return at(`${path}/values`, 'invalid_data', 'values 必须是对象 / "values" must be an object');
    const values = Object.entries(r.values).map(([key, v]) => {
      const p = `${path}/values/${escapePointer(key)}`;
      return { key, value: v, path: p, column: p };
    });
    regions.push({
      code: r.code.trim(),
      path,
      codeColumn: `${path}/code`,
      covers: Object.keys(r.values),
      values,
    });
  });
  return { regions, problems };
}

/** Parses a file of the given format into incoming regions and problems (nothing is written). */
export async function parseImport(
  format: ImportFormat,
  data: Uint8Array | string,
  doc: RuleDocument,
  year: number,
): Promise<ParsedImport> {
  switch (format) {
    case 'csv':
      return rowsToIncoming(parseCsvRows(text(data)), doc);
    case 'xlsx': {
      if (typeof data === 'string')
        return {
          regions: [],
          problems: [
            {
              path: '',
              code: 'unreadable_file',
              message: 'XLSX 需要二进制文件内容 / XLSX needs the file bytes',
            },
          ],
        };
      let rows: Cell[][];
      try {
        rows = await readXlsxRows(data);
      } catch (e) {
        if (e instanceof UnreadableWorkbookError)
          return { regions: [], problems: [{ path: '', code: 'unreadable_file', message: e.message }] };
        throw e;
      }
      return rowsToIncoming(rows, doc);
    }
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(text(data).replace(/^\uFEFF/, ''));
      } catch (e) {
        return {
          regions: [],
          problems: [
            {
              path: '',
              code: 'invalid_json',
              message: `JSON 无法解析 / the file is not valid JSON: ${(e as Error).message}`,
            },
          ],
        };
      }
      return jsonToIncoming(value, year);
    }
    default:
      throw new ValidationError('不支持的格式 / unsupported format', [
        {
          path: '/format',
          code: 'unsupported_format',
          message: `格式必须是 csv、xlsx 或 json / format must be csv, xlsx or json, got ${String(format)}`,
        },
      ]);
  }
}

/**
 * Imports a file into the year's data, checked against version `versionId`'s inputs; all-or-nothing,
 * audited as `dataset.import` with the file name, format and version. Values get source `import`.
 *
 * @example
 * await importDataset(db, { year: 2024, versionId: 4, format: 'csv', data: bytes, actor: 'bob' })
 */
export async function importDataset(db: Db, opts: ImportOptions): Promise<ImportResult> {
  const version = getVersion(db, opts.versionId);
  const inputs: unknown = version.document.inputs;
  if (!Array.isArray(inputs) || !inputs.every((i) => i && typeof i === 'object' && typeof i.key === 'string'))
    throw new ValidationError('该规则版本的输入项定义无效 / the rule version has no valid inputs', [
      {
        path: '/inputs',
        code: 'invalid_document',
        message: '规则版本的 inputs 无效 / the version has no valid "inputs"',
      },
    ]);
  const parsed = await parseImport(opts.format, opts.data, version.document, opts.year);
  return applyRegionValues(db, {
    year: opts.year,
    document: version.document,
    regions: parsed.regions,
    problems: parsed.problems,
    requireComplete: true,
    source: 'import',
    actor: opts.actor,
    action: 'dataset.import',
    detail: { format: opts.format, versionId: opts.versionId, filename: opts.filename ?? null },
    onProgress: opts.onProgress,
  });
}
