/**
 * Reading and writing worksheets as rows of plain cells (number, boolean, string or null), the
 * shape the table importer and the CSV reader share.
 */
import type ExcelJS from 'exceljs';

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

/** The rows of a workbook's first worksheet (row 1 first), each cell plain; trailing empty rows dropped. */
export async function readXlsxRows(data: Uint8Array): Promise<Cell[][]> {
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
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: Cell[] = [];
    const count = Math.max(row.cellCount, 0);
    for (let c = 1; c <= count; c++) cells.push(plainCell(row.getCell(c).value));
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
