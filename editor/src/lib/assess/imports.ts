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
}

/** Reads the file back to attach a region code and input key to each problem where possible. */
export async function placeProblems(file: Blob, format: ImportFormat, problems: ImportProblem[]): Promise<PlacedProblem[]> {
  let codeOfRow: (row: number) => string | undefined = () => undefined;
  let codeOfIndex: (i: number) => string | undefined = () => undefined;
  try {
    if (format === 'csv') {
      const text = await file.text();
      const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
      const rows = parsed.data;
      const header = rows[0] ?? [];
      const codeCol = header.findIndex((h) => String(h).trim().toLowerCase() === 'code');
      codeOfRow = (row) => (codeCol >= 0 ? rows[row - 1]?.[codeCol]?.trim() || undefined : undefined);
    } else if (format === 'json') {
      const data = JSON.parse(await file.text()) as { regions?: { code?: unknown }[] };
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
    return placed;
  });
}
