/**
 * The data grid's cells: text typed or pasted into a cell, read as the value a rule version's input
 * declares (type, bounds, enum, required), with the problem when it does not fit. The same rules
 * the server applies on save (server/db/values.ts), so what the grid accepts the server accepts.
 *
 * @example
 * parseCell('37', { key: 'pm25', type: 'number', min: 0, … }) // → { value: 37, problem: null }
 * parseCell('abc', pm25) // → { value: undefined, problem: { code: 'invalid_type', … } }
 * parseCell('一般', level) // labelled choice (schema version 2) → { value: 'general', problem: null }
 */
import type { Input } from '$engine/types.ts';
import { choiceFromText, choiceValue, hasLabelledChoices, isChoice } from '$engine/document/v2.ts';

export type CellProblemCode = 'invalid_type' | 'out_of_range' | 'not_in_enum' | 'required';

/** What is wrong with a cell, as a message key and its parameters (translated by the page). */
export interface CellProblem {
  code: CellProblemCode;
  key:
    | 'cell.invalidNumber'
    | 'cell.invalidInteger'
    | 'cell.invalidBoolean'
    | 'cell.invalidString'
    | 'cell.belowMin'
    | 'cell.aboveMax'
    | 'cell.notInEnum'
    | 'cell.required';
  params?: Record<string, string | number>;
}

export interface ParsedCell {
  /** The value to store: null when the cell is empty (a missing value), undefined when unreadable. */
  value: number | boolean | string | null | undefined;
  problem: CellProblem | null;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** "1,234.5" as spreadsheets copy large numbers. */
const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;

const TRUE = new Set(['true', '1', '是', 'yes', 'y', 't']);
const FALSE = new Set(['false', '0', '否', 'no', 'n', 'f']);

/** The input must have a value (required, default true, and no default to fall back on). */
export function isRequired(input: Input): boolean {
  return input.default === undefined && (input.required ?? true);
}

/** Reads a number from a cell's text, or null when it is not one. */
export function readNumber(text: string): number | null {
  let s = text
    .trim()
    .replace(/[\u00a0\s]/g, '')
    .replace(/^−/, '-');
  if (GROUPED.test(s)) s = s.replace(/,/g, '');
  if (!NUMBER.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Reads a yes/no from a cell's text (true/false, 1/0, 是/否), or null. */
export function readBoolean(text: string): boolean | null {
  const s = text.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return null;
}

/** The text a stored value shows as in the grid (booleans as `true`/`false`, the select's values). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** Reads `text` as a value of `input`, with the problem when it does not fit. */
export function parseCell(text: string, input: Input): ParsedCell {
  const s = text.trim();
  if (s === '') {
    return { value: null, problem: isRequired(input) ? { code: 'required', key: 'cell.required' } : null };
  }
  let value: number | boolean | string;
  // A choice given by its value or its label (schema version 2): the engine's own reading.
  const chosen = Array.isArray(input.enum) && input.enum.length ? choiceFromText(input, s) : undefined;
  if (chosen !== undefined) value = chosen;
  else if (hasLabelledChoices(input) && !readsAsType(s, input))
    // Text that is neither a choice nor of the input's type: say which choices there are.
    return { value: undefined, problem: notInEnum(input) };
  else
    switch (input.type) {
      case 'number':
      case 'integer': {
        const n = readNumber(s);
        if (n === null)
          return { value: undefined, problem: { code: 'invalid_type', key: 'cell.invalidNumber' } };
        if (input.type === 'integer' && !Number.isInteger(n))
          return { value: undefined, problem: { code: 'invalid_type', key: 'cell.invalidInteger' } };
        value = n;
        break;
      }
      case 'boolean': {
        const b = readBoolean(s);
        if (b === null)
          return { value: undefined, problem: { code: 'invalid_type', key: 'cell.invalidBoolean' } };
        value = b;
        break;
      }
      default:
        value = s;
    }
  if (typeof value === 'number') {
    if (typeof input.min === 'number' && value < input.min)
      return { value, problem: { code: 'out_of_range', key: 'cell.belowMin', params: { min: input.min } } };
    if (typeof input.max === 'number' && value > input.max)
      return { value, problem: { code: 'out_of_range', key: 'cell.aboveMax', params: { max: input.max } } };
  }
  if (Array.isArray(input.enum) && input.enum.length && !input.enum.some((e) => choiceValue(e) === value))
    return { value, problem: notInEnum(input) };
  return { value, problem: null };
}

/** A value outside the input's choices, the choices named by their labels. */
function notInEnum(input: Input): CellProblem {
  const allowed = (input.enum ?? []).map((e) => (isChoice(e) ? e.label.zh : String(e))).join(' / ');
  return { code: 'not_in_enum', key: 'cell.notInEnum', params: { allowed } };
}

/** Whether text reads as a value of the input's type (a number, a yes/no, any text). */
function readsAsType(text: string, input: Input): boolean {
  if (input.type === 'number' || input.type === 'integer') return readNumber(text) !== null;
  if (input.type === 'boolean') return readBoolean(text) !== null;
  return true;
}

/**
 * A block copied from a spreadsheet (tab-separated lines) as rows of cells. A trailing line break
 * (spreadsheets add one) is dropped; quoted cells ("a\tb") keep their tabs and line breaks.
 */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/\r\n?/g, '\n');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === '\t') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Whether pasted text is a block (several cells) rather than one value. */
export function isBlock(text: string): boolean {
  return /[\t\n]/.test(text.replace(/\r?\n$/, ''));
}

/** The role groups of the grid's columns, in order, with their inputs in document order. */
export const ROLE_ORDER = ['target', 'actual', 'event', 'assessment', 'other'] as const;
export type InputRole = (typeof ROLE_ORDER)[number];

export function groupInputs(inputs: readonly Input[]): { role: InputRole; inputs: Input[] }[] {
  return ROLE_ORDER.map((role) => ({
    role,
    inputs: inputs.filter((i) => (i.role ?? 'other') === role),
  })).filter((g) => g.inputs.length > 0);
}

/** Decodes a JSON pointer segment (`~1` → `/`, `~0` → `~`). */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `/regions/3/values/pm25` → { index: 3, key: 'pm25' }; null for other paths. */
export function cellOfPath(path: string): { index: number; key: string | null } | null {
  const m = /^\/regions\/(\d+)(?:\/values\/([^/]+))?/.exec(path);
  if (!m) return null;
  return { index: Number(m[1]), key: m[2] !== undefined ? unescapePointer(m[2]) : null };
}

/** `pm25 (D)` or `pm25` → `pm25`: the input key an import problem's column names. */
export function keyOfColumn(column: string | undefined): string | null {
  if (!column) return null;
  const m = /^([a-z][a-z0-9_]*)(\s*\([A-Z]+\))?$/.exec(column.trim());
  if (m) return m[1];
  const p = cellOfPath(column);
  return p?.key ?? null;
}
