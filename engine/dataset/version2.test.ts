/**
 * Data for schema-version-2 documents (SPEC section 9): last year's values as JSON `previous` and
 * CSV/XLSX `prev.KEY` columns, choice labels read as their values, both in the dataset hash and
 * written back by `datasetToCsv`; formulas read in words.
 */
import { describe, expect, test } from 'vitest';
import type { RuleDocument } from '../types.ts';
import { documentHead } from '../test-fixtures.ts';
import { airCategory, levelInput, TWO_GRADES } from '../../test/helpers/v2-fixture.ts';
import { datasetToCsv, parseDatasetCsv, parseDatasetJson } from './parse.ts';
import { datasetHash, normalizeDataset } from './hash.ts';
import { evaluate } from '../evaluate/index.ts';
import { formulaLabels, renderFormula } from '../render/formula.ts';

const doc: RuleDocument = {
  ...documentHead(2, 'v2-data', 2025, '第2版数据测试', 10),
  parameters: [{ key: 'rate', label: { zh: '每上升1μg/m³扣分' }, value: 0.5, unit: '分' }],
  inputs: [
    { key: 'pm25', label: { zh: 'PM2.5浓度' }, type: 'number', min: 0, previous: 'required' },
    levelInput({ default: 'none' }),
  ],
  categories: [
    airCategory({
      id: 'pm25',
      label: { zh: 'PM2.5' },
      maxPoints: 10,
      logic: {
        '-': [10, { '*': [{ var: 'rate' }, { max: [0, { '-': [{ var: 'pm25' }, { var: 'prev.pm25' }] }] }] }],
      },
    }),
  ],
  grades: TWO_GRADES,
};

describe('last year values and labelled choices in data files', () => {
  test('JSON `previous` and labels; CSV `prev.KEY` columns; the same dataset and hash', () => {
    const json = parseDatasetJson(
      {
        year: 2025,
        regions: [
          { code: '1', name: '甲', values: { pm25: 33, level: '一般(Ⅳ级)' }, previous: { pm25: 31 } },
        ],
      },
      doc,
    );
    expect(json.problems).toEqual([]);
    expect(json.dataset.regions[0]).toEqual({
      code: '1',
      name: '甲',
      values: { pm25: 33, level: 'general' },
      previous: { pm25: 31 },
    });
    const csv = parseDatasetCsv(
      'code,name,pm25,level,prev.pm25\n#代码,名称,PM2.5,级别,上年\n1,甲,33,一般(Ⅳ级),31\n',
      doc,
      {
        year: 2025,
      },
    );
    expect(csv.dataset).toEqual(json.dataset);
    expect(csv.locations.get('1')?.get('prev.pm25')).toEqual({ row: 3, column: 'E', header: 'prev.pm25' });
    expect(datasetHash(csv.dataset)).toBe(datasetHash(json.dataset));
    // last year's values are part of the hash
    const other = structuredClone(json.dataset);
    other.regions[0].previous = { pm25: 30 };
    expect(datasetHash(other)).not.toBe(datasetHash(json.dataset));
    expect(normalizeDataset(json.dataset).regions[0]).toEqual({
      code: '1',
      name: '甲',
      previous: { pm25: 31 },
      values: { level: 'general', pm25: 33 },
    });
    // a dataset without last year's values hashes as before (no `previous` member)
    const plain = { year: 2025, regions: [{ code: '1', name: '甲', values: { pm25: 33 } }] };
    expect(datasetHash({ ...plain, regions: [{ ...plain.regions[0], previous: {} }] })).toBe(
      datasetHash(plain),
    );
    // written back with labels and prev.KEY, read back the same
    const text = datasetToCsv(json.dataset, doc);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'code,name,pm25,level,prev.pm25',
      '#代码,名称,PM2.5浓度,事件级别,上年PM2.5浓度',
      '1,甲,33,一般(Ⅳ级),31',
    ]);
    expect(parseDatasetCsv(text, doc, { year: 2025 }).dataset).toEqual(json.dataset);
  });

  test('scored with last year value and parameter; a missing required previous value is missing_previous', () => {
    const ok = evaluate(doc, {
      year: 2025,
      regions: [
        { code: '1', name: '甲', values: { pm25: 33, level: '一般(Ⅳ级)' }, previous: { pm25: 31 } },
        { code: '2', name: '乙', values: { pm25: 33 } },
        { code: '3', name: '丙', values: { pm25: 33, rate: 9 }, previous: { pm25: -1 } },
      ],
    });
    expect(ok.results.map((r) => [r.region, r.total])).toEqual([['1', 9]]);
    expect(ok.results[0].categories[0].items[0].trace?.vars).toEqual({
      rate: 0.5,
      pm25: 33,
      'prev.pm25': 31,
    });
    expect(ok.results[0].previousValues).toEqual({ pm25: 31 });
    expect(ok.results[0].values).toEqual({ pm25: 33, level: 'general' });
    expect(ok.errors.map((e) => [e.region, e.key, e.code])).toEqual([
      ['2', 'prev.pm25', 'missing_previous'],
      ['3', 'prev.pm25', 'out_of_range'],
    ]);
    expect(ok.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining('参数不能由数据覆盖'));
  });

  test('formulas in words: last year values and parameters by their labels', () => {
    const text = renderFormula(doc.categories[0].items[0].logic, { lang: 'zh', labels: formulaLabels(doc) });
    expect(text).toContain('上年PM2.5浓度');
    expect(text).toContain('每上升1μg/m³扣分');
  });
});
