/**
 * Reading regions' data from SPEC section 4's formats, without I/O: the JSON shape, and tables
 * (rows of cells from CSV or XLSX) with a `code`, `name`, then one column per input key. Problems
 * name the row and column (or the JSON pointer).
 */
import Papa from 'papaparse';
import type { Dataset, Input, Problem, RegionData, RegionError, RuleDocument } from '../types.ts';
import { pointer, problem } from '../validate/problem.ts';
import { choiceFromText, choiceLabel, hasLabelledChoices, PREV_PREFIX, prevName } from '../document/v2.ts';

/** Where a value came from in a table: for error messages. */
export interface CellLocation {
  row: number;
  column: string;
  header: string;
}

export interface ParsedDataset {
  dataset: Dataset;
  /** Problems that make the file unusable as a whole (missing code column, malformed JSON shape…). */
  problems: Problem[];
  /** Per region code and key, where the value came from (tables only). */
  locations: Map<string, Map<string, CellLocation>>;
  /** Row of each region in the table (1-based, as a spreadsheet shows it). */
  rows: Map<string, number>;
  /** Rows that name no region or repeat one: errors for those rows, the others still usable. */
  rowErrors: RegionError[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value given for an input with labelled choices (schema version 2): the value its label stands
 * for; any other value unchanged.
 */
function choiceOf(labelled: Map<string, Input>, key: string, v: unknown): unknown {
  const input = typeof v === 'string' ? labelled.get(key) : undefined;
  return input ? (choiceFromText(input, v as string) ?? v) : v;
}

const labelledInputs = (doc: RuleDocument | null | undefined) =>
  new Map((doc?.inputs ?? []).filter(hasLabelledChoices).map((i) => [i.key, i]));

/**
 * Checks the JSON data shape `{ year?, regions: [{ code, name, values, previous? }] }` (`previous`:
 * last year's values, schema version 2). With a document, a choice's label given as a value is
 * read as the choice's value.
 */
export function parseDatasetJson(value: unknown, doc?: RuleDocument | null): ParsedDataset {
  const labelled = labelledInputs(doc);
  const problems: Problem[] = [];
  const out: ParsedDataset = {
    dataset: { regions: [] },
    problems,
    locations: new Map(),
    rows: new Map(),
    rowErrors: [],
  };
  if (!isObj(value)) {
    problems.push(
      problem(
        '',
        'invalid_data',
        '数据文件应为对象 { "year", "regions": [...] }。',
        'The data must be an object { "year", "regions": [...] }.',
      ),
    );
    return out;
  }
  if (value.year !== undefined) {
    if (typeof value.year === 'number' && Number.isInteger(value.year)) out.dataset.year = value.year;
    else
      problems.push(
        problem('/year', 'invalid_data', '"year" 应为整数年份。', '"year" must be an integer year.'),
      );
  }
  if (!Array.isArray(value.regions)) {
    problems.push(
      problem('/regions', 'invalid_data', '缺少 "regions" 数组。', '"regions" must be an array.'),
    );
    return out;
  }
  value.regions.forEach((entry, i) => {
    let r = entry;
    const at = `/regions/${i}`;
    if (!isObj(r)) {
      problems.push(
        problem(
          at,
          'invalid_data',
          '每个地区应为对象 { "code", "name", "values" }。',
          'Each region must be an object { "code", "name", "values" }.',
        ),
      );
      return;
    }
    if (typeof r.code === 'number' && Number.isFinite(r.code)) r = { ...r, code: String(r.code) };
    if (typeof r.code !== 'string' || r.code.trim() === '') {
      problems.push(
        problem(
          pointer(at, 'code'),
          'invalid_data',
          '地区缺少 "code"（文本）。',
          'The region needs a "code" (string).',
        ),
      );
      return;
    }
    if (r.name !== undefined && typeof r.name !== 'string')
      problems.push(
        problem(pointer(at, 'name'), 'invalid_data', '"name" 应为文本。', '"name" must be a string.'),
      );
    if (!isObj(r.values)) {
      problems.push(
        problem(
          pointer(at, 'values'),
          'invalid_data',
          '地区缺少 "values" 对象。',
          'The region needs a "values" object.',
        ),
      );
      return;
    }
    if (r.previous !== undefined && !isObj(r.previous)) {
      problems.push(
        problem(
          pointer(at, 'previous'),
          'invalid_data',
          '"previous"（上年值）应为对象 { 键名: 值 }。',
          '"previous" (last year\'s values) must be an object { key: value }.',
        ),
      );
      return;
    }
    if (out.dataset.regions.some((x) => x.code === r.code)) {
      out.rowErrors.push({
        region: r.code,
        name: typeof r.name === 'string' ? r.name : r.code,
        code: 'duplicate_region',
        message: `地区代码 ${r.code} 重复出现（${at}），该条未计分 / region ${r.code} appears again at ${at}; not scored`,
        location: at,
      });
      return;
    }
    const mapped = (o: Obj): Obj =>
      labelled.size === 0
        ? { ...o }
        : Object.fromEntries(Object.entries(o).map(([k, v]) => [k, choiceOf(labelled, k, v)]));
    const region: RegionData = {
      code: r.code,
      name: typeof r.name === 'string' ? r.name : r.code,
      values: mapped(r.values),
    };
    if (isObj(r.previous)) region.previous = mapped(r.previous);
    out.dataset.regions.push(region);
  });
  return out;
}

/** Parses CSV text (UTF-8, optional BOM) into rows of strings. */
export function parseCsvRows(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  return parsed.data;
}

/** Spreadsheet column letters: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  let n = index + 1;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const TRUE = new Set(['true', '1', '是', 'yes', 'y']);
const FALSE = new Set(['false', '0', '否', 'no', 'n']);

/**
 * Converts one cell to the input's type. Returns `undefined` for an empty cell (a missing value).
 * A cell that cannot be converted is returned unchanged (as text), so evaluation reports a
 * wrong-type error for that region and key.
 */
export function convertCell(cell: unknown, type: string | undefined): unknown {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string') {
    const t = cell.trim();
    if (t === '') return undefined;
    switch (type) {
      case 'number':
      case 'integer': {
        const n = Number(t);
        return Number.isFinite(n) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? n : cell;
      }
      case 'boolean': {
        const l = t.toLowerCase();
        return TRUE.has(l) ? true : FALSE.has(l) ? false : cell;
      }
      case 'string':
        return t;
      default:
        return inferScalar(t);
    }
  }
  if (typeof cell === 'number') {
    if (type === 'boolean' && (cell === 0 || cell === 1)) return cell === 1;
    if (type === 'string') return String(cell);
    return cell;
  }
  if (typeof cell === 'boolean') return cell;
  return cell;
}

function inferScalar(t: string): unknown {
  const l = t.toLowerCase();
  if (l === 'true' || t === '是') return true;
  if (l === 'false' || t === '否') return false;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/**
 * Turns a table into a dataset: first row the header (`code`, `name`, input keys), an optional
 * second header row starting with `#` (labels, skipped), then one row per region. Cells are
 * converted with the document's input types when a document is given.
 */
export function datasetFromRows(
  rows: unknown[][],
  doc: RuleDocument | null,
  opts: { year?: number } = {},
): ParsedDataset {
  const problems: Problem[] = [];
  const locations = new Map<string, Map<string, CellLocation>>();
  const rowOf = new Map<string, number>();
  const out: ParsedDataset = {
    dataset: { ...(opts.year !== undefined ? { year: opts.year } : {}), regions: [] },
    problems,
    locations,
    rows: rowOf,
    rowErrors: [],
  };
  if (rows.length === 0) {
    problems.push(
      problem(
        '',
        'invalid_data',
        '表格为空：第 1 行应为表头 code,name,…',
        'The table is empty; row 1 must be the header code,name,…',
      ),
    );
    return out;
  }
  const header = rows[0].map((h) => (h === null || h === undefined ? '' : String(h).trim()));
  const codeCol = header.indexOf('code');
  const nameCol = header.indexOf('name');
  if (codeCol < 0) {
    problems.push(
      problem(
        '',
        'invalid_data',
        '表头（第 1 行）缺少 "code" 列。',
        'The header (row 1) has no "code" column.',
      ),
    );
    return out;
  }
  const types = new Map((doc?.inputs ?? []).map((i) => [i.key, i.type]));
  const labelled = labelledInputs(doc);
  let start = 1;
  if (
    rows.length > 1 &&
    String(rows[1][0] ?? '')
      .trim()
      .startsWith('#')
  )
    start = 2;
  const seen = new Set<string>();
  for (let r = start; r < rows.length; r++) {
    const row = rows[r];
    const rowNo = r + 1;
    const code = String(row[codeCol] ?? '').trim();
    if (row.every((c) => c === null || c === undefined || String(c).trim() === '')) continue;
    if (code === '') {
      out.rowErrors.push({
        region: '',
        name: '',
        code: 'missing_region_code',
        message: `第 ${rowNo} 行缺少地区代码（${columnLetter(codeCol)} 列 code） / row ${rowNo} has no region code (column ${columnLetter(codeCol)} "code")`,
        location: `row ${rowNo}, column ${columnLetter(codeCol)} (code)`,
      });
      continue;
    }
    if (seen.has(code)) {
      out.rowErrors.push({
        region: code,
        name: String(nameCol >= 0 ? (row[nameCol] ?? '') : ''),
        code: 'duplicate_region',
        message: `第 ${rowNo} 行的地区代码 ${code} 重复出现（首次在第 ${rowOf.get(code)} 行），本行未计分 / row ${rowNo}: region ${code} already appears in row ${rowOf.get(code)}; this row is not scored`,
        location: `row ${rowNo}, column ${columnLetter(codeCol)} (code)`,
      });
      continue;
    }
    seen.add(code);
    const entries: [string, unknown][] = [];
    const previous: [string, unknown][] = [];
    const locs = new Map<string, CellLocation>();
    header.forEach((h, c) => {
      if (c === codeCol || c === nameCol || h === '') return;
      // `prev.KEY`: last year's value of input KEY (schema version 2), typed like the input.
      const key = h.startsWith(PREV_PREFIX) ? h.slice(PREV_PREFIX.length) : h;
      const v = choiceOf(labelled, key, convertCell(row[c], types.get(key)));
      locs.set(h, { row: rowNo, column: columnLetter(c), header: h });
      if (v !== undefined) (key === h ? entries : previous).push([key, v]);
    });
    // Built at once (not key by key), so V8 keeps the object in its fast mode: scoring is ~4× faster.
    const values = Object.fromEntries(entries);
    const name = nameCol >= 0 ? String(row[nameCol] ?? '').trim() : '';
    const region: RegionData = { code, name: name || code, values };
    if (previous.length > 0 || header.some((h) => h.startsWith(PREV_PREFIX)))
      region.previous = Object.fromEntries(previous);
    out.dataset.regions.push(region);
    locations.set(code, locs);
    rowOf.set(code, rowNo);
  }
  return out;
}

/** Parses CSV text into a dataset (see datasetFromRows). */
export function parseDatasetCsv(
  text: string,
  doc: RuleDocument | null,
  opts: { year?: number } = {},
): ParsedDataset {
  return datasetFromRows(parseCsvRows(text), doc, opts);
}

/**
 * Writes a dataset as CSV text with a `#` label row when a document is given: its inputs, then a
 * `prev.KEY` column for each input that declares `previous` (schema version 2); labelled choices
 * are written as their Chinese labels (imports read them back as their values).
 */
export function datasetToCsv(dataset: Dataset, doc: RuleDocument | null): string {
  const keys = doc
    ? doc.inputs.map((i) => i.key)
    : [...new Set(dataset.regions.flatMap((r) => Object.keys(r.values)))];
  const prevInputs = doc ? doc.inputs.filter((i) => i.previous !== undefined) : [];
  const prevKeys = doc
    ? prevInputs.map((i) => i.key)
    : [...new Set(dataset.regions.flatMap((r) => Object.keys(r.previous ?? {})))];
  const rows: unknown[][] = [['code', 'name', ...keys, ...prevKeys.map(prevName)]];
  const label = (i: Input) => (i.unit ? `${i.label.zh}(${i.unit})` : i.label.zh);
  if (doc)
    rows.push(['#代码', '名称', ...doc.inputs.map(label), ...prevInputs.map((i) => `上年${label(i)}`)]);
  const byKey = new Map((doc?.inputs ?? []).map((i) => [i.key, i]));
  const cell = (k: string, v: unknown) => {
    if (v === undefined || v === null) return '';
    const input = byKey.get(k);
    return (input && choiceLabel(input, v)?.zh) ?? v;
  };
  for (const r of dataset.regions)
    rows.push([
      r.code,
      r.name,
      ...keys.map((k) => cell(k, r.values[k])),
      ...prevKeys.map((k) => cell(k, r.previous?.[k])),
    ]);
  return Papa.unparse(rows as unknown[][], { newline: '\n' }) + '\n';
}
