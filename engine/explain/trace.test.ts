/**
 * Explanations of a small version-2 document of its own (not the samples): derived values read
 * rounded for people while the result keeps the exact value, parameters show by their value,
 * last year's values by the label 上年…
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate/index.ts';
import type { RuleDocument } from '../types.ts';
import { category, documentHead, grades, item } from '../test-fixtures.ts';
import { explainItem, explainValues } from './trace.ts';

const doc = {
  ...documentHead(2, 'explain-fixture', 2025, '解释测试', 4),
  parameters: [{ key: 'rate', label: { zh: '每下降1扣分' }, value: 2, unit: '分' }],
  inputs: [
    { key: 'eq', label: { zh: '生态质量指数' }, type: 'number', previous: 'required' },
    { key: 'target', label: { zh: '目标' }, type: 'number' },
  ],
  derived: [
    {
      key: 'fall',
      label: { zh: '较上年下降' },
      logic: { max: [0, { '-': [{ var: 'prev.eq' }, { var: 'eq' }] }] },
    },
  ],
  categories: [
    category('c', '类', 4, [
      item('eq', '生态质量', 4, { max: [0, { '-': [4, { '*': [{ var: 'rate' }, { var: 'fall' }] }] }] }),
    ]),
  ],
  grades: grades(['pass', '合格', 2], ['fail', '不合格', 0]),
} as unknown as RuleDocument;

function explained(eq: number, previous: number) {
  const ev = evaluate(
    doc,
    {
      year: 2025,
      regions: [{ code: 'R1', name: '甲', values: { eq, target: 0 }, previous: { eq: previous } }],
    },
    { trace: true },
  );
  expect(ev.errors).toEqual([]);
  const r = ev.results[0];
  const item = r.categories[0].items[0];
  return {
    r,
    e: explainItem({ doc, values: explainValues(r), lang: 'zh' }, doc.categories[0].items[0], item),
  };
}

describe('explanations of a version-2 document', () => {
  it('reads a derived value with float residue rounded, the result keeps it exact', () => {
    const { r, e } = explained(65.9, 66.5);
    expect(r.derived?.fall).toBe(66.5 - 65.9); // 0.6000000000000085
    expect(r.derived?.fall).not.toBe(0.6);
    expect(e.summary).toBe('上年生态质量指数 66.5，生态质量指数 65.9：较上年下降 0.6 × 2 = 1.2，扣 1.2 分');
    expect(e.facts.find((f) => f.key === 'fall')?.text).toBe('较上年下降 0.6');
    expect(e.summary).not.toMatch(/0\.60000|0\.59999/);
  });

  it('shows last year’s value by its label and leaves the parameter out of the facts', () => {
    const { e } = explained(66, 66.5);
    expect(e.facts.map((f) => [f.key, f.label])).toEqual([
      ['prev.eq', '上年生态质量指数'],
      ['eq', '生态质量指数'],
      ['fall', '较上年下降'],
    ]);
  });
});

describe('labelled choices in explanations', () => {
  const choiceDoc = {
    ...doc,
    inputs: [
      ...doc.inputs,
      {
        key: 'level',
        label: { zh: '事件级别', en: 'Incident level' },
        type: 'string',
        enum: [
          { value: 'none', label: { zh: '未发生', en: 'none' } },
          { value: 'major', label: { zh: '重大', en: 'major' } },
        ],
      },
    ],
    categories: [
      {
        ...doc.categories[0],
        items: [
          { ...doc.categories[0].items[0], logic: { if: [{ '==': [{ var: 'level' }, 'major'] }, 0, 4] } },
        ],
      },
    ],
  } as unknown as RuleDocument;

  it('names a choice by its label, in the language asked for', () => {
    const ev = evaluate(
      choiceDoc,
      {
        year: 2025,
        regions: [
          { code: 'R1', name: '甲', values: { eq: 60, target: 0, level: 'major' }, previous: { eq: 60 } },
        ],
      },
      { trace: true },
    );
    expect(ev.errors).toEqual([]);
    const r = ev.results[0];
    const item = r.categories[0].items[0];
    const zh = explainItem(
      { doc: choiceDoc, values: explainValues(r), lang: 'zh' },
      choiceDoc.categories[0].items[0],
      item,
    );
    expect(zh.facts.find((f) => f.key === 'level')?.text).toBe('事件级别 重大');
    const en = explainItem(
      { doc: choiceDoc, values: explainValues(r), lang: 'en' },
      choiceDoc.categories[0].items[0],
      item,
    );
    expect(en.facts.find((f) => f.key === 'level')?.text).toBe('Incident level major');
  });
});
