/**
 * The bounds of a data import, checked before a file is expanded: a table's rows and columns from
 * its header (CSV) or its sheet dimension and cell references (XLSX), the XLSX's decompressed size
 * from its zip directory and a bounded inflate, and how many problems an answer lists.
 * README.md ("Limits") lists them.
 */
import { LIMITS } from '../../engine/index.ts';

/** Data rows of one import (a province has about 70 regions; China about 2,900 counties). */
export const MAX_IMPORT_ROWS = 10_000;

/** Columns of one import: `code`, `name` and the most inputs a document may have, with room. */
export const MAX_IMPORT_COLUMNS = LIMITS.inputs + 100;

/** Non-empty cells of one import. */
export const MAX_IMPORT_CELLS = 500_000;

/** The decompressed size of every entry of an XLSX file together (a 20 MiB upload limit aside). */
export const MAX_XLSX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Problems listed in one answer; the answer also says how many there were in all. */
export const MAX_LISTED_PROBLEMS = 1_000;

/** A file beyond one of these bounds: one problem that names the limit, nothing expanded. */
export class ImportLimitError extends Error {
  override name = 'ImportLimitError';
  readonly problem: { path: string; code: string; message: string; row?: number; column?: string };
  constructor(code: string, zh: string, en: string, where: { row?: number; column?: string } = {}) {
    super(`${zh} / ${en}`);
    this.problem = { path: '', ...where, code, message: `${zh} / ${en}` };
  }
}

/** Refusals for a table beyond the row, column or cell limits. */
export function tooManyRows(rows: number): ImportLimitError {
  return new ImportLimitError(
    'too_many_rows',
    `文件有 ${rows} 行，超过上限 ${MAX_IMPORT_ROWS} 行（MAX_IMPORT_ROWS）`,
    `the file has ${rows} rows, above the limit of ${MAX_IMPORT_ROWS} (MAX_IMPORT_ROWS)`,
  );
}

export function tooManyColumns(columns: number, row?: number): ImportLimitError {
  return new ImportLimitError(
    'too_many_columns',
    `文件有 ${columns} 列，超过上限 ${MAX_IMPORT_COLUMNS} 列（MAX_IMPORT_COLUMNS）`,
    `the file has ${columns} columns, above the limit of ${MAX_IMPORT_COLUMNS} (MAX_IMPORT_COLUMNS)`,
    row !== undefined ? { row } : {},
  );
}

export function tooManyCells(cells: number): ImportLimitError {
  return new ImportLimitError(
    'too_many_cells',
    `文件的非空单元格超过 ${MAX_IMPORT_CELLS} 个（MAX_IMPORT_CELLS）`,
    `the file has more than ${MAX_IMPORT_CELLS} non-empty cells (MAX_IMPORT_CELLS), ${cells} counted`,
  );
}
