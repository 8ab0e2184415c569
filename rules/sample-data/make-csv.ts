/**
 * Writes rules/sample-data/<year>.csv from <year>.json, so the two formats of the sample data stay
 * identical (SPEC section 4). Columns: `code`, `name`, then the inputs of that year's rule document
 * in document order, then `prev.KEY` (last year's value, SPEC section 9) for each input that declares
 * `previous`; a second header row starting with `#` carries the Chinese labels and says the data is
 * illustrative.
 *
 * @example npx tsx rules/sample-data/make-csv.ts          # rewrite every <year>.csv
 * @example npx tsx rules/sample-data/make-csv.ts --check  # exit 1 when a CSV is out of date
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';

const here = dirname(fileURLToPath(import.meta.url));
const rulesDir = join(here, '..', 'jilin-eco-target');

/** First cell of the label row: CSV has no comments, so the statement lives here. */
export const ILLUSTRATIVE_CELL = '#示例数据(虚构,仅供演示) illustrative';

interface InputDecl {
  key: string;
  label: { zh: string };
  unit?: string;
  previous?: string;
}
interface SampleData {
  year: number;
  regions: {
    code: string;
    name: string;
    values: Record<string, unknown>;
    previous?: Record<string, unknown>;
  }[];
}

/** The CSV text for one year's sample data, columns in the order of the rule document's inputs. */
export function sampleCsv(data: SampleData, inputs: InputDecl[]): string {
  const keys = inputs.map((i) => i.key);
  const withPrevious = inputs.filter((i) => i.previous !== undefined);
  const prevKeys = withPrevious.map((i) => i.key);
  for (const r of data.regions) {
    const unknown = Object.keys(r.values).filter((k) => !keys.includes(k));
    const unknownPrev = Object.keys(r.previous ?? {}).filter((k) => !prevKeys.includes(k));
    if (unknown.length > 0 || unknownPrev.length > 0)
      throw new Error(
        `${data.year} ${r.code}: keys not in the rule document: ${[...unknown, ...unknownPrev.map((k) => `previous.${k}`)].join(', ')}`,
      );
  }
  const labelOf = (i: InputDecl) => (i.unit ? `${i.label.zh}(${i.unit})` : i.label.zh);
  const cell = (v: unknown) => (v === undefined ? '' : String(v));
  const rows: unknown[][] = [
    ['code', 'name', ...keys, ...prevKeys.map((k) => `prev.${k}`)],
    [ILLUSTRATIVE_CELL, '名称', ...inputs.map(labelOf), ...withPrevious.map((i) => `上年${labelOf(i)}`)],
    ...data.regions.map((r) => [
      r.code,
      r.name,
      ...keys.map((k) => cell(r.values[k])),
      ...prevKeys.map((k) => cell(r.previous?.[k])),
    ]),
  ];
  return Papa.unparse(rows, { newline: '\n' }) + '\n';
}

function main(check: boolean): number {
  let stale = 0;
  const years = readdirSync(here)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .map((f) => f.slice(0, 4));
  for (const year of years) {
    const data = JSON.parse(readFileSync(join(here, `${year}.json`), 'utf8')) as SampleData;
    const doc = JSON.parse(readFileSync(join(rulesDir, `${year}.json`), 'utf8')) as { inputs: InputDecl[] };
    const csv = sampleCsv(data, doc.inputs);
    const target = join(here, `${year}.csv`);
    if (check) {
      if (!existsSync(target) || readFileSync(target, 'utf8') !== csv) {
        console.error(`${year}.csv is out of date: run npx tsx rules/sample-data/make-csv.ts`);
        stale++;
      }
    } else {
      writeFileSync(target, csv);
      console.log(`wrote ${year}.csv (${data.regions.length} regions, ${doc.inputs.length} inputs)`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.includes('--check'));
}
