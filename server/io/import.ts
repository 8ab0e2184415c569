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
import type { Db } from '../db/client.ts';
import { applyRegionValues, type ApplyResult } from '../db/datasets.ts';
import { ValidationError } from '../db/errors.ts';
import { getVersion } from '../db/versions.ts';
import { parseImport, type ImportFormat, type ParsedImport } from './parse.ts';

export { jsonToIncoming, parseCsvBounded, parseImport, rowsToIncoming } from './parse.ts';
export type { ImportFormat, ParsedImport } from './parse.ts';

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
  /** Parses the file (default `parseImport` in this thread; the server runs it in the engine pool). */
  parse?: typeof parseImport;
  /** Check the file and list the cells it would change, writing and auditing nothing (the preview). */
  dryRun?: boolean;
}

export type ImportResult = ApplyResult;

/**
 * Imports a file into the year's data, checked against version `versionId`'s inputs; all-or-nothing,
 * audited as `dataset.import` with the file name, format and version. Values get source `import`.
 *
 * @example
 * await importDataset(db, { year: 2024, versionId: 4, format: 'csv', data: bytes, actor: 'bob' })
 */
export async function importDataset(db: Db, opts: ImportOptions): Promise<ImportResult> {
  const version = await getVersion(db, opts.versionId);
  const inputs: unknown = version.document.inputs;
  if (!Array.isArray(inputs) || !inputs.every((i) => i && typeof i === 'object' && typeof i.key === 'string'))
    throw new ValidationError('该规则版本的输入项定义无效 / the rule version has no valid inputs', [
      {
        path: '/inputs',
        code: 'invalid_document',
        message: '规则版本的 inputs 无效 / the version has no valid "inputs"',
      },
    ]);
  const parsed = await (opts.parse ?? parseImport)(opts.format, opts.data, version.document, opts.year);
  return await applyRegionValues(db, {
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
    dryRun: opts.dryRun,
  });
}
