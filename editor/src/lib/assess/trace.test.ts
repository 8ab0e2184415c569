import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { evaluate } from '../../../../engine/index.ts';
import type { RegionResult, RuleDocument } from '../../../../engine/types.ts';
import { explainItem, explainValues, gradePath, takenBranch, deductionOf, fmt } from './trace.ts';
import { letterOf, inputsRead, cnNumber } from './letter.ts';

const root = new URL('../../../../', import.meta.url);
const doc = JSON.parse(
  readFileSync(new URL('rules/jilin-eco-target/2024.json', root), 'utf8'),
) as RuleDocument;
const data = JSON.parse(readFileSync(new URL('rules/sample-data/2024.json', root), 'utf8'));

/** One region of the 2024 sample data, with some values changed, evaluated with traces. */
function scored(code: string, change: Record<string, unknown> = {}): RegionResult {
  const region = data.regions.find((r: { code: string }) => r.code === code);
  const ev = evaluate(
    doc,
    { year: 2024, regions: [{ ...region, values: { ...region.values, ...change } }] },
    { trace: true },
  );
  expect(ev.errors).toEqual([]);
  return ev.results[0];
}

function explain(result: RegionResult, itemId: string, lang: 'zh' | 'en' = 'zh') {
  const values = explainValues(result);
  for (const c of result.categories) {
    const it = c.items.find((x) => x.id === itemId);
    if (!it) continue;
    const def = doc.categories.find((x) => x.id === c.id)!.items.find((x) => x.id === itemId)!;
    return explainItem({ doc, values, lang }, def, it);
  }
  throw new Error(`no item ${itemId}`);
}

describe('an item’s points in words, from the trace', () => {
  it('no deduction: the values read, with labels and units', () => {
    const e = explain(scored('220100'), 'pm25');
    expect(e.summary).toBe(
      '细颗粒物(PM2.5)年均浓度 31 μg/m³，上年细颗粒物(PM2.5)年均浓度 31 μg/m³，细颗粒物(PM2.5)浓度目标 34 μg/m³：未扣分',
    );
    expect(e.deducted).toBe(0);
  });

  it('a deduction per unit over target: excess × rate = points deducted', () => {
    const r = scored('220100', { pm25_target: 28 });
    const zh = explain(r, 'pm25');
    expect(zh.summary).toContain(
      '细颗粒物(PM2.5)浓度目标 28 μg/m³：PM2.5浓度超过目标的量 3 μg/m³ × 0.5 = 1.5，扣 1.5 分',
    );
    expect(zh.deducted).toBe(1.5);
    expect(zh.branch).toBe('「PM2.5浓度不降反升」不成立');
    expect(zh.steps).toBe('公式结果 5.5；保留 2 位小数得 5.5 分');
    const en = explain(r, 'pm25', 'en');
    expect(en.summary).toContain('PM2.5 above target 3 μg/m³ × 0.5 = 1.5, 1.5 deducted');
  });

  it('a condition that takes all the points says which one', () => {
    const e = explain(scored('220100', { pm25: 33 }), 'pm25');
    expect(e.summary).toContain('「PM2.5浓度不降反升」成立，本项得 0 分，扣 7 分');
  });

  it('deductions that exhaust the item say so, and the clamping shows in the steps', () => {
    const e = explain(scored('220100', { air_task_shortfalls: 12 }), 'air_tasks');
    expect(e.summary).toContain('12 项 × 0.5 = 6');
    expect(e.summary).toContain('扣完为止（分值 4 分），扣 4 分');
    expect(e.deducted).toBe(4);
  });

  it('in English, units come in their English form (docs/glossary.md)', () => {
    const r = scored('220100', { air_task_shortfalls: 12 });
    const en = explain(r, 'air_tasks', 'en');
    expect(en.summary).toContain('12 tasks × 0.5 = 6');
    expect(en.summary).not.toMatch(/[\u4e00-\u9fff]/);
    expect(en.facts.find((f) => f.key === 'air_task_shortfalls')?.unit).toBe('tasks');
    expect(explain(r, 'air_tasks', 'zh').facts.find((f) => f.key === 'air_task_shortfalls')?.unit).toBe('项');
  });

  it('other formulas: the points they gave', () => {
    const e = explain(scored('220100'), 'projects');
    expect(e.summary).toMatch(/按公式得 4\.79 分，扣 0\.21 分$/);
    expect(e.steps).toBe('公式结果 4.791667；保留 2 位小数得 4.79 分');
  });
});

describe('how the grade came about', () => {
  it('score grade, then the downgrade, named', () => {
    const steps = gradePath(scored('220100'), doc, 'zh').map((s) => s.text);
    expect(steps).toEqual([
      // 2024 长春: satisfaction 92.1%, down from 93% in 2023: 1 point off the 96.89 it had before
      '总分 95.89 = 基础分 95.89 + 加分 0',
      '按分数评为「优秀」（90 分及以上）',
      '触发降档项「未按期完成生态环境保护督察问题整改任务」，降 1 档 → 「良好」',
      '最终等级「良好」',
    ]);
  });

  it('a capped bonus and a veto', () => {
    const tonghua = gradePath(scored('220500'), doc, 'zh').map((s) => s.text);
    expect(tonghua[0]).toMatch(/加分合计 6 分，封顶 5 分/);
    const meihekou = gradePath(scored('220581'), doc, 'zh');
    expect(meihekou.find((s) => s.kind === 'veto')?.text).toBe(
      '触发否决项「生态环境监测数据弄虚作假」：直接评为「不合格」',
    );
    expect(meihekou[meihekou.length - 1].grade).toBe('unqualified');
  });
});

describe('formula shapes', () => {
  it('follows if-chains with the data', () => {
    const f = { if: [{ '>': [{ var: 'x' }, 10] }, 'big', { '>': [{ var: 'x' }, 5] }, 'mid', 'small'] };
    expect(takenBranch(f, { x: 12 }).expr).toBe('big');
    expect(takenBranch(f, { x: 7 }).expr).toBe('mid');
    expect(takenBranch(f, { x: 1 })).toMatchObject({ expr: 'small', held: null });
  });

  it('finds the deduction of max(0, M − D) and clamp(M − D, 0, M)', () => {
    const d = { '*': [0.5, { var: 'x' }] };
    expect(deductionOf({ max: [0, { '-': [4, d] }] })).toEqual(d);
    expect(deductionOf({ clamp: [{ '-': [1, d] }, 0, 1] })).toEqual(d);
    expect(deductionOf({ min: [2, d] })).toBeNull();
  });

  it('formats numbers without float residue and with a real minus sign', () => {
    expect(fmt(0.1 + 0.2)).toBe('0.3');
    expect(fmt(-2.675)).toBe('−2.68');
    expect(fmt(null)).toBe('—');
  });
});

describe('the target letter', () => {
  it('lists the targets each item reads, through derived values', () => {
    expect(inputsRead(doc.categories[0].items.find((i) => i.id === 'pm25')!.logic, doc).sort()).toEqual(
      // the year's inputs: not the parameter pm25_deduction, not last year's prev.pm25
      ['pm25', 'pm25_target'].sort(),
    );
    const { sections, otherTargets } = letterOf(doc);
    const pm25 = sections[0].items.find((i) => i.id === 'pm25')!;
    expect(pm25.targets.map((t) => t.key)).toEqual(['pm25_target']);
    expect(sections.map((s) => s.maxPoints)).toEqual([60, 25, 10, 5]);
    // projects_planned is a target read by the projects item through project_rate.
    expect(sections[2].items.find((i) => i.id === 'projects')!.targets.map((t) => t.key)).toEqual([
      'projects_planned',
    ]);
    expect(otherTargets).toEqual([]);
  });

  it('numbers sections the way official documents do', () => {
    expect([1, 4, 10, 11, 20, 23].map(cnNumber)).toEqual(['一', '四', '十', '十一', '二十', '二十三']);
  });
});
