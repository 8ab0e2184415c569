import { describe, expect, it } from 'vitest';
import { anchorOf, formulaSteps, messageIn, rowOf, sectionOf } from './pointer.ts';

describe('anchorOf: the field that shows a problem', () => {
  it.each([
    ['/categories/0/items/3/logic/max/1/-/1/var', '/categories/0/items/3/logic'],
    ['/categories/0/items/3/logic', '/categories/0/items/3/logic'],
    ['/categories/0/maxPoints', '/categories/0/maxPoints'],
    ['/categories/2/items/0/label/zh', '/categories/2/items/0/label/zh'],
    ['/inputs/2/label', '/inputs/2'],
    ['/inputs/2/enum/1', '/inputs/2/enum'],
    ['/maxScore', '/maxScore'],
    ['/title/zh', '/title/zh'],
    ['/bonus/items/1/logic', '/bonus/items/1/logic'],
    ['/bonus/cap', '/bonus/cap'],
    ['/caps/0/maxGrade', '/caps/0/maxGrade'],
    ['/downgrades/1/when/and/0', '/downgrades/1/when'],
    ['/tests/0/inputs/pm25', '/tests/0/inputs/pm25'],
    ['/tests/1/expect/items/pm25', '/tests/1/expect/items/pm25'],
    ['/tests/1/expect/vetoes/0', '/tests/1/expect/vetoes'],
    ['/parameters/1/value', '/parameters/1/value'],
    ['/parameters/1/label', '/parameters/1'],
    ['/inputs/2/enum/1/label/zh', '/inputs/2/enum/1/label/zh'],
    ['/inputs/2/enum/1/label', '/inputs/2/enum'],
    ['/inputs/2/previous', '/inputs/2/previous'],
    ['/categories/0/items/2/rubric', '/categories/0/items/2/rubric'],
    ['/categories/0/items/2/rubric/zh', '/categories/0/items/2/rubric'],
    ['/categories/0/items/2/applies/var', '/categories/0/items/2/applies'],
    ['/categories/1/notApplicable', '/categories/1/notApplicable'],
    ['/unknownField', ''],
    ['', ''],
  ])('%s → %s', (path, anchor) => {
    expect(anchorOf(path)).toBe(anchor);
  });
});

describe('sectionOf and rowOf', () => {
  it.each([
    ['/categories/0/items/3/logic', 'categories', '/categories/0/items/3'],
    ['/inputs/4/key', 'inputs', '/inputs/4'],
    ['/caps/1/when', 'adjustments', '/caps/1'],
    ['/downgradeStacking', 'adjustments', null],
    ['/bonus/items/0/logic', 'adjustments', '/bonus/items/0'],
    ['/grades/2/min', 'overview', '/grades/2'],
    ['/tests/0/expect/total', 'tests', '/tests/0'],
    ['/maxScore', 'overview', null],
    ['/parameters/0/key', 'parameters', '/parameters/0'],
  ])('%s is on the %s tab, in row %s', (path, section, row) => {
    expect(sectionOf(path)).toBe(section);
    expect(rowOf(path)).toBe(row);
  });
});

describe('messageIn', () => {
  it('picks the language of an engine message "中文 / English"', () => {
    const m = '公式引用了未声明的变量 "x" / The formula refers to "x"';
    expect(messageIn(m, 'zh')).toBe('公式引用了未声明的变量 "x"');
    expect(messageIn(m, 'en')).toBe('The formula refers to "x"');
    expect(messageIn('only one language', 'en')).toBe('only one language');
  });
});

describe('formulaSteps', () => {
  it('reads the way down a formula as operations and their arguments', () => {
    expect(formulaSteps('/categories/0/items/2/logic/max/1/-/1/*/1')).toEqual([
      { op: 'max', arg: 1 },
      { op: '-', arg: 1 },
      { op: '*', arg: 1 },
    ]);
    expect(formulaSteps('/vetoes/0/when/var')).toEqual([{ op: 'var', arg: null }]);
  });
  it('is empty outside formulas and at the formula itself', () => {
    expect(formulaSteps('/categories/0/items/2/logic')).toEqual([]);
    expect(formulaSteps('/inputs/0/min')).toEqual([]);
  });
});
