/**
 * Reading and writing worksheets as rows of plain cells (number, boolean, string or null), the
 * shape the table importer and the CSV reader share.
 */
import type ExcelJS from 'exceljs';
import {
  ImportLimitError,
  MAX_IMPORT_CELLS,
  MAX_IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  MAX_XLSX_UNCOMPRESSED_BYTES,
  tooManyCells,
  tooManyColumns,
  tooManyRows,
} from './limits.ts';
import { readZipEntry, ZipError, zipEntries } from './zip.ts';

export type Cell = number | boolean | string | null;

/** A cell's plain value: formulas give their result, rich text its text, dates `YYYY-MM-DD`. */
export function plainCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText))
      return value.richText.map((t) => t.text).join('');
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result === undefined || result === null) return null;
      if (typeof result === 'object' && result !== null && 'error' in result)
        return String((result as { error: string }).error);
      return plainCell(result as ExcelJS.CellValue);
    }
    if ('text' in value && typeof (value as { text: unknown }).text === 'string')
      return (value as { text: string }).text;
    if ('error' in value) return String(value.error);
  }
  return String(value);
}

/** Thrown when the bytes are not a readable XLSX workbook. */
export class UnreadableWorkbookError extends Error {
  constructor(cause: unknown) {
    super(
      `无法读取 XLSX 文件 / the file is not a readable XLSX workbook (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'UnreadableWorkbookError';
  }
}

/**
 * A new exceljs workbook. exceljs is loaded on first use: importing it at start-up cost the server
 * and the CLI about half of their start-up time and 20 MB.
 */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const { default: excel } = await import('exceljs');
  return new excel.Workbook();
}

/** Column letters to a 1-based number: A → 1, XFD → 16384. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function tooLarge(): ImportLimitError {
  const mib = MAX_XLSX_UNCOMPRESSED_BYTES / 1024 / 1024;
  return new ImportLimitError(
    'file_too_large',
    `XLSX 解压后超过 ${mib} MiB（MAX_XLSX_UNCOMPRESSED_BYTES）`,
    `the XLSX file decompresses to more than ${mib} MiB (MAX_XLSX_UNCOMPRESSED_BYTES)`,
  );
}

/**
 * Checks an XLSX file against the import limits BEFORE a workbook library expands it: the
 * decompressed size from the zip directory and from a bounded inflate of every entry, then each
 * worksheet's `<dimension>` and the references of its non-empty cells (rows, columns, count).
 * Throws ImportLimitError naming the limit, or UnreadableWorkbookError for a damaged file.
 */
export function checkXlsxBounds(data: Uint8Array): void {
  let entries;
  try {
    entries = zipEntries(data);
  } catch (e) {
    throw new UnreadableWorkbookError(e);
  }
  const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (declared > MAX_XLSX_UNCOMPRESSED_BYTES) throw tooLarge();
  let budget = MAX_XLSX_UNCOMPRESSED_BYTES;
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    let bytes: Buffer;
    try {
      bytes = readZipEntry(data, entry, budget);
    } catch (e) {
      if (e instanceof ZipError && e.tooLarge) throw tooLarge();
      throw new UnreadableWorkbookError(e);
    }
    budget -= bytes.length;
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)) checkSheet(bytes.toString('utf8'));
  }
}

/** A worksheet's size, from its dimension first, then from its non-empty cells. */
function checkSheet(xml: string): void {
  const dim = /<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/.exec(xml);
  if (dim) {
    const rows = Number(dim[4] ?? dim[2]);
    const columns = columnNumber(dim[3] ?? dim[1]);
    if (rows > MAX_IMPORT_ROWS + 2) throw tooManyRows(rows);
    if (columns > MAX_IMPORT_COLUMNS) throw tooManyColumns(columns);
  }
  // The dimension is optional and may lie: the cells themselves, without building any.
  let row = 0;
  let column = 0;
  let cells = 0;
  const token = /<row\b([^>]*)>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    if (m[1] !== undefined) {
      const r = /\br="(\d+)"/.exec(m[1]);
      row = r ? Number(r[1]) : row + 1;
      column = 0;
      continue;
    }
    const ref = /\br="([A-Z]+)(\d+)"/.exec(m[2]);
    column = ref ? columnNumber(ref[1]) : column + 1;
    if (ref) row = Number(ref[2]);
    if (!m[3] || !/<(v|is|f)\b/.test(m[3])) continue; // styled but empty: never built
    if (row > MAX_IMPORT_ROWS + 2) throw tooManyRows(row);
    if (column > MAX_IMPORT_COLUMNS) throw tooManyColumns(column, row);
    if (++cells > MAX_IMPORT_CELLS) throw tooManyCells(cells);
  }
}

/**
 * The rows of a workbook's first worksheet (row 1 first), each cell plain; trailing empty rows
 * dropped. Only non-empty cells get a value (rows are sparse arrays), and the file is checked
 * against the import limits before it is expanded (`checkXlsxBounds`).
 */
export async function readXlsxRows(data: Uint8Array): Promise<Cell[][]> {
  checkXlsxBounds(data);
  const wb = await newWorkbook();
  try {
    await wb.xlsx.load(
      Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ExcelJS.Buffer,
    );
  } catch (e) {
    throw new UnreadableWorkbookError(e);
  }
  const ws = wb.worksheets.find((w) => w.state !== 'hidden' && w.state !== 'veryHidden') ?? wb.worksheets[0];
  if (!ws) return [];
  const rows: Cell[][] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      const value = plainCell(cell.value);
      if (value !== null) cells[c - 1] = value;
    });
    rows[rowNumber - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) if (!rows[i]) rows[i] = [];
  while (rows.length && rows[rows.length - 1].every((c) => c === null || String(c).trim() === '')) rows.pop();
  return rows;
}

/** Writes a workbook to a Buffer. */
export async function workbookBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}
