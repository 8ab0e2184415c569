/**
 * The yearly data grid's state: one cell per region and input, holding the text shown, the stored
 * text it started from, and the problems the server or an import reported for it. Checking a cell
 * against its input (type, bounds, required) is derived, so the problem shows as you type.
 */
import type { Input, RuleDocument } from '$engine/types.ts';
import type { DatasetGrid } from './api.ts';
import { cellText, parseCell, readBoolean, type ParsedCell } from './cells.ts';
import { choiceFromText, choiceLabel, PREV_PREFIX } from '$engine/document/v2.ts';

export interface Cell {
  text: string;
  original: string;
  /** A problem the server reported for this cell on save. */
  server: string | null;
}

export interface GridRow {
  code: string;
  name: string;
  sources: Record<string, string>;
  cells: Record<string, Cell>;
  /**
   * Last year's values of the inputs that declare `previous` (read-only): `prev.KEY` stored with the
   * year's data (`from: 'data'`), else the stored data of year − 1 (`from: 'stored'`).
   */
  previous: Record<string, { value: unknown; from: 'data' | 'stored' }>;
}

/** The rows of a grid for `doc`'s inputs, from a dataset read from the server. */
export function rowsOf(grid: DatasetGrid, inputs: readonly Input[]): GridRow[] {
  return grid.regions.map((r) => {
    const cells: Record<string, Cell> = {};
    for (const input of inputs) {
      const value = r.values[input.key];
      // A labelled choice in a text cell (number inputs) reads as its label, which parses back.
      const shown = input.type !== 'string' ? choiceLabel(input, value)?.zh : undefined;
      const text = shown ?? cellText(value);
      cells[input.key] = { text, original: text, server: null };
    }
    const previous: GridRow['previous'] = {};
    for (const input of inputs) {
      if (input.previous === undefined) continue;
      const own = r.values[PREV_PREFIX + input.key];
      const last = r.lastYear?.[input.key];
      if (own !== undefined && own !== null) previous[input.key] = { value: own, from: 'data' };
      else if (last !== undefined && last !== null) previous[input.key] = { value: last, from: 'stored' };
    }
    return {
      code: r.code,
      name: r.name,
      sources: (r.sources ?? {}) as Record<string, string>,
      cells,
      previous,
    };
  });
}

/** The text a pasted or typed value becomes in a cell of `input` (yes/no normalised for selects). */
export function normaliseText(text: string, input: Input): string {
  const s = text.trim();
  if (input.type === 'boolean') {
    const b = readBoolean(s);
    return b === null ? s : b ? 'true' : 'false';
  }
  // A choice typed or pasted by its label becomes its value (what the select holds).
  if (input.enum?.length) {
    const v = choiceFromText(input, s);
    if (v !== undefined) return String(v);
  }
  return s;
}

export function checkCell(cell: Cell, input: Input): ParsedCell {
  return parseCell(cell.text, input);
}

export function isChanged(cell: Cell): boolean {
  return cell.text.trim() !== cell.original.trim();
}

export interface GridStats {
  cells: number;
  filled: number;
  changed: number;
  /** Cells whose value cannot be saved (type, bounds, enum) or that the server refused. */
  errors: number;
  /** Required values still missing (saving is allowed; a run reports them). */
  missing: number;
}

export function statsOf(rows: readonly GridRow[], inputs: readonly Input[]): GridStats {
  const s: GridStats = { cells: 0, filled: 0, changed: 0, errors: 0, missing: 0 };
  for (const row of rows)
    for (const input of inputs) {
      const cell = row.cells[input.key];
      if (!cell) continue;
      s.cells++;
      if (cell.text.trim() !== '') s.filled++;
      if (isChanged(cell)) s.changed++;
      const { problem } = parseCell(cell.text, input);
      if (problem?.code === 'required') s.missing++;
      else if (problem || cell.server) s.errors++;
    }
  return s;
}

/**
 * What a save sends: only the changed cells (so stored sources such as "national" are kept for the
 * others), per region, `null` for a cleared value; `codes[i]` is the region of `regions[i]`.
 * Null when some changed cell cannot be read.
 */
export function changesOf(
  rows: readonly GridRow[],
  doc: RuleDocument,
): { regions: { code: string; values: Record<string, unknown> }[]; count: number } | null {
  const out: { code: string; values: Record<string, unknown> }[] = [];
  let count = 0;
  for (const row of rows) {
    const values: Record<string, unknown> = {};
    for (const input of doc.inputs) {
      const cell = row.cells[input.key];
      if (!cell || !isChanged(cell)) continue;
      const { value, problem } = parseCell(cell.text, input);
      if (value === undefined || (problem && problem.code !== 'required')) return null;
      values[input.key] = value;
      count++;
    }
    if (Object.keys(values).length) out.push({ code: row.code, values });
  }
  return { regions: out, count };
}
