/**
 * Reading the command line's files: rule documents (JSON) and data (JSON, CSV, XLSX). Failures are
 * `CliInputError`s naming the file and, where it applies, the JSON pointer, row or column.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { readXlsxRows } from '../server/io/xlsx.ts';
import type { ParsedDataset, RuleDocument } from '../engine/index.ts';
import {
  datasetFromRows,
  errorsOf,
  parseDatasetCsv,
  parseDatasetJson,
  validateDocument,
} from '../engine/index.ts';

/** A file the command cannot use: exit code 2. */
export class CliInputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

export interface RulesFile {
  path: string;
  document: unknown;
  bytes: number;
}

/** Reads and parses a JSON file, with the line and column of a syntax error. */
export async function readJsonFile(
  path: string,
  cwd: string,
): Promise<{ value: unknown; bytes: number; text: string }> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    const s = await stat(full);
    if (!s.isFile()) throw new CliInputError(path, '不是文件 / not a file');
    text = await readFile(full, 'utf8');
  } catch (e) {
    if (e instanceof CliInputError) throw e;
    throw new CliInputError(
      path,
      `无法读取 / cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')), bytes: Buffer.byteLength(text, 'utf8'), text };
  } catch (e) {
    throw new CliInputError(
      path,
      `不是有效的 JSON / not valid JSON: ${(e as Error).message}${lineOf(text, e as Error)}`,
    );
  }
}

function lineOf(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return '';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

/** Reads a rule document file. */
export async function readRulesFile(path: string, cwd: string): Promise<RulesFile> {
  const { value, bytes } = await readJsonFile(path, cwd);
  return { path, document: value, bytes };
}

/**
 * Reads a rule document and checks it without running its tests: a `CliInputError` listing its
 * errors (one a line: pointer, code, message) when it has any; warnings pass.
 */
export async function readValidRules(path: string, cwd: string): Promise<RuleDocument> {
  const rules = await readRulesFile(path, cwd);
  const problems = errorsOf(validateDocument(rules.document, { sourceBytes: rules.bytes, runTests: false }));
  if (problems.length > 0)
    throw new CliInputError(
      path,
      '规则文档无效 / invalid rule document:\n' +
        problems.map((p) => `${p.path || '/'} ${p.code} ${p.message}`).join('\n'),
    );
  return rules.document as RuleDocument;
}

/** Reads a data file (JSON, CSV or XLSX by extension); cells are typed by the document's inputs. */
export async function readDataFile(
  path: string,
  cwd: string,
  doc: RuleDocument | null,
): Promise<ParsedDataset> {
  const ext = extname(path).toLowerCase();
  let parsed: ParsedDataset;
  if (ext === '.json') {
    parsed = parseDatasetJson((await readJsonFile(path, cwd)).value, doc);
  } else if (ext === '.csv' || ext === '.xlsx') {
    let buf: Buffer;
    try {
      buf = await readFile(resolve(cwd, path));
    } catch (e) {
      throw new CliInputError(
        path,
        `无法读取 / cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    // A table carries no year: it is the data for the year the rules assess.
    const year = doc?.year;
    if (ext === '.csv') parsed = parseDatasetCsv(buf.toString('utf8'), doc, { year });
    else {
      let rows: unknown[][];
      try {
        rows = await readXlsxRows(buf);
      } catch (e) {
        throw new CliInputError(
          path,
          `不是有效的 XLSX 文件 / not a valid XLSX file: ${(e as Error).message}`,
        );
      }
      parsed = datasetFromRows(rows, doc, { year });
    }
  } else {
    throw new CliInputError(
      path,
      `不支持的数据格式 "${ext}"：请使用 .json、.csv 或 .xlsx / unsupported data format; use .json, .csv or .xlsx`,
    );
  }
  if (parsed.problems.length > 0)
    throw new CliInputError(
      path,
      parsed.problems.map((p) => `${p.path || '(file)'} ${p.code} ${p.message}`).join('\n'),
    );
  return parsed;
}
