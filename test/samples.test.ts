/**
 * The sample rule family (rules/jilin-eco-target/<year>.json) and the sample data
 * (rules/sample-data/<year>.json and .csv): every document is valid and its own tests pass; both
 * data formats hold the same dataset for every assessed region; every region is scored; and the
 * regions designed to show a veto, a downgrade, a cap, a capped bonus and a failing score do so.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import {
  datasetHash,
  evaluate,
  normalizeDataset,
  parseDatasetCsv,
  parseDatasetJson,
  runDocumentTests,
  validateDocument,
  type RegionResult,
  type RuleDocument,
} from '../engine/index.ts';
import { ILLUSTRATIVE_CELL, sampleCsv } from '../rules/sample-data/make-csv.ts';
import { repoRoot, runCli } from './helpers/cli.ts';

const YEARS = [2021, 2022, 2023, 2024, 2025] as const;
type Year = (typeof YEARS)[number];

const read = (path: string) => readFileSync(`${repoRoot}${path}`, 'utf8');
const rulesPath = (y: Year) => `rules/jilin-eco-target/${y}.json`;
const loadDoc = (y: Year) => JSON.parse(read(rulesPath(y))) as RuleDocument;

/** rules/regions.csv: the assessed regions and their assessed years. */
function assessedRegions(year: number): string[] {
  const rows = Papa.parse<Record<string, string>>(read('rules/regions.csv'), {
    header: true,
    skipEmptyLines: true,
  }).data;
  return rows
    .filter((r) => {
      const [from, to] = r.years.split('-').map(Number);
      return year >= from && year <= (to ?? from);
    })
    .map((r) => r.code);
}

/** The designed cases of each year's sample data (also listed in each file's `note`). */
const DESIGNED: Record<
  Year,
  {
    veto: [string, string[]];
    downgrades: [string, string[]][];
    cap: [string, string[]];
    bonusCap: string;
    unqualifiedByScore: string;
  }
> = {
  2021: {
    veto: ['220800', ['major_incident']],
    downgrades: [['220300', ['inspection_overdue']]],
    cap: ['220600', ['satisfaction_low']],
    bonusCap: '222400',
    unqualifiedByScore: '220184',
  },
  2022: {
    veto: ['220400', ['data_fraud']],
    downgrades: [['220100', ['binding_target_missed']]],
    cap: ['220500', ['major_petition']],
    bonusCap: 'CBS001',
    unqualifiedByScore: '220800',
  },
  2023: {
    veto: ['220700', ['serious_incident']],
    downgrades: [['220200', ['inspection_overdue']]],
    cap: ['222400', ['satisfaction_low']],
    bonusCap: '220581',
    unqualifiedByScore: '220300',
  },
  2024: {
    veto: ['220581', ['data_fraud']],
    downgrades: [
      ['220100', ['inspection_overdue']],
      ['220800', ['binding_target_missed']],
    ],
    cap: ['CBS001', ['satisfaction_low']],
    bonusCap: '220500',
    unqualifiedByScore: '220184',
  },
  2025: {
    veto: ['220200', ['serious_incident']],
    downgrades: [
      ['220300', ['inspection_overdue', 'binding_target_missed']],
      ['220800', ['binding_target_missed']],
    ],
    cap: ['220100', ['satisfaction_low']],
    bonusCap: '220600',
    unqualifiedByScore: '220700',
  },
};

const GRADES = ['excellent', 'good', 'qualified', 'unqualified'];
const PLAN = '吉林省2021-2025年政府生态环境保护目标责任制工作实施方案';
const gradeIndex = (g: string) => GRADES.indexOf(g);

describe.each(YEARS)('sample rules %i', (year) => {
  const text = read(rulesPath(year));
  const doc = loadDoc(year);

  test('is a valid document of the family for its year, its own tests included', () => {
    expect(validateDocument(doc, { sourceBytes: Buffer.byteLength(text) })).toEqual([]);
    expect(doc.family).toBe('jilin-eco-target');
    expect(doc.year).toBe(year);
    expect(doc.schemaVersion).toBe(2);
    expect(doc.title.zh).toBe(
      `${year}年度市(州)政府、长白山管委会、省扩权强县试点市政府生态环境保护目标责任制考核细则（示例）`,
    );
    // the plan's name alone: documents print it inside 《》
    expect(doc.basis).toBe(PLAN);
    expect(doc.grades.map((g) => g.id)).toEqual(GRADES);
    expect(doc.bonus?.cap).toBe(5);
    expect(doc.categories.map((c) => c.id)).toEqual(['indicators', 'tasks', 'funding', 'satisfaction']);
  });

  test('is true to the plan: one 降档项 with two triggers, binding targets derived, additions marked', () => {
    // 四(三)2: one 降档项 whose two triggers are joined by 或, so several never drop more than one grade
    expect(doc.downgradeStacking).toBe('max');
    expect(doc.downgrades?.map((d) => [d.id, d.levels ?? 1])).toEqual([
      ['inspection_overdue', 1],
      ['binding_target_missed', 1],
    ]);
    // no free count: the binding-target trigger reads a derived value over the indicator inputs
    expect(doc.inputs.map((i) => i.key)).not.toContain('binding_missed');
    const binding = doc.downgrades?.find((d) => d.id === 'binding_target_missed');
    expect(binding?.when).toEqual({ '>': [{ var: 'binding_missed_count' }, 0] });
    expect(doc.derived?.map((d) => d.key)).toContain('binding_missed_count');
    // 四(三)1 names only 特别重大 events; every other veto and every cap says it is the 细则's own
    for (const rule of [...(doc.vetoes ?? []), ...(doc.caps ?? [])])
      expect(rule.basis, rule.id).toMatch(rule.id === 'major_incident' ? /四\(三\)1/ : /^细则增设/);
    for (const d of doc.downgrades ?? []) expect(d.basis).toContain('四(三)2');
    // the plan's words
    const text = JSON.stringify(doc);
    expect(text).not.toContain('信访投诉');
    expect(text).not.toContain('突发环境事件或生态破坏事件');
    const incident = doc.inputs.find((i) => i.key === 'incident_level');
    expect(incident?.enum?.map((e) => (typeof e === 'object' ? e.label.zh : e))).toEqual([
      '未发生',
      '一般',
      '较大',
      '重大',
      '特别重大',
    ]);
    // last year's values come from the data, not from *_prev inputs
    expect(doc.inputs.filter((i) => i.previous).map((i) => i.key)).toEqual([
      'pm25',
      'eq_index',
      'satisfaction',
    ]);
    expect(doc.inputs.some((i) => i.key.endsWith('_prev'))).toBe(false);
    // no stale rubric and no other warning
    expect(validateDocument(doc).filter((p) => p.severity === 'warning')).toEqual([]);
  });

  test('has 3 to 6 tests, each of which passes', () => {
    const outcomes = runDocumentTests(doc);
    expect(outcomes.length).toBeGreaterThanOrEqual(3);
    expect(outcomes.length).toBeLessThanOrEqual(6);
    for (const o of outcomes)
      expect({ name: o.name, failures: o.failures, errors: o.errors }).toEqual({
        name: o.name,
        failures: [],
        errors: [],
      });
    expect(outcomes.every((o) => o.passed)).toBe(true);
  });
});

describe.each(YEARS)('sample data %i', (year) => {
  const doc = loadDoc(year);
  const jsonValue = JSON.parse(read(`rules/sample-data/${year}.json`));
  const csvText = read(`rules/sample-data/${year}.csv`);
  const fromJson = parseDatasetJson(jsonValue);
  const fromCsv = parseDatasetCsv(csvText, doc, { year });
  const evaluation = evaluate(doc, fromJson.dataset);
  const byCode = new Map(evaluation.results.map((r) => [r.region, r]));
  const result = (code: string): RegionResult => {
    const r = byCode.get(code);
    if (!r) throw new Error(`${year}: region ${code} has no result`);
    return r;
  };

  test('says it is illustrative, in the JSON note and in the CSV label row', () => {
    expect(jsonValue.year).toBe(year);
    expect(jsonValue.note).toContain('示例数据');
    expect(jsonValue.note).toContain('Illustrative');
    const rows = Papa.parse<string[]>(csvText).data;
    expect(rows[0].slice(0, 2)).toEqual(['code', 'name']);
    expect(rows[1][0]).toBe(ILLUSTRATIVE_CELL);
  });

  test('JSON and CSV parse to the same dataset, covering every assessed region with every input', () => {
    expect(fromJson.problems).toEqual([]);
    expect(fromJson.rowErrors).toEqual([]);
    expect(fromCsv.problems).toEqual([]);
    expect(fromCsv.rowErrors).toEqual([]);
    expect(normalizeDataset(fromCsv.dataset)).toEqual(normalizeDataset(fromJson.dataset));
    expect(datasetHash(fromCsv.dataset)).toBe(datasetHash(fromJson.dataset));
    expect(fromJson.dataset.regions.map((r) => r.code).sort()).toEqual(assessedRegions(year).sort());
    const keys = doc.inputs.map((i) => i.key).sort();
    for (const r of fromJson.dataset.regions) expect(Object.keys(r.values).sort()).toEqual(keys);
  });

  test(`previous values are the ${year - 1} values of each region`, () => {
    const keys = doc.inputs.filter((i) => i.previous).map((i) => i.key);
    if (year === 2021) {
      // the first year of the plan carries 2020 values, given in full
      for (const r of fromJson.dataset.regions)
        expect(Object.keys(r.previous ?? {}).sort()).toEqual([...keys].sort());
      return;
    }
    const before = new Map(
      parseDatasetJson(JSON.parse(read(`rules/sample-data/${year - 1}.json`))).dataset.regions.map((r) => [
        r.code,
        r.values,
      ]),
    );
    for (const r of fromJson.dataset.regions)
      for (const k of keys)
        expect([r.code, k, r.previous?.[k]]).toEqual([r.code, k, before.get(r.code)?.[k]]);
  });

  test('the CSV is what make-csv.ts writes from the JSON', () => {
    expect(sampleCsv(jsonValue, doc.inputs)).toBe(csvText);
  });

  test('every region is scored without errors or warnings, the same from either format', () => {
    expect(evaluation.errors).toEqual([]);
    expect(evaluation.warnings).toEqual([]);
    expect(evaluation.results).toHaveLength(assessedRegions(year).length);
    expect(evaluate(doc, fromCsv.dataset).results).toEqual(evaluation.results);
  });

  test('grades spread over all four levels', () => {
    const grades = new Set(evaluation.results.map((r) => r.grade));
    expect([...grades].sort()).toEqual([...GRADES].sort());
  });

  const d = DESIGNED[year];

  test(`veto: ${d.veto[0]} is 不合格 whatever its score`, () => {
    const r = result(d.veto[0]);
    expect(r.vetoes.sort()).toEqual([...d.veto[1]].sort());
    expect(r.grade).toBe('unqualified');
    expect(r.scoreGrade).not.toBe('unqualified');
    const vetoed = evaluation.results.filter((x) => x.vetoes.length > 0).map((x) => x.region);
    expect(vetoed).toEqual([d.veto[0]]);
  });

  test.each(d.downgrades)('downgrade: %s drops below its score grade', (code, ids) => {
    const r = result(code);
    expect(r.downgrades.sort()).toEqual([...ids].sort());
    expect(r.vetoes).toEqual([]);
    expect(r.caps).toEqual([]);
    // `max` stacking: however many triggers, one grade down
    expect(gradeIndex(r.grade)).toBe(Math.min(gradeIndex(r.scoreGrade) + 1, GRADES.length - 1));
    expect(r.grade).not.toBe(r.scoreGrade);
  });

  test(`cap: ${d.cap[0]} scores 优秀 but is rated 良好`, () => {
    const r = result(d.cap[0]);
    expect(r.caps.sort()).toEqual([...d.cap[1]].sort());
    expect(r.scoreGrade).toBe('excellent');
    expect(r.grade).toBe('good');
    expect(r.downgrades).toEqual([]);
    expect(r.vetoes).toEqual([]);
  });

  test(`bonus: ${d.bonusCap}'s bonus items sum beyond the cap of 5`, () => {
    const r = result(d.bonusCap);
    expect(r.bonusUncapped).toBeGreaterThan(5);
    expect(r.bonus).toBe(5);
    expect(r.total).toBeCloseTo(r.base + 5, 6);
  });

  test(`failing score: ${d.unqualifiedByScore} is 不合格 by points alone`, () => {
    const r = result(d.unqualifiedByScore);
    expect(r.total).toBeLessThan(60);
    expect(r.scoreGrade).toBe('unqualified');
    expect(r.vetoes).toEqual([]);
  });
});

describe('sample family through the command line', () => {
  test('validate and evaluate 2024 (JSON and CSV) exit 0 with every region scored', async () => {
    const v = await runCli(['validate', rulesPath(2024)]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const j = await runCli(['evaluate', rulesPath(2024), 'rules/sample-data/2024.json', '--json']);
    const c = await runCli(['evaluate', rulesPath(2024), 'rules/sample-data/2024.csv', '--json']);
    expect(j.code, j.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    const fromJson = JSON.parse(j.stdout);
    const fromCsv = JSON.parse(c.stdout);
    expect(fromJson.errors).toEqual([]);
    expect(fromJson.results).toHaveLength(assessedRegions(2024).length);
    expect(fromCsv.results).toEqual(fromJson.results);
  });
});
