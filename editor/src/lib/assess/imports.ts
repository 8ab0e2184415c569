/**
 * Placing the problems of a refused import on the grid: each problem's row and column (CSV), or
 * its JSON pointer (JSON), read back against the file to find the region and input it concerns.
 * XLSX problems are listed by row and column only (reading the workbook here would cost the page a
 * spreadsheet library).
 */
import Papa from 'papaparse';
import type { ImportFormat, ImportProblem } from './api.ts';
import { cellOfPath, keyOfColumn } from './cells.ts';

export interface PlacedProblem extends ImportProblem {
  /** The region the problem's row concerns, when known. */
  region?: string;
  /** The input key the problem's column concerns, when known. */
  key?: string;
  /** The cell's text in the file (CSV and JSON), when known. */
  value?: string;
}

/** The 0-based column index of a header like `pm25 (D)` (its letters), or -1. */
function columnIndex(column: string | undefined): number {
  const m = /\(([A-Z]+)\)\s*$/.exec(column ?? '');
  if (!m) return -1;
  let n = 0;
  for (const ch of m[1]) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Reads the file back to attach a region code and input key to each problem where possible. */
export async function placeProblems(
  file: Blob,
  format: ImportFormat,
  problems: ImportProblem[],
): Promise<PlacedProblem[]> {
  let codeOfRow: (row: number) => string | undefined = () => undefined;
  let codeOfIndex: (i: number) => string | undefined = () => undefined;
  let cellAt: (row: number, col: number) => string | undefined = () => undefined;
  let valueAt: (i: number, key: string) => string | undefined = () => undefined;
  try {
    if (format === 'csv') {
      const text = await file.text();
      const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
      const rows = parsed.data;
      const header = rows[0] ?? [];
      const codeCol = header.findIndex((h) => String(h).trim().toLowerCase() === 'code');
      codeOfRow = (row) => (codeCol >= 0 ? rows[row - 1]?.[codeCol]?.trim() || undefined : undefined);
      cellAt = (row, col) => (col >= 0 ? rows[row - 1]?.[col] : undefined);
    } else if (format === 'json') {
      const data = JSON.parse(await file.text()) as {
        regions?: { code?: unknown; values?: Record<string, unknown> }[];
      };
      valueAt = (i, key) => {
        const v = data.regions?.[i]?.values?.[key];
        return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
      };
      codeOfIndex = (i) => {
        const c = data.regions?.[i]?.code;
        return typeof c === 'string' ? c : undefined;
      };
    }
  } catch {
    /* an unreadable file: its problems say so already */
  }
  return problems.map((p) => {
    const placed: PlacedProblem = { ...p };
    const at = cellOfPath(p.path ?? '');
    const key = keyOfColumn(p.column) ?? at?.key ?? undefined;
    if (key) placed.key = key;
    const region = p.row !== undefined ? codeOfRow(p.row) : at ? codeOfIndex(at.index) : undefined;
    if (region) placed.region = region;
    const value =
      p.row !== undefined
        ? cellAt(p.row, columnIndex(p.column))
        : at && key
          ? valueAt(at.index, key)
          : undefined;
    if (value !== undefined) placed.value = value;
    return placed;
  });
}
