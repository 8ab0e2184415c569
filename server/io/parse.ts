/**
 * Parsing a data file (CSV, XLSX or JSON) into incoming regions and problems, nothing written:
 * the part of an import that expands the file, bounded by server/io/limits.ts and run in the engine
 * pool (server/workers) by the server. See import.ts for the formats.
 */
import Papa from 'papaparse';
import { columnLetter, convertCell } from '../../engine/index.ts';
import type { RuleDocument } from '../../engine/types.ts';
import type { IncomingRegion } from '../db/datasets.ts';
import { ValidationError, type ImportProblem } from '../db/errors.ts';
import {
  ImportLimitError,
  MAX_IMPORT_CELLS,
  MAX_IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  tooManyCells,
  tooManyColumns,
  tooManyRows,
} from './limits.ts';
import { checkJsonDepth } from '../web/guard.ts';
import { readXlsxRows, UnreadableWorkbookError, type Cell } from './xlsx.ts';

export type ImportFormat = 'csv' | 'xlsx' | 'json';

export interface ParsedImport {
  regions: IncomingRegion[];
  problems: ImportProblem[];
}

/** A cell an export neutralised (`'=…`, see export.ts `neutraliseCsv`) read back as written. */
function unneutralise(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** The row and cell limits for SPEC section 4's JSON data (regions and their values). */
function checkJsonSize(value: unknown): void {
  const regions = (value as { regions?: unknown })?.regions;
  if (!Array.isArray(regions)) return;
  if (regions.length > MAX_IMPORT_ROWS) throw tooManyRows(regions.length);
  let cells = 0;
  for (const r of regions) {
    const values = (r as { values?: unknown })?.values;
    if (values && typeof values === 'object') cells += Object.keys(values).length;
    if (cells > MAX_IMPORT_CELLS) throw tooManyCells(cells);
  }
}

/**
 * CSV rows as the engine's `parseCsvRows` reads them (BOM dropped, blank lines skipped), parsed
 * row by row and stopped at the first row or column beyond the import limits.
 */
export function parseCsvBounded(text: string): string[][] {
  const rows: string[][] = [];
  let cells = 0;
  let stop: ImportLimitError | undefined;
  Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    skipEmptyLines: 'greedy',
    step: (result, parser) => {
      if (stop) return;
      const row = result.data;
      if (row.length > MAX_IMPORT_COLUMNS) stop = tooManyColumns(row.length, rows.length + 1);
      else if (rows.length >= MAX_IMPORT_ROWS + 2) stop = tooManyRows(rows.length + 1);
      else {
        for (const cell of row) if (cell !== '') cells++;
        if (cells > MAX_IMPORT_CELLS) stop = tooManyCells(cells);
      }
      if (stop) parser.abort();
      else rows.push(row.map(unneutralise));
    },
  });
  if (stop) throw stop;
  return rows;
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
        message: `第 1 行 ${col(c)} 列：列 "${h}" 重复（首次在 ${columnLetter(first)} 列） / column "${h}" appears twice (first in column ${columnLetter(first)})`,
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
        message: `第 1 行 ${col(c)} 列："${h}" 不是该规则版本的输入项 / "${h}" is not an input key of this rule version`,
      });
  });
  if (codeCol < 0) {
    problems.push({
      path: '',
      row: 1,
      column: 'code',
      code: 'missing_column',
      message: '表头缺少 code 列（地区代码） / the header has no "code" column (region code)',
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
        message: `第 ${rowNo} 行 ${col(codeCol)} 列：缺少地区代码 / row ${rowNo} has no region code`,
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

/**
 * Parses a file of the given format into incoming regions and problems (nothing is written). A
 * file beyond the import limits gives the one problem naming the limit; a file without a single
 * data row gives `no_data_rows`.
 */
export async function parseImport(
  format: ImportFormat,
  data: Uint8Array | string,
  doc: RuleDocument,
  year: number,
): Promise<ParsedImport> {
  let parsed: ParsedImport;
  try {
    parsed = await parseFile(format, data, doc, year);
  } catch (e) {
    if (e instanceof ImportLimitError) return { regions: [], problems: [e.problem] };
    throw e;
  }
  if (parsed.regions.length === 0 && parsed.problems.length === 0)
    parsed.problems.push({
      path: '/regions',
      row: 2,
      code: 'no_data_rows',
      message:
        '文件中没有数据行（表头之后应每行一个地区） / the file has no data rows (one region per row after the header)',
    });
  return parsed;
}

async function parseFile(
  format: ImportFormat,
  data: Uint8Array | string,
  doc: RuleDocument,
  year: number,
): Promise<ParsedImport> {
  switch (format) {
    case 'csv':
      return rowsToIncoming(parseCsvBounded(text(data)), doc);
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
      checkJsonDepth(value);
      checkJsonSize(value);
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
